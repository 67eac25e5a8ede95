-- app/queries/booking.sql — availability and the public booking flow (db/functions/availability.sql, booking.sql).

-- name: get_my_availability()$
-- Weekly rules and blocked ranges.
select api.availability_json(api.caller_consultant_id());

-- name: create_availability_rule(session_type, weekday, start_time, end_time, slot_minutes, capacity, valid_from, valid_until)$
-- Add a weekly rule (slots for the booking horizon appear at once).
select api.create_availability_rule(:session_type, :weekday, :start_time, :end_time, :slot_minutes, :capacity, :valid_from, :valid_until);

-- name: update_availability_rule(rule_id, session_type, weekday, start_time, end_time, slot_minutes, capacity, valid_from, valid_until, is_active)$
-- Replace a weekly rule (its future unbooked slots follow; booked ones stay).
select api.update_availability_rule(:rule_id, :session_type, :weekday, :start_time, :end_time, :slot_minutes, :capacity, :valid_from, :valid_until, :is_active);

-- name: delete_availability_rule(rule_id)$
-- Delete a weekly rule and its unbooked future slots.
select api.delete_availability_rule(:rule_id);

-- name: create_availability_block(starts_at, ends_at, reason)$
-- Block a date or range (holidays).
select api.create_availability_block(:starts_at, :ends_at, :reason);

-- name: delete_availability_block(block_id)$
-- Remove a blocked range.
select api.delete_availability_block(:block_id);

-- name: list_my_slots(from_, to_, session_type)$
-- Slots in a range, booked or not.
-- The caller's (the policy's answer), 401 for an account that is gone; the bounds are computed once, as values,
-- so they stay an index condition beside the policy's.
with p as materialized (
  select api.caller_consultant_id() as me, coalesce(:from_::timestamptz, now()) as from_,
         coalesce(:to_::timestamptz, now() + interval '60 days') as to_, :session_type::text as session_type
)
select coalesce(jsonb_agg(api.slot_json(s) order by s.starts_at, s.session_type) filter (where s.id is not null), '[]')
from p left join app.availability_slots s
  on s.starts_at >= p.from_ and s.starts_at < p.to_ and (p.session_type is null or s.session_type = p.session_type);

-- name: create_slot(session_type, starts_at, ends_at, capacity)$
-- Add a one-off slot.
select api.create_slot(:session_type, :starts_at, :ends_at, :capacity);

-- name: update_slot(slot_id, starts_at, ends_at, capacity, is_available)$
-- Change a slot (a booked slot cannot move: 409 slot_booked).
select api.update_slot(:slot_id, :starts_at, :ends_at, :capacity, :is_available);

-- name: delete_slot(slot_id)!
-- Delete a slot (a booked slot: 409 slot_booked).
select api.delete_slot(:slot_id);

-- name: public_consultant(slug)$
-- A consultant's public profile (404 unless approved and active).
select api.public_consultant(:slug);

-- name: public_slots(slug, session_type, from_, to_)$
-- Free slots starting in [from, to) (a week by default, 31 days and 1000 slots at most), as instants with offsets (and in `tz` when given); the answer states the range it covers and the next one (null past the booking horizon). `from` and `to` are date-times with their time and offset (2027-01-31T09:30:00+05:30; a date alone is refused).
select api.public_slots(:slug, :session_type, :from_, :to_)::text;

-- name: booking_quote(slug, slot_id, session_type, client_email, client_ip_hash, idempotency_key, request_sha256, billing)$
-- Before the gateway order: the replayed answer of a known key, or the key claimed, the abuse limits met, the price and new session id.
select api.booking_quote(:slug, :slot_id, :session_type, :client_email, :client_ip_hash, :idempotency_key, :request_sha256, :billing);

-- name: book_slot(slug, slot_id, session_type, client_name, client_email, client_phone_encrypted, client_phone_hash, notes, manage_token_hash, manage_link_encrypted, idempotency_key, request_sha256, session_id, gateway, order_id, amount_paise, client_timezone, client_ip_hash, billing)$
-- Book a slot (pending with a hold and its order, or confirmed when free).
select api.book_slot(:slug, :slot_id, :session_type, :client_name, :client_email, :client_phone_encrypted, :client_phone_hash, :notes, :manage_token_hash, :manage_link_encrypted, :idempotency_key, :request_sha256, :session_id, :gateway, :order_id, :amount_paise, :client_timezone, :client_ip_hash, :billing);

-- name: release_idempotency_key(slug, key, request_sha256)!
-- Free the claimed key of a booking request that was refused, so its retry is booked.
select api.release_idempotency_key(:slug, :key, :request_sha256);

-- name: prune_idempotency_keys()$
-- Delete Idempotency-Keys older than 24 hours.
select api.prune_idempotency_keys();

-- name: forget_hold_addresses()$
-- Drop the address hash of sessions that are no longer open holds.
select api.forget_hold_addresses();

-- name: public_booking(token_hash)$
-- A booking through its manage link.
select api.public_booking(:token_hash);

-- name: public_cancel_booking(token_hash, reason)$
-- Cancel through the manage link, within the consultant's policy (answers the refund due).
select api.public_cancel_booking(:token_hash, :reason);

-- name: public_reschedule_booking(token_hash, slot_id)$
-- Move the booking to another free slot (atomically), within policy. Each move mails the client, so it counts against the address's booking emails of the day: 429 with Retry-After past them.
select api.public_reschedule_booking(:token_hash, :slot_id);

-- name: abandon_expired_holds()$
-- Sweep expired holds.
select api.abandon_expired_holds();

-- name: defer_slot_rollforwards()$
-- The daily fan-out: one roll-forward job per consultant with active rules.
select api.defer_slot_rollforwards();

-- name: rematerialise_consultant_slots(consultant_id)$
-- Roll one consultant's slots forward to their horizon.
select api.rematerialise_consultant_slots(:consultant_id);

-- Test: pytest tests/http/test_booking.py tests/http/test_booking_limits.py
