-- db/migrations/20261124102000_bind_oauth_state_to_browser.sql — an OAuth attempt finishes only in the browser that started it.

-- migrate:up
-- The hash of a random cookie set when connecting: the callback must present it, so a consent link sent to
-- someone else cannot attach their calendar to the sender's account. Attempts in flight are dropped.
delete from app.oauth_states;
alter table app.oauth_states add column browser_hash bytea not null;
alter table app.oauth_states add constraint oauth_states_browser_hash_length check (length(browser_hash) = 32);
comment on column app.oauth_states.browser_hash is 'SHA-256 of the nonce cookie given to the browser that started the attempt.';

-- migrate:down
alter table app.oauth_states drop column browser_hash;
