-- db/migrations/20261205051000_keep_live_workers_registered.sql — a job worker that takes a job is registered as alive, even if another worker pruned it meanwhile.

-- migrate:up
-- Procrastinate's worker, when it starts, deletes every worker row whose heartbeat is older than its
-- stalled_worker_timeout (procrastinate_prune_stalled_workers_v1). A worker that is alive but was silent that long
-- (a database restart, a paused process, a blocked event loop, an orphan of a `nakksha serve` killed without
-- clean-up) lost its row; its next fetch set procrastinate_jobs.worker_id to an id no longer in
-- procrastinate_workers, the foreign key procrastinate_jobs_worker_id_fkey refused it, and the worker died
-- (issue 16: "ForeignKeyViolation … procrastinate_jobs_worker_id_fkey" at start-up, no email sent for the run).
-- Taking a job proves the worker is alive: before the foreign key is checked, its row is put back (same id) or
-- its heartbeat refreshed. The row stays locked until the fetch commits, so a prune racing the fetch waits and
-- then sees a fresh heartbeat instead of deleting the row under the job.
-- The body lives in db/functions/jobs.sql (re-applied by `nakksha migrate` right after the migrations); this
-- placeholder exists only so the trigger can be created on a fresh database before that file runs.
create or replace function app.keep_worker_registered() returns trigger language plpgsql as $$ begin return new; end $$;

create trigger procrastinate_jobs_keep_worker_registered
  before update of worker_id on public.procrastinate_jobs
  for each row when (new.worker_id is not null and new.worker_id is distinct from old.worker_id)
  execute function app.keep_worker_registered();

-- migrate:down
drop trigger procrastinate_jobs_keep_worker_registered on public.procrastinate_jobs;
drop function app.keep_worker_registered();

-- Test: pytest tests/db/test_worker_registration.py tests/faults/test_worker_pruned.py tests/meta/test_migrations.py
