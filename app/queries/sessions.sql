-- app/queries/sessions.sql — the consultant's sessions and clients (db/functions/sessions.sql, clients.sql).

-- name: list_sessions(status, session_type, from_, to_, client_id, q, sort, page, per_page)$
-- Sessions with filters, search, sort, paging and totals.
select api.list_sessions(:status, :session_type, :from_, :to_, :client_id, :q, :sort, :page, :per_page);

-- name: get_session(session_id)$
-- One session.
select api.get_session(:session_id);

-- name: update_session(session_id, patch)$
-- Notes and meeting details.
select api.update_session(:session_id, :patch);

-- name: create_session(client_id, client_name, client_email, client_phone_encrypted, client_phone_hash, slot_id, session_type, starts_at, ends_at, amount, payment_status, payment_method, notes)$
-- The consultant books an offline client.
select api.create_session(:client_id, :client_name, :client_email, :client_phone_encrypted, :client_phone_hash, :slot_id, :session_type, :starts_at, :ends_at, :amount, :payment_status, :payment_method, :notes);

-- name: set_session_status(session_id, to_status, reason)$
-- Confirm, complete, no-show or cancel.
select api.set_session_status(:session_id, :to_status, :reason);

-- name: reschedule_session(session_id, slot_id, starts_at, ends_at)$
-- Move a session.
select api.reschedule_session(:session_id, :slot_id, :starts_at, :ends_at);

-- name: session_calendar(from_, to_, month)$
-- Sessions and free slots per local day (a month is the consultant's local month).
select api.session_calendar(:from_, :to_, :month);

-- name: list_clients(q, phone_hash, active, sort, page, per_page)$
-- Clients with search and paging.
select api.list_clients(:q, :phone_hash, :active, :sort, :page, :per_page);

-- name: create_client(name, email, phone_encrypted, phone_hash, notes)$
-- Add a client.
select api.create_client(:name, :email, :phone_encrypted, :phone_hash, :notes);

-- name: get_client(client_id)$
-- A client with their history.
select api.get_client(:client_id);

-- name: update_client(client_id, patch, phone_encrypted, phone_hash)$
-- Change a client.
select api.update_client(:client_id, :patch, :phone_encrypted, :phone_hash);

-- name: export_client(client_id)$
-- Everything held on a client.
select api.export_client(:client_id);

-- name: client_phone(client_id)$
-- A client's phone ciphertext (base64), for anonymise_client to find the phone written down.
select encode(c.phone_encrypted, 'base64') from app.clients c where c.id = :client_id;

-- name: anonymise_client(client_id, phone)$
-- Erase a client's personal data everywhere (phone: theirs in clear).
select api.anonymise_client(:client_id, :phone);
