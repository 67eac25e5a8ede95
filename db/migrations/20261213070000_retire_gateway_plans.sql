-- db/migrations/20261213070000_retire_gateway_plans.sql — a verified Razorpay plan can be retired (rejected) and a new one verified for its price: after a change of Razorpay keys (test to live) the stored plans do not exist at the new account.
-- Found by the outside review: a stored plan id is reused forever, so with new keys every checkout of that price
-- was refused (502). docs/operations.md says how to retire them; the next checkout makes a plan at the new account.

-- migrate:up
-- Verified, then retired: both stamps (when it was shared, when it stopped being).
alter table app.gateway_plans drop constraint gateway_plans_verified_or_rejected;
drop index app.gateway_plans_one_verified;
create unique index gateway_plans_one_verified on app.gateway_plans (plan_code, period, amount, gateway)
  where verified_at is not null and rejected_at is null;

-- migrate:down
drop index app.gateway_plans_one_verified;
create unique index gateway_plans_one_verified on app.gateway_plans (plan_code, period, amount, gateway)
  where verified_at is not null;
alter table app.gateway_plans add constraint gateway_plans_verified_or_rejected
  check (verified_at is null or rejected_at is null) not valid;
