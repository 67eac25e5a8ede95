-- db/migrations/20261213040000_verify_gateway_plans_before_sharing.sql — a Razorpay plan recorded by one consultant's checkout is theirs alone until the worker has fetched it from Razorpay and found it is what it claims (issue 22).
-- migrate:up
-- app.gateway_plans holds one Razorpay plan per (plan, period, price, gateway), made on first use and reused by
-- every consultant's checkout. The web role records it (the web request made it at Razorpay), so SQL run as one
-- consultant (a compromised app, an injection) could record a bogus plan id for a price nobody had used yet, and
-- every other consultant's checkout for that price would then have used it: a cross-tenant effect row-level security
-- is meant to rule out. Now a row the app records names its recorder (recorded_by) and is used by that consultant's
-- checkouts alone until the verify_gateway_plan job (jobs/subscriptions.py) fetched the plan from Razorpay and found
-- its period, interval, amount, currency and notes match (verified_at; shared from then on), or not (rejected_at;
-- used by nobody, the recorder's next checkout makes a new one). Only the worker writes either column.
alter table app.gateway_plans
  add column recorded_by uuid references app.consultants (id) on delete restrict,
  add column verified_at timestamptz,
  add column rejected_at timestamptz,
  add column rejected_reason text,
  add constraint gateway_plans_verified_or_rejected check (verified_at is null or rejected_at is null),
  -- A row nobody recorded (the worker's, the seed's, the rows before this migration) is a verified one.
  add constraint gateway_plans_unverified_recorded check (recorded_by is not null or verified_at is not null
                                                          or rejected_at is not null);
comment on column app.gateway_plans.recorded_by is 'The consultant whose checkout made and recorded it (NULL: the worker''s, the seed''s, or recorded before 20261213040000). Until verified, only this consultant''s checkouts use it.';
comment on column app.gateway_plans.verified_at is 'When the worker fetched it from Razorpay and found it matches its plan, period and price: from then on every consultant''s checkout for that price uses it.';
comment on column app.gateway_plans.rejected_at is 'When the worker found it missing at Razorpay or not matching: nobody''s checkout uses it again.';
comment on table app.gateway_plans is 'The Razorpay plan made for one (plan, period, price, gateway): Razorpay plans cannot be edited, so a new price is a new row, made on first use. Shared by every consultant once verified (one verified row per price); before that its recorder''s alone (one unverified row per recorder and price).';
-- The rows before this were all made by the app's own checkouts (no SQL but api.record_gateway_plan wrote them, and
-- no compromise is known), and subscriptions bill on them already: they count as verified.
update app.gateway_plans set verified_at = created_at;

alter table app.gateway_plans drop constraint gateway_plans_one_per_price;
create unique index gateway_plans_one_verified on app.gateway_plans (plan_code, period, amount, gateway)
  where verified_at is not null;
create unique index gateway_plans_one_unverified on app.gateway_plans (plan_code, period, amount, gateway, recorded_by)
  where verified_at is null and rejected_at is null;
-- The worker's sweep reads only those awaiting a check.
create index gateway_plans_unchecked_idx on app.gateway_plans (created_at)
  where verified_at is null and rejected_at is null;

-- A consultant reads the shared (verified) plans and their own; another consultant's unverified or rejected one is
-- not theirs to see (nor to use). Nobody without a caller reads any.
drop policy consultant_reads_gateway_plans on app.gateway_plans;
create policy consultant_reads_gateway_plans on app.gateway_plans for select to nakksha_app
  using ((select app.current_consultant_id()) is not null
         and (verified_at is not null or recorded_by = (select app.current_consultant_id())));
-- An approved consultant records one made for their own checkout, at the plan's current price, unverified.
drop policy consultant_records_gateway_plans on app.gateway_plans;
create policy consultant_records_gateway_plans on app.gateway_plans for insert to nakksha_app
  with check (recorded_by = (select app.current_approved_consultant_id())
              and verified_at is null and rejected_at is null
              and amount = (select case period when 'yearly' then p.price_yearly else p.price_monthly end
                            from app.plans p where p.code = plan_code));
revoke insert on app.gateway_plans from nakksha_app;
grant insert (plan_code, period, amount, gateway, gateway_plan_id, recorded_by) on app.gateway_plans to nakksha_app;
-- The worker records the check's outcome (its worker_steps policy covers every command).
grant update (verified_at, rejected_at, rejected_reason) on app.gateway_plans to nakksha_worker;

-- migrate:down
revoke update (verified_at, rejected_at, rejected_reason) on app.gateway_plans from nakksha_worker;
revoke insert on app.gateway_plans from nakksha_app;
grant insert (plan_code, period, amount, gateway, gateway_plan_id) on app.gateway_plans to nakksha_app;
drop policy consultant_records_gateway_plans on app.gateway_plans;
create policy consultant_records_gateway_plans on app.gateway_plans for insert to nakksha_app
  with check ((select app.current_approved_consultant_id()) is not null
              and amount = (select case period when 'yearly' then p.price_yearly else p.price_monthly end
                            from app.plans p where p.code = plan_code));
drop policy consultant_reads_gateway_plans on app.gateway_plans;
create policy consultant_reads_gateway_plans on app.gateway_plans for select to nakksha_app
  using ((select app.current_consultant_id()) is not null);
drop index app.gateway_plans_unchecked_idx;
drop index app.gateway_plans_one_unverified;
drop index app.gateway_plans_one_verified;
-- Back to one row per price: the rows never verified go unless a subscription bills on one.
delete from app.gateway_plans g where g.verified_at is null
  and not exists (select from app.subscriptions s where s.gateway_plan_id = g.gateway_plan_id);
alter table app.gateway_plans add constraint gateway_plans_one_per_price unique (plan_code, period, amount, gateway);
comment on table app.gateway_plans is 'The Razorpay plan made for one (plan, period, price, gateway): Razorpay plans cannot be edited, so a new price is a new row, made on first use and kept.';
alter table app.gateway_plans drop constraint gateway_plans_unverified_recorded,
  drop constraint gateway_plans_verified_or_rejected, drop column rejected_reason, drop column rejected_at,
  drop column verified_at, drop column recorded_by;

-- Test: pytest tests/db/test_gateway_plans.py tests/meta/test_migrations.py
