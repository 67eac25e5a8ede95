-- db/migrations/20261205110000_index_tenant_policies.sql — one read policy per tenant table whose filter an index can use: `consultant_id = any(the consultants the caller may read)`.
-- Two permissive policies are OR'ed: `consultant_id = <caller> OR <caller is an active admin>` cannot be an index
-- condition, so every read through the policies alone scanned all tenants' rows (bench/rls.py: upcoming slots
-- 0.39 of the owner's filtered read, the month's revenue 0.47, on 20 consultants). One SELECT policy per table
-- now names the caller's consultants as an array (app.readable_consultants: the caller, or every consultant for
-- an active admin), which the planner uses as an index condition; writes keep a consultant-only policy per
-- command (a FOR ALL policy would be OR'ed into the reads again). Who sees what is unchanged.

-- migrate:up
drop policy admin_reads_availability_blocks on app.availability_blocks;
drop policy consultant_manages_own_availability_blocks on app.availability_blocks;

create policy tenant_reads_availability_blocks on app.availability_blocks for select to nakksha_app
  using (consultant_id = any ((select app.readable_consultants(false))::uuid[]));

create policy consultant_inserts_own_availability_blocks on app.availability_blocks for insert to nakksha_app with check (consultant_id = (select app.current_consultant_id()));
create policy consultant_updates_own_availability_blocks on app.availability_blocks for update to nakksha_app using (consultant_id = (select app.current_consultant_id())) with check (consultant_id = (select app.current_consultant_id()));
create policy consultant_deletes_own_availability_blocks on app.availability_blocks for delete to nakksha_app using (consultant_id = (select app.current_consultant_id()));

drop policy admin_reads_availability_rules on app.availability_rules;
drop policy consultant_manages_own_availability_rules on app.availability_rules;

create policy tenant_reads_availability_rules on app.availability_rules for select to nakksha_app
  using (consultant_id = any ((select app.readable_consultants(false))::uuid[]));

create policy consultant_inserts_own_availability_rules on app.availability_rules for insert to nakksha_app with check (consultant_id = (select app.current_consultant_id()));
create policy consultant_updates_own_availability_rules on app.availability_rules for update to nakksha_app using (consultant_id = (select app.current_consultant_id())) with check (consultant_id = (select app.current_consultant_id()));
create policy consultant_deletes_own_availability_rules on app.availability_rules for delete to nakksha_app using (consultant_id = (select app.current_consultant_id()));

drop policy admin_reads_availability_slots on app.availability_slots;
drop policy consultant_manages_own_availability_slots on app.availability_slots;

create policy tenant_reads_availability_slots on app.availability_slots for select to nakksha_app
  using (consultant_id = any ((select app.readable_consultants(false))::uuid[]));

create policy consultant_inserts_own_availability_slots on app.availability_slots for insert to nakksha_app with check (consultant_id = (select app.current_consultant_id()));
create policy consultant_updates_own_availability_slots on app.availability_slots for update to nakksha_app using (consultant_id = (select app.current_consultant_id())) with check (consultant_id = (select app.current_consultant_id()));
create policy consultant_deletes_own_availability_slots on app.availability_slots for delete to nakksha_app using (consultant_id = (select app.current_consultant_id()));

drop policy admin_reads_slot_exclusions on app.availability_slot_exclusions;
drop policy consultant_reads_own_slot_exclusions on app.availability_slot_exclusions;

create policy tenant_reads_availability_slot_exclusions on app.availability_slot_exclusions for select to nakksha_app
  using (consultant_id = any ((select app.readable_consultants(false))::uuid[]));

drop policy admin_reads_calendar_events on app.calendar_events;
drop policy consultant_reads_own_calendar_events on app.calendar_events;

create policy tenant_reads_calendar_events on app.calendar_events for select to nakksha_app
  using (consultant_id = any ((select app.readable_consultants(true))::uuid[]));

drop policy admin_reads_clients on app.clients;
drop policy consultant_manages_own_clients on app.clients;

create policy tenant_reads_clients on app.clients for select to nakksha_app
  using (consultant_id = any ((select app.readable_consultants(true))::uuid[]));

create policy consultant_inserts_own_clients on app.clients for insert to nakksha_app with check (consultant_id = (select app.current_approved_consultant_id()));
create policy consultant_updates_own_clients on app.clients for update to nakksha_app using (consultant_id = (select app.current_approved_consultant_id())) with check (consultant_id = (select app.current_approved_consultant_id()));
create policy consultant_deletes_own_clients on app.clients for delete to nakksha_app using (consultant_id = (select app.current_approved_consultant_id()));

drop policy admin_reads_daily_analytics on app.daily_analytics;
drop policy consultant_reads_own_daily_analytics on app.daily_analytics;

create policy tenant_reads_daily_analytics on app.daily_analytics for select to nakksha_app
  using (consultant_id = any ((select app.readable_consultants(true))::uuid[]));

drop policy admin_reads_email_logs on app.email_logs;
drop policy consultant_reads_own_email_logs on app.email_logs;

create policy tenant_reads_email_logs on app.email_logs for select to nakksha_app
  using (consultant_id = any ((select app.readable_consultants(true))::uuid[]));

drop policy admin_reads_payment_refunds on app.payment_refunds;
drop policy consultant_reads_own_payment_refunds on app.payment_refunds;

create policy tenant_reads_payment_refunds on app.payment_refunds for select to nakksha_app
  using (consultant_id = any ((select app.readable_consultants(true))::uuid[]));

drop policy admin_reads_payment_transactions on app.payment_transactions;
drop policy consultant_reads_own_payment_transactions on app.payment_transactions;

create policy tenant_reads_payment_transactions on app.payment_transactions for select to nakksha_app
  using (consultant_id = any ((select app.readable_consultants(true))::uuid[]));

drop policy admin_reads_quotation_views on app.quotation_views;
drop policy consultant_reads_own_quotation_views on app.quotation_views;

create policy tenant_reads_quotation_views on app.quotation_views for select to nakksha_app
  using (consultant_id = any ((select app.readable_consultants(true))::uuid[]));

drop policy admin_reads_quotations on app.quotations;
drop policy consultant_manages_own_quotations on app.quotations;

create policy tenant_reads_quotations on app.quotations for select to nakksha_app
  using (consultant_id = any ((select app.readable_consultants(true))::uuid[]));

create policy consultant_inserts_own_quotations on app.quotations for insert to nakksha_app with check (consultant_id = (select app.current_approved_consultant_id()));
create policy consultant_updates_own_quotations on app.quotations for update to nakksha_app using (consultant_id = (select app.current_approved_consultant_id())) with check (consultant_id = (select app.current_approved_consultant_id()));
create policy consultant_deletes_own_quotations on app.quotations for delete to nakksha_app using (consultant_id = (select app.current_approved_consultant_id()));

drop policy admin_reads_sessions on app.sessions;
drop policy consultant_manages_own_sessions on app.sessions;

create policy tenant_reads_sessions on app.sessions for select to nakksha_app
  using (consultant_id = any ((select app.readable_consultants(true))::uuid[]));

create policy consultant_inserts_own_sessions on app.sessions for insert to nakksha_app with check (consultant_id = (select app.current_approved_consultant_id()));
create policy consultant_updates_own_sessions on app.sessions for update to nakksha_app using (consultant_id = (select app.current_approved_consultant_id())) with check (consultant_id = (select app.current_approved_consultant_id()));
create policy consultant_deletes_own_sessions on app.sessions for delete to nakksha_app using (consultant_id = (select app.current_approved_consultant_id()));

drop policy admin_reads_consultants on app.consultants;
drop policy consultant_reads_own_row on app.consultants;

create policy tenant_reads_consultants on app.consultants for select to nakksha_app
  using (id = any ((select app.readable_consultants(false))::uuid[]));

-- migrate:down
drop policy tenant_reads_consultants on app.consultants;
create policy consultant_reads_own_row on app.consultants for select to nakksha_app using (id = (select app.current_consultant_id()));
create policy admin_reads_consultants on app.consultants for select to nakksha_app using ((select app.current_admin_is_active()));

drop policy tenant_reads_sessions on app.sessions;
drop policy consultant_inserts_own_sessions on app.sessions;
drop policy consultant_updates_own_sessions on app.sessions;
drop policy consultant_deletes_own_sessions on app.sessions;
create policy consultant_manages_own_sessions on app.sessions to nakksha_app using (consultant_id = (select app.current_approved_consultant_id())) with check (consultant_id = (select app.current_approved_consultant_id()));
create policy admin_reads_sessions on app.sessions for select to nakksha_app using ((select app.current_admin_is_active()));

drop policy tenant_reads_quotations on app.quotations;
drop policy consultant_inserts_own_quotations on app.quotations;
drop policy consultant_updates_own_quotations on app.quotations;
drop policy consultant_deletes_own_quotations on app.quotations;
create policy consultant_manages_own_quotations on app.quotations to nakksha_app using (consultant_id = (select app.current_approved_consultant_id())) with check (consultant_id = (select app.current_approved_consultant_id()));
create policy admin_reads_quotations on app.quotations for select to nakksha_app using ((select app.current_admin_is_active()));

drop policy tenant_reads_quotation_views on app.quotation_views;
create policy consultant_reads_own_quotation_views on app.quotation_views for select to nakksha_app using (consultant_id = (select app.current_approved_consultant_id()));
create policy admin_reads_quotation_views on app.quotation_views for select to nakksha_app using ((select app.current_admin_is_active()));

drop policy tenant_reads_payment_transactions on app.payment_transactions;
create policy consultant_reads_own_payment_transactions on app.payment_transactions for select to nakksha_app using (consultant_id = (select app.current_approved_consultant_id()));
create policy admin_reads_payment_transactions on app.payment_transactions for select to nakksha_app using ((select app.current_admin_is_active()));

drop policy tenant_reads_payment_refunds on app.payment_refunds;
create policy consultant_reads_own_payment_refunds on app.payment_refunds for select to nakksha_app using (consultant_id = (select app.current_approved_consultant_id()));
create policy admin_reads_payment_refunds on app.payment_refunds for select to nakksha_app using ((select app.current_admin_is_active()));

drop policy tenant_reads_email_logs on app.email_logs;
create policy consultant_reads_own_email_logs on app.email_logs for select to nakksha_app using (consultant_id = (select app.current_approved_consultant_id()));
create policy admin_reads_email_logs on app.email_logs for select to nakksha_app using ((select app.current_admin_is_active()));

drop policy tenant_reads_daily_analytics on app.daily_analytics;
create policy consultant_reads_own_daily_analytics on app.daily_analytics for select to nakksha_app using (consultant_id = (select app.current_approved_consultant_id()));
create policy admin_reads_daily_analytics on app.daily_analytics for select to nakksha_app using ((select app.current_admin_is_active()));

drop policy tenant_reads_clients on app.clients;
drop policy consultant_inserts_own_clients on app.clients;
drop policy consultant_updates_own_clients on app.clients;
drop policy consultant_deletes_own_clients on app.clients;
create policy consultant_manages_own_clients on app.clients to nakksha_app using (consultant_id = (select app.current_approved_consultant_id())) with check (consultant_id = (select app.current_approved_consultant_id()));
create policy admin_reads_clients on app.clients for select to nakksha_app using ((select app.current_admin_is_active()));

drop policy tenant_reads_calendar_events on app.calendar_events;
create policy consultant_reads_own_calendar_events on app.calendar_events for select to nakksha_app using (consultant_id = (select app.current_approved_consultant_id()));
create policy admin_reads_calendar_events on app.calendar_events for select to nakksha_app using ((select app.current_admin_is_active()));

drop policy tenant_reads_availability_slot_exclusions on app.availability_slot_exclusions;
create policy consultant_reads_own_slot_exclusions on app.availability_slot_exclusions for select to nakksha_app using (consultant_id = (select app.current_consultant_id()));
create policy admin_reads_slot_exclusions on app.availability_slot_exclusions for select to nakksha_app using ((select app.current_admin_is_active()));

drop policy tenant_reads_availability_slots on app.availability_slots;
drop policy consultant_inserts_own_availability_slots on app.availability_slots;
drop policy consultant_updates_own_availability_slots on app.availability_slots;
drop policy consultant_deletes_own_availability_slots on app.availability_slots;
create policy consultant_manages_own_availability_slots on app.availability_slots to nakksha_app using (consultant_id = (select app.current_consultant_id())) with check (consultant_id = (select app.current_consultant_id()));
create policy admin_reads_availability_slots on app.availability_slots for select to nakksha_app using ((select app.current_admin_is_active()));

drop policy tenant_reads_availability_rules on app.availability_rules;
drop policy consultant_inserts_own_availability_rules on app.availability_rules;
drop policy consultant_updates_own_availability_rules on app.availability_rules;
drop policy consultant_deletes_own_availability_rules on app.availability_rules;
create policy consultant_manages_own_availability_rules on app.availability_rules to nakksha_app using (consultant_id = (select app.current_consultant_id())) with check (consultant_id = (select app.current_consultant_id()));
create policy admin_reads_availability_rules on app.availability_rules for select to nakksha_app using ((select app.current_admin_is_active()));

drop policy tenant_reads_availability_blocks on app.availability_blocks;
drop policy consultant_inserts_own_availability_blocks on app.availability_blocks;
drop policy consultant_updates_own_availability_blocks on app.availability_blocks;
drop policy consultant_deletes_own_availability_blocks on app.availability_blocks;
create policy consultant_manages_own_availability_blocks on app.availability_blocks to nakksha_app using (consultant_id = (select app.current_consultant_id())) with check (consultant_id = (select app.current_consultant_id()));
create policy admin_reads_availability_blocks on app.availability_blocks for select to nakksha_app using ((select app.current_admin_is_active()));
