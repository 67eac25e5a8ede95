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
create function app.keep_worker_registered() returns trigger
language plpgsql volatile security invoker
set search_path = ''
as $$
begin
  insert into public.procrastinate_workers (id, last_heartbeat) overriding system value
  values (new.worker_id, now())
  on conflict (id) do update set last_heartbeat = excluded.last_heartbeat;
  return new;
end;
$$;
comment on function app.keep_worker_registered() is
  'Trigger: a worker that takes a job (procrastinate_fetch_job) is registered with a fresh heartbeat, so a worker pruned while alive never dies on procrastinate_jobs_worker_id_fkey.';
revoke execute on function app.keep_worker_registered() from public;

create trigger procrastinate_jobs_keep_worker_registered
  before update of worker_id on public.procrastinate_jobs
  for each row when (new.worker_id is not null and new.worker_id is distinct from old.worker_id)
  execute function app.keep_worker_registered();

-- migrate:down
drop trigger procrastinate_jobs_keep_worker_registered on public.procrastinate_jobs;
drop function app.keep_worker_registered();
