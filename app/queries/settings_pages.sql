-- app/queries/settings_pages.sql — reads the consultant's settings pages need beyond the API's.

-- name: my_one_off_slots(from_, to_)$
-- The caller's one-off (manually added) slots in a range, booked or not, earliest first (the policy's answer).
with me as materialized (select api.caller_consultant_id() as id)  -- 401 unless a consultant calls
select coalesce(jsonb_agg(api.slot_json(s) order by s.starts_at, s.session_type) filter (where s.id is not null), '[]')
from me left join app.availability_slots s
  on s.source = 'manual' and s.starts_at >= :from_::timestamptz and s.starts_at < :to_::timestamptz;

-- Test: pytest tests/http/test_settings_pages.py
