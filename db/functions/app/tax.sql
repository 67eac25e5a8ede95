-- db/functions/app/tax.sql — India's tax identifiers checked in SQL (GSTIN format and check character, PAN format) and the TCS/TDS a captured payment carries.
-- docs/gst.md §7 (the GSTIN's mod-36 check character), §9 (TCS, CGST Act s.52), §11 (TDS, s.194-O). Applied
-- before the migrations (their constraints call the checks), so the signatures use built-in types only.

create or replace function app.gstin_check_character(p_gstin text) returns text
language sql immutable strict parallel safe
as $$
  -- Luhn mod 36 over the first 14 characters: 0–9 are 0–9, A–Z are 10–35; weights 1, 2, 1, 2, …; each product
  -- adds its quotient and remainder by 36; the check value is (36 − sum mod 36) mod 36, as a character again.
  with a as (select '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ'::text as alphabet)
  select substr(a.alphabet, (36 - sum(p / 36 + p % 36)::integer % 36) % 36 + 1, 1)
  from a, lateral (select (strpos(a.alphabet, substr(p_gstin, i, 1)) - 1) * (2 - i % 2) as p
                   from generate_series(1, 14) i) x
  group by a.alphabet
$$;
comment on function app.gstin_check_character(text) is 'The GSTIN check character (15th) its first 14 characters call for (docs/gst.md §7).';

create or replace function app.gstin_is_valid(p_gstin text) returns boolean
language sql immutable strict parallel safe
as $$
  -- State code (2 digits), the holder's PAN (10), the registration's number for that PAN in the State (1–9, A–Z),
  -- a letter (Z by default, not required: special registrations differ), the check character.
  select p_gstin ~ '^[0-9]{2}[A-Z]{3}[ABCFGHJLPT][A-Z][0-9]{4}[A-Z][1-9A-Z][A-Z][0-9A-Z]$'
     and right(p_gstin, 1) = app.gstin_check_character(p_gstin)
$$;
comment on function app.gstin_is_valid(text) is 'Whether a GSTIN (upper case) has the right shape, a PAN inside and the right check character.';

create or replace function app.pan_is_valid(p_pan text) returns boolean
language sql immutable strict parallel safe
as $$
  -- Five letters (the fourth says who holds it: P a person, H a Hindu undivided family, C a company, F a firm, …),
  -- four digits, a letter.
  select p_pan ~ '^[A-Z]{3}[ABCFGHJLPT][A-Z][0-9]{4}[A-Z]$'
$$;
comment on function app.pan_is_valid(text) is 'Whether a PAN (upper case) has the right shape.';

create or replace function app.financial_year_start(p_at timestamptz) returns date
language sql immutable strict parallel safe
as $$
  -- India's financial year runs 1 April to 31 March, by the date in India.
  select make_date(extract(year from (p_at at time zone 'Asia/Kolkata') - interval '3 months')::integer, 4, 1)
$$;
comment on function app.financial_year_start(timestamptz) is 'The first day of the Indian financial year (1 April, IST) a moment falls in.';

create or replace function app.basis_points_of(p_amount numeric, p_basis_points integer) returns numeric
language sql immutable strict parallel safe
as $$ select round(p_amount * p_basis_points / 10000, 2) $$;
comment on function app.basis_points_of(numeric, integer) is 'p_basis_points hundredths of a percent of an amount, half up to the paisa.';

create or replace function app.tax_setting(p_key text) returns integer
language sql stable parallel safe
set search_path = ''
as $$
  -- The admin's value (db/functions/settings.sql checks its range), else the law's as docs/gst.md records it: a
  -- missing row must not silently stop the withholding.
  select coalesce((select (s.value #>> '{}')::integer from app.platform_settings s where s.key = p_key),
                  case p_key when 'service_gst_percent' then 18 when 'tcs_basis_points' then 50
                             when 'tds_basis_points' then 10 when 'tds_no_pan_basis_points' then 500
                             when 'tds_threshold_rupees' then 500000 end)
$$;
comment on function app.tax_setting(text) is 'A tax rate or threshold setting (service_gst_percent, tcs_basis_points, tds_basis_points, tds_no_pan_basis_points, tds_threshold_rupees), or the law''s value when the row is missing.';

create or replace function app.refuse_field(p_field text, p_detail text) returns void
language plpgsql immutable
set search_path = ''
as $$
begin
  raise exception using errcode = 'NK422', message = 'validation_error', hint = 'field:' || p_field, detail = p_detail;
end;
$$;
comment on function app.refuse_field(text, text) is 'Raise the one validation error (422 naming a field) the app maps.';

create or replace function app.printable(p_text text) returns boolean
language sql immutable parallel safe
as $$
  -- One line a page, an email or a GST document can print: no C0 or C1 control (line breaks included), no line or
  -- paragraph separator, nothing that reorders or hides text (bidirectional marks, embeddings, overrides,
  -- isolates, the Arabic letter mark, zero-width space, BOM). The API's one-line text fields say the same
  -- (app/schemas.py UNPRINTABLE). NULL is printable (nothing to print).
  select p_text is null
         or p_text !~ ('[\x01-\x1f\x7f-\x9f\u061c\u115f\u1160\u180e\u200b\u200e\u200f\u2028\u2029\u202a-\u202e'
                       '\u2060-\u206f\u3164\uffa0\ufeff\ufff9-\ufffb\ufffe\uffff]')
$$;
comment on function app.printable(text) is 'Whether text is one printable line: no controls, separators or bidirectional/invisible formatting characters.';

-- (Its first signature had no billing country: gone, so no caller reaches it by mistake.)
drop function if exists app.withholding(uuid, uuid, numeric, numeric, timestamptz);

create or replace function app.withholding(p_consultant_id uuid, p_payment_id uuid, p_amount numeric,
                                           p_commission_total numeric, p_at timestamptz, p_billing_country text,
                                           out tcs_basis_points integer, out tcs numeric,
                                           out tds_basis_points integer, out tds numeric)
language plpgsql volatile
set search_path = ''
as $$
declare
  v_profile app.consultant_tax_profiles;
  v_gst_percent numeric := app.tax_setting('service_gst_percent');
  v_fy_start date := app.financial_year_start(p_at);
  v_fy_gross numeric;
begin
  select * into v_profile from app.consultant_tax_profiles p where p.consultant_id = p_consultant_id;
  -- TCS (CGST Act s.52): on the taxable value (the price less the GST in it) of a registered consultant's supply
  -- under the regular scheme; composition and unregistered consultants' supplies carry none (docs/gst.md §9).
  tcs_basis_points := case when v_profile.gst_scheme = 'regular'
                           then app.tax_setting('tcs_basis_points') else 0 end;
  -- A supply abroad under a letter of undertaking valid for the year is zero-rated: its whole price is the taxable
  -- value on the invoice (db/functions/app/tax_document_issue.sql), and the TCS is on that.
  tcs := app.basis_points_of(case when v_profile.lut_valid_until = (v_fy_start + interval '1 year' - interval '1 day')::date
                                        and coalesce(p_billing_country, 'IN') <> 'IN'
                                  then p_amount else round(p_amount * 100 / (100 + v_gst_percent), 2) end,
                             tcs_basis_points);
  -- TDS (s.194-O) on the gross amount: the no-PAN rate without a PAN (s.206AA); none for a person or HUF with a PAN
  -- whose gross this financial year, this payment included, stays within the threshold (s.194-O(2)). The
  -- consultant's payments are counted one capture at a time (the lock), so two at once cannot both slip under.
  if v_profile.pan_encrypted is null then
    tds_basis_points := app.tax_setting('tds_no_pan_basis_points');
  elsif v_profile.pan_holder_type in ('P', 'H') then
    perform pg_advisory_xact_lock(hashtextextended('nakksha tds ' || p_consultant_id::text, 0));
    select coalesce(sum(t.amount), 0) into v_fy_gross
    from app.payment_transactions t
    where t.consultant_id = p_consultant_id and t.id is distinct from p_payment_id and t.commission is not null
      and t.paid_at >= v_fy_start::timestamp at time zone 'Asia/Kolkata'
      and t.paid_at < (v_fy_start + interval '1 year')::timestamp at time zone 'Asia/Kolkata';
    tds_basis_points := case when v_fy_gross + p_amount <= app.tax_setting('tds_threshold_rupees')
                             then 0 else app.tax_setting('tds_basis_points') end;
  else
    tds_basis_points := app.tax_setting('tds_basis_points');
  end if;
  tds := app.basis_points_of(p_amount, tds_basis_points);
  -- Never more than the payment leaves after the commission: the consultant's share is never negative.
  tcs := least(tcs, p_amount - p_commission_total);
  tds := least(tds, p_amount - p_commission_total - tcs);
end;
$$;
comment on function app.withholding(uuid, uuid, numeric, numeric, timestamptz, text) is 'The TCS and TDS the platform withholds from a payment it collected for a consultant, from their tax profile and the rates in force (docs/gst.md §9, §11).';

grant execute on function app.gstin_check_character(text), app.gstin_is_valid(text), app.pan_is_valid(text),
  app.financial_year_start(timestamptz), app.basis_points_of(numeric, integer), app.tax_setting(text),
  app.refuse_field(text, text), app.printable(text) to nakksha_app, nakksha_worker;
grant execute on function app.withholding(uuid, uuid, numeric, numeric, timestamptz, text) to nakksha_worker;

-- Test: pytest tests/db/test_tax_profiles.py
