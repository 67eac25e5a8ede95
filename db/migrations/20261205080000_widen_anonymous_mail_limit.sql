-- db/migrations/20261205080000_widen_anonymous_mail_limit.sql — the per-mailbox daily cap now counts the account mails anyone can ask for with a typed address (verification at signup and resend, password resets), not only booking mails.

-- migrate:up
-- One cap, not a second setting: every mail an anonymous visitor can make the platform send to an address they
-- typed counts against it (app_private.count_recipient_mail, app_private.take_recipient_mail); the admin settings
-- page shows this description.
update app.platform_settings
set description = 'Mails anonymous visitors may cause one address to receive per day: verification at signup and on resend, password resets, free bookings'' confirmations and reminders, moves through the manage link (no one can mail-bomb a stranger).'
where key = 'booking_emails_per_recipient_per_day';

-- migrate:down
update app.platform_settings
set description = 'Booking emails one email address may receive per day from anonymous visitors: free bookings'' confirmations and reminders, moves through the manage link (no one can mail-bomb a stranger).'
where key = 'booking_emails_per_recipient_per_day';

-- Test: pytest tests/jobs/test_account_mail.py tests/meta/test_migrations.py
