-- db/functions/booking.sql — the public page: a consultant's profile, free slots, booking with a hold, the client's manage link.

create or replace function app_private.published_consultant(p_slug text)
returns app.consultants
language plpgsql stable
set search_path = ''
as $$
declare
  v_c app.consultants;
begin
  -- Only approved, active, not deleted consultants have a public page; anything else is simply not found.
  select * into v_c from app.consultants
  where slug = lower(p_slug) and approval_status = 'approved' and is_active and deleted_at is null;
  if v_c.id is null then
    raise exception using errcode = 'NK404', message = 'not_found', detail = 'No such consultant page.';
  end if;
  return v_c;
end;
$$;
comment on function app_private.published_consultant is 'The consultant published at a slug, or NK404.';

create or replace function app_private.hold_minutes(p_c app.consultants)
returns integer
language sql stable
set search_path = ''
as $$
  select coalesce(p_c.hold_minutes,
                  (select (s.value #>> '{}')::integer from app.platform_settings s where s.key = 'default_hold_minutes'), 15)
$$;
comment on function app_private.hold_minutes is 'How long a pending booking holds its slot: the consultant''s setting, else the platform default.';

create or replace function api.public_consultant(p_slug text)
returns jsonb
language plpgsql stable security definer
set search_path = ''
as $$
declare
  v_c app.consultants := app_private.published_consultant(p_slug);
begin
  return jsonb_build_object(
    'slug', v_c.slug, 'first_name', v_c.first_name, 'last_name', v_c.last_name,
    'profile_photo_url', v_c.profile_photo_url, 'consultancy_sector', v_c.consultancy_sector,
    'description', v_c.description, 'experience_months', v_c.experience_months,
    'personal_session_title', v_c.personal_session_title, 'webinar_session_title', v_c.webinar_session_title,
    'personal_session_price', v_c.personal_session_price, 'webinar_session_price', v_c.webinar_session_price,
    'currency', v_c.currency, 'timezone', v_c.timezone,
    'instagram_url', v_c.instagram_url, 'linkedin_url', v_c.linkedin_url, 'twitter_url', v_c.twitter_url,
    'booking_policy', jsonb_build_object('min_notice_minutes', v_c.min_notice_minutes,
      'max_days_ahead', v_c.max_days_ahead, 'client_cutoff_hours', v_c.cancellation_policy->'client_cutoff_hours',
      'refund_ladder', v_c.cancellation_policy->'refund_ladder',
      'max_reschedules', v_c.cancellation_policy->'max_reschedules'));
end;
$$;
comment on function api.public_consultant is 'A published consultant''s public profile (404 unless approved and active).';

create or replace function app_private.free_slots(p_c app.consultants, p_session_type text, p_from timestamptz,
                                                  p_to timestamptz, p_limit integer, p_ignore_session uuid default null)
returns table (slot_id uuid, session_type text, starts_at timestamptz, ends_at timestamptz, capacity integer,
               remaining integer)
language sql stable
set search_path = ''
as $$
  -- The one definition of a free slot: the slot list asks it for a range, and slot_is_free (booking, a paid
  -- booking whose hold lapsed, a move) for one slot. Bookable now: within the consultant's notice and horizon,
  -- offered, not full, not blocked, not busy on a connected calendar, and overlapping no live occupancy (buffer
  -- included) other than its own webinar seats and p_ignore_session (the booking being moved). An expired hold
  -- counts for nothing: it is abandoned at booking. Set-based, so the list costs one query, not one per slot.
  select s.id, s.session_type, s.starts_at, s.ends_at, s.capacity,
         s.capacity - s.booked_count + coalesce(h.expired, 0)::integer
  from app.availability_slots s
  left join lateral (select count(*) as expired from app.sessions x
                     where x.slot_id = s.id and x.status = 'pending' and x.hold_expires_at <= now()) h on true
  where s.consultant_id = p_c.id
    and (p_session_type is null or s.session_type = p_session_type)
    and s.is_available
    and s.starts_at >= greatest(p_from, now() + make_interval(mins => p_c.min_notice_minutes))
    and s.starts_at < p_to
    and s.starts_at <= now() + make_interval(days => p_c.max_days_ahead)
    and s.booked_count - coalesce(h.expired, 0) < s.capacity
    and not exists (select 1 from app.availability_blocks b
                    where b.consultant_id = p_c.id and tstzrange(b.starts_at, b.ends_at) && tstzrange(s.starts_at, s.ends_at))
    -- Busy on a connected Google or Microsoft calendar (cached by the refresh_calendar_busy job).
    and not exists (select 1 from app.calendar_busy cb
                    where cb.consultant_id = p_c.id and cb.during && tstzrange(s.starts_at, s.ends_at, '[)'))
    and not exists (select 1 from app.sessions x
                    where x.consultant_id = p_c.id
                      and x.status in ('pending', 'confirmed', 'completed', 'no_show')
                      and not (x.status = 'pending' and x.hold_expires_at <= now())
                      and x.id is distinct from p_ignore_session
                      and x.occupied_during && tstzrange(s.starts_at, s.ends_at + make_interval(mins => p_c.buffer_minutes), '[)')
                      and not (s.session_type = 'webinar' and x.slot_id = s.id))
  order by s.starts_at, s.session_type
  limit p_limit
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

create or replace function api.public_slots(p_slug text, p_session_type text, p_from timestamptz, p_to timestamptz)
returns jsonb
language plpgsql stable security definer
set search_path = ''
as $$
declare
  v_c app.consultants := app_private.published_consultant(p_slug);
  -- One answer covers at most 31 days (a wider range is clamped: the answer says its own end) and 1000 slots.
  v_widest constant interval := interval '31 days';
  v_most constant integer := 1000;
  v_from timestamptz := coalesce(p_from, now());
  v_to timestamptz;
  v_width interval;
  v_items jsonb;
  v_count integer;
  v_last timestamptz;
begin
  if p_to is not null and p_to <= v_from then
    raise exception using errcode = 'NK422', message = 'validation_error', detail = 'to must be after from.',
      hint = 'field:to';
  end if;
  v_to := least(coalesce(p_to, v_from + interval '7 days'), v_from + v_widest);
  v_width := v_to - v_from;
  -- One slot more than a page says whether the range holds more: then the answer ends where that slot's start
  -- time begins (a personal slot and a webinar may share it), and `next` carries on from there. Never a silent cut.
  select coalesce(jsonb_agg(to_jsonb(f) order by f.starts_at, f.session_type), '[]'), count(*), max(f.starts_at)
  into v_items, v_count, v_last
  from app_private.free_slots(v_c, p_session_type, v_from, v_to, v_most + 1) f;
  if v_count > v_most and v_last > v_from then
    v_to := v_last;
    select coalesce(jsonb_agg(e.item order by e.n), '[]') into v_items
    from jsonb_array_elements(v_items) with ordinality as e(item, n)
    where (e.item->>'starts_at')::timestamptz < v_last;
  end if;
  -- Nothing starting after the booking horizon can be booked: there the paging ends.
  return jsonb_build_object('from', v_from, 'to', v_to, 'items', v_items,
    'next', case when v_to <= now() + make_interval(days => v_c.max_days_ahead)
                 then jsonb_build_object('from', v_to, 'to', v_to + v_width) end);
end;
$$;
comment on function api.public_slots is 'One page of a published consultant''s free slots: those starting in [from, to) (at most 31 days and 1000 slots; the answer states the range it covers) and the next range, or null past the booking horizon.';

create or replace function app_private.abandon_expired_holds(p_consultant_id uuid)
returns integer
language sql volatile
set search_path = ''
as $$
  with gone as (
    update app.sessions set status = 'abandoned'
    where status = 'pending' and hold_expires_at <= now()
      and (p_consultant_id is null or consultant_id = p_consultant_id)
    returning 1)
  select count(*)::integer from gone
$$;
comment on function app_private.abandon_expired_holds is 'Pending bookings whose hold expired become abandoned (their slot is free again).';

create or replace function api.abandon_expired_holds()
returns integer
language sql volatile security definer
set search_path = ''
as $$ select app_private.abandon_expired_holds(null) $$;
comment on function api.abandon_expired_holds is 'The every-minute sweeper for expired holds.';

create or replace function app_private.booking_json(p_s app.sessions)
returns jsonb
language sql stable
set search_path = ''
as $$
  -- Only what the visitor gave or booked: nothing of the consultant's other dealings with the address (a
  -- "repeat client" flag here told any stranger, for the price of a throwaway hold, who is already a client).
  select jsonb_build_object('session_id', p_s.id, 'status', p_s.status, 'payment_status', p_s.payment_status,
    'session_type', p_s.session_type, 'title', p_s.title, 'starts_at', p_s.starts_at, 'ends_at', p_s.ends_at,
    'duration_minutes', p_s.duration_minutes, 'hold_expires_at', case when p_s.status = 'pending' then p_s.hold_expires_at end,
    'amount', p_s.amount, 'currency', p_s.currency,
    'reschedule_count', p_s.reschedule_count, 'meeting_link', case when p_s.status = 'confirmed' then p_s.meeting_link end,
    'consultant', (select jsonb_build_object('slug', c.slug, 'first_name', c.first_name, 'last_name', c.last_name,
                     'timezone', c.timezone) from app.consultants c where c.id = p_s.consultant_id),
    -- Who booked, as they typed it (a public booking never renames the client record); else the record.
    'client', (select jsonb_build_object('name', coalesce(p_s.client_name, cl.name), 'email', coalesce(p_s.client_email, cl.email)::text)
               from app.clients cl where cl.id = p_s.client_id),
    -- Whether Checkout may still take the money: a pending booking whose hold lasts, its order unpaid. Decided
    -- here, where the hold is kept; the app only builds Checkout's options when this says so. (A replayed
    -- Idempotency-Key answers the first answer, this flag as it was then.)
    'payable', p_s.status = 'pending' and p_s.hold_expires_at > now()
               and coalesce((select t.status in ('pending', 'failed') from app.payment_transactions t
                             where t.session_id = p_s.id and not coalesce((t.metadata->>'duplicate')::boolean, false)
                             order by t.created_at limit 1), false),
    -- The order to pay (Checkout needs its id and the amount in paise), or what became of the payment.
    'payment', (select jsonb_build_object('transaction_id', t.id, 'status', t.status, 'gateway', t.gateway,
                  'order_id', t.gateway_order_id, 'amount', t.amount, 'amount_paise', (t.amount * 100)::bigint,
                  'currency', t.currency, 'amount_refunded', t.amount_refunded, 'failure_reason', t.failure_reason)
                from app.payment_transactions t
                where t.session_id = p_s.id and not coalesce((t.metadata->>'duplicate')::boolean, false)
                order by t.created_at limit 1))
$$;
comment on function app_private.booking_json is 'A booking as its client sees it (with its payment): the public booking answer, the manage link, payment verification; nothing about the consultant''s other dealings with the email.';

create or replace function app_private.bookable_slot(p_c app.consultants, p_slot_id uuid, p_session_type text,
                                                     p_lock boolean)
returns app.availability_slots
language plpgsql volatile
set search_path = ''
as $$
declare
  v_slot app.availability_slots;
begin
  if p_lock then
    select * into v_slot from app.availability_slots where id = p_slot_id and consultant_id = p_c.id for update;
  else
    select * into v_slot from app.availability_slots where id = p_slot_id and consultant_id = p_c.id;
  end if;
  if v_slot.id is null then
    raise exception using errcode = 'NK404', message = 'slot_not_found', detail = 'No such slot.', hint = 'field:slot_id';
  end if;
  if v_slot.session_type <> p_session_type then
    raise exception using errcode = 'NK422', message = 'session_type_mismatch',
      detail = format('That slot is for a %s session.', v_slot.session_type), hint = 'field:session_type';
  end if;
  if not app_private.slot_is_free(p_c, v_slot, null) then
    raise exception using errcode = 'NK409',
      message = case when v_slot.session_type = 'webinar' and v_slot.booked_count >= v_slot.capacity then 'slot_full'
                     else 'slot_taken' end,
      detail = 'That time is no longer available; please pick another.', hint = 'field:slot_id';
  end if;
  return v_slot;
end;
$$;
comment on function app_private.bookable_slot is 'The consultant''s slot if it can be booked now with this session type (optionally locked), else NK404/NK422/NK409.';

-- Idempotency-Keys ---------------------------------------------------------------------------------------

create or replace function app_private.claim_idempotency_key(p_consultant_id uuid, p_scope text, p_key text,
                                                             p_request_sha256 bytea)
returns jsonb
language plpgsql volatile
set search_path = ''
as $$
declare
  v_k app.idempotency_keys;
begin
  -- Keys belong to one consultant's page and one operation. A new key is claimed by this request (NULL is
  -- returned) before anything is asked of the gateway; so is a key past its 24 hours (it counts as absent) and
  -- a claim left unanswered for a minute (its request died before booking: nothing was booked under it).
  insert into app.idempotency_keys as k (consultant_id, scope, key, request_sha256)
  values (p_consultant_id, p_scope, p_key, p_request_sha256)
  on conflict (consultant_id, scope, key) do update
    set request_sha256 = excluded.request_sha256, response = null, status_code = null, manage_link_encrypted = null,
        created_at = now(), claimed_at = now()
    where k.created_at <= now() - interval '24 hours'
       or (k.response is null and k.claimed_at <= now() - interval '1 minute')
  returning * into v_k;
  if found then
    return null;
  end if;
  select * into v_k from app.idempotency_keys k
  where k.consultant_id = p_consultant_id and k.scope = p_scope and k.key = p_key;
  return app_private.idempotent_replay(v_k, p_request_sha256);
end;
$$;
comment on function app_private.claim_idempotency_key is 'Claim an Idempotency-Key for this request (NULL), or the replay of its answer; NK422 when it was used for another request, NK409 while its first request runs.';

create or replace function app_private.idempotent_replay(p_k app.idempotency_keys, p_request_sha256 bytea)
returns jsonb
language plpgsql immutable
set search_path = ''
as $$
begin
  -- The first answer exactly as given (its status, its body, the manage link it carried), never another
  -- request's: a key sent again with a different request is refused before any order is made.
  if p_k.request_sha256 <> p_request_sha256 then
    raise exception using errcode = 'NK422', message = 'idempotency_key_reused',
      detail = 'This Idempotency-Key was used with a different request.';
  end if;
  if p_k.response is null then
    raise exception using errcode = 'NK409', message = 'idempotency_key_in_use',
      detail = 'A request with this Idempotency-Key is still being answered; try again in a few seconds.';
  end if;
  return jsonb_build_object('status_code', p_k.status_code, 'response', p_k.response,
                            'manage_link_encrypted', p_k.manage_link_encrypted);
end;
$$;
comment on function app_private.idempotent_replay is 'The replay of an answered Idempotency-Key ({status_code, response, manage_link_encrypted}); NK422 for another request, NK409 while unanswered.';

create or replace function api.release_idempotency_key(p_slug text, p_key text, p_request_sha256 bytea)
returns void
language sql volatile security definer
set search_path = ''
as $$
  -- A booking refused after its key was claimed (the gateway down, the slot taken meanwhile) leaves nothing
  -- behind: the same request may be sent again with its key and is booked then.
  delete from app.idempotency_keys k
  using app.consultants c
  where c.slug = lower(p_slug) and k.consultant_id = c.id and k.scope = 'book_slot' and k.key = p_key
    and k.request_sha256 = p_request_sha256 and k.response is null
$$;
comment on function api.release_idempotency_key is 'Free the claim of a booking request that was refused, so its retry is booked (answered keys stay).';

create or replace function api.prune_idempotency_keys()
returns integer
language sql volatile security definer
set search_path = ''
as $$
  with gone as (delete from app.idempotency_keys where created_at < now() - interval '24 hours' returning 1)
  select count(*)::integer from gone
$$;
comment on function api.prune_idempotency_keys is 'Delete Idempotency-Keys older than 24 hours (they already count as absent); run nightly.';

create or replace function api.forget_hold_addresses()
returns integer
language sql volatile security definer
set search_path = ''
as $$
  -- The keyed hash of a visitor's address only counts the holds they keep open; once a session is no longer
  -- a live hold (paid, abandoned, cancelled) it has no use, and is not kept.
  with gone as (update app.sessions set client_ip_hash = null
                where client_ip_hash is not null and (status <> 'pending' or hold_expires_at < now() - interval '1 hour')
                returning 1)
  select count(*)::integer from gone
$$;
comment on function api.forget_hold_addresses is 'Drop the address hash of sessions that are no longer open holds; run nightly.';

-- Limits against abuse --------------------------------------------------------------------------------------

create or replace function app_private.too_many(p_code text, p_detail text, p_wait_seconds numeric)
returns void
language plpgsql immutable
set search_path = ''
as $$
begin
  -- NK429 with the seconds to wait in the hint; the app answers them as Retry-After.
  raise exception using errcode = 'NK429', message = p_code, detail = p_detail,
    hint = 'retry_after:' || greatest(1, ceil(coalesce(p_wait_seconds, 60)))::integer;
end;
$$;
comment on function app_private.too_many is 'Raise NK429 with Retry-After seconds (at least 1).';

create or replace function app_private.counter_wait(p_bucket text, p_setting text, p_window_seconds integer)
returns integer
language sql stable
set search_path = ''
as $$
  -- Read-only twin of api.hit_rate_limit: the seconds left in the current window when the bucket has already
  -- reached the setting's limit, else 0. A quote looks; only the booking itself counts.
  select coalesce((select greatest(1, ceil(extract(epoch from h.window_start
                                                   + make_interval(secs => p_window_seconds) - now())))::integer
                   from app.rate_limit_hits h
                   where h.bucket = p_bucket
                     and h.window_start = to_timestamp(floor(extract(epoch from now()) / p_window_seconds) * p_window_seconds)
                     and h.hits >= app_private.setting_integer(p_setting)), 0)
$$;
comment on function app_private.counter_wait is 'Seconds until a rate-limit bucket''s window ends if it is already full under the setting, else 0 (counts nothing).';

create or replace function app_private.mailbox_key(p_email text)
returns text
language sql immutable
set search_path = ''
as $$
  -- One inbox however its address is spelled: case, a +tag (Gmail, Outlook, Fastmail and most providers
  -- deliver name+anything@ to name@) and Gmail's dots. Per-email limits count this, so victim+1@, victim+2@ …
  -- do not each get a fresh allowance; and it is a hash, so a rate-limit counter never holds an address.
  select encode(pg_catalog.sha256(convert_to('mailbox:' ||
           case when m[2] in ('gmail.com', 'googlemail.com')
                then replace(split_part(m[1], '+', 1), '.', '') || '@gmail.com'
                else split_part(m[1], '+', 1) || '@' || m[2] end, 'UTF8')), 'hex')
  from (select coalesce(regexp_match(lower(btrim(p_email)), '^(.*)@([^@]*)$'), array[lower(btrim(p_email)), '']) as m) e
$$;
comment on function app_private.mailbox_key is 'A hash naming the mailbox an address reaches (case, +tags and Gmail dots folded): what per-email limits count.';

create or replace function app_private.check_unpaid_holds(p_c app.consultants, p_email text, p_ip_hash bytea)
returns void
language plpgsql stable
set search_path = ''
as $$
declare
  v_count integer;
  v_first timestamptz;
begin
  -- A mailbox (however its address is spelled: mailbox_key) and an address may each keep only so many unpaid
  -- holds open on one consultant's page. Exact when called under the consultant's booking lock (book_slot); the
  -- answer says when the first of those holds runs out. Open holds are few, so they are all looked at.
  if p_email is not null then
    select count(*), min(s.hold_expires_at) into v_count, v_first
    from app.sessions s join app.clients cl on cl.id = s.client_id
    where s.consultant_id = p_c.id and s.status = 'pending' and s.hold_expires_at > now()
      and app_private.mailbox_key(cl.email) = app_private.mailbox_key(p_email);
    if v_count >= app_private.setting_integer('unpaid_holds_per_email') then
      perform app_private.too_many('too_many_holds',
        'This email already holds unpaid bookings here; pay for one or wait until a hold runs out.',
        extract(epoch from v_first - now()));
    end if;
  end if;
  if p_ip_hash is not null then
    select count(*), min(s.hold_expires_at) into v_count, v_first from app.sessions s
    where s.consultant_id = p_c.id and s.client_ip_hash = p_ip_hash and s.status = 'pending'
      and s.hold_expires_at > now();
    if v_count >= app_private.setting_integer('unpaid_holds_per_ip') then
      perform app_private.too_many('too_many_holds',
        'Too many unpaid bookings from your network are held here; pay for one or wait until a hold runs out.',
        extract(epoch from v_first - now()));
    end if;
  end if;
end;
$$;
comment on function app_private.check_unpaid_holds is 'NK429 too_many_holds when the client or the address already keeps the most unpaid holds allowed on this consultant''s page.';

create or replace function app_private.check_booking_limits(p_c app.consultants, p_email text, p_ip_hash bytea,
                                                            p_free boolean)
returns void
language plpgsql volatile
set search_path = ''
as $$
declare
  v_wait integer;
begin
  -- Before a gateway order is made (the quote): the open holds, the booking mails the address already
  -- received today (a free booking mails at once), then this attempt counts against the hourly limits per
  -- address and per email across all pages. Each counter is one upsert, so racing requests serialise on it
  -- and never pass the limit; a refused attempt rolls back and counts nothing.
  if not p_free then
    perform app_private.check_unpaid_holds(p_c, p_email, p_ip_hash);
  else
    v_wait := app_private.counter_wait(app_private.recipient_mail_bucket(p_email),
                                       'booking_emails_per_recipient_per_day', 86400);
    if v_wait > 0 then
      perform app_private.too_many('rate_limited',
        'This email address has received the most booking emails allowed today; try again tomorrow.', v_wait);
    end if;
  end if;
  if p_ip_hash is not null then
    v_wait := api.hit_rate_limit('public_booking:ip:' || encode(p_ip_hash, 'hex'), 30, 3600,
                                 'public_bookings_per_ip_per_hour');
    if v_wait > 0 then
      perform app_private.too_many('rate_limited', 'Too many bookings from your network; please try again later.', v_wait);
    end if;
  end if;
  v_wait := api.hit_rate_limit('public_booking:email:' || app_private.mailbox_key(p_email), 10, 3600,
                               'public_bookings_per_email_per_hour');
  if v_wait > 0 then
    perform app_private.too_many('rate_limited', 'Too many bookings for this email address; please try again later.', v_wait);
  end if;
end;
$$;
comment on function app_private.check_booking_limits is 'The limits a public booking meets before its gateway order: open holds or today''s booking mails to the address, then one hit on the hourly per-address and per-email counters (NK429 with Retry-After).';

-- Booking ------------------------------------------------------------------------------------------------

create or replace function api.booking_quote(p_slug text, p_slot_id uuid, p_session_type text, p_client_email text,
                                             p_client_ip_hash bytea, p_idempotency_key text, p_request_sha256 bytea)
returns jsonb
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_c app.consultants := app_private.published_consultant(p_slug);
  v_slot app.availability_slots;
  v_replay jsonb;
  v_amount numeric(10, 2);
begin
  -- Before a gateway order is created: a retried request gets its first answer (and is never limited), the key
  -- is claimed so a concurrent or different request with it makes no order, the limits are met, and a slot that
  -- is already gone is refused without an order made for nothing. book_slot decides again, under locks.
  if p_idempotency_key is not null then
    v_replay := app_private.claim_idempotency_key(v_c.id, 'book_slot', p_idempotency_key, p_request_sha256);
    if v_replay is not null then
      return jsonb_build_object('replay', v_replay);
    end if;
  end if;
  select * into v_slot from app.availability_slots where id = p_slot_id and consultant_id = v_c.id;
  v_amount := case v_slot.session_type when 'personal' then v_c.personal_session_price
                                       when 'webinar' then v_c.webinar_session_price end;
  if v_slot.id is not null then
    perform app_private.check_booking_limits(v_c, lower(btrim(p_client_email)), p_client_ip_hash, v_amount = 0);
  end if;
  v_slot := app_private.bookable_slot(v_c, p_slot_id, p_session_type, false);
  return jsonb_build_object('session_id', gen_random_uuid(), 'amount', v_amount::text,
    'amount_paise', (v_amount * 100)::bigint, 'currency', v_c.currency,
    'consultant_id', v_c.id, 'consultant_name', v_c.first_name || ' ' || v_c.last_name,
    'title', case v_slot.session_type when 'personal' then coalesce(v_c.personal_session_title, 'One-to-one session') else coalesce(v_c.webinar_session_title, 'Webinar') end);
end;
$$;
comment on function api.booking_quote is 'Before the gateway order: the replayed answer of a known Idempotency-Key, or the key claimed, the abuse limits met, and the price and new session id; refuses a slot already gone.';

create or replace function api.book_slot(
  p_slug text, p_slot_id uuid, p_session_type text, p_client_name text, p_client_email text,
  p_client_phone_encrypted bytea, p_client_phone_hash bytea, p_notes text, p_manage_token_hash bytea,
  p_manage_link_encrypted text, p_idempotency_key text, p_request_sha256 bytea,
  p_session_id uuid, p_gateway text, p_order_id text, p_amount_paise bigint, p_client_timezone text default null,
  p_client_ip_hash bytea default null
) returns jsonb
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_c app.consultants := app_private.published_consultant(p_slug);
  v_email text := lower(btrim(p_client_email));
  v_k app.idempotency_keys;
  v_replay jsonb;
  v_slot app.availability_slots;
  v_client uuid;
  v_repeat boolean;
  v_amount numeric(10, 2);
  v_wait integer;
  v_session app.sessions;
  v_result jsonb;
begin
  -- 1. Idempotency: the quote claimed the key; its row, locked, makes a second request with it wait and then
  --    answer the first's booking. A claim that lapsed meanwhile is claimed again.
  if p_idempotency_key is not null then
    select * into v_k from app.idempotency_keys k
    where k.consultant_id = v_c.id and k.scope = 'book_slot' and k.key = p_idempotency_key
    for update;
    if v_k.key is null or v_k.created_at <= now() - interval '24 hours' then
      v_replay := app_private.claim_idempotency_key(v_c.id, 'book_slot', p_idempotency_key, p_request_sha256);
    elsif v_k.request_sha256 <> p_request_sha256 or v_k.response is not null then
      v_replay := app_private.idempotent_replay(v_k, p_request_sha256);
    end if;
    if v_replay is not null then
      return jsonb_build_object('replay', v_replay);
    end if;
  end if;

  -- 2. One booking at a time per consultant: the caps below count open holds and must not be passed by
  --    racing requests. Then expired holds give their time back before anything is decided.
  perform pg_advisory_xact_lock(hashtextextended('book_slot:' || v_c.id::text, 0));
  -- The page may have gone while this waited: deleting the account (which takes this lock) cancels every
  -- booking it finds, so a booking must not be made after it on the row read before the wait.
  if not exists (select 1 from app.consultants c where c.id = v_c.id and c.approval_status = 'approved'
                   and c.is_active and c.deleted_at is null) then
    raise exception using errcode = 'NK404', message = 'not_found', detail = 'No such consultant page.';
  end if;
  perform app_private.abandon_expired_holds(v_c.id);

  -- 3. The client: created from the booking when new; an existing client record (renamed, given a phone or
  --    deactivated by its consultant) is never changed by an anonymous visitor. What they typed goes on the
  --    session (step 4). A deactivated client may still book: refusing would tell a stranger which emails the
  --    consultant turned away, and the booking shows the consultant who it is; they stay deactivated.
  insert into app.clients (consultant_id, name, email, phone_encrypted, phone_hash)
  values (v_c.id, btrim(p_client_name), v_email, p_client_phone_encrypted, p_client_phone_hash)
  on conflict (consultant_id, email) do nothing
  returning id into v_client;
  if v_client is null then
    select id into v_client from app.clients where consultant_id = v_c.id and email = v_email;
  end if;

  v_slot := app_private.bookable_slot(v_c, p_slot_id, p_session_type, true);
  v_amount := case v_slot.session_type when 'personal' then v_c.personal_session_price else v_c.webinar_session_price end;

  -- 4. The limits again, exactly, under the lock: open unpaid holds per client and per address; a free booking
  --    is confirmed and mailed at once, so it counts against the recipient's mails of the day (over it,
  --    the booking is refused rather than made without its mail: a booking whose client never hears of it is a
  --    no-show waiting to happen, and the refusal is what stops a stranger's inbox being filled).
  if v_amount > 0 then
    perform app_private.check_unpaid_holds(v_c, v_email, p_client_ip_hash);
  else
    v_wait := app_private.count_recipient_mail(v_email);
    if v_wait > 0 then
      perform app_private.too_many('rate_limited',
        'This email address has received the most booking emails allowed today; try again tomorrow.', v_wait);
    end if;
  end if;

  -- 5. The session: pending with a hold while the client pays, or confirmed at once when it is free. A paid
  --    one needs the gateway order made for exactly this price (the price may have changed meanwhile).
  if v_amount > 0 and (p_order_id is null or p_amount_paise is distinct from (v_amount * 100)::bigint) then
    raise exception using errcode = 'NK409', message = 'price_changed',
      detail = 'The price changed while you were booking; please try again.';
  end if;
  select exists (select 1 from app.sessions s where s.consultant_id = v_c.id and s.client_id = v_client
                   and s.status in ('confirmed', 'completed', 'no_show')) into v_repeat;
  insert into app.sessions (id, consultant_id, client_id, slot_id, session_type, title, starts_at, ends_at, buffer_minutes,
                            amount, currency, status, payment_status, hold_expires_at, meeting_platform, meeting_link,
                            notes, booked_via, is_repeat_client, manage_token_hash, manage_link_encrypted,
                            client_timezone, client_name, client_email, client_phone_encrypted, client_ip_hash)
  values (coalesce(p_session_id, gen_random_uuid()), v_c.id, v_client, v_slot.id, v_slot.session_type,
          case v_slot.session_type when 'personal' then coalesce(v_c.personal_session_title, 'One-to-one session') else coalesce(v_c.webinar_session_title, 'Webinar') end,
          v_slot.starts_at, v_slot.ends_at, v_c.buffer_minutes, v_amount, v_c.currency,
          case when v_amount = 0 then 'confirmed' else 'pending' end,
          case when v_amount = 0 then 'not_required' else 'pending' end,
          now() + make_interval(mins => app_private.hold_minutes(v_c)),
          v_c.default_meeting_platform,
          case v_c.default_meeting_platform when 'zoom' then v_c.zoom_link when 'meet' then v_c.meet_link else v_c.teams_link end,
          nullif(btrim(p_notes), ''), 'public', v_repeat, p_manage_token_hash, p_manage_link_encrypted,
          p_client_timezone, btrim(p_client_name), v_email, p_client_phone_encrypted,
          case when v_amount > 0 then p_client_ip_hash end)  -- only a hold needs it (see forget_hold_addresses)
  returning * into v_session;
  if v_amount > 0 then
    -- 6. The order the client pays, recorded with the booking (one transaction: both or neither).
    insert into app.payment_transactions (consultant_id, purpose, session_id, client_id, amount, currency, gateway,
                                          gateway_order_id, status, metadata)
    values (v_c.id, 'session', v_session.id, v_client, v_amount, v_c.currency, p_gateway, p_order_id, 'pending',
            jsonb_build_object('receipt', v_session.id));
  else
    perform app_private.queue_session_emails(v_session, 'confirmed');
  end if;

  -- 7. The answer, kept with its key: a replay is this very answer (201, this body, this manage link).
  v_result := app_private.booking_json(v_session);
  if p_idempotency_key is not null then
    update app.idempotency_keys set response = v_result, status_code = 201, manage_link_encrypted = p_manage_link_encrypted
    where consultant_id = v_c.id and scope = 'book_slot' and key = p_idempotency_key;
  end if;
  return v_result;
end;
$$;
comment on function api.book_slot is 'A client books a slot on a public page: pending with a hold (or confirmed when free) under the abuse limits, never changing an existing client; idempotent per consultant and key.';

-- The client's manage link -------------------------------------------------------------------------------

create or replace function app_private.refund_percent(p_c app.consultants, p_starts_at timestamptz)
returns integer
language sql stable
set search_path = ''
as $$
  -- The first step of the ladder whose notice the cancellation still gives (steps go from most hours to fewest).
  select coalesce((select (step->>'percent')::integer
                   from jsonb_array_elements(coalesce(p_c.cancellation_policy->'refund_ladder', '[]')) as step
                   where p_starts_at - now() >= make_interval(hours => (step->>'min_hours_before')::integer)
                   order by (step->>'min_hours_before')::integer desc limit 1), 0)
$$;
comment on function app_private.refund_percent is 'The refund percentage the consultant''s ladder gives for cancelling now.';

create or replace function app_private.managed_session(p_token_hash bytea)
returns app.sessions
language plpgsql volatile
set search_path = ''
as $$
declare
  v_s app.sessions;
begin
  select * into v_s from app.sessions where manage_token_hash = p_token_hash for update;
  if v_s.id is null then
    raise exception using errcode = 'NK404', message = 'not_found', detail = 'This booking link is not valid.';
  end if;
  return v_s;
end;
$$;
comment on function app_private.managed_session is 'The session behind a manage link (locked), or NK404.';

create or replace function app_private.manage_view(p_s app.sessions)
returns jsonb
language plpgsql stable
set search_path = ''
as $$
declare
  v_c app.consultants;
  v_cutoff integer;
  v_paid numeric(10, 2);
  v_percent integer;
begin
  select * into v_c from app.consultants where id = p_s.consultant_id;
  v_cutoff := coalesce((v_c.cancellation_policy->>'client_cutoff_hours')::integer, 0);
  v_paid := case when p_s.payment_status in ('paid', 'partially_refunded') then p_s.amount else 0 end;
  v_percent := app_private.refund_percent(v_c, p_s.starts_at);
  return app_private.booking_json(p_s) || jsonb_build_object(
    'can_cancel', p_s.status in ('pending', 'confirmed') and p_s.starts_at - now() >= make_interval(hours => v_cutoff),
    'can_reschedule', p_s.status = 'confirmed' and p_s.starts_at - now() >= make_interval(hours => v_cutoff)
                      and p_s.reschedule_count < coalesce((v_c.cancellation_policy->>'max_reschedules')::integer, 0),
    'cancellation_cutoff_hours', v_cutoff,
    'refund_if_cancelled_now', jsonb_build_object('percent', case when v_paid > 0 then v_percent else 0 end,
      'amount', round(v_paid * v_percent / 100, 2)));
end;
$$;
comment on function app_private.manage_view is 'What the client''s manage page shows: the booking, what they may do, the refund due now.';

create or replace function api.public_booking(p_token_hash bytea)
returns jsonb
language plpgsql volatile security definer
set search_path = ''
as $$
begin
  return app_private.manage_view(app_private.managed_session(p_token_hash));
end;
$$;
comment on function api.public_booking is 'The client''s view of their booking through the manage link.';

create or replace function api.public_cancel_booking(p_token_hash bytea, p_reason text)
returns jsonb
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_s app.sessions := app_private.managed_session(p_token_hash);
  v_view jsonb := app_private.manage_view(v_s);
  v_refund numeric(10, 2);
begin
  -- Within the consultant's cut-off only; the refund is the ladder's, stated in the answer.
  if not (v_view->>'can_cancel')::boolean then
    raise exception using errcode = 'NK409', message = case when v_s.status in ('pending', 'confirmed')
      then 'cancellation_window_closed' else 'invalid_transition' end,
      detail = case when v_s.status in ('pending', 'confirmed')
        then format('Bookings can be cancelled up to %s hours before they start.', v_view->>'cancellation_cutoff_hours')
        else format('A %s booking cannot be cancelled.', v_s.status) end;
  end if;
  update app.sessions set status = 'cancelled', cancelled_by = 'client', cancellation_reason = nullif(btrim(p_reason), '')
  where id = v_s.id returning * into v_s;
  -- The ladder's share of what was paid goes back (a job through the gateway); the consultant is told.
  v_refund := app_private.refund_for_cancellation(v_s, (v_view->'refund_if_cancelled_now'->>'percent')::integer,
                'Cancelled by the client', 'client_policy');
  perform app_private.queue_session_emails(v_s, 'cancelled_by_client', jsonb_build_object('refund_amount', v_refund::text));
  select * into v_s from app.sessions where id = v_s.id;
  return app_private.booking_json(v_s) || jsonb_build_object('refund_due', v_view->'refund_if_cancelled_now');
end;
$$;
comment on function api.public_cancel_booking is 'The client cancels through the manage link, within policy; answers the refund due.';

create or replace function api.public_reschedule_booking(p_token_hash bytea, p_slot_id uuid)
returns jsonb
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_s app.sessions := app_private.managed_session(p_token_hash);
  v_view jsonb := app_private.manage_view(v_s);
  v_c app.consultants;
  v_slot app.availability_slots;
  v_wait integer;
begin
  if not (v_view->>'can_reschedule')::boolean then
    raise exception using errcode = 'NK409', message = 'reschedule_not_allowed',
      detail = 'This booking cannot be moved any more (too close to its start, not confirmed, or moved too often).';
  end if;
  select * into v_c from app.consultants where id = v_s.consultant_id;
  perform app_private.abandon_expired_holds(v_c.id);
  select * into v_slot from app.availability_slots
  where id = p_slot_id and consultant_id = v_s.consultant_id for update;
  if v_slot.id is null or v_slot.session_type <> v_s.session_type then
    raise exception using errcode = 'NK404', message = 'slot_not_found', detail = 'No such slot for this booking.',
      hint = 'field:slot_id';
  end if;
  if v_slot.id = v_s.slot_id or not app_private.slot_is_free(v_c, v_slot, v_s.id) then
    raise exception using errcode = 'NK409', message = 'slot_taken', detail = 'That time is not available.',
      hint = 'field:slot_id';
  end if;
  -- Whoever holds the link (the 201 answer carried it) mails the client's address with each move: a move counts
  -- against that mailbox's mails of the day like a free booking's confirmation, and is refused past it.
  v_wait := app_private.count_recipient_mail((select cl.email::text from app.clients cl where cl.id = v_s.client_id));
  if v_wait > 0 then
    perform app_private.too_many('rate_limited',
      'This booking''s email address has received the most booking emails allowed today; try again tomorrow.', v_wait);
  end if;
  -- One statement moves the booking: the old seat is released and the new one taken together, so it is
  -- never in two slots and never in none (the exclusion constraint checks the new time).
  update app.sessions set slot_id = v_slot.id, starts_at = v_slot.starts_at, ends_at = v_slot.ends_at,
    reschedule_count = reschedule_count + 1
  where id = v_s.id returning * into v_s;
  perform app_private.queue_session_emails(v_s, 'rescheduled',
    jsonb_build_object('previous_starts_at', (v_view->>'starts_at')::timestamptz));
  return app_private.manage_view(v_s);
end;
$$;
comment on function api.public_reschedule_booking is 'The client moves a confirmed booking to another free slot, atomically, within policy and the address''s mails of the day (NK429).';

grant execute on function api.public_consultant(text), api.public_slots(text, text, timestamptz, timestamptz),
  api.abandon_expired_holds(),
  api.booking_quote(text, uuid, text, text, bytea, text, bytea),
  api.book_slot(text, uuid, text, text, text, bytea, bytea, text, bytea, text, text, bytea, uuid, text, text, bigint, text, bytea),
  api.release_idempotency_key(text, text, bytea), api.prune_idempotency_keys(), api.forget_hold_addresses(),
  api.public_booking(bytea), api.public_cancel_booking(bytea, text), api.public_reschedule_booking(bytea, uuid)
  to nakksha_app;

-- Test: pytest tests/http/test_booking.py
