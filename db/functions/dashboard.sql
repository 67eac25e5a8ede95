-- db/functions/dashboard.sql — a consultant's dashboard for a period: its bounds in their zone, the figures and the charts, from daily_analytics and today's live day (definitions: docs/metrics.md).
-- Issue 20: a call reads the period's stored days once, computes today once (one statement) and calls no
-- function per row that the planner cannot inline (bench/dashboard_sql.py measures it against the bare read).

create or replace function api.period_bounds(p_timeframe text, p_from date, p_to date, p_today date)
returns table (starts date, ends date)
language plpgsql immutable
set search_path = ''
as $$
begin
  -- Periods to date, as local dates [starts, ends] inclusive; custom is the given dates.
  starts := case p_timeframe
    when 'today' then p_today
    when 'week' then p_today - (extract(isodow from p_today)::integer - 1)
    when 'month' then date_trunc('month', p_today)::date
    when 'quarter' then date_trunc('quarter', p_today)::date
    when 'year' then date_trunc('year', p_today)::date
    when 'fy' then make_date(extract(year from p_today)::integer - case when extract(month from p_today) < 4 then 1 else 0 end, 4, 1)
    when 'custom' then p_from
  end;
  ends := case when p_timeframe = 'custom' then p_to else p_today end;
  if starts is null or ends is null then
    raise exception using errcode = 'NK422', message = 'validation_error',
      detail = 'timeframe is one of today, week, month, quarter, year, fy, custom (custom needs from and to).',
      hint = 'field:timeframe';
  end if;
  if ends < starts or ends - starts > 3660 then
    raise exception using errcode = 'NK422', message = 'validation_error',
      detail = 'to must be on or after from, at most ten years later.', hint = 'field:to';
  end if;
  return next;
end;
$$;
comment on function api.period_bounds is 'A timeframe as local dates: periods to date (week from Monday, fy from 1 April) or custom.';
grant execute on function api.period_bounds(text, date, date, date) to nakksha_app;

create or replace function api.rate(p_part numeric, p_whole numeric)
returns numeric
language sql immutable parallel safe
-- No `set search_path`: a function with one is never inlined (as api.money); it names only pg_catalog's.
as $$
  -- A percentage with one decimal; NULL when there is nothing to divide by (pages show "—", not 0%).
  select case when coalesce(p_whole, 0) = 0 then null else pg_catalog.round(100.0 * p_part / p_whole, 1) end;
$$;
comment on function api.rate is 'part ÷ whole as a percentage, one decimal; NULL when whole is 0 (every rate of the dashboards and analysts'' views).';
grant execute on function api.rate(numeric, numeric) to nakksha_app, nakksha_admin, nakksha_worker, nakksha_analyst;

create or replace function api.period_days(p_consultant_id uuid, p_starts date, p_ends date, p_today date,
                                           p_live app.daily_analytics)
returns setof app.daily_analytics
language sql stable security invoker parallel safe
-- No `set search_path` (every name is qualified): the planner inlines it into its caller's query.
as $$
  -- The period's stored days, with today replaced by its live computation (p_live: api.live_day, NULL when
  -- today has nothing), so a booking made a second ago counts whatever the job has done.
  select d.* from app.daily_analytics d
  where d.consultant_id = p_consultant_id and d.date between p_starts and p_ends and d.date <> p_today
  union all
  select (p_live).* where (p_live).consultant_id is not null and (p_live).date between p_starts and p_ends;
$$;
comment on function api.period_days is 'daily_analytics rows of a period, today''s given computed live (api.live_day).';

create or replace function api.dashboard_metrics_for(p_consultant_id uuid, p_timeframe text, p_from date,
                                                             p_to date)
returns jsonb
language plpgsql volatile security invoker
set search_path = ''
-- Its statements' plans are kept: re-planning them on every call (custom plans) cost more than running them.
set plan_cache_mode = force_generic_plan
as $$
declare
  v_tz text := (select c.timezone from app.consultants c where c.id = p_consultant_id);
  v_today date := (now() at time zone v_tz)::date;
  v_b record;
  v_len integer;
  v_live app.daily_analytics;
  v_cur record;
  v_revenue numeric;
  v_prev_revenue numeric;
  v_active integer;
  v_repeat integer;
begin
  select * into v_b from api.period_bounds(p_timeframe, p_from, p_to, v_today);
  v_len := v_b.ends - v_b.starts + 1;
  -- Today once, live: in the period's sums when the period holds it, and in the "today" figures.
  v_live := api.live_day(p_consultant_id, v_today);
  -- The period and, for growth, the period of the same length just before it: one read of their days.
  select coalesce(sum(d.total_sessions) filter (where d.date >= v_b.starts), 0) as total_sessions,
         coalesce(sum(d.completed_sessions) filter (where d.date >= v_b.starts), 0) as completed_sessions,
         coalesce(sum(d.cancelled_sessions) filter (where d.date >= v_b.starts), 0) as cancelled_sessions,
         coalesce(sum(d.abandoned_sessions) filter (where d.date >= v_b.starts), 0) as abandoned_sessions,
         coalesce(sum(d.no_show_sessions) filter (where d.date >= v_b.starts), 0) as no_show_sessions,
         coalesce(sum(d.total_revenue) filter (where d.date >= v_b.starts), 0) as gross_revenue,
         coalesce(sum(d.refunded_amount) filter (where d.date >= v_b.starts), 0) as refunded,
         coalesce(sum(d.personal_revenue + d.webinar_revenue) filter (where d.date >= v_b.starts), 0) as session_revenue,
         coalesce(sum(d.quotation_revenue) filter (where d.date >= v_b.starts), 0) as quotation_revenue,
         coalesce(sum(d.session_payments) filter (where d.date >= v_b.starts), 0) as session_payments,
         coalesce(sum(d.new_clients) filter (where d.date >= v_b.starts), 0) as new_clients,
         coalesce(sum(d.quotations_sent) filter (where d.date >= v_b.starts), 0) as quotations_sent,
         coalesce(sum(d.quotations_accepted) filter (where d.date >= v_b.starts), 0) as quotations_accepted,
         coalesce(sum(d.total_revenue) filter (where d.date < v_b.starts), 0) as prev_gross,
         coalesce(sum(d.refunded_amount) filter (where d.date < v_b.starts), 0) as prev_refunded
  into v_cur
  from api.period_days(p_consultant_id, v_b.starts - v_len, v_b.ends, v_today, v_live) d;
  v_revenue := v_cur.gross_revenue - v_cur.refunded;
  v_prev_revenue := v_cur.prev_gross - v_cur.prev_refunded;
  -- Active clients: distinct clients with a live session (confirmed, completed or no-show: what the Clients
  -- page counts) starting in the period; repeat clients: those of them app.is_repeat_client calls repeat.
  select count(*), count(*) filter (where app.is_repeat_client(k.total_sessions))
  into v_active, v_repeat
  from app.clients k
  where k.consultant_id = p_consultant_id and k.id in (
    select s.client_id from app.sessions s
    where s.consultant_id = p_consultant_id and s.status in ('confirmed', 'completed', 'no_show')
      and s.starts_at >= v_b.starts::timestamp at time zone v_tz and s.starts_at < (v_b.ends + 1)::timestamp at time zone v_tz);
  -- Every rate divides two counts on the same basis, and is NULL (shown as —) when the denominator is 0.
  return jsonb_build_object(
    'timeframe', p_timeframe, 'from', v_b.starts, 'to', v_b.ends, 'timezone', v_tz,
    'previous_from', v_b.starts - v_len, 'previous_to', v_b.starts - 1,
    'total_sessions', v_cur.total_sessions,
    'pending_sessions', v_cur.total_sessions - v_cur.completed_sessions - v_cur.cancelled_sessions
                        - v_cur.no_show_sessions,
    'completed_sessions', v_cur.completed_sessions,
    'cancelled_sessions', v_cur.cancelled_sessions,
    'abandoned_sessions', v_cur.abandoned_sessions,
    'no_show_sessions', v_cur.no_show_sessions,
    -- Of the sessions starting in the period whose outcome is recorded (completed or no-show), the completed.
    'completion_rate', api.rate(v_cur.completed_sessions, v_cur.completed_sessions + v_cur.no_show_sessions),
    'total_revenue', api.money(v_revenue), 'gross_revenue', api.money(v_cur.gross_revenue),
    'refunded_amount', api.money(v_cur.refunded),
    'session_revenue', api.money(v_cur.session_revenue),
    'quotation_revenue', api.money(v_cur.quotation_revenue),
    'session_payments', v_cur.session_payments,
    'revenue_today', api.money(coalesce(v_live.total_revenue, 0) - coalesce(v_live.refunded_amount, 0)),
    -- Session payments received in the period ÷ how many there were (both by paid_at, gross of refunds).
    'average_session_value', case when v_cur.session_payments = 0 then null
      else api.money(v_cur.session_revenue / v_cur.session_payments) end,
    'previous_revenue', api.money(v_prev_revenue),
    'revenue_growth', case when v_prev_revenue = 0 then null
      else round(100.0 * (v_revenue - v_prev_revenue) / abs(v_prev_revenue), 1) end,
    'total_clients', coalesce((select k.clients from app.consultant_client_counts k
                               where k.consultant_id = p_consultant_id), 0),
    'new_clients', v_cur.new_clients,
    'new_clients_today', coalesce(v_live.new_clients, 0),
    'active_clients', v_active,
    'repeat_clients', v_repeat,
    'repeat_client_rate', api.rate(v_repeat, v_active),
    'quotations_sent', v_cur.quotations_sent,
    'quotations_accepted', v_cur.quotations_accepted,
    'quotation_conversion_rate', api.rate(v_cur.quotations_accepted, v_cur.quotations_sent));
end;
$$;
comment on function api.dashboard_metrics_for is 'A consultant''s dashboard metrics for a timeframe, with growth against the previous period of equal length.';

create or replace function api.dashboard_metrics(p_timeframe text, p_from date, p_to date)
returns jsonb
language plpgsql volatile security invoker
set search_path = ''
as $$
begin
  return api.dashboard_metrics_for(api.require_approved(), p_timeframe, p_from, p_to);
end;
$$;
comment on function api.dashboard_metrics is 'The calling consultant''s dashboard metrics (see docs/metrics.md).';

create or replace function api.chart_unit(p_starts date, p_ends date)
returns text
language sql immutable security invoker parallel safe
-- No `set search_path`, so it is inlined (it names nothing but operators).
as $$
  -- Per day up to two months, per ISO week up to a year, per month beyond.
  select case when p_ends - p_starts < 62 then 'day' when p_ends - p_starts < 366 then 'week' else 'month' end;
$$;
comment on function api.chart_unit is 'The bucket of a chart over a period: day, ISO week or month (consultant and platform charts).';

create or replace function api.bucket_start(p_unit text, p_day date, p_starts date)
returns date
language sql immutable security invoker parallel safe
-- No `set search_path`, so it is inlined into the charts' per-day queries (it names only pg_catalog's).
as $$
  -- The day's ISO week or month, but never starting before the period: a period from Thu 1 Jan has its first
  -- week start on 1 Jan (holding 1-4 Jan), not on Mon 29 Dec. Truncated as a timestamp without time zone: a
  -- date has none, so the session's zone plays no part.
  select greatest(pg_catalog.date_trunc(p_unit, p_day::timestamp)::date, p_starts);
$$;
comment on function api.bucket_start is 'The start of the chart bucket (day, week, month) holding a day, clamped to the period''s first day.';

create or replace function api.dashboard_charts_for(p_consultant uuid, p_timeframe text, p_from date,
                                                         p_to date)
returns jsonb
language plpgsql volatile security invoker
set search_path = ''
-- Its statements' plans are kept: re-planning them on every call (custom plans) cost more than running them.
set plan_cache_mode = force_generic_plan
as $$
declare
  v_consultant uuid := p_consultant;
  v_tz text := (select c.timezone from app.consultants c where c.id = v_consultant);
  v_today date := (now() at time zone v_tz)::date;
  v_b record;
  v_unit text;
  v_before bigint;
  v_live app.daily_analytics;
  v_result jsonb;
begin
  select * into v_b from api.period_bounds(p_timeframe, p_from, p_to, v_today);
  v_unit := api.chart_unit(v_b.starts, v_b.ends);
  -- Clients before the period: the kept total less those added since it began (bounded by the period,
  -- not by the history).
  v_before := coalesce((select k.clients from app.consultant_client_counts k where k.consultant_id = v_consultant), 0)
              - (select count(*) from app.clients c where c.consultant_id = v_consultant
                 and c.created_at >= v_b.starts::timestamp at time zone v_tz);
  if v_today between v_b.starts and v_b.ends then
    v_live := api.live_day(v_consultant, v_today);
  end if;
  -- The period's days are read once (a CTE used three times is materialised once); every day of the period
  -- is one row of `days`, joined to its stored or live figures by date and grouped into its bucket.
  with chart_days as materialized (
    select g.d::date as day, x.total_sessions, x.new_clients, x.total_revenue, x.refunded_amount,
           x.personal_revenue, x.webinar_revenue, x.quotation_revenue
    from generate_series(v_b.starts, v_b.ends, interval '1 day') g(d)
    left join api.period_days(v_consultant, v_b.starts, v_b.ends, v_today, v_live) x on x.date = g.d::date
  ), trend as (
    -- A bucket starts where the period does when its week or month began earlier (1 Jan, not 29 Dec):
    -- its figures are only the period's days anyway.
    select api.bucket_start(v_unit, x.day, v_b.starts) as bucket, coalesce(sum(x.total_sessions), 0) as sessions,
           coalesce(sum(x.total_revenue - x.refunded_amount), 0) as revenue
    from chart_days x group by 1
  ), growth as (
    select api.bucket_start('month', x.day, v_b.starts) as month, coalesce(sum(x.new_clients), 0) as new_clients
    from chart_days x group by 1
  ), running as (
    select g.month, g.new_clients, v_before + sum(g.new_clients) over (order by g.month) as total from growth g
  ), split as (
    -- Money received in the period by what paid for it (gross, by paid_at), and the refunds processed in it:
    -- personal + webinar + quotation − refunded = total_revenue, the dashboard's "Revenue received".
    select coalesce(sum(personal_revenue), 0) as personal, coalesce(sum(webinar_revenue), 0) as webinar,
           coalesce(sum(quotation_revenue), 0) as quotation, coalesce(sum(total_revenue), 0) as gross,
           coalesce(sum(refunded_amount), 0) as refunded
    from chart_days
  )
  select jsonb_build_object(
    'timeframe', p_timeframe, 'from', v_b.starts, 'to', v_b.ends, 'timezone', v_tz, 'unit', v_unit,
    'sessionsTrend', (select coalesce(jsonb_agg(jsonb_build_object('period', t.bucket, 'sessions', t.sessions,
                                                                  'revenue', api.money(t.revenue)) order by t.bucket), '[]')
                      from trend t),
    'clientsGrowth', (select coalesce(jsonb_agg(jsonb_build_object('month', g.month, 'new', g.new_clients,
                                                                  'total', g.total) order by g.month), '[]')
                      from running g),
    'revenueBreakdown', jsonb_build_array(
        jsonb_build_object('type', 'personal', 'amount', api.money(sp.personal), 'percentage', api.rate(sp.personal, sp.gross)),
        jsonb_build_object('type', 'webinar', 'amount', api.money(sp.webinar), 'percentage', api.rate(sp.webinar, sp.gross)),
        jsonb_build_object('type', 'quotation', 'amount', api.money(sp.quotation), 'percentage', api.rate(sp.quotation, sp.gross))),
    'gross_revenue', api.money(sp.gross),
    'refunded_amount', api.money(sp.refunded),
    'total_revenue', api.money(sp.gross - sp.refunded))
  into v_result
  from split sp;
  return v_result;
end;
$$;
comment on function api.dashboard_charts_for is 'A consultant''s charts for a timeframe: sessions and revenue per day/week/month, clients per month, money received by what paid for it (personal, webinar, quotation) with the refunds that make it revenue received.';

create or replace function api.dashboard_charts(p_timeframe text, p_from date, p_to date)
returns jsonb
language sql volatile security invoker
set search_path = ''
as $$
  select api.dashboard_charts_for(api.require_approved(), p_timeframe, p_from, p_to);
$$;
comment on function api.dashboard_charts is 'The calling consultant''s charts for a timeframe (see api.dashboard_charts_for).';

grant execute on function api.dashboard_metrics(text, date, date), api.dashboard_charts(text, date, date),
  api.period_days(uuid, date, date, date, app.daily_analytics), api.chart_unit(date, date), api.bucket_start(text, date, date),
  api.dashboard_metrics_for(uuid, text, date, date), api.dashboard_charts_for(uuid, text, date, date) to nakksha_app;

-- Test: pytest tests/http/test_dashboard_metrics.py tests/db/test_daily_analytics.py tests/db/test_metrics_property.py
