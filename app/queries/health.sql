-- app/queries/health.sql — what /readyz asks.

-- name: migration_level()$
-- The newest applied migration version.
select api.migration_level();
