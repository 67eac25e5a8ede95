-- db/functions/app/suspension.sql — a suspended consultant changes nothing: their page, prices, links, bank details and hours stay as the admin found them.
-- The write policies of sessions, clients, quotations and payments already name approved consultants only
-- (app.current_approved_consultant_id). A consultant's own row and their availability are written by pending
-- consultants too (they set up before approval), so their policies name any consultant; these triggers refuse
-- the one status that must not write there, with the reason (NK403 consultant_suspended), instead of a policy's
-- silent "0 rows". Acting for nobody (the worker, a migration) or for an admin is not held by them.

create or replace function app.caller_is_suspended() returns boolean
language plpgsql stable security invoker
set search_path = ''
as $$
declare
  -- The setting itself, not app.current_consultant_id(): the worker, which writes availability acting for
  -- nobody, may not execute that; acting for nobody, nothing is read.
  v_id uuid := nullif(current_setting('app.consultant_id', true), '')::uuid;
begin
  if v_id is null then
    return false;
  end if;
  -- Invoker: the app role reads its own row under consultant_reads_own_row.
  return exists (select 1 from app.consultants c where c.id = v_id and c.approval_status = 'suspended');
end;
$$;
comment on function app.caller_is_suspended() is 'True when the transaction acts for a consultant whose account is suspended.';

create or replace function app.refuse_suspended_writes() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if app.caller_is_suspended() then
    raise exception using errcode = 'NK403', message = 'consultant_suspended',
      detail = 'Your account is suspended: you can read your sessions and clients, but not change your page, '
               'prices or hours.';
  end if;
  return null;
end;
$$;
comment on function app.refuse_suspended_writes() is 'Statement trigger on the availability tables: a suspended consultant''s writes are refused (NK403 consultant_suspended).';

-- What a suspended consultant may still change on their own row: signing in and out, their password and email
-- address, their notification choices, taking their page offline (publishing is refused by
-- app.guard_publication), and deleting their account (erasure rewrites the row with deleted_at set).
create or replace function app.refuse_suspended_profile_changes() returns trigger
language plpgsql
set search_path = ''
as $$
declare
  v_free constant text[] := array['password_hash', 'token_epoch', 'last_login_at', 'updated_at', 'published_at',
                                  'notification_preferences', 'email', 'is_email_verified', 'email_verified_at'];
begin
  if old.approval_status <> 'suspended' or new.approval_status <> 'suspended' or new.deleted_at is not null
     or nullif(current_setting('app.consultant_id', true), '') is distinct from old.id::text then
    return new;  -- not a suspended consultant writing their own row (the worker, an admin, the owner, erasure)
  end if;
  if (to_jsonb(new) - v_free) is distinct from (to_jsonb(old) - v_free) then
    raise exception using errcode = 'NK403', message = 'consultant_suspended',
      detail = 'Your account is suspended: your page, prices, links and bank details cannot be changed.';
  end if;
  return new;
end;
$$;
comment on function app.refuse_suspended_profile_changes() is 'Row trigger on app.consultants: a suspended consultant changes nothing on their row but sign-in, password, email, notifications, unpublishing and deletion (NK403 consultant_suspended).';

grant execute on function app.caller_is_suspended() to nakksha_app, nakksha_admin, nakksha_worker;

-- Test: pytest tests/db/test_suspension_writes.py
