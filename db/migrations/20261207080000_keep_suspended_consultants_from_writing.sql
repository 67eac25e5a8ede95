-- db/migrations/20261207080000_keep_suspended_consultants_from_writing.sql — a suspended consultant's profile, prices, links, bank details and availability stay as they were.
-- An outside review suspended a consultant and then, through the API and the settings pages, changed their page
-- address, raised a price the next client paid, and added weekly hours: the write policies of the consultant's
-- own row and of availability name any consultant (pending ones set up before approval). The triggers below
-- (functions in db/functions/app/suspension.sql) refuse a suspended consultant's writes there with the reason.

-- migrate:up
create trigger consultants_refuse_suspended_changes before update on app.consultants
  for each row execute function app.refuse_suspended_profile_changes();
create trigger availability_rules_refuse_suspended before insert or update or delete on app.availability_rules
  for each statement execute function app.refuse_suspended_writes();
create trigger availability_slots_refuse_suspended before insert or update or delete on app.availability_slots
  for each statement execute function app.refuse_suspended_writes();
create trigger availability_blocks_refuse_suspended before insert or update or delete on app.availability_blocks
  for each statement execute function app.refuse_suspended_writes();
create trigger availability_slot_exclusions_refuse_suspended before insert or update or delete
  on app.availability_slot_exclusions for each statement execute function app.refuse_suspended_writes();
-- A quotation's lines are read like the quotation itself (suspended consultants too; the two migrations that made
-- them landed side by side).
alter policy consultant_reads_own_quotation_items on app.quotation_items
  using (consultant_id = (select app.current_reading_consultant_id()));

-- migrate:down
alter policy consultant_reads_own_quotation_items on app.quotation_items
  using (consultant_id = (select app.current_approved_consultant_id()));
drop trigger availability_slot_exclusions_refuse_suspended on app.availability_slot_exclusions;
drop trigger availability_blocks_refuse_suspended on app.availability_blocks;
drop trigger availability_slots_refuse_suspended on app.availability_slots;
drop trigger availability_rules_refuse_suspended on app.availability_rules;
drop trigger consultants_refuse_suspended_changes on app.consultants;
