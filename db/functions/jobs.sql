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

-- Test: pytest tests/jobs/test_outbox.py tests/jobs/test_reminders.py
