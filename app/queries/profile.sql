-- app/queries/profile.sql — a consultant's own account (db/functions/profile.sql).

-- name: update_my_profile(patch)$
-- Change profile and settings (only the fields sent).
select api.update_my_profile(:patch);

-- name: my_reminder_schedule()$
-- Your client reminder schedule: the one saved, the one in force, the platform's, and whether your plan includes your own.
select api.my_reminder_schedule();

-- name: set_my_reminder_schedule(minutes_before)$
-- Save your client reminder schedule (minutes before the start; null: the platform's); 403 plan_limit without custom_reminders.
select api.set_my_reminder_schedule(:minutes_before);

-- name: set_my_bank_details(bank_name, account_number_encrypted, ifsc_code_encrypted)$
-- Set bank details (stored encrypted; always answered masked).
select api.set_my_bank_details(:bank_name, :account_number_encrypted, :ifsc_code_encrypted);

-- name: set_my_photo(url)$
-- Set the profile photo URL.
select api.set_my_photo(:url);

-- name: export_my_data()$
-- Everything held about the consultant, as JSON (data portability); needs the current password (403 wrong_password).
select api.export_my_data();

-- name: my_page_status()$
-- The caller's page: published or not, and the setup checklist with what is missing.
select api.my_page_status();

-- name: publish_my_page()$
-- Publish the caller's page (approved, every step of the setup checklist done: else 409 setup_incomplete listing what is missing).
select api.publish_my_page();

-- name: unpublish_my_page()$
-- Take the caller's page down: its public page, slots and booking answer 404 until published again.
select api.unpublish_my_page();

-- name: delete_my_account()!
-- Delete the account (needs the current password: 403 wrong_password): every upcoming session is cancelled with a full refund and an email to its client; personal data anonymised, the photo and every quotation image deleted, payments kept, no more logins.
select api.delete_my_account();
