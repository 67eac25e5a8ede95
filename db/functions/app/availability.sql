-- db/functions/app/availability.sql — the slot tables' triggers: local columns from instants, seats held by sessions, booked slots protected, the slot budget and a timezone move.

create or replace function app.derive_slot_local_times() returns trigger
language plpgsql
set search_path = ''
as $$
declare
  v_tz text;
begin
  -- As the app role a consultant reads only their own row: a slot written for another consultant finds no zone
  -- and is left for the insert policy to refuse (42501), which runs after the BEFORE triggers.
  select c.timezone into v_tz from app.consultants c where c.id = new.consultant_id;
  if v_tz is null then
    return new;
  end if;
  new.date := (new.starts_at at time zone v_tz)::date;
  new.start_time := (new.starts_at at time zone v_tz)::time;
  new.end_time := (new.ends_at at time zone v_tz)::time;
  return new;
end;
$$;
comment on function app.derive_slot_local_times() is 'Trigger: availability_slots local date/start/end from the instants in the consultant''s timezone.';

create or replace function app.sync_slot_seats() returns trigger
language plpgsql
set search_path = ''
as $$
declare
  v_old_holds boolean := tg_op <> 'INSERT' and old.slot_id is not null
    and old.status in ('pending', 'confirmed', 'completed', 'no_show');
  v_new_holds boolean := tg_op <> 'DELETE' and new.slot_id is not null
    and new.status in ('pending', 'confirmed', 'completed', 'no_show');
begin
  if v_old_holds and (not v_new_holds or old.slot_id is distinct from new.slot_id) then
    update app.availability_slots set booked_count = booked_count - 1 where id = old.slot_id;
  end if;
  if v_new_holds and (not v_old_holds or old.slot_id is distinct from new.slot_id) then
    update app.availability_slots set booked_count = booked_count + 1 where id = new.slot_id;
  end if;
  return null;
end;
$$;
comment on function app.sync_slot_seats() is 'Trigger: keeps availability_slots.booked_count equal to the seat-holding sessions of the slot.';

create or replace function app.protect_booked_slot() returns trigger
language plpgsql
as $$
begin
  if old.booked_count > 0 and (tg_op = 'DELETE' or new.starts_at <> old.starts_at or new.ends_at <> old.ends_at
                               or new.consultant_id <> old.consultant_id or new.session_type <> old.session_type) then
    raise exception using errcode = 'NK409', message = 'slot_booked',
      detail = 'This slot has bookings; cancel or reschedule them first.', hint = 'field:slot_id';
  end if;
  return case when tg_op = 'DELETE' then old else new end;
end;
$$;
comment on function app.protect_booked_slot() is 'Trigger: a slot with seats taken is neither deleted nor moved.';

create or replace function app.rederive_local_times() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  -- The consultant moved timezone: the rules' wall-clock times are other instants now. Their future unbooked
  -- slots are re-made first (the new ones get their local columns from the insert trigger, in the new zone),
  -- then every slot whose local date or times read differently in the new zone is re-derived: booked, one-off
  -- and past slots, and a rule slot kept because its instant is still wanted (the same instant, another wall
  -- clock: 09:00 in Dubai was 10:30 in Kolkata). Re-deriving every slot first and then replacing most of them
  -- cost twice the writes (bench/slots_rollforward.py: timezone change at the cap).
  perform app_private.rematerialise_slots(new.id);
  update app.availability_slots set starts_at = starts_at
  where consultant_id = new.id
    and (date, start_time, end_time) is distinct from ((starts_at at time zone new.timezone)::date,
                                                        (starts_at at time zone new.timezone)::time,
                                                        (ends_at at time zone new.timezone)::time);
  update app.sessions set starts_at = starts_at where consultant_id = new.id;
  return null;
end;
$$;
comment on function app.rederive_local_times() is 'Trigger: a consultant''s timezone changed, so their rule slots are re-made and the other slots'' and sessions'' local columns recomputed. Definer: it fires on the consultant''s own timezone change and rewrites the local columns of their slots and sessions, which the app role may not write.';
create or replace function app.check_availability_rule() returns trigger
language plpgsql volatile security definer
set search_path = ''
as $$
begin
  -- A rule outside the horizon adds no slot but is still listed and scanned: their number is bounded too (under
  -- the slot lock, so racing inserts cannot both pass).
  if tg_op = 'INSERT' then
    perform app_private.lock_consultant_slots(new.consultant_id);
    if (select count(*) from app.availability_rules r where r.consultant_id = new.consultant_id)
       > app_private.setting_integer('max_availability_rules') then
      raise exception using errcode = 'NK422', message = 'too_many_rules',
        detail = format('A consultant keeps at most %s weekly rules; delete one you no longer use.',
                        app_private.setting_integer('max_availability_rules'));
    end if;
  end if;
  -- An active rule offers slots of at least min_slot_minutes, and all of the consultant's rules together stay
  -- under max_future_slots: a 5-minute rule over a year is ~30k slots to build and roll forward every day.
  -- Deactivating a rule is always allowed (it only takes slots away).
  if new.is_active then
    if new.slot_minutes < app_private.setting_integer('min_slot_minutes') then
      raise exception using errcode = 'NK422', message = 'slot_too_short', hint = 'field:slot_minutes',
        detail = format('Slots are at least %s minutes long.', app_private.setting_integer('min_slot_minutes'));
    end if;
    -- A change that does not add slots is always allowed: after a super admin lowers the cap, a consultant over
    -- it must still be able to edit their rules down, not only delete them.
    if tg_op = 'UPDATE' and (select app_private.rule_slot_count(new, t.today, c.max_days_ahead)
                                    <= app_private.rule_slot_count(old, t.today, c.max_days_ahead)
                             from app.consultants c
                             cross join lateral (select (now() at time zone c.timezone)::date as today) t
                             where c.id = new.consultant_id) then
      return null;
    end if;
    perform app_private.check_slot_budget(new.consultant_id, 'slot_minutes');
  end if;
  return null;
end;
$$;
comment on function app.check_availability_rule() is 'Trigger: an active weekly rule''s slots are long enough and keep the consultant under max_future_slots. Definer: a limit counts every rule and slot of the consultant, whatever the writer may see; it fires on the app role''s rule writes.';
create or replace function app.check_slot_budget() returns trigger
language plpgsql volatile security definer
set search_path = ''
as $$
begin
  -- A longer booking horizon makes the same rules offer more slots, and a one-off slot is one more: either
  -- keeps the consultant under max_future_slots, the refusal naming the field the request changed.
  if tg_table_name = 'consultants' then
    perform app_private.check_slot_budget(new.id, 'max_days_ahead');
  else
    perform app_private.check_slot_budget(new.consultant_id, 'starts_at');
  end if;
  return null;
end;
$$;
comment on function app.check_slot_budget() is 'Trigger: a longer booking horizon or a one-off slot keeps the consultant under max_future_slots. Definer: a limit counts every rule and slot of the consultant, whatever the writer may see; it fires on the app role''s slot and horizon writes.';


create or replace function app.check_capacity(p_session_type text, p_capacity integer)
returns void
language plpgsql immutable
set search_path = ''
as $$
begin
  if p_session_type = 'personal' and p_capacity <> 1 then
    raise exception using errcode = 'NK422', message = 'invalid_capacity',
      detail = 'A personal session takes one client: capacity must be 1.', hint = 'field:capacity';
  end if;
end;
$$;
comment on function app.check_capacity(text, integer) is 'Refuse a capacity other than 1 for personal sessions with a clear message (naming the field).';
grant execute on function app.check_capacity(text, integer) to nakksha_app;

create or replace function app.rematerialise_my_slots() returns void
language sql volatile security definer
set search_path = ''
as $$
  -- No argument: it acts on the calling consultant only, so the app role cannot re-derive anyone else's slots.
  select app_private.rematerialise_slots(c.id) from app.consultants c
  where c.id = app.current_consultant_id() and c.deleted_at is null
$$;
comment on function app.rematerialise_my_slots() is 'Bring the calling consultant''s future slots in line with their rules and blocked ranges (after an invoker rule or block write). Definer: the re-derivation lives in app_private, which no web role reaches; it takes no argument, so it acts on the caller only.';
grant execute on function app.rematerialise_my_slots() to nakksha_app;

-- Test: pytest tests/db/test_local_times.py tests/db/test_occupancy.py tests/db/test_slot_rollforward.py
