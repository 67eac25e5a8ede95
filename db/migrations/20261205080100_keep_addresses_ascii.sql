-- db/migrations/20261205080100_keep_addresses_ascii.sql — an email address is kept in one ASCII form (its domain in IDNA), the only form mail can be sent to without SMTPUTF8.

-- migrate:up
-- The app turns `idn@exämple.org` into `idn@xn--exmple-cua.org` and refuses a non-ASCII local part
-- (app.schemas.canonical_email); these checks hold the same rule for every other writer (psql, the CLI), so two
-- spellings of one mailbox can never be two accounts, two clients or two allowances of mail. Not valid for rows
-- written before: those are not re-checked, and the mail worker fails mail to such an address with its reason
-- (app/adapters/email.py recipient) instead of leaving it queued. In a UTF-8 database a text is ASCII exactly when
-- it has as many bytes as characters; the format of an address stays the `*_email_format` checks' business.
alter table app.consultants
  add constraint consultants_email_ascii check (octet_length(email::text) = length(email::text)) not valid;
alter table app.admins
  add constraint admins_email_ascii check (octet_length(email::text) = length(email::text)) not valid;
alter table app.clients
  add constraint clients_email_ascii check (octet_length(email::text) = length(email::text)) not valid;
alter table app.quotations
  add constraint quotations_client_email_ascii check (octet_length(client_email::text) = length(client_email::text)) not valid;
alter table app.sessions
  add constraint sessions_client_email_ascii check (octet_length(client_email::text) = length(client_email::text)) not valid;

-- Mail already queued to such an address had its send job die on the address (UnicodeEncodeError) and would stay
-- `queued` for ever: end it `failed` with the reason the worker now gives.
update app.email_logs
set status = 'failed', failed_at = now(), updated_at = now(),
    error_message = 'address refused: not an ASCII address (it would need SMTPUTF8, which is not used)'
where status = 'queued' and octet_length(recipient_email::text) <> length(recipient_email::text);

-- migrate:down
-- (The mails failed above stay failed: they could never be sent.)
alter table app.sessions drop constraint sessions_client_email_ascii;
alter table app.quotations drop constraint quotations_client_email_ascii;
alter table app.clients drop constraint clients_email_ascii;
alter table app.admins drop constraint admins_email_ascii;
alter table app.consultants drop constraint consultants_email_ascii;

-- Test: pytest tests/db/test_account_mail_limits.py tests/meta/test_migrations.py
