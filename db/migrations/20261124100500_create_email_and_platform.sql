-- db/migrations/20261124100500_create_email_and_platform.sql — email logs and outbox, templates, webhooks, settings, audit log, daily analytics.

-- migrate:up
create table app.email_logs (
  id uuid primary key default gen_random_uuid(),
  consultant_id uuid,
  admin_id uuid,
  client_id uuid,
  session_id uuid,
  quotation_id uuid,
  email_type text not null,
  recipient_email public.citext not null,
  recipient_name text,
  subject text,
  template_data jsonb not null default '{}',
  status text not null default 'queued',
  provider text,
  external_id text,
  error_message text,
  attempts integer not null default 0,
  idempotency_key text not null default gen_random_uuid()::text,
  queued_at timestamptz not null default now(),
  sent_at timestamptz,
  delivered_at timestamptz,
  bounced_at timestamptz,
  failed_at timestamptz,
  updated_at timestamptz not null default now(),
  constraint email_logs_idempotency_key_key unique (idempotency_key),
  constraint email_logs_email_type_format check (email_type ~ '^[a-z][a-z_]{1,62}$'),
  constraint email_logs_recipient_email_format check (recipient_email::text ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$'),
  constraint email_logs_status_valid check (status in ('queued', 'sent', 'delivered', 'bounced', 'complained', 'failed')),
  constraint email_logs_attempts_range check (attempts >= 0),
  constraint email_logs_template_data_shape check (jsonb_typeof(template_data) = 'object'),
  constraint email_logs_sent_has_time check (status not in ('sent', 'delivered', 'bounced', 'complained') or sent_at is not null),
  constraint email_logs_failed_has_reason check (status <> 'failed' or error_message is not null),
  constraint email_logs_consultant_id_fkey foreign key (consultant_id) references app.consultants (id) on delete set null,
  constraint email_logs_admin_id_fkey foreign key (admin_id) references app.admins (id) on delete set null,
  constraint email_logs_client_id_fkey foreign key (client_id) references app.clients (id) on delete set null,
  constraint email_logs_session_id_fkey foreign key (session_id) references app.sessions (id) on delete set null,
  constraint email_logs_quotation_id_fkey foreign key (quotation_id) references app.quotations (id) on delete set null
);
comment on table app.email_logs is 'Every email the product sends: queued -> sent -> delivered | bounced | failed, with provider ids and errors.';
create index email_logs_consultant_idx on app.email_logs (consultant_id, queued_at) where consultant_id is not null;
create index email_logs_status_idx on app.email_logs (status, queued_at);
create trigger email_logs_touch_updated_at before update on app.email_logs
  for each row execute function app.touch_updated_at();

-- The local email adapter's mailbox (development and tests): what would have been sent.
create table app.email_outbox (
  id uuid primary key default gen_random_uuid(),
  email_log_id uuid not null,
  idempotency_key text not null,
  to_email public.citext not null,
  to_name text,
  subject text not null,
  html_body text not null,
  text_body text not null,
  attachments jsonb not null default '[]',
  created_at timestamptz not null default now(),
  constraint email_outbox_idempotency_key_key unique (idempotency_key),
  constraint email_outbox_attachments_shape check (jsonb_typeof(attachments) = 'array'),
  constraint email_outbox_email_log_id_fkey foreign key (email_log_id) references app.email_logs (id) on delete cascade
);
comment on table app.email_outbox is 'Messages "sent" by the local email adapter; one per idempotency key, viewable at /dev/outbox.';
create index email_outbox_created_idx on app.email_outbox (created_at desc);

create table app.email_templates (
  email_type text primary key,
  subject text not null,
  html_body text not null,
  text_body text not null,
  updated_by uuid,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint email_templates_email_type_format check (email_type ~ '^[a-z][a-z_]{1,62}$'),
  constraint email_templates_subject_length check (length(subject) between 1 and 500),
  constraint email_templates_body_length check (length(html_body) <= 200000 and length(text_body) <= 200000),
  constraint email_templates_updated_by_fkey foreign key (updated_by) references app.admins (id) on delete set null
);
comment on table app.email_templates is 'Super admins'' overrides of the built-in email templates, by email type.';
create trigger email_templates_touch_updated_at before update on app.email_templates
  for each row execute function app.touch_updated_at();

create table app.webhook_events (
  id uuid primary key default gen_random_uuid(),
  provider text not null,
  event_id text not null,
  event_type text not null,
  payload jsonb not null,
  received_at timestamptz not null default now(),
  processed_at timestamptz,
  processing_error text,
  constraint webhook_events_provider_event_key unique (provider, event_id),
  constraint webhook_events_provider_valid check (provider in ('razorpay', 'resend', 'local')),
  constraint webhook_events_event_id_length check (length(event_id) between 1 and 200)
);
comment on table app.webhook_events is 'Provider webhook deliveries, unique by (provider, event_id): a replay is recognised and does nothing.';

create table app.platform_settings (
  key text primary key,
  value jsonb not null,
  description text,
  updated_by uuid,
  updated_at timestamptz not null default now(),
  constraint platform_settings_key_format check (key ~ '^[a-z][a-z0-9_.]{1,62}$'),
  constraint platform_settings_updated_by_fkey foreign key (updated_by) references app.admins (id) on delete set null
);
comment on table app.platform_settings is 'Platform configuration edited by super admins (hold minutes, booking horizon, plans...).';
create trigger platform_settings_touch_updated_at before update on app.platform_settings
  for each row execute function app.touch_updated_at();

insert into app.platform_settings (key, value, description) values
  ('platform_name', '"Nakksha"', 'Name shown in pages and emails.'),
  ('support_email', '"support@nakksha.in"', 'Where users can write to.'),
  ('default_hold_minutes', '15', 'Minutes a pending paid booking holds its slot.'),
  ('booking_horizon_days', '60', 'How far ahead slots are materialised.'),
  ('plans', '[{"code": "free", "name": "Free", "price_monthly": 0}, {"code": "basic", "name": "Basic", "price_monthly": 499}, {"code": "pro", "name": "Pro", "price_monthly": 1499}, {"code": "enterprise", "name": "Enterprise", "price_monthly": 4999}]', 'Subscription plans, prices in INR per month.');

-- Append-only record of administrative actions, from the admin pages or from psql.
create table app.admin_audit_log (
  id bigint generated always as identity primary key,
  admin_id uuid,
  db_user text not null default session_user,
  actor_label text,
  action text not null,
  target_type text,
  target_id uuid,
  details jsonb not null default '{}',
  created_at timestamptz not null default now(),
  constraint admin_audit_log_action_format check (action ~ '^[a-z][a-z_.]{1,80}$'),
  constraint admin_audit_log_details_shape check (jsonb_typeof(details) = 'object'),
  constraint admin_audit_log_admin_id_fkey foreign key (admin_id) references app.admins (id) on delete set null
);
comment on table app.admin_audit_log is 'Who did what to whom: the acting admin (or the command line), the database login, the action and its target.';
create index admin_audit_log_target_idx on app.admin_audit_log (target_type, target_id, created_at);

create function app.forbid_audit_change() returns trigger
language plpgsql
as $$
begin
  raise exception using errcode = 'NK403', message = 'audit_log_append_only',
    detail = 'The admin audit log cannot be changed or deleted.';
end;
$$;
comment on function app.forbid_audit_change() is 'Trigger: the audit log is append-only.';
create trigger admin_audit_log_append_only before update or delete on app.admin_audit_log
  for each row execute function app.forbid_audit_change();

create table app.daily_analytics (
  consultant_id uuid not null,
  date date not null,
  total_sessions integer not null default 0,
  completed_sessions integer not null default 0,
  cancelled_sessions integer not null default 0,
  abandoned_sessions integer not null default 0,
  no_show_sessions integer not null default 0,
  total_revenue numeric(12, 2) not null default 0,
  refunded_amount numeric(12, 2) not null default 0,
  personal_revenue numeric(12, 2) not null default 0,
  webinar_revenue numeric(12, 2) not null default 0,
  new_clients integer not null default 0,
  returning_clients integer not null default 0,
  quotations_sent integer not null default 0,
  quotations_accepted integer not null default 0,
  updated_at timestamptz not null default now(),
  constraint daily_analytics_pkey primary key (consultant_id, date),
  constraint daily_analytics_counts_range check (total_sessions >= 0 and completed_sessions >= 0 and cancelled_sessions >= 0
    and abandoned_sessions >= 0 and no_show_sessions >= 0 and new_clients >= 0 and returning_clients >= 0
    and quotations_sent >= 0 and quotations_accepted >= 0),
  constraint daily_analytics_money_range check (refunded_amount >= 0),
  constraint daily_analytics_consultant_id_fkey foreign key (consultant_id) references app.consultants (id) on delete cascade
);
comment on table app.daily_analytics is 'Per consultant and local day: sessions by outcome, money received and refunded, clients, quotations.';

-- Materialized views are code (db/views/materialized/); this records which definition each was built from,
-- so `nakksha migrate` rebuilds one only when its file changed.
create table app.materialized_view_versions (
  view_name text primary key,
  definition_sha256 text not null,
  applied_at timestamptz not null default now()
);
comment on table app.materialized_view_versions is 'Definition hash of each managed materialized view (maintained by nakksha migrate).';

-- migrate:down
drop table app.materialized_view_versions, app.daily_analytics, app.admin_audit_log, app.platform_settings,
  app.webhook_events, app.email_templates, app.email_outbox, app.email_logs;
drop function app.forbid_audit_change();
