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

create or replace function app.current_reading_consultant_id() returns uuid
language sql stable security definer
set search_path = ''
as $$
  -- A suspended consultant keeps read-only access to their records: the read policies name this, the write
  -- policies app.current_approved_consultant_id.
  select c.id from app.consultants c
  where c.id = app.current_consultant_id() and c.approval_status in ('approved', 'suspended') and c.deleted_at is null
$$;
comment on function app.current_reading_consultant_id() is 'The calling consultant if approved or suspended (who reads, read-only when suspended) and not deleted, else NULL. Definer: every read policy calls it once per table and statement; as the owner it reads the caller''s consultants row without that row''s own policy, a third of its cost (issue 20: 15 to 10 us a call; the dashboard''s SQL 10% faster).';

-- The admin read policies' test, once per statement. The app takes the role nakksha_app_admin only for a transaction
-- acting for an admin (app/sql.py); a database administrator (a member of nakksha_admin, in psql) reads the same.
create or replace function app.acts_as_admin() returns boolean
language sql stable security definer
set search_path = ''
as $$
  select exists (select 1 from app.admins a where a.id = app.current_admin_id() and a.is_active)
      or pg_catalog.pg_has_role(session_user, 'nakksha_admin', 'usage')
$$;
comment on function app.acts_as_admin() is 'True when the transaction acts for an active admin, or the login is a database administrator (a member of nakksha_admin). Definer: the admin policies call it, and it reads the admins row their own policy protects.';

grant execute on function app.current_consultant_id(), app.current_admin_id() to nakksha_app, nakksha_admin;
grant execute on function app.current_approved_consultant_id(), app.current_reading_consultant_id(), app.acts_as_admin() to nakksha_app, nakksha_admin;

-- Test: pytest tests/db/test_rls.py tests/meta/test_catalogue.py
