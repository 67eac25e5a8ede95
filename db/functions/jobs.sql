-- db/functions/jobs.sql — deferring Procrastinate jobs from SQL, inside the transaction of the write that causes them.

create or replace function app_private.defer_job(
  p_task_name text,
  p_args jsonb,
  p_queue text default 'default',
  p_scheduled_at timestamptz default null,
  p_queueing_lock text default null,
  p_lock text default null
) returns bigint
language plpgsql volatile security definer
-- Procrastinate's objects are not schema-qualified in its own SQL, so its schema is on the path.
set search_path = public, pg_temp
as $$
declare
  v_ids bigint[];
begin
  v_ids := public.procrastinate_defer_jobs_v1(array[
    row(p_queue, p_task_name, 0, p_lock, p_queueing_lock, p_args, p_scheduled_at)::public.procrastinate_job_to_defer_v1
  ]);
  return v_ids[1];
end;
$$;
comment on function app_private.defer_job is 'Queue a Procrastinate job in the current transaction: committed with the write, or never.';

create or replace function app_private.cancel_queued_jobs(p_queueing_lock text)
returns integer
language sql volatile security definer
set search_path = public, pg_temp
as $$
  -- Jobs still waiting under this queueing lock are cancelled (kept, with status cancelled, as a trail);
  -- one already running is left to finish, and re-checks what it does at run time.
  select count(public.procrastinate_cancel_job_v1(j.id, false, false))::integer
  from public.procrastinate_jobs j where j.queueing_lock = p_queueing_lock and j.status = 'todo'
$$;
comment on function app_private.cancel_queued_jobs is 'Cancel the waiting jobs that hold a queueing lock (a moved or cancelled reminder).';

create or replace function app_private.run_waiting_job_now(p_task_name text, p_args jsonb)
returns integer
language plpgsql volatile security definer
set search_path = public, pg_temp
as $$
declare
  v_job public.procrastinate_jobs;
  v_count integer := 0;
begin
  -- A job deferred to later (a mail waiting for its meeting link) that should run now: cancelled and
  -- deferred again for now, through Procrastinate's own functions, so the workers are notified at once.
  for v_job in
    select * from public.procrastinate_jobs j
    where j.task_name = p_task_name and j.args = p_args and j.status = 'todo' and j.scheduled_at > now()
    for update
  loop
    perform public.procrastinate_cancel_job_v1(v_job.id, false, false);
    perform app_private.defer_job(v_job.task_name, v_job.args, v_job.queue_name, null, v_job.queueing_lock, v_job.lock);
    v_count := v_count + 1;
  end loop;
  return v_count;
end;
$$;
comment on function app_private.run_waiting_job_now is 'Bring forward a job scheduled for later (same task and arguments) to run now.';

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
revoke execute on function app.keep_worker_registered() from public;

-- Test: pytest tests/jobs/test_outbox.py tests/jobs/test_reminders.py tests/db/test_worker_registration.py
