-- db/migrations/20261205070000_describe_recipient_mail_limit.sql — the per-recipient mail limit counts every mail an anonymous visitor causes, not only confirmations: its description says so.

-- migrate:up
-- Free bookings' confirmations and reminders and moves through the manage link all count against it
-- (app_private.count_recipient_mail); the admin settings page shows this description.
update app.platform_settings
set description = 'Booking emails one email address may receive per day from anonymous visitors: free bookings'' confirmations and reminders, moves through the manage link (no one can mail-bomb a stranger).'
where key = 'booking_emails_per_recipient_per_day';

-- migrate:down
update app.platform_settings
set description = 'Booking confirmations one email address may receive per day (a free booking cannot mail-bomb a stranger).'
where key = 'booking_emails_per_recipient_per_day';

-- Test: pytest tests/jobs/test_anonymous_mail.py tests/meta/test_migrations.py
