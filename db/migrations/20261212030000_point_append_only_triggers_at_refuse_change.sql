-- db/migrations/20261212030000_point_append_only_triggers_at_refuse_change.sql — one append-only trigger function: the ledger's and the admin audit log's triggers call app.refuse_change, answering as before.
-- app.refuse_ledger_change (NK409 ledger_append_only) and app.forbid_audit_change (NK403 audit_log_append_only)
-- were app.refuse_change written again with another answer; its trigger arguments now give that answer, so
-- callers and tests see the same SQLSTATE, code and detail. The two are dropped (db/functions/app/retired.sql
-- makes them only for a fresh database's earlier migrations, which create triggers on them).

-- migrate:up
create or replace trigger ledger_entries_append_only before update or delete on app.ledger_entries
  for each row execute function app.refuse_change('NK409', 'ledger_append_only',
    'Ledger entries are never changed or deleted; a correction is a new entry.');
create or replace trigger admin_audit_log_append_only before update or delete on app.admin_audit_log
  for each row execute function app.refuse_change('NK403', 'audit_log_append_only',
    'The admin audit log cannot be changed or deleted.');
create or replace trigger admin_audit_log_no_truncate before truncate on app.admin_audit_log
  for each statement execute function app.refuse_change('NK403', 'audit_log_append_only',
    'The admin audit log cannot be changed or deleted.');
drop function app.refuse_ledger_change();
drop function app.forbid_audit_change();

-- migrate:down
-- The dropped functions are code (db/functions/app/retired.sql makes them again on the next `nakksha migrate`
-- once this version is rolled back); their bodies are not restated here. The triggers keep app.refuse_change,
-- which answers exactly as they did, so the rollback changes no behaviour: it re-states them as they are.
create or replace trigger ledger_entries_append_only before update or delete on app.ledger_entries
  for each row execute function app.refuse_change('NK409', 'ledger_append_only',
    'Ledger entries are never changed or deleted; a correction is a new entry.');
create or replace trigger admin_audit_log_append_only before update or delete on app.admin_audit_log
  for each row execute function app.refuse_change('NK403', 'audit_log_append_only',
    'The admin audit log cannot be changed or deleted.');
create or replace trigger admin_audit_log_no_truncate before truncate on app.admin_audit_log
  for each statement execute function app.refuse_change('NK403', 'audit_log_append_only',
    'The admin audit log cannot be changed or deleted.');
