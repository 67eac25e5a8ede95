-- db/migrations/20261205130200_keep_credentials_from_the_worker.sql — the worker role reads a consultant's row without the password hash, the token epoch or the bank details.
-- 20261205130000 granted it select on the whole of app.consultants; with its `using (true)` policy that let the
-- worker read every consultant's password hash and token epoch (an outside review found it): what it needs are
-- names, addresses, zones, horizons and preferences, for mails, slots and calendars. A column grant leaves out
-- the credentials and the bank details (no job pays out yet).

-- migrate:up
revoke select on app.consultants from nakksha_worker;
grant select (id, email, first_name, last_name, phone_country_code, phone_number, consultancy_sector, bank_name,
  personal_session_title, webinar_session_title, description, experience_months, personal_session_price,
  webinar_session_price, currency, instagram_url, linkedin_url, twitter_url, profile_photo_url, slug, timezone,
  is_active, is_email_verified, email_verified_at, subscription_plan, subscription_expires_at, approval_status,
  approved_at, approved_by, rejection_reason, min_notice_minutes, max_days_ahead, buffer_minutes, hold_minutes,
  cancellation_policy, default_meeting_platform, zoom_link, meet_link, teams_link, notification_preferences,
  last_login_at, deleted_at, created_at, updated_at) on app.consultants to nakksha_worker;

-- migrate:down
revoke select on app.consultants from nakksha_worker;
grant select on app.consultants to nakksha_worker;
