-- db/functions/quotations.sql — quotations as the consultant keeps them: build, edit, duplicate, send, list, expiry, stats (the client's side: quotations_public.sql).
-- The state machine itself is the trigger app.guard_quotation (db/functions/app/quotations.sql); these
-- functions only ever ask it for a move, so a refused move is NK409 invalid_transition from one place.

create or replace function api.quotation_json(p_q app.quotations)
returns jsonb
language sql stable
set search_path = ''
as $$
  select jsonb_build_object(
    'id', p_q.id, 'client_id', p_q.client_id, 'client_name', p_q.client_name, 'client_email', p_q.client_email::text,
    'quotation_name', p_q.quotation_name, 'description', p_q.description, 'items', api.quotation_items_json(p_q.id),
    'base_amount', api.money(p_q.base_amount),
    'discount_percentage', p_q.discount_percentage, 'discount_amount', api.money(p_q.base_amount - p_q.final_amount),
    'final_amount', api.money(p_q.final_amount), 'currency', p_q.currency,
    'validity_period', p_q.validity_period, 'expires_at', p_q.expires_at,
    -- A quotation past its expiry reads as expired at once, before the periodic job records it.
    'status', case when p_q.status in ('sent', 'viewed') and p_q.expires_at <= now() then 'expired' else p_q.status end,
    'notes', p_q.notes, 'quotation_image_url', p_q.quotation_image_url, 'view_count', p_q.view_count,
    'last_viewed_at', p_q.last_viewed_at, 'sent_at', p_q.sent_at, 'responded_at', p_q.responded_at,
    'response_reason', p_q.response_reason, 'paid_at', p_q.paid_at, 'created_at', p_q.created_at,
    'updated_at', p_q.updated_at, 'gst', api.quotation_gst(p_q))
$$;
comment on function api.quotation_json is 'A quotation as the API answers it (never its token hash): its lines, their sum (base_amount), the discount and the final amount.';

-- Invoker, as are all its callers: the quotations policy decides what the caller sees. The consultant filter is
-- redundant with the policy and kept as the index's leading column (an id alone would do as well).
create or replace function api.my_quotation(p_quotation_id uuid, p_lock boolean default false)
returns app.quotations
language plpgsql volatile security invoker
set search_path = ''
as $$
declare
  v_consultant uuid := api.require_approved();
  v_q app.quotations;
begin
  if p_lock then
    select * into v_q from app.quotations where id = p_quotation_id and consultant_id = v_consultant for update;
  else
    select * into v_q from app.quotations where id = p_quotation_id and consultant_id = v_consultant;
  end if;
  if v_q.id is null then
    raise exception using errcode = 'NK404', message = 'not_found', detail = 'No such quotation.';
  end if;
  return v_q;
end;
$$;
comment on function api.my_quotation is 'The calling consultant''s quotation (optionally locked), else NK404.';

create or replace function api.quotation_client(p_consultant_id uuid, p_client_id uuid, p_name text,
                                                        p_email text)
returns table (client_id uuid, client_name text, client_email text)
language plpgsql stable security invoker
set search_path = ''
as $$
declare
  v_c app.clients;
begin
  -- An existing client by id (theirs, or 404), else name and email, linked to their client with that email.
  if p_client_id is not null then
    select * into v_c from app.clients c where c.id = p_client_id and c.consultant_id = p_consultant_id;
    if v_c.id is null then
      raise exception using errcode = 'NK404', message = 'client_not_found', detail = 'No such client.',
        hint = 'field:client_id';
    end if;
    return query select v_c.id, v_c.name, v_c.email::text;
    return;
  end if;
  if nullif(btrim(p_name), '') is null or nullif(btrim(p_email), '') is null then
    raise exception using errcode = 'NK422', message = 'validation_error',
      detail = 'Give an existing client_id, or the client''s name and email.', hint = 'field:client';
  end if;
  select * into v_c from app.clients c where c.consultant_id = p_consultant_id and c.email = lower(btrim(p_email));
  return query select v_c.id, btrim(p_name), lower(btrim(p_email));
end;
$$;
comment on function api.quotation_client is 'Resolve a quotation''s client: an id of theirs, or name and email (linked when the email is a client''s).';

create or replace function api.unreferenced_quotation_images(p_consultant_id uuid, p_urls text[])
returns jsonb
language sql stable
set search_path = ''
as $$
  -- A consultant's uploaded image may be shared by several of their quotations (a duplicate keeps its
  -- source's): the app deletes a stored file only once none of them refers to it. Callers hold the rows they
  -- changed, and api.duplicate_quotation locks its source, so no copy can take a URL after this looked.
  select coalesce(jsonb_agg(distinct u.url), '[]')
  from unnest(p_urls) as u(url)
  where u.url is not null
    and not exists (select 1 from app.quotations q
                    where q.consultant_id = p_consultant_id and q.quotation_image_url = u.url)
$$;
comment on function api.unreferenced_quotation_images is 'Of these image URLs, those no quotation of the consultant refers to any more (the app deletes their stored files).';

create or replace function api.create_quotation(p_body jsonb)
returns jsonb
language plpgsql volatile security invoker
set search_path = ''
as $$
declare
  v_consultant uuid := api.require_approved();
  v_client record;
  v_q app.quotations;
  v_items jsonb := api.quotation_items_from(p_body, btrim(p_body->>'quotation_name'));
begin
  if v_items is null then
    raise exception using errcode = 'NK422', message = 'validation_error',
      detail = 'Give at least one line: a description, a quantity and a unit price.', hint = 'field:items';
  end if;
  select * into v_client from api.quotation_client(v_consultant, (p_body->>'client_id')::uuid,
    p_body->>'client_name', p_body->>'client_email');
  insert into app.quotations (consultant_id, client_id, client_name, client_email, quotation_name, description,
                              base_amount, discount_percentage, currency, validity_period, expires_at, notes,
                              quotation_image_url)
  values (v_consultant, v_client.client_id, v_client.client_name, v_client.client_email,
          btrim(p_body->>'quotation_name'), p_body->>'description', 0,
          coalesce((p_body->>'discount_percentage')::numeric, 0), coalesce(p_body->>'currency', 'INR'),
          p_body->>'validity_period', (p_body->>'expires_at')::timestamptz, p_body->>'notes',
          p_body->>'quotation_image_url')
  returning * into v_q;
  -- The lines, then the row again: their sum is its base amount now.
  perform api.set_quotation_items(v_q, v_items);
  select * into v_q from app.quotations where id = v_q.id;
  return api.quotation_json(v_q);
end;
$$;
comment on function api.create_quotation is 'A new draft quotation (client by id, or by name and email) with its lines (items, or a single base_amount as one line).';

create or replace function api.update_quotation(p_quotation_id uuid, p_patch jsonb)
returns jsonb
language plpgsql volatile security invoker
set search_path = ''
as $$
declare
  v_q app.quotations := api.my_quotation(p_quotation_id, true);
  v_old_image text := v_q.quotation_image_url;
  v_client record;
  v_items jsonb;
begin
  if v_q.status <> 'draft' then
    raise exception using errcode = 'NK409', message = 'quotation_not_editable',
      detail = 'Only a draft can be changed; duplicate it to make a new version.';
  end if;
  if p_patch ?| array['client_id', 'client_name', 'client_email'] then
    select * into v_client from api.quotation_client(v_q.consultant_id,
      case when p_patch ? 'client_id' then (p_patch->>'client_id')::uuid
           when p_patch ?| array['client_name', 'client_email'] then null else v_q.client_id end,
      coalesce(p_patch->>'client_name', v_q.client_name), coalesce(p_patch->>'client_email', v_q.client_email::text));
    v_q.client_id := v_client.client_id;
    v_q.client_name := v_client.client_name;
    v_q.client_email := v_client.client_email;
  end if;
  update app.quotations q set
    client_id = v_q.client_id, client_name = v_q.client_name, client_email = v_q.client_email,
    quotation_name = case when p_patch ? 'quotation_name' then btrim(p_patch->>'quotation_name') else q.quotation_name end,
    description = case when p_patch ? 'description' then p_patch->>'description' else q.description end,
    discount_percentage = case when p_patch ? 'discount_percentage'
                               then (p_patch->>'discount_percentage')::numeric else q.discount_percentage end,
    currency = case when p_patch ? 'currency' then p_patch->>'currency' else q.currency end,
    validity_period = case when p_patch ? 'validity_period' then p_patch->>'validity_period' else q.validity_period end,
    expires_at = case when p_patch ? 'expires_at' then (p_patch->>'expires_at')::timestamptz else q.expires_at end,
    notes = case when p_patch ? 'notes' then p_patch->>'notes' else q.notes end,
    quotation_image_url = case when p_patch ? 'quotation_image_url' then p_patch->>'quotation_image_url'
                               else q.quotation_image_url end
  where q.id = v_q.id
  returning * into v_q;
  -- New lines replace the old (items, or a single base_amount as one line); the total follows.
  v_items := api.quotation_items_from(p_patch, v_q.quotation_name);
  if v_items is not null then
    perform api.set_quotation_items(v_q, v_items);
    select * into v_q from app.quotations where id = v_q.id;
  end if;
  -- A replaced or removed image whose file no other quotation shows: the app deletes it from storage.
  return api.quotation_json(v_q) || jsonb_build_object('forgotten_images',
    case when v_old_image is distinct from v_q.quotation_image_url
         then api.unreferenced_quotation_images(v_q.consultant_id, array[v_old_image]) else '[]' end);
end;
$$;
comment on function api.update_quotation is 'Change a draft quotation (the keys present in the patch); NK409 once sent. forgotten_images: the image it replaced, when no quotation shows it any more.';

create or replace function api.delete_quotation(p_quotation_id uuid)
returns jsonb
language plpgsql volatile security invoker
set search_path = ''
as $$
declare
  v_q app.quotations := api.my_quotation(p_quotation_id, true);
begin
  delete from app.quotations where id = v_q.id;  -- the guard refuses anything but a draft
  return jsonb_build_object('id', v_q.id, 'deleted', true, 'forgotten_images',
    api.unreferenced_quotation_images(v_q.consultant_id, array[v_q.quotation_image_url]));
end;
$$;
comment on function api.delete_quotation is 'Delete a draft quotation; NK409 once sent. forgotten_images: its image, when no other quotation shows it.';

create or replace function api.duplicate_quotation(p_quotation_id uuid)
returns jsonb
language plpgsql volatile security invoker
set search_path = ''
as $$
declare
  v_src app.quotations := api.my_quotation(p_quotation_id);
  v_q app.quotations;
begin
  -- Read again under a share lock: an image being replaced on the source is either copied as it is now or
  -- seen by api.update_quotation as still shown here, so its file is never deleted under the copy.
  select * into v_src from app.quotations where id = v_src.id for share;
  -- A new draft with the same content (the way to change a quotation already sent); the expiry is dropped
  -- when it has passed.
  insert into app.quotations (consultant_id, client_id, client_name, client_email, quotation_name, description,
                              base_amount, discount_percentage, currency, validity_period, expires_at, notes,
                              quotation_image_url)
  values (v_src.consultant_id, v_src.client_id, v_src.client_name, v_src.client_email,
          left(v_src.quotation_name || ' (copy)', 200), v_src.description, v_src.base_amount,
          v_src.discount_percentage, v_src.currency, v_src.validity_period,
          case when v_src.expires_at > now() then v_src.expires_at end, v_src.notes, v_src.quotation_image_url)
  returning * into v_q;
  -- Its lines too (their sum is the amount copied above).
  insert into app.quotation_items (consultant_id, quotation_id, position, description, quantity, unit_price)
  select v_q.consultant_id, v_q.id, i.position, i.description, i.quantity, i.unit_price
  from app.quotation_items i where i.quotation_id = v_src.id;
  return api.quotation_json(v_q);
end;
$$;
comment on function api.duplicate_quotation is 'Copy a quotation (any status) into a new draft.';

create or replace function api.send_quotation(p_quotation_id uuid, p_token_hash bytea, p_link_encrypted text)
returns jsonb
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_q app.quotations := api.my_quotation(p_quotation_id, true);
  v_c app.consultants;
begin
  if v_q.status <> 'draft' then
    raise exception using errcode = 'NK409', message = 'invalid_transition',
      detail = format('A %s quotation cannot be sent again; duplicate it to send a new version.', v_q.status);
  end if;
  if v_q.status = 'draft' and v_q.expires_at <= now() then
    raise exception using errcode = 'NK422', message = 'quotation_expired',
      detail = 'Its expiry date has passed; set a later one before sending.', hint = 'field:expires_at';
  end if;
  -- draft → sent.
  update app.quotations set status = 'sent', sent_at = now(), public_token_hash = p_token_hash,
    public_link_encrypted = p_link_encrypted
  where id = v_q.id returning * into v_q;
  select * into v_c from app.consultants where id = v_q.consultant_id;
  perform app_private.queue_email('quotation_received', v_q.client_email::text, v_q.client_name,
    app_private.quotation_mail_data(v_q) || jsonb_build_object('quotation_url_encrypted', p_link_encrypted),
    p_consultant_id => v_q.consultant_id, p_client_id => v_q.client_id, p_quotation_id => v_q.id);
  return api.quotation_json(v_q);
end;
$$;
comment on function api.send_quotation is 'draft → sent: store the public link''s hash and mail it to the client (quotation_received). Definer: moves a quotation to sent and sets its public token, which no web role may write directly.';

create or replace function app_private.quotation_mail_data(p_q app.quotations)
returns jsonb
language sql stable
set search_path = ''
as $$
  select jsonb_build_object('quotation_id', p_q.id, 'quotation_name', p_q.quotation_name,
    'consultant_name', c.first_name || ' ' || c.last_name, 'client_name', p_q.client_name,
    'client_email', p_q.client_email::text, 'base_amount', p_q.base_amount::text,
    'discount_percentage', p_q.discount_percentage::text, 'final_amount', p_q.final_amount::text,
    'currency', p_q.currency, 'expires_at', p_q.expires_at, 'validity_period', p_q.validity_period,
    'timezone', c.timezone, 'status', p_q.status, 'response', p_q.status, 'reason', p_q.response_reason,
    'viewed_at', p_q.last_viewed_at, 'view_count', p_q.view_count)
  from app.consultants c where c.id = p_q.consultant_id
$$;
comment on function app_private.quotation_mail_data is 'What quotation mails say: names, amounts, expiry, status.';

create or replace function app_private.notify_consultant_of_quotation(p_q app.quotations, p_email_type text)
returns void
language plpgsql volatile
set search_path = ''
as $$
declare
  v_c app.consultants;
begin
  select * into v_c from app.consultants where id = p_q.consultant_id;
  -- Their notification preference (quotation_viewed, quotation_responded; a missing key means on).
  if not coalesce((v_c.notification_preferences->>p_email_type)::boolean, true) then
    return;
  end if;
  perform app_private.queue_email(p_email_type, v_c.email::text, v_c.first_name || ' ' || v_c.last_name,
    app_private.quotation_mail_data(p_q), p_consultant_id => v_c.id, p_client_id => p_q.client_id,
    p_quotation_id => p_q.id);
end;
$$;
comment on function app_private.notify_consultant_of_quotation is 'Queue quotation_viewed or quotation_responded to the consultant, if they want it.';

create or replace function app_private.mail_quotation_paid(p_quotation_id uuid, p_payment_id uuid)
returns void
language plpgsql volatile
set search_path = ''
as $$
declare
  v_q app.quotations;
  v_d app.tax_documents;
begin
  select * into v_q from app.quotations where id = p_quotation_id;
  -- Once per quotation, like the booking's confirmation: confirm_payment reaches here only on the capture that
  -- first pays it (a replayed webhook or a second verify finds the payment confirmed and stops before), and a
  -- mail already queued is never queued again.
  if exists (select 1 from app.email_logs l where l.quotation_id = v_q.id and l.email_type = 'quotation_paid') then
    return;
  end if;
  -- The document this capture issued to the client (its trigger ran in this transaction): named in the mail;
  -- the worker attaches its PDF at send time.
  select * into v_d from app.tax_documents d
  where d.payment_id = p_payment_id and d.issuer = 'consultant' and d.document_type <> 'credit_note'
  order by d.issued_at desc, d.number desc limit 1;
  perform app_private.queue_email('quotation_paid', v_q.client_email::text, v_q.client_name,
    app_private.quotation_mail_data(v_q) || jsonb_build_object('paid_at', v_q.paid_at,
      'document_type', v_d.document_type, 'document_number', v_d.number)
    -- The client's link back to the quotation (its documents), sealed as when it was sent.
    || case when v_q.public_link_encrypted is not null
            then jsonb_build_object('quotation_url_encrypted', v_q.public_link_encrypted) else '{}' end,
    p_consultant_id => v_q.consultant_id, p_client_id => v_q.client_id, p_quotation_id => v_q.id);
end;
$$;
comment on function app_private.mail_quotation_paid is 'Queue quotation_paid to the client (once per quotation): the payment received, the GST document it issued (attached by the worker), the link back.';

-- Expiry and stats -------------------------------------------------------------------------------------

create or replace function api.expire_quotations()
returns integer
language sql volatile security invoker
set search_path = ''
as $$
  -- Skips rows another transaction holds (an acceptance in flight): the next run gets them if still due.
  with due as (
    select id from app.quotations where status in ('sent', 'viewed') and expires_at <= now()
    for update skip locked
  ), moved as (
    update app.quotations q set status = 'expired' from due where q.id = due.id returning 1
  )
  select count(*)::integer from moved
$$;
comment on function api.expire_quotations is 'Periodic: sent and viewed quotations past expires_at become expired.';

create or replace function api.quotation_stats(p_timeframe text, p_from date, p_to date)
returns jsonb
language plpgsql stable security invoker
set search_path = ''
as $$
declare
  v_consultant uuid := api.require_approved();
  v_tz text := (select c.timezone from app.consultants c where c.id = v_consultant);
  -- Plain dates, not a record: 'all' leaves them null, and an unassigned record's fields cannot be read.
  v_starts date;
  v_ends date;
  p_from_at timestamptz;
  p_to_at timestamptz;
  v_result jsonb;
begin
  -- The same periods as the dashboard (api.period_bounds, in the consultant's zone); 'all' is all time.
  if p_timeframe <> 'all' then
    select b.starts, b.ends into v_starts, v_ends
    from api.period_bounds(p_timeframe, p_from, p_to, (now() at time zone v_tz)::date) b;
    p_from_at := v_starts::timestamp at time zone v_tz;
    p_to_at := (v_ends + 1)::timestamp at time zone v_tz;
  end if;
  -- Quotations sent in the period, by where they stand now (expired counted by expiry, even before the job).
  with sent as (
    select q.*, case when q.status in ('sent', 'viewed') and q.expires_at <= now() then 'expired'
                     else q.status end as shown
    from app.quotations q  -- the caller's own, by the policy
    where q.sent_at is not null
      and (p_from_at is null or q.sent_at >= p_from_at) and (p_to_at is null or q.sent_at < p_to_at)
  )
  select jsonb_build_object(
    'sent', count(*), 'viewed', count(*) filter (where view_count > 0),
    'accepted', count(*) filter (where shown = 'accepted'), 'rejected', count(*) filter (where shown = 'rejected'),
    'expired', count(*) filter (where shown = 'expired'),
    'pending', count(*) filter (where shown in ('sent', 'viewed')),
    'conversion_rate', api.rate(count(*) filter (where shown = 'accepted'), count(*)),  -- NULL when none sent
    'value_sent', api.money(coalesce(sum(final_amount), 0)),
    'value_accepted', api.money(coalesce(sum(final_amount) filter (where shown = 'accepted'), 0)),
    'value_paid', api.money(coalesce(sum(final_amount) filter (where paid_at is not null), 0)),
    'timeframe', p_timeframe, 'from', v_starts, 'to', v_ends)
  into v_result from sent;
  return v_result;
end;
$$;
comment on function api.quotation_stats is 'Quotations sent in a period: counts by outcome, conversion rate (accepted / sent, %), values.';

grant execute on function api.quotation_json(app.quotations), api.my_quotation(uuid, boolean),
  api.quotation_client(uuid, uuid, text, text), api.unreferenced_quotation_images(uuid, text[]),
  api.create_quotation(jsonb), api.update_quotation(uuid, jsonb), api.delete_quotation(uuid),
  api.duplicate_quotation(uuid), api.send_quotation(uuid, bytea, text), api.quotation_stats(text, date, date)
  to nakksha_app;
grant execute on function api.expire_quotations() to nakksha_worker;

-- Test: pytest tests/db/test_quotations.py tests/http/test_quotations.py
