-- db/migrations/20261205120000_let_consultants_write_their_availability.sql — a consultant writes their own rules, blocks and slots under the policies (the write functions are security invoker).
-- A consultant records the rule occurrences they delete or move (the three key columns of an exclusion, which is
-- never changed and goes with its consultant), and a rule slot they edit becomes their own (source manual, no rule).

-- migrate:up
grant update (source, rule_id) on app.availability_slots to nakksha_app;
grant insert (consultant_id, session_type, starts_at) on app.availability_slot_exclusions to nakksha_app;
create policy consultant_inserts_own_availability_slot_exclusions on app.availability_slot_exclusions
  for insert to nakksha_app with check (consultant_id = (select app.current_consultant_id()));

-- migrate:down
drop policy consultant_inserts_own_availability_slot_exclusions on app.availability_slot_exclusions;
revoke insert (consultant_id, session_type, starts_at) on app.availability_slot_exclusions from nakksha_app;
revoke update (source, rule_id) on app.availability_slots from nakksha_app;
