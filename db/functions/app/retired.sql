-- db/functions/app/retired.sql — policy helpers no current policy uses, kept because earlier migrations' policies call them (a fresh database migrates step by step).
-- The baseline migration's tenant and admin read policies call these two; 20261205120100 replaces those policies
-- (a consultant's read is one equality, an admin reads under the role nakksha_app_admin: app.acts_as_admin). A
-- function a migration uses must exist when that migration runs, and migrations are append-only, so they stay,
-- unused once migrated (tests/meta/test_migrations.py: no current policy calls them). Security invoker: they were
-- definer for the policies that called them; nothing does now, so they bypass nothing (a migration in progress
-- runs no query through those policies).
create or replace function app.current_admin_is_active() returns boolean
language sql stable security invoker
set search_path = ''
as $$
  select exists (select 1 from app.admins a where a.id = app.current_admin_id() and a.is_active)
$$;
comment on function app.current_admin_is_active() is 'Retired (see db/functions/app/retired.sql): true when the transaction acts for an active admin. Invoker since issue 20: no policy calls it any more, and as a definer it let a web role read past the admins policy.';
create or replace function app.readable_consultants(p_approved_only boolean) returns uuid[]
language sql stable security invoker
set search_path = ''
as $$
  -- Written out rather than calling the helpers above: each is a definer call with its own search_path, and this
  -- runs once per statement on every tenant read (bench/rls.py).
  -- A transaction acts for one caller: a consultant id set wins (an admin id beside it, which the app never
  -- sets, must not widen a consultant's reads to every tenant).
  select case
    when nullif(current_setting('app.consultant_id', true), '') is not null then
      case when not p_approved_only
           then array[nullif(current_setting('app.consultant_id', true), '')::uuid]
           else coalesce((select array[c.id] from app.consultants c
                          where c.id = nullif(current_setting('app.consultant_id', true), '')::uuid
                            and c.approval_status = 'approved' and c.deleted_at is null), '{}')
      end
    when exists (select 1 from app.admins a
                 where a.id = nullif(current_setting('app.admin_id', true), '')::uuid and a.is_active)
      then (select coalesce(array_agg(c.id), '{}') from app.consultants c)
    else '{}'
  end
$$;
comment on function app.readable_consultants(boolean) is 'Retired (see db/functions/app/retired.sql): the consultants whose rows the caller may read. Invoker since issue 20: no policy calls it any more, and as a definer it let a web role read past the consultants and admins policies.';

grant execute on function app.readable_consultants(boolean), app.current_admin_is_active() to nakksha_app, nakksha_admin;

-- The sessions trigger of 20261205100000 until 20261209020000 (app.queue_session_reminder replaced it): it queued
-- every reminder when the session was confirmed, however far ahead. Kept for the migrations that create its trigger.
create or replace function app.schedule_session_reminder() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if tg_op = 'UPDATE' and new.status is not distinct from old.status
     and new.starts_at is not distinct from old.starts_at then
    return null;
  end if;
  perform app_private.cancel_queued_jobs('reminder:' || new.id);
  if new.status = 'confirmed' and new.starts_at > now() then
    perform app_private.defer_job('send_session_reminder',
      jsonb_build_object('session_id', new.id, 'starts_at', new.starts_at), 'emails',
      greatest(now(), app_private.reminder_due_at(new.starts_at)), 'reminder:' || new.id);
  end if;
  return null;
end;
$$;
comment on function app.schedule_session_reminder() is 'Retired (see db/functions/app/retired.sql): the reminder trigger before 20261209020000, which queued every reminder ahead.';


-- The append-only triggers of the baseline (the admin audit log) and of 20261210010000 (the ledger) until
-- 20261212030000 pointed them at app.refuse_change with the same SQLSTATE and code, and dropped these two. A fresh
-- database migrates step by step, and those migrations create triggers on them: made here only while
-- 20261212030000 is not applied (indented, so they are not counted as the app schema's functions: a migrated
-- database has neither).
do $retired$
declare
  v_retired boolean := false;
begin
  if to_regclass('public.schema_migrations') is not null then
    execute 'select exists (select 1 from public.schema_migrations where version = $1)' into v_retired
      using '20261212030000';
  end if;
  if not v_retired then
    create or replace function app.forbid_audit_change() returns trigger
    language plpgsql
    as $body$
    begin
      raise exception using errcode = 'NK403', message = 'audit_log_append_only',
        detail = 'The admin audit log cannot be changed or deleted.';
    end;
    $body$;
    create or replace function app.refuse_ledger_change() returns trigger
    language plpgsql
    set search_path = ''
    as $body$
    begin
      raise exception using errcode = 'NK409', message = 'ledger_append_only',
        detail = 'Ledger entries are never changed or deleted; a correction is a new entry.';
    end;
    $body$;
  end if;
end
$retired$;

-- Test: pytest tests/meta/test_migrations.py tests/meta/test_definer_functions.py
