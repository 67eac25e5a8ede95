-- db/functions/slot_rules.sql — turning weekly rules into bookable slots, DST-correct: the slots the rules call for, the roll-forward that stores them, and the slot budget.

-- A slot the rules call for: what rematerialise_slots compares with the stored slots.
create type app_private.wanted_slot as (session_type text, starts_at timestamptz, ends_at timestamptz,
                                        capacity integer, rule_id uuid);
comment on type app_private.wanted_slot is 'A slot a consultant''s weekly rules call for (desired_slots'' row).';

create or replace function app_private.desired_slots(p_consultant_id uuid, p_from date, p_to date)
returns setof app_private.wanted_slot
language sql stable
set search_path = ''
as $$
  -- Each rule's local wall-clock times placed on each matching local date and converted to instants in
  -- the consultant's timezone, so a 09:00 rule stays 09:00 local across a DST change; past times and
  -- blocked ranges left out. A webinar rule kept over its plan's seats after a downgrade offers new slots with
  -- the plan's seats (docs/payments.md, "Plans and limits").
  select r.session_type, s.starts_at, s.starts_at + make_interval(mins => r.slot_minutes),
         least(r.capacity, coalesce(pl.webinar_seats, r.capacity)), r.id
  from app.availability_rules r
  join app.consultants c on c.id = r.consultant_id
  left join app.plans pl on pl.code = app.effective_plan_code(c.id, now())
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
      select 1 from app.availability_slot_exclusions x
      where x.consultant_id = r.consultant_id and x.session_type = r.session_type and x.starts_at = s.starts_at)
    and not exists (
      select 1 from app.availability_blocks b
      where b.consultant_id = r.consultant_id
        and tstzrange(b.starts_at, b.ends_at) && tstzrange(s.starts_at, s.starts_at + make_interval(mins => r.slot_minutes)))
$$;
comment on function app_private.desired_slots is 'The slots a consultant''s active rules call for between two local dates.';

create or replace function app_private.lock_consultant_slots(p_consultant_id uuid)
returns void
language sql volatile
set search_path = ''
as $$
  -- One writer of a consultant's rule slots at a time (a rule edit, a profile change, the daily job): each
  -- computes what its rules want only after taking this lock, so none deletes the slots another has just
  -- made from newer rules. Transaction-scoped, so it works through a transaction pooler.
  select pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended('nakksha.slots:' || p_consultant_id::text, 0))
$$;
comment on function app_private.lock_consultant_slots is 'Serialise the writers of one consultant''s rule slots (transaction advisory lock).';

create or replace function app_private.rematerialise_slots(p_consultant_id uuid)
returns integer
language plpgsql volatile
set search_path = ''
-- Never a nested loop: right after a consultant's first rules are saved, the table's statistics still say they
-- have no slots, and with that estimate the planner chose a nested-loop anti-join of every stored slot against
-- every wanted one (quadratic again: 28 s for 10k slots in bench/slots_rollforward.py). Hashing both sides is
-- linear whatever the statistics say.
set enable_nestloop = off
as $$
declare
  v_tz text;
  v_horizon integer;
  v_today date;
  v_wanted app_private.wanted_slot[];
  v_removed integer;
  v_added integer;
begin
  -- Rules changed (or a day passed): future unbooked rule slots that no rule wants any more (a blocked range,
  -- a changed rule, a shorter horizon) go, and the missing ones up to the horizon are added. Booked slots and
  -- one-off slots are never touched, and a slot that is still wanted keeps its id (a visitor may be looking
  -- at it). Set-based both ways: the wanted slots are computed once, the delete is a hash anti-join on the
  -- whole slot (plain equality, so it can hash; rule_id of a wanted slot is never NULL), and the insert
  -- touches only the keys that are missing, so a day that adds nothing costs two scans, not a probe per slot
  -- through the insert triggers. (The first version compared with `is not distinct from` in a correlated
  -- subquery: quadratic, ~37 s for 30k slots.)
  perform app_private.lock_consultant_slots(p_consultant_id);
  select c.timezone, c.max_days_ahead into v_tz, v_horizon from app.consultants c where c.id = p_consultant_id;
  if v_tz is null then
    return 0;
  end if;
  v_today := (now() at time zone v_tz)::date;
  -- At most max_future_slots of them, earliest first: the rule and settings checks keep a consultant under
  -- it, and this keeps the daily job bounded even after a super admin lowers the cap.
  select coalesce(array_agg(d order by d.starts_at), '{}') into v_wanted
  from (select * from app_private.desired_slots(p_consultant_id, v_today, v_today + v_horizon) w
        order by w.starts_at limit app_private.setting_integer('max_future_slots')) d;

  delete from app.availability_slots s
  where s.consultant_id = p_consultant_id and s.source = 'rule' and s.booked_count = 0 and s.starts_at > now()
    and not exists (select 1 from unnest(v_wanted) d
                    where d.session_type = s.session_type and d.starts_at = s.starts_at and d.ends_at = s.ends_at
                      and d.capacity = s.capacity and d.rule_id = s.rule_id);
  get diagnostics v_removed = row_count;

  -- A key already taken (a still-wanted slot, a one-off slot, a booked slot kept) stays as it is.
  insert into app.availability_slots (consultant_id, session_type, starts_at, ends_at, capacity, source, rule_id)
  select p_consultant_id, d.session_type, d.starts_at, d.ends_at, d.capacity, 'rule', d.rule_id
  from unnest(v_wanted) d
  where not exists (select 1 from app.availability_slots s
                    where s.consultant_id = p_consultant_id and s.session_type = d.session_type
                      and s.starts_at = d.starts_at)
  on conflict (consultant_id, session_type, starts_at) do nothing;
  get diagnostics v_added = row_count;
  return v_removed + v_added;
end;
$$;
comment on function app_private.rematerialise_slots is 'Bring a consultant''s future slots in line with their rules, blocks and horizon (booked and one-off slots stay); returns slots removed plus added.';

create or replace function app_private.rule_slot_count(p_r app.availability_rules, p_today date, p_horizon integer)
returns integer
language sql immutable
set search_path = ''
as $$
  -- The slots one active rule offers between today and the horizon inside its validity, counted without
  -- generating them: the slots of one occurrence times the matching local days (at most 366).
  select case when not p_r.is_active then 0 else
    floor(extract(epoch from p_r.end_time - p_r.start_time) / 60 / p_r.slot_minutes)::integer
    * (select count(*)::integer
       from generate_series(greatest(p_today, p_r.valid_from), least(p_today + p_horizon, p_r.valid_until),
                            interval '1 day') g(day)
       where extract(isodow from g.day) = p_r.weekday) end
$$;
comment on function app_private.rule_slot_count is 'How many slots one weekly rule offers over a horizon from a local date (0 when inactive).';

create or replace function app_private.slot_budget(p_consultant_id uuid)
returns integer
language sql stable
set search_path = ''
as $$
  -- For each active rule its rule_slot_count over the consultant's horizon, plus the one-off slots still to come.
  -- An upper bound of what rematerialise_slots makes (it leaves out past times, blocked ranges and DST gaps), so
  -- a consultant under it is under the cap.
  select coalesce(sum(app_private.rule_slot_count(r, t.today, c.max_days_ahead)), 0)::integer
       + (select count(*)::integer from app.availability_slots s
          where s.consultant_id = p_consultant_id and s.source = 'manual' and s.starts_at > now())
  from app.consultants c
  cross join lateral (select (now() at time zone c.timezone)::date as today) t
  left join app.availability_rules r on r.consultant_id = c.id and r.is_active
  where c.id = p_consultant_id
$$;
comment on function app_private.slot_budget is 'How many future slots a consultant''s active rules (over their horizon) and one-off slots come to, at most.';

create or replace function app_private.check_slot_budget(p_consultant_id uuid, p_field text)
returns void
language plpgsql volatile
set search_path = ''
as $$
declare
  v_cap constant integer := app_private.setting_integer('max_future_slots');
  v_budget integer;
begin
  -- Under the slot lock, so two rule edits racing each other cannot both pass with the other's slots unseen.
  perform app_private.lock_consultant_slots(p_consultant_id);
  v_budget := app_private.slot_budget(p_consultant_id);
  if v_budget > v_cap then
    raise exception using errcode = 'NK422', message = 'too_many_slots', hint = 'field:' || p_field,
      detail = format('This would offer %s future slots; the limit is %s. Use longer slots, fewer hours or days, '
                      'or a nearer booking horizon.', v_budget, v_cap);
  end if;
end;
$$;
comment on function app_private.check_slot_budget is 'Refuse (NK422 too_many_slots, naming the field) what would take a consultant over max_future_slots.';

-- Test: pytest tests/db/test_local_times.py tests/db/test_slot_rollforward.py tests/db/test_limit_settings.py
