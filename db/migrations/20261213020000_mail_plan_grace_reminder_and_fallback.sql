-- db/migrations/20261213020000_mail_plan_grace_reminder_and_fallback.sql — a failed renewal's two later mails (issue 22): a reminder a few days before the grace ends and a notice when the plan has fallen back.
-- migrate:up
-- The sweep (api.worker_queue_plan_grace_mails, db/functions/subscription_grace_mails.sql) mails each once per
-- paid_until: a charge recorded moves paid_until on, so neither goes for a period that was paid. The unpaid invoice's
-- Razorpay link is kept from the fetch that saw it, for the reminder's Pay now (the sweep has no invoices).
alter table app.subscriptions
  add column unpaid_invoice_url text,
  add column grace_reminder_for timestamptz,
  add column fallback_notice_for timestamptz,
  add constraint subscriptions_unpaid_invoice_url_https check (unpaid_invoice_url ~ '^https://');
comment on column app.subscriptions.unpaid_invoice_url is 'Razorpay''s link to pay the latest unpaid invoice, as last fetched (NULL when none is unpaid or it has no link): the Pay now of the failure mails.';
comment on column app.subscriptions.grace_reminder_for is 'The paid_until whose grace-ending reminder was mailed (once per paid_until).';
comment on column app.subscriptions.fallback_notice_for is 'The paid_until whose fall-back notice was mailed (once per paid_until).';

-- The sweep reads only subscriptions whose renewal failed.
create index subscriptions_unpaid_idx on app.subscriptions (paid_until)
  where status in ('pending', 'halted') and replaced_at is null;

insert into app.platform_settings (key, value, description) values
  ('subscription_grace_reminder_days', '3', 'Days before a failed renewal''s grace ends (subscription_grace_days after the paid period) that the consultant is reminded to pay; 0: no reminder. Only when shorter than the grace (docs/payments.md "Billing as built").')
on conflict (key) do nothing;

-- migrate:down
delete from app.platform_settings where key = 'subscription_grace_reminder_days';
drop index app.subscriptions_unpaid_idx;
alter table app.subscriptions drop constraint subscriptions_unpaid_invoice_url_https,
  drop column unpaid_invoice_url, drop column grace_reminder_for, drop column fallback_notice_for;

-- Test: pytest tests/db/test_plan_grace_mails.py tests/meta/test_migrations.py
