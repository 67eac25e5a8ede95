-- db/functions/tax_profiles.sql — a consultant's tax settings: read with the PAN masked, written with every rule checked here (GSTIN shape and check character, its State and PAN, the scheme), and the GST State list.
-- Issue 21 (docs/gst.md): the scheme decides the document a consultant issues (regular: tax invoice; composition:
-- bill of supply; unregistered: a receipt outside the GST series) and what the platform withholds (TCS from the
-- regular scheme; TDS from all, more without a PAN). The PAN reaches this function in clear only to be checked
-- (shape, and against the GSTIN); what is stored is the app's ciphertext beside its last four and holder type.

create or replace function api.gst_states()
returns jsonb
language sql stable security invoker
set search_path = ''
as $$
  select jsonb_build_object('items', coalesce(jsonb_agg(jsonb_build_object('code', s.code, 'name', s.name)
                                                        order by s.name), '[]'))
  from app.gst_states s where s.current
$$;
comment on function api.gst_states is 'The GST States and Union Territories an address can be in (code and name, by name).';

create or replace function api.tax_profile_json(p_consultant_id uuid)
returns jsonb
language sql stable security invoker
set search_path = ''
as $$
  -- Read under the caller's policies: their own profile, or any for an admin. Always an object: a consultant
  -- with no profile yet is unregistered with no PAN, which is what the rules then apply.
  select jsonb_build_object(
    'gst_scheme', coalesce(p.gst_scheme, 'unregistered'), 'gstin', p.gstin, 'legal_name', p.legal_name,
    'state_code', p.state_code, 'state_name', s.name, 'address_line1', p.address_line1,
    'address_line2', p.address_line2, 'city', p.city, 'postal_code', p.postal_code,
    'pan', case when p.pan_last4 is not null then 'XXXXXX' || p.pan_last4 end,
    'pan_holder', case when p.pan_holder_type is null then null when p.pan_holder_type = 'P' then 'individual'
                       when p.pan_holder_type = 'H' then 'huf' when p.pan_holder_type = 'C' then 'company'
                       when p.pan_holder_type = 'F' then 'firm' else 'other' end,
    'lut_reference', p.lut_reference, 'lut_valid_until', p.lut_valid_until,
    'document', case coalesce(p.gst_scheme, 'unregistered') when 'regular' then 'tax_invoice'
                when 'composition' then 'bill_of_supply' else 'receipt' end,
    'tcs_basis_points', case when p.gst_scheme = 'regular' then app.tax_setting('tcs_basis_points') else 0 end,
    'tds_basis_points', case when p.pan_last4 is null then app.tax_setting('tds_no_pan_basis_points')
                             else app.tax_setting('tds_basis_points') end,
    'tds_threshold_applies', coalesce(p.pan_holder_type in ('P', 'H'), false),
    'tds_threshold_rupees', app.tax_setting('tds_threshold_rupees'),
    'updated_at', p.updated_at)
  from (select p_consultant_id as id) c
  left join app.consultant_tax_profiles p on p.consultant_id = c.id
  left join app.gst_states s on s.code = p.state_code
$$;
comment on function api.tax_profile_json is 'A consultant''s tax settings as the API answers them (PAN masked to its last four), with the document they issue and the rates withheld from their payments.';

create or replace function api.my_tax_profile()
returns jsonb
language sql stable security invoker
set search_path = ''
as $$ select api.tax_profile_json((select app.current_reading_consultant_id())) $$;
comment on function api.my_tax_profile is 'The calling consultant''s tax settings (PAN masked).';

create or replace function api.set_my_tax_profile(p_profile jsonb, p_pan text default null,
                                                  p_pan_encrypted bytea default null, p_pan_hash bytea default null)
returns jsonb
language plpgsql volatile security invoker
set search_path = ''
as $$
declare
  v_id uuid := app.current_approved_consultant_id();
  v_old app.consultant_tax_profiles;
  v_scheme text := coalesce(p_profile->>'gst_scheme', 'unregistered');
  v_gstin text := nullif(upper(regexp_replace(coalesce(p_profile->>'gstin', ''), '\s', '', 'g')), '');
  v_state text := p_profile->>'state_code';
  v_pan text := nullif(upper(btrim(coalesce(p_pan, ''))), '');
  v_pan_last4 text;
  v_pan_type text;
begin
  if v_id is null then
    raise exception using errcode = 'NK403', message = 'forbidden',
      detail = 'Only an approved consultant can change their tax settings.';
  end if;
  select * into v_old from app.consultant_tax_profiles where consultant_id = v_id;
  if v_scheme not in ('unregistered', 'regular', 'composition') then
    perform app.refuse_field('gst_scheme', 'gst_scheme is regular, composition or unregistered.');
  end if;
  -- The PAN: a new one (checked, then kept as the app's ciphertext), else the one on file.
  if v_pan is not null then
    if not app.pan_is_valid(v_pan) or p_pan_encrypted is null then
      perform app.refuse_field('pan', 'A PAN is 10 characters, like AAAPL1234C: five letters, four '
                                                     || 'digits, a letter.');
    end if;
    v_pan_last4 := right(v_pan, 4);
    v_pan_type := substr(v_pan, 4, 1);
  else
    v_pan_last4 := v_old.pan_last4;
    v_pan_type := v_old.pan_holder_type;
  end if;
  if v_scheme = 'unregistered' then
    if v_gstin is not null then
      perform app.refuse_field('gstin', 'An unregistered consultant has no GSTIN: choose your '
                                                       || 'scheme, or leave the GSTIN empty.');
    end if;
  else
    if v_gstin is null then
      perform app.refuse_field('gstin', 'A registered consultant gives their GSTIN.');
    elsif v_gstin !~ '^[0-9]{2}[A-Z]{5}[0-9]{4}[A-Z][1-9A-Z][A-Z][0-9A-Z]$' then
      perform app.refuse_field('gstin', 'A GSTIN is 15 characters, like 29AAAPL1234C1ZA: the State '
                                                       || 'code, your PAN, then three more.');
    elsif not app.gstin_is_valid(v_gstin) then
      perform app.refuse_field('gstin', 'This GSTIN''s last character does not match the rest: '
                                                       || 'check it for a mistyped character.');
    elsif not exists (select 1 from app.gst_states s where s.code = left(v_gstin, 2) and s.code not in ('97', '99')) then
      perform app.refuse_field('gstin', 'This GSTIN starts with no State''s code.');
    elsif v_pan_last4 is null then
      perform app.refuse_field('pan', 'Give your PAN with your GSTIN.');
    elsif (v_pan is not null and substr(v_gstin, 3, 10) <> v_pan)
          or (v_pan is null and substr(v_gstin, 9, 4) <> v_pan_last4) then
      perform app.refuse_field('gstin', 'The PAN inside this GSTIN is not your PAN.');
    end if;
    -- A registration is in one State: the GSTIN's.
    v_state := coalesce(v_state, left(v_gstin, 2));
    if v_state <> left(v_gstin, 2) then
      perform app.refuse_field('state_code', 'Your State is the one your GSTIN is registered in ('
        || coalesce((select s.name from app.gst_states s where s.code = left(v_gstin, 2)), left(v_gstin, 2)) || ').');
    end if;
  end if;
  if v_state is not null and not exists (select 1 from app.gst_states s where s.code = v_state
                                         and (s.current or s.code = left(v_gstin, 2))) then
    perform app.refuse_field('state_code', 'Choose a State or Union Territory from the list.');
  end if;
  -- What the documents print: a registered consultant's legal name and address are on every invoice. No control
  -- characters or bidirectional overrides (a name that reads backwards on a tax document): app.printable.
  if exists (select 1 from unnest(array['legal_name', 'address_line1', 'address_line2', 'city']) k
             where not app.printable(p_profile->>k)) then
    perform app.refuse_field((select k from unnest(array['legal_name', 'address_line1', 'address_line2', 'city']) k
                              where not app.printable(p_profile->>k) limit 1),
                             'Use plain text on one line (no control or direction characters).');
  end if;
  if char_length(btrim(p_profile->>'legal_name')) not between 2 and 200 then
    perform app.refuse_field('legal_name', 'The legal name is 2 to 200 characters.');
  elsif char_length(btrim(p_profile->>'address_line1')) > 100 or char_length(btrim(p_profile->>'address_line2')) > 100
        or char_length(btrim(p_profile->>'city')) > 100 then
    perform app.refuse_field(case when char_length(btrim(p_profile->>'city')) > 100 then 'city'
      when char_length(btrim(p_profile->>'address_line2')) > 100 then 'address_line2' else 'address_line1' end,
      'Each address line and the city are at most 100 characters.');
  elsif nullif(btrim(p_profile->>'postal_code'), '') !~ '^[1-9][0-9]{5}$' then
    perform app.refuse_field('postal_code', 'A PIN code is six digits, not starting with 0.');
  end if;
  if v_scheme <> 'unregistered' then
    if nullif(btrim(p_profile->>'legal_name'), '') is null then
      perform app.refuse_field('legal_name', 'A registered consultant''s legal name (as on the '
                                                            || 'registration) is printed on their invoices.');
    elsif nullif(btrim(p_profile->>'address_line1'), '') is null then
      perform app.refuse_field('address_line1', 'A registered consultant''s address is printed on '
                                                               || 'their invoices.');
    elsif nullif(btrim(p_profile->>'city'), '') is null then
      perform app.refuse_field('city', 'Give the city of your address.');
    elsif nullif(btrim(p_profile->>'postal_code'), '') is null then
      perform app.refuse_field('postal_code', 'Give the PIN code of your address.');
    end if;
  end if;
  if (p_profile->>'lut_reference') is not null and v_scheme <> 'regular' then
    perform app.refuse_field('lut_reference', 'A letter of undertaking is for consultants '
                                                             || 'registered under the regular scheme.');
  end if;
  if upper(btrim(p_profile->>'lut_reference')) !~ '^[A-Z0-9]{6,20}$' then
    perform app.refuse_field('lut_reference', 'The letter of undertaking''s ARN is 6 to 20 letters '
                                                             || 'and digits.');
  end if;
  -- A letter of undertaking is filed for one financial year and runs to its 31 March: this year's or, filed
  -- ahead, the next one's (docs/gst.md §6).
  if (p_profile->>'lut_valid_until') is not null and (p_profile->>'lut_valid_until')::date not in (
       (app.financial_year_start(now()) + interval '1 year' - interval '1 day')::date,
       (app.financial_year_start(now()) + interval '2 years' - interval '1 day')::date) then
    perform app.refuse_field('lut_valid_until', 'A letter of undertaking runs to the end of its financial year: '
      || to_char(app.financial_year_start(now()) + interval '1 year' - interval '1 day', 'DD Mon YYYY') || ' for this '
      || 'year''s, or the next 31 March for one filed ahead.');
  end if;
  if ((p_profile->>'lut_reference') is null) <> ((p_profile->>'lut_valid_until') is null) then
    perform app.refuse_field(case when (p_profile->>'lut_reference') is null then 'lut_reference'
                                                 else 'lut_valid_until' end,
                                            'A letter of undertaking has its reference (ARN) and the date it runs to.');
  end if;
  insert into app.consultant_tax_profiles as t (consultant_id, gst_scheme, gstin, legal_name, state_code,
    address_line1, address_line2, city, postal_code, pan_encrypted, pan_last4, pan_holder_type, pan_hash,
    lut_reference, lut_valid_until)
  values (v_id, v_scheme, v_gstin, nullif(btrim(p_profile->>'legal_name'), ''), v_state,
          nullif(btrim(p_profile->>'address_line1'), ''), nullif(btrim(p_profile->>'address_line2'), ''),
          nullif(btrim(p_profile->>'city'), ''), nullif(btrim(p_profile->>'postal_code'), ''),
          coalesce(case when v_pan is not null then p_pan_encrypted end, v_old.pan_encrypted), v_pan_last4, v_pan_type,
          case when v_pan is not null then p_pan_hash else v_old.pan_hash end,
          nullif(upper(btrim(p_profile->>'lut_reference')), ''), (p_profile->>'lut_valid_until')::date)
  on conflict (consultant_id) do update set gst_scheme = excluded.gst_scheme, gstin = excluded.gstin,
    legal_name = excluded.legal_name, state_code = excluded.state_code, address_line1 = excluded.address_line1,
    address_line2 = excluded.address_line2, city = excluded.city, postal_code = excluded.postal_code,
    pan_encrypted = excluded.pan_encrypted, pan_last4 = excluded.pan_last4, pan_holder_type = excluded.pan_holder_type,
    pan_hash = excluded.pan_hash, lut_reference = excluded.lut_reference, lut_valid_until = excluded.lut_valid_until;
  return api.tax_profile_json(v_id);
exception when unique_violation then
  -- One PAN, one account: TDS thresholds and returns are per PAN (and Route onboards a PAN once).
  raise exception using errcode = 'NK422', message = 'validation_error', hint = 'field:pan',
    detail = 'This PAN is already on file for another Nakksha account. Write to support if it is yours.';
end;
$$;
comment on function api.set_my_tax_profile is 'Replace the calling consultant''s tax settings (the PAN: new in clear, as the app''s ciphertext and its keyed hash — one account per PAN —, or omitted to keep the one on file). Every rule is checked here; a broken one is a 422 naming its field.';

grant execute on function api.gst_states(), api.tax_profile_json(uuid), api.my_tax_profile(),
  api.set_my_tax_profile(jsonb, text, bytea, bytea) to nakksha_app;

-- Test: pytest tests/db/test_tax_profiles.py tests/http/test_tax_profile.py
