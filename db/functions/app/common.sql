-- db/functions/app/common.sql — triggers many tables share: updated_at kept current, append-only tables (the ledger, GST documents, the audit log).

create or replace function app.touch_updated_at() returns trigger
language plpgsql
as $$
begin
  new.updated_at := now();
  return new;
end;
$$;
comment on function app.touch_updated_at() is 'Trigger: stamps updated_at.';

create or replace function app.refuse_change() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  -- The one append-only trigger (before update or delete for each row; before truncate for each statement). Its
  -- arguments, all optional, are what it refuses with: the SQLSTATE (NK409), the code (<table>_append_only) and
  -- the detail, so a table keeps the answer its callers know (the ledger: NK409 ledger_append_only; the admin
  -- audit log: NK403 audit_log_append_only).
  raise exception using errcode = coalesce(tg_argv[0], 'NK409'),
    message = coalesce(tg_argv[1], tg_table_name || '_append_only'),
    detail = coalesce(tg_argv[2], format('Rows of %s are never changed or deleted; a correction is a new row.',
                                         tg_table_name));
end;
$$;
comment on function app.refuse_change() is 'Trigger (before update or delete, or truncate): the table is append-only; arguments (optional): SQLSTATE, code, detail (default NK409 <table>_append_only).';

grant execute on function app.refuse_change() to nakksha_app, nakksha_worker;

-- Test: pytest tests/db/test_constraints.py tests/db/test_ledger.py tests/db/test_tax_documents.py
