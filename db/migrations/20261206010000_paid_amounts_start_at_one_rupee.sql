-- db/migrations/20261206010000_paid_amounts_start_at_one_rupee.sql — a price or a quotation is free (0) or at least ₹1.00, Razorpay's smallest order.
-- Razorpay refuses an order under INR 1.00 ("The amount must be at least INR 1.00", Orders API,
-- https://razorpay.com/docs/api/orders/create). A ₹0.50 price made a booking whose checkout could never be paid
-- (an outside review found it against the local gateway, which took it). Free stays 0.
-- Only the gap (0, 1) is refused here; below 0 stays the range checks' to refuse.
-- NOT VALID: existing rows are not rechecked (a deployment with such a row keeps it until it is edited); every
-- new or changed price and quotation is.

-- migrate:up
alter table app.consultants
  add constraint consultants_prices_payable check (
    not (personal_session_price > 0 and personal_session_price < 1)
    and not (webinar_session_price > 0 and webinar_session_price < 1)) not valid;
alter table app.quotations
  add constraint quotations_final_amount_payable check (not (final_amount > 0 and final_amount < 1)) not valid;

-- migrate:down
alter table app.quotations drop constraint quotations_final_amount_payable;
alter table app.consultants drop constraint consultants_prices_payable;

-- Test: pytest tests/db/test_constraints.py tests/http/test_quotations.py
