-- app/queries/profile.sql — a consultant's own account (db/functions/profile.sql).

-- name: update_my_profile(patch)$
-- Change profile and settings (only the fields sent).
select api.update_my_profile(:patch);

-- name: set_my_bank_details(bank_name, account_number_encrypted, ifsc_code_encrypted)$
-- Set bank details (stored encrypted; always answered masked).
select api.set_my_bank_details(:bank_name, :account_number_encrypted, :ifsc_code_encrypted);

-- name: set_my_photo(url)$
-- Set the profile photo URL.
select api.set_my_photo(:url);

-- name: export_my_data()$
-- Everything held about the consultant, as JSON (data portability); needs the current password (403 wrong_password).
select api.export_my_data();

-- name: delete_my_account()!
-- Delete the account (needs the current password: 403 wrong_password): every upcoming session is cancelled with a full refund and an email to its client; personal data anonymised, the photo and every quotation image deleted, payments kept, no more logins.
select api.delete_my_account();
