-- db/migrations/20261205030100_scope_idempotency_keys.sql — Idempotency-Keys scoped per consultant and operation, claimed before any gateway order, replaying the original status.

-- migrate:up
-- A key was global per operation and the manage link was derived from it. Now a key belongs to one consultant's
-- page and one operation; the first request claims it (response still null) before Razorpay is asked for an
-- order; the answer keeps its HTTP status and the manage link (random, stored encrypted), so a replay is the
-- original answer. Rows older than 24 hours count as absent and are pruned by a nightly job.
alter table app.idempotency_keys
  add column consultant_id uuid,
  add column status_code smallint,
  add column manage_link_encrypted text,
  add column claimed_at timestamptz not null default now();
-- The keys held now belong to the consultant of the booking they answered; unanswered ones are dropped.
update app.idempotency_keys k set consultant_id = s.consultant_id, status_code = 201,
  manage_link_encrypted = s.manage_link_encrypted
from app.sessions s
where s.id = (k.response->>'session_id')::uuid;
delete from app.idempotency_keys where consultant_id is null;
alter table app.idempotency_keys
  alter column consultant_id set not null,
  drop constraint idempotency_keys_pkey,
  add constraint idempotency_keys_pkey primary key (consultant_id, scope, key),
  add constraint idempotency_keys_consultant_id_fkey foreign key (consultant_id)
    references app.consultants (id) on delete cascade,
  add constraint idempotency_keys_status_code_range check (status_code between 200 and 299),
  add constraint idempotency_keys_answered check ((response is null) = (status_code is null));
comment on table app.idempotency_keys is 'Idempotency-Keys per consultant and operation: claimed by the first request, then its answer (status, body, the manage link encrypted); 24 hours.';
comment on column app.idempotency_keys.claimed_at is 'When a request last claimed the key; an unanswered claim older than a minute may be taken over.';

-- migrate:down
delete from app.idempotency_keys k using app.idempotency_keys o
  where o.scope = k.scope and o.key = k.key and (o.created_at, o.ctid) < (k.created_at, k.ctid);
alter table app.idempotency_keys
  drop constraint idempotency_keys_answered,
  drop constraint idempotency_keys_status_code_range,
  drop constraint idempotency_keys_consultant_id_fkey,
  drop constraint idempotency_keys_pkey,
  add constraint idempotency_keys_pkey primary key (scope, key),
  drop column claimed_at, drop column manage_link_encrypted, drop column status_code, drop column consultant_id;

-- Test: pytest tests/http/test_booking_limits.py tests/meta/test_migrations.py
