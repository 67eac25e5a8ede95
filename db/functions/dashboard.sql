-- db/functions/dashboard.sql — a consultant's dashboard for a period: its bounds in their zone, the figures and the charts, from daily_analytics and today's live day (definitions: docs/metrics.md).

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
language sql immutable
set search_path = ''
as $$
  -- A percentage with one decimal; NULL when there is nothing to divide by (pages show "—", not 0%).
  select case when coalesce(p_whole, 0) = 0 then null else round(100.0 * p_part / p_whole, 1) end;
$$;
comment on function api.rate is 'part ÷ whole as a percentage, one decimal; NULL when whole is 0 (every rate of the dashboards and analysts'' views).';
grant execute on function api.rate(numeric, numeric) to nakksha_app, nakksha_admin, nakksha_worker, nakksha_analyst;

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
    'personal_revenue', coalesce(sum(personal_revenue), 0), 'webinar_revenue', coalesce(sum(webinar_revenue), 0),
    'quotation_revenue', coalesce(sum(quotation_revenue), 0), 'session_payments', coalesce(sum(session_payments), 0),
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
  v_repeat integer;
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
  -- Active clients: distinct clients with a live session (confirmed, completed or no-show: what the Clients
  -- page counts) starting in the period; repeat clients: those of them app.is_repeat_client calls repeat.
  select count(*), count(*) filter (where app.is_repeat_client(k.total_sessions))
  into v_active, v_repeat
  from app.clients k
  where k.consultant_id = p_consultant_id and exists (
    select 1 from app.sessions s
    where s.consultant_id = p_consultant_id and s.client_id = k.id and s.status in ('confirmed', 'completed', 'no_show')
      and s.starts_at >= v_b.starts::timestamp at time zone v_tz and s.starts_at < (v_b.ends + 1)::timestamp at time zone v_tz);
  -- Every rate divides two counts on the same basis, and is NULL (shown as —) when the denominator is 0.
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
    -- Of the sessions starting in the period whose outcome is recorded (completed or no-show), the completed.
    'completion_rate', api.rate((v_cur->>'completed_sessions')::integer,
                                (v_cur->>'completed_sessions')::integer + (v_cur->>'no_show_sessions')::integer),
    'total_revenue', api.money(v_revenue), 'gross_revenue', api.money((v_cur->>'gross_revenue')::numeric),
    'refunded_amount', api.money((v_cur->>'refunded')::numeric),
    'session_revenue', api.money((v_cur->>'session_revenue')::numeric),
    'quotation_revenue', api.money((v_cur->>'quotation_revenue')::numeric),
    'session_payments', (v_cur->>'session_payments')::integer,
    'revenue_today', api.money((v_today_totals->>'gross_revenue')::numeric - (v_today_totals->>'refunded')::numeric),
    -- Session payments received in the period ÷ how many there were (both by paid_at, gross of refunds).
    'average_session_value', case when (v_cur->>'session_payments')::integer = 0 then null
      else api.money((v_cur->>'session_revenue')::numeric / (v_cur->>'session_payments')::integer) end,
    'previous_revenue', api.money(v_prev_revenue),
    'revenue_growth', case when v_prev_revenue = 0 then null
      else round(100.0 * (v_revenue - v_prev_revenue) / abs(v_prev_revenue), 1) end,
    'total_clients', coalesce((select k.clients from app.consultant_client_counts k
                               where k.consultant_id = p_consultant_id), 0),
    'new_clients', (v_cur->>'new_clients')::integer,
    'new_clients_today', (v_today_totals->>'new_clients')::integer,
    'active_clients', v_active,
    'repeat_clients', v_repeat,
    'repeat_client_rate', api.rate(v_repeat, v_active),
    'quotations_sent', (v_cur->>'quotations_sent')::integer,
    'quotations_accepted', (v_cur->>'quotations_accepted')::integer,
    'quotation_conversion_rate', api.rate((v_cur->>'quotations_accepted')::integer,
                                          (v_cur->>'quotations_sent')::integer));
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

create or replace function api.bucket_start(p_unit text, p_day date, p_starts date)
returns date
language sql immutable security invoker
set search_path = ''
as $$
  -- The day's ISO week or month, but never starting before the period: a period from Thu 1 Jan has its first
  -- week start on 1 Jan (holding 1-4 Jan), not on Mon 29 Dec.
  select greatest(date_trunc(p_unit, p_day)::date, p_starts);
$$;
comment on function api.bucket_start is 'The start of the chart bucket (day, week, month) holding a day, clamped to the period''s first day.';

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
    -- A bucket starts where the period does when its week or month began earlier (1 Jan, not 29 Dec):
    -- its figures are only the period's days anyway (chart_days).
    select distinct api.bucket_start(v_unit, d::date, v_b.starts) as bucket
    from generate_series(v_b.starts, v_b.ends, interval '1 day') d
  ), trend as (
    select b.bucket, coalesce(sum(x.total_sessions), 0) as sessions,
           coalesce(sum(x.total_revenue - x.refunded_amount), 0) as revenue
    from buckets b left join chart_days x on api.bucket_start(v_unit, x.date, v_b.starts) = b.bucket
    group by b.bucket
  ), months as (
    select distinct api.bucket_start('month', d::date, v_b.starts) as month
    from generate_series(v_b.starts, v_b.ends, interval '1 day') d
  ), growth as (
    select m.month, coalesce(sum(x.new_clients), 0) as new_clients
    from months m left join chart_days x on api.bucket_start('month', x.date, v_b.starts) = m.month
    group by m.month
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
    'revenueBreakdown', (select jsonb_build_array(
        jsonb_build_object('type', 'personal', 'amount', api.money(sp.personal), 'percentage', api.rate(sp.personal, sp.gross)),
        jsonb_build_object('type', 'webinar', 'amount', api.money(sp.webinar), 'percentage', api.rate(sp.webinar, sp.gross)),
        jsonb_build_object('type', 'quotation', 'amount', api.money(sp.quotation), 'percentage', api.rate(sp.quotation, sp.gross)))
      from split sp),
    'gross_revenue', (select api.money(sp.gross) from split sp),
    'refunded_amount', (select api.money(sp.refunded) from split sp),
    'total_revenue', (select api.money(sp.gross - sp.refunded) from split sp))
  into v_result;
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
  api.period_totals(uuid, date, date, date), api.period_days(uuid, date, date, date), api.chart_unit(date, date), api.bucket_start(text, date, date),
  api.dashboard_metrics_for(uuid, text, date, date), api.dashboard_charts_for(uuid, text, date, date) to nakksha_app;

-- Test: pytest tests/http/test_dashboard_metrics.py tests/db/test_daily_analytics.py
