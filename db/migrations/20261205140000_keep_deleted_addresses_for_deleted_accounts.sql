-- db/migrations/20261205140000_keep_deleted_addresses_for_deleted_accounts.sql — a live consultant cannot take a `deleted-…` page address.
-- Deleting an account renames its page to `deleted-<its id>` (api.delete_my_account). A live consultant could pick
-- that address first (the id shows in a photo's URL), and the owner could then never delete their account: the
-- rename hit the unique key (an outside review found it). The prefix now belongs to deleted accounts alone.

-- migrate:up
alter table app.consultants add constraint consultants_slug_not_deleted_prefix
  check (slug !~ '^deleted-' or deleted_at is not null);

-- migrate:down
alter table app.consultants drop constraint consultants_slug_not_deleted_prefix;

-- Test: pytest tests/db/test_account_deletion.py
