-- db/dev/local_outbox.sql — the local email outbox's pages (/dev/outbox): reading what the local email adapter stored, in schema dev (development and tests only).
-- The local adapter stores each rendered message in app.email_outbox instead of sending it; these read it back
-- for the development page. Like the local gateway they run as the owner (the page shows every consultant's
-- mail) and exist only where schema dev does: never in production.
-- Attachments are stored as the adapters take them (app.email_outbox.attachments: a JSON array of
-- {filename, content_type, content} with the content in base64, Resend's format). The pages list them without
-- their content and fetch one at a time, by its position in that array (0-based).

-- The listing's shape changed (attachments): drop, then create. The grants at the end are given again.
drop function if exists dev.outbox_list(integer);

create or replace function dev.outbox_attachment_list(p_attachments jsonb)
returns jsonb
language sql immutable
set search_path = ''
as $$
  select coalesce(jsonb_agg(jsonb_build_object(
           'index', a.ordinality - 1,
           'filename', a.item ->> 'filename',
           'content_type', a.item ->> 'content_type',
           'size', pg_catalog.octet_length(pg_catalog.decode(coalesce(a.item ->> 'content', ''), 'base64')))
         order by a.ordinality), '[]'::jsonb)
  from pg_catalog.jsonb_array_elements(
         case when pg_catalog.jsonb_typeof(p_attachments) = 'array' then p_attachments else '[]'::jsonb end)
       with ordinality as a(item, ordinality)
$$;
comment on function dev.outbox_attachment_list is
  'A stored message''s attachments without their content: index (0-based), filename, content_type, size in bytes.';

create or replace function dev.outbox_list(p_limit integer default 100)
returns table (id uuid, email_log_id uuid, to_email text, subject text, created_at timestamptz, email_type text,
               status text, attachments jsonb)
language sql stable security definer
set search_path = ''
as $$
  select o.id, o.email_log_id, o.to_email::text, o.subject, o.created_at, l.email_type, l.status,
         dev.outbox_attachment_list(o.attachments)
  from app.email_outbox o join app.email_logs l on l.id = o.email_log_id
  order by o.created_at desc, o.id
  limit least(greatest(p_limit, 1), 500)
$$;
comment on function dev.outbox_list is 'The local outbox, newest first, each message''s attachments listed (/dev/outbox).';

create or replace function dev.outbox_message(p_id uuid)
returns table (id uuid, to_email text, to_name text, subject text, html_body text, text_body text,
               attachments jsonb, created_at timestamptz)
language sql stable security definer
set search_path = ''
as $$
  select o.id, o.to_email::text, o.to_name, o.subject, o.html_body, o.text_body,
         dev.outbox_attachment_list(o.attachments), o.created_at
  from app.email_outbox o where o.id = p_id
$$;
comment on function dev.outbox_message is
  'One message of the local outbox, its attachments listed without their content (/dev/outbox/<id>).';

create or replace function dev.outbox_attachment(p_id uuid, p_index integer)
returns table (filename text, content_type text, content bytea)
language sql stable security definer
set search_path = ''
as $$
  select a.item ->> 'filename', a.item ->> 'content_type',
         pg_catalog.decode(coalesce(a.item ->> 'content', ''), 'base64')
  from app.email_outbox o
  cross join lateral pg_catalog.jsonb_array_elements(
         case when pg_catalog.jsonb_typeof(o.attachments) = 'array' then o.attachments else '[]'::jsonb end)
       with ordinality as a(item, ordinality)
  where o.id = p_id and a.ordinality = p_index::bigint + 1
$$;
comment on function dev.outbox_attachment is
  'One attachment of a local outbox message, decoded, by its 0-based position (/dev/outbox/<id>/attachments/<n>).';

revoke execute on function dev.outbox_attachment_list(jsonb), dev.outbox_list(integer), dev.outbox_message(uuid),
  dev.outbox_attachment(uuid, integer) from public;
grant execute on function dev.outbox_list(integer), dev.outbox_message(uuid), dev.outbox_attachment(uuid, integer)
  to nakksha_app;

-- Test: pytest tests/http/test_dev_outbox.py tests/jobs/test_outbox.py tests/meta/test_modes.py
