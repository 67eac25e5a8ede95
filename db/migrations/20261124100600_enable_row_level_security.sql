-- db/migrations/20261124100600_enable_row_level_security.sql — RLS on every app table, the policies that bind the app role, and its grants.
-- The app role owns nothing, so these policies always apply to it. Identity is read once per statement
-- through (select helper()). Tables without a policy for a role are invisible to it: auth tokens, the
-- outbox and webhook events are reached only through security definer functions.

-- migrate:up
-- Approval gate in the database: dashboard data (sessions, clients, quotations, payments, analytics) is
-- visible to a consultant only while approved, so a route that forgets the check still leaks nothing.
create function app.current_approved_consultant_id() returns uuid
language sql stable security definer
set search_path = ''
as $$
  select c.id from app.consultants c
  where c.id = app.current_consultant_id() and c.approval_status = 'approved' and c.deleted_at is null
$$;
comment on function app.current_approved_consultant_id() is 'The calling consultant if approved and not deleted, else NULL.';

create function app.current_admin_is_active() returns boolean
language sql stable security definer
set search_path = ''
as $$
  select exists (select 1 from app.admins a where a.id = app.current_admin_id() and a.is_active)
$$;
comment on function app.current_admin_is_active() is 'True when the transaction acts for an active admin.';

revoke execute on function app.current_approved_consultant_id(), app.current_admin_is_active() from public;
grant execute on function app.current_approved_consultant_id(), app.current_admin_is_active() to nakksha_app, nakksha_admin;

alter table app.admins enable row level security;
alter table app.consultants enable row level security;
alter table app.refresh_token_families enable row level security;
alter table app.refresh_tokens enable row level security;
alter table app.one_time_tokens enable row level security;
alter table app.availability_rules enable row level security;
alter table app.availability_blocks enable row level security;
alter table app.availability_slots enable row level security;
alter table app.clients enable row level security;
alter table app.sessions enable row level security;
alter table app.quotations enable row level security;
alter table app.payment_transactions enable row level security;
alter table app.payment_refunds enable row level security;
alter table app.email_logs enable row level security;
alter table app.email_outbox enable row level security;
alter table app.email_templates enable row level security;
alter table app.webhook_events enable row level security;
alter table app.platform_settings enable row level security;
alter table app.admin_audit_log enable row level security;
alter table app.daily_analytics enable row level security;
alter table app.materialized_view_versions enable row level security;

-- Admins: visible to active admins only.
create policy admin_reads_admins on app.admins for select to nakksha_app
  using ((select app.current_admin_is_active()));

-- Consultants: their own row (readable and editable while pending too); admins read all.
create policy consultant_reads_own_row on app.consultants for select to nakksha_app
  using (id = (select app.current_consultant_id()));
create policy consultant_updates_own_row on app.consultants for update to nakksha_app
  using (id = (select app.current_consultant_id()))
  with check (id = (select app.current_consultant_id()));
create policy admin_reads_consultants on app.consultants for select to nakksha_app
  using ((select app.current_admin_is_active()));

-- Availability: the consultant's own, editable while pending (they prepare before approval).
create policy consultant_manages_own_availability_rules on app.availability_rules for all to nakksha_app
  using (consultant_id = (select app.current_consultant_id()))
  with check (consultant_id = (select app.current_consultant_id()));
create policy admin_reads_availability_rules on app.availability_rules for select to nakksha_app
  using ((select app.current_admin_is_active()));
create policy consultant_manages_own_availability_blocks on app.availability_blocks for all to nakksha_app
  using (consultant_id = (select app.current_consultant_id()))
  with check (consultant_id = (select app.current_consultant_id()));
create policy admin_reads_availability_blocks on app.availability_blocks for select to nakksha_app
  using ((select app.current_admin_is_active()));
create policy consultant_manages_own_availability_slots on app.availability_slots for all to nakksha_app
  using (consultant_id = (select app.current_consultant_id()))
  with check (consultant_id = (select app.current_consultant_id()));
create policy admin_reads_availability_slots on app.availability_slots for select to nakksha_app
  using ((select app.current_admin_is_active()));

-- Dashboard data: the approved consultant's own; admins read all.
create policy consultant_manages_own_clients on app.clients for all to nakksha_app
  using (consultant_id = (select app.current_approved_consultant_id()))
  with check (consultant_id = (select app.current_approved_consultant_id()));
create policy admin_reads_clients on app.clients for select to nakksha_app
  using ((select app.current_admin_is_active()));
create policy consultant_manages_own_sessions on app.sessions for all to nakksha_app
  using (consultant_id = (select app.current_approved_consultant_id()))
  with check (consultant_id = (select app.current_approved_consultant_id()));
create policy admin_reads_sessions on app.sessions for select to nakksha_app
  using ((select app.current_admin_is_active()));
create policy consultant_manages_own_quotations on app.quotations for all to nakksha_app
  using (consultant_id = (select app.current_approved_consultant_id()))
  with check (consultant_id = (select app.current_approved_consultant_id()));
create policy admin_reads_quotations on app.quotations for select to nakksha_app
  using ((select app.current_admin_is_active()));
create policy consultant_reads_own_payment_transactions on app.payment_transactions for select to nakksha_app
  using (consultant_id = (select app.current_approved_consultant_id()));
create policy admin_reads_payment_transactions on app.payment_transactions for select to nakksha_app
  using ((select app.current_admin_is_active()));
create policy consultant_reads_own_payment_refunds on app.payment_refunds for select to nakksha_app
  using (consultant_id = (select app.current_approved_consultant_id()));
create policy admin_reads_payment_refunds on app.payment_refunds for select to nakksha_app
  using ((select app.current_admin_is_active()));
create policy consultant_reads_own_daily_analytics on app.daily_analytics for select to nakksha_app
  using (consultant_id = (select app.current_approved_consultant_id()));
create policy admin_reads_daily_analytics on app.daily_analytics for select to nakksha_app
  using ((select app.current_admin_is_active()));
create policy consultant_reads_own_email_logs on app.email_logs for select to nakksha_app
  using (consultant_id = (select app.current_approved_consultant_id()));
create policy admin_reads_email_logs on app.email_logs for select to nakksha_app
  using ((select app.current_admin_is_active()));

-- Platform-level tables.
create policy admin_reads_email_templates on app.email_templates for select to nakksha_app
  using ((select app.current_admin_is_active()));
create policy admin_reads_webhook_events on app.webhook_events for select to nakksha_app
  using ((select app.current_admin_is_active()));
create policy anyone_reads_platform_settings on app.platform_settings for select to nakksha_app
  using (true);
create policy admin_reads_audit_log on app.admin_audit_log for select to nakksha_app
  using ((select app.current_admin_is_active()));

-- Grants come after the policies. Writes to money, tokens, audit and status machinery go through
-- security definer functions; the app role writes directly only what a consultant edits.
grant select on app.admins, app.consultants, app.availability_rules, app.availability_blocks, app.availability_slots,
  app.clients, app.sessions, app.quotations, app.payment_transactions, app.payment_refunds, app.daily_analytics,
  app.email_logs, app.email_templates, app.webhook_events, app.platform_settings, app.admin_audit_log
  to nakksha_app;
grant update (first_name, last_name, phone_country_code, phone_number, consultancy_sector, personal_session_title,
  webinar_session_title, description, experience_months, personal_session_price, webinar_session_price,
  instagram_url, linkedin_url, twitter_url, timezone, min_notice_minutes, max_days_ahead, buffer_minutes,
  cancellation_policy, default_meeting_platform, zoom_link, meet_link, teams_link, notification_preferences)
  on app.consultants to nakksha_app;
grant insert (consultant_id, session_type, weekday, start_time, end_time, slot_minutes, capacity, is_active,
  valid_from, valid_until), update (session_type, weekday, start_time, end_time, slot_minutes, capacity,
  is_active, valid_from, valid_until), delete on app.availability_rules to nakksha_app;
grant insert (consultant_id, starts_at, ends_at, reason), delete on app.availability_blocks to nakksha_app;
grant insert (consultant_id, session_type, starts_at, ends_at, capacity, is_available, source, rule_id),
  update (starts_at, ends_at, capacity, is_available), delete on app.availability_slots to nakksha_app;
grant insert (consultant_id, name, email, phone_encrypted, phone_hash, notes, is_active),
  update (name, email, phone_encrypted, phone_hash, notes, is_active) on app.clients to nakksha_app;
grant update (notes, consultant_notes, meeting_platform, meeting_link, meeting_id, meeting_password)
  on app.sessions to nakksha_app;
grant insert (consultant_id, client_id, client_name, client_email, quotation_name, description, base_amount,
  discount_percentage, currency, validity_period, expires_at, notes, quotation_image_url),
  update (client_id, client_name, client_email, quotation_name, description, base_amount, discount_percentage,
  currency, validity_period, expires_at, notes, quotation_image_url), delete on app.quotations to nakksha_app;

-- migrate:down
revoke all on all tables in schema app from nakksha_app;
do $$
declare
  r record;
begin
  for r in select policyname, tablename from pg_policies where schemaname = 'app' loop
    execute format('drop policy %I on app.%I', r.policyname, r.tablename);
  end loop;
  for r in select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
           where n.nspname = 'app' and c.relkind = 'r' loop
    execute format('alter table app.%I disable row level security', r.relname);
  end loop;
end;
$$;
drop function app.current_admin_is_active(), app.current_approved_consultant_id();
