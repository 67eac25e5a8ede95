-- db/migrations/20261205130100_let_consultants_write_their_photo_and_bank_details.sql — the app role may update a consultant's own photo and bank columns, so api.set_my_photo and api.set_my_bank_details run as security invoker.
-- The consultants update policy already limits the app role to the caller's own row; these grants add the four
-- columns those two functions write (the bank number and IFSC arrive encrypted by the app).

-- migrate:up
grant update (profile_photo_url, bank_name, bank_account_number_encrypted, ifsc_code_encrypted)
  on app.consultants to nakksha_app;

-- migrate:down
revoke update (profile_photo_url, bank_name, bank_account_number_encrypted, ifsc_code_encrypted)
  on app.consultants from nakksha_app;
