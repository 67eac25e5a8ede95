-- db/migrations/20261212000000_add_round_off_and_billing_address.sql — GST documents print a round-off line (CGST and SGST each computed on the taxable value, so always equal) and the client's billing address and PIN code (rule 46's e-commerce proviso).
-- Issue 21 (docs/gst.md): a price that includes 18% GST rarely splits into two equal halves to the paisa; the
-- law computes each tax as its rate times the taxable value, so both halves are equal and the paisa or two left
-- over from the price is a "round off" line, as Indian invoices print it. The total stays what the client paid.
-- A tax invoice to an unregistered recipient through an e-commerce operator carries their address with its PIN
-- code and State (rule 46(f) proviso): the payment keeps the billing address the client gave, the document its own
-- copy (it never changes), and anonymising a client forgets the payment's copy (erasure.sql), never the document's.

-- migrate:up
alter table app.payment_transactions
  add column billing_address text,
  add column billing_postal_code text,
  add constraint payment_transactions_billing_address_length check (char_length(btrim(billing_address)) between 5 and 300),
  -- An Indian PIN code is six digits, not starting with 0; abroad, a postal code as the country writes it.
  add constraint payment_transactions_billing_postal_code_format check (
    billing_postal_code ~ case when billing_country = 'IN' then '^[1-9][0-9]{5}$' else '^[A-Za-z0-9][A-Za-z0-9 -]{1,11}$' end);
comment on column app.payment_transactions.billing_address is 'The client''s billing address as given at booking or acceptance (required for a regular-scheme consultant''s tax invoice, docs/gst.md); forgotten when the client is anonymised.';
comment on column app.payment_transactions.billing_postal_code is 'The client''s PIN code (India, six digits) or postal code abroad, printed with the billing address.';

alter table app.tax_documents
  add column round_off numeric(12, 2) not null default 0,
  add column recipient_address text,
  add column recipient_postal_code text,
  drop constraint tax_documents_amounts,
  add constraint tax_documents_amounts check (taxable_value >= 0 and cgst >= 0 and sgst >= 0 and igst >= 0
    and total = taxable_value + cgst + sgst + igst + round_off and (igst = 0 or cgst + sgst = 0)),
  -- Rounding to the paisa leaves a paisa or two; a rupee would be a computation gone wrong.
  add constraint tax_documents_round_off_small check (abs(round_off) < 1);
comment on column app.tax_documents.round_off is 'What the price leaves after the taxable value and each tax, each rounded half up to the paisa (CGST and SGST each rate × taxable value): printed as "Round off"; total = taxable value + taxes + round off.';
comment on column app.tax_documents.recipient_address is 'The client''s billing address as given when they paid (rule 46: the address on record of an unregistered recipient), or NULL when none was asked.';
comment on column app.tax_documents.recipient_postal_code is 'The PIN code (or postal code abroad) printed with recipient_address.';

-- migrate:down
alter table app.tax_documents
  drop constraint tax_documents_round_off_small,
  drop constraint tax_documents_amounts,
  add constraint tax_documents_amounts check (taxable_value >= 0 and cgst >= 0 and sgst >= 0 and igst >= 0
    and total = taxable_value + cgst + sgst + igst and (igst = 0 or cgst + sgst = 0)),
  drop column recipient_postal_code,
  drop column recipient_address,
  drop column round_off;
alter table app.payment_transactions
  drop column billing_postal_code,
  drop column billing_address;
