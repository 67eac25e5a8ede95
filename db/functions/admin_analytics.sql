-- db/functions/admin_analytics.sql — the admins' platform views: analytics, one consultant's metrics, all sessions, system health (settings: settings.sql).
-- Platform periods are cut in India's time zone (Asia/Kolkata); platform sums come from daily_analytics
-- (each consultant's own local days), which the job keeps within about a minute of the base tables.
-- Every figure is defined in docs/metrics.md.

create or replace function api.admin_sees_consultant(p_consultant_id uuid)
returns uuid
language plpgsql stable security invoker
set search_path = ''
as $$
begin
  perform api.require_admin();
  if not exists (select 1 from app.consultants c where c.id = p_consultant_id and c.deleted_at is null) then
    raise exception using errcode = 'NK404', message = 'not_found', detail = 'No such consultant.';
  end if;
  return p_consultant_id;
end;
$$;
comment on function api.admin_sees_consultant is 'The consultant''s id, once the caller is an admin and the consultant exists (else 403/404).';

create or replace function api.admin_consultant_analytics(p_consultant_id uuid, p_timeframe text, p_from date, p_to date)
returns jsonb
language sql volatile security invoker
set search_path = ''
as $$
  -- Exactly what the consultant sees on their own dashboard.
  select api.dashboard_metrics_for(api.admin_sees_consultant(p_consultant_id), p_timeframe, p_from, p_to);
$$;
comment on function api.admin_consultant_analytics is 'Admins: one consultant''s dashboard metrics, as they see them.';

create or replace function api.admin_consultant_charts(p_consultant_id uuid, p_timeframe text, p_from date, p_to date)
returns jsonb
language sql volatile security invoker
set search_path = ''
as $$
  select api.dashboard_charts_for(api.admin_sees_consultant(p_consultant_id), p_timeframe, p_from, p_to);
$$;
comment on function api.admin_consultant_charts is 'Admins: one consultant''s dashboard charts, as they see them.';

create or replace function api.admin_analytics(p_timeframe text, p_from date, p_to date)
returns jsonb
language plpgsql stable security invoker
set search_path = ''
as $$
declare
  v_today date := (now() at time zone 'Asia/Kolkata')::date;
  v_b record;
  v_from timestamptz;
  v_to timestamptz;
  v_unit text;
  v_result jsonb;
begin
  perform api.require_admin();
  select * into v_b from api.period_bounds(p_timeframe, p_from, p_to, v_today);
  v_from := v_b.starts::timestamp at time zone 'Asia/Kolkata';
  v_to := (v_b.ends + 1)::timestamp at time zone 'Asia/Kolkata';
  v_unit := api.chart_unit(v_b.starts, v_b.ends);  -- the same buckets as a consultant's chart
  with days as materialized (
    select * from app.daily_analytics d where d.date between v_b.starts and v_b.ends
  ), buckets as (
    select distinct api.bucket_start(v_unit, d::date, v_b.starts) as bucket  -- never before the period
    from generate_series(v_b.starts, v_b.ends, interval '1 day') d
  ), day_sums as (
    select api.bucket_start(v_unit, x.date, v_b.starts) as bucket, sum(x.total_sessions) as sessions,
           sum(x.total_revenue - x.refunded_amount) as revenue
    from days x group by 1
  ), signups as (
    select api.bucket_start(v_unit, (c.created_at at time zone 'Asia/Kolkata')::date, v_b.starts) as bucket, count(*) as n
    from app.consultants c where c.created_at >= v_from and c.created_at < v_to group by 1
  ), trend as (
    select b.bucket, coalesce(d.sessions, 0) as sessions, coalesce(d.revenue, 0) as revenue, coalesce(g.n, 0) as signups
    from buckets b left join day_sums d using (bucket) left join signups g using (bucket)
  ), per_consultant as (
    select consultant_id, sum(total_revenue - refunded_amount) as revenue, sum(total_sessions) as sessions
    from days group by consultant_id
  ), pays as (
    -- Payment orders created in the period (IST): captured ones, those with a failed attempt (even when a
    -- later attempt paid: the order keeps it in metadata), and those settled unpaid (failed or given up).
    select count(*) filter (where status in ('completed', 'partially_refunded', 'refunded')) as succeeded,
           count(*) filter (where status = 'failed' or metadata ? 'last_failed_payment_id') as failed,
           count(*) filter (where status in ('failed', 'cancelled')) as unpaid
    from app.payment_transactions where created_at >= v_from and created_at < v_to
  )
  select jsonb_build_object(
    'timeframe', p_timeframe, 'from', v_b.starts, 'to', v_b.ends, 'timezone', 'Asia/Kolkata', 'unit', v_unit,
    'trend', (select coalesce(jsonb_agg(jsonb_build_object('period', t.bucket, 'sessions', t.sessions,
                                                          'revenue', api.money(t.revenue), 'signups', t.signups) order by t.bucket), '[]')
              from trend t),
    'revenue', jsonb_build_object(
      'gross', (select api.money(coalesce(sum(total_revenue), 0)) from days),
      'refunded', (select api.money(coalesce(sum(refunded_amount), 0)) from days),
      'net', (select api.money(coalesce(sum(total_revenue - refunded_amount), 0)) from days),
      'sessions', (select api.money(coalesce(sum(personal_revenue + webinar_revenue), 0)) from days),
      'quotations', (select api.money(coalesce(sum(quotation_revenue), 0)) from days)),
    -- Sessions starting in the period (local days); pending = to come: total less completed, cancelled, no-show.
    'sessions', (select jsonb_build_object('total', coalesce(sum(total_sessions), 0),
                   'pending', coalesce(sum(total_sessions - completed_sessions - cancelled_sessions - no_show_sessions), 0),
                   'completed', coalesce(sum(completed_sessions), 0), 'cancelled', coalesce(sum(cancelled_sessions), 0),
                   'abandoned', coalesce(sum(abandoned_sessions), 0), 'no_show', coalesce(sum(no_show_sessions), 0))
                 from days),
    'consultants', (select coalesce(jsonb_object_agg(approval_status, n), '{}')
                    from (select approval_status, count(*) as n from app.consultants where deleted_at is null
                          group by approval_status) a),
    'new_signups', (select count(*) from app.consultants where created_at >= v_from and created_at < v_to),
    'top_consultants', (select coalesce(jsonb_agg(jsonb_build_object('consultant_id', c.id,
                          'name', c.first_name || ' ' || c.last_name, 'slug', c.slug, 'revenue', api.money(p.revenue),
                          'sessions', p.sessions) order by p.revenue desc, c.id), '[]')
                        from (select * from per_consultant order by revenue desc, consultant_id limit 10) p
                        join app.consultants c on c.id = p.consultant_id),
    -- Success: of the orders created in the period that are settled, the share captured.
    'payments', (select jsonb_build_object('succeeded', succeeded, 'failed', failed, 'unpaid', unpaid,
                   'success_rate', api.rate(succeeded, succeeded + unpaid)) from pays))
  into v_result;
  return v_result;
end;
$$;
comment on function api.admin_analytics is 'Admins: platform revenue (and its trend per day/week/month with sessions and signups), sessions by status, consultants by approval, signups, top consultants, payment success rate.';

create or replace function api.admin_system()
returns jsonb
language plpgsql stable security invoker
set search_path = ''
as $$
begin
  perform api.require_admin();
  return jsonb_build_object(
    'jobs', (select coalesce(jsonb_agg(jsonb_build_object('queue', queue_name, 'status', status, 'count', n)
                                       order by queue_name, status), '[]')
             from (select queue_name, status::text as status, count(*) as n from public.procrastinate_jobs
                   where status in ('todo', 'doing', 'failed') group by 1, 2) j),
    'failed_jobs_24h', (select count(*) from public.procrastinate_jobs j
                        where j.status = 'failed' and j.id in (
                          select e.job_id from public.procrastinate_events e
                          where e.type = 'failed' and e.at > now() - interval '24 hours')),
    'email_failures_24h', (select count(*) from app.email_logs l
                           where l.status in ('failed', 'bounced', 'complained') and l.updated_at > now() - interval '24 hours'),
    'materialized_views', (select coalesce(jsonb_agg(jsonb_build_object('view', v.schemaname || '.' || v.matviewname,
                             'refreshed_at', r.refreshed_at, 'duration_ms', r.duration_ms,
                             'age_seconds', extract(epoch from now() - r.refreshed_at)::integer) order by v.matviewname), '[]')
                           from pg_catalog.pg_matviews v
                           left join app.view_refreshes r on r.view_name = v.schemaname || '.' || v.matviewname
                           where v.schemaname = 'analytics'),
    'analytics_backlog', (select count(*) from app.analytics_dirty),
    'payout_mismatches', api.admin_payout_mismatches(),
    -- The platform's own particulars every tax invoice it issues (commission, plan charges) prints as the supplier
    -- (rule 46): empty until registered, and then its invoices go out without them (the outside review).
    'gst_issuer_missing', (select coalesce(jsonb_agg(k order by o), '[]')
                           from unnest(array['platform_gstin', 'platform_legal_name', 'platform_state_code',
                                             'platform_address']) with ordinality x(k, o)
                           where app.platform_text(k) is null),
    'database', jsonb_build_object('size_bytes', pg_catalog.pg_database_size(pg_catalog.current_database()),
                                   'version', pg_catalog.current_setting('server_version'),
                                   'migration', (select max(version)::text from public.schema_migrations)));
end;
$$;
comment on function api.admin_system is 'Admins: job queues by status, failed jobs and email failures in 24 hours, view refresh ages, payouts reconciliation mismatches, the platform''s GST particulars still empty, database size, version, migration.';

grant execute on function api.admin_consultant_analytics(uuid, text, date, date),
  api.admin_consultant_charts(uuid, text, date, date), api.admin_analytics(text, date, date),
  api.admin_system(),
  api.admin_sees_consultant(uuid) to nakksha_app;

-- Test: pytest tests/http/test_admin_analytics.py
