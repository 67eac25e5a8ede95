-- app/queries/profile.sql — a consultant's own account (db/functions/profile.sql).

-- name: update_my_profile(patch)$
-- Change the keys present in the patch.
select api.update_my_profile(:patch);

-- name: set_my_bank_details(bank_name, account_number_encrypted, ifsc_code_encrypted)$
-- Store bank details as ciphertext.
select api.set_my_bank_details(:bank_name, :account_number_encrypted, :ifsc_code_encrypted);

-- name: set_my_photo(url)$
-- Set the profile photo URL.
select api.set_my_photo(:url);

-- name: export_my_data()$
-- Everything about the caller as JSON.
select api.export_my_data();

-- name: delete_my_account()!
-- Anonymise the caller's account.
select api.delete_my_account();
