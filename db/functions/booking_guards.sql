-- db/functions/booking_guards.sql — what a public booking meets before it is written: Idempotency-Keys (one answer per key and consultant) and the limits against abuse (holds, per-address and per-email counters, mails a mailbox may be caused to receive).

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
comment on function api.release_idempotency_key is 'Free the claim of a booking request that was refused, so its retry is booked (answered keys stay). Definer: the public page and booking: an anonymous visitor reads or books a published consultant''s page by slug, across tenants, and writes what no web role may (seats, holds, payments, counters).';

create or replace function api.prune_idempotency_keys()
returns integer
language sql volatile security invoker
set search_path = ''
as $$
  with gone as (delete from app.idempotency_keys where created_at < now() - interval '24 hours' returning 1)
  select count(*)::integer from gone
$$;
comment on function api.prune_idempotency_keys is 'Delete Idempotency-Keys older than 24 hours (they already count as absent); run nightly.';

create or replace function api.forget_hold_addresses()
returns integer
language sql volatile security invoker
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

create or replace function app_private.check_unpaid_holds(p_c app.consultants, p_email text, p_ip_hash bytea)
returns void
language plpgsql stable
set search_path = ''
as $$
declare
  v_count integer;
  v_first timestamptz;
begin
  -- A mailbox (however its address is spelled: app.mailbox_key) and an address may each keep only so many unpaid
  -- holds open on one consultant's page. Exact when called under the consultant's booking lock (book_slot); the
  -- answer says when the first of those holds runs out. Both are index probes (clients_consultant_mailbox_idx,
  -- then the clients' sessions; sessions_pending_ip_idx): never a look at every open hold of the page, which
  -- under the lock made each booking cost as much as the holds already open (issue 20: 160 open holds, 60 ms).
  if p_email is not null then
    select count(*), min(s.hold_expires_at) into v_count, v_first
    from app.clients cl join app.sessions s on s.consultant_id = cl.consultant_id and s.client_id = cl.id
    where cl.consultant_id = p_c.id and app.mailbox_key(cl.email::text) = app.mailbox_key(p_email)
      and s.status = 'pending' and s.hold_expires_at > now();
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
  v_wait := api.hit_rate_limit('public_booking:email:' || app.mailbox_key(p_email), 10, 3600,
                               'public_bookings_per_email_per_hour');
  if v_wait > 0 then
    perform app_private.too_many('rate_limited', 'Too many bookings for this email address; please try again later.', v_wait);
  end if;
end;
$$;
comment on function app_private.check_booking_limits is 'The limits a public booking meets before its gateway order: open holds or today''s booking mails to the address, then one hit on the hourly per-address and per-email counters (NK429 with Retry-After).';

grant execute on function api.release_idempotency_key(text, text, bytea) to nakksha_app;
grant execute on function api.prune_idempotency_keys(), api.forget_hold_addresses() to nakksha_worker;

-- Test: pytest tests/http/test_booking.py tests/http/test_booking_limits.py tests/db/test_anonymous_mail_limits.py
