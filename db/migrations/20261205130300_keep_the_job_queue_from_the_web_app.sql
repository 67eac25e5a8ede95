-- db/migrations/20261205130300_keep_the_job_queue_from_the_web_app.sql — the app role reads the job queue (readiness, the admin system page) and no longer writes it or takes jobs.
-- Jobs are queued by the definer functions whose writes cause them (app_private.defer_job, as the owner) and run
-- by the worker, logged in as nakksha_worker since 20261205130000. The app role kept Procrastinate's worker side
-- all the same: SQL run as the web app could mark queued mails and refunds done, delete them, or register a fake
-- worker so /readyz reported ready while nothing ran (an outside review found it). It keeps SELECT on the queue,
-- its events and the workers' heartbeats, which /readyz and the admin system page read.

-- migrate:up
revoke insert, update, delete on public.procrastinate_jobs, public.procrastinate_events,
  public.procrastinate_workers from nakksha_app, nakksha_app_admin;
revoke all on public.procrastinate_periodic_defers from nakksha_app, nakksha_app_admin;
revoke all on sequence public.procrastinate_jobs_id_seq, public.procrastinate_events_id_seq,
  public.procrastinate_periodic_defers_id_seq, public.procrastinate_workers_id_seq from nakksha_app, nakksha_app_admin;
revoke execute on function public.procrastinate_cancel_job_v1(bigint, boolean, boolean),
  public.procrastinate_defer_jobs_v1(public.procrastinate_job_to_defer_v1[]),
  public.procrastinate_defer_periodic_job_v2(character varying, character varying, character varying, character varying, integer, character varying, bigint, jsonb),
  public.procrastinate_fetch_job_v2(character varying[], bigint),
  public.procrastinate_finish_job_v1(bigint, public.procrastinate_job_status, boolean),
  public.procrastinate_notify_queue_abort_job_v1(),
  public.procrastinate_notify_queue_job_inserted_v1(),
  public.procrastinate_prune_stalled_workers_v1(double precision),
  public.procrastinate_register_worker_v1(),
  public.procrastinate_retry_job_v1(bigint, timestamp with time zone, integer, character varying, character varying),
  public.procrastinate_retry_job_v2(bigint, timestamp with time zone, integer, character varying, character varying),
  public.procrastinate_trigger_abort_requested_events_procedure_v1(),
  public.procrastinate_trigger_function_scheduled_events_v1(),
  public.procrastinate_trigger_function_status_events_insert_v1(),
  public.procrastinate_trigger_function_status_events_update_v1(),
  public.procrastinate_unlink_periodic_defers_v1(),
  public.procrastinate_unregister_worker_v1(bigint),
  public.procrastinate_update_heartbeat_v1(bigint) from nakksha_app, nakksha_app_admin;

-- migrate:down
grant select, insert, update, delete on public.procrastinate_jobs, public.procrastinate_events,
  public.procrastinate_periodic_defers, public.procrastinate_workers to nakksha_app;
grant select, usage on sequence public.procrastinate_jobs_id_seq, public.procrastinate_events_id_seq,
  public.procrastinate_periodic_defers_id_seq, public.procrastinate_workers_id_seq to nakksha_app;
grant execute on function public.procrastinate_cancel_job_v1(bigint, boolean, boolean),
  public.procrastinate_defer_jobs_v1(public.procrastinate_job_to_defer_v1[]),
  public.procrastinate_defer_periodic_job_v2(character varying, character varying, character varying, character varying, integer, character varying, bigint, jsonb),
  public.procrastinate_fetch_job_v2(character varying[], bigint),
  public.procrastinate_finish_job_v1(bigint, public.procrastinate_job_status, boolean),
  public.procrastinate_notify_queue_abort_job_v1(),
  public.procrastinate_notify_queue_job_inserted_v1(),
  public.procrastinate_prune_stalled_workers_v1(double precision),
  public.procrastinate_register_worker_v1(),
  public.procrastinate_retry_job_v1(bigint, timestamp with time zone, integer, character varying, character varying),
  public.procrastinate_retry_job_v2(bigint, timestamp with time zone, integer, character varying, character varying),
  public.procrastinate_trigger_abort_requested_events_procedure_v1(),
  public.procrastinate_trigger_function_scheduled_events_v1(),
  public.procrastinate_trigger_function_status_events_insert_v1(),
  public.procrastinate_trigger_function_status_events_update_v1(),
  public.procrastinate_unlink_periodic_defers_v1(),
  public.procrastinate_unregister_worker_v1(bigint),
  public.procrastinate_update_heartbeat_v1(bigint) to nakksha_app;
