-- db/migrations/20261205010200_add_rule_count_setting.sql — a platform setting bounding how many weekly availability rules one consultant keeps.

-- migrate:up
-- Rules whose validity lies outside the horizon add no slots, so the slot cap alone let a pending account keep
-- thousands of them (every answer lists them all, every roll-forward scans each one).
insert into app.platform_settings (key, value, description) values
  ('max_availability_rules', '100', 'Most weekly availability rules one consultant may keep (active or not).')
on conflict (key) do nothing;

-- migrate:down
delete from app.platform_settings where key = 'max_availability_rules';

-- Test: pytest tests/db/test_slot_rollforward.py tests/meta/test_migrations.py
