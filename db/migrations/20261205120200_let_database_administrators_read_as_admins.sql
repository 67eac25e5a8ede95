-- db/migrations/20261205120200_let_database_administrators_read_as_admins.sql — a database administrator (nakksha_admin, in psql) reads the consultants, admins and audit log the admin functions show, under the admins' policies, and nothing else of the app's.
-- 20261205120100 made nakksha_admin a member of nakksha_app_admin for this, which gave psql administrators every
-- grant of the app role (credentials look-ups, sessions, webhooks, the job queue) outside the audit log. They hold
-- only these grants now (nakksha migrate revokes the membership): the columns the admin functions show, no bank
-- details, no password or token.

-- migrate:up
grant select (id, email, first_name, last_name, phone_country_code, phone_number, consultancy_sector,
              personal_session_title, webinar_session_title,
              description, experience_months, personal_session_price, webinar_session_price, currency, instagram_url,
              linkedin_url, twitter_url, profile_photo_url, slug, timezone, is_active, is_email_verified,
              email_verified_at, subscription_plan, subscription_expires_at, approval_status, approved_at, approved_by,
              rejection_reason, min_notice_minutes, max_days_ahead, buffer_minutes, hold_minutes, cancellation_policy,
              default_meeting_platform, zoom_link, meet_link, teams_link, notification_preferences, last_login_at,
              deleted_at, created_at, updated_at) on app.consultants to nakksha_admin;
grant select (id, role, created_at, updated_at, last_login_at, is_active, name, email, created_by) on app.admins
  to nakksha_admin;
grant select on app.admin_audit_log to nakksha_admin;
alter policy admin_reads_consultants on app.consultants to nakksha_app_admin, nakksha_admin;
alter policy admin_reads_admins on app.admins to nakksha_app_admin, nakksha_admin;
alter policy admin_reads_audit_log on app.admin_audit_log to nakksha_app_admin, nakksha_admin;

-- migrate:down
alter policy admin_reads_audit_log on app.admin_audit_log to nakksha_app_admin;
alter policy admin_reads_admins on app.admins to nakksha_app_admin;
alter policy admin_reads_consultants on app.consultants to nakksha_app_admin;
revoke select on app.admin_audit_log from nakksha_admin;
revoke select (id, role, created_at, updated_at, last_login_at, is_active, name, email, created_by) on app.admins
  from nakksha_admin;
revoke select (id, email, first_name, last_name, phone_country_code, phone_number, consultancy_sector,
               personal_session_title, webinar_session_title,
               description, experience_months, personal_session_price, webinar_session_price, currency, instagram_url,
               linkedin_url, twitter_url, profile_photo_url, slug, timezone, is_active, is_email_verified,
               email_verified_at, subscription_plan, subscription_expires_at, approval_status, approved_at, approved_by,
               rejection_reason, min_notice_minutes, max_days_ahead, buffer_minutes, hold_minutes, cancellation_policy,
               default_meeting_platform, zoom_link, meet_link, teams_link, notification_preferences, last_login_at,
               deleted_at, created_at, updated_at) on app.consultants from nakksha_admin;
