-- db/functions/auth.sql — accounts: signup, credentials, sessions (rotating refresh tokens), the account as it is shown, route-guard look-ups (verification and password reset: verification.sql).
-- Passwords are hashed and checked in Python (bcrypt with a pepper); tokens arrive here only as SHA-256
-- hashes, and the links mailed to people only as ciphertext (the worker decrypts them at send time).

create or replace function api.admin_json(p_admin_id uuid)
returns jsonb
language sql stable security invoker
set search_path = ''
as $$
  -- Read as the caller: an admin reads admins under the admin policies; as the owner (definer callers), any.
  select jsonb_build_object('id', a.id, 'email', a.email::text, 'name', a.name, 'role', a.role,
    'is_active', a.is_active, 'last_login_at', a.last_login_at, 'created_at', a.created_at)
  from app.admins a where a.id = p_admin_id
$$;
comment on function api.admin_json is 'An admin as the API shows it (never the password hash); what the caller may read of them.';

create or replace function api.consultant_json(p_consultant_id uuid)
returns jsonb
language sql stable security invoker
set search_path = ''
as $$
  -- The consultant's own view of their account, read as the caller (their own row under the policies; any, for
  -- the definer callers). Bank fields leave as ciphertext (base64) for the app to mask; nothing returns them in clear.
  select jsonb_build_object(
    'id', c.id, 'email', c.email::text, 'first_name', c.first_name, 'last_name', c.last_name,
    'phone_country_code', c.phone_country_code, 'phone_number', c.phone_number,
    'consultancy_sector', c.consultancy_sector,
    'personal_session_title', c.personal_session_title, 'webinar_session_title', c.webinar_session_title,
    'personal_session_price', api.money(c.personal_session_price), 'webinar_session_price', api.money(c.webinar_session_price),
    'currency', c.currency, 'description', c.description, 'experience_months', c.experience_months,
    'instagram_url', c.instagram_url, 'linkedin_url', c.linkedin_url, 'twitter_url', c.twitter_url,
    'profile_photo_url', c.profile_photo_url, 'slug', c.slug, 'timezone', c.timezone,
    'is_active', c.is_active, 'is_email_verified', c.is_email_verified, 'email_verified_at', c.email_verified_at,
    'subscription_plan', c.subscription_plan, 'subscription_expires_at', c.subscription_expires_at,
    'approval_status', c.approval_status, 'approved_at', c.approved_at, 'rejection_reason', c.rejection_reason,
    'published_at', c.published_at,
    'booking_policy', jsonb_build_object('min_notice_minutes', c.min_notice_minutes,
      'max_days_ahead', c.max_days_ahead, 'buffer_minutes', c.buffer_minutes, 'hold_minutes', c.hold_minutes,
      'cancellation_policy', c.cancellation_policy),
    'default_meeting_platform', c.default_meeting_platform,
    'meeting_links', jsonb_build_object('zoom', c.zoom_link, 'meet', c.meet_link, 'teams', c.teams_link),
    'notification_preferences', c.notification_preferences,
    'bank_details', jsonb_build_object('bank_name', c.bank_name,
      'account_number_encrypted', encode(c.bank_account_number_encrypted, 'base64'),
      'ifsc_code_encrypted', encode(c.ifsc_code_encrypted, 'base64')),
    'last_login_at', c.last_login_at, 'created_at', c.created_at, 'updated_at', c.updated_at)
  from app.consultants c where c.id = p_consultant_id
$$;
comment on function api.consultant_json is 'A consultant''s own account as the API shows it (bank fields as ciphertext for masking).';

create or replace function app_private.start_session(
  p_consultant_id uuid, p_admin_id uuid, p_refresh_hash bytea, p_expires_at timestamptz, p_user_agent text, p_ip inet
) returns void
language sql volatile
set search_path = ''
as $$
  -- A new family (one login on one device) with its first refresh token.
  with family as (
    insert into app.refresh_token_families (consultant_id, admin_id, user_agent, ip)
    values (p_consultant_id, p_admin_id, left(p_user_agent, 500), p_ip)
    returning id)
  insert into app.refresh_tokens (family_id, token_hash, expires_at)
  select family.id, p_refresh_hash, p_expires_at from family
$$;
comment on function app_private.start_session is 'Open a refresh-token family for a consultant or an admin.';

create or replace function app_private.revoke_families(p_consultant_id uuid, p_admin_id uuid, p_reason text)
returns integer
language plpgsql volatile
set search_path = ''
as $$
declare
  v_count integer;
begin
  update app.refresh_token_families set revoked_at = now(), revoked_reason = p_reason
  where revoked_at is null
    and ((p_consultant_id is not null and consultant_id = p_consultant_id)
         or (p_admin_id is not null and admin_id = p_admin_id));
  get diagnostics v_count = row_count;
  -- Access tokens end with the sessions: the guard refuses a token of an older epoch. On suspension too, so
  -- "signed out everywhere" holds for apps as well as browsers; signing in again, a suspended consultant reads
  -- their records and changes nothing (db/functions/app/suspension.sql).
  update app.consultants set token_epoch = token_epoch + 1 where id = p_consultant_id;
  update app.admins set token_epoch = token_epoch + 1 where id = p_admin_id;
  return v_count;
end;
$$;
comment on function app_private.revoke_families is 'Revoke every live refresh family of a consultant or an admin, and every access token issued so far.';

-- Signup --------------------------------------------------------------------------------------------

create or replace function api.signup_consultant(
  p_email text, p_password_hash text, p_first_name text, p_last_name text,
  p_phone_country_code text, p_phone_number text,
  p_refresh_hash bytea, p_refresh_expires_at timestamptz,
  p_verify_hash bytea, p_verify_url_encrypted text,
  p_user_agent text default null, p_ip inet default null
) returns jsonb
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_base text;
  v_slug text;
  v_consultant app.consultants;
  v_constraint text;
begin
  -- A slug suggested from the name: lowercase ASCII words joined by hyphens ('consultant' when the name
  -- has none), made unique with a numeric suffix. Racing signups or a reserved word move to the next.
  v_base := trim(both '-' from regexp_replace(lower(coalesce(p_first_name, '') || '-' || coalesce(p_last_name, '')),
                                              '[^a-z0-9]+', '-', 'g'));
  v_base := trim(both '-' from left(v_base, 50));
  if length(v_base) < 3 then
    v_base := 'consultant';
  elsif v_base ~ '^deleted-' then
    v_base := left('consultant-' || v_base, 50);  -- the deleted- prefix is deleted accounts' own
  end if;
  select v_base || coalesce('-' || nullif(count(*), 0)::text, '') into v_slug
  from app.consultants c where c.slug = v_base or c.slug ~ ('^' || v_base || '-[0-9]+$');
  -- The verification mail goes to an address the caller typed: it counts against that mailbox's mails of the
  -- day, and past them nothing is created (NK429).
  perform app_private.take_recipient_mail(p_email);
  for attempt in 1..8 loop
    begin
      -- Signing up signs the consultant in (the session below), so it is their first sign-in too.
      insert into app.consultants (email, password_hash, first_name, last_name, phone_country_code, phone_number, slug,
                                   last_login_at)
      values (lower(btrim(p_email)), p_password_hash, btrim(p_first_name), btrim(p_last_name),
              p_phone_country_code, p_phone_number, v_slug, now())
      returning * into v_consultant;
      exit;
    exception when unique_violation or check_violation then
      get stacked diagnostics v_constraint = constraint_name;
      if v_constraint not in ('consultants_slug_key', 'consultants_slug_not_reserved') or attempt = 8 then
        raise;
      end if;
      v_slug := v_base || '-' || (attempt + 1 + floor(random() * 1000)::integer)::text;
    end;
  end loop;

  perform app_private.start_session(v_consultant.id, null, p_refresh_hash, p_refresh_expires_at, p_user_agent, p_ip);
  insert into app.one_time_tokens (consultant_id, purpose, token_hash, email, expires_at)
  values (v_consultant.id, 'verify_email', p_verify_hash, v_consultant.email, now() + interval '24 hours');
  -- Nobody has shown the address is theirs yet: the mail carries no text the caller typed (no name in the
  -- greeting or the To header), only the platform's words and the link.
  perform app_private.queue_email('verify_email', v_consultant.email::text, null,
    jsonb_build_object('verify_url_encrypted', p_verify_url_encrypted, 'valid_hours', 24),
    p_consultant_id => v_consultant.id);
  return api.consultant_json(v_consultant.id) || jsonb_build_object('token_epoch', v_consultant.token_epoch);
end;
$$;
comment on function api.signup_consultant is 'Create a pending consultant with a unique slug, a first session and a queued verification email (counted against the mailbox''s day: NK429 past it, nothing created). Definer: sign-in and its sessions: credentials, password hashes and refresh tokens, which no web role reads or writes.';

-- Credentials and sessions ----------------------------------------------------------------------------

create or replace function api.consultant_credentials(p_email text)
returns table (id uuid, password_hash text)
language sql stable security definer
set search_path = ''
as $$
  -- Only accounts that may log in: deleted (anonymised) accounts have no password.
  select c.id, c.password_hash from app.consultants c
  where c.email = lower(btrim(p_email))::public.citext and c.password_hash is not null and c.deleted_at is null
$$;
comment on function api.consultant_credentials is 'The id and password hash of a consultant who may log in (for checking a password in the app). Definer: sign-in and its sessions: credentials, password hashes and refresh tokens, which no web role reads or writes.';

create or replace function api.start_consultant_session(
  p_consultant_id uuid, p_refresh_hash bytea, p_expires_at timestamptz, p_user_agent text default null, p_ip inet default null
) returns jsonb
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_c app.consultants;
begin
  update app.consultants set last_login_at = now()
  where id = p_consultant_id and deleted_at is null and password_hash is not null
  returning * into v_c;
  if v_c.id is null then
    raise exception using errcode = 'NK401', message = 'invalid_credentials', detail = 'Wrong email or password.';
  end if;
  perform app_private.start_session(v_c.id, null, p_refresh_hash, p_expires_at, p_user_agent, p_ip);
  return api.consultant_json(v_c.id) || jsonb_build_object('token_epoch', v_c.token_epoch);
end;
$$;
comment on function api.start_consultant_session is 'After the app checked the password: record the login and open a refresh family. Definer: sign-in and its sessions: credentials, password hashes and refresh tokens, which no web role reads or writes.';

create or replace function api.admin_credentials(p_email text)
returns table (id uuid, password_hash text)
language sql stable security definer
set search_path = ''
as $$
  select a.id, a.password_hash from app.admins a where a.email = lower(btrim(p_email))::public.citext and a.is_active
$$;
comment on function api.admin_credentials is 'The id and password hash of an active admin (for checking a password in the app). Definer: sign-in and its sessions: credentials, password hashes and refresh tokens, which no web role reads or writes.';

create or replace function api.start_admin_session(
  p_admin_id uuid, p_refresh_hash bytea, p_expires_at timestamptz, p_user_agent text default null, p_ip inet default null
) returns jsonb
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_a app.admins;
begin
  update app.admins set last_login_at = now() where id = p_admin_id and is_active returning * into v_a;
  if v_a.id is null then
    raise exception using errcode = 'NK401', message = 'invalid_credentials', detail = 'Wrong email or password.';
  end if;
  perform app_private.start_session(null, v_a.id, p_refresh_hash, p_expires_at, p_user_agent, p_ip);
  return api.admin_json(v_a.id) || jsonb_build_object('token_epoch', v_a.token_epoch);
end;
$$;
comment on function api.start_admin_session is 'After the app checked the password: record the admin login and open a refresh family. Definer: sign-in and its sessions: credentials, password hashes and refresh tokens, which no web role reads or writes.';

create or replace function api.rotate_refresh_token(
  p_token_hash bytea, p_new_hash bytea, p_new_expires_at timestamptz, p_subject text
) returns jsonb
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_token app.refresh_tokens;
  v_family app.refresh_token_families;
  v_new uuid;
  v_c app.consultants;
  v_a app.admins;
begin
  -- The token row is locked, so two refreshes with one token serialise: the first rotates it, the
  -- second finds it spent. A spent token presented again means it leaked (or a client raced itself):
  -- the whole family is revoked. That revocation must commit, so failures are returned, not raised.
  select * into v_token from app.refresh_tokens where token_hash = p_token_hash for update;
  if v_token.id is null then
    return jsonb_build_object('status', 'invalid');
  end if;
  select * into v_family from app.refresh_token_families where id = v_token.family_id for update;
  if (p_subject = 'consultant' and v_family.consultant_id is null)
     or (p_subject = 'admin' and v_family.admin_id is null) then
    return jsonb_build_object('status', 'invalid');
  end if;
  if v_family.revoked_at is not null then
    return jsonb_build_object('status', 'revoked');
  end if;
  if v_token.used_at is not null then
    update app.refresh_token_families set revoked_at = now(), revoked_reason = 'reuse_detected' where id = v_family.id;
    return jsonb_build_object('status', 'reused');
  end if;
  if v_token.expires_at <= now() then
    return jsonb_build_object('status', 'expired');
  end if;
  if v_family.consultant_id is not null then
    select * into v_c from app.consultants where id = v_family.consultant_id and deleted_at is null;
    if v_c.id is null then
      update app.refresh_token_families set revoked_at = now(), revoked_reason = 'deleted' where id = v_family.id;
      return jsonb_build_object('status', 'revoked');
    end if;
  else
    select * into v_a from app.admins where id = v_family.admin_id and is_active;
    if v_a.id is null then
      update app.refresh_token_families set revoked_at = now(), revoked_reason = 'deactivated' where id = v_family.id;
      return jsonb_build_object('status', 'revoked');
    end if;
  end if;
  insert into app.refresh_tokens (family_id, token_hash, expires_at)
  values (v_family.id, p_new_hash, p_new_expires_at) returning id into v_new;
  update app.refresh_tokens set used_at = now(), replaced_by = v_new where id = v_token.id;
  -- The new access token carries the account's current epoch (the app takes it out of the answer).
  return jsonb_build_object('status', 'ok',
    'consultant', case when v_c.id is not null
                       then api.consultant_json(v_c.id) || jsonb_build_object('token_epoch', v_c.token_epoch) end,
    'admin', case when v_a.id is not null
                  then api.admin_json(v_a.id) || jsonb_build_object('token_epoch', v_a.token_epoch) end);
end;
$$;
comment on function api.rotate_refresh_token is 'Spend a refresh token for a new one in the same family; a reused token revokes the family. Returns {status, consultant|admin}. Definer: sign-in and its sessions: credentials, password hashes and refresh tokens, which no web role reads or writes.';

create or replace function api.revoke_refresh_family(p_token_hash bytea, p_subject text)
returns void
language sql volatile security definer
set search_path = ''
as $$
  -- Logout: whoever holds the refresh token may end its family (idempotent; unknown tokens do nothing).
  update app.refresh_token_families f set revoked_at = now(), revoked_reason = 'logout'
  from app.refresh_tokens t
  where t.token_hash = p_token_hash and f.id = t.family_id and f.revoked_at is null
    and ((p_subject = 'consultant' and f.consultant_id is not null) or (p_subject = 'admin' and f.admin_id is not null))
$$;
comment on function api.revoke_refresh_family is 'Logout: revoke the family of the given refresh token. Definer: sign-in and its sessions: credentials, password hashes and refresh tokens, which no web role reads or writes.';

create or replace function api.revoke_my_sessions()
returns integer
language plpgsql volatile security definer
set search_path = ''
as $$
begin
  if app.current_consultant_id() is null and app.current_admin_id() is null then
    raise exception using errcode = 'NK401', message = 'unauthorized', detail = 'Log in first.';
  end if;
  return app_private.revoke_families(app.current_consultant_id(), app.current_admin_id(), 'logout_all');
end;
$$;
comment on function api.revoke_my_sessions is 'Logout everywhere: revoke every refresh family of the caller. Definer: sign-in and its sessions: credentials, password hashes and refresh tokens, which no web role reads or writes.';

create or replace function api.my_password_hash()
returns text
language sql stable security definer
set search_path = ''
as $$
  select coalesce(
    (select c.password_hash from app.consultants c where c.id = app.current_consultant_id() and c.deleted_at is null),
    (select a.password_hash from app.admins a where a.id = app.current_admin_id() and a.is_active))
$$;
comment on function api.my_password_hash is 'The calling consultant''s (or admin''s) password hash, to check a current password. Definer: sign-in and its sessions: credentials, password hashes and refresh tokens, which no web role reads or writes.';

create or replace function api.change_my_password(p_password_hash text, p_refresh_hash bytea, p_expires_at timestamptz,
                                                   p_user_agent text default null, p_ip inet default null)
returns integer
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_consultant uuid := app.current_consultant_id();
  v_admin uuid := app.current_admin_id();
  v_epoch integer;
begin
  if v_consultant is not null then
    update app.consultants set password_hash = p_password_hash where id = v_consultant and deleted_at is null;
  elsif v_admin is not null then
    update app.admins set password_hash = p_password_hash where id = v_admin and is_active;
  else
    raise exception using errcode = 'NK401', message = 'unauthorized', detail = 'Log in first.';
  end if;
  -- Every other session ends, with every access token issued so far; the caller continues in a fresh one.
  perform app_private.revoke_families(v_consultant, v_admin, 'password_changed');
  perform app_private.start_session(v_consultant, v_admin, p_refresh_hash, p_expires_at, p_user_agent, p_ip);
  select coalesce((select c.token_epoch from app.consultants c where c.id = v_consultant),
                  (select a.token_epoch from app.admins a where a.id = v_admin)) into v_epoch;
  return v_epoch;
end;
$$;
comment on function api.change_my_password is 'Change the caller''s password, end every other session and access token, open a new session; returns the token epoch for its access token. Definer: sign-in and its sessions: credentials, password hashes and refresh tokens, which no web role reads or writes.';

create or replace function api.get_my_account()
returns jsonb
language plpgsql stable security invoker
set search_path = ''
as $$
declare
  v_id uuid;
begin
  -- Read as the caller: a consultant sees their own row under the policies, an admin (as nakksha_app_admin) the
  -- admins under theirs, and only while active.
  select c.id into v_id from app.consultants c where c.id = app.current_consultant_id() and c.deleted_at is null;
  if v_id is not null then
    return api.consultant_json(v_id);
  end if;
  select a.id into v_id from app.admins a where a.id = app.current_admin_id() and a.is_active;
  if v_id is not null then
    return api.admin_json(v_id);
  end if;
  raise exception using errcode = 'NK401', message = 'unauthorized', detail = 'Log in first.';
end;
$$;
comment on function api.get_my_account is 'The calling consultant''s account, or the calling admin''s.';

create or replace function api.consultant_access(p_consultant_id uuid, p_token_epoch integer)
returns text
language sql stable security definer
set search_path = ''
as $$
  -- What the route guard needs: 'approved', 'pending', 'rejected', 'suspended', 'revoked' (the token is of an
  -- older epoch: every session ended since) or 'gone'.
  select coalesce((select case when c.deleted_at is not null then 'gone'
                               when c.token_epoch is distinct from p_token_epoch then 'revoked'
                               else c.approval_status end
                   from app.consultants c where c.id = p_consultant_id), 'gone')
$$;
comment on function api.consultant_access is 'A consultant''s approval state for route guards (revoked when the token''s epoch is not the account''s, gone when deleted or unknown). Definer: sign-in and its sessions: credentials, password hashes and refresh tokens, which no web role reads or writes.';

create or replace function api.admin_access(p_admin_id uuid, p_token_epoch integer)
returns text
language sql stable security definer
set search_path = ''
as $$
  select coalesce((select case when not a.is_active then 'inactive'
                               when a.token_epoch is distinct from p_token_epoch then 'revoked'
                               else a.role end
                   from app.admins a where a.id = p_admin_id), 'inactive')
$$;
comment on function api.admin_access is 'An admin''s role for route guards (revoked when the token''s epoch is not the account''s, inactive when deactivated or unknown). Definer: sign-in and its sessions: credentials, password hashes and refresh tokens, which no web role reads or writes.';

grant execute on function
  api.signup_consultant(text, text, text, text, text, text, bytea, timestamptz, bytea, text, text, inet),
  api.consultant_credentials(text), api.start_consultant_session(uuid, bytea, timestamptz, text, inet),
  api.admin_credentials(text), api.start_admin_session(uuid, bytea, timestamptz, text, inet),
  api.rotate_refresh_token(bytea, bytea, timestamptz, text), api.revoke_refresh_family(bytea, text),
  api.revoke_my_sessions(), api.my_password_hash(), api.change_my_password(text, bytea, timestamptz, text, inet),
  api.get_my_account(), api.consultant_access(uuid, integer), api.admin_access(uuid, integer),
  api.consultant_json(uuid), api.admin_json(uuid) to nakksha_app;

-- Test: pytest tests/http/test_auth.py
