-- app/queries/settings_pages.sql — reads the consultant's settings pages need, shaped from the API's own functions (db/functions/availability.sql).

-- name: my_one_off_slots(from_, to_)$
-- The caller's one-off (manually added) slots in a range, booked or not, earliest first: api.list_my_slots filtered.
select coalesce(jsonb_agg(s.slot order by s.n), '[]'::jsonb)
from jsonb_array_elements(api.list_my_slots(:from_, :to_, null)) with ordinality as s(slot, n)
where s.slot->>'source' = 'manual';

-- Test: pytest tests/http/test_settings_pages.py
