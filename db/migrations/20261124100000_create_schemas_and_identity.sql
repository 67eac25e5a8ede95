-- db/migrations/20261124100000_create_schemas_and_identity.sql — the app schema, extensions and the caller helpers RLS policies read.
-- Roles are cluster-wide and created by `nakksha migrate` before dbmate runs; migrations only grant.

-- migrate:up
create extension if not exists btree_gist with schema public;
create extension if not exists citext with schema public;

create schema app;
comment on schema app is 'Tables, types, constraints, triggers and RLS policies. Changed only by migrations.';

-- Nobody but the owner creates objects anywhere; roles get exactly the usage they need.
revoke create on schema public from public;
grant usage on schema public to nakksha_app, nakksha_admin;
grant usage on schema app to nakksha_app, nakksha_admin;

-- The caller of the current transaction. The app sets these with set_config(..., true); on a pooled
-- connection a setting once set reads back as '' (not NULL) in later transactions, hence nullif.
create function app.current_consultant_id() returns uuid
language sql stable parallel safe
as $$ select nullif(current_setting('app.consultant_id', true), '')::uuid $$;
comment on function app.current_consultant_id() is 'The consultant the current transaction acts for, or NULL.';

create function app.current_admin_id() returns uuid
language sql stable parallel safe
as $$ select nullif(current_setting('app.admin_id', true), '')::uuid $$;
comment on function app.current_admin_id() is 'The admin the current transaction acts for, or NULL.';

-- IANA zone names only ("Asia/Kolkata", "UTC"); abbreviations and POSIX offsets are refused even though
-- PostgreSQL would accept them, because they carry no DST rules.
create function app.is_valid_timezone(p_tz text) returns boolean
language plpgsql immutable parallel safe
as $$
begin
  if p_tz is null or p_tz !~ '^(UTC|[A-Z][A-Za-z_]+(/[A-Za-z0-9_+-]+){1,2})$' then
    return false;
  end if;
  perform timestamptz '2000-01-01 00:00:00+00' at time zone p_tz;
  return true;
exception when invalid_parameter_value then
  return false;
end;
$$;
comment on function app.is_valid_timezone(text) is 'True for an IANA time zone name PostgreSQL knows.';

grant execute on function app.current_consultant_id(), app.current_admin_id(), app.is_valid_timezone(text)
  to nakksha_app, nakksha_admin;

-- migrate:down
drop schema app cascade;
grant create on schema public to public;
revoke usage on schema public from nakksha_app, nakksha_admin;
