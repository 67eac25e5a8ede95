-- app/queries/analytics.sql — the analytics jobs' steps (jobs/analytics.py).

-- name: refresh_daily_analytics(limit)$
-- Recompute a batch of the days writes have marked dirty.
select api.refresh_daily_analytics(:limit);

-- name: dashboard_metrics(timeframe, date_from, date_to)$
-- Dashboard metrics for a period to date in the consultant's time zone (today; week from Monday; month; quarter; year; fy from 1 April; custom from/to dates, inclusive): sessions by status, completion rate, revenue received (payments less refunds), revenue today, average session value, growth against the previous period of equal length, clients, quotations.
select api.dashboard_metrics(:timeframe, :date_from, :date_to);

-- name: dashboard_charts(timeframe, date_from, date_to)$
-- Dashboard charts for a timeframe: sessionsTrend (sessions and revenue received per day, or per ISO week beyond two months, or per month beyond a year), clientsGrowth (per month: new and running total), revenueBreakdown (personal vs webinar: amount and percentage).
select api.dashboard_charts(:timeframe, :date_from, :date_to);

-- name: refresh_views()$
-- Refresh the analytics materialized views concurrently.
select api.refresh_views();

-- name: admin_analytics(timeframe, date_from, date_to)$
-- Platform analytics for a timeframe (periods in IST): revenue received and its trend (per day, week or month, with sessions and signups), sessions by status, consultants by approval status, new signups, top consultants by revenue, payment success rate.
select api.admin_analytics(:timeframe, :date_from, :date_to);

-- name: admin_consultant_analytics(consultant_id, timeframe, date_from, date_to)$
-- One consultant's dashboard metrics, exactly as they see them.
select api.admin_consultant_analytics(:consultant_id, :timeframe, :date_from, :date_to);

-- name: admin_consultant_charts(consultant_id, timeframe, date_from, date_to)$
-- One consultant's dashboard charts, exactly as they see them.
select api.admin_consultant_charts(:consultant_id, :timeframe, :date_from, :date_to);

-- name: admin_list_sessions(status, consultant_id, date_from, date_to, page, per_page)$
-- Sessions across the platform: filter by status, consultant and start time; paged, newest first.
-- Every tenant's, under the admin role's read policies (an active admin's transaction).
with me as materialized (select api.require_admin() as id),  -- 403 unless an active admin calls
p as (
  select :status::text as status, :consultant_id::uuid as consultant_id, :date_from::timestamptz as from_,
         :date_to::timestamptz as to_, :page::integer as page, :per_page::integer as per_page
), matching as (
  select s.id, s.starts_at from app.sessions s, p
  where (p.status is null or s.status = p.status) and (p.consultant_id is null or s.consultant_id = p.consultant_id)
    and (p.from_ is null or s.starts_at >= p.from_) and (p.to_ is null or s.starts_at < p.to_)
), page as (
  select m.id, row_number() over (order by m.starts_at desc, m.id) as ord from matching m
  order by m.starts_at desc, m.id
  limit (select per_page from p) offset (select (page - 1) * per_page from p)
)
select jsonb_build_object(
  'items', coalesce((select jsonb_agg(jsonb_build_object(
      'id', s.id, 'consultant_id', s.consultant_id, 'consultant_name', c.first_name || ' ' || c.last_name,
      'consultant_slug', c.slug, 'client_name', cl.name, 'session_type', s.session_type, 'status', s.status,
      'payment_status', s.payment_status, 'starts_at', s.starts_at, 'ends_at', s.ends_at, 'amount', api.money(s.amount),
      'currency', s.currency, 'booked_via', s.booked_via, 'created_at', s.created_at) order by pg.ord)
    from page pg join app.sessions s on s.id = pg.id join app.consultants c on c.id = s.consultant_id
    join app.clients cl on cl.id = s.client_id), '[]'),
  'total', (select count(*) from matching), 'page', p.page, 'per_page', p.per_page)
from p, me;

-- name: admin_system()$
-- System health: job queue depth by queue and status, failed jobs and email failures in the last 24 hours, the analytics views' last refresh and age, the daily-analytics backlog, database size, version and migration level.
select api.admin_system();

-- name: admin_settings()$
-- Platform settings (super admins): each key with its value, description and last change.
select api.admin_settings();

-- name: admin_update_settings(patch)$
-- Change platform settings (super admins): an object of key → value; each key is checked for its type and range (default_hold_minutes, booking_horizon_days, reminder_hours_before, meeting_link_wait_seconds, calendar_busy_refresh_minutes, view_refresh_minutes, platform_name, support_email, plans); audited.
select api.admin_update_settings(:patch);
