-- db/migrations/20261205010100_bound_slot_rules.sql — triggers bounding what one consultant's rules, horizon and one-off slots may ask the slot generator for.

-- migrate:up
-- The bodies live in db/functions/availability.sql (re-applied by `nakksha migrate` right after the migrations);
-- these placeholders exist only so the triggers can be created on a fresh database before that file runs.
create or replace function app.check_availability_rule() returns trigger language plpgsql as $$ begin return null; end $$;
create or replace function app.check_slot_budget() returns trigger language plpgsql as $$ begin return null; end $$;

create trigger availability_rules_check_limits after insert or update on app.availability_rules
  for each row execute function app.check_availability_rule();
create trigger consultants_check_slot_horizon after update of max_days_ahead on app.consultants
  for each row when (new.max_days_ahead > old.max_days_ahead) execute function app.check_slot_budget();
create trigger availability_slots_check_manual_budget after insert on app.availability_slots
  for each row when (new.source = 'manual') execute function app.check_slot_budget();

-- migrate:down
drop trigger availability_slots_check_manual_budget on app.availability_slots;
drop trigger consultants_check_slot_horizon on app.consultants;
drop trigger availability_rules_check_limits on app.availability_rules;
drop function app.check_slot_budget(), app.check_availability_rule();

-- Test: pytest tests/db/test_slot_rollforward.py tests/meta/test_migrations.py
