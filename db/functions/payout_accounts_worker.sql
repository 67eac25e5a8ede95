-- db/functions/payout_accounts_worker.sql — the onboarding job's steps on payout accounts (what Razorpay needs for one consultant, recording each call's answer, the accounts due a check) and the webhook's hand-over to it.
-- Issue 21 (docs/payments.md "Onboarding as built"). The api.worker_* functions are security invoker, granted to
-- nakksha_worker alone, under its worker_steps policy on app.payout_accounts. The webhook's part
-- (app_private.payout_account_event) runs inside api.handle_payment_webhook, as its owner.

create or replace function api.worker_payout_reference(p_consultant_id uuid)
returns text
language sql immutable
set search_path = ''
as $$
  -- Razorpay's reference_id is at most 20 characters (a UUID is 36): "nk" and the UUID's first 18 hex digits,
  -- stable for the consultant (72 bits: no two consultants share one in practice).
  select 'nk' || left(replace(p_consultant_id::text, '-', ''), 18)
$$;
comment on function api.worker_payout_reference(uuid) is 'The linked account''s reference_id for a consultant: 20 characters, stable.';

create or replace function api.worker_payout_account(p_consultant_id uuid)
returns jsonb
language sql stable
set search_path = ''
as $$
  -- Everything the onboarding job sends, with the PAN and bank details as the app's ciphertexts (base64) for the
  -- job to decrypt; the address's State by name, as Razorpay's sample has it.
  select jsonb_build_object(
    'consultant_id', a.consultant_id, 'status', a.status, 'razorpay_account_id', a.razorpay_account_id,
    'stakeholder_id', a.stakeholder_id, 'product_id', a.product_id, 'razorpay_sent', a.razorpay_sent,
    'requirements', a.requirements,
    'reference_id', api.worker_payout_reference(a.consultant_id),
    'email', c.email::text, 'phone', regexp_replace(coalesce(c.phone_number, ''), '[^0-9]', '', 'g'),
    'business_type', a.business_type, 'contact_name', a.contact_name, 'beneficiary_name', a.beneficiary_name,
    'legal_name', btrim(coalesce(t.legal_name, c.first_name || ' ' || c.last_name)),
    'gstin', t.gstin,
    'address', jsonb_build_object('street1', t.address_line1, 'street2', t.address_line2, 'city', t.city,
                                  'state', upper(s.name), 'postal_code', t.postal_code, 'country', 'IN'),
    'pan_encrypted', encode(t.pan_encrypted, 'base64'),
    'account_number_encrypted', encode(c.bank_account_number_encrypted, 'base64'),
    'ifsc_code_encrypted', encode(c.ifsc_code_encrypted, 'base64'))
  from app.payout_accounts a
  join app.consultants c on c.id = a.consultant_id
  left join app.consultant_tax_profiles t on t.consultant_id = a.consultant_id
  left join app.gst_states s on s.code = t.state_code
  where a.consultant_id = p_consultant_id
$$;
comment on function api.worker_payout_account(uuid) is 'Worker: what the onboarding job sends Razorpay for one consultant (ciphertexts for the job to decrypt), with the status and the ids stored so far.';

create or replace function api.worker_record_payout_account(p_consultant_id uuid, p_from text[], p_changes jsonb)
returns jsonb
language plpgsql volatile
set search_path = ''
as $$
declare
  v_status text := p_changes->>'status';
  v_a app.payout_accounts;
  v_applies boolean;
begin
  -- One step's outcome. Razorpay's ids are stored whatever the status (an account Razorpay made must never be
  -- forgotten) and kept once set, and so is what it accepted (p_changes->'sent': field -> keyed hash, merged); the status, requirements and error only while the account is in one of p_from
  -- (the statuses that step moves on from), so a late answer cannot overwrite what a newer submission or check
  -- wrote. Razorpay's activation_status becomes ours; activated_at is the first time it was seen activated.
  if v_status is not null and v_status not in ('created', 'requested', 'needs_clarification', 'under_review',
                                               'activated', 'suspended', 'rejected', 'failed') then
    v_status := null;  -- a status Razorpay has not documented: keep ours, the requirements still count
  end if;
  select * into v_a from app.payout_accounts a where a.consultant_id = p_consultant_id for update;
  v_applies := v_a.status = any(p_from);
  update app.payout_accounts a set
    razorpay_account_id = coalesce(a.razorpay_account_id, p_changes->>'razorpay_account_id'),
    stakeholder_id = coalesce(a.stakeholder_id, p_changes->>'stakeholder_id'),
    product_id = coalesce(a.product_id, p_changes->>'product_id'),
    razorpay_sent = case when jsonb_typeof(p_changes->'sent') = 'object' then a.razorpay_sent || (p_changes->'sent')
                         else a.razorpay_sent end,
    status = case when v_applies then coalesce(v_status, a.status) else a.status end,
    requirements = case when not v_applies then a.requirements
                        when jsonb_typeof(p_changes->'requirements') = 'array' then p_changes->'requirements'
                        when v_status in ('activated', 'under_review') then '[]' else a.requirements end,
    last_error = case when not v_applies then a.last_error
                      when p_changes ? 'last_error' then left(p_changes->>'last_error', 500)
                      when v_status is not null and v_status <> 'failed' then null else a.last_error end,
    activated_at = case when v_applies and v_status = 'activated' then coalesce(a.activated_at, now())
                        else a.activated_at end,
    status_checked_at = case when v_applies and (p_changes->>'checked')::boolean then now()
                             else a.status_checked_at end
  where a.consultant_id = p_consultant_id
  returning * into v_a;
  if v_a.consultant_id is null or not v_applies then
    return null;
  end if;
  return jsonb_build_object('status', v_a.status, 'razorpay_account_id', v_a.razorpay_account_id,
    'stakeholder_id', v_a.stakeholder_id, 'product_id', v_a.product_id, 'requirements', v_a.requirements,
    'last_error', v_a.last_error, 'activated_at', v_a.activated_at);
end;
$$;
comment on function api.worker_record_payout_account(uuid, text[], jsonb) is 'Worker: record one onboarding step or status check: Razorpay''s ids and what it accepted (sent: field -> keyed hash) always (ids kept once set); status, requirements and last_error only while the account is still in one of the given statuses (else null).';

create or replace function api.worker_payout_accounts_due(p_limit integer)
returns jsonb
language sql stable
set search_path = ''
as $$
  -- onboard: submitted, or left half-way (created / requested) for an hour by a job that gave up;
  -- refresh: a product configuration to ask about: under way hourly, active or suspended daily (webhooks are the
  -- fast path; this catches the ones that never came). Rejected is final.
  select jsonb_build_object(
    'onboard', coalesce((select jsonb_agg(x.consultant_id) from (
      select a.consultant_id from app.payout_accounts a
      where a.status = 'submitted' or (a.status in ('created', 'requested') and a.updated_at < now() - interval '1 hour')
      order by a.updated_at limit p_limit) x), '[]'),
    'refresh', coalesce((select jsonb_agg(x.consultant_id) from (
      select a.consultant_id from app.payout_accounts a
      where a.product_id is not null and (
        (a.status in ('needs_clarification', 'under_review')
         and coalesce(a.status_checked_at, '-infinity') < now() - interval '1 hour')
        or (a.status in ('activated', 'suspended')
            and coalesce(a.status_checked_at, '-infinity') < now() - interval '1 day'))
      order by a.status_checked_at nulls first limit p_limit) x), '[]'))
$$;
comment on function api.worker_payout_accounts_due(integer) is 'Worker: the consultants whose payout account is due onboarding (submitted, or stalled) and those due a status check.';

create or replace function api.worker_payout_account_owner(p_account_id text)
returns uuid
language sql stable
set search_path = ''
as $$ select a.consultant_id from app.payout_accounts a where a.razorpay_account_id = p_account_id $$;
comment on function api.worker_payout_account_owner(text) is 'Worker: the consultant whose linked account this is (null when none).';

create or replace function app_private.payout_account_event(p_payload jsonb)
returns text
language plpgsql volatile
set search_path = ''
as $$
declare
  v_account text := coalesce(p_payload #>> '{payload,merchant_product,entity,account_id}',
                             p_payload #>> '{payload,merchant_product,entity,merchant_id}',
                             p_payload #>> '{payload,account,entity,id}', p_payload->>'account_id');
  v_owner uuid;
begin
  -- product.route.* / account.*: the event's own status is not trusted (late, repeated or out of order): the
  -- owner's product configuration is fetched again by refresh_payout_account, under the consultant's lock. One
  -- refresh waiting per consultant is enough: a second event finds it queued.
  v_owner := api.worker_payout_account_owner(v_account);
  if v_owner is null then
    return 'ignored_unknown_account';
  end if;
  if exists (select from public.procrastinate_jobs j
             where j.queueing_lock = 'payout_refresh:' || v_owner and j.status = 'todo') then
    return 'payout_refresh_already_queued';
  end if;
  begin
    perform app_private.defer_job('refresh_payout_account', jsonb_build_object('consultant_id', v_owner), 'payments',
                                  null, 'payout_refresh:' || v_owner, 'payout:' || v_owner);
  exception when unique_violation then
    return 'payout_refresh_already_queued';  -- queued by a concurrent delivery
  end;
  return 'payout_refresh_queued';
end;
$$;
comment on function app_private.payout_account_event(jsonb) is 'A Route account or product webhook: queue a status check for the consultant owning the linked account (the event''s own status is not trusted).';

grant execute on function api.worker_payout_reference(uuid), api.worker_payout_account(uuid),
  api.worker_record_payout_account(uuid, text[], jsonb), api.worker_payout_accounts_due(integer),
  api.worker_payout_account_owner(text) to nakksha_worker;

-- Test: pytest tests/db/test_payout_accounts.py tests/jobs/test_route_onboarding.py
