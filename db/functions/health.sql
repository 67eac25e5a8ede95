-- db/functions/health.sql — what /readyz asks the database: is it there, and how far is it migrated.

create or replace function api.migration_level()
returns text
language sql stable security invoker
set search_path = ''
as $$
  select max(version)::text from public.schema_migrations
$$;
comment on function api.migration_level() is 'The newest applied dbmate migration version.';

grant execute on function api.migration_level() to nakksha_app, nakksha_admin;

-- Test: pytest tests/http/test_health.py
