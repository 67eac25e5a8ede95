-- db/functions/verification.sql — email verification and password reset: single-use tokens, the mails that carry them (counted against the mailbox's day), and what using one does.

-- Email verification and password reset ----------------------------------------------------------------

create or replace function api.verify_email(p_token_hash bytea)
returns jsonb
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_token app.one_time_tokens;
  v_c app.consultants;
begin
  select * into v_token from app.one_time_tokens
  where token_hash = p_token_hash and purpose = 'verify_email' for update;
  -- A token is good once, before it expires, and only for the address it was sent to.
  select * into v_c from app.consultants where id = v_token.consultant_id and deleted_at is null;
  if v_token.id is null or v_c.id is null or v_token.email <> v_c.email then
    raise exception using errcode = 'NK400', message = 'invalid_token', detail = 'This link is not valid.', hint = 'field:token';
  end if;
  if v_token.used_at is not null and v_c.is_email_verified then
    return api.consultant_json(v_c.id);  -- clicking the link twice is fine
  end if;
  if v_token.used_at is not null or v_token.expires_at <= now() then
    raise exception using errcode = 'NK400', message = 'invalid_token', detail = 'This link has expired; ask for a new one.',
      hint = 'field:token';
  end if;
  update app.one_time_tokens set used_at = now() where id = v_token.id;
  update app.consultants set is_email_verified = true, email_verified_at = now() where id = v_c.id returning * into v_c;
  return api.consultant_json(v_c.id);
end;
$$;
comment on function api.verify_email is 'Mark the consultant''s email verified with a single-use, expiring token. Definer: a visitor holding a link''s token: the row is found by the token''s hash with no signed-in caller, and its status changes are the function''s alone.';

create or replace function api.resend_verification(p_token_hash bytea, p_verify_url_encrypted text)
returns void
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_c app.consultants;
begin
  select * into v_c from app.consultants where id = app.current_consultant_id() and deleted_at is null;
  if v_c.id is null then
    raise exception using errcode = 'NK401', message = 'unauthorized', detail = 'Log in first.';
  end if;
  if v_c.is_email_verified then
    raise exception using errcode = 'NK409', message = 'already_verified', detail = 'Your email is already verified.';
  end if;
  -- The account's address is unproven, so whoever signed up with it (anyone) mails it with each resend: it
  -- counts against the mailbox's day like the signup did; past it the earlier link stays the valid one.
  perform app_private.take_recipient_mail(v_c.email::text);
  -- Earlier links stop working: only the newest one is valid.
  update app.one_time_tokens set used_at = now()
  where consultant_id = v_c.id and purpose = 'verify_email' and used_at is null;
  insert into app.one_time_tokens (consultant_id, purpose, token_hash, email, expires_at)
  values (v_c.id, 'verify_email', p_token_hash, v_c.email, now() + interval '24 hours');
  perform app_private.queue_email('verify_email', v_c.email::text, null,
    jsonb_build_object('verify_url_encrypted', p_verify_url_encrypted, 'valid_hours', 24), p_consultant_id => v_c.id);
end;
$$;
comment on function api.resend_verification is 'Send a new verification email to the calling consultant (counted against the mailbox''s day: NK429 past it). Definer: a visitor holding a link''s token: the row is found by the token''s hash with no signed-in caller, and its status changes are the function''s alone.';

create or replace function api.request_password_reset(p_email text, p_token_hash bytea, p_reset_url_encrypted text)
returns void
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_c app.consultants;
begin
  -- Says nothing either way (the app answers 202 for any address): no account enumeration. So the mailbox is
  -- counted first, whether or not an account uses the address: past its day, 429 alike for both.
  perform app_private.take_recipient_mail(p_email);
  select * into v_c from app.consultants
  where email = lower(btrim(p_email))::public.citext and deleted_at is null and password_hash is not null;
  if v_c.id is null then
    return;
  end if;
  update app.one_time_tokens set used_at = now()
  where consultant_id = v_c.id and purpose = 'password_reset' and used_at is null;
  insert into app.one_time_tokens (consultant_id, purpose, token_hash, email, expires_at)
  values (v_c.id, 'password_reset', p_token_hash, v_c.email, now() + interval '1 hour');
  -- Greeted by name only at an address its owner has proven; else the name is whatever the signup typed.
  perform app_private.queue_email('password_reset', v_c.email::text,
    case when v_c.is_email_verified then v_c.first_name || ' ' || v_c.last_name end,
    jsonb_build_object('reset_url_encrypted', p_reset_url_encrypted, 'valid_minutes', 60), p_consultant_id => v_c.id);
end;
$$;
comment on function api.request_password_reset is 'Count the mailbox''s day (NK429 past it, for any address), then, if the address belongs to an account, mail it a single-use reset link valid for one hour. Definer: a visitor holding a link''s token: the row is found by the token''s hash with no signed-in caller, and its status changes are the function''s alone.';

create or replace function api.reset_password(p_token_hash bytea, p_password_hash text)
returns void
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_token app.one_time_tokens;
begin
  select * into v_token from app.one_time_tokens
  where token_hash = p_token_hash and purpose = 'password_reset' for update;
  if v_token.id is null or v_token.used_at is not null or v_token.expires_at <= now() then
    raise exception using errcode = 'NK400', message = 'invalid_token',
      detail = 'This reset link is not valid or has expired; ask for a new one.', hint = 'field:token';
  end if;
  update app.one_time_tokens set used_at = now() where id = v_token.id;
  update app.consultants set password_hash = p_password_hash
  where id = v_token.consultant_id and deleted_at is null;
  -- Whoever had a session (perhaps the reason for the reset) is logged out everywhere.
  perform app_private.revoke_families(v_token.consultant_id, null, 'password_reset');
end;
$$;
comment on function api.reset_password is 'Set a new password with a single-use reset token and revoke every session of the account. Definer: a visitor holding a link''s token: the row is found by the token''s hash with no signed-in caller, and its status changes are the function''s alone.';

grant execute on function api.verify_email(bytea), api.resend_verification(bytea, text),
  api.request_password_reset(text, bytea, text), api.reset_password(bytea, text) to nakksha_app;

-- Test: pytest tests/http/test_auth.py tests/db/test_account_mail_limits.py
