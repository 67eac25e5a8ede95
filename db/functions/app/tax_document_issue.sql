-- db/functions/app/tax_document_issue.sql — which GST documents a captured payment and a processed refund issue, with what on them (the triggers' bodies).
-- docs/gst.md "What the product does": the consultant's document by their scheme (regular: tax invoice; composition:
-- bill of supply; unregistered: receipt), place of supply from the client's billing State (IGST Act s.12(2)), the
-- platform's invoice for its commission, and credit notes for refunds in cumulative proportion. Every function
-- here runs in the transaction of the write that fired it (as the owner under a definer path, or as the worker).

create or replace function app.platform_invoice_parties(
  p_consultant_id uuid, p_name text,
  out supplier_name text, out supplier_gstin text, out supplier_state_code text, out supplier_address text,
  out recipient_name text, out recipient_gstin text, out recipient_state_code text, out recipient_address text,
  out recipient_postal_code text, out place_of_supply_state_code text)
language plpgsql stable
set search_path = ''
as $$
declare
  p app.consultant_tax_profiles;
begin
  -- The two sides of every invoice the platform issues to a consultant (its commission, a plan charge): the platform
  -- as supplier (its settings; its State from its GSTIN, else the setting) and the consultant as recipient (their tax
  -- profile; the name on it, else p_name). Place of supply: the consultant's State (IGST Act s.12(2): a registered
  -- recipient's location, else the address on record), else the platform's own.
  select * into p from app.consultant_tax_profiles x where x.consultant_id = p_consultant_id;
  supplier_name := coalesce(app.platform_text('platform_legal_name'), app.platform_text('platform_name'), 'Nakksha');
  supplier_gstin := app.platform_text('platform_gstin');
  supplier_state_code := coalesce(left(supplier_gstin, 2), app.platform_text('platform_state_code'));
  supplier_address := app.platform_text('platform_address');
  recipient_name := coalesce(p.legal_name, p_name);
  recipient_gstin := p.gstin;
  recipient_state_code := p.state_code;
  recipient_address := nullif(concat_ws(', ', p.address_line1, p.address_line2, p.city), '');
  recipient_postal_code := p.postal_code;
  place_of_supply_state_code := coalesce(p.state_code, supplier_state_code);
end;
$$;
comment on function app.platform_invoice_parties(uuid, text) is 'The platform as supplier and the consultant as recipient of an invoice the platform issues them, and its place of supply (their State, else the platform''s).';

create or replace function app.issue_payment_documents(p_payment_id uuid) returns integer
language plpgsql volatile
set search_path = ''
as $$
declare
  t app.payment_transactions;
  c app.consultants;
  p app.consultant_tax_profiles;
  d app.tax_documents;
  v_at timestamptz;
  v_scheme text;
  v_abroad boolean;
  v_rate numeric;
  v_lines jsonb;
  v_count integer := 0;
  v_platform_gstin text := app.platform_text('platform_gstin');
  v_platform_state text;
begin
  select * into t from app.payment_transactions x where x.id = p_payment_id;
  -- Only money the platform collected (its commission is fixed then); once per payment (a replay issues nothing).
  if t.commission is null
     or exists (select 1 from app.tax_documents x where x.payment_id = t.id and x.refund_id is null) then
    return 0;
  end if;
  select * into c from app.consultants x where x.id = t.consultant_id;
  select * into p from app.consultant_tax_profiles x where x.consultant_id = t.consultant_id;
  v_at := coalesce(t.paid_at, now());
  v_scheme := coalesce(p.gst_scheme, 'unregistered');
  v_abroad := coalesce(t.billing_country, 'IN') <> 'IN';

  -- 1. The consultant's document to the client.
  d.id := gen_random_uuid();
  d.consultant_id := t.consultant_id;
  d.issuer := 'consultant';
  d.issued_at := v_at;
  d.payment_id := t.id;
  d.purpose := t.purpose;
  d.session_id := t.session_id;
  d.quotation_id := t.quotation_id;
  d.currency := t.currency;
  d.supplier_name := coalesce(p.legal_name, btrim(c.first_name || ' ' || c.last_name));
  d.supplier_gstin := p.gstin;
  d.supplier_state_code := p.state_code;
  d.supplier_address := nullif(concat_ws(', ', p.address_line1, p.address_line2, p.city, p.postal_code), '');
  select coalesce(s.client_name, q.client_name, cl.name), coalesce(s.title, q.quotation_name)
  into d.recipient_name, d.description
  from (select 1) one
  left join app.sessions s on s.id = t.session_id
  left join app.quotations q on q.id = t.quotation_id
  left join app.clients cl on cl.id = t.client_id;
  d.description := coalesce(d.description, 'Consulting services');
  d.recipient_billing_name := t.billing_name;
  d.recipient_gstin := t.billing_gstin;
  d.recipient_state_code := t.billing_state_code;
  d.recipient_country := coalesce(t.billing_country, 'IN');
  d.recipient_address := t.billing_address;  -- rule 46(f) proviso: the address on record of an unregistered client
  d.recipient_postal_code := t.billing_postal_code;
  -- Place of supply (IGST Act s.12(2), s.13(2)): the client's State as given (a GSTIN's State), else the
  -- consultant's; abroad, the client's country.
  d.place_of_supply_country := d.recipient_country;
  d.place_of_supply_state_code := case when not v_abroad then coalesce(t.billing_state_code, p.state_code) end;
  d.sac := '998311';
  d.reverse_charge := false;
  d.total := t.amount;
  d.cgst_rate := 0; d.sgst_rate := 0; d.igst_rate := 0; d.cgst := 0; d.sgst := 0; d.igst := 0; d.round_off := 0;
  d.taxable_value := t.amount;
  if v_scheme = 'regular' then
    d.document_type := 'tax_invoice';
    -- A letter of undertaking is for one financial year: it applies when it runs to the end of the issue's.
    if v_abroad and p.lut_valid_until = (app.financial_year_start(v_at) + interval '1 year' - interval '1 day')::date then
      -- Export under a letter of undertaking (IGST Act s.16): zero-rated, the whole price is the taxable value.
      d.lut_reference := p.lut_reference;
      d.legend := 'Supply meant for export under LUT without payment of IGST';
    else
      v_rate := app.tax_setting('service_gst_percent');
      select g.taxable_value, g.cgst, g.sgst, g.igst, g.round_off into d.taxable_value, d.cgst, d.sgst, d.igst, d.round_off
      from app.gst_in_price(t.amount, v_rate,
                            not v_abroad and d.place_of_supply_state_code is not distinct from p.state_code) g;
      if d.igst > 0 or (v_abroad or d.place_of_supply_state_code is distinct from p.state_code) then
        d.igst_rate := v_rate;
      else
        d.cgst_rate := v_rate / 2; d.sgst_rate := v_rate / 2;
      end if;
    end if;
  elsif v_scheme = 'composition' then
    d.document_type := 'bill_of_supply';  -- CGST Act s.31(3)(c): no tax shown or collected
    d.legend := 'Composition taxable person, not eligible to collect tax on supplies';
  else
    d.document_type := 'receipt';  -- outside GST: no GSTIN, no tax, its own series
    d.legend := 'Supplier not registered under GST: no GST charged';
  end if;
  select n.number, n.financial_year into d.number, d.financial_year
  from app.next_document_number(t.consultant_id, d.document_type, v_at) n;
  d.lines := jsonb_build_array(jsonb_build_object('description', d.description, 'sac', d.sac, 'quantity', 1,
    'taxable_value', d.taxable_value, 'cgst', d.cgst, 'sgst', d.sgst, 'igst', d.igst,
      'total', d.total));  -- the price paid; its paisa of round-off is shown below the lines
  d.created_at := now();
  insert into app.tax_documents select d.*;
  v_count := 1;

  -- 2. The platform's invoice to the consultant for its commission and the GST on it: place of supply the
  --    consultant's State (a registered recipient's location, s.12(2)(a); else the address on record).
  if t.commission + t.commission_gst > 0 then
    v_platform_state := coalesce(left(v_platform_gstin, 2), app.platform_text('platform_state_code'));
    d.id := gen_random_uuid();
    d.issuer := 'platform';
    d.document_type := 'tax_invoice';
    select x.supplier_name, x.supplier_gstin, x.supplier_state_code, x.supplier_address, x.recipient_name,
           x.recipient_gstin, x.recipient_state_code, x.recipient_address, x.recipient_postal_code,
           x.place_of_supply_state_code
    into d.supplier_name, d.supplier_gstin, d.supplier_state_code, d.supplier_address, d.recipient_name,
         d.recipient_gstin, d.recipient_state_code, d.recipient_address, d.recipient_postal_code,
         d.place_of_supply_state_code
    from app.platform_invoice_parties(t.consultant_id, btrim(c.first_name || ' ' || c.last_name)) x;
    d.recipient_billing_name := null;
    d.recipient_country := 'IN';
    d.place_of_supply_country := 'IN';
    d.description := 'Platform commission (' || t.commission_plan || ' plan, ' || t.commission_percent
                     || '%) on payment ' || coalesce(t.gateway_payment_id, t.id::text);
    d.sac := '998599';
    d.lut_reference := null;
    d.legend := null;
    d.taxable_value := t.commission;
    d.total := t.commission + t.commission_gst;
    if d.place_of_supply_state_code is not distinct from v_platform_state then
      select h.cgst, h.sgst, h.round_off into d.cgst, d.sgst, d.round_off
      from app.gst_halves(t.commission_gst, t.commission, t.commission_gst_percent) h;
      d.igst := 0;
      d.cgst_rate := t.commission_gst_percent / 2; d.sgst_rate := t.commission_gst_percent / 2; d.igst_rate := 0;
    else
      d.cgst := 0; d.sgst := 0; d.igst := t.commission_gst; d.round_off := 0;
      d.cgst_rate := 0; d.sgst_rate := 0; d.igst_rate := t.commission_gst_percent;
    end if;
    select n.number, n.financial_year into d.number, d.financial_year
    from app.next_document_number(null, 'tax_invoice', v_at) n;
    d.lines := jsonb_build_array(jsonb_build_object('description', d.description, 'sac', d.sac, 'quantity', 1,
      'taxable_value', d.taxable_value, 'cgst', d.cgst, 'sgst', d.sgst, 'igst', d.igst,
      'total', d.total));  -- the price paid; its paisa of round-off is shown below the lines
    insert into app.tax_documents select d.*;
    v_count := v_count + 1;
  end if;
  return v_count;
end;
$$;
comment on function app.issue_payment_documents(uuid) is 'A captured payment the platform collected: the consultant''s document to the client (by their GST scheme) and the platform''s commission invoice to the consultant, numbered in their series; nothing twice.';

create or replace function app.issue_refund_documents(p_refund_id uuid) returns integer
language plpgsql volatile
set search_path = ''
as $$
declare
  r app.payment_refunds;
  t app.payment_transactions;
  src app.tax_documents;
  d app.tax_documents;
  v_before numeric;
  v_gst numeric;
  v_count integer := 0;
begin
  select * into r from app.payment_refunds x where x.id = p_refund_id;
  if r.status is distinct from 'processed' then
    return 0;
  end if;
  -- The payment's row lock orders its refunds (as the ledger's); what earlier refunds gave back is the ledger's.
  select * into t from app.payment_transactions x where x.id = r.transaction_id for update;
  if t.commission is null or exists (select 1 from app.tax_documents x where x.refund_id = r.id) then
    return 0;
  end if;
  v_before := coalesce((select -sum(e.amount) from app.ledger_entries e
                        where e.payment_id = t.id and e.kind = 'refund' and e.refund_id <> r.id), 0);
  -- A credit note for each invoice of the payment (a receipt is no GST document: its refund issues none), each
  -- tax its share of the invoice's: cumulative, so refunds adding up to the price reverse the invoice exactly.
  for src in select * from app.tax_documents x
             where x.payment_id = t.id and x.refund_id is null and x.document_type <> 'receipt'
             order by x.issuer  -- the consultant's series first, then the platform's (one lock order)
  loop
    d := src;
    d.id := gen_random_uuid();
    d.document_type := 'credit_note';
    d.refund_id := r.id;
    d.original_document_id := src.id;
    d.original_number := src.number;
    d.original_issued_at := src.issued_at;
    d.issued_at := r.processed_at;
    d.created_at := now();
    -- The taxes and round-off together are the GST share (as the ledger's); each tax its own share (equal halves
    -- stay equal), and the round-off what is left of it.
    v_gst := app.share_of(src.cgst + src.sgst + src.igst + src.round_off, v_before, r.amount, t.amount);
    d.cgst := app.share_of(src.cgst, v_before, r.amount, t.amount);
    d.sgst := app.share_of(src.sgst, v_before, r.amount, t.amount);
    d.igst := app.share_of(src.igst, v_before, r.amount, t.amount);
    d.round_off := v_gst - d.cgst - d.sgst - d.igst;
    if src.issuer = 'consultant' then
      d.total := r.amount;  -- the invoice's total is the price: the client gets back what they paid
      d.taxable_value := r.amount - v_gst;
    else
      d.taxable_value := app.share_of(src.taxable_value, v_before, r.amount, t.amount);
      d.total := d.taxable_value + v_gst;
    end if;
    d.description := 'Refund against ' || src.number || ': ' || src.description;
    d.lines := jsonb_build_array(jsonb_build_object('description', d.description, 'sac', d.sac, 'quantity', 1,
      'taxable_value', d.taxable_value, 'cgst', d.cgst, 'sgst', d.sgst, 'igst', d.igst,
      'total', d.total));  -- the price paid; its paisa of round-off is shown below the lines
    continue when d.total = 0;  -- a refund too small to take back a paisa of the commission: nothing to credit
    select n.number, n.financial_year into d.number, d.financial_year
    from app.next_document_number(case when src.issuer = 'consultant' then t.consultant_id end, 'credit_note',
                                  r.processed_at) n;
    insert into app.tax_documents select d.*;
    v_count := v_count + 1;
  end loop;
  return v_count;
end;
$$;
comment on function app.issue_refund_documents(uuid) is 'A processed refund: a credit note against each invoice or bill of supply of its payment (rule 53(1A)), its taxes the cumulative pro-rata share of the invoice''s; nothing twice.';

create or replace function app.tax_documents_on_capture() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  -- The moment app.record_commission fixes the commission: the payment's first capture.
  if new.commission is not null and (tg_op = 'INSERT' or old.commission is null) then
    perform app.issue_payment_documents(new.id);
  end if;
  return null;
end;
$$;
comment on function app.tax_documents_on_capture() is 'Trigger: a payment the platform collected, first captured, issues its GST documents.';

create or replace function app.tax_documents_on_refund() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if new.status = 'processed' and (tg_op = 'INSERT' or old.status is distinct from 'processed') then
    perform app.issue_refund_documents(new.id);
  end if;
  return null;
end;
$$;
comment on function app.tax_documents_on_refund() is 'Trigger: a refund processed issues its credit notes.';

grant execute on function app.issue_payment_documents(uuid), app.issue_refund_documents(uuid) to nakksha_worker;

create or replace function app.issue_plan_charge_invoice(p_charge_id uuid) returns integer
language plpgsql volatile
set search_path = ''
as $$
declare
  ch app.subscription_charges;
  v_name text;
  d app.tax_documents;
  v_rate numeric := coalesce((select (s.value #>> '{}')::numeric from app.platform_settings s
                              where s.key = 'commission_gst_percent'), 18);
  v_platform_state text := coalesce(left(app.platform_text('platform_gstin'), 2),
                                    app.platform_text('platform_state_code'));
begin
  -- Issue 22: a plan charge is the platform's own supply to the consultant (its price includes GST, like every
  -- listed price): the platform's tax invoice, in its NK series, issued in the transaction that records the charge
  -- (api.worker_record_subscription), once per charge. Place of supply: the consultant's State (IGST Act
  -- s.12(2): a registered recipient's location, else the address on record), else the platform's own.
  select * into ch from app.subscription_charges x where x.id = p_charge_id;
  if ch.id is null or exists (select 1 from app.tax_documents x where x.subscription_charge_id = ch.id) then
    return 0;
  end if;
  -- (The worker may read only some of a consultant's columns: the name is all this needs.)
  select btrim(x.first_name || ' ' || x.last_name) into v_name from app.consultants x where x.id = ch.consultant_id;
  d.id := gen_random_uuid();
  d.consultant_id := ch.consultant_id;
  d.issuer := 'platform';
  d.document_type := 'tax_invoice';
  d.issued_at := ch.charged_at;
  d.subscription_charge_id := ch.id;
  d.purpose := 'subscription';
  d.currency := 'INR';
  select x.supplier_name, x.supplier_gstin, x.supplier_state_code, x.supplier_address, x.recipient_name,
         x.recipient_gstin, x.recipient_state_code, x.recipient_address, x.recipient_postal_code,
         x.place_of_supply_state_code
  into d.supplier_name, d.supplier_gstin, d.supplier_state_code, d.supplier_address, d.recipient_name,
       d.recipient_gstin, d.recipient_state_code, d.recipient_address, d.recipient_postal_code,
       d.place_of_supply_state_code
  from app.platform_invoice_parties(ch.consultant_id, v_name) x;
  d.recipient_country := 'IN';
  d.place_of_supply_country := 'IN';
  d.description := (select pl.name from app.plans pl where pl.code = ch.plan_code) || ' plan, '
                   || to_char(ch.cycle_start at time zone 'Asia/Kolkata', 'FMDD Mon YYYY') || ' to '
                   || to_char(ch.cycle_end at time zone 'Asia/Kolkata', 'FMDD Mon YYYY');
  -- SAC 998315 (hosting and IT infrastructure provisioning: access to the platform as a service), GST at the rate of
  -- the platform's services (the commission_gst_percent setting, 18%); docs/gst.md "Plan charges".
  d.sac := '998315';
  d.reverse_charge := false;
  d.total := ch.amount;
  select g.taxable_value, g.cgst, g.sgst, g.igst, g.round_off into d.taxable_value, d.cgst, d.sgst, d.igst, d.round_off
  from app.gst_in_price(ch.amount, v_rate, d.place_of_supply_state_code is not distinct from v_platform_state) g;
  if d.igst > 0 or d.place_of_supply_state_code is distinct from v_platform_state then
    d.cgst_rate := 0; d.sgst_rate := 0; d.igst_rate := v_rate;
  else
    d.cgst_rate := v_rate / 2; d.sgst_rate := v_rate / 2; d.igst_rate := 0;
  end if;
  select n.number, n.financial_year into d.number, d.financial_year
  from app.next_document_number(null, 'tax_invoice', d.issued_at) n;
  d.lines := jsonb_build_array(jsonb_build_object('description', d.description, 'sac', d.sac, 'quantity', 1,
    'taxable_value', d.taxable_value, 'cgst', d.cgst, 'sgst', d.sgst, 'igst', d.igst, 'total', d.total));
  d.created_at := now();
  insert into app.tax_documents select d.*;
  return 1;
end;
$$;
comment on function app.issue_plan_charge_invoice(uuid) is 'A recorded plan charge: the platform''s tax invoice to the consultant (GST included in the price, place of supply their State), numbered in the platform''s series; nothing twice.';

create or replace function app.tax_documents_on_plan_charge() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  perform app.issue_plan_charge_invoice(new.id);
  return null;
end;
$$;
comment on function app.tax_documents_on_plan_charge() is 'Trigger: a plan charge recorded issues the platform''s tax invoice for it.';

grant execute on function app.issue_plan_charge_invoice(uuid), app.platform_invoice_parties(uuid, text) to nakksha_worker;

-- Test: pytest tests/db/test_tax_documents.py
