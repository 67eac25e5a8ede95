-- db/functions/availability.sql — a consultant's availability as they edit it: weekly rules, blocked ranges and one-off slots (the rules become slots in slot_rules.sql).

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
language plpgsql volatile security invoker
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
language sql volatile security invoker
set search_path = ''
as $$
  -- A deleted or deactivated account keeps what it has; its page is gone anyway.
  select coalesce((select app_private.rematerialise_slots(c.id) from app.consultants c
                   where c.id = p_consultant_id and c.deleted_at is null and c.is_active), 0)
$$;
comment on function api.rematerialise_consultant_slots is 'Worker step: roll one consultant''s slots forward to their horizon (the daily fan-out''s job); returns slots removed plus added.';

grant execute on function api.availability_json(uuid),
  api.slot_json(app.availability_slots),
  api.create_availability_rule(text, integer, time, time, integer, integer, date, date),
  api.update_availability_rule(uuid, text, integer, time, time, integer, integer, date, date, boolean),
  api.delete_availability_rule(uuid), api.create_availability_block(timestamptz, timestamptz, text),
  api.delete_availability_block(uuid),
  api.create_slot(text, timestamptz, timestamptz, integer),
  api.update_slot(uuid, timestamptz, timestamptz, integer, boolean), api.delete_slot(uuid) to nakksha_app;
grant execute on function api.defer_slot_rollforwards(), api.rematerialise_consultant_slots(uuid) to nakksha_worker;

-- Test: pytest tests/db/test_local_times.py tests/http/test_availability.py
