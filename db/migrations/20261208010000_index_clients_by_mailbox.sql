-- db/migrations/20261208010000_index_clients_by_mailbox.sql — a consultant's clients found by the mailbox their address reaches, in one index probe.
-- Issue 20: the cap on a mailbox's open unpaid holds (app_private.check_unpaid_holds, run by the quote and again
-- under the consultant's booking lock) hashed the address of every open hold on the page to find the mailbox's
-- own: each booking cost as much as the holds already open (60 ms at 160), and the lock made that the page's pace.
-- With this index (app.mailbox_key, db/functions/app/clients.sql, applied before migrations) it reads only the
-- mailbox's clients and their sessions.

-- migrate:up
create index clients_consultant_mailbox_idx on app.clients (consultant_id, app.mailbox_key(email::text));

-- migrate:down
drop index app.clients_consultant_mailbox_idx;

-- Test: pytest tests/http/test_booking_limits.py tests/meta/test_migrations.py
