-- db/migrations/20261213050000_book_razorpay_fees_on_plan_charges.sql — the platform's revenue ledger also books Razorpay's fee on each plan charge and the GST in it (issue 22), from the payment entity, fetched after the charge.
-- A subscription's invoices do not carry Razorpay's fee: it is on the payment (`fee`, GST included, and `tax`, the
-- GST in it). The every-minute Route sync fetches each charge's payment once (as it does for booking payments) and
-- writes two rows: gateway_fee (the fee without its GST) and gateway_fee_gst, both negative (the platform's cost).
-- A fee of zero is still booked (a zero gateway_fee row), so the charge is not fetched again.

-- migrate:up
alter table app.platform_revenue_entries drop constraint platform_revenue_entries_kind_valid,
  drop constraint platform_revenue_entries_sign;
alter table app.platform_revenue_entries add constraint platform_revenue_entries_kind_valid
  check (kind in ('plan_charge', 'output_cgst', 'output_sgst', 'output_igst', 'gateway_fee', 'gateway_fee_gst'));
-- Received money is positive; the output tax inside it and the gateway's fee, negative (a fee may be zero).
alter table app.platform_revenue_entries add constraint platform_revenue_entries_sign
  check (case kind when 'plan_charge' then amount > 0 when 'gateway_fee' then amount <= 0 else amount < 0 end);
comment on table app.platform_revenue_entries is 'The platform''s own revenue from plan charges, append-only, in rupees: per charge its gross (plan_charge, positive), the GST output tax inside it as on its tax invoice (output_cgst/output_sgst/output_igst, negative) and Razorpay''s fee on its payment and the GST in that fee (gateway_fee/gateway_fee_gst, negative, once fetched); a charge''s rows sum to its net revenue. Written with the charge''s invoice and by the fee fetch (docs/payments.md "Billing as built"). Not what is owed to consultants: that is app.ledger_entries.';
-- The fee fetch finds charges without a gateway_fee row.
create index platform_revenue_entries_fee_idx on app.platform_revenue_entries (subscription_charge_id)
  where kind = 'gateway_fee';

-- migrate:down
drop index app.platform_revenue_entries_fee_idx;
alter table app.platform_revenue_entries disable trigger platform_revenue_entries_append_only;
delete from app.platform_revenue_entries where kind in ('gateway_fee', 'gateway_fee_gst');
alter table app.platform_revenue_entries enable trigger platform_revenue_entries_append_only;
alter table app.platform_revenue_entries drop constraint platform_revenue_entries_kind_valid,
  drop constraint platform_revenue_entries_sign;
alter table app.platform_revenue_entries add constraint platform_revenue_entries_kind_valid
  check (kind in ('plan_charge', 'output_cgst', 'output_sgst', 'output_igst'));
alter table app.platform_revenue_entries add constraint platform_revenue_entries_sign
  check ((kind = 'plan_charge') = (amount > 0) and amount <> 0);
