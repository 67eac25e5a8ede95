-- db/functions/erasure.sql — anonymising a client: their name, address and phone erased from every row about them, the business's records kept.

-- Erasure ----------------------------------------------------------------------------------------------------
-- "Anonymise client" erases the person and keeps the business's records (sessions, payments, refunds,
-- quotations) as anonymous ones. Their address, name and phone are rewritten wherever a row about them holds
-- them: every text and json column of every table that carries client_id (found in the catalogue, so a column
-- added later is covered too), the local outbox, the gateways' webhook records, idempotent answers, rate-limit
-- buckets, suppressions and queued jobs. tests/http/test_anonymise.py scans every column afterwards.

create or replace function app_private.regex_literal(p_text text)
returns text
language sql immutable parallel safe
set search_path = ''
as $$
  -- In a PostgreSQL ARE a backslash before a character that is not a letter or digit stands for that character.
  select regexp_replace(p_text, '([^[:alnum:][:space:]])', '\\\1', 'g')
$$;
comment on function app_private.regex_literal is 'A string as a regular expression matching it literally.';

create or replace function app_private.redaction(p_emails text[], p_names text[], p_phones text[], p_anon_email text,
                                                 out patterns text[], out replacements text[])
language plpgsql immutable
set search_path = ''
as $$
declare
  v_value text;
  v_digits text;
begin
  patterns := '{}';
  replacements := '{}';
  -- Addresses first (one may contain a name), longest first; case does not matter in any of them.
  for v_value in select distinct btrim(e) from unnest(p_emails) e where length(btrim(e)) >= 3
                 order by 1 loop
    patterns := patterns || app_private.regex_literal(v_value);
    replacements := replacements || p_anon_email;
  end loop;
  -- A name as a whole phrase (any spacing), never a piece of another word: bounded where it starts or ends
  -- with a letter or digit (a name ending in a symbol has no word boundary there to match).
  for v_value in select distinct btrim(n) from unnest(p_names) n where length(btrim(n)) >= 2 loop
    patterns := patterns || (case when v_value ~ '^\w' then '\m' else '' end
                             || (select string_agg(app_private.regex_literal(w), '\s+')
                                 from regexp_split_to_table(v_value, '\s+') w)
                             || case when v_value ~ '\w$' then '\M' else '' end);
    replacements := replacements || 'Anonymised client'::text;
  end loop;
  -- A phone by its last ten digits (the national number), with any separators and an optional country code.
  for v_value in select distinct right(regexp_replace(p, '[^0-9]', '', 'g'), 10) from unnest(p_phones) p
                 where length(regexp_replace(p, '[^0-9]', '', 'g')) >= 6 loop
    v_digits := regexp_replace(v_value, '([0-9])(?=[0-9])', '\1[\s().-]*', 'g');
    patterns := patterns || ('(?<![0-9])(\+?[0-9]{1,3}[\s().-]*)?' || v_digits || '(?![0-9])');
    replacements := replacements || '[phone erased]'::text;
  end loop;
end;
$$;
comment on function app_private.redaction is 'Case-insensitive patterns for a person''s addresses, names and phones, with what each becomes.';

create or replace function app_private.redact_text(p_value text, p_patterns text[], p_replacements text[])
returns text
language plpgsql immutable
set search_path = ''
as $$
declare
  v_out text := p_value;
begin
  for i in 1..coalesce(array_length(p_patterns, 1), 0) loop
    v_out := regexp_replace(v_out, p_patterns[i], p_replacements[i], 'gi');
  end loop;
  return v_out;
end;
$$;
comment on function app_private.redact_text is 'A text with every match of the patterns replaced.';

create or replace function app_private.redact_jsonb(p_value jsonb, p_patterns text[], p_replacements text[])
returns jsonb
language plpgsql immutable
set search_path = ''
as $$
begin
  -- Values only (keys are ours), so the document keeps its shape and JSON escaping never hides a match.
  return case jsonb_typeof(p_value)
    when 'object' then (select coalesce(jsonb_object_agg(e.key, app_private.redact_jsonb(e.value, p_patterns, p_replacements)), '{}')
                        from jsonb_each(p_value) e)
    when 'array' then (select coalesce(jsonb_agg(app_private.redact_jsonb(a.value, p_patterns, p_replacements) order by a.ord), '[]')
                       from jsonb_array_elements(p_value) with ordinality a(value, ord))
    when 'string' then to_jsonb(app_private.redact_text(p_value #>> '{}', p_patterns, p_replacements))
    else p_value end;
end;
$$;
comment on function app_private.redact_jsonb is 'A JSON document with every match of the patterns replaced in its string values.';

create or replace function app_private.client_linked_tables()
returns table (rel regclass, personal_columns text[])
language sql stable
set search_path = ''
as $$
  -- Tables with rows about one client (consultant_id and client_id), and their client_* columns holding the
  -- client's name or address as it was given on that row (booking-time details, a quotation's addressee).
  select c.oid::regclass,
         array(select a.attname::text from pg_catalog.pg_attribute a
               where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
                 and a.attname ~ '^client_.*(name|email)$'
                 and a.atttypid in ('text'::regtype, 'character varying'::regtype, 'public.citext'::regtype))
  from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
  where n.nspname = 'app' and c.relkind in ('r', 'p') and c.relname <> 'clients'
    and exists (select 1 from pg_catalog.pg_attribute a where a.attrelid = c.oid and a.attname = 'client_id' and not a.attisdropped)
    and exists (select 1 from pg_catalog.pg_attribute a where a.attrelid = c.oid and a.attname = 'consultant_id' and not a.attisdropped)
  order by c.relname
$$;
comment on function app_private.client_linked_tables is 'The app tables whose rows are about one client, with their client_* name and email columns.';

create or replace function app_private.erase_client_traces(p_consultant uuid, p_client app.clients, p_anon_email text,
                                                           p_phones text[])
returns void
language plpgsql volatile
set search_path = ''
as $$
declare
  v_t record;
  v_col record;
  v_emails text[] := array[p_client.email::text];
  v_names text[] := array[p_client.name];
  v_found text[];
  v_patterns text[];
  v_replacements text[];
  v_sets text[];
  v_conds text[];
  v_orders text[];
  v_payments text[];
  v_external text[];
  v_sessions text[];
begin
  -- 1. Mail to them not sent yet is never sent (to them, or to the anonymised address), and the local
  --    provider's copies of mail to them go. Mail to the consultant stays theirs, rewritten below.
  update app.email_logs set status = 'failed', failed_at = now(), error_message = 'client_anonymised'
  where consultant_id = p_consultant and client_id = p_client.id and status = 'queued'
    and recipient_email = p_client.email;
  delete from app.email_outbox o using app.email_logs l
  where o.email_log_id = l.id and l.consultant_id = p_consultant and l.client_id = p_client.id
    and l.recipient_email = p_client.email;

  -- 2. Free text written by or about them goes; quotations written to their address before they were a
  --    client are theirs too; the browser they read a quotation with is forgotten.
  --    The keyed hash of the address they booked from goes with them.
  update app.sessions set notes = null, consultant_notes = null, cancellation_reason = null, client_feedback = null,
    client_ip_hash = null
  where consultant_id = p_consultant and client_id = p_client.id
    and (notes, consultant_notes, cancellation_reason, client_feedback, client_ip_hash)
        is distinct from (null, null, null, null, null);
  update app.quotations set client_id = p_client.id
  where consultant_id = p_consultant and client_id is null and client_email = p_client.email;
  update app.quotations set notes = null, response_reason = null
  where consultant_id = p_consultant and client_id = p_client.id and (notes, response_reason) is distinct from (null, null);
  update app.quotation_views v set user_agent = null from app.quotations q
  where q.id = v.quotation_id and q.consultant_id = p_consultant and q.client_id = p_client.id and v.user_agent is not null;

  -- 3. The names and addresses they were known by: the record's, and those given on rows about them.
  for v_t in select * from app_private.client_linked_tables() loop
    for v_col in select unnest(v_t.personal_columns) as name loop
      execute format('select array_agg(distinct %I::text) from %s where consultant_id = $1 and client_id = $2',
                     v_col.name, v_t.rel) into v_found using p_consultant, p_client.id;
      if v_col.name ~ 'email$' then
        v_emails := v_emails || coalesce(v_found, '{}');
      else
        v_names := v_names || coalesce(v_found, '{}');
      end if;
    end loop;
  end loop;
  select r.patterns, r.replacements into v_patterns, v_replacements
  from app_private.redaction(v_emails, v_names, p_phones, p_anon_email) r;

  -- 4. Every row about them, every text and json column: client_* name and address columns are theirs
  --    outright and any client_* phone goes (one statement per table), and elsewhere their address, names and
  --    phone are rewritten, a column at a time. The names include what visitors typed at booking, so a pattern
  --    may match a code: a column whose rules refuse the rewrite (a status check, a transition guard, a key)
  --    holds codes, not a name, and is left as it was; a visitor who typed "Confirmed" as their name cannot
  --    make the client impossible to erase.
  for v_t in select * from app_private.client_linked_tables() loop
    select array_agg(format('%I = %s', a.attname,
             case when a.attname ~ '^client_.*phone' and not a.attnotnull then 'null'
                  when a.attname ~ '^client_.*phone' then format('%L', '[phone erased]')
                  when a.attname ~ 'email$' then format('$3::%s', format_type(a.atttypid, a.atttypmod))
                  else format('%L::%s', 'Anonymised client', format_type(a.atttypid, a.atttypmod)) end)
             order by a.attnum),
           array_agg(case when a.attname ~ '^client_.*phone' and not a.attnotnull then format('%I is not null', a.attname)
                          when a.attname ~ '^client_.*phone' then format('%I is distinct from %L', a.attname, '[phone erased]')
                          when a.attname ~ 'email$' then format('%I is distinct from $3', a.attname)
                          else format('%I is distinct from %L', a.attname, 'Anonymised client') end order by a.attnum)
      into v_sets, v_conds
    from pg_catalog.pg_attribute a
    where a.attrelid = v_t.rel and a.attnum > 0 and not a.attisdropped
      and (a.attname = any(v_t.personal_columns) or (a.attname ~ '^client_.*phone' and not a.attnotnull));
    if v_sets is not null then
      execute format('update %s set %s where consultant_id = $1 and client_id = $2 and (%s)', v_t.rel,
                     array_to_string(v_sets, ', '), array_to_string(v_conds, ' or '))
      using p_consultant, p_client.id, p_anon_email;
    end if;
    for v_col in
      select a.attname as name, a.atttypid in ('json'::regtype, 'jsonb'::regtype) as is_json,
             format_type(a.atttypid, a.atttypmod) as type
      from pg_catalog.pg_attribute a
      where a.attrelid = v_t.rel and a.attnum > 0 and not a.attisdropped
        and a.atttypid in ('text'::regtype, 'character varying'::regtype, 'public.citext'::regtype, 'json'::regtype,
                           'jsonb'::regtype)
        and not a.attname = any(v_t.personal_columns) and a.attname !~ '^client_.*phone'
      order by a.attnum
    loop
      begin
        execute format('update %s set %I = %s where consultant_id = $1 and client_id = $2 and %I::text ~* any($3)',
                       v_t.rel, v_col.name,
                       case when v_col.is_json then format('app_private.redact_jsonb(%I::jsonb, $3, $4)::%s', v_col.name, v_col.type)
                            else format('app_private.redact_text(%I::text, $3, $4)::%s', v_col.name, v_col.type) end,
                       v_col.name)
        using p_consultant, p_client.id, v_patterns, v_replacements;
      exception when integrity_constraint_violation or string_data_right_truncation or sqlstate 'NK409' then
        null;  -- codes, not a name: see above
      end;
    end loop;
  end loop;

  -- 5. Rows about them without a client_id of their own.
  update app.email_outbox o set to_name = app_private.redact_text(o.to_name, v_patterns, v_replacements),
    subject = app_private.redact_text(o.subject, v_patterns, v_replacements),
    html_body = app_private.redact_text(o.html_body, v_patterns, v_replacements),
    text_body = app_private.redact_text(o.text_body, v_patterns, v_replacements),
    attachments = app_private.redact_jsonb(o.attachments, v_patterns, v_replacements)
  from app.email_logs l
  where o.email_log_id = l.id and l.consultant_id = p_consultant and l.client_id = p_client.id
    and (o.to_name ~* any(v_patterns) or o.subject ~* any(v_patterns) or o.html_body ~* any(v_patterns)
         or o.text_body ~* any(v_patterns));
  -- Their quotations' lines (a line named after them): rewritten, quantities and prices kept.
  update app.quotation_items i set description = app_private.redact_text(i.description, v_patterns, v_replacements)
  from app.quotations q
  where q.id = i.quotation_id and q.consultant_id = p_consultant and q.client_id = p_client.id
    and i.description ~* any(v_patterns);
  update app.payment_refunds r set reason = app_private.redact_text(r.reason, v_patterns, v_replacements),
    failure_reason = app_private.redact_text(r.failure_reason, v_patterns, v_replacements)
  from app.payment_transactions t
  where t.id = r.transaction_id and t.consultant_id = p_consultant and t.client_id = p_client.id
    and (r.reason ~* any(v_patterns) or r.failure_reason ~* any(v_patterns));
  -- The name and address they asked to be invoiced at: the payment forgets them; the GST documents issued keep
  -- what they printed, unchanged (CGST Act s.36: kept 72 months from the annual return's due date; docs/gst.md).
  update app.payment_transactions t set billing_name = null, billing_address = null, billing_postal_code = null
  where t.consultant_id = p_consultant and t.client_id = p_client.id
    and (t.billing_name is not null or t.billing_address is not null or t.billing_postal_code is not null);
  -- The gateways' reports of their payments, refunds and mail (found through indexed ids): the payer's own
  -- fields (email, phone, UPI id, card) go, and anything else naming them is rewritten.
  select array_agg(t.gateway_order_id) filter (where t.gateway_order_id is not null),
         array_agg(t.gateway_payment_id) filter (where t.gateway_payment_id is not null)
    into v_orders, v_payments
  from app.payment_transactions t where t.consultant_id = p_consultant and t.client_id = p_client.id;
  select array_agg(l.external_id) into v_external
  from app.email_logs l where l.consultant_id = p_consultant and l.client_id = p_client.id and l.external_id is not null;
  update app.webhook_events e set payload = app_private.redact_jsonb(
      case when e.payload #> '{payload,payment,entity}' is not null
           then jsonb_set(e.payload, '{payload,payment,entity}',
                          (e.payload #> '{payload,payment,entity}') - array['email', 'contact', 'vpa', 'card'])
           else e.payload end, v_patterns, v_replacements)
  where (e.provider <> 'resend' and (e.payload #>> '{payload,payment,entity,order_id}' = any(v_orders)
                                     or e.payload #>> '{payload,refund,entity,payment_id}' = any(v_payments)))
     or (e.provider = 'resend' and e.payload #>> '{data,email_id}' = any(v_external));
  -- A booking's stored answer to its Idempotency-Key names its client.
  select array_agg(s.id::text) into v_sessions from app.sessions s
  where s.consultant_id = p_consultant and s.client_id = p_client.id;
  update app.idempotency_keys k set response = app_private.redact_jsonb(k.response, v_patterns, v_replacements)
  where k.consultant_id = p_consultant and k.response ->> 'session_id' = any(v_sessions)
    and k.response::text ~* any(v_patterns);
  -- A suppression of their address that this consultant's own mail to them caused (its bounce or complaint),
  -- when no other record needs it. A suppression another consultant's mail caused is the platform's, not
  -- this consultant's to lift: otherwise adding and anonymising a client would un-suppress any address.
  -- (Rate-limit counters never hold an address: per-email buckets are app.mailbox_key hashes. Queued
  -- jobs carry ids only; rewriting every tenant's job arguments by this client's patterns could break theirs.)
  delete from app.email_suppressions s using app.email_logs l
  where s.email = p_client.email and l.id = s.email_log_id and l.consultant_id = p_consultant
    and l.client_id = p_client.id
    and not exists (select 1 from app.clients c where c.email = s.email and c.anonymised_at is null)
    and not exists (select 1 from app.consultants c where c.email = s.email)
    and not exists (select 1 from app.admins a where a.email = s.email);
end;
$$;
comment on function app_private.erase_client_traces is 'Erase a client''s address, names and phone from every row about them (see the section comment); their queued mail is not sent.';

create or replace function api.anonymise_client(p_client_id uuid, p_phone text default null)
returns jsonb
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_consultant uuid := api.require_approved();
  v_old app.clients;
  v_c app.clients;
  v_anon text;
  v_images text[];
begin
  -- Personal data erased; sessions and payments stay as financial records (kept seven years), now
  -- pointing at an anonymous client. p_phone is their phone in clear (the app decrypts it for this): it is
  -- how a gateway or a note may have written it down.
  select * into v_old from app.clients
  where id = p_client_id and consultant_id = v_consultant and anonymised_at is null for update;
  if v_old.id is null then
    raise exception using errcode = 'NK404', message = 'not_found', detail = 'No such client.';
  end if;
  v_anon := 'anonymised-' || replace(v_old.id::text, '-', '') || '@anonymised.invalid';
  update app.clients set name = 'Anonymised client', email = v_anon, phone_encrypted = null, phone_hash = null,
    notes = null, is_active = false, anonymised_at = now()
  where id = v_old.id returning * into v_c;
  -- An image attached to a quotation for them may show them (a plan of their home, their document): it goes
  -- from their quotations (those to their address too, linked to them below), and its stored file with it
  -- (the app deletes forgotten_images) unless the consultant also shows it on a quotation for someone else.
  -- Read before the erasure below rewrites text that happens to contain their name.
  select coalesce(array_agg(distinct q.quotation_image_url), '{}') into v_images
  from (select quotation_image_url from app.quotations
        where consultant_id = v_consultant and quotation_image_url is not null
          and (client_id = v_old.id or (client_id is null and client_email = v_old.email))
        for update) q;
  perform app_private.erase_client_traces(v_consultant, v_old, v_anon, array_remove(array[p_phone], null));
  update app.quotations set quotation_image_url = null
  where consultant_id = v_consultant and client_id = v_old.id and quotation_image_url is not null;
  return api.client_json(v_c)
    || jsonb_build_object('forgotten_images', api.unreferenced_quotation_images(v_consultant, v_images));
end;
$$;
comment on function api.anonymise_client is 'Erase a client''s personal data everywhere it is held (p_phone: their phone in clear, to find it written down), keeping their sessions and payments as anonymous financial records. forgotten_images: images of their quotations that no quotation shows any more, for the app to delete. Definer: erases a client everywhere it is held, including webhook events, idempotency keys and the outbox, which no web role reaches.';

grant execute on function api.anonymise_client(uuid, text) to nakksha_app;

-- Test: pytest tests/db/test_erasure.py
