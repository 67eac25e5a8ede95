-- db/dev/local_outbox.sql — the local email outbox's pages (/dev/outbox): reading what the local email adapter stored, in schema dev (development and tests only).
-- The local adapter stores each rendered message in app.email_outbox instead of sending it; these read it back
-- for the development page. Like the local gateway they run as the owner (the page shows every consultant's
-- mail) and exist only where schema dev does: never in production.

create or replace function dev.outbox_list(p_limit integer default 100)
returns table (id uuid, email_log_id uuid, to_email text, subject text, created_at timestamptz, email_type text, status text)
language sql stable security definer
set search_path = ''
as $$
  select o.id, o.email_log_id, o.to_email::text, o.subject, o.created_at, l.email_type, l.status
  from app.email_outbox o join app.email_logs l on l.id = o.email_log_id
  order by o.created_at desc, o.id
  limit least(greatest(p_limit, 1), 500)
$$;
comment on function dev.outbox_list is 'The local outbox, newest first (/dev/outbox).';

create or replace function dev.outbox_message(p_id uuid)
returns table (id uuid, to_email text, to_name text, subject text, html_body text, text_body text,
               attachments jsonb, created_at timestamptz)
language sql stable security definer
set search_path = ''
as $$
  select o.id, o.to_email::text, o.to_name, o.subject, o.html_body, o.text_body, o.attachments, o.created_at
  from app.email_outbox o where o.id = p_id
$$;
comment on function dev.outbox_message is 'One message of the local outbox (/dev/outbox/<id>).';

revoke execute on function dev.outbox_list(integer), dev.outbox_message(uuid) from public;
grant execute on function dev.outbox_list(integer), dev.outbox_message(uuid) to nakksha_app;

-- Test: pytest tests/jobs/test_outbox.py tests/meta/test_modes.py
