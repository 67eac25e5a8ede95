-- db/migrations/20261212070000_give_plans_yearly_prices_and_limits.sql — plans gain a yearly price and what each unlocks (typed columns), and the guards that enforce the limits (triggers on rules, slots and quotations).
-- Issue 22, first part: a plan is a row saying what it costs (monthly, yearly, GST included) and what it unlocks. NULL
-- in a limit means unlimited. The plan in force is app.effective_plan_code (db/functions/app/plans.sql), the one place
-- that decides; the limits are refused by app.require_plan (NK403 plan_limit) from the triggers below. Downgrades
-- never delete anything: what exceeds the new plan is kept and becomes read-only (docs/payments.md, "Plans and limits").

-- migrate:up
alter table app.plans
  add column price_yearly numeric(10, 2) not null default 0,
  add column webinar_seats integer default 30,
  add column quotations_per_month integer default 5,
  add column custom_reminders boolean not null default false,
  add column remove_branding boolean not null default false,
  add column payout_release_hours integer not null default 48,
  add constraint plans_price_yearly_range check (price_yearly between 0 and 12 * price_monthly),
  add constraint plans_webinar_seats_range check (webinar_seats is null or webinar_seats between 1 and 10000),
  add constraint plans_quotations_per_month_range check (quotations_per_month is null or quotations_per_month between 0 and 100000),
  add constraint plans_payout_release_hours_range check (payout_release_hours between 0 and 720);
comment on column app.plans.price_yearly is 'The price of a year on this plan, GST included (at most twelve months'' price; 0 for a free plan).';
comment on column app.plans.webinar_seats is 'The most seats a webinar slot or rule may offer (NULL: unlimited); bookings beyond it are refused after a downgrade.';
comment on column app.plans.quotations_per_month is 'How many quotations may be sent in a calendar month of the consultant''s time zone (NULL: unlimited; drafts are free).';
comment on column app.plans.custom_reminders is 'Whether the consultant may set their own reminder schedule instead of the platform''s reminder_hours_before.';
comment on column app.plans.remove_branding is 'Whether "Powered by Nakksha" is left off the consultant''s public page and the mails sent for them.';
comment on column app.plans.payout_release_hours is 'Hours after a session ends before its payout is released (the platform setting payout_hold_hours_after_session caps it).';

-- What each plan of the money issue unlocks; a plan an admin added keeps the free plan's limits (the defaults), and
-- every paid plan's year costs ten months.
update app.plans set price_yearly = 10 * price_monthly;
update app.plans set webinar_seats = 30, quotations_per_month = 5, custom_reminders = false, remove_branding = false,
  payout_release_hours = 48 where code = 'free';
update app.plans set webinar_seats = 100, quotations_per_month = 50, custom_reminders = true, remove_branding = false,
  payout_release_hours = 24 where code = 'basic';
update app.plans set webinar_seats = 500, quotations_per_month = null, custom_reminders = true, remove_branding = true,
  payout_release_hours = 12 where code = 'pro';
update app.plans set webinar_seats = null, quotations_per_month = null, custom_reminders = true, remove_branding = true,
  payout_release_hours = 0 where code = 'enterprise';

-- The guards (db/functions/app/plans.sql). A webinar rule or slot over its plan's seats is refused when made or
-- raised; a booking beyond them is refused (slot_full); sending a quotation beyond the month's count is refused.
create trigger availability_rules_plan_seats before insert or update on app.availability_rules
  for each row when (new.session_type = 'webinar') execute function app.guard_webinar_seats();
create trigger availability_slots_plan_seats before insert or update on app.availability_slots
  for each row when (new.session_type = 'webinar') execute function app.guard_webinar_seats();
create trigger quotations_plan_sends before update of status on app.quotations
  for each row when (old.status = 'draft' and new.status = 'sent') execute function app.guard_quotation_sends();

-- migrate:down
drop trigger quotations_plan_sends on app.quotations;
drop trigger availability_slots_plan_seats on app.availability_slots;
drop trigger availability_rules_plan_seats on app.availability_rules;
alter table app.plans
  drop column payout_release_hours,
  drop column remove_branding,
  drop column custom_reminders,
  drop column quotations_per_month,
  drop column webinar_seats,
  drop column price_yearly;

-- Test: pytest tests/db/test_plans.py tests/meta/test_migrations.py
