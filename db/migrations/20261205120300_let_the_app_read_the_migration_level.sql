-- db/migrations/20261205120300_let_the_app_read_the_migration_level.sql — the app role (and psql administrators) read dbmate's migration versions, so /readyz's migration check (api.migration_level) runs as security invoker.
-- Version numbers only: nothing in schema_migrations is secret, and nothing may write it but the owner.

-- migrate:up
grant select on public.schema_migrations to nakksha_app, nakksha_admin;

-- migrate:down
revoke select on public.schema_migrations from nakksha_app, nakksha_admin;
