-- db/functions/analytics.sql — daily_analytics: one (consultant, local day) rebuilt from the base tables, and the job step that rebuilds the dirty ones.
-- Definitions (docs/metrics.md): a session counts on the local day it starts; revenue is money received —
-- completed payments on the day they were paid, refunds on the day they were processed; a client is new on
-- the day they were added; quotations count on the day sent and the day accepted.

create or replace function app_private.recompute_daily_analytics(p_consultant_id uuid, p_day date)
returns void
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_tz text := (select c.timezone from app.consultants c where c.id = p_consultant_id);
  v_from timestamptz := p_day::timestamp at time zone v_tz;
  v_to timestamptz := (p_day + 1)::timestamp at time zone v_tz;
  v_row app.daily_analytics;
begin
  if v_tz is null then
    return;  -- the consultant is gone (cascade takes their rows)
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

grant execute on function api.refresh_daily_analytics(integer) to nakksha_app;

-- Test: pytest tests/db/test_daily_analytics.py
