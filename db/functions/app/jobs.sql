-- db/functions/app/jobs.sql — a trigger on Procrastinate's jobs table keeping the worker that claims a job registered.

create or replace function app.keep_worker_registered() returns trigger
language plpgsql volatile security invoker
set search_path = ''
as $$
begin
  -- Procrastinate's worker, when it starts, deletes every worker row whose heartbeat is older than its
  -- stalled_worker_timeout. A worker alive but silent that long (a database restart, a paused process) lost its
  -- row, and its next fetch died on procrastinate_jobs_worker_id_fkey (issue 16). Taking a job proves the worker
  -- is alive: before the foreign key is checked its row is put back (same id) or its heartbeat refreshed, and the
  -- row stays locked until the fetch commits, so a prune racing it waits and then sees a fresh heartbeat.
  insert into public.procrastinate_workers (id, last_heartbeat) overriding system value
  values (new.worker_id, now())
  on conflict (id) do update set last_heartbeat = excluded.last_heartbeat;
  return new;
end;
$$;
comment on function app.keep_worker_registered() is
  'Trigger: a worker that takes a job (procrastinate_fetch_job) is registered with a fresh heartbeat, so a worker pruned while alive never dies on procrastinate_jobs_worker_id_fkey.';

-- Test: pytest tests/db/test_worker_registration.py
