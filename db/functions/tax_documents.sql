-- db/functions/tax_documents.sql — GST documents read back: a client's billing details checked at booking, a document's JSON snapshot, the consultant's list and monthly GST report.
-- Issue 21 (docs/gst.md "What the product does"): documents are written by triggers (db/functions/app/
-- tax_document_issue.sql); everything here reads them under the caller's policies (security invoker), but for the
-- manage link's view, which runs inside its definer function (db/functions/manage.sql).

create or replace function app_private.billing_details(p_billing jsonb, p_consultant_id uuid default null,
                                                       p_amount numeric default null,
                                                       out state_code text, out country text, out gstin text,
                                                       out billing_name text, out address text,
                                                       out postal_code text)
language plpgsql stable
set search_path = ''
as $$
begin
  -- {state_code, country, gstin, billing_name, address, postal_code}. A GSTIN is a business in India, its State its
  -- own; a State, or an address with no country, says India. Each refusal is a 422 naming its field, before
  -- anything is written. Given the consultant and the price: a paid booking of a regular-scheme consultant (a tax
  -- invoice) needs the client's address, with its State and PIN code in India (rule 46(f) proviso, docs/gst.md).
  if p_billing is not null and jsonb_typeof(p_billing) <> 'null' then
    if jsonb_typeof(p_billing) <> 'object' then
      perform app.refuse_field('billing', 'billing is an object: {state_code, country, gstin, billing_name, address, '
                                          || 'postal_code}.');
    end if;
    state_code := nullif(btrim(p_billing->>'state_code'), '');
    country := nullif(upper(btrim(p_billing->>'country')), '');
    gstin := nullif(upper(regexp_replace(coalesce(p_billing->>'gstin', ''), '\s', '', 'g')), '');
    billing_name := nullif(btrim(p_billing->>'billing_name'), '');
    -- One line on a document: runs of spaces become one (a line break is refused below, as the API refuses it).
    address := nullif(btrim(regexp_replace(coalesce(p_billing->>'address', ''), ' {2,}', ' ', 'g')), '');
    postal_code := nullif(upper(btrim(p_billing->>'postal_code')), '');
  end if;
  if country is not null and country !~ '^[A-Z]{2}$' then
    perform app.refuse_field('billing.country', 'The country is its two-letter ISO code, like IN or US.');
  end if;
  if gstin is not null then
    if gstin !~ '^[0-9]{2}[A-Z]{5}[0-9]{4}[A-Z][1-9A-Z][A-Z][0-9A-Z]$' then
      perform app.refuse_field('billing.gstin', 'A GSTIN is 15 characters, like 29AAAPL1234C1ZA.');
    elsif not app.gstin_is_valid(gstin) then
      perform app.refuse_field('billing.gstin', 'This GSTIN''s last character does not match the rest: check it for '
                                                || 'a mistyped character.');
    elsif not exists (select 1 from app.gst_states s where s.code = left(gstin, 2) and s.code <> '99') then
      perform app.refuse_field('billing.gstin', 'This GSTIN starts with no State''s code.');
    elsif state_code is not null and state_code <> left(gstin, 2) then
      perform app.refuse_field('billing.state_code', 'Your State is the one your GSTIN is registered in.');
    end if;
    state_code := left(gstin, 2);
  elsif state_code is not null and not exists (select 1 from app.gst_states s where s.code = state_code and s.current) then
    perform app.refuse_field('billing.state_code', 'Choose a State or Union Territory from the list.');
  end if;
  if state_code is not null then
    if country is not null and country <> 'IN' then
      perform app.refuse_field(case when gstin is not null then 'billing.gstin' else 'billing.state_code' end,
                               'A GSTIN and a State are India''s: leave them out for an address abroad.');
    end if;
    country := 'IN';
  elsif country is null and (address is not null or postal_code is not null) then
    country := 'IN';
  end if;
  if billing_name is not null and char_length(billing_name) not between 2 and 200 then
    perform app.refuse_field('billing.billing_name', 'The name to invoice is 2 to 200 characters.');
  elsif not app.printable(billing_name) then
    perform app.refuse_field('billing.billing_name', 'The name to invoice has a character a document cannot print.');
  end if;
  if address is not null and char_length(address) not between 5 and 300 then
    perform app.refuse_field('billing.address', 'The address is 5 to 300 characters: building, street, city.');
  elsif not app.printable(address) then
    perform app.refuse_field('billing.address', 'The address has a character a document cannot print.');
  end if;
  if postal_code is not null and country = 'IN' and postal_code !~ '^[1-9][0-9]{5}$' then
    perform app.refuse_field('billing.postal_code', 'A PIN code is six digits, like 560001.');
  elsif postal_code is not null and postal_code !~ '^[A-Z0-9][A-Z0-9 -]{1,11}$' then
    perform app.refuse_field('billing.postal_code', 'A postal code is 2 to 12 letters, digits, spaces or dashes.');
  end if;
  -- The tax invoice's recipient: a regular-scheme consultant's paid booking names the client's address.
  if coalesce(p_amount, 0) > 0 and exists (select 1 from app.consultant_tax_profiles p
                                           where p.consultant_id = p_consultant_id and p.gst_scheme = 'regular') then
    if country is distinct from 'IN' and country is not null then
      if address is null then
        perform app.refuse_field('billing.address', 'Your address is needed for the tax invoice.');
      end if;
    elsif state_code is null then
      perform app.refuse_field('billing.state_code', 'Your State is needed for the tax invoice (GST rule 46).');
    elsif address is null then
      perform app.refuse_field('billing.address', 'Your address is needed for the tax invoice (GST rule 46).');
    elsif postal_code is null then
      perform app.refuse_field('billing.postal_code', 'Your PIN code is needed for the tax invoice (GST rule 46).');
    end if;
  end if;
end;
$$;
comment on function app_private.billing_details is 'A booking''s billing details checked and normalised (GSTIN upper case, its State; a State means India; the address on one line), or a 422 naming the field; with the consultant and price, a paid booking of a regular-scheme consultant needs the client''s State, address and PIN code (a tax invoice''s recipient, rule 46).';

create or replace function api.document_json(p_d app.tax_documents)
returns jsonb
language sql stable security invoker
set search_path = ''
as $$
  -- Everything the document prints, as it was issued: what a page, a PDF or the API renders.
  select jsonb_build_object(
    'id', p_d.id, 'issuer', p_d.issuer, 'document_type', p_d.document_type, 'number', p_d.number,
    'financial_year', app.financial_year_label(p_d.financial_year), 'issued_at', p_d.issued_at,
    'issue_date', (p_d.issued_at at time zone 'Asia/Kolkata')::date,
    'payment_id', p_d.payment_id, 'subscription_charge_id', p_d.subscription_charge_id, 'refund_id', p_d.refund_id,
    'purpose', p_d.purpose,
    'session_id', p_d.session_id, 'quotation_id', p_d.quotation_id,
    'original', case when p_d.original_document_id is not null then jsonb_build_object(
      'id', p_d.original_document_id, 'number', p_d.original_number,
      'issue_date', (p_d.original_issued_at at time zone 'Asia/Kolkata')::date) end,
    'supplier', jsonb_build_object('name', p_d.supplier_name, 'gstin', p_d.supplier_gstin,
      'state_code', p_d.supplier_state_code, 'state_name', (select s.name from app.gst_states s
                                                            where s.code = p_d.supplier_state_code),
      'address', p_d.supplier_address),
    'recipient', jsonb_build_object('name', p_d.recipient_name, 'billing_name', p_d.recipient_billing_name,
      'gstin', p_d.recipient_gstin, 'state_code', p_d.recipient_state_code,
      'state_name', (select s.name from app.gst_states s where s.code = p_d.recipient_state_code),
      'country', p_d.recipient_country, 'address', p_d.recipient_address,
      'postal_code', p_d.recipient_postal_code),
    'place_of_supply', jsonb_build_object('state_code', p_d.place_of_supply_state_code,
      'state_name', (select s.name from app.gst_states s where s.code = p_d.place_of_supply_state_code),
      'country', p_d.place_of_supply_country),
    'lines', (select coalesce(jsonb_agg(jsonb_build_object('description', l->>'description', 'sac', l->>'sac',
                'quantity', (l->>'quantity')::integer, 'taxable_value', api.money((l->>'taxable_value')::numeric),
                'cgst', api.money((l->>'cgst')::numeric), 'sgst', api.money((l->>'sgst')::numeric),
                'igst', api.money((l->>'igst')::numeric), 'total', api.money((l->>'total')::numeric))
                order by o), '[]') from jsonb_array_elements(p_d.lines) with ordinality x(l, o)),
    'currency', p_d.currency, 'taxable_value', api.money(p_d.taxable_value),
    'cgst_rate', p_d.cgst_rate, 'cgst', api.money(p_d.cgst),
    -- Union territories without a legislature levy UTGST in SGST's place (docs/gst.md §5).
    'sgst_label', case when p_d.place_of_supply_state_code in ('04', '26', '31', '35', '38', '97') then 'UTGST'
                       else 'SGST' end,
    'sgst_rate', p_d.sgst_rate, 'sgst', api.money(p_d.sgst), 'igst_rate', p_d.igst_rate, 'igst', api.money(p_d.igst),
    'round_off', api.money(p_d.round_off), 'total', api.money(p_d.total), 'lut_reference', p_d.lut_reference, 'reverse_charge', p_d.reverse_charge,
    'legend', p_d.legend)
$$;
comment on function api.document_json is 'A GST document''s full snapshot as the API answers it (money as strings; the issue date in India).';

create or replace function api.my_documents(p_month date default null, p_type text default null,
                                            p_before uuid default null, p_limit integer default 50)
returns jsonb
language plpgsql stable security invoker
set search_path = ''
as $$
declare
  v_limit integer := api.page_limit(p_limit);
  v_at timestamptz := api.page_after((select b.issued_at from app.tax_documents b where b.id = p_before), p_before);
begin
  -- The calling consultant's documents (theirs to clients and the platform's to them), newest first, a keyset page
  -- (db/functions/paging.sql); a month is India's (GST returns are).
  return api.page((select jsonb_agg(jsonb_build_object('id', d.id, 'issuer', d.issuer,
                                                       'document_type', d.document_type,
                                                       'number', d.number, 'issued_at', d.issued_at,
                                                       'payment_id', d.payment_id,
                                                       'subscription_charge_id', d.subscription_charge_id,
                                                       'refund_id', d.refund_id,
                                                       'place_of_supply_state_code', d.place_of_supply_state_code,
                                                       'place_of_supply_country', d.place_of_supply_country,
                                                       'taxable_value', api.money(d.taxable_value),
                                                       'cgst', api.money(d.cgst), 'sgst', api.money(d.sgst),
                                                       'igst', api.money(d.igst), 'total', api.money(d.total))
                                    order by d.issued_at desc, d.id desc)
  from (select * from app.tax_documents x
        where x.consultant_id = (select app.current_reading_consultant_id())
          and (p_type is null or x.document_type = p_type)
          and (p_month is null or (x.issued_at >= date_trunc('month', p_month)::timestamp at time zone 'Asia/Kolkata'
               and x.issued_at < (date_trunc('month', p_month) + interval '1 month')::timestamp at time zone 'Asia/Kolkata'))
          and (p_before is null or (x.issued_at, x.id) < (v_at, p_before))
        order by x.issued_at desc, x.id desc limit v_limit) d), v_limit);
end;
$$;
comment on function api.my_documents is 'The calling consultant''s GST documents (issued to their clients, and the platform''s to them), newest first, a page at a time, by month (India) and type.';

create or replace function api.my_document(p_id uuid)
returns jsonb
language plpgsql stable security invoker
set search_path = ''
as $$
declare
  v_d app.tax_documents;
begin
  select * into v_d from app.tax_documents d where d.id = p_id;  -- the policy: theirs only
  if v_d.id is null then
    raise exception using errcode = 'NK404', message = 'not_found', detail = 'No such document.';
  end if;
  return api.document_json(v_d);
end;
$$;
comment on function api.my_document is 'One of the calling consultant''s GST documents, its full snapshot; 404 for anyone else''s.';

create or replace function api.my_gst_report(p_month date)
returns jsonb
language sql stable security invoker
set search_path = ''
as $$
  -- One month (India's) of documents, oldest first, for the GST returns: the consultant's own (outward supplies,
  -- GSTR-1) and the platform's to them (their input tax credit).
  select jsonb_build_object('month', to_char(date_trunc('month', p_month), 'YYYY-MM'), 'items', coalesce((
    select jsonb_agg(jsonb_build_object('number', d.number, 'document_type', d.document_type, 'issuer', d.issuer,
      'issue_date', (d.issued_at at time zone 'Asia/Kolkata')::date, 'original_number', d.original_number,
      'recipient_gstin', d.recipient_gstin, 'supplier_gstin', d.supplier_gstin,
      'place_of_supply_state_code', d.place_of_supply_state_code,
      'place_of_supply', coalesce(s.name, d.place_of_supply_country), 'sac', d.sac,
      'taxable_value', api.money(d.taxable_value), 'cgst', api.money(d.cgst), 'sgst', api.money(d.sgst),
      'igst', api.money(d.igst), 'round_off', api.money(d.round_off), 'total', api.money(d.total),
      'lut_reference', d.lut_reference, 'purpose', d.purpose)
      order by d.issued_at, d.number)
    from app.tax_documents d left join app.gst_states s on s.code = d.place_of_supply_state_code
    where d.consultant_id = (select app.current_reading_consultant_id())
      and d.issued_at >= date_trunc('month', p_month)::timestamp at time zone 'Asia/Kolkata'
      and d.issued_at < (date_trunc('month', p_month) + interval '1 month')::timestamp at time zone 'Asia/Kolkata'),
    '[]'))
$$;
comment on function api.my_gst_report is 'The calling consultant''s GST documents of one month (India), oldest first, with each tax and the place of supply: the GST report CSV.';

create or replace function api.my_documents_of(p_session_id uuid default null, p_payment_id uuid default null)
returns jsonb
language sql stable security invoker
set search_path = ''
as $$
  -- The documents of one session's payments or of one payment (the consultant's pages link them), oldest first.
  select coalesce(jsonb_agg(jsonb_build_object('id', d.id, 'issuer', d.issuer, 'document_type', d.document_type,
                                               'number', d.number, 'issued_at', d.issued_at, 'currency', d.currency,
                                               'total', api.money(d.total))
                            order by d.issued_at, d.number), '[]')
  from app.tax_documents d
  where d.consultant_id = (select app.current_reading_consultant_id())
    and d.payment_id in (select t.id from app.payment_transactions t
                         where (p_session_id is not null or p_payment_id is not null)
                           and (p_session_id is null or t.session_id = p_session_id)
                           and (p_payment_id is null or t.id = p_payment_id))
$$;
comment on function api.my_documents_of is 'The calling consultant''s GST documents of one session or one payment (theirs and the platform''s to them), oldest first.';

create or replace function app_private.client_documents(p_session_id uuid, p_quotation_id uuid)
returns jsonb
language sql stable
set search_path = ''
as $$
  -- The client's own documents of a booking or of a quotation (one of the two is given): the consultant's to
  -- them (never the platform's to the consultant), their credit notes and a duplicate payment's included.
  select coalesce(jsonb_agg(api.document_json(d) order by d.issued_at, d.number), '[]')
  from app.payment_transactions t join app.tax_documents d on d.payment_id = t.id and d.issuer = 'consultant'
  where t.session_id = p_session_id or t.quotation_id = p_quotation_id
$$;
comment on function app_private.client_documents is 'The documents issued to a booking''s or a quotation''s client (full snapshots), for its manage link or its /q link.';

create or replace function api.worker_paid_document(p_session_id uuid, p_quotation_id uuid)
returns jsonb
language sql stable security invoker
set search_path = ''
as $$
  -- The consultant's document to the client for the payment that confirmed a session or paid a quotation (one
  -- of the two is given; not a duplicate's, not a credit note), as issued: what the client's confirmation or
  -- "quotation paid" mail attaches as a PDF. NULL when there is none (a free session, cash, a payment captured
  -- before documents existed).
  select api.document_json(d)
  from app.payment_transactions t join app.tax_documents d on d.payment_id = t.id and d.issuer = 'consultant'
  where (t.session_id = p_session_id or t.quotation_id = p_quotation_id) and d.document_type <> 'credit_note'
    and not coalesce((t.metadata->>'duplicate')::boolean, false)
  order by d.issued_at desc, d.number desc
  limit 1
$$;
comment on function api.worker_paid_document is 'The worker: the consultant''s GST document (full snapshot) of the payment that confirmed a session or paid a quotation, for the client''s mail''s PDF; NULL when none.';

grant execute on function api.document_json(app.tax_documents), api.worker_paid_document(uuid, uuid) to nakksha_worker;
grant execute on function api.document_json(app.tax_documents), api.my_documents(date, text, uuid, integer),
  api.my_document(uuid), api.my_gst_report(date), api.my_documents_of(uuid, uuid) to nakksha_app;

-- Test: pytest tests/db/test_tax_documents.py tests/http/test_documents.py
