-- db/migrations/20261205120100_give_admins_their_own_read_policies.sql — admins read every tenant through policies of their own role, so a consultant's read policy is one equality again.
-- The app acts for a signed-in admin as nakksha_app_admin (it sets that role for the transaction, with the
-- caller: app/sql.py); a database administrator in psql (a member of nakksha_admin) reads the same. The tenant
-- tables' read policies were one array policy for both (`consultant_id = any(readable_consultants())`): an index
-- condition for a consultant, but for an admin an array of every consultant's id searched for each row. Now the
-- consultant's policy is `consultant_id = (select app.current_consultant_id())` (approved, for dashboard data) and
-- the admin's a boolean evaluated once per statement. The admin role reads and executes what the app role may
-- (nakksha migrate mirrors those grants); only the policies tell them apart. The old policies' helpers
-- (app.readable_consultants, app.current_admin_is_active) stay in db/functions/app/retired.sql: the baseline calls them.

-- migrate:up
drop policy tenant_reads_availability_blocks on app.availability_blocks;
create policy consultant_reads_own_availability_blocks on app.availability_blocks for select to nakksha_app
  using (consultant_id = (select app.current_consultant_id()));
create policy admin_reads_availability_blocks on app.availability_blocks for select to nakksha_app_admin using ((select app.acts_as_admin()));
drop policy tenant_reads_availability_rules on app.availability_rules;
create policy consultant_reads_own_availability_rules on app.availability_rules for select to nakksha_app
  using (consultant_id = (select app.current_consultant_id()));
create policy admin_reads_availability_rules on app.availability_rules for select to nakksha_app_admin using ((select app.acts_as_admin()));
drop policy tenant_reads_availability_slot_exclusions on app.availability_slot_exclusions;
create policy consultant_reads_own_availability_slot_exclusions on app.availability_slot_exclusions for select to nakksha_app
  using (consultant_id = (select app.current_consultant_id()));
create policy admin_reads_availability_slot_exclusions on app.availability_slot_exclusions for select to nakksha_app_admin using ((select app.acts_as_admin()));
drop policy tenant_reads_availability_slots on app.availability_slots;
create policy consultant_reads_own_availability_slots on app.availability_slots for select to nakksha_app
  using (consultant_id = (select app.current_consultant_id()));
create policy admin_reads_availability_slots on app.availability_slots for select to nakksha_app_admin using ((select app.acts_as_admin()));
drop policy tenant_reads_calendar_connections on app.calendar_connections;
create policy consultant_reads_own_calendar_connections on app.calendar_connections for select to nakksha_app
  using (consultant_id = (select app.current_consultant_id()));
create policy admin_reads_calendar_connections on app.calendar_connections for select to nakksha_app_admin using ((select app.acts_as_admin()));
drop policy tenant_reads_calendar_events on app.calendar_events;
create policy consultant_reads_own_calendar_events on app.calendar_events for select to nakksha_app
  using (consultant_id = (select app.current_approved_consultant_id()));
create policy admin_reads_calendar_events on app.calendar_events for select to nakksha_app_admin using ((select app.acts_as_admin()));
drop policy tenant_reads_clients on app.clients;
create policy consultant_reads_own_clients on app.clients for select to nakksha_app
  using (consultant_id = (select app.current_approved_consultant_id()));
create policy admin_reads_clients on app.clients for select to nakksha_app_admin using ((select app.acts_as_admin()));
drop policy tenant_reads_consultant_client_counts on app.consultant_client_counts;
create policy consultant_reads_own_consultant_client_counts on app.consultant_client_counts for select to nakksha_app
  using (consultant_id = (select app.current_approved_consultant_id()));
create policy admin_reads_consultant_client_counts on app.consultant_client_counts for select to nakksha_app_admin using ((select app.acts_as_admin()));
drop policy tenant_reads_daily_analytics on app.daily_analytics;
create policy consultant_reads_own_daily_analytics on app.daily_analytics for select to nakksha_app
  using (consultant_id = (select app.current_approved_consultant_id()));
create policy admin_reads_daily_analytics on app.daily_analytics for select to nakksha_app_admin using ((select app.acts_as_admin()));
drop policy tenant_reads_email_logs on app.email_logs;
create policy consultant_reads_own_email_logs on app.email_logs for select to nakksha_app
  using (consultant_id = (select app.current_approved_consultant_id()));
create policy admin_reads_email_logs on app.email_logs for select to nakksha_app_admin using ((select app.acts_as_admin()));
drop policy tenant_reads_payment_refunds on app.payment_refunds;
create policy consultant_reads_own_payment_refunds on app.payment_refunds for select to nakksha_app
  using (consultant_id = (select app.current_approved_consultant_id()));
create policy admin_reads_payment_refunds on app.payment_refunds for select to nakksha_app_admin using ((select app.acts_as_admin()));
drop policy tenant_reads_payment_transactions on app.payment_transactions;
create policy consultant_reads_own_payment_transactions on app.payment_transactions for select to nakksha_app
  using (consultant_id = (select app.current_approved_consultant_id()));
create policy admin_reads_payment_transactions on app.payment_transactions for select to nakksha_app_admin using ((select app.acts_as_admin()));
drop policy tenant_reads_quotation_views on app.quotation_views;
create policy consultant_reads_own_quotation_views on app.quotation_views for select to nakksha_app
  using (consultant_id = (select app.current_approved_consultant_id()));
create policy admin_reads_quotation_views on app.quotation_views for select to nakksha_app_admin using ((select app.acts_as_admin()));
drop policy tenant_reads_quotations on app.quotations;
create policy consultant_reads_own_quotations on app.quotations for select to nakksha_app
  using (consultant_id = (select app.current_approved_consultant_id()));
create policy admin_reads_quotations on app.quotations for select to nakksha_app_admin using ((select app.acts_as_admin()));
drop policy tenant_reads_sessions on app.sessions;
create policy consultant_reads_own_sessions on app.sessions for select to nakksha_app
  using (consultant_id = (select app.current_approved_consultant_id()));
create policy admin_reads_sessions on app.sessions for select to nakksha_app_admin using ((select app.acts_as_admin()));
drop policy tenant_reads_consultants on app.consultants;
create policy consultant_reads_own_row on app.consultants for select to nakksha_app
  using (id = (select app.current_consultant_id()));
create policy admin_reads_consultants on app.consultants for select to nakksha_app_admin using ((select app.acts_as_admin()));
drop policy admin_reads_admins on app.admins;
create policy admin_reads_admins on app.admins for select to nakksha_app_admin using ((select app.acts_as_admin()));
drop policy admin_reads_audit_log on app.admin_audit_log;
create policy admin_reads_audit_log on app.admin_audit_log for select to nakksha_app_admin using ((select app.acts_as_admin()));
drop policy admin_reads_email_suppressions on app.email_suppressions;
create policy admin_reads_email_suppressions on app.email_suppressions for select to nakksha_app_admin using ((select app.acts_as_admin()));
drop policy admin_reads_email_templates on app.email_templates;
create policy admin_reads_email_templates on app.email_templates for select to nakksha_app_admin using ((select app.acts_as_admin()));
drop policy admin_reads_view_refreshes on app.view_refreshes;
create policy admin_reads_view_refreshes on app.view_refreshes for select to nakksha_app_admin using ((select app.acts_as_admin()));
drop policy admin_reads_webhook_events on app.webhook_events;
create policy admin_reads_webhook_events on app.webhook_events for select to nakksha_app_admin using ((select app.acts_as_admin()));
alter policy anyone_reads_platform_settings on app.platform_settings to nakksha_app, nakksha_app_admin;
-- The system page: the analytics backlog and the migration level.
grant select on app.analytics_dirty, public.schema_migrations to nakksha_app_admin;
create policy admin_reads_analytics_dirty on app.analytics_dirty for select to nakksha_app_admin
  using ((select app.acts_as_admin()));

-- migrate:down
drop policy admin_reads_analytics_dirty on app.analytics_dirty;
revoke select on app.analytics_dirty, public.schema_migrations from nakksha_app_admin;
alter policy anyone_reads_platform_settings on app.platform_settings to nakksha_app;
drop policy admin_reads_webhook_events on app.webhook_events;
create policy admin_reads_webhook_events on app.webhook_events for select to nakksha_app using ((select app.current_admin_is_active()));
drop policy admin_reads_view_refreshes on app.view_refreshes;
create policy admin_reads_view_refreshes on app.view_refreshes for select to nakksha_app using ((select app.current_admin_is_active()));
drop policy admin_reads_email_templates on app.email_templates;
create policy admin_reads_email_templates on app.email_templates for select to nakksha_app using ((select app.current_admin_is_active()));
drop policy admin_reads_email_suppressions on app.email_suppressions;
create policy admin_reads_email_suppressions on app.email_suppressions for select to nakksha_app using ((select app.current_admin_id()) is not null);
drop policy admin_reads_audit_log on app.admin_audit_log;
create policy admin_reads_audit_log on app.admin_audit_log for select to nakksha_app using ((select app.current_admin_is_active()));
drop policy admin_reads_admins on app.admins;
create policy admin_reads_admins on app.admins for select to nakksha_app using ((select app.current_admin_is_active()));
create policy tenant_reads_consultants on app.consultants for select to nakksha_app
  using (id = any ((select app.readable_consultants(false))::uuid[]));
drop policy consultant_reads_own_row on app.consultants;
drop policy admin_reads_consultants on app.consultants;
create policy tenant_reads_sessions on app.sessions for select to nakksha_app
  using (consultant_id = any ((select app.readable_consultants(true))::uuid[]));
drop policy consultant_reads_own_sessions on app.sessions;
drop policy admin_reads_sessions on app.sessions;
create policy tenant_reads_quotations on app.quotations for select to nakksha_app
  using (consultant_id = any ((select app.readable_consultants(true))::uuid[]));
drop policy consultant_reads_own_quotations on app.quotations;
drop policy admin_reads_quotations on app.quotations;
create policy tenant_reads_quotation_views on app.quotation_views for select to nakksha_app
  using (consultant_id = any ((select app.readable_consultants(true))::uuid[]));
drop policy consultant_reads_own_quotation_views on app.quotation_views;
drop policy admin_reads_quotation_views on app.quotation_views;
create policy tenant_reads_payment_transactions on app.payment_transactions for select to nakksha_app
  using (consultant_id = any ((select app.readable_consultants(true))::uuid[]));
drop policy consultant_reads_own_payment_transactions on app.payment_transactions;
drop policy admin_reads_payment_transactions on app.payment_transactions;
create policy tenant_reads_payment_refunds on app.payment_refunds for select to nakksha_app
  using (consultant_id = any ((select app.readable_consultants(true))::uuid[]));
drop policy consultant_reads_own_payment_refunds on app.payment_refunds;
drop policy admin_reads_payment_refunds on app.payment_refunds;
create policy tenant_reads_email_logs on app.email_logs for select to nakksha_app
  using (consultant_id = any ((select app.readable_consultants(true))::uuid[]));
drop policy consultant_reads_own_email_logs on app.email_logs;
drop policy admin_reads_email_logs on app.email_logs;
create policy tenant_reads_daily_analytics on app.daily_analytics for select to nakksha_app
  using (consultant_id = any ((select app.readable_consultants(true))::uuid[]));
drop policy consultant_reads_own_daily_analytics on app.daily_analytics;
drop policy admin_reads_daily_analytics on app.daily_analytics;
create policy tenant_reads_consultant_client_counts on app.consultant_client_counts for select to nakksha_app
  using (consultant_id = any ((select app.readable_consultants(true))::uuid[]));
drop policy consultant_reads_own_consultant_client_counts on app.consultant_client_counts;
drop policy admin_reads_consultant_client_counts on app.consultant_client_counts;
create policy tenant_reads_clients on app.clients for select to nakksha_app
  using (consultant_id = any ((select app.readable_consultants(true))::uuid[]));
drop policy consultant_reads_own_clients on app.clients;
drop policy admin_reads_clients on app.clients;
create policy tenant_reads_calendar_events on app.calendar_events for select to nakksha_app
  using (consultant_id = any ((select app.readable_consultants(true))::uuid[]));
drop policy consultant_reads_own_calendar_events on app.calendar_events;
drop policy admin_reads_calendar_events on app.calendar_events;
create policy tenant_reads_calendar_connections on app.calendar_connections for select to nakksha_app
  using (consultant_id = any ((select app.readable_consultants(false))::uuid[]));
drop policy consultant_reads_own_calendar_connections on app.calendar_connections;
drop policy admin_reads_calendar_connections on app.calendar_connections;
create policy tenant_reads_availability_slots on app.availability_slots for select to nakksha_app
  using (consultant_id = any ((select app.readable_consultants(false))::uuid[]));
drop policy consultant_reads_own_availability_slots on app.availability_slots;
drop policy admin_reads_availability_slots on app.availability_slots;
create policy tenant_reads_availability_slot_exclusions on app.availability_slot_exclusions for select to nakksha_app
  using (consultant_id = any ((select app.readable_consultants(false))::uuid[]));
drop policy consultant_reads_own_availability_slot_exclusions on app.availability_slot_exclusions;
drop policy admin_reads_availability_slot_exclusions on app.availability_slot_exclusions;
create policy tenant_reads_availability_rules on app.availability_rules for select to nakksha_app
  using (consultant_id = any ((select app.readable_consultants(false))::uuid[]));
drop policy consultant_reads_own_availability_rules on app.availability_rules;
drop policy admin_reads_availability_rules on app.availability_rules;
create policy tenant_reads_availability_blocks on app.availability_blocks for select to nakksha_app
  using (consultant_id = any ((select app.readable_consultants(false))::uuid[]));
drop policy consultant_reads_own_availability_blocks on app.availability_blocks;
drop policy admin_reads_availability_blocks on app.availability_blocks;
