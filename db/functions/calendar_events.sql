-- db/functions/calendar_events.sql — calendar events and generated meetings: which event a session belongs on, queueing its sync, taking a slot's meeting, and the worker's steps that create, move and delete events.

-- Events and meetings ------------------------------------------------------------------------------------

create or replace function app_private.calendar_event_key(p_s app.sessions)
returns text
language sql immutable
set search_path = ''
as $$
  -- Webinar seats share their slot's one event (and meeting); anything else has its own.
  select case when p_s.session_type = 'webinar' and p_s.slot_id is not null then 'w:' || p_s.slot_id
              else 's:' || p_s.id end
$$;
comment on function app_private.calendar_event_key is 'The calendar event a session belongs on: s:<session> or, for a webinar seat, w:<slot>.';

create or replace function app_private.queue_calendar_sync_key(p_key text)
returns void
language plpgsql volatile
set search_path = ''
as $$
begin
  -- One waiting job per event (queueing lock), run one at a time (lock); the job reconciles to whatever
  -- the event should be when it runs, so replacing a waiting one loses nothing. Two transactions touching
  -- one event (two seats of a webinar confirmed at once) take turns here: without this lock the second
  -- could not see the first one's uncommitted job to cancel it, and its insert would then fail on the
  -- queueing lock once the first commits, failing the booking or payment with it.
  perform pg_advisory_xact_lock(hashtext('calendar:' || p_key));
  perform app_private.cancel_queued_jobs('calendar:' || p_key);
  perform app_private.defer_job('sync_calendar_event', jsonb_build_object('event_key', p_key), 'calendar',
                                null, 'calendar:' || p_key, 'calendar:' || p_key);
end;
$$;
comment on function app_private.queue_calendar_sync_key is 'Queue (or replace) the job that brings one calendar event in line with its session(s).';

create or replace function app_private.queue_calendar_sync(p_s app.sessions)
returns void
language plpgsql volatile
set search_path = ''
as $$
declare
  v_key text := app_private.calendar_event_key(p_s);
begin
  -- Only when there is a calendar to write to, or an event of ours to move or remove.
  if exists (select 1 from app.calendar_connections c where c.consultant_id = p_s.consultant_id and c.status = 'connected')
     or exists (select 1 from app.calendar_events e where e.event_key = v_key) then
    perform app_private.queue_calendar_sync_key(v_key);
  end if;
end;
$$;
comment on function app_private.queue_calendar_sync is 'Called by the sessions trigger: queue the calendar sync of a session''s event if a calendar is involved.';

create or replace function app_private.meeting_provider(p_platform text)
returns text
language sql immutable
set search_path = ''
as $$
  select case p_platform when 'meet' then 'google' when 'teams' then 'microsoft' end
$$;
comment on function app_private.meeting_provider is 'Which connected account creates meetings for a platform (Meet: Google, Teams: Microsoft; Zoom: none).';

create or replace function app_private.prepare_meeting(p_s app.sessions)
returns app.sessions
language plpgsql volatile
set search_path = ''
as $$
declare
  v_provider text := app_private.meeting_provider(p_s.meeting_platform);
  v_e app.calendar_events;
begin
  -- A webinar seat whose slot already has a generated meeting joins it at once: nothing to wait for.
  if v_provider is null or p_s.meeting_source = v_provider then
    return p_s;
  end if;
  select * into v_e from app.calendar_events
  where event_key = app_private.calendar_event_key(p_s) and provider = v_provider and meeting_link is not null;
  if v_e.meeting_link is not null then
    update app.sessions set meeting_link = v_e.meeting_link, meeting_id = v_e.meeting_id,
      meeting_password = v_e.meeting_password, meeting_source = v_provider
    where id = p_s.id returning * into p_s;
  end if;
  return p_s;
end;
$$;
comment on function app_private.prepare_meeting is 'A just-confirmed session: take its slot''s existing generated meeting, if there is one.';

create or replace function app_private.meeting_wait(p_s app.sessions)
returns interval
language sql stable
set search_path = ''
as $$
  -- Confirmation mail waits for a generated link only when one is coming: the platform is Meet or Teams,
  -- that account is connected, and the session has no generated link yet. The wait is bounded: after it
  -- the mail goes with the personal link.
  select make_interval(secs => coalesce((select (s.value #>> '{}')::integer from app.platform_settings s
                                          where s.key = 'meeting_link_wait_seconds'), 120))
  where app_private.meeting_provider(p_s.meeting_platform) is not null
    and p_s.meeting_source is distinct from app_private.meeting_provider(p_s.meeting_platform)
    and exists (select 1 from app.calendar_connections c where c.consultant_id = p_s.consultant_id
                  and c.provider = app_private.meeting_provider(p_s.meeting_platform) and c.status = 'connected')
$$;
comment on function app_private.meeting_wait is 'How long a confirmation mail waits for a meeting link being generated (NULL: no wait).';

create or replace function api.worker_calendar_plan(p_event_key text)
returns jsonb
language plpgsql stable security invoker
set search_path = ''
as $$
declare
  v_kind text := split_part(p_event_key, ':', 1);
  v_id uuid := split_part(p_event_key, ':', 2)::uuid;
  v_consultant uuid;
  v_first app.sessions;
  v_count integer;
  v_starts timestamptz;
  v_ends timestamptz;
  v_summary text;
  v_description text;
begin
  -- What the event should be now: wanted while its session (or one of its webinar's seats) is booked.
  if v_kind = 's' then
    select * into v_first from app.sessions where id = v_id;
    v_consultant := v_first.consultant_id;
    v_count := case when v_first.status in ('confirmed', 'completed', 'no_show') then 1 else 0 end;
    v_starts := v_first.starts_at;
    v_ends := v_first.ends_at;
  else
    select sl.consultant_id, sl.starts_at, sl.ends_at into v_consultant, v_starts, v_ends
    from app.availability_slots sl where sl.id = v_id;
    select * into v_first from app.sessions where slot_id = v_id and status in ('confirmed', 'completed', 'no_show')
    order by created_at limit 1;
    select count(*) into v_count from app.sessions where slot_id = v_id and status in ('confirmed', 'completed', 'no_show');
    if v_first.id is null then
      select * into v_first from app.sessions where slot_id = v_id order by created_at limit 1;
    end if;
    v_consultant := coalesce(v_consultant, v_first.consultant_id);
    v_starts := coalesce(v_starts, v_first.starts_at);
    v_ends := coalesce(v_ends, v_first.ends_at);
  end if;
  if v_consultant is null then
    return jsonb_build_object('event_key', p_event_key, 'wanted', false, 'connections', '[]'::jsonb,
      'events', coalesce((select jsonb_agg(jsonb_build_object('provider', e.provider, 'event_id', e.external_event_id))
                          from app.calendar_events e where e.event_key = p_event_key), '[]'));
  end if;
  if v_kind = 's' then
    select format('%s with %s', coalesce(v_first.title, 'Session'), cl.name),
           format(E'Client: %s <%s>\nBooked through Nakksha.%s', cl.name, cl.email,
                  coalesce(E'\nNotes: ' || v_first.notes, ''))
    into v_summary, v_description from app.clients cl where cl.id = v_first.client_id;
  else
    v_summary := format('%s (webinar)', coalesce(v_first.title, 'Webinar'));
    v_description := 'Webinar booked through Nakksha.';
  end if;
  return jsonb_build_object(
    'event_key', p_event_key, 'consultant_id', v_consultant, -- Kept while it happened or will happen (a session marked completed keeps its event); never created
    -- for the past; removed when cancelled.
    'wanted', v_count > 0 and (v_ends > now() or exists (select 1 from app.calendar_events e where e.event_key = p_event_key)),
    'starts_at', v_starts, 'ends_at', v_ends, 'summary', v_summary, 'description', v_description,
    'timezone', (select c.timezone from app.consultants c where c.id = v_consultant),
    'meeting_provider', app_private.meeting_provider(v_first.meeting_platform),
    'connections', coalesce((select jsonb_agg(jsonb_build_object('id', c.id, 'provider', c.provider) order by c.provider)
                             from app.calendar_connections c
                             where c.consultant_id = v_consultant and c.status = 'connected'), '[]'),
    'events', coalesce((select jsonb_agg(jsonb_build_object('provider', e.provider, 'event_id', e.external_event_id,
                                                            'starts_at', e.starts_at, 'ends_at', e.ends_at,
                                                            'meeting_link', e.meeting_link))
                        from app.calendar_events e where e.event_key = p_event_key), '[]'));
end;
$$;
comment on function api.worker_calendar_plan is 'Worker: what one calendar event should be (times, text, meeting wanted) and what exists of it now.';

create or replace function api.worker_calendar_event_synced(
  p_event_key text, p_provider text, p_event_id text, p_starts_at timestamptz, p_ends_at timestamptz,
  p_meeting_link text, p_meeting_id text, p_meeting_password text
) returns integer
language plpgsql volatile security invoker
set search_path = ''
as $$
declare
  v_kind text := split_part(p_event_key, ':', 1);
  v_id uuid := split_part(p_event_key, ':', 2)::uuid;
  v_consultant uuid;
  v_sessions uuid[];
  v_log record;
  v_released integer := 0;
begin
  select s.consultant_id into v_consultant from app.sessions s
  where (v_kind = 's' and s.id = v_id) or (v_kind = 'w' and s.slot_id = v_id) limit 1;
  insert into app.calendar_events as e (consultant_id, event_key, provider, external_event_id, starts_at, ends_at,
                                        meeting_link, meeting_id, meeting_password, synced_at)
  values (v_consultant, p_event_key, p_provider, p_event_id, p_starts_at, p_ends_at, p_meeting_link, p_meeting_id,
          p_meeting_password, now())
  on conflict (event_key, provider) do update set external_event_id = excluded.external_event_id,
    starts_at = excluded.starts_at, ends_at = excluded.ends_at,
    meeting_link = coalesce(excluded.meeting_link, e.meeting_link), meeting_id = coalesce(excluded.meeting_id, e.meeting_id),
    meeting_password = coalesce(excluded.meeting_password, e.meeting_password), synced_at = now();
  if p_meeting_link is null then
    return 0;
  end if;
  -- The generated meeting replaces the personal link on every live session of the event whose platform
  -- this provider serves...
  with changed as (
    update app.sessions s set meeting_link = p_meeting_link, meeting_id = p_meeting_id,
      meeting_password = p_meeting_password, meeting_source = p_provider
    where ((v_kind = 's' and s.id = v_id) or (v_kind = 'w' and s.slot_id = v_id))
      and s.status in ('pending', 'confirmed')
      and app_private.meeting_provider(s.meeting_platform) = p_provider
      -- A link that arrives after the confirmation went out (the wait ran out, the provider was down) does
      -- not replace the one the client and consultant were given: the event keeps its meeting regardless.
      and not exists (select 1 from app.email_logs l where l.session_id = s.id
                        and l.email_type = 'session_confirmation' and l.status in ('sent', 'delivered'))
    returning s.id)
  select array_agg(id) into v_sessions from changed;
  -- ...and the mails waiting for it carry it and go now rather than at the end of their wait.
  for v_log in
    select l.id from app.email_logs l
    where l.session_id = any(v_sessions) and l.status = 'queued'
      and l.email_type in ('session_confirmation', 'session_booked', 'session_reminder')
    for update
  loop
    update app.email_logs set template_data = template_data || jsonb_build_object(
      'meeting_link', p_meeting_link, 'meeting_id', p_meeting_id, 'meeting_password', p_meeting_password)
    where id = v_log.id;
    v_released := v_released + app_private.run_waiting_job_now('send_email', jsonb_build_object('email_log_id', v_log.id));
  end loop;
  return v_released;
end;
$$;
comment on function api.worker_calendar_event_synced is 'Worker: record an event as created or moved; a generated meeting goes onto its sessions and releases their waiting mails.';

create or replace function api.worker_calendar_event_deleted(p_event_key text, p_provider text)
returns void
language sql volatile security invoker
set search_path = ''
as $$
  delete from app.calendar_events where event_key = p_event_key and provider = p_provider
$$;
comment on function api.worker_calendar_event_deleted is 'Worker: an event removed from the provider''s calendar (or found gone).';

grant execute on function api.worker_calendar_plan(text),
  api.worker_calendar_event_synced(text, text, text, timestamptz, timestamptz, text, text, text),
  api.worker_calendar_event_deleted(text, text) to nakksha_worker;

-- Test: pytest tests/jobs/test_calendar.py
