-- db/functions/admins.sql — creating admins (the first from `nakksha create-admin`), with the audit log.

create or replace function app_private.acting_admin(p_acting_admin_email text default null)
returns uuid
language plpgsql stable
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
language sql volatile
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
comment on function api.create_admin is 'Create an admin (super admins, or nakksha_admin members from psql); audited. Definer: an admin action across tenants: checks the acting admin and writes the audit log (no write policy names an admin role).';

revoke execute on function api.create_admin(text, text, text, text, text) from public;
grant execute on function api.create_admin(text, text, text, text, text) to nakksha_app, nakksha_admin;

create or replace function app_private.require_admin(p_acting_admin_email text, p_super boolean default false)
returns uuid
language plpgsql stable
set search_path = ''
as $$
declare
  v_actor uuid := app_private.acting_admin(p_acting_admin_email);
begin
  -- Over HTTP an admin must be set; from psql a database administrator may act as nobody (audited as such).
  if v_actor is null and app.current_admin_id() is null
     and not pg_catalog.pg_has_role(session_user, 'nakksha_admin', 'member') then
    raise exception using errcode = 'NK403', message = 'forbidden', detail = 'Only admins may do this.';
  end if;
  if p_super and v_actor is not null and not exists (
      select 1 from app.admins a where a.id = v_actor and a.role = 'super_admin') then
    raise exception using errcode = 'NK403', message = 'super_admin_required', detail = 'Only super admins may do this.';
  end if;
  return v_actor;
end;
$$;
comment on function app_private.require_admin is 'The acting admin of a privileged call (NULL for a database administrator), or NK403.';

-- Consultant approval: one state machine. pending -> approved | rejected; rejected -> approved (on review);
-- approved -> suspended; suspended -> approved (reactivate). Anything else is 409 invalid_transition.
create or replace function app_private.set_approval(
  p_consultant_id uuid, p_to text, p_reason text, p_acting_admin_email text, p_cancel_upcoming boolean default false
) returns jsonb
language plpgsql volatile
set search_path = ''
as $$
declare
  v_actor uuid := app_private.require_admin(p_acting_admin_email);
  v_c app.consultants;
  v_from text;
  v_action text := case p_to when 'approved' then 'approve' when 'rejected' then 'reject'
                             when 'suspended' then 'suspend' else p_to end;
  v_email text;
  v_s app.sessions;
  v_cancelled integer := 0;
begin
  select * into v_c from app.consultants where id = p_consultant_id and deleted_at is null for update;
  if v_c.id is null then
    raise exception using errcode = 'NK404', message = 'not_found', detail = 'No such consultant.';
  end if;
  v_from := v_c.approval_status;
  if not ((v_from = 'pending' and p_to in ('approved', 'rejected'))
          or (v_from = 'rejected' and p_to = 'approved')
          or (v_from = 'approved' and p_to = 'suspended')
          or (v_from = 'suspended' and p_to = 'reactivated')) then
    raise exception using errcode = 'NK409', message = 'invalid_transition',
      detail = format('A %s consultant cannot be %s.', v_from, case p_to when 'reactivated' then 'reactivated' else p_to end);
  end if;
  -- An account is approved only once its owner has shown the address is theirs: otherwise anyone could sign up
  -- with someone else's address and have an admin publish a page (and send mail) in that person's name.
  if p_to = 'approved' and not v_c.is_email_verified then
    raise exception using errcode = 'NK409', message = 'email_unverified',
      detail = format('%s has not confirmed their email address yet; approve them once they have '
                      '(they can send themselves a new link).', v_c.email);
  end if;
  if p_to in ('rejected', 'suspended') and nullif(btrim(coalesce(p_reason, '')), '') is null then
    raise exception using errcode = 'NK422', message = 'reason_required', detail = 'Give a reason.', hint = 'field:reason';
  end if;
  update app.consultants set
    approval_status = case p_to when 'reactivated' then 'approved' else p_to end,
    approved_at = case when p_to = 'approved' then now() else approved_at end,
    approved_by = case when p_to = 'approved' then v_actor else approved_by end,
    rejection_reason = case when p_to in ('rejected', 'suspended') then btrim(p_reason)
                            when p_to in ('approved', 'reactivated') then null else rejection_reason end
  where id = v_c.id returning * into v_c;
  if p_to = 'suspended' then
    -- A suspended consultant's sessions end now, not when their tokens expire (they sign in again to a read-only
    -- dashboard that tells them why).
    perform app_private.revoke_families(v_c.id, null, 'suspended');
    -- On request, their clients are not left waiting for sessions that may not happen: every upcoming paid
    -- session is cancelled and refunded in full, the one way a session is called off for its client.
    if p_cancel_upcoming then
      for v_s in select * from app.sessions s where s.id in (select u.id from api.upcoming_paid_sessions(v_c.id) u)
                 order by s.starts_at for update loop
        perform app_private.cancel_for_client(v_s, 'system', 'The consultant''s account was suspended',
                                              'The consultant''s account was suspended', 'admin');
        v_cancelled := v_cancelled + 1;
      end loop;
    end if;
  end if;
  perform app_private.audit(v_actor, 'consultant.' || case p_to when 'reactivated' then 'reactivate' else v_action end,
    'consultant', v_c.id, jsonb_build_object('from', v_from, 'to', v_c.approval_status, 'reason', p_reason)
      || case when p_to = 'suspended' then jsonb_build_object('sessions_cancelled', v_cancelled) else '{}' end);
  v_email := 'account_' || case p_to when 'approved' then 'approved' when 'rejected' then 'rejected'
                                     when 'suspended' then 'suspended' else 'reactivated' end;
  -- An address its owner never confirmed (a rejected signup: anyone can sign up with anyone's address) is greeted
  -- by no name: the name is whatever the signup typed, and a stranger would read it as the platform's words.
  perform app_private.queue_email(v_email, v_c.email::text,
    case when v_c.is_email_verified then v_c.first_name || ' ' || v_c.last_name end,
    jsonb_build_object('first_name', case when v_c.is_email_verified then v_c.first_name else '' end,
                       'slug', v_c.slug, 'reason', p_reason),
    p_consultant_id => v_c.id);
  return api.admin_consultant_json(v_c.id);
end;
$$;
comment on function app_private.set_approval is 'Move a consultant through the approval state machine; audited, emailed.';

create or replace function api.approve_consultant(p_consultant_id uuid, p_acting_admin_email text default null)
returns jsonb language sql volatile security definer set search_path = ''
as $$ select app_private.set_approval(p_consultant_id, 'approved', null, p_acting_admin_email) $$;
comment on function api.approve_consultant is 'Approve a pending (or previously rejected) consultant whose email is verified (else 409 email_unverified): their dashboard opens and their page can be published. Definer: an admin action across tenants: checks the acting admin and writes the audit log (no write policy names an admin role).';

create or replace function api.reject_consultant(p_consultant_id uuid, p_reason text, p_acting_admin_email text default null)
returns jsonb language sql volatile security definer set search_path = ''
as $$ select app_private.set_approval(p_consultant_id, 'rejected', p_reason, p_acting_admin_email) $$;
comment on function api.reject_consultant is 'Reject a pending consultant, with a reason they are told. Definer: an admin action across tenants: checks the acting admin and writes the audit log (no write policy names an admin role).';

create or replace function api.suspend_consultant(p_consultant_id uuid, p_reason text, p_acting_admin_email text default null,
                                                  p_cancel_upcoming boolean default false)
returns jsonb language sql volatile security definer set search_path = ''
as $$ select app_private.set_approval(p_consultant_id, 'suspended', p_reason, p_acting_admin_email, p_cancel_upcoming) $$;
comment on function api.suspend_consultant is 'Suspend an approved consultant: page gone, dashboard read-only, signed out everywhere; with p_cancel_upcoming, every upcoming paid session cancelled and refunded in full. Definer: an admin action across tenants: checks the acting admin and writes the audit log (no write policy names an admin role).';

create or replace function api.reactivate_consultant(p_consultant_id uuid, p_acting_admin_email text default null)
returns jsonb language sql volatile security definer set search_path = ''
as $$ select app_private.set_approval(p_consultant_id, 'reactivated', null, p_acting_admin_email) $$;
comment on function api.reactivate_consultant is 'Reactivate a suspended consultant. Definer: an admin action across tenants: checks the acting admin and writes the audit log (no write policy names an admin role).';

create or replace function api.admin_consultant_json(p_consultant_id uuid)
returns jsonb
language sql stable security invoker
set search_path = ''
as $$
  select jsonb_build_object('id', c.id, 'email', c.email::text, 'first_name', c.first_name,
    'last_name', c.last_name, 'slug', c.slug, 'phone_country_code', c.phone_country_code,
    'phone_number', c.phone_number, 'consultancy_sector', c.consultancy_sector,
    'approval_status', c.approval_status, 'approved_at', c.approved_at, 'approved_by', c.approved_by,
    'rejection_reason', c.rejection_reason, 'is_email_verified', c.is_email_verified,
    'is_active', c.is_active, 'subscription_plan', c.subscription_plan,
    'subscription_expires_at', c.subscription_expires_at, 'timezone', c.timezone, 'published_at', c.published_at,
    'last_login_at', c.last_login_at, 'created_at', c.created_at, 'updated_at', c.updated_at)
  from app.consultants c where c.id = p_consultant_id
$$;
comment on function api.admin_consultant_json is 'A consultant as admins see them (no bank details, no password); what the caller may read of them.';

create or replace function api.require_admin(p_super boolean default false)
returns void
language plpgsql stable security invoker
set search_path = ''
as $$
begin
  -- An admin's read runs as nakksha_app_admin, under the admin policies: this turns "not an admin" into a clear
  -- 403 rather than an empty answer, with the same codes as the writes' check (app_private.require_admin).
  if not app.acts_as_admin() then
    if app.current_admin_id() is not null then
      raise exception using errcode = 'NK403', message = 'admin_inactive', detail = 'The acting admin is not active.';
    end if;
    raise exception using errcode = 'NK403', message = 'forbidden', detail = 'Only admins may do this.';
  end if;
  if p_super and app.current_admin_id() is not null and not exists (
      select 1 from app.admins a where a.id = app.current_admin_id() and a.role = 'super_admin') then
    raise exception using errcode = 'NK403', message = 'super_admin_required', detail = 'Only super admins may do this.';
  end if;
end;
$$;
comment on function api.require_admin is 'NK403 unless the transaction acts for an active admin (a super admin, when asked) or a database administrator; for the admins'' invoker reads.';

create or replace function api.admin_list_consultants(p_status text, p_q text, p_page integer, p_per_page integer)
returns jsonb
language plpgsql stable security invoker
set search_path = ''
as $$
declare
  v_q text := nullif(btrim(coalesce(p_q, '')), '');
  v_pattern text;
  v_result jsonb;
begin
  perform api.require_admin();
  -- Pending first (oldest waiting at the top), then everyone else newest first.
  v_pattern := api.like_pattern(v_q);
  with matching as (
    select c.id, c.approval_status, c.created_at from app.consultants c
    where c.deleted_at is null
      and (v_q is null or c.email::text ilike v_pattern or c.slug ilike v_pattern
           or (c.first_name || ' ' || c.last_name) ilike v_pattern)
  )
  select jsonb_build_object(
    'items', coalesce((
      select jsonb_agg(api.admin_consultant_json(m.id) order by (m.approval_status = 'pending') desc,
                       case when m.approval_status = 'pending' then m.created_at end asc, m.created_at desc, m.id)
      from (select * from matching where p_status is null or approval_status = p_status
            order by (approval_status = 'pending') desc,
                     case when approval_status = 'pending' then created_at end asc, created_at desc, id
            limit p_per_page offset (p_page - 1) * p_per_page) m), '[]'),
    'total', (select count(*) from matching where p_status is null or approval_status = p_status),
    'page', p_page, 'per_page', p_per_page,
    'counts', (select jsonb_build_object(
      'pending', count(*) filter (where approval_status = 'pending'),
      'approved', count(*) filter (where approval_status = 'approved'),
      'rejected', count(*) filter (where approval_status = 'rejected'),
      'suspended', count(*) filter (where approval_status = 'suspended')) from matching))
  into v_result;
  return v_result;
end;
$$;
comment on function api.admin_list_consultants is 'Admins: consultants filtered by status and a search over name, email and slug; paged, with counts per status.';

create or replace function api.admin_get_consultant(p_consultant_id uuid)
returns jsonb
language plpgsql stable security invoker
set search_path = ''
as $$
declare
  v_id uuid;
  -- A database administrator in psql (nakksha_admin) reads no bank column, session or client: null for them.
  v_review jsonb := '{"setup": null, "upcoming_paid_sessions": null, "refunds": null, "subscription_history": null}';
begin
  perform api.require_admin();
  select c.id into v_id from app.consultants c where c.id = p_consultant_id and c.deleted_at is null;
  if v_id is null then
    raise exception using errcode = 'NK404', message = 'not_found', detail = 'No such consultant.';
  end if;
  if pg_catalog.has_table_privilege('app.sessions', 'select') then
    v_review := jsonb_build_object('setup', app.setup_checklist(v_id),
                                   'upcoming_paid_sessions', api.upcoming_paid_sessions_json(v_id),
                                   'refunds', api.admin_refunds_json(v_id),
                                   'subscription_history', api.admin_subscription_history_json(v_id));
  end if;
  return api.admin_consultant_json(v_id) || v_review || jsonb_build_object(
    -- What an admin reviewing an applicant needs to judge them: the page they prepared and how far along it is.
    'profile', (select jsonb_build_object('description', c.description, 'experience_months', c.experience_months,
                  'profile_photo_url', c.profile_photo_url, 'personal_session_title', c.personal_session_title,
                  'personal_session_price', api.money(c.personal_session_price),
                  'webinar_session_title', c.webinar_session_title,
                  'webinar_session_price', api.money(c.webinar_session_price),
                  'linkedin_url', c.linkedin_url, 'instagram_url', c.instagram_url, 'twitter_url', c.twitter_url,
                  'email_verified_at', c.email_verified_at)
                from app.consultants c where c.id = v_id),
    'audit', coalesce((select jsonb_agg(jsonb_build_object('action', l.action, 'admin_id', l.admin_id,
                         'actor_label', l.actor_label, 'details', l.details, 'created_at', l.created_at) order by l.id desc)
                       from app.admin_audit_log l where l.target_type = 'consultant' and l.target_id = v_id), '[]'));
end;
$$;
comment on function api.admin_get_consultant is 'Admins: one consultant with their approval history.';

-- api.admin_set_subscription (comp a plan until a date) is in db/functions/plan_comps.sql.

create or replace function api.admin_list_admins()
returns jsonb
language plpgsql stable security invoker
set search_path = ''
as $$
begin
  perform api.require_admin(true);
  -- Read as the caller (the admins policy; never the password hash).
  return coalesce((select jsonb_agg(api.admin_json(a.id) order by a.created_at, a.id) from app.admins a), '[]');
end;
$$;
comment on function api.admin_list_admins is 'Super admins: every admin.';

create or replace function api.deactivate_admin(p_admin_id uuid, p_acting_admin_email text default null)
returns jsonb
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_actor uuid := app_private.require_admin(p_acting_admin_email, true);
  v_a app.admins;
begin
  if p_admin_id = v_actor then
    raise exception using errcode = 'NK409', message = 'cannot_deactivate_self', detail = 'You cannot deactivate yourself.';
  end if;
  update app.admins set is_active = false where id = p_admin_id and is_active returning * into v_a;
  if v_a.id is null then
    raise exception using errcode = 'NK404', message = 'not_found', detail = 'No such active admin.';
  end if;
  perform app_private.revoke_families(null, v_a.id, 'deactivated');
  perform app_private.audit(v_actor, 'admin.deactivated', 'admin', v_a.id, '{}');
  return api.admin_json(v_a.id);
end;
$$;
comment on function api.deactivate_admin is 'Super admins: deactivate another admin and end their sessions. Definer: an admin action across tenants: checks the acting admin and writes the audit log (no write policy names an admin role).';

grant execute on function
  api.approve_consultant(uuid, text), api.reject_consultant(uuid, text, text), api.suspend_consultant(uuid, text, text, boolean),
  api.reactivate_consultant(uuid, text), api.admin_list_consultants(text, text, integer, integer),
  api.admin_get_consultant(uuid), api.admin_list_admins(),
  api.deactivate_admin(uuid, text), api.admin_consultant_json(uuid), api.require_admin(boolean)
  to nakksha_app, nakksha_admin;

-- Test: pytest tests/db/test_admins.py tests/http/test_admin_api.py
