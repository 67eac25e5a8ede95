-- db/migrations/20261205070100_bound_stored_instants.sql — the instants and dates people write (blocks, slots, sessions, quotation expiry, rule validity, subscription expiry) stay in the years 1970–2200.

-- migrate:up
-- The API refuses anything else with a 422 naming the field (app/schemas.py, Instant and PlausibleDate); these
-- checks keep every other writer to the same range: a block to 9999-12-31 once took the availability page down
-- and a slot at 9999-12-31T23:00Z was stored with the local date 10000-01-01. The bodies live in
-- db/functions/instants.sql (re-applied by `nakksha migrate` right after the migrations); these placeholders
-- exist only so the checks can be created on a fresh database before that file runs. Not valid: rows written
-- before are left as they were (the pages show them; the next change to one must comply); new rows are checked.
create or replace function app.is_plausible_instant(p_at timestamptz) returns boolean
  language sql immutable parallel safe as $$ select true $$;
create or replace function app.is_plausible_date(p_day date) returns boolean
  language sql immutable parallel safe as $$ select true $$;

alter table app.availability_blocks
  add constraint availability_blocks_starts_at_range check (app.is_plausible_instant(starts_at)) not valid,
  add constraint availability_blocks_ends_at_range check (app.is_plausible_instant(ends_at)) not valid;
alter table app.availability_slots
  add constraint availability_slots_starts_at_range check (app.is_plausible_instant(starts_at)) not valid,
  add constraint availability_slots_ends_at_range check (app.is_plausible_instant(ends_at)) not valid;
alter table app.availability_rules
  add constraint availability_rules_valid_from_range check (app.is_plausible_date(valid_from)) not valid,
  add constraint availability_rules_valid_until_range check (app.is_plausible_date(valid_until)) not valid;
alter table app.sessions
  add constraint sessions_starts_at_range check (app.is_plausible_instant(starts_at)) not valid,
  add constraint sessions_ends_at_range check (app.is_plausible_instant(ends_at)) not valid;
alter table app.quotations
  add constraint quotations_expires_at_range check (app.is_plausible_instant(expires_at)) not valid;
alter table app.consultants
  add constraint consultants_subscription_expires_at_range check (app.is_plausible_instant(subscription_expires_at)) not valid;

-- migrate:down
alter table app.consultants drop constraint consultants_subscription_expires_at_range;
alter table app.quotations drop constraint quotations_expires_at_range;
alter table app.sessions drop constraint sessions_starts_at_range, drop constraint sessions_ends_at_range;
alter table app.availability_rules
  drop constraint availability_rules_valid_from_range, drop constraint availability_rules_valid_until_range;
alter table app.availability_slots
  drop constraint availability_slots_starts_at_range, drop constraint availability_slots_ends_at_range;
alter table app.availability_blocks
  drop constraint availability_blocks_starts_at_range, drop constraint availability_blocks_ends_at_range;
drop function app.is_plausible_date(date), app.is_plausible_instant(timestamptz);

-- Test: pytest tests/http/test_instant_bounds.py tests/meta/test_migrations.py
