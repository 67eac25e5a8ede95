-- db/functions/app/common.sql — triggers many tables share: updated_at kept current, the audit log append-only.

create or replace function app.touch_updated_at() returns trigger
language plpgsql
as $$
begin
  new.updated_at := now();
  return new;
end;
$$;
comment on function app.touch_updated_at() is 'Trigger: stamps updated_at.';

create or replace function app.forbid_audit_change() returns trigger
language plpgsql
as $$
begin
  raise exception using errcode = 'NK403', message = 'audit_log_append_only',
    detail = 'The admin audit log cannot be changed or deleted.';
end;
$$;
comment on function app.forbid_audit_change() is 'Trigger: the audit log is append-only.';

-- Test: pytest tests/db/test_constraints.py
