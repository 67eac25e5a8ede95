-- db/migrations/20261205030000_add_session_booking_details.sql — what a public booking's visitor typed (and a keyed hash of their address) belong to the session, not to the client record.

-- migrate:up
-- A public booking never rewrites an existing client (issue 16): the name, email and phone typed at booking
-- time are kept on the session, so the mails and the consultant still see them. The client's IP address is
-- kept only as an HMAC under the server's key (app/routes/public.py), enough to count one address's open holds
-- and useless to anyone reading the table without the key (a plain hash of an IPv4 address is reversed by
-- trying all 2^32 of them).
alter table app.sessions
  add column client_name text,
  add column client_email citext,
  add column client_phone_encrypted bytea,
  add column client_ip_hash bytea;
alter table app.sessions
  add constraint sessions_client_name_length check (client_name is null or length(btrim(client_name)) between 1 and 200),
  add constraint sessions_client_email_format
    check (client_email is null or (client_email::text ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$' and length(client_email::text) <= 254
                                    and client_email::text = lower(client_email::text))),
  add constraint sessions_client_ip_hash_length check (length(client_ip_hash) = 32);
comment on column app.sessions.client_name is 'The name the client typed when booking publicly (the client record keeps its own).';
comment on column app.sessions.client_email is 'The email the client typed when booking publicly (lower case).';
comment on column app.sessions.client_phone_encrypted is 'The phone the client typed when booking publicly, encrypted like clients.phone_encrypted.';
comment on column app.sessions.client_ip_hash is 'HMAC-SHA256 of the booking visitor''s address (an IPv6 /64) under the server key: counts open holds per address.';
-- Open holds per address and consultant are counted under the consultant's booking lock.
create index sessions_pending_ip_idx on app.sessions (consultant_id, client_ip_hash)
  where status = 'pending' and client_ip_hash is not null;

-- migrate:down
drop index app.sessions_pending_ip_idx;
alter table app.sessions drop column client_ip_hash, drop column client_phone_encrypted, drop column client_email,
  drop column client_name;

-- Test: pytest tests/http/test_booking_limits.py tests/meta/test_migrations.py
