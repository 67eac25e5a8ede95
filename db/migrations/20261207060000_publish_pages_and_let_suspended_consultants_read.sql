-- db/migrations/20261207060000_publish_pages_and_let_suspended_consultants_read.sql — a page is public once its consultant publishes it (approval alone no longer does); a suspended consultant reads their own data.
-- Approval opened the public page at once, with ₹0.00 prices and no bio. Now the page goes live when the
-- consultant publishes it, which api.publish_my_page allows once the setup checklist (app.setup_checklist,
-- db/functions/app/publishing.sql) is complete. Every approved consultant whose checklist is already complete
-- is marked published here, so no live page goes dark; the others publish from their dashboard.
-- A suspended consultant keeps read-only access to their sessions, clients and the rest of their records: the
-- tenant read policies that let only approved consultants read now also let a suspended one read
-- (app.current_reading_consultant_id); every write policy still names approved consultants only.

-- migrate:up
alter table app.consultants add column published_at timestamptz;
comment on column app.consultants.published_at is 'When the consultant published their page (NULL: not public). Set by api.publish_my_page once the setup checklist is complete, cleared by api.unpublish_my_page.';
alter table app.consultants add constraint consultants_published_only_when_approved_once
  check (published_at is null or approved_at is not null);

grant select (published_at) on app.consultants to nakksha_app, nakksha_admin, nakksha_worker;
grant update (published_at) on app.consultants to nakksha_app;
create trigger consultants_guard_publication before update of published_at on app.consultants
  for each row execute function app.guard_publication();

update app.consultants c set published_at = coalesce(c.approved_at, now())
where c.approval_status = 'approved' and c.deleted_at is null
  and cardinality(app.setup_missing(c.id)) = 0;

alter policy consultant_reads_own_calendar_events on app.calendar_events
  using (consultant_id = (select app.current_reading_consultant_id()));
alter policy consultant_reads_own_clients on app.clients
  using (consultant_id = (select app.current_reading_consultant_id()));
alter policy consultant_reads_own_consultant_client_counts on app.consultant_client_counts
  using (consultant_id = (select app.current_reading_consultant_id()));
alter policy consultant_reads_own_daily_analytics on app.daily_analytics
  using (consultant_id = (select app.current_reading_consultant_id()));
alter policy consultant_reads_own_email_logs on app.email_logs
  using (consultant_id = (select app.current_reading_consultant_id()));
alter policy consultant_reads_own_payment_refunds on app.payment_refunds
  using (consultant_id = (select app.current_reading_consultant_id()));
alter policy consultant_reads_own_payment_transactions on app.payment_transactions
  using (consultant_id = (select app.current_reading_consultant_id()));
alter policy consultant_reads_own_quotation_views on app.quotation_views
  using (consultant_id = (select app.current_reading_consultant_id()));
alter policy consultant_reads_own_quotations on app.quotations
  using (consultant_id = (select app.current_reading_consultant_id()));
alter policy consultant_reads_own_sessions on app.sessions
  using (consultant_id = (select app.current_reading_consultant_id()));

-- migrate:down
alter policy consultant_reads_own_calendar_events on app.calendar_events
  using (consultant_id = (select app.current_approved_consultant_id()));
alter policy consultant_reads_own_clients on app.clients
  using (consultant_id = (select app.current_approved_consultant_id()));
alter policy consultant_reads_own_consultant_client_counts on app.consultant_client_counts
  using (consultant_id = (select app.current_approved_consultant_id()));
alter policy consultant_reads_own_daily_analytics on app.daily_analytics
  using (consultant_id = (select app.current_approved_consultant_id()));
alter policy consultant_reads_own_email_logs on app.email_logs
  using (consultant_id = (select app.current_approved_consultant_id()));
alter policy consultant_reads_own_payment_refunds on app.payment_refunds
  using (consultant_id = (select app.current_approved_consultant_id()));
alter policy consultant_reads_own_payment_transactions on app.payment_transactions
  using (consultant_id = (select app.current_approved_consultant_id()));
alter policy consultant_reads_own_quotation_views on app.quotation_views
  using (consultant_id = (select app.current_approved_consultant_id()));
alter policy consultant_reads_own_quotations on app.quotations
  using (consultant_id = (select app.current_approved_consultant_id()));
alter policy consultant_reads_own_sessions on app.sessions
  using (consultant_id = (select app.current_approved_consultant_id()));
drop trigger consultants_guard_publication on app.consultants;
alter table app.consultants drop constraint consultants_published_only_when_approved_once;
alter table app.consultants drop column published_at;

-- Test: pytest tests/db/test_publishing.py tests/db/test_suspension.py tests/meta/test_migrations.py
