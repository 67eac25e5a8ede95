-- db/functions/analytics.sql — daily_analytics: one (consultant, local day) rebuilt from the base tables, the job step that rebuilds the dirty ones, and the analysts' view refresh (the dashboard built on it: dashboard.sql).
-- Definitions (docs/metrics.md): a session counts on the local day it starts; revenue is money received from
-- clients — captured session and quotation payments on the day they were paid, refunds on the day they were
-- processed; a client is new on the day they were added; a quotation counts on the day it was sent (accepted
-- ones too).

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
  v_row.consultant_id := p_consultant_id;
  v_row.date := p_day;
  v_row.updated_at := now();
  -- One statement (the dashboard computes today with it on every call; each is an index range of one day).
  select
    -- Sessions on the local day they start. Cancelled includes `returned` (cancelled, then refunded in full).
    s.total_sessions, s.completed_sessions, s.cancelled_sessions, s.abandoned_sessions, s.no_show_sessions,
    s.returning_clients,
    -- Money received that day from clients (gross; a duplicate payment counts here and its refund on its own
    -- day), split so that personal + webinar + quotation = total. The consultant's own subscription payments
    -- are not revenue.
    p.total_revenue, p.personal_revenue, p.webinar_revenue, p.quotation_revenue, p.session_payments,
    -- Refunds of those payments on the day they were processed.
    r.refunded_amount,
    k.new_clients,
    -- Accepted counts on the day the quotation was sent (of the quotations sent that day, those accepted
    -- since), so conversion divides like by like.
    q.quotations_sent, q.quotations_accepted
  into v_row.total_sessions, v_row.completed_sessions, v_row.cancelled_sessions, v_row.abandoned_sessions,
       v_row.no_show_sessions, v_row.returning_clients,
       v_row.total_revenue, v_row.personal_revenue, v_row.webinar_revenue, v_row.quotation_revenue,
       v_row.session_payments, v_row.refunded_amount, v_row.new_clients, v_row.quotations_sent,
       v_row.quotations_accepted
  from (select count(*) filter (where s.status <> 'abandoned') as total_sessions,
               count(*) filter (where s.status = 'completed') as completed_sessions,
               count(*) filter (where s.status in ('cancelled', 'returned')) as cancelled_sessions,
               count(*) filter (where s.status = 'abandoned') as abandoned_sessions,
               count(*) filter (where s.status = 'no_show') as no_show_sessions,
               count(*) filter (where s.status <> 'abandoned' and s.is_repeat_client) as returning_clients
        from app.sessions s
        where s.consultant_id = p_consultant_id and s.starts_at >= v_from and s.starts_at < v_to) s,
       (select coalesce(sum(t.amount), 0) as total_revenue,
               coalesce(sum(t.amount) filter (where t.purpose = 'session' and s.session_type = 'personal'), 0)
                 as personal_revenue,
               coalesce(sum(t.amount) filter (where t.purpose = 'session' and s.session_type = 'webinar'), 0)
                 as webinar_revenue,
               coalesce(sum(t.amount) filter (where t.purpose = 'quotation'), 0) as quotation_revenue,
               count(*) filter (where t.purpose = 'session') as session_payments
        from app.payment_transactions t
        left join app.sessions s on s.id = t.session_id
        where t.consultant_id = p_consultant_id and t.paid_at >= v_from and t.paid_at < v_to
          and t.purpose in ('session', 'quotation')
          and t.status in ('completed', 'partially_refunded', 'refunded')) p,
       (select coalesce(sum(r.amount), 0) as refunded_amount
        from app.payment_refunds r
        join app.payment_transactions t on t.id = r.transaction_id
        where r.consultant_id = p_consultant_id and r.status = 'processed' and t.purpose in ('session', 'quotation')
          and r.processed_at >= v_from and r.processed_at < v_to) r,
       (select count(*) as new_clients from app.clients c
        where c.consultant_id = p_consultant_id and c.created_at >= v_from and c.created_at < v_to) k,
       (select count(*) as quotations_sent, count(*) filter (where q.status = 'accepted') as quotations_accepted
        from app.quotations q
        where q.consultant_id = p_consultant_id and q.sent_at >= v_from and q.sent_at < v_to) q;

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
    quotations_accepted = excluded.quotations_accepted, quotation_revenue = excluded.quotation_revenue,
    session_payments = excluded.session_payments, updated_at = now();
end;
$$;
comment on function app_private.recompute_daily_analytics is 'Rebuild one consultant''s local day of daily_analytics from sessions, payments, refunds, clients and quotations.';

create or replace function api.refresh_daily_analytics(p_limit integer default 1000)
returns integer
language plpgsql volatile security invoker
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
declare
  v_row app.daily_analytics;
begin
  -- Today as exact as the base tables, whatever the job has or has not done yet; it only reads, so dashboards
  -- can be served by a hot standby. A write marks its days in analytics_dirty in its own transaction and the job
  -- removes a mark in the transaction that stores the day, so a day without a mark (in this snapshot) is stored
  -- exactly, or has nothing (no row): read it. Only a marked day is computed (five tables; issue 20).
  if not exists (select 1 from app.analytics_dirty d where d.consultant_id = p_consultant_id and d.day = p_day) then
    select * into v_row from app.daily_analytics a where a.consultant_id = p_consultant_id and a.date = p_day;
    return v_row;
  end if;
  return api.compute_daily_analytics(p_consultant_id, p_day);
end;
$$;
comment on function api.live_day is 'One local day as exact as the base tables: stored when no write has marked it since the job stored it, else computed from them; reads only.';

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
comment on function api.refresh_views is 'Refresh every analytics materialized view concurrently and record when (job and nakksha refresh-views). Definer: REFRESH MATERIALIZED VIEW needs the views'' owner; granted to the worker role alone.';

grant execute on function api.refresh_views(), api.refresh_daily_analytics(integer) to nakksha_worker;
-- The dashboard's parts, invoker: run for a consultant, the policies show them the caller's rows; run by the admin
-- pages' and the worker's definer functions (as the owner), their consultant argument says whose.
grant execute on function api.compute_daily_analytics(uuid, date), api.live_day(uuid, date) to nakksha_app;
grant execute on function api.compute_daily_analytics(uuid, date) to nakksha_worker;

-- Test: pytest tests/db/test_daily_analytics.py
