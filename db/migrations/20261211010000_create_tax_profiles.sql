-- db/migrations/20261211010000_create_tax_profiles.sql — each consultant's tax identity (GST scheme, GSTIN, legal name, State, address, PAN) and the TCS and TDS fixed on each captured payment.
-- Issue 21 (docs/gst.md): which document a consultant issues depends on their GST scheme; the platform, as the
-- e-commerce operator, collects TCS (CGST Act s.52) from registered consultants and deducts income-tax TDS
-- (s.194-O) from all, at a higher rate without a PAN. Both are fixed on the payment when it is captured, with the
-- commission, and each is its own ledger entry. The rates are platform settings in basis points.

-- migrate:up
create table app.gst_states (
  code text primary key,
  name text not null,
  current boolean not null default true,
  constraint gst_states_code_format check (code ~ '^[0-9]{2}$')
);
comment on table app.gst_states is 'GST State and Union Territory codes (docs/gst.md §8). current = offered for new addresses (25 and 28 only live on in old GSTINs; 97 and 99 are not places anyone lives).';
alter table app.gst_states enable row level security;
create policy anyone_reads_gst_states on app.gst_states for select to nakksha_app, nakksha_app_admin, nakksha_worker
  using (true);
grant select on app.gst_states to nakksha_app, nakksha_app_admin, nakksha_worker;
insert into app.gst_states (code, name, current) values
  ('01', 'Jammu and Kashmir', true), ('02', 'Himachal Pradesh', true), ('03', 'Punjab', true),
  ('04', 'Chandigarh', true), ('05', 'Uttarakhand', true), ('06', 'Haryana', true), ('07', 'Delhi', true),
  ('08', 'Rajasthan', true), ('09', 'Uttar Pradesh', true), ('10', 'Bihar', true), ('11', 'Sikkim', true),
  ('12', 'Arunachal Pradesh', true), ('13', 'Nagaland', true), ('14', 'Manipur', true), ('15', 'Mizoram', true),
  ('16', 'Tripura', true), ('17', 'Meghalaya', true), ('18', 'Assam', true), ('19', 'West Bengal', true),
  ('20', 'Jharkhand', true), ('21', 'Odisha', true), ('22', 'Chhattisgarh', true), ('23', 'Madhya Pradesh', true),
  ('24', 'Gujarat', true), ('25', 'Daman and Diu (before 26 January 2020)', false),
  ('26', 'Dadra and Nagar Haveli and Daman and Diu', true), ('27', 'Maharashtra', true),
  ('28', 'Andhra Pradesh (before 2 June 2014)', false), ('29', 'Karnataka', true), ('30', 'Goa', true),
  ('31', 'Lakshadweep', true), ('32', 'Kerala', true), ('33', 'Tamil Nadu', true), ('34', 'Puducherry', true),
  ('35', 'Andaman and Nicobar Islands', true), ('36', 'Telangana', true), ('37', 'Andhra Pradesh', true),
  ('38', 'Ladakh', true), ('97', 'Other Territory', false), ('99', 'Centre Jurisdiction', false);

create table app.consultant_tax_profiles (
  consultant_id uuid primary key references app.consultants (id) on delete restrict,
  gst_scheme text not null default 'unregistered',
  gstin text,
  legal_name text,
  state_code text references app.gst_states (code) on delete restrict,
  address_line1 text,
  address_line2 text,
  city text,
  postal_code text,
  -- The PAN itself is ciphertext (app/crypto.py, purpose "pan"); what the rules need of it is kept beside it: the
  -- last four characters (shown masked, and matched with the GSTIN's) and the holder's type (its fourth letter:
  -- a person or a Hindu undivided family may stay under the TDS threshold).
  pan_encrypted bytea,
  pan_last4 text,
  pan_holder_type text,
  -- The PAN's keyed hash (app/crypto.py keyed_hash): one account per PAN, which the TDS threshold and returns
  -- count by, without the PAN in clear.
  pan_hash bytea,
  -- A letter of undertaking (GST RFD-11) lets a registered consultant bill clients abroad without IGST.
  lut_reference text,
  lut_valid_until date,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint consultant_tax_profiles_scheme_valid check (gst_scheme in ('unregistered', 'regular', 'composition')),
  constraint consultant_tax_profiles_gstin_valid check (gstin is null or app.gstin_is_valid(gstin)),
  constraint consultant_tax_profiles_registered_has_gstin check ((gst_scheme = 'unregistered') = (gstin is null)),
  -- A GSTIN is a registration in one State: its first two digits are where the consultant supplies from.
  constraint consultant_tax_profiles_gstin_state check (gstin is null or left(gstin, 2) = state_code),
  constraint consultant_tax_profiles_gstin_pan check (gstin is null or pan_last4 is null
                                                      or substr(gstin, 9, 4) = pan_last4),
  constraint consultant_tax_profiles_pan_whole check (
    (pan_encrypted is null) = (pan_last4 is null) and (pan_encrypted is null) = (pan_holder_type is null)),
  constraint consultant_tax_profiles_pan_parts check (pan_last4 ~ '^[0-9]{3}[A-Z]$'
                                                      and pan_holder_type ~ '^[ABCFGHJLPT]$'),
  constraint consultant_tax_profiles_legal_name_length check (char_length(btrim(legal_name)) between 2 and 200),
  constraint consultant_tax_profiles_address_lengths check (char_length(address_line1) between 1 and 100
    and char_length(address_line2) <= 100 and char_length(city) between 1 and 100),
  constraint consultant_tax_profiles_postal_code_format check (postal_code ~ '^[1-9][0-9]{5}$'),
  constraint consultant_tax_profiles_lut check ((lut_reference is null) = (lut_valid_until is null)
    and (lut_reference is null or (gst_scheme = 'regular' and lut_reference ~ '^[A-Z0-9]{6,20}$')))
);
comment on table app.consultant_tax_profiles is 'A consultant''s tax identity (docs/gst.md): GST scheme and GSTIN, legal name, State and address as printed on their documents, the PAN (encrypted; last four and holder type in clear for the rules), a letter of undertaking for clients abroad.';
create unique index consultant_tax_profiles_pan_once on app.consultant_tax_profiles (pan_hash);
create trigger consultant_tax_profiles_touch_updated_at before update on app.consultant_tax_profiles
  for each row execute function app.touch_updated_at();
alter table app.consultant_tax_profiles enable row level security;
create policy consultant_reads_own_tax_profile on app.consultant_tax_profiles for select to nakksha_app
  using (consultant_id = (select app.current_reading_consultant_id()));
create policy consultant_inserts_own_tax_profile on app.consultant_tax_profiles for insert to nakksha_app
  with check (consultant_id = (select app.current_approved_consultant_id()));
create policy consultant_updates_own_tax_profile on app.consultant_tax_profiles for update to nakksha_app
  using (consultant_id = (select app.current_approved_consultant_id()))
  with check (consultant_id = (select app.current_approved_consultant_id()));
create policy admin_reads_tax_profiles on app.consultant_tax_profiles for select to nakksha_app_admin
  using ((select app.acts_as_admin()));
create policy worker_reads_tax_profiles on app.consultant_tax_profiles for select to nakksha_worker using (true);
grant select on app.consultant_tax_profiles to nakksha_app, nakksha_worker;
grant insert (consultant_id, gst_scheme, gstin, legal_name, state_code, address_line1, address_line2, city,
              postal_code, pan_encrypted, pan_last4, pan_holder_type, pan_hash, lut_reference, lut_valid_until)
  on app.consultant_tax_profiles to nakksha_app;
grant update (gst_scheme, gstin, legal_name, state_code, address_line1, address_line2, city, postal_code,
              pan_encrypted, pan_last4, pan_holder_type, pan_hash, lut_reference, lut_valid_until)
  on app.consultant_tax_profiles to nakksha_app;

-- TCS and TDS, fixed with the commission when the payment is captured (app.record_commission). NULL on payments
-- captured before this migration (assessed by nobody then; see docs/gst.md) and on money the platform did not
-- collect.
alter table app.payment_transactions
  add column tcs_basis_points integer,
  add column tcs numeric(12, 2),
  add column tds_basis_points integer,
  add column tds numeric(12, 2),
  drop constraint payment_transactions_commission_fits,
  add constraint payment_transactions_commission_fits check (
    (commission is null and commission_gst is null and tcs is null and tds is null)
    or (commission >= 0 and commission_gst >= 0 and coalesce(tcs, 0) >= 0 and coalesce(tds, 0) >= 0
        and commission + commission_gst + coalesce(tcs, 0) + coalesce(tds, 0) <= amount
        and commission_plan is not null and commission_percent is not null and commission_gst_percent is not null
        and (tcs is null) = (tcs_basis_points is null) and (tds is null) = (tds_basis_points is null)));
comment on column app.payment_transactions.tcs is 'GST TCS the platform collects as the e-commerce operator (CGST Act s.52): tcs_basis_points of the taxable value, for a consultant registered under the regular scheme; 0 otherwise; NULL before TCS was assessed.';
comment on column app.payment_transactions.tds is 'Income-tax TDS on e-commerce payments (s.194-O): tds_basis_points of the gross amount (the no-PAN rate without a PAN; 0 under the threshold); NULL before TDS was assessed.';

alter table app.ledger_entries drop constraint ledger_entries_kind_valid,
  add constraint ledger_entries_kind_valid check (kind in ('captured', 'commission', 'commission_gst', 'tcs', 'tds',
    'refund', 'commission_refund', 'commission_gst_refund', 'tcs_refund', 'tds_refund')),
  drop constraint ledger_entries_cause,
  add constraint ledger_entries_cause check (
    (kind in ('captured', 'commission', 'commission_gst', 'tcs', 'tds') and refund_id is null)
    or (kind in ('refund', 'commission_refund', 'commission_gst_refund', 'tcs_refund', 'tds_refund')
        and refund_id is not null));

insert into app.platform_settings (key, value, description) values
  ('service_gst_percent', '18', 'GST on consulting (SAC 998311: 9% CGST + 9% SGST, or 18% IGST; docs/gst.md §12), percent, included in the prices registered consultants list.'),
  ('tcs_basis_points', '50', 'GST TCS the platform collects from GST-registered consultants, in hundredths of a percent of the taxable value (50 = 0.5%: 0.25% CGST + 0.25% SGST, or 0.5% IGST, since 10 July 2024; docs/gst.md §9).'),
  ('tds_basis_points', '10', 'Income-tax TDS on e-commerce payments (s.194-O), in hundredths of a percent of the gross amount (10 = 0.1% since 1 October 2024; docs/gst.md §11).'),
  ('tds_no_pan_basis_points', '500', 'TDS when the consultant has given no PAN (s.206AA: 5%), in hundredths of a percent.'),
  ('tds_threshold_rupees', '500000', 'An individual or HUF consultant with a PAN whose gross payments this financial year stay at or under this pays no TDS (s.194-O(2)).')
on conflict (key) do nothing;

-- migrate:down
delete from app.platform_settings
where key in ('service_gst_percent', 'tcs_basis_points', 'tds_basis_points', 'tds_no_pan_basis_points', 'tds_threshold_rupees');
alter table app.ledger_entries drop constraint ledger_entries_cause,
  add constraint ledger_entries_cause check (
    (kind in ('captured', 'commission', 'commission_gst') and refund_id is null)
    or (kind in ('refund', 'commission_refund', 'commission_gst_refund') and refund_id is not null)),
  drop constraint ledger_entries_kind_valid,
  add constraint ledger_entries_kind_valid check (kind in ('captured', 'commission', 'commission_gst', 'refund',
    'commission_refund', 'commission_gst_refund'));
alter table app.payment_transactions drop constraint payment_transactions_commission_fits,
  drop column tcs_basis_points, drop column tcs, drop column tds_basis_points, drop column tds,
  add constraint payment_transactions_commission_fits check (
    (commission is null and commission_gst is null)
    or (commission >= 0 and commission_gst >= 0 and commission + commission_gst <= amount
        and commission_plan is not null and commission_percent is not null and commission_gst_percent is not null));
drop table app.consultant_tax_profiles;
drop table app.gst_states;

-- Test: pytest tests/db/test_tax_profiles.py tests/db/test_ledger.py tests/meta/test_migrations.py
