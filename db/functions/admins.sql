-- db/functions/admins.sql — creating admins (the first from `nakksha create-admin`), with the audit log.

create or replace function app_private.acting_admin(p_acting_admin_email text default null)
returns uuid
language plpgsql stable security definer
set search_path = ''
as $$
declare
  v_admin uuid := app.current_admin_id();
begin
  -- Over HTTP the acting admin comes only from the transaction's caller setting, which the app sets from
  -- a verified token; a parameter the app role could forge is never trusted. From psql, members of
  -- nakksha_admin name the admin they act as (or nobody: the audit log then names the database login).
  if v_admin is not null then
    if not exists (select 1 from app.admins a where a.id = v_admin and a.is_active) then
      raise exception using errcode = 'NK403', message = 'admin_inactive', detail = 'The acting admin is not active.';
    end if;
    return v_admin;
  end if;
  if not pg_catalog.pg_has_role(session_user, 'nakksha_admin', 'member') then
    raise exception using errcode = 'NK403', message = 'forbidden', detail = 'Only admins may do this.';
  end if;
  if p_acting_admin_email is null then
    return null;
  end if;
  select a.id into v_admin from app.admins a
  where a.email = lower(btrim(p_acting_admin_email))::public.citext and a.is_active;
  if v_admin is null then
    raise exception using errcode = 'NK404', message = 'admin_not_found',
      detail = 'No active admin with that email.', hint = 'field:acting_admin_email';
  end if;
  return v_admin;
end;
$$;
comment on function app_private.acting_admin is 'The admin a privileged call acts for: the caller setting, else (psql, nakksha_admin members) the named admin or NULL.';

create or replace function app_private.audit(
  p_admin_id uuid, p_action text, p_target_type text, p_target_id uuid, p_details jsonb default '{}'
) returns void
language sql volatile security definer
set search_path = ''
as $$
  insert into app.admin_audit_log (admin_id, actor_label, action, target_type, target_id, details)
  values (p_admin_id,
          case when p_admin_id is null then coalesce(nullif(current_setting('app.actor_label', true), ''), 'psql') end,
          p_action, p_target_type, p_target_id, coalesce(p_details, '{}'))
$$;
comment on function app_private.audit is 'Append one admin action to the audit log (the database login is recorded by default).';

create or replace function api.create_admin(
  p_email text, p_name text, p_password_hash text, p_role text default 'admin',
  p_acting_admin_email text default null
) returns uuid
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_actor uuid := app_private.acting_admin(p_acting_admin_email);
  v_id uuid;
begin
  -- Admins manage consultants; only super admins (or the database administrators) create admins.
  if v_actor is not null and not exists (
      select 1 from app.admins a where a.id = v_actor and a.role = 'super_admin') then
    raise exception using errcode = 'NK403', message = 'super_admin_required', detail = 'Only super admins create admins.';
  end if;
  if p_password_hash is null or p_password_hash !~ '^\$2[aby]\$' then
    raise exception using errcode = 'NK422', message = 'invalid_password_hash',
      detail = 'Expected a bcrypt hash.', hint = 'field:password';
  end if;
  insert into app.admins (email, name, password_hash, role, created_by)
  values (lower(btrim(p_email)), btrim(p_name), p_password_hash, coalesce(p_role, 'admin'), v_actor)
  returning id into v_id;
  perform app_private.audit(v_actor, 'admin.created', 'admin', v_id,
    jsonb_build_object('email', lower(btrim(p_email)), 'role', coalesce(p_role, 'admin')));
  return v_id;
end;
$$;
comment on function api.create_admin is 'Create an admin (super admins, or nakksha_admin members from psql); audited.';

revoke execute on function api.create_admin(text, text, text, text, text) from public;
grant execute on function api.create_admin(text, text, text, text, text) to nakksha_app, nakksha_admin;

-- Test: pytest tests/db/test_admins.py
