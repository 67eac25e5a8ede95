-- db/functions/payout_accounts.sql — a consultant's Razorpay Route payout account: read in plain words (status, Razorpay's requirements, what is missing before submitting) and saved (accepting the terms submits it).
-- Issue 21 (docs/payments.md "Payouts through Razorpay Route", "Onboarding as built"). Everything here is security
-- invoker: the consultant reads and writes their own row under the payout_accounts policies, an admin reads any
-- under theirs. The onboarding job's steps are in db/functions/payout_accounts_worker.sql.

create or replace function api.payout_status_words(p_status text, p_last_error text)
returns jsonb
language sql immutable
set search_path = ''
as $$
  -- The status in plain words, with the tone of its badge (ok, warn, bad, or none).
  select jsonb_build_object('status', p_status, 'tone', t.tone, 'label', t.label, 'words', t.words)
  from (values
    ('draft', '', 'Not started', 'Fill in the details below and accept Razorpay''s terms to open your payout account.'),
    ('submitted', 'warn', 'Submitted', 'We are opening your account with Razorpay; this takes a minute or two.'),
    ('created', 'warn', 'Being set up', 'Your account exists at Razorpay; we are asking for payouts to be enabled.'),
    ('requested', 'warn', 'Being set up', 'Payouts are requested at Razorpay; we are sending your bank account.'),
    ('needs_clarification', 'bad', 'Needs your attention',
     'Razorpay needs more from you: fix what is listed below, then submit again.'),
    ('under_review', 'warn', 'Under review',
     'Razorpay is checking your details. This usually takes a few working days; there is nothing to do meanwhile.'),
    ('activated', 'ok', 'Active', 'Payments for your sessions are paid out to your bank account through Razorpay.'),
    ('suspended', 'bad', 'Suspended', 'Razorpay has paused payouts to this account. Contact support to resolve it.'),
    ('rejected', 'bad', 'Declined', 'Razorpay declined this account. Contact support to find out why.'),
    ('failed', 'bad', 'Not accepted', 'Razorpay did not accept what we sent: '
       || coalesce(p_last_error, 'no reason given') || ' Fix it, then submit again.')
  ) t(status, tone, label, words)
  where t.status = p_status
$$;
comment on function api.payout_status_words(text, text) is 'A payout account status in plain words: a short label, a sentence, and the tone of its badge.';

create or replace function api.payout_requirement_words(p_requirement jsonb)
returns jsonb
language sql immutable
set search_path = ''
as $$
  -- Razorpay names what it needs by field_reference (the product configuration entity's requirements[]); the
  -- known ones become a sentence and the settings page that fixes them, the others are shown in Razorpay's words.
  with r as (
    select coalesce(p_requirement->>'field_reference', '') as ref, coalesce(p_requirement->>'reason_code', '') as reason,
           nullif(btrim(coalesce(p_requirement->>'description', '')), '') as description
  ), known as (
    select k.what, k.link, k.page from r cross join lateral (values
      (r.ref in ('settlements.account_number'), 'Your bank account number', '/dashboard/settings/bank', 'Bank details'),
      (r.ref in ('settlements.ifsc_code', 'settlements.ifsc'), 'Your bank''s IFSC', '/dashboard/settings/bank',
       'Bank details'),
      (r.ref = 'settlements.beneficiary_name', 'The account holder''s name',
       '/dashboard/settings/bank#payouts', 'Payout details'),
      (r.ref in ('kyc.pan', 'legal_info.pan'), 'Your PAN', '/dashboard/settings/tax', 'Tax settings'),
      (r.ref = 'legal_info.gst', 'Your GSTIN', '/dashboard/settings/tax', 'Tax settings'),
      (r.ref in ('legal_business_name', 'name'), 'Your legal name', '/dashboard/settings/tax',
       'Tax settings'),
      (r.ref like 'profile.addresses%' or r.ref like 'addresses%', 'Your address', '/dashboard/settings/tax',
       'Tax settings'),
      (r.ref = 'contact_name', 'The contact name', '/dashboard/settings/bank#payouts', 'Payout details'),
      (r.ref = 'business_type', 'Your business type', '/dashboard/settings/bank#payouts', 'Payout details'),
      (r.ref in ('phone', 'phone.primary'), 'Your mobile number', '/dashboard/settings/profile', 'Profile settings'),
      (r.ref = 'email', 'Your email address', '/dashboard/settings/profile', 'Profile settings')
    ) k(match, what, link, page) where k.match limit 1
  )
  select jsonb_build_object('field_reference', r.ref, 'reason_code', r.reason, 'status', p_requirement->>'status',
    'words', case
      when k.what is null then 'Razorpay asks about "' || r.ref || '"'
        || case when r.reason <> '' then ' (' || replace(r.reason, '_', ' ') || ')' else '' end
        || coalesce(': ' || rtrim(r.description, '.'), '') || '.'
      else k.what || case r.reason when 'field_missing' then ' is missing.'
                                   when 'kyc_failed' then ' could not be verified.'
                                   when 'document_missing' then ': a document is missing.'
                                   else ' needs correcting.' end
        || coalesce(' Razorpay says: ' || r.description, '') end,
    'link', k.link, 'page', k.page)
  from r left join known k on true
$$;
comment on function api.payout_requirement_words(jsonb) is 'One of Razorpay''s requirements in plain words, with the settings page that fixes it (unknown ones in Razorpay''s own words).';

create or replace function api.payout_checklist(p_consultant_id uuid)
returns jsonb
language sql stable
set search_path = ''
as $$
  -- What Razorpay needs that the consultant gives elsewhere (tax profile, profile, bank details) or in the payout
  -- form, in the order the form refuses them. Read under the caller's policies.
  select coalesce(jsonb_agg(jsonb_build_object('item', i.item, 'field', i.field, 'done', i.done, 'words', i.words,
                                               'link', i.link, 'page', i.page) order by i.n), '[]')
  from app.consultants c
  left join app.consultant_tax_profiles t on t.consultant_id = c.id
  left join app.payout_accounts a on a.consultant_id = c.id
  cross join lateral (values
    (1, 'pan', 'pan', t.pan_last4 is not null, 'Your PAN, in Tax settings.', '/dashboard/settings/tax', 'Tax settings'),
    (2, 'legal_name', 'legal_name',
     char_length(btrim(coalesce(t.legal_name, c.first_name || ' ' || c.last_name))) between 4 and 200,
     'Your legal name as on your PAN (at least 4 characters), in Tax settings.', '/dashboard/settings/tax',
     'Tax settings'),
    (3, 'address', 'address_line1',
     t.address_line1 is not null and t.city is not null and t.postal_code is not null,
     'Your address (street, city and PIN code), in Tax settings.', '/dashboard/settings/tax', 'Tax settings'),
    (4, 'state', 'state_code', t.state_code is not null, 'Your State, in Tax settings.', '/dashboard/settings/tax',
     'Tax settings'),
    (5, 'phone', 'phone_number', char_length(regexp_replace(coalesce(c.phone_number, ''), '[^0-9]', '', 'g'))
       between 8 and 15, 'Your mobile number, in Profile settings.', '/dashboard/settings/profile',
     'Profile settings'),
    (6, 'bank', 'account_number', c.bank_account_number_encrypted is not null and c.ifsc_code_encrypted is not null,
     'Your bank account number and IFSC, in Bank details on this page.', '/dashboard/settings/bank', 'Bank details'),
    (7, 'names', 'contact_name', a.consultant_id is not null,
     'The contact name and the account holder''s name, in the payout form.', '/dashboard/settings/bank#payouts',
     'Payout details')
  ) i(n, item, field, done, words, link, page)
  where c.id = p_consultant_id
$$;
comment on function api.payout_checklist(uuid) is 'What a consultant must give before submitting their payout account: PAN, legal name, address and State (Tax settings), mobile number (profile), bank details, names; each with the page that takes it.';

create or replace function api.payout_account_json(p_consultant_id uuid)
returns jsonb
language sql stable
set search_path = ''
as $$
  -- Always an object for a consultant the caller may read: with no row yet it is a draft, the contact name
  -- suggested from their name. can_submit: ready, and in a status a submission moves on.
  with me as (select c.id, c.first_name, c.last_name from app.consultants c where c.id = p_consultant_id),
  checklist as (select api.payout_checklist(p_consultant_id) as items)
  select jsonb_build_object(
    'exists', a.consultant_id is not null,
    'business_type', coalesce(a.business_type, 'individual'),
    'contact_name', coalesce(a.contact_name, btrim(me.first_name || ' ' || me.last_name)),
    'beneficiary_name', a.beneficiary_name,
    'terms_accepted_at', a.terms_accepted_at,
    'status', coalesce(a.status, 'draft'),
    'explanation', api.payout_status_words(coalesce(a.status, 'draft'), a.last_error),
    'requirements', coalesce((select jsonb_agg(api.payout_requirement_words(r) order by n)
                              from jsonb_array_elements(a.requirements) with ordinality x(r, n)), '[]'),
    'last_error', a.last_error,
    'razorpay_account_id', a.razorpay_account_id,
    'submitted_at', a.submitted_at, 'activated_at', a.activated_at, 'status_checked_at', a.status_checked_at,
    'updated_at', a.updated_at,
    'checklist', ch.items,
    'missing', (select coalesce(jsonb_agg(i->'item'), '[]') from jsonb_array_elements(ch.items) i
                where not (i->>'done')::boolean),
    'can_submit', coalesce(a.status, 'draft') in ('draft', 'failed', 'needs_clarification', 'requested')
                  and not exists (select from jsonb_array_elements(ch.items) i
                                  where not (i->>'done')::boolean and i->>'item' <> 'names'))
  from me cross join checklist ch
  left join app.payout_accounts a on a.consultant_id = me.id
$$;
comment on function api.payout_account_json(uuid) is 'A consultant''s payout account as the API and pages show it: details, status and requirements in plain words, the readiness checklist.';

create or replace function api.my_payout_account()
returns jsonb
language sql stable
set search_path = ''
as $$ select api.payout_account_json((select app.current_reading_consultant_id())) $$;
comment on function api.my_payout_account() is 'The calling consultant''s payout account (Razorpay Route), its status and what is missing, in plain words.';

create or replace function api.set_my_payout_account(p jsonb)
returns jsonb
language plpgsql volatile
set search_path = ''
as $$
declare
  v_id uuid := app.current_approved_consultant_id();
  v_status text;
  v_type text := coalesce(nullif(btrim(p->>'business_type'), ''), 'individual');
  v_contact text := btrim(coalesce(p->>'contact_name', ''));
  v_holder text := btrim(coalesce(p->>'beneficiary_name', ''));
  v_accept boolean := coalesce((p->>'accept_terms')::boolean, false);
  v_missing jsonb;
  v_was_type text;
  v_account text;
begin
  if v_id is null then
    raise exception using errcode = 'NK403', message = 'forbidden',
      detail = 'Only an approved consultant can set up payouts.';
  end if;
  select a.status, a.business_type, a.razorpay_account_id into v_status, v_was_type, v_account
  from app.payout_accounts a where a.consultant_id = v_id for update;
  -- While Razorpay holds the details (being set up, under review, active) a change here would reach nobody.
  if v_status not in ('draft', 'failed', 'needs_clarification', 'requested') then
    raise exception using errcode = 'NK409', message = 'payout_account_in_progress',
      detail = 'Your payout details are with Razorpay (' || (api.payout_status_words(v_status, null)->>'label')
               || '); they can be changed when Razorpay asks for changes.';
  end if;
  if v_type not in ('individual', 'proprietorship', 'partnership', 'private_limited', 'llp', 'huf') then
    perform app.refuse_field('business_type', 'Choose a business type from the list.');
  elsif v_account is not null and v_type is distinct from v_was_type then
    -- Razorpay's update endpoint takes every field but business_type and email (docs/payments.md, "Onboarding as
    -- built"): once the linked account exists, the type it was opened with stays.
    perform app.refuse_field('business_type', 'Your payout account was opened with Razorpay as '
      || replace(v_was_type, '_', ' ') || '; Razorpay does not allow changing the business type of an account. '
      || 'Contact support to open a new one.');
  elsif char_length(v_contact) not between 4 and 255 then
    perform app.refuse_field('contact_name', 'The contact name is 4 to 255 characters.');
  elsif char_length(v_holder) not between 4 and 120 then
    perform app.refuse_field('beneficiary_name', 'The account holder''s name is 4 to 120 characters, as your bank '
                                                 || 'has it.');
  end if;
  -- Saved first, then checked: a refusal raises and the whole call rolls back, so it changes nothing.
  insert into app.payout_accounts as a (consultant_id, business_type, contact_name, beneficiary_name,
                                        terms_accepted_at)
  values (v_id, v_type, v_contact, v_holder, case when v_accept then clock_timestamp() end)
  on conflict (consultant_id) do update set business_type = excluded.business_type,
    contact_name = excluded.contact_name, beneficiary_name = excluded.beneficiary_name,
    terms_accepted_at = coalesce(excluded.terms_accepted_at, a.terms_accepted_at);
  if v_accept then
    select i into v_missing from jsonb_array_elements(api.payout_checklist(v_id)) i
    where not (i->>'done')::boolean limit 1;
    if v_missing is not null then
      perform app.refuse_field(v_missing->>'field', 'Before submitting, add ' || lower(left(v_missing->>'words', 1))
                                                    || substr(v_missing->>'words', 2));
    end if;
  end if;
  return api.payout_account_json(v_id);
end;
$$;
comment on function api.set_my_payout_account(jsonb) is 'Save the calling consultant''s payout details (business_type, contact_name, beneficiary_name); accept_terms: true submits them for the onboarding job, only when nothing on the checklist is missing (else a 422 naming the first missing field); the business type is fixed once the linked account exists (422). A refusal changes nothing.';

grant execute on function api.payout_status_words(text, text), api.payout_requirement_words(jsonb),
  api.payout_checklist(uuid), api.payout_account_json(uuid), api.my_payout_account(),
  api.set_my_payout_account(jsonb) to nakksha_app;

-- Test: pytest tests/db/test_payout_accounts.py tests/http/test_payout_account.py
