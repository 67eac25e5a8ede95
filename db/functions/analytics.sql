-- db/functions/analytics.sql — daily_analytics: one (consultant, local day) rebuilt from the base tables, and the job step that rebuilds the dirty ones.
-- Definitions (docs/metrics.md): a session counts on the local day it starts; revenue is money received —
-- completed payments on the day they were paid, refunds on the day they were processed; a client is new on
-- the day they were added; quotations count on the day sent and the day accepted.

create or replace function api.compute_daily_analytics(p_consultant_id uuid, p_day date)
returns app.daily_analytics
language plpgsql stable security invoker
set search_path = ''
as $$
declare
  v_tz text := (select c.timezone from app.consultants c where c.id = p_consultant_id);
  v_from timestamptz := p_day::timestamp at time zone v_tz;
  v_to timestamptz := (p_day + 1)::timestamp at time zone v_tz;
  v_row app.daily_analytics;
begin
  -- Reads only, so a hot standby can answer it (dashboards on a read replica): NULL for a day with
  -- nothing in it or a consultant who is gone.
  if v_tz is null then
    return null;
  end if;
  select p_consultant_id, p_day,
         count(*) filter (where s.status <> 'abandoned'),
         count(*) filter (where s.status = 'completed'),
         count(*) filter (where s.status = 'cancelled'),
         count(*) filter (where s.status = 'abandoned'),
         count(*) filter (where s.status = 'no_show'),
         0, 0, 0, 0, 0,
         count(*) filter (where s.status <> 'abandoned' and s.is_repeat_client),
         0, 0, now()
  into v_row
  from app.sessions s
  where s.consultant_id = p_consultant_id and s.starts_at >= v_from and s.starts_at < v_to;

  -- Money received that day (gross; a duplicate payment counts here and its refund on its own day).
  select coalesce(sum(t.amount), 0),
         coalesce(sum(t.amount) filter (where s.session_type = 'personal'), 0),
         coalesce(sum(t.amount) filter (where s.session_type = 'webinar'), 0)
  into v_row.total_revenue, v_row.personal_revenue, v_row.webinar_revenue
  from app.payment_transactions t
  left join app.sessions s on s.id = t.session_id
  where t.consultant_id = p_consultant_id and t.paid_at >= v_from and t.paid_at < v_to
    and t.status in ('completed', 'partially_refunded', 'refunded');
  select coalesce(sum(r.amount), 0) into v_row.refunded_amount
  from app.payment_refunds r
  where r.consultant_id = p_consultant_id and r.status = 'processed'
    and r.processed_at >= v_from and r.processed_at < v_to;
  select count(*) into v_row.new_clients from app.clients c
  where c.consultant_id = p_consultant_id and c.created_at >= v_from and c.created_at < v_to;
  select count(*) into v_row.quotations_sent from app.quotations q
  where q.consultant_id = p_consultant_id and q.sent_at >= v_from and q.sent_at < v_to;
  select count(*) into v_row.quotations_accepted from app.quotations q
  where q.consultant_id = p_consultant_id and q.status = 'accepted'
    and q.responded_at >= v_from and q.responded_at < v_to;

  if v_row.total_sessions + v_row.abandoned_sessions + v_row.new_clients + v_row.quotations_sent
     + v_row.quotations_accepted = 0 and v_row.total_revenue = 0 and v_row.refunded_amount = 0 then
    return null;
  end if;
  return v_row;
end;
$$;
comment on function api.compute_daily_analytics is 'One consultant''s local day of daily_analytics computed from sessions, payments, refunds, clients and quotations (NULL when empty); reads only.';

create or replace function app_private.recompute_daily_analytics(p_consultant_id uuid, p_day date)
returns void
language plpgsql volatile
set search_path = ''
as $$
declare
  v_row app.daily_analytics;
begin
  if not exists (select 1 from app.consultants c where c.id = p_consultant_id) then
    return;  -- the consultant is gone (cascade takes their rows)
  end if;
  v_row := api.compute_daily_analytics(p_consultant_id, p_day);
  if v_row.consultant_id is null then
    delete from app.daily_analytics where consultant_id = p_consultant_id and date = p_day;  -- nothing that day
    return;
  end if;
  insert into app.daily_analytics values (v_row.*)
  on conflict (consultant_id, date) do update set
    total_sessions = excluded.total_sessions, completed_sessions = excluded.completed_sessions,
    cancelled_sessions = excluded.cancelled_sessions, abandoned_sessions = excluded.abandoned_sessions,
    no_show_sessions = excluded.no_show_sessions, total_revenue = excluded.total_revenue,
    refunded_amount = excluded.refunded_amount, personal_revenue = excluded.personal_revenue,
    webinar_revenue = excluded.webinar_revenue, new_clients = excluded.new_clients,
    returning_clients = excluded.returning_clients, quotations_sent = excluded.quotations_sent,
    quotations_accepted = excluded.quotations_accepted, updated_at = now();
end;
$$;
comment on function app_private.recompute_daily_analytics is 'Rebuild one consultant''s local day of daily_analytics from sessions, payments, refunds, clients and quotations.';

create or replace function api.refresh_daily_analytics(p_limit integer default 1000)
returns integer
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_day record;
  v_count integer := 0;
begin
  -- Marks claimed with skip locked (two workers share the work) and only once their writes committed (an
  -- uncommitted mark is invisible here), so every change is recomputed after it is visible. A day marked
  -- again while this runs is simply recomputed again on the next run.
  for v_day in
    with claimed as (
      delete from app.analytics_dirty d
      where d.id in (select x.id from app.analytics_dirty x order by x.id limit p_limit for update skip locked)
      returning d.consultant_id, d.day)
    select distinct consultant_id, day from claimed
  loop
    perform app_private.recompute_daily_analytics(v_day.consultant_id, v_day.day);
    v_count := v_count + 1;
  end loop;
  return v_count;
end;
$$;
comment on function api.refresh_daily_analytics is 'Job: recompute the days writes have marked dirty (a batch at a time); returns how many.';

create or replace function api.live_day(p_consultant_id uuid, p_day date)
returns app.daily_analytics
language plpgsql stable security invoker
set search_path = ''
as $$
begin
  -- The same computation as the stored days, answered without storing, so today is exact whatever the
  -- job has or has not done yet; it only reads, so dashboards can be served by a hot standby.
  return api.compute_daily_analytics(p_consultant_id, p_day);
end;
$$;
comment on function api.live_day is 'One local day computed live from the base tables (today, between job runs); reads only.';

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

create or replace function api.period_totals(p_consultant_id uuid, p_starts date, p_ends date, p_today date)
returns jsonb
language plpgsql volatile security invoker
set search_path = ''
as $$
declare
  v_result jsonb;
begin
  -- Stored days before today, plus today live when the period includes it (api.period_days).
  with days as (
    select * from api.period_days(p_consultant_id, p_starts, p_ends, p_today)
  )
  select jsonb_build_object(
    'total_sessions', coalesce(sum(total_sessions), 0), 'completed_sessions', coalesce(sum(completed_sessions), 0),
    'cancelled_sessions', coalesce(sum(cancelled_sessions), 0), 'abandoned_sessions', coalesce(sum(abandoned_sessions), 0),
    'no_show_sessions', coalesce(sum(no_show_sessions), 0),
    'gross_revenue', coalesce(sum(total_revenue), 0), 'refunded', coalesce(sum(refunded_amount), 0),
    'session_revenue', coalesce(sum(personal_revenue + webinar_revenue), 0),
    'new_clients', coalesce(sum(new_clients), 0), 'returning_clients', coalesce(sum(returning_clients), 0),
    'quotations_sent', coalesce(sum(quotations_sent), 0), 'quotations_accepted', coalesce(sum(quotations_accepted), 0))
  into v_result from days;
  return v_result;
end;
$$;
comment on function api.period_totals is 'Sums of daily_analytics over local dates (today computed live).';

create or replace function api.dashboard_metrics_for(p_consultant_id uuid, p_timeframe text, p_from date,
                                                             p_to date)
returns jsonb
language plpgsql volatile security invoker
set search_path = ''
as $$
declare
  v_tz text := (select c.timezone from app.consultants c where c.id = p_consultant_id);
  v_today date := (now() at time zone v_tz)::date;
  v_b record;
  v_len integer;
  v_cur jsonb;
  v_prev jsonb;
  v_today_totals jsonb;
  v_revenue numeric;
  v_prev_revenue numeric;
  v_active integer;
begin
  select * into v_b from api.period_bounds(p_timeframe, p_from, p_to, v_today);
  v_len := v_b.ends - v_b.starts + 1;
  v_cur := api.period_totals(p_consultant_id, v_b.starts, v_b.ends, v_today);
  -- Growth: against the period of the same length just before.
  v_prev := api.period_totals(p_consultant_id, v_b.starts - v_len, v_b.starts - 1, v_today);
  v_today_totals := case when v_b.starts <= v_today and v_today <= v_b.ends and v_len = 1 then v_cur
                         else api.period_totals(p_consultant_id, v_today, v_today, v_today) end;
  v_revenue := (v_cur->>'gross_revenue')::numeric - (v_cur->>'refunded')::numeric;
  v_prev_revenue := (v_prev->>'gross_revenue')::numeric - (v_prev->>'refunded')::numeric;
  -- Active clients: distinct clients with a session (not abandoned or cancelled) starting in the period.
  select count(distinct s.client_id) into v_active from app.sessions s
  where s.consultant_id = p_consultant_id and s.status not in ('abandoned', 'cancelled')
    and s.starts_at >= v_b.starts::timestamp at time zone v_tz and s.starts_at < (v_b.ends + 1)::timestamp at time zone v_tz;
  return jsonb_build_object(
    'timeframe', p_timeframe, 'from', v_b.starts, 'to', v_b.ends, 'timezone', v_tz,
    'previous_from', v_b.starts - v_len, 'previous_to', v_b.starts - 1,
    'total_sessions', (v_cur->>'total_sessions')::integer,
    'pending_sessions', (v_cur->>'total_sessions')::integer - (v_cur->>'completed_sessions')::integer
                        - (v_cur->>'cancelled_sessions')::integer - (v_cur->>'no_show_sessions')::integer,
    'completed_sessions', (v_cur->>'completed_sessions')::integer,
    'cancelled_sessions', (v_cur->>'cancelled_sessions')::integer,
    'abandoned_sessions', (v_cur->>'abandoned_sessions')::integer,
    'no_show_sessions', (v_cur->>'no_show_sessions')::integer,
    'completion_rate', case when (v_cur->>'total_sessions')::integer = 0 then 0
      else round(100.0 * (v_cur->>'completed_sessions')::integer / (v_cur->>'total_sessions')::integer, 1) end,
    'total_revenue', v_revenue, 'gross_revenue', (v_cur->>'gross_revenue')::numeric,
    'refunded_amount', (v_cur->>'refunded')::numeric,
    'revenue_today', (v_today_totals->>'gross_revenue')::numeric - (v_today_totals->>'refunded')::numeric,
    'average_session_value', case when (v_cur->>'total_sessions')::integer - (v_cur->>'cancelled_sessions')::integer <= 0 then 0
      else round((v_cur->>'session_revenue')::numeric
                 / ((v_cur->>'total_sessions')::integer - (v_cur->>'cancelled_sessions')::integer), 2) end,
    'previous_revenue', v_prev_revenue,
    'revenue_growth', case when v_prev_revenue = 0 then null
      else round(100.0 * (v_revenue - v_prev_revenue) / abs(v_prev_revenue), 1) end,
    'total_clients', coalesce((select k.clients from app.consultant_client_counts k
                               where k.consultant_id = p_consultant_id), 0),
    'new_clients', (v_cur->>'new_clients')::integer,
    'new_clients_today', (v_today_totals->>'new_clients')::integer,
    'active_clients', v_active,
    'repeat_client_rate', case when (v_cur->>'total_sessions')::integer = 0 then 0
      else round(100.0 * (v_cur->>'returning_clients')::integer / (v_cur->>'total_sessions')::integer, 1) end,
    'quotations_sent', (v_cur->>'quotations_sent')::integer,
    'quotations_accepted', (v_cur->>'quotations_accepted')::integer,
    'quotation_conversion_rate', case when (v_cur->>'quotations_sent')::integer = 0 then 0
      else round(100.0 * (v_cur->>'quotations_accepted')::integer / (v_cur->>'quotations_sent')::integer, 1) end);
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

create or replace function api.period_days(p_consultant_id uuid, p_starts date, p_ends date, p_today date)
returns setof app.daily_analytics
language plpgsql volatile security invoker
set search_path = ''
as $$
declare
  v_live app.daily_analytics;
begin
  -- The period's stored days, with today replaced by its live computation.
  return query select d.* from app.daily_analytics d
    where d.consultant_id = p_consultant_id and d.date between p_starts and p_ends and d.date <> p_today;
  if p_today between p_starts and p_ends then
    v_live := api.live_day(p_consultant_id, p_today);
    if v_live.consultant_id is not null then
      return next v_live;
    end if;
  end if;
end;
$$;
comment on function api.period_days is 'daily_analytics rows of a period, today computed live.';

create or replace function api.chart_unit(p_starts date, p_ends date)
returns text
language sql immutable security invoker
set search_path = ''
as $$
  -- Per day up to two months, per ISO week up to a year, per month beyond.
  select case when p_ends - p_starts < 62 then 'day' when p_ends - p_starts < 366 then 'week' else 'month' end;
$$;
comment on function api.chart_unit is 'The bucket of a chart over a period: day, ISO week or month (consultant and platform charts).';

create or replace function api.dashboard_charts_for(p_consultant uuid, p_timeframe text, p_from date,
                                                         p_to date)
returns jsonb
language plpgsql volatile security invoker
set search_path = ''
as $$
declare
  v_consultant uuid := p_consultant;
  v_tz text := (select c.timezone from app.consultants c where c.id = v_consultant);
  v_today date := (now() at time zone v_tz)::date;
  v_b record;
  v_unit text;
  v_before bigint;
  v_result jsonb;
begin
  select * into v_b from api.period_bounds(p_timeframe, p_from, p_to, v_today);
  v_unit := api.chart_unit(v_b.starts, v_b.ends);
  -- Clients before the period: the kept total less those added since it began (bounded by the period,
  -- not by the history).
  v_before := coalesce((select k.clients from app.consultant_client_counts k where k.consultant_id = v_consultant), 0)
              - (select count(*) from app.clients c where c.consultant_id = v_consultant
                 and c.created_at >= v_b.starts::timestamp at time zone v_tz);
  -- The period's days are read once (a CTE used three times is materialised once).
  with chart_days as materialized (
    select * from api.period_days(v_consultant, v_b.starts, v_b.ends, v_today)
  ), buckets as (
    select distinct date_trunc(v_unit, d)::date as bucket
    from generate_series(v_b.starts, v_b.ends, interval '1 day') d
  ), trend as (
    select b.bucket, coalesce(sum(x.total_sessions), 0) as sessions,
           coalesce(sum(x.total_revenue - x.refunded_amount), 0) as revenue
    from buckets b left join chart_days x on date_trunc(v_unit, x.date)::date = b.bucket
    group by b.bucket
  ), months as (
    select distinct date_trunc('month', d)::date as month
    from generate_series(v_b.starts, v_b.ends, interval '1 day') d
  ), growth as (
    select m.month, coalesce(sum(x.new_clients), 0) as new_clients
    from months m left join chart_days x on date_trunc('month', x.date)::date = m.month
    group by m.month
  ), running as (
    select g.month, g.new_clients, v_before + sum(g.new_clients) over (order by g.month) as total from growth g
  ), split as (
    select coalesce(sum(personal_revenue), 0) as personal, coalesce(sum(webinar_revenue), 0) as webinar
    from chart_days
  )
  select jsonb_build_object(
    'timeframe', p_timeframe, 'from', v_b.starts, 'to', v_b.ends, 'timezone', v_tz, 'unit', v_unit,
    'sessionsTrend', (select coalesce(jsonb_agg(jsonb_build_object('period', t.bucket, 'sessions', t.sessions,
                                                                  'revenue', t.revenue) order by t.bucket), '[]')
                      from trend t),
    'clientsGrowth', (select coalesce(jsonb_agg(jsonb_build_object('month', g.month, 'new', g.new_clients,
                                                                  'total', g.total) order by g.month), '[]')
                      from running g),
    'revenueBreakdown', (select jsonb_build_array(
        jsonb_build_object('type', 'personal', 'amount', sp.personal,
          'percentage', case when sp.personal + sp.webinar = 0 then 0 else round(100.0 * sp.personal / (sp.personal + sp.webinar), 1) end),
        jsonb_build_object('type', 'webinar', 'amount', sp.webinar,
          'percentage', case when sp.personal + sp.webinar = 0 then 0 else round(100.0 * sp.webinar / (sp.personal + sp.webinar), 1) end))
      from split sp))
  into v_result;
  return v_result;
end;
$$;
comment on function api.dashboard_charts_for is 'A consultant''s charts for a timeframe: sessions and revenue per day/week/month, clients per month, personal vs webinar revenue.';

create or replace function api.dashboard_charts(p_timeframe text, p_from date, p_to date)
returns jsonb
language sql volatile security invoker
set search_path = ''
as $$
  select api.dashboard_charts_for(api.require_approved(), p_timeframe, p_from, p_to);
$$;
comment on function api.dashboard_charts is 'The calling consultant''s charts for a timeframe (see api.dashboard_charts_for).';

create or replace function api.refresh_views()
returns jsonb
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_view record;
  v_started timestamptz;
  v_done jsonb := '[]';
begin
  -- Every materialized view of schema analytics, CONCURRENTLY (readers keep the old contents meanwhile; each
  -- has a unique index for it). As the owner, so the worker's role needs no more than this function.
  for v_view in select schemaname, matviewname from pg_catalog.pg_matviews where schemaname = 'analytics'
                order by matviewname
  loop
    v_started := clock_timestamp();
    if (select ispopulated from pg_catalog.pg_matviews where schemaname = v_view.schemaname
          and matviewname = v_view.matviewname) then
      execute format('refresh materialized view concurrently %I.%I', v_view.schemaname, v_view.matviewname);
    else
      execute format('refresh materialized view %I.%I', v_view.schemaname, v_view.matviewname);
    end if;
    insert into app.view_refreshes (view_name, refreshed_at, duration_ms)
    values (v_view.schemaname || '.' || v_view.matviewname, now(),
            (extract(epoch from clock_timestamp() - v_started) * 1000)::integer)
    on conflict (view_name) do update set refreshed_at = excluded.refreshed_at, duration_ms = excluded.duration_ms;
    v_done := v_done || jsonb_build_object('view', v_view.schemaname || '.' || v_view.matviewname,
      'duration_ms', (extract(epoch from clock_timestamp() - v_started) * 1000)::integer);
  end loop;
  return v_done;
end;
$$;
comment on function api.refresh_views is 'Refresh every analytics materialized view concurrently and record when (job and nakksha refresh-views).';

grant execute on function api.refresh_views(), api.refresh_daily_analytics(integer), api.dashboard_metrics(text, date, date),
  api.dashboard_charts(text, date, date) to nakksha_app;
-- The dashboard's parts, invoker: run for a consultant, the policies show them the caller's rows; run by the admin
-- pages' and the worker's definer functions (as the owner), their consultant argument says whose.
grant execute on function api.compute_daily_analytics(uuid, date), api.live_day(uuid, date),
  api.period_totals(uuid, date, date, date), api.period_days(uuid, date, date, date), api.chart_unit(date, date),
  api.dashboard_metrics_for(uuid, text, date, date), api.dashboard_charts_for(uuid, text, date, date) to nakksha_app;

-- Test: pytest tests/db/test_daily_analytics.py
