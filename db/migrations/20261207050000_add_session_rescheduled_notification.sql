-- db/migrations/20261207050000_add_session_rescheduled_notification.sql — consultants choose whether to be emailed when a client moves a session (on by default).
-- The preference lives with the others in consultants.notification_preferences (a missing key already reads as
-- on in app_private.queue_session_emails); the default and every existing row state it, so the settings page and
-- the API show it like its neighbours.

-- migrate:up
alter table app.consultants alter column notification_preferences set default
  '{"session_booked": true, "quotation_viewed": true, "session_cancelled": true, "quotation_responded": true, "session_rescheduled": true}'::jsonb;
update app.consultants set notification_preferences = notification_preferences || '{"session_rescheduled": true}'::jsonb
where not notification_preferences ? 'session_rescheduled';

-- migrate:down
update app.consultants set notification_preferences = notification_preferences - 'session_rescheduled';
alter table app.consultants alter column notification_preferences set default
  '{"session_booked": true, "quotation_viewed": true, "session_cancelled": true, "quotation_responded": true}'::jsonb;

-- Test: pytest tests/jobs/test_session_mail_events.py tests/meta/
