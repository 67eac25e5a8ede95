-- app/queries/health.sql — what /readyz asks.

-- name: migration_level()$
-- The newest applied migration version.
select api.migration_level();

-- name: live_workers(within_seconds)$
-- Job workers (anywhere on this database) whose last heartbeat is younger than within_seconds.
select count(*)::integer from public.procrastinate_workers
where last_heartbeat > now() - make_interval(secs => :within_seconds);
