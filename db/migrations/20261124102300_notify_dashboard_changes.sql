-- db/migrations/20261124102300_notify_dashboard_changes.sql — a write that changes a consultant's figures notifies their open dashboards.

-- migrate:up
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

-- migrate:down
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
  return null;
end;
$$;
