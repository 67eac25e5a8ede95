-- db/functions/availability.sql — turning weekly rules into bookable slots, DST-correct.

create or replace function app_private.materialise_slots(p_consultant_id uuid, p_from date, p_to date)
returns integer
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_count integer;
begin
  -- Each rule's local wall-clock times are placed on each matching local date and converted to instants
  -- in the consultant's timezone, so a 09:00 rule stays 09:00 local across a DST change. Existing slots
  -- (booked or not) are kept: the unique key on the instant makes a re-run add only what is missing.
  insert into app.availability_slots (consultant_id, session_type, starts_at, ends_at, capacity, source, rule_id)
  select r.consultant_id, r.session_type, s.starts_at, s.starts_at + make_interval(mins => r.slot_minutes),
         r.capacity, 'rule', r.id
  from app.availability_rules r
  join app.consultants c on c.id = r.consultant_id
  cross join lateral generate_series(p_from, p_to, interval '1 day') as d(day)
  cross join lateral generate_series(
    0, (extract(epoch from r.end_time - r.start_time) / 60)::integer - r.slot_minutes, r.slot_minutes) as o(minute)
  cross join lateral (
    select ((d.day::date + r.start_time + make_interval(mins => o.minute)) at time zone c.timezone) as starts_at) as s
  where r.consultant_id = p_consultant_id
    and r.is_active
    and extract(isodow from d.day) = r.weekday
    and (r.valid_from is null or d.day::date >= r.valid_from)
    and (r.valid_until is null or d.day::date <= r.valid_until)
    -- A wall-clock time skipped by a DST change (02:30 on a spring-forward night) does not exist: no slot,
    -- rather than one an hour later than the consultant offered.
    and (s.starts_at at time zone c.timezone) = d.day::date + r.start_time + make_interval(mins => o.minute)
    and s.starts_at > now()
    and not exists (
      select 1 from app.availability_blocks b
      where b.consultant_id = r.consultant_id
        and tstzrange(b.starts_at, b.ends_at) && tstzrange(s.starts_at, s.starts_at + make_interval(mins => r.slot_minutes)))
  on conflict (consultant_id, session_type, starts_at) do nothing;
  get diagnostics v_count = row_count;
  return v_count;
end;
$$;
comment on function app_private.materialise_slots is 'Create the missing slots of a consultant''s active rules between two local dates; returns how many.';

-- Test: pytest tests/db/test_local_times.py
