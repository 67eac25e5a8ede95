-- db/functions/booking.sql — the public page: a consultant's profile, their free slots (listed here; the one definition of a free slot: free_slots.sql), booking with a hold (its guards: booking_guards.sql; the client's manage link: manage.sql).

create or replace function app_private.published_consultant(p_slug text)
returns app.consultants
language plpgsql stable
set search_path = ''
as $$
declare
  v_c app.consultants;
begin
  -- Only approved, published, active, not deleted consultants have a public page; anything else is simply not
  -- found (an approved consultant who has not published yet, or unpublished, is as unknown as a free slug).
  select * into v_c from app.consultants
  where slug = lower(p_slug) and approval_status = 'approved' and published_at is not null and is_active
    and deleted_at is null;
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

create or replace function app_private.offered_minutes(p_c app.consultants, p_session_type text)
returns jsonb
language sql stable
set search_path = ''
as $$
  select coalesce(jsonb_agg(m order by m), '[]'::jsonb)
  from (select distinct (extract(epoch from s.ends_at - s.starts_at) / 60)::integer as m
        from app.availability_slots s
        where s.consultant_id = p_c.id and s.session_type = p_session_type and s.is_available
          and s.starts_at > now() and s.starts_at <= now() + make_interval(days => p_c.max_days_ahead)) lengths
$$;
comment on function app_private.offered_minutes is 'The distinct lengths (minutes) of a consultant''s offered future slots of one kind: the duration a session-type card shows.';

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
    'personal_session_price', api.money(v_c.personal_session_price), 'webinar_session_price', api.money(v_c.webinar_session_price),
    'currency', v_c.currency, 'timezone', v_c.timezone,
    'instagram_url', v_c.instagram_url, 'linkedin_url', v_c.linkedin_url, 'twitter_url', v_c.twitter_url,
    'booking_policy', jsonb_build_object('min_notice_minutes', v_c.min_notice_minutes,
      'max_days_ahead', v_c.max_days_ahead, 'client_cutoff_hours', v_c.cancellation_policy->'client_cutoff_hours',
      'refund_ladder', v_c.cancellation_policy->'refund_ladder',
      'max_reschedules', v_c.cancellation_policy->'max_reschedules'),
    -- How long each kind of session lasts: the distinct lengths of the slots still offered (a rule's slot
    -- minutes, or a one-off slot's), shortest first; empty when none is offered.
    'personal_session_minutes', app_private.offered_minutes(v_c, 'personal'),
    'webinar_session_minutes', app_private.offered_minutes(v_c, 'webinar'),
    -- A regular-scheme consultant issues a tax invoice: a paid booking then needs the client's billing address.
    'gst_invoice', exists (select 1 from app.consultant_tax_profiles p
                           where p.consultant_id = v_c.id and p.gst_scheme = 'regular'),
    -- "Powered by Nakksha" on the page unless the plan in force removes it (app.plans.remove_branding).
    'branded', not coalesce(app.plan_allows(v_c.id, 'remove_branding'), false));
end;
$$;
comment on function api.public_consultant is 'A published consultant''s public profile (404 unless approved and active). Definer: the public page and booking: an anonymous visitor reads or books a published consultant''s page by slug, across tenants, and writes what no web role may (seats, holds, payments, counters).';

create or replace function app_private.utc_text(p_t timestamptz)
returns text
language sql stable
as $$
  -- No pinned search_path, so that it is inlined into the slot list's query (a call per time stamp cost more than
  -- the rest of a slot); it names nothing outside pg_catalog, which is searched first whatever the path.
  -- An instant as UTC ISO 8601 text, '2026-12-06T09:30:00+00:00' (a fraction of a second only when there is one,
  -- trailing zeros dropped: '…09:30:00.5+00:00'), whatever the session's time zone.
  select replace(to_json(p_t at time zone 'UTC')::text, '"', '') || '+00:00'
$$;
comment on function app_private.utc_text is 'An instant as UTC ISO 8601 text (2026-12-06T09:30:00+00:00): how the slot list states its times.';

create or replace function api.public_slots(p_slug text, p_session_type text, p_from timestamptz, p_to timestamptz)
returns json
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
  v_items text;
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
  -- time begins (a personal slot and a webinar may share it), and `next` carries on from there. Never a silent
  -- cut. Asked again up to that start, the range holds at most a page (the second round is the last).
  -- The JSON is written as text (uuids, two fixed words, UTC times and integers need no escaping): building
  -- a jsonb value per slot cost several times the query itself (issue 20, bench/slots_sql.py).
  loop
    select string_agg('{"slot_id":"' || f.slot_id::text || '","session_type":"' || f.session_type
                      || '","starts_at":"' || app_private.utc_text(f.starts_at)
                      || '","ends_at":"' || app_private.utc_text(f.ends_at)
                      || '","capacity":' || f.capacity::text || ',"remaining":' || f.remaining::text || '}',
                      ',' order by f.starts_at, f.session_type),
           count(*), max(f.starts_at)
    into v_items, v_count, v_last
    from app_private.free_slots(v_c, p_session_type, v_from, v_to, v_most + 1) f;
    exit when v_count <= v_most or v_last <= v_from;
    v_to := v_last;
  end loop;
  -- Nothing starting after the booking horizon can be booked: there the paging ends.
  return ('{"from":"' || app_private.utc_text(v_from) || '","to":"' || app_private.utc_text(v_to)
          || '","items":[' || coalesce(v_items, '') || '],"next":'
          || case when v_to <= now() + make_interval(days => v_c.max_days_ahead)
                  then '{"from":"' || app_private.utc_text(v_to) || '","to":"' || app_private.utc_text(v_to + v_width)
                       || '"}'
                  else 'null' end
          || '}')::json;
end;
$$;
comment on function api.public_slots is 'One page of a published consultant''s free slots: those starting in [from, to) (at most 31 days and 1000 slots; the answer states the range it covers) and the next range, or null past the booking horizon; every time as UTC text (app_private.utc_text). Definer: the public page and booking: an anonymous visitor reads or books a published consultant''s page by slug, across tenants, and writes what no web role may (seats, holds, payments, counters).';

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
language sql volatile security invoker
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
    'amount', api.money(p_s.amount), 'currency', p_s.currency,
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
                  'order_id', t.gateway_order_id, 'amount', api.money(t.amount), 'amount_paise', (t.amount * 100)::bigint,
                  'currency', t.currency, 'amount_refunded', api.money(t.amount_refunded), 'failure_reason', t.failure_reason)
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

-- Booking ------------------------------------------------------------------------------------------------

create or replace function api.booking_quote(p_slug text, p_slot_id uuid, p_session_type text, p_client_email text,
                                             p_client_ip_hash bytea, p_idempotency_key text, p_request_sha256 bytea,
                                             p_billing jsonb default null)
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
  -- Billing details the booking cannot take are refused before anything: no key claimed, no order made.
  perform app_private.billing_details(p_billing, v_c.id, case p_session_type when 'personal' then v_c.personal_session_price
                                                                       when 'webinar' then v_c.webinar_session_price end);
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
  return jsonb_build_object('session_id', gen_random_uuid(), 'amount', api.money(v_amount),
    'amount_paise', (v_amount * 100)::bigint, 'currency', v_c.currency,
    'consultant_id', v_c.id, 'consultant_name', v_c.first_name || ' ' || v_c.last_name,
    'transfer', app.order_transfer(v_c.id, v_amount),
    'title', case v_slot.session_type when 'personal' then coalesce(v_c.personal_session_title, 'One-to-one session') else coalesce(v_c.webinar_session_title, 'Webinar') end);
end;
$$;
comment on function api.booking_quote is 'Before the gateway order: the replayed answer of a known Idempotency-Key, or the key claimed, the abuse limits met, and the price and new session id; refuses a slot already gone. Definer: the public page and booking: an anonymous visitor reads or books a published consultant''s page by slug, across tenants, and writes what no web role may (seats, holds, payments, counters).';

create or replace function api.book_slot(
  p_slug text, p_slot_id uuid, p_session_type text, p_client_name text, p_client_email text,
  p_client_phone_encrypted bytea, p_client_phone_hash bytea, p_notes text, p_manage_token_hash bytea,
  p_manage_link_encrypted text, p_idempotency_key text, p_request_sha256 bytea,
  p_session_id uuid, p_gateway text, p_order_id text, p_amount_paise bigint, p_client_timezone text default null,
  p_client_ip_hash bytea default null, p_billing jsonb default null
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
  -- The client's State and address for the invoice (docs/gst.md), checked as the quote checked them.
  v_billing record := app_private.billing_details(p_billing, v_c.id, case p_session_type
                        when 'personal' then v_c.personal_session_price when 'webinar' then v_c.webinar_session_price end);
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
                   and c.published_at is not null and c.is_active and c.deleted_at is null) then
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
                                          gateway_order_id, status, metadata, billing_state_code, billing_country,
                                          billing_gstin, billing_name, billing_address, billing_postal_code)
    values (v_c.id, 'session', v_session.id, v_client, v_amount, v_c.currency, p_gateway, p_order_id, 'pending',
            jsonb_build_object('receipt', v_session.id), v_billing.state_code, v_billing.country, v_billing.gstin,
            v_billing.billing_name, v_billing.address, v_billing.postal_code);
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
comment on function api.book_slot is 'A client books a slot on a public page: pending with a hold (or confirmed when free) under the abuse limits, never changing an existing client; idempotent per consultant and key. Definer: the public page and booking: an anonymous visitor reads or books a published consultant''s page by slug, across tenants, and writes what no web role may (seats, holds, payments, counters).';

grant execute on function api.public_consultant(text), api.public_slots(text, text, timestamptz, timestamptz),
  api.booking_quote(text, uuid, text, text, bytea, text, bytea, jsonb),
  api.book_slot(text, uuid, text, text, text, bytea, bytea, text, bytea, text, text, bytea, uuid, text, text, bigint, text, bytea,
                jsonb) to nakksha_app;
grant execute on function api.abandon_expired_holds() to nakksha_worker;

-- Test: pytest tests/http/test_booking.py
