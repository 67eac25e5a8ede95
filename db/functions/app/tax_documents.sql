-- db/functions/app/tax_documents.sql — GST documents issued in SQL: the gapless numbers, the tax on a price, and the documents a captured payment or a processed refund issues (triggers on app.payment_transactions and app.payment_refunds).
-- Issue 21 (docs/gst.md, "What the product does"): when a payment the platform collected is first captured, the
-- consultant's document (tax invoice, bill of supply or receipt, by their GST scheme) and the platform's invoice
-- for its commission are issued in the same transaction; a processed refund issues the credit notes. Each
-- document snapshots what it prints and never changes. Applied before the migrations: signatures use built-in
-- types only (the tables are the migration's).

create or replace function app.financial_year_label(p_fy_start date) returns text
language sql immutable strict parallel safe
as $$ select to_char(p_fy_start, 'YY') || '-' || to_char(p_fy_start + interval '1 year', 'YY') $$;
comment on function app.financial_year_label(date) is 'A financial year as documents print it: 26-27 for the year from 1 April 2026.';

create or replace function app.document_prefix(p_platform boolean, p_document_type text) returns text
language sql immutable strict parallel safe
as $$
  -- One series per issuer, financial year and type: the platform's NK (invoices) and NC (credit notes); a
  -- consultant's INV, BOS (bills of supply), RCT (receipts: not GST documents, their own series) and CN.
  select case when p_platform then case p_document_type when 'tax_invoice' then 'NK' when 'credit_note' then 'NC' end
              else case p_document_type when 'tax_invoice' then 'INV' when 'bill_of_supply' then 'BOS'
                                        when 'receipt' then 'RCT' when 'credit_note' then 'CN' end end
$$;
comment on function app.document_prefix(boolean, text) is 'The number prefix of a series: NK, NC (the platform), INV, BOS, RCT, CN (a consultant).';

create or replace function app.next_document_number(p_consultant_id uuid, p_document_type text, p_at timestamptz,
                                                    out number text, out financial_year date)
language plpgsql volatile
set search_path = ''
as $$
declare
  v_last integer;
begin
  -- The series' counter row, created at 1 or moved on by one under its row lock (held to the end of the
  -- transaction that issues the document): a rolled-back issue rolls the counter back with it, so the numbers
  -- have no gap and no repeat. Never a sequence (a sequence skips on rollback). p_consultant_id NULL: the platform.
  financial_year := app.financial_year_start(p_at);
  insert into app.tax_document_counters as c (consultant_id, document_type, financial_year, last)
  values (p_consultant_id, p_document_type, financial_year, 1)
  on conflict on constraint tax_document_counters_series do update set last = c.last + 1
  returning c.last into v_last;
  -- INV/26-27/000123: at most 16 characters (rule 46(b)). A consultant's series has six digits (999,999 documents
  -- of a type a year); the platform's one series across every consultant has seven (NK/26-27/0001234: 9,999,999),
  -- its two-letter prefixes leaving room. Past that the length check refuses.
  number := app.document_prefix(p_consultant_id is null, p_document_type) || '/'
            || app.financial_year_label(financial_year) || '/'
            || case when p_consultant_id is null and v_last < 10000000 then lpad(v_last::text, 7, '0')
                    when v_last < 1000000 then lpad(v_last::text, 6, '0') else v_last::text end;
end;
$$;
comment on function app.next_document_number(uuid, text, timestamptz) is 'The next number of a series (a consultant''s, or the platform''s for NULL) for a document issued at a moment, from its counter row locked to the end of the transaction: gapless, never reused.';

-- Its OUT parameters gained round_off (issue 21): the old shape is dropped first (callers are late-bound).
drop function if exists app.gst_in_price(numeric, numeric, boolean);
create or replace function app.gst_in_price(p_price numeric, p_rate numeric, p_intra_state boolean,
                                            out taxable_value numeric, out cgst numeric, out sgst numeric,
                                            out igst numeric, out round_off numeric)
language sql immutable strict parallel safe
as $$
  -- A price with GST in it: taxable = price × 100 / (100 + rate), half up to the paisa. Each tax is its own rate
  -- times the taxable value, half up (CGST s.15; within one State CGST and SGST at half the rate each, so always
  -- equal; else IGST at the whole rate), and what the price leaves over is the round-off line: no paisa is lost.
  with x as (select round(p_price * 100 / (100 + p_rate), 2) as taxable),
       t as (select x.taxable,
                    case when p_intra_state then round(x.taxable * p_rate / 200, 2) else 0 end as half,
                    case when p_intra_state then 0 else round(x.taxable * p_rate / 100, 2) end as igst
             from x)
  select t.taxable, t.half, t.half, t.igst, p_price - t.taxable - 2 * t.half - t.igst
  from t
$$;
comment on function app.gst_in_price(numeric, numeric, boolean) is 'Split a GST-inclusive price into its taxable value, CGST + SGST (equal) or IGST, each rate × taxable half up, and the paisa of round-off the price leaves.';

create or replace function app.gst_halves(p_gst numeric, p_taxable numeric, p_rate numeric,
                                          out cgst numeric, out sgst numeric, out round_off numeric)
language sql immutable strict parallel safe
as $$
  -- An amount of GST already fixed (the commission's) split within one State: each half rate × taxable, half up,
  -- and the rest a round-off, so the two halves are always equal and the total stays what was charged.
  select round(p_taxable * p_rate / 200, 2), round(p_taxable * p_rate / 200, 2),
         p_gst - 2 * round(p_taxable * p_rate / 200, 2)
$$;
comment on function app.gst_halves(numeric, numeric, numeric) is 'A fixed intra-State GST amount as equal CGST and SGST (rate/2 × taxable each) and the round-off left.';

create or replace function app.platform_text(p_key text) returns text
language sql stable
set search_path = ''
as $$ select nullif(btrim(s.value #>> '{}'), '') from app.platform_settings s where s.key = p_key $$;
comment on function app.platform_text(text) is 'A text platform setting, NULL when missing or empty (the platform''s GSTIN, legal name, State, address).';

create or replace function app.share_of(p_whole numeric, p_before numeric, p_part numeric, p_base numeric)
returns numeric
language sql immutable strict parallel safe
as $$
  -- The part of p_whole that refunding p_part more of p_base (p_before already refunded) gives back, counted
  -- cumulatively: the shares of refunds that add up to the whole base add up to exactly p_whole.
  select round(p_whole * (p_before + p_part) / p_base, 2) - round(p_whole * p_before / p_base, 2)
$$;
comment on function app.share_of(numeric, numeric, numeric, numeric) is 'A refund''s cumulative pro-rata share of an amount, half up to the paisa.';

grant execute on function app.financial_year_label(date), app.document_prefix(boolean, text),
  app.gst_in_price(numeric, numeric, boolean), app.gst_halves(numeric, numeric, numeric), app.share_of(numeric, numeric, numeric, numeric),
  app.platform_text(text) to nakksha_app, nakksha_worker;
grant execute on function app.next_document_number(uuid, text, timestamptz) to nakksha_worker;

-- Test: pytest tests/db/test_tax_documents.py
