-- db/functions/app/plans.sql — the plan in force for a consultant (the ONE place that decides it), the limit check every guarded action calls (NK403 plan_limit), and the triggers that call it.
-- The plan rows (app.plans: prices and what each unlocks) are data; docs/payments.md "Plans and limits" says what
-- each limit means and what a downgrade keeps, and "Billing as built" where the plan comes from (comps and
-- Razorpay subscriptions, app.plan_coverage). Every reader goes through app.effective_plan_code (the commission at
-- capture, the payout share and release, the slots, the limits, the pages).

create or replace function app.plan_in_force(p_plan text, p_expires_at timestamptz, p_at timestamptz)
returns text
language sql immutable
set search_path = ''
as $$
  -- A plan with its expiry: the plan while it has none or has not expired at p_at; the free plan after.
  select case when p_expires_at <= p_at then 'free' else coalesce(p_plan, 'free') end
$$;
comment on function app.plan_in_force(text, timestamptz, timestamptz) is 'How to read the display copy app.consultants.subscription_plan / subscription_expires_at (the plan in force when billing last wrote it, and when it lapses unless renewed): free once expired. Nothing decides with it: app.effective_plan_code does.';

create or replace function app.subscription_grace() returns interval
language sql stable
set search_path = ''
as $$
  select make_interval(days => coalesce((select (s.value #>> '{}')::integer from app.platform_settings s
                                         where s.key = 'subscription_grace_days'), 7))
$$;
comment on function app.subscription_grace() is 'How long a paid plan outlives its paid period while its subscription is live (a failed renewal Razorpay retries, a halted invoice to pay): the setting subscription_grace_days (default 7).';

create or replace function app.plan_coverage(p_consultant_id uuid, p_at timestamptz)
returns table (plan_code text, covered_until timestamptz, basis text, basis_id uuid)
language sql stable
set search_path = ''
as $$
  -- Every basis of a paid plan covering p_at (covered_until NULL: open). A comp from its start until its end or its
  -- revocation. A subscription over its charged cycles (paid_from .. paid_until) and, while it is live (not
  -- cancelled, completed or expired, and not replaced by a plan change), the grace period after: a failed renewal
  -- keeps the plan until paid_until + grace, then the free plan's limits apply. Never mid-period, and nothing is
  -- deleted: what exceeds the lower plan becomes read-only (docs/payments.md "Plans and limits"). A subscription
  -- replaced or ended (first recorded final) during its grace loses only the rest of it: the grace already past
  -- stays, so a later plan change or cancellation never rewrites the plan at past instants.
  select pc.plan_code, case when pc.revoked_at is null then pc.ends_at
                            else least(pc.revoked_at, coalesce(pc.ends_at, 'infinity')) end, 'comp', pc.id
  from app.plan_comps pc
  where pc.consultant_id = p_consultant_id and pc.starts_at <= p_at
    and (pc.ends_at is null or p_at < pc.ends_at) and (pc.revoked_at is null or p_at < pc.revoked_at)
  union all
  select s.plan_code, u.covered_until, 'subscription', s.id
  from app.subscriptions s
  cross join lateral (select s.paid_until
    + case when s.status not in ('cancelled', 'completed', 'expired') and s.replaced_at is null
           then app.subscription_grace()
           else least(app.subscription_grace(), greatest(interval '0', coalesce(least(s.replaced_at, (
                  select min(h.at) from app.subscription_history h
                  where h.subscription_id = s.id and h.to_status in ('cancelled', 'completed', 'expired')
                    and s.status in ('cancelled', 'completed', 'expired'))), s.paid_until) - s.paid_until))
      end as covered_until) u
  where s.consultant_id = p_consultant_id and s.paid_until is not null
    -- Razorpay's times are whole seconds on its clock: five minutes' slack, so a charge just recorded counts at once.
    and s.paid_from - interval '5 minutes' <= p_at and p_at < u.covered_until
$$;
comment on function app.plan_coverage(uuid, timestamptz) is 'The comps and subscriptions giving a consultant a paid plan at an instant, each with when its cover ends (NULL: open).';

create or replace function app.effective_plan_code(p_consultant_id uuid, p_at timestamptz default now())
returns text
language sql stable
set search_path = ''
as $$
  -- Invoker: the consultant's rows as the caller sees them. Every write a limit guards is the consultant's own, or
  -- made through a definer function (a visitor's booking, a worker step) that reads as the owner or the worker.
  -- The highest-priced plan among the covering comps and paid subscriptions (app.plan_coverage); free otherwise.
  select case when exists (select 1 from app.consultants c where c.id = p_consultant_id) then coalesce((
    select v.plan_code from app.plan_coverage(p_consultant_id, p_at) v join app.plans p on p.code = v.plan_code
    order by p.price_monthly desc, p.price_yearly desc, p.position desc, p.code limit 1), 'free') end
$$;
comment on function app.effective_plan_code(uuid, timestamptz) is 'THE plan in force for a consultant at an instant (default now): the highest-priced of their comps covering it and their subscriptions whose charged period covers it (plus the grace period while the subscription is live); free otherwise. app.consultants.subscription_plan/subscription_expires_at are a display copy written by billing (app.sync_plan_display), never read here. NULL when the caller cannot read the consultant''s row.';

create or replace function app.sync_plan_display(p_consultant_id uuid)
returns void
language plpgsql volatile
set search_path = ''
as $$
declare
  v_code text := app.effective_plan_code(p_consultant_id, now());
  v_until timestamptz;
  v_open boolean;
begin
  -- The display copy on app.consultants (the admin pages, GET /consultants/me, analytics.consultants): the plan in
  -- force now and when it lapses unless renewed (the latest end of its covering bases; NULL when one is open).
  -- Written by billing only (comps, the subscription worker); app.plan_in_force reads it as before.
  select max(v.covered_until), bool_or(v.covered_until is null) into v_until, v_open
  from app.plan_coverage(p_consultant_id, now()) v where v.plan_code = v_code;
  update app.consultants c set subscription_plan = v_code,
    subscription_expires_at = case when v_code = 'free' or v_open then null else v_until end
  where c.id = p_consultant_id
    and (c.subscription_plan, c.subscription_expires_at) is distinct from
        (v_code, case when v_code = 'free' or v_open then null else v_until end);
end;
$$;
comment on function app.sync_plan_display(uuid) is 'Write the display copy of the plan in force (app.consultants.subscription_plan, subscription_expires_at: when it lapses unless renewed, NULL when open) after a comp or a subscription changed.';

create or replace function app.plan_limit_phrase(p_feature text, p_value integer, p_enabled boolean)
returns text
language sql immutable
set search_path = ''
as $$
  -- How a plan's value for a feature reads after "<plan> allows" / "<plan> does not include".
  select case p_feature
    when 'quotations_per_month' then case when p_value is null then 'unlimited quotations a month'
                                          else p_value || ' quotation' || case when p_value = 1 then '' else 's' end
                                               || ' a month' end
    when 'webinar_seats' then case when p_value is null then 'unlimited seats in a webinar'
                                   else p_value || ' seat' || case when p_value = 1 then '' else 's' end
                                        || ' in a webinar' end
    when 'custom_reminders' then 'your own reminder schedule'
    when 'remove_branding' then 'removing "Powered by Nakksha" from your page and mails'
  end
$$;
comment on function app.plan_limit_phrase(text, integer, boolean) is 'Words for a plan''s value of one feature (quotations_per_month, webinar_seats, custom_reminders, remove_branding).';

create or replace function app.require_plan(p_consultant_id uuid, p_feature text, p_needed integer default null,
                                            p_field text default null)
returns void
language plpgsql stable
set search_path = ''
as $$
declare
  v_plan record;
  v_up record;
  v_value integer;
  v_enabled boolean;
begin
  -- The one check: does the plan in force allow this? For a counted feature p_needed is what the action would
  -- reach (the seats offered, the quotations sent this month counting this one); a switch needs none. Refused
  -- with NK403 plan_limit, naming the limit and the cheapest plan that allows it, and the page to upgrade on.
  select p.* into v_plan from app.plans p where p.code = app.effective_plan_code(p_consultant_id);
  if v_plan.code is null then
    return;
  end if;
  if p_feature not in ('quotations_per_month', 'webinar_seats', 'custom_reminders', 'remove_branding') then
    raise exception 'unknown plan feature %', p_feature;
  end if;
  v_value := case p_feature when 'quotations_per_month' then v_plan.quotations_per_month
                            when 'webinar_seats' then v_plan.webinar_seats end;
  v_enabled := case p_feature when 'custom_reminders' then v_plan.custom_reminders
                              when 'remove_branding' then v_plan.remove_branding end;
  if (p_feature in ('quotations_per_month', 'webinar_seats') and (v_value is null or coalesce(p_needed, 0) <= v_value))
     or coalesce(v_enabled, false) then
    return;
  end if;
  select p.name, p.quotations_per_month, p.webinar_seats into v_up
  from app.plans p
  where case p_feature when 'quotations_per_month' then p.quotations_per_month is null or p.quotations_per_month >= p_needed
                       when 'webinar_seats' then p.webinar_seats is null or p.webinar_seats >= p_needed
                       when 'custom_reminders' then p.custom_reminders
                       when 'remove_branding' then p.remove_branding end
  order by p.price_monthly, p.position, p.code limit 1;
  raise exception using errcode = 'NK403', message = 'plan_limit', hint = coalesce('field:' || p_field, ''),
    detail = case when v_enabled is not null
                  then format('Your %s plan does not include %s', v_plan.name, app.plan_limit_phrase(p_feature, null, false))
                  else format('Your %s plan allows %s', v_plan.name, app.plan_limit_phrase(p_feature, v_value, null)) end
             || case when v_up.name is null then '.'
                     when v_enabled is not null then format('; %s does.', v_up.name)
                     else format('; %s allows %s.', v_up.name, app.plan_limit_phrase(p_feature,
                            case p_feature when 'quotations_per_month' then v_up.quotations_per_month
                                           else v_up.webinar_seats end, null)) end
             || ' Upgrade: /dashboard/plan';
end;
$$;
comment on function app.require_plan(uuid, text, integer, text) is 'Refuse (NK403 plan_limit, detail naming the limit and the cheapest plan that lifts it, hint field:<p_field> when given) an action the consultant''s plan in force does not allow: quotations_per_month and webinar_seats with the count the action reaches, custom_reminders and remove_branding as switches.';

create or replace function app.plan_allows(p_consultant_id uuid, p_feature text)
returns boolean
language sql stable
set search_path = ''
as $$
  -- A switch of the plan in force, for readers that show or hide rather than refuse (the branding on pages/mails).
  select case p_feature when 'custom_reminders' then p.custom_reminders when 'remove_branding' then p.remove_branding end
  from app.plans p where p.code = app.effective_plan_code(p_consultant_id)
$$;
comment on function app.plan_allows(uuid, text) is 'Whether the plan in force for a consultant has a switch on (custom_reminders, remove_branding); NULL for no such consultant.';

create or replace function app.guard_webinar_seats() returns trigger
language plpgsql
set search_path = ''
as $$
declare
  v_seats integer;
begin
  -- Webinar rules and slots (the trigger's WHEN). A downgrade keeps what exists: a rule or slot over the new
  -- seats stays with its bookings, may be paused, hidden, lowered or deleted, but not raised, moved or made
  -- anew; a booking that would take a slot past the plan's seats is refused as a full slot.
  v_seats := (select p.webinar_seats from app.plans p where p.code = app.effective_plan_code(new.consultant_id));
  if v_seats is null then
    return new;
  end if;
  -- (Rules and slots differ in columns: compared as JSON, since PL/pgSQL plans a reference to a column the
  -- other table lacks even behind a false condition.)
  if tg_table_name = 'availability_slots' and tg_op = 'UPDATE' then
    if (to_jsonb(new)->>'booked_count')::integer > (to_jsonb(old)->>'booked_count')::integer
       and (to_jsonb(new)->>'booked_count')::integer > v_seats then
      raise exception using errcode = '23514', constraint = 'availability_slots_booked_count_range',
        message = 'slot_full', detail = 'That slot is full.';
    end if;
  end if;
  if new.capacity <= v_seats then
    return new;
  end if;
  -- Kept as it was: only what may change on a row over the limit changed (rules: paused; slots: hidden, booked),
  -- and the capacity did not grow.
  if tg_op = 'UPDATE' and new.capacity <= old.capacity
     and to_jsonb(new) - '{is_active,is_available,booked_count,updated_at,capacity,source,rule_id}'::text[]
         = to_jsonb(old) - '{is_active,is_available,booked_count,updated_at,capacity,source,rule_id}'::text[] then
    return new;
  end if;
  perform app.require_plan(new.consultant_id, 'webinar_seats', new.capacity, 'capacity');
  return new;
end;
$$;
comment on function app.guard_webinar_seats() is 'Trigger (webinar rules and slots): refuse a capacity over the plan''s webinar seats when made, raised or moved (NK403 plan_limit, field capacity) and a booking past them (slot_full); an over-limit row kept from a downgrade may be paused, lowered or deleted.';

create or replace function app.guard_quotation_sends() returns trigger
language plpgsql
set search_path = ''
as $$
declare
  v_sent integer;
begin
  -- draft → sent (the trigger's WHEN): the quotations sent in the consultant's calendar month, this one counted.
  -- It fires inside api.send_quotation (a definer), so it counts every one of them. One sender per consultant at
  -- a time, so two sends at once cannot both take the last one. Drafts are free, and
  -- a sent quotation cannot be deleted, so the count cannot be reset.
  perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended('nakksha.quotation_sends:' || new.consultant_id::text, 0));
  select count(*) + 1 into v_sent
  from app.quotations q join app.consultants c on c.id = q.consultant_id
  where q.consultant_id = new.consultant_id and q.id <> new.id
    and q.sent_at >= (date_trunc('month', now() at time zone c.timezone) at time zone c.timezone);
  perform app.require_plan(new.consultant_id, 'quotations_per_month', v_sent);
  return new;
end;
$$;
comment on function app.guard_quotation_sends() is 'Trigger (a quotation sent): refuse it beyond the plan''s quotations a month in the consultant''s time zone (NK403 plan_limit).';

grant execute on function app.plan_in_force(text, timestamptz, timestamptz), app.effective_plan_code(uuid, timestamptz),
  app.subscription_grace(), app.plan_coverage(uuid, timestamptz),
  app.plan_limit_phrase(text, integer, boolean), app.require_plan(uuid, text, integer, text),
  app.plan_allows(uuid, text), app.guard_webinar_seats(), app.guard_quotation_sends()
  to nakksha_app, nakksha_worker;
grant execute on function app.sync_plan_display(uuid) to nakksha_worker;
-- The plans' pages show each plan's payout hold capped by the platform's setting (app.transfer_release_after's rule).
grant execute on function app.payout_setting(text) to nakksha_app;

-- Test: pytest tests/db/test_plans.py tests/db/test_billing.py tests/http/test_plans.py
