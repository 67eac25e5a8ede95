-- db/migrations/20261124102100_keep_daily_analytics.sql — daily_analytics kept current: writes mark (consultant, local day) dirty, a job recomputes them.

-- migrate:up
-- Why mark-and-recompute rather than triggers adding deltas: a delta trigger must get every transition of
-- every table exactly right forever (a missed case drifts silently), and racing bookings would all queue on
-- one hot (consultant, day) row. Here a write appends a mark naming the days it changed, and
-- app_private.recompute_daily_analytics rebuilds a day from the base tables, so a day is exactly what the
-- rows say once the job has run. Marks are append-only (no unique key): a writer never waits on another
-- writer or on the job, and a mark stays invisible to the job until its write commits, so the job never
-- consumes a mark before the data it stands for is there. (A unique mark inserted with "do nothing" on a
-- conflict could: it leans on an older committed mark, which the job may delete and act on before the
-- write commits. tests/db/test_daily_analytics.py caught exactly that.) Today's figures are combined live
-- by the dashboard functions, so nothing a consultant sees waits for the job.
create table app.analytics_dirty (
  id bigint generated always as identity primary key,
  consultant_id uuid not null,
  day date not null,
  marked_at timestamptz not null default now(),
  constraint analytics_dirty_consultant_id_fkey foreign key (consultant_id)
    references app.consultants (id) on delete cascade
);
comment on table app.analytics_dirty is 'Marks: days of daily_analytics that a committed write has changed since they were last recomputed.';
create index analytics_dirty_consultant on app.analytics_dirty (consultant_id);
alter table app.analytics_dirty enable row level security;

create index payment_refunds_consultant_processed_idx on app.payment_refunds (consultant_id, processed_at)
  where processed_at is not null;
create index quotations_consultant_sent_idx on app.quotations (consultant_id, sent_at) where sent_at is not null;
create index quotations_consultant_responded_idx on app.quotations (consultant_id, responded_at)
  where responded_at is not null;

create function app.mark_analytics_dirty() returns trigger
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
comment on function app.mark_analytics_dirty() is 'Trigger: record the (consultant, local day) pairs a write changes, for the daily_analytics job.';
revoke execute on function app.mark_analytics_dirty() from public;

create trigger sessions_mark_analytics after insert or delete or update of status, starts_at, amount, session_type,
  is_repeat_client on app.sessions for each row execute function app.mark_analytics_dirty();
create trigger payment_transactions_mark_analytics after insert or delete or update of status, paid_at, amount
  on app.payment_transactions for each row execute function app.mark_analytics_dirty();
create trigger payment_refunds_mark_analytics after insert or update of status, processed_at, amount
  on app.payment_refunds for each row execute function app.mark_analytics_dirty();
create trigger clients_mark_analytics after insert on app.clients
  for each row execute function app.mark_analytics_dirty();

-- A consultant who changes time zone has every day cut differently: all of them are recomputed.
create function app.mark_all_analytics_dirty() returns trigger
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
comment on function app.mark_all_analytics_dirty() is 'Trigger: a consultant''s new time zone re-cuts every day of their analytics.';
revoke execute on function app.mark_all_analytics_dirty() from public;
create trigger consultants_timezone_analytics after update of timezone on app.consultants
  for each row when (new.timezone is distinct from old.timezone)
  execute function app.mark_all_analytics_dirty();
create trigger quotations_mark_analytics after update of status, sent_at, responded_at on app.quotations
  for each row execute function app.mark_analytics_dirty();

-- Days already in the tables (before this migration) are computed by the first job run.
insert into app.analytics_dirty (consultant_id, day)
select distinct s.consultant_id, (s.starts_at at time zone c.timezone)::date
from app.sessions s join app.consultants c on c.id = s.consultant_id;
insert into app.analytics_dirty (consultant_id, day)
select distinct p.consultant_id, (p.paid_at at time zone c.timezone)::date
from app.payment_transactions p join app.consultants c on c.id = p.consultant_id where p.paid_at is not null;

-- migrate:down
drop trigger consultants_timezone_analytics on app.consultants;
drop function app.mark_all_analytics_dirty();
drop trigger sessions_mark_analytics on app.sessions;
drop trigger payment_transactions_mark_analytics on app.payment_transactions;
drop trigger payment_refunds_mark_analytics on app.payment_refunds;
drop trigger clients_mark_analytics on app.clients;
drop trigger quotations_mark_analytics on app.quotations;
drop function app.mark_analytics_dirty();
drop index app.quotations_consultant_responded_idx;
drop index app.quotations_consultant_sent_idx;
drop index app.payment_refunds_consultant_processed_idx;
drop table app.analytics_dirty;
