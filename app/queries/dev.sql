-- app/queries/dev.sql — development pages (served only when NAKKSHA_ENV is development or test).

-- name: dev_outbox_list(limit)
-- The local email outbox, newest first.
select * from api.dev_outbox_list(:limit);

-- name: dev_outbox_message(id)^
-- One message of the local outbox.
select * from api.dev_outbox_message(:id);
