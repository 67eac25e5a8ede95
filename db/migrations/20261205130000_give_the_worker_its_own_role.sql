-- db/migrations/20261205130000_give_the_worker_its_own_role.sql — the job worker logs in as nakksha_worker: its tables' grants and policies, and Procrastinate's.
-- The worker's steps (claiming and marking mail, settling refunds, syncing calendars, the sweeps) were security
-- definer functions granted to the app role, so anything able to run SQL as the web app could take them too. They
-- are security invoker now, granted to nakksha_worker alone (nakksha migrate creates the login; the worker connects
-- with it). The worker works across tenants by design, so each table it touches has one policy naming it with
-- `using (true)`; what it may do there is bounded by the grants below (reads, and only the writes its steps and the
-- triggers they fire make). Procrastinate's own objects: the same grants the app role has (it defers jobs too).

-- migrate:up
grant usage on schema app to nakksha_worker;

grant select on app.availability_blocks, app.availability_rules, app.availability_slot_exclusions, app.consultants,
  app.email_suppressions, app.email_templates, app.platform_settings to nakksha_worker;
grant select, update on app.sessions, app.payment_refunds, app.payment_transactions, app.quotations,
  app.calendar_connections, app.clients to nakksha_worker;
grant select, insert, update on app.email_logs, app.consultant_client_counts to nakksha_worker;
grant select, insert on app.email_outbox to nakksha_worker;
grant select, delete on app.idempotency_keys, app.rate_limit_hits to nakksha_worker;
grant select, insert, delete on app.calendar_busy to nakksha_worker;
grant select, insert, update, delete on app.calendar_events, app.availability_slots, app.analytics_dirty,
  app.daily_analytics to nakksha_worker;

create policy worker_steps on app.availability_blocks to nakksha_worker using (true) with check (true);
create policy worker_steps on app.availability_rules to nakksha_worker using (true) with check (true);
create policy worker_steps on app.availability_slot_exclusions to nakksha_worker using (true) with check (true);
create policy worker_steps on app.consultants to nakksha_worker using (true) with check (true);
create policy worker_steps on app.email_suppressions to nakksha_worker using (true) with check (true);
create policy worker_steps on app.email_templates to nakksha_worker using (true) with check (true);
create policy worker_steps on app.platform_settings to nakksha_worker using (true) with check (true);
create policy worker_steps on app.sessions to nakksha_worker using (true) with check (true);
create policy worker_steps on app.payment_refunds to nakksha_worker using (true) with check (true);
create policy worker_steps on app.payment_transactions to nakksha_worker using (true) with check (true);
create policy worker_steps on app.quotations to nakksha_worker using (true) with check (true);
create policy worker_steps on app.calendar_connections to nakksha_worker using (true) with check (true);
create policy worker_steps on app.clients to nakksha_worker using (true) with check (true);
create policy worker_steps on app.email_logs to nakksha_worker using (true) with check (true);
create policy worker_steps on app.consultant_client_counts to nakksha_worker using (true) with check (true);
create policy worker_steps on app.email_outbox to nakksha_worker using (true) with check (true);
create policy worker_steps on app.idempotency_keys to nakksha_worker using (true) with check (true);
create policy worker_steps on app.rate_limit_hits to nakksha_worker using (true) with check (true);
create policy worker_steps on app.calendar_busy to nakksha_worker using (true) with check (true);
create policy worker_steps on app.calendar_events to nakksha_worker using (true) with check (true);
create policy worker_steps on app.availability_slots to nakksha_worker using (true) with check (true);
create policy worker_steps on app.analytics_dirty to nakksha_worker using (true) with check (true);
create policy worker_steps on app.daily_analytics to nakksha_worker using (true) with check (true);

grant select, insert, update, delete on public.procrastinate_jobs, public.procrastinate_events,
  public.procrastinate_periodic_defers, public.procrastinate_workers to nakksha_worker;
grant select, usage on sequence public.procrastinate_jobs_id_seq, public.procrastinate_events_id_seq,
  public.procrastinate_periodic_defers_id_seq, public.procrastinate_workers_id_seq to nakksha_worker;
grant execute on function public.procrastinate_cancel_job_v1(bigint, boolean, boolean),
  public.procrastinate_defer_jobs_v1(public.procrastinate_job_to_defer_v1[]),
  public.procrastinate_defer_periodic_job_v2(character varying, character varying, character varying, character varying, integer, character varying, bigint, jsonb),
  public.procrastinate_fetch_job_v2(character varying[], bigint),
  public.procrastinate_finish_job_v1(bigint, public.procrastinate_job_status, boolean),
  public.procrastinate_prune_stalled_workers_v1(double precision),
  public.procrastinate_register_worker_v1(),
  public.procrastinate_retry_job_v1(bigint, timestamp with time zone, integer, character varying, character varying),
  public.procrastinate_retry_job_v2(bigint, timestamp with time zone, integer, character varying, character varying),
  public.procrastinate_unregister_worker_v1(bigint),
  public.procrastinate_update_heartbeat_v1(bigint) to nakksha_worker;

-- migrate:down
revoke all on public.procrastinate_jobs, public.procrastinate_events, public.procrastinate_periodic_defers,
  public.procrastinate_workers from nakksha_worker;
revoke all on sequence public.procrastinate_jobs_id_seq, public.procrastinate_events_id_seq,
  public.procrastinate_periodic_defers_id_seq, public.procrastinate_workers_id_seq from nakksha_worker;
revoke all on all functions in schema public from nakksha_worker;
do $down$
declare
  r record;
begin
  for r in select tablename from pg_policies where schemaname = 'app' and policyname = 'worker_steps' loop
    execute format('drop policy worker_steps on app.%I', r.tablename);
  end loop;
end
$down$;
revoke all on all tables in schema app from nakksha_worker;
revoke usage on schema app from nakksha_worker;

-- Test: pytest tests/db/test_worker_role.py tests/meta/test_migrations.py
