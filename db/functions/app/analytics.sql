-- db/functions/app/analytics.sql — triggers marking a consultant's analytics stale when the rows they are computed from change.

create or replace function app.mark_analytics_dirty() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  v_consultant uuid;
  v_instants timestamptz[];
begin
  -- The instants whose local days this row counts on, before and after the change.
  if tg_table_name = 'sessions' then
    v_consultant := coalesce(new.consultant_id, old.consultant_id);
    v_instants := array[new.starts_at, old.starts_at];
  elsif tg_table_name = 'payment_transactions' then
    v_consultant := coalesce(new.consultant_id, old.consultant_id);
    v_instants := array[new.paid_at, old.paid_at];
  elsif tg_table_name = 'payment_refunds' then
    v_consultant := new.consultant_id;
    v_instants := array[new.processed_at];
  elsif tg_table_name = 'clients' then
    v_consultant := new.consultant_id;
    v_instants := array[new.created_at];
  elsif tg_table_name = 'quotations' then
    v_consultant := new.consultant_id;
    v_instants := array[new.sent_at, new.responded_at, old.sent_at, old.responded_at];
  end if;
  insert into app.analytics_dirty (consultant_id, day)
  select distinct v_consultant, (i at time zone c.timezone)::date
  from unnest(v_instants) i, app.consultants c
  where i is not null and c.id = v_consultant;
  -- Open dashboards of this consultant refresh (app/live.py). Sent at commit, once per transaction and
  -- consultant (PostgreSQL folds identical notifications), never for a write that rolls back.
  if v_consultant is not null then
    perform pg_notify('nakksha_dashboard', v_consultant::text);
  end if;
  return null;
end;
$$;
comment on function app.mark_analytics_dirty() is 'Trigger: record the (consultant, local day) pairs a write changes, for the daily_analytics job. Definer: it fires on writes the app role makes (a consultant adding a client) and records the day in app.analytics_dirty, which no web role may write.';

create or replace function app.mark_all_analytics_dirty() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  delete from app.daily_analytics where consultant_id = new.id;
  insert into app.analytics_dirty (consultant_id, day)
  select distinct new.id, (i at time zone new.timezone)::date
  from (select s.starts_at from app.sessions s where s.consultant_id = new.id
        union all select p.paid_at from app.payment_transactions p where p.consultant_id = new.id
        union all select r.processed_at from app.payment_refunds r where r.consultant_id = new.id
        union all select c.created_at from app.clients c where c.consultant_id = new.id
        union all select q.sent_at from app.quotations q where q.consultant_id = new.id
        union all select q.responded_at from app.quotations q where q.consultant_id = new.id) t(i)
  where i is not null;
  return null;
end;
$$;
comment on function app.mark_all_analytics_dirty() is 'Trigger: a consultant''s new time zone re-cuts every day of their analytics. Definer: it fires on the consultant''s own timezone change and marks every day in app.analytics_dirty, which no web role may write.';

-- Test: pytest tests/db/test_daily_analytics.py
