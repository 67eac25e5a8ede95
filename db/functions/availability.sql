-- db/functions/availability.sql — turning weekly rules into bookable slots, DST-correct.

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
  -- blocked ranges left out.
  select r.session_type, s.starts_at, s.starts_at + make_interval(mins => r.slot_minutes), r.capacity, r.id
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

-- Its consultant filter chooses whose rules an admin's read shows; the policies alone decide what a consultant sees.
create or replace function api.availability_json(p_consultant_id uuid)
returns jsonb
language sql stable security invoker
set search_path = ''
as $$
  select jsonb_build_object(
    'timezone', (select c.timezone from app.consultants c where c.id = p_consultant_id),
    'rules', coalesce((select jsonb_agg(jsonb_build_object('id', r.id, 'session_type', r.session_type,
        'weekday', r.weekday, 'start_time', to_char(r.start_time, 'HH24:MI'), 'end_time', to_char(r.end_time, 'HH24:MI'),
        'slot_minutes', r.slot_minutes, 'capacity', r.capacity, 'is_active', r.is_active,
        'valid_from', r.valid_from, 'valid_until', r.valid_until) order by r.session_type, r.weekday, r.start_time)
      from app.availability_rules r where r.consultant_id = p_consultant_id), '[]'),
    'blocks', coalesce((select jsonb_agg(jsonb_build_object('id', b.id, 'starts_at', b.starts_at, 'ends_at', b.ends_at,
        'reason', b.reason) order by b.starts_at)
      from app.availability_blocks b where b.consultant_id = p_consultant_id and b.ends_at > now()), '[]'))
$$;
comment on function api.availability_json is 'A consultant''s weekly rules and upcoming blocked ranges.';

create or replace function api.slot_json(p_s app.availability_slots)
returns jsonb
language sql stable
set search_path = ''
as $$
  select jsonb_build_object('id', p_s.id, 'session_type', p_s.session_type, 'starts_at', p_s.starts_at,
    'ends_at', p_s.ends_at, 'date', p_s.date, 'start_time', to_char(p_s.start_time, 'HH24:MI'),
    'end_time', to_char(p_s.end_time, 'HH24:MI'), 'capacity', p_s.capacity, 'booked_count', p_s.booked_count,
    'remaining', p_s.capacity - p_s.booked_count, 'is_available', p_s.is_available, 'source', p_s.source,
    'rule_id', p_s.rule_id)
$$;
comment on function api.slot_json is 'A slot as the consultant''s API shows it.';

create or replace function api.get_my_availability()
returns jsonb
language sql stable security invoker
set search_path = ''
as $$ select api.availability_json(api.caller_consultant_id()) $$;
comment on function api.get_my_availability is 'The calling consultant''s weekly rules and blocked ranges.';

create or replace function api.create_availability_rule(
  p_session_type text, p_weekday integer, p_start_time time, p_end_time time, p_slot_minutes integer,
  p_capacity integer, p_valid_from date, p_valid_until date
) returns jsonb
language plpgsql volatile security invoker
set search_path = ''
as $$
declare
  v_consultant uuid := api.caller_consultant_id();
  v_id uuid;
begin
  perform app.check_capacity(p_session_type, p_capacity);
  insert into app.availability_rules (consultant_id, session_type, weekday, start_time, end_time, slot_minutes, capacity,
                                      valid_from, valid_until)
  values (v_consultant, p_session_type, p_weekday, p_start_time, p_end_time, p_slot_minutes, p_capacity, p_valid_from, p_valid_until)
  returning id into v_id;
  perform app.rematerialise_my_slots();
  return api.availability_json(v_consultant) || jsonb_build_object('created_id', v_id);
end;
$$;
comment on function api.create_availability_rule is 'Add a weekly availability rule and materialise its slots.';

create or replace function api.update_availability_rule(
  p_rule_id uuid, p_session_type text, p_weekday integer, p_start_time time, p_end_time time, p_slot_minutes integer,
  p_capacity integer, p_valid_from date, p_valid_until date, p_is_active boolean
) returns jsonb
language plpgsql volatile security invoker
set search_path = ''
as $$
declare
  v_consultant uuid := api.caller_consultant_id();
begin
  perform app.check_capacity(p_session_type, p_capacity);
  update app.availability_rules set session_type = p_session_type, weekday = p_weekday, start_time = p_start_time,
    end_time = p_end_time, slot_minutes = p_slot_minutes, capacity = p_capacity, valid_from = p_valid_from,
    valid_until = p_valid_until, is_active = p_is_active
  where id = p_rule_id and consultant_id = v_consultant;
  if not found then
    raise exception using errcode = 'NK404', message = 'not_found', detail = 'No such rule.';
  end if;
  perform app.rematerialise_my_slots();
  return api.availability_json(v_consultant);
end;
$$;
comment on function api.update_availability_rule is 'Replace a weekly rule; its future unbooked slots follow.';

create or replace function api.delete_availability_rule(p_rule_id uuid)
returns jsonb
language plpgsql volatile security invoker
set search_path = ''
as $$
declare
  v_consultant uuid := api.caller_consultant_id();
begin
  delete from app.availability_slots
  where rule_id = p_rule_id and consultant_id = v_consultant and booked_count = 0 and starts_at > now();
  delete from app.availability_rules where id = p_rule_id and consultant_id = v_consultant;
  if not found then
    raise exception using errcode = 'NK404', message = 'not_found', detail = 'No such rule.';
  end if;
  return api.availability_json(v_consultant);
end;
$$;
comment on function api.delete_availability_rule is 'Delete a weekly rule and its future unbooked slots (booked ones stay).';

create or replace function api.create_availability_block(p_starts_at timestamptz, p_ends_at timestamptz, p_reason text)
returns jsonb
language plpgsql volatile security invoker
set search_path = ''
as $$
declare
  v_consultant uuid := api.caller_consultant_id();
begin
  insert into app.availability_blocks (consultant_id, starts_at, ends_at, reason) values (v_consultant, p_starts_at, p_ends_at, p_reason);
  perform app.rematerialise_my_slots();
  return api.availability_json(v_consultant);
end;
$$;
comment on function api.create_availability_block is 'Block a date or range (a holiday): unbooked slots inside it disappear.';

create or replace function api.delete_availability_block(p_block_id uuid)
returns jsonb
language plpgsql volatile security invoker
set search_path = ''
as $$
declare
  v_consultant uuid := api.caller_consultant_id();
begin
  delete from app.availability_blocks where id = p_block_id and consultant_id = v_consultant;
  if not found then
    raise exception using errcode = 'NK404', message = 'not_found', detail = 'No such blocked range.';
  end if;
  perform app.rematerialise_my_slots();
  return api.availability_json(v_consultant);
end;
$$;
comment on function api.delete_availability_block is 'Unblock a range: rule slots inside it come back.';

create or replace function api.list_my_slots(p_from timestamptz, p_to timestamptz, p_session_type text)
returns jsonb
language plpgsql stable security invoker
set search_path = ''
as $$
declare
  -- Bounds as values: `coalesce(p_from, now())` written in the condition is no index condition under the policy
  -- (the read then went through all of the consultant's slots, past ones included).
  v_from timestamptz := coalesce(p_from, now());
  v_to timestamptz := coalesce(p_to, now() + interval '60 days');
begin
  perform api.caller_consultant_id();  -- 401 for a deleted account; whose slots is the policy's answer
  return coalesce((select jsonb_agg(api.slot_json(s) order by s.starts_at, s.session_type)
    from app.availability_slots s
    where s.starts_at >= v_from
      and s.starts_at < v_to
      and (p_session_type is null or s.session_type = p_session_type)), '[]');
end;
$$;
comment on function api.list_my_slots is 'The calling consultant''s slots in a range (booked or not).';

create or replace function api.create_slot(p_session_type text, p_starts_at timestamptz, p_ends_at timestamptz, p_capacity integer)
returns jsonb
language plpgsql volatile security invoker
set search_path = ''
as $$
declare
  v_consultant uuid := api.caller_consultant_id();
  v_s app.availability_slots;
begin
  perform app.check_capacity(p_session_type, p_capacity);
  if p_starts_at <= now() then
    raise exception using errcode = 'NK422', message = 'slot_in_past', detail = 'A slot must start in the future.',
      hint = 'field:starts_at';
  end if;
  insert into app.availability_slots (consultant_id, session_type, starts_at, ends_at, capacity, source)
  values (v_consultant, p_session_type, p_starts_at, p_ends_at, p_capacity, 'manual') returning * into v_s;
  return api.slot_json(v_s);
end;
$$;
comment on function api.create_slot is 'Add a one-off slot.';

create or replace function api.update_slot(p_slot_id uuid, p_starts_at timestamptz, p_ends_at timestamptz,
                                           p_capacity integer, p_is_available boolean)
returns jsonb
language plpgsql volatile security invoker
set search_path = ''
as $$
declare
  v_consultant uuid := api.caller_consultant_id();
  v_s app.availability_slots;
  v_old app.availability_slots;
begin
  -- A booked slot cannot move (the trigger refuses it: 409 slot_booked); capacity may change down to the
  -- seats taken, and the slot may be hidden from new bookings. A rule slot whose time or capacity the
  -- consultant changes becomes their own (manual): a re-run of the rules would otherwise undo the edit,
  -- and a moved one leaves an exclusion behind so the rule does not offer the old time again.
  select * into v_old from app.availability_slots where id = p_slot_id and consultant_id = v_consultant for update;
  if v_old.source = 'rule' and p_starts_at is not null and p_starts_at <> v_old.starts_at then
    insert into app.availability_slot_exclusions (consultant_id, session_type, starts_at)
    values (v_consultant, v_old.session_type, v_old.starts_at) on conflict do nothing;
  end if;
  update app.availability_slots set starts_at = coalesce(p_starts_at, starts_at), ends_at = coalesce(p_ends_at, ends_at),
    capacity = coalesce(p_capacity, capacity), is_available = coalesce(p_is_available, is_available),
    source = case when p_starts_at <> starts_at or p_ends_at <> ends_at or p_capacity <> capacity then 'manual'
                  else source end,
    rule_id = case when p_starts_at <> starts_at or p_ends_at <> ends_at or p_capacity <> capacity then null
                   else rule_id end
  where id = p_slot_id and consultant_id = v_consultant returning * into v_s;
  if v_s.id is null then
    raise exception using errcode = 'NK404', message = 'not_found', detail = 'No such slot.';
  end if;
  perform app.check_capacity(v_s.session_type, v_s.capacity);
  return api.slot_json(v_s);
end;
$$;
comment on function api.update_slot is 'Change a slot (time only while unbooked; capacity; availability).';

create or replace function api.delete_slot(p_slot_id uuid)
returns void
language plpgsql volatile security invoker
set search_path = ''
as $$
declare
  v_consultant uuid := api.caller_consultant_id();
  v_gone app.availability_slots;
begin
  delete from app.availability_slots where id = p_slot_id and consultant_id = v_consultant returning * into v_gone;
  if v_gone.id is null then
    raise exception using errcode = 'NK404', message = 'not_found', detail = 'No such slot.';
  end if;
  -- A rule occurrence deleted by hand stays deleted: the daily re-run must not bring it back.
  if v_gone.source = 'rule' then
    insert into app.availability_slot_exclusions (consultant_id, session_type, starts_at)
    values (v_consultant, v_gone.session_type, v_gone.starts_at) on conflict do nothing;
  end if;
end;
$$;
comment on function api.delete_slot is 'Delete a slot (a booked one is refused: 409 slot_booked).';

create or replace function api.defer_slot_rollforwards()
returns integer
language plpgsql volatile security definer
-- Procrastinate's objects are not schema-qualified in its own SQL, so its schema is on the path.
set search_path = public, pg_temp
as $$
declare
  v_ids bigint[];
begin
  -- The daily roll-forward fans out: one job per consultant with active rules, each its own transaction, so
  -- one consultant's failure (a timeout, a bug in their data) is logged and retried alone and never rolls
  -- back everyone else's day. Priority below everything else, so emails are not queued behind 10,000 of these;
  -- a consultant whose job from yesterday still waits (workers down) gets no second one (the queueing lock).
  select public.procrastinate_defer_jobs_v1(coalesce(array_agg(
           row('maintenance', 'rematerialise_consultant_slots', -10, null, 'slots:' || c.id::text,
               jsonb_build_object('consultant_id', c.id), null)::public.procrastinate_job_to_defer_v1
           order by c.id), '{}'))
  into v_ids
  from app.consultants c
  where c.deleted_at is null and c.is_active
    and exists (select 1 from app.availability_rules r where r.consultant_id = c.id and r.is_active)
    and not exists (select 1 from public.procrastinate_jobs j
                    where j.queueing_lock = 'slots:' || c.id::text and j.status = 'todo');
  return coalesce(array_length(v_ids, 1), 0);
end;
$$;
comment on function api.defer_slot_rollforwards is 'Worker step (daily): queue one slot roll-forward job per consultant with active rules; returns how many.';

create or replace function api.rematerialise_consultant_slots(p_consultant_id uuid)
returns integer
language sql volatile security definer
set search_path = ''
as $$
  -- A deleted or deactivated account keeps what it has; its page is gone anyway.
  select coalesce((select app_private.rematerialise_slots(c.id) from app.consultants c
                   where c.id = p_consultant_id and c.deleted_at is null and c.is_active), 0)
$$;
comment on function api.rematerialise_consultant_slots is 'Worker step: roll one consultant''s slots forward to their horizon (the daily fan-out''s job); returns slots removed plus added.';

grant execute on function api.get_my_availability(), api.availability_json(uuid), api.slot_json(app.availability_slots),
  api.create_availability_rule(text, integer, time, time, integer, integer, date, date),
  api.update_availability_rule(uuid, text, integer, time, time, integer, integer, date, date, boolean),
  api.delete_availability_rule(uuid), api.create_availability_block(timestamptz, timestamptz, text),
  api.delete_availability_block(uuid), api.list_my_slots(timestamptz, timestamptz, text),
  api.create_slot(text, timestamptz, timestamptz, integer), api.update_slot(uuid, timestamptz, timestamptz, integer, boolean),
  api.delete_slot(uuid), api.defer_slot_rollforwards(), api.rematerialise_consultant_slots(uuid)
  to nakksha_app;

-- Test: pytest tests/db/test_local_times.py tests/http/test_availability.py
