-- db/migrations/20261205010000_add_abuse_limit_settings.sql — platform settings bounding what one account, address or IP may ask for.

-- migrate:up
-- The limits added after the outside attack of issue 16. Each is a whole number a super admin may change on
-- the settings page, within the range app_private.setting_bounds() gives; the defaults are generous for
-- people (many Indian clients share a carrier-grade NAT address) and tight for scripts.
insert into app.platform_settings (key, value, description) values
  ('min_slot_minutes', '15', 'Shortest slot (minutes) a weekly availability rule may offer.'),
  ('max_future_slots', '20000', 'Most future slots one consultant''s rules and one-off slots may create.'),
  ('public_bookings_per_ip_per_hour', '30', 'Public bookings one IP address may make per hour, across all pages.'),
  ('public_bookings_per_email_per_hour', '10', 'Public bookings one client email may make per hour, across all pages.'),
  ('booking_emails_per_recipient_per_day', '10', 'Booking confirmations one email address may receive per day (a free booking cannot mail-bomb a stranger).'),
  ('unpaid_holds_per_email', '2', 'Unpaid holds one client email may keep open at a time on one consultant''s page.'),
  ('unpaid_holds_per_ip', '5', 'Unpaid holds one IP address may keep open at a time on one consultant''s page.'),
  ('photo_uploads_per_hour', '20', 'Photo uploads one account may make per hour.'),
  ('login_failures_per_account_ip', '10', 'Failed sign-ins to one account from one IP address per 15 minutes before that address must wait.'),
  ('login_failures_per_ip', '50', 'Failed sign-ins from one IP address per 15 minutes, to any account.'),
  ('login_failures_per_account', '200', 'Failed sign-ins to one account per hour from all addresses together (a ceiling against distributed guessing).')
on conflict (key) do nothing;

-- migrate:down
delete from app.platform_settings where key in ('min_slot_minutes', 'max_future_slots',
  'public_bookings_per_ip_per_hour', 'public_bookings_per_email_per_hour', 'booking_emails_per_recipient_per_day',
  'unpaid_holds_per_email', 'unpaid_holds_per_ip', 'photo_uploads_per_hour', 'login_failures_per_account_ip',
  'login_failures_per_ip', 'login_failures_per_account');

-- Test: pytest tests/db/test_limit_settings.py tests/meta/test_migrations.py
