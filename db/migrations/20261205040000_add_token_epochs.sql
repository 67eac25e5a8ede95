-- db/migrations/20261205040000_add_token_epochs.sql — a per-account token epoch, so ending every session also ends its access tokens at once.

-- migrate:up
-- Access tokens are JWTs valid 15 minutes. Logging out everywhere, changing or resetting the password used to
-- leave them working until they expired. Each access token now carries the epoch of its account at issue time
-- (claim `ep`); the route guard compares it with this column in the query it already runs per request, and
-- app_private.revoke_families moves the epoch on. A counter, not a timestamp: no clock of an app server and of
-- the database need agree, and a token issued in the same second as the change is still told apart.
alter table app.consultants add column token_epoch integer not null default 0;
alter table app.admins add column token_epoch integer not null default 0;
comment on column app.consultants.token_epoch is 'Access tokens carrying another epoch are refused; moved on by logout-all, password change and reset, deletion.';
comment on column app.admins.token_epoch is 'Access tokens carrying another epoch are refused; moved on when every session of the admin ends.';

-- migrate:down
alter table app.admins drop column token_epoch;
alter table app.consultants drop column token_epoch;

-- Test: pytest tests/db/test_token_epochs.py tests/meta/test_migrations.py
