-- db/functions/app/caller.sql — who the current transaction acts for (set by the app per request), as the RLS policies read it.

create or replace function app.current_consultant_id() returns uuid
language sql stable parallel safe
as $$ select nullif(current_setting('app.consultant_id', true), '')::uuid $$;
comment on function app.current_consultant_id() is 'The consultant the current transaction acts for, or NULL.';

create or replace function app.current_admin_id() returns uuid
language sql stable parallel safe
as $$ select nullif(current_setting('app.admin_id', true), '')::uuid $$;
comment on function app.current_admin_id() is 'The admin the current transaction acts for, or NULL.';

create or replace function app.current_approved_consultant_id() returns uuid
language sql stable security definer
set search_path = ''
as $$
  select c.id from app.consultants c
  where c.id = app.current_consultant_id() and c.approval_status = 'approved' and c.deleted_at is null
$$;
comment on function app.current_approved_consultant_id() is 'The calling consultant if approved and not deleted, else NULL. Definer: the policies call it, and it reads the consultants row their own policy protects.';

create or replace function app.current_admin_is_active() returns boolean
language sql stable security definer
set search_path = ''
as $$
  select exists (select 1 from app.admins a where a.id = app.current_admin_id() and a.is_active)
$$;
comment on function app.current_admin_is_active() is 'True when the transaction acts for an active admin. Definer: the policies call it, and it reads the admins row their own policy protects.';
-- The tenant tables' read policies: `consultant_id = any((select app.readable_consultants(…)))`. One policy with an
-- array, not a consultant policy OR'ed with an admin one: `x = any(<initplan>)` is an index condition, an OR with
-- a boolean is not (every read scanned all tenants' rows). Evaluated once per statement (the initplan).
create or replace function app.readable_consultants(p_approved_only boolean) returns uuid[]
language sql stable security definer
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
comment on function app.readable_consultants(boolean) is 'The consultants whose rows the caller may read: every one for an active admin, else the caller (approved, when asked). Definer: the policies call it, and it reads the consultants and admins rows their own policies protect.';

grant execute on function app.current_consultant_id(), app.current_admin_id() to nakksha_app, nakksha_admin;
grant execute on function app.readable_consultants(boolean) to nakksha_app, nakksha_admin;
grant execute on function app.current_approved_consultant_id(), app.current_admin_is_active() to nakksha_app, nakksha_admin;

-- Test: pytest tests/db/test_rls.py tests/meta/test_catalogue.py
