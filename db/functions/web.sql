-- db/functions/web.sql — what the server-rendered pages need beyond the API's functions: the cookie session's subject, public plans.

create or replace function api.web_session_subject(p_token_hash bytea)
returns jsonb
language sql stable security definer
set search_path = ''
as $$
  -- A page's cookie holds a refresh token that is never rotated (pages are one origin, the cookie is
  -- HttpOnly): it is valid while unexpired, unspent and its family unrevoked, so logout, logout-all,
  -- a password change or reset, a suspension and a deletion end web sessions exactly as they end API ones.
  select case when f.consultant_id is not null then
    (select jsonb_build_object('kind', 'consultant', 'id', c.id, 'email', c.email::text, 'first_name', c.first_name,
       'last_name', c.last_name, 'slug', c.slug, 'approval_status', c.approval_status, 'timezone', c.timezone,
       'is_email_verified', c.is_email_verified, 'family_id', f.id)
     from app.consultants c where c.id = f.consultant_id and c.deleted_at is null and c.is_active)
  else
    (select jsonb_build_object('kind', 'admin', 'id', a.id, 'email', a.email::text, 'name', a.name,
       'role', a.role, 'family_id', f.id)
     from app.admins a where a.id = f.admin_id and a.is_active)
  end
  from app.refresh_tokens t join app.refresh_token_families f on f.id = t.family_id
  where t.token_hash = p_token_hash and t.used_at is null and t.expires_at > now() and f.revoked_at is null
$$;
comment on function api.web_session_subject is 'The consultant or admin behind a page session cookie, or NULL when it is no longer valid. Definer: sign-in and its sessions: credentials, password hashes and refresh tokens, which no web role reads or writes.';

grant execute on function api.web_session_subject(bytea) to nakksha_app;

-- Test: pytest tests/http/test_pages.py
