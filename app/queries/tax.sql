-- app/queries/tax.sql — a consultant's tax settings and the GST State list (db/functions/tax_profiles.sql).

-- name: gst_states()$
-- The GST States and Union Territories an address can be in.
select api.gst_states();

-- name: my_tax_profile()$
-- Your tax settings: GST scheme and GSTIN, legal name, State and address, PAN (masked), letter of undertaking, and what follows from them (the document you issue, the rates withheld).
select api.my_tax_profile();

-- name: set_my_tax_profile(profile, pan, pan_encrypted, pan_hash)$
-- Replace your tax settings (pan: a new PAN in clear, checked and not stored, with its ciphertext and keyed hash; null keeps the one on file).
select api.set_my_tax_profile(:profile, :pan, :pan_encrypted, :pan_hash);

-- Test: pytest tests/http/test_tax_profile.py
