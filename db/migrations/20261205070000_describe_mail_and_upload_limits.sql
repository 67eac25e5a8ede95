-- db/migrations/20261205070000_describe_mail_and_upload_limits.sql — two limits now count more than their first descriptions said: every mail an anonymous visitor causes, every image upload.

-- migrate:up
-- Free bookings' confirmations and reminders and moves through the manage link all count against it
-- (app_private.count_recipient_mail); the admin settings page shows this description.
update app.platform_settings
set description = 'Booking emails one email address may receive per day from anonymous visitors: free bookings'' confirmations and reminders, moves through the manage link (no one can mail-bomb a stranger).'
where key = 'booking_emails_per_recipient_per_day';
-- Quotation images count against the same per-account budget as profile photos.
update app.platform_settings
set description = 'Image uploads one account may make per hour: profile photos and quotation images together.'
where key = 'photo_uploads_per_hour';

-- migrate:down
update app.platform_settings set description = 'Photo uploads one account may make per hour.'
where key = 'photo_uploads_per_hour';
update app.platform_settings
set description = 'Booking confirmations one email address may receive per day (a free booking cannot mail-bomb a stranger).'
where key = 'booking_emails_per_recipient_per_day';

-- Test: pytest tests/jobs/test_anonymous_mail.py tests/meta/test_migrations.py
