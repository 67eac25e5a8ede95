-- db/functions/free_slots.sql — the one definition of a free slot: the public slot list asks it for a range (api.public_slots), booking and moves for one slot (slot_is_free).

create or replace function app_private.expired_holds(p_slot_id uuid)
returns integer
language sql stable
set search_path = ''
as $$
  -- Pending bookings of a slot whose hold lapsed: they count for nothing (abandoned at the next booking).
  select count(*)::integer from app.sessions x
  where x.slot_id = p_slot_id and x.status = 'pending' and x.hold_expires_at <= now()
$$;
comment on function app_private.expired_holds is 'How many of a slot''s seats are held by pending bookings whose hold expired (free again).';

create or replace function app_private.slot_clear(p_consultant_id uuid, p_buffer_minutes integer, p_slot_id uuid,
                                                  p_session_type text, p_starts_at timestamptz, p_ends_at timestamptz,
                                                  p_ignore_session uuid)
returns boolean
language sql stable
set search_path = ''
as $$
  -- One slot's time asked exactly: not blocked, not busy on a connected calendar (cached by the
  -- refresh_calendar_busy job), and overlapping no live occupancy (the slot's buffer included) other than its own
  -- webinar seats and p_ignore_session (the booking being moved).
  select not exists (select 1 from app.availability_blocks b
                     where b.consultant_id = p_consultant_id
                       and tstzrange(b.starts_at, b.ends_at) && tstzrange(p_starts_at, p_ends_at))
    and not exists (select 1 from app.calendar_busy cb
                    where cb.consultant_id = p_consultant_id and cb.during && tstzrange(p_starts_at, p_ends_at, '[)'))
    and not exists (select 1 from app.sessions x
                    where x.consultant_id = p_consultant_id
                      and x.status in ('pending', 'confirmed', 'completed', 'no_show')
                      and not (x.status = 'pending' and x.hold_expires_at <= now())
                      and x.id is distinct from p_ignore_session
                      and x.occupied_during && tstzrange(p_starts_at, p_ends_at + make_interval(mins => p_buffer_minutes), '[)')
                      -- (a session with no slot, booked from the dashboard, blocks a webinar too)
                      and not (p_session_type = 'webinar' and x.slot_id is not distinct from p_slot_id))
$$;
comment on function app_private.slot_clear is 'Whether one slot''s time is clear of blocks, calendar busy time and other live occupancy (buffer included; its own webinar seats and p_ignore_session do not count): free_slots'' exact question for the slots its busy-time summary cannot settle.';

create or replace function app_private.free_slots(p_c app.consultants, p_session_type text, p_from timestamptz,
                                                  p_to timestamptz, p_limit integer, p_ignore_session uuid default null)
returns table (slot_id uuid, session_type text, starts_at timestamptz, ends_at timestamptz, capacity integer,
               remaining integer)
language plpgsql stable
set search_path = ''
as $$
declare
  -- Bookable now: within the consultant's notice and horizon.
  v_from timestamptz := greatest(p_from, now() + make_interval(mins => p_c.min_notice_minutes));
  v_last timestamptz := now() + make_interval(days => p_c.max_days_ahead);
  -- Busy time is gathered up to here: a slot ending later (one longer than a day) is asked exactly.
  v_reach timestamptz := least(p_to, v_last) + interval '1 day';
  v_buffer interval := make_interval(mins => p_c.buffer_minutes);
  v_busy tstzmultirange;
begin
  if v_from >= p_to or v_from > v_last then
    return;  -- nothing can start there (and the gathered range below would be backwards)
  end if;
  -- The consultant's busy time near the range, gathered once (usually a handful of rows) instead of three probes
  -- per slot: blocks, calendar busy time, and live occupancy moved earlier by the slot buffer (a session
  -- occupying [a, b) blocks a slot [s, e) when [s, e + buffer) meets it, that is when [a - buffer, b) meets [s, e)).
  select range_agg(u.during) into v_busy
  from (select tstzrange(b.starts_at, b.ends_at) as during from app.availability_blocks b
        where b.consultant_id = p_c.id and tstzrange(b.starts_at, b.ends_at) && tstzrange(v_from, v_reach)
        union all
        select cb.during from app.calendar_busy cb
        where cb.consultant_id = p_c.id and cb.during && tstzrange(v_from, v_reach)
        union all
        select tstzrange(lower(x.occupied_during) - v_buffer, upper(x.occupied_during),
                         case when lower_inc(x.occupied_during) then '[' else '(' end
                         || case when upper_inc(x.occupied_during) then ']' else ')' end)
        from app.sessions x
        where x.consultant_id = p_c.id
          and x.status in ('pending', 'confirmed', 'completed', 'no_show')
          and not (x.status = 'pending' and x.hold_expires_at <= now())
          and x.id is distinct from p_ignore_session
          and x.occupied_during && tstzrange(v_from, v_reach + v_buffer)) u;
  -- Offered, not full (an expired hold counts for nothing: it is abandoned at booking; counted only for slots with
  -- seats taken), and clear: a slot inside the gathered reach that meets no busy time is free; one that meets some
  -- is taken, unless it is a webinar (the busy time may be its own seats) or reaches past the gathered time: those
  -- are asked exactly.
  return query
  select s.id, s.session_type, s.starts_at, s.ends_at, s.capacity,
         s.capacity - s.booked_count + case when s.booked_count > 0 then app_private.expired_holds(s.id) else 0 end
  from app.availability_slots s
  where s.consultant_id = p_c.id
    and (p_session_type is null or s.session_type = p_session_type)
    and s.is_available
    and s.starts_at >= v_from and s.starts_at < p_to and s.starts_at <= v_last
    and (s.booked_count < s.capacity or s.booked_count - app_private.expired_holds(s.id) < s.capacity)
    and ((s.ends_at <= v_reach and (v_busy is null or not (v_busy && tstzrange(s.starts_at, s.ends_at))))
         or ((s.session_type = 'webinar' or s.ends_at > v_reach)
             and app_private.slot_clear(p_c.id, p_c.buffer_minutes, s.id, s.session_type, s.starts_at, s.ends_at,
                                        p_ignore_session)))
  order by s.starts_at, s.session_type
  limit p_limit;
end;
$$;
comment on function app_private.free_slots is 'A consultant''s free slots starting in [p_from, p_to), in order, at most p_limit (past, too-soon, full and taken ones left out; p_ignore_session''s own occupancy does not count). The one definition of a free slot.';

create or replace function app_private.slot_is_free(p_c app.consultants, p_s app.availability_slots, p_ignore_session uuid)
returns boolean
language sql stable
set search_path = ''
as $$
  -- free_slots asked about this one slot: the range that holds only its start time (and its type: one slot per
  -- consultant, type and start), so the answer is one index probe away.
  select exists (select 1 from app_private.free_slots(p_c, p_s.session_type, p_s.starts_at,
                                                      p_s.starts_at + interval '1 microsecond', 1, p_ignore_session) f
                 where f.slot_id = p_s.id)
$$;
comment on function app_private.slot_is_free is 'Whether a slot can be booked right now under the consultant''s policy (app_private.free_slots for one slot).';

-- Test: pytest tests/db/test_public_slots.py tests/db/test_booking_rules.py; python bench/slots_sql.py (old vs new)
