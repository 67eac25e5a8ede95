-- app/queries/auth.sql — accounts and sessions (db/functions/auth.sql).

-- name: signup_consultant(email, password_hash, first_name, last_name, phone_country_code, phone_number, refresh_hash, refresh_expires_at, verify_hash, verify_url_encrypted, user_agent, ip)$
-- Sign up as a consultant (pending until an admin approves).
select api.signup_consultant(:email, :password_hash, :first_name, :last_name, :phone_country_code, :phone_number,
  :refresh_hash, :refresh_expires_at, :verify_hash, :verify_url_encrypted, :user_agent, :ip::inet);

-- name: consultant_credentials(email)^
-- The id and password hash of a consultant who may log in.
select * from api.consultant_credentials(:email);

-- name: start_consultant_session(consultant_id, refresh_hash, expires_at, user_agent, ip)$
-- Log in with email and password.
select api.start_consultant_session(:consultant_id, :refresh_hash, :expires_at, :user_agent, :ip::inet);

-- name: admin_credentials(email)^
-- The id and password hash of an active admin.
select * from api.admin_credentials(:email);

-- name: start_admin_session(admin_id, refresh_hash, expires_at, user_agent, ip)$
-- Admin login.
select api.start_admin_session(:admin_id, :refresh_hash, :expires_at, :user_agent, :ip::inet);

-- name: rotate_refresh_token(token_hash, new_hash, new_expires_at, subject)$
-- Spend a refresh token for a new one; {status, consultant|admin}.
select api.rotate_refresh_token(:token_hash, :new_hash, :new_expires_at, :subject);

-- name: revoke_refresh_family(token_hash, subject)!
-- Logout: end the family of this refresh token.
select api.revoke_refresh_family(:token_hash, :subject);

-- name: revoke_my_sessions()$
-- Log out every session of this account.
select api.revoke_my_sessions();

-- name: verify_email(token_hash)$
-- Confirm an email address with the token from the verification email.
select api.verify_email(:token_hash);

-- name: resend_verification(token_hash, verify_url_encrypted)!
-- Send a new verification email.
select api.resend_verification(:token_hash, :verify_url_encrypted);

-- name: request_password_reset(email, token_hash, reset_url_encrypted)!
-- Ask for a password-reset email (202 whether or not an account uses the address; 429 alike once it was asked about too often).
select api.request_password_reset(:email, :token_hash, :reset_url_encrypted);

-- name: reset_password(token_hash, password_hash)!
-- Set a new password with a reset token (ends every session).
select api.reset_password(:token_hash, :password_hash);

-- name: my_password_hash()$
-- The caller's password hash (to check the current password).
select api.my_password_hash();

-- name: change_my_password(password_hash, refresh_hash, expires_at, user_agent, ip)$
-- New password; other sessions and access tokens end, a new session opens; the token epoch for its access token.
select api.change_my_password(:password_hash, :refresh_hash, :expires_at, :user_agent, :ip::inet);

-- name: get_my_account()$
-- The caller's account.
select api.get_my_account();

-- name: consultant_access(consultant_id, token_epoch)$
-- approved | pending | rejected | suspended | revoked (an older token epoch) | gone
select api.consultant_access(:consultant_id, :token_epoch);

-- name: admin_access(admin_id, token_epoch)$
-- admin | super_admin | revoked (an older token epoch) | inactive
select api.admin_access(:admin_id, :token_epoch);

-- name: hit_rate_limit(bucket, limit, window_seconds, setting)$
-- Count a request; 0 when allowed, else seconds to wait (the limit is the platform setting's when one is named).
select api.hit_rate_limit(:bucket, :limit, :window_seconds, :setting);

-- name: begin_sign_in(kind, account, ip)!
-- Before a password check: count the attempt per (account, IP), IP and account; NK429 when one is full.
select api.begin_sign_in(:kind, :account, :ip);

-- name: forgive_sign_in(kind, account, ip)!
-- After a right password: take the attempt back (only failures count).
select api.forgive_sign_in(:kind, :account, :ip);

-- name: prune_rate_limits()$
-- Drop counters of windows that ended more than a day ago.
select api.prune_rate_limits();
