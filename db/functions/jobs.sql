-- db/functions/jobs.sql — deferring Procrastinate jobs from SQL, inside the transaction of the write that causes them.

create or replace function app_private.defer_job(
  p_task_name text,
  p_args jsonb,
  p_queue text default 'default',
  p_scheduled_at timestamptz default null,
  p_queueing_lock text default null,
  p_lock text default null
) returns bigint
language plpgsql volatile
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
language sql volatile
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
language plpgsql volatile
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

-- Test: pytest tests/jobs/test_outbox.py tests/jobs/test_reminders.py tests/db/test_worker_registration.py
