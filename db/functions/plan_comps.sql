-- db/functions/plan_comps.sql — complimentary plans: an admin comps a consultant a plan until a date (audited), which billing respects (the plan in force is the highest of comps and paid subscriptions).
-- Issue 22 (docs/payments.md "Billing as built"). Before billing, admins set app.consultants.subscription_plan and
-- its expiry by hand; the same call (PATCH /api/v1/admin/consultants/{id}/subscription, the admin page) now ends the
-- consultant's comps in force and, for a paid plan, grants a new one until the date (none: open). The consultants
-- columns are then rewritten as the display copy of the plan in force (app.sync_plan_display).

create or replace function api.admin_set_subscription(p_consultant_id uuid, p_plan text, p_expires_at timestamptz,
                                                      p_acting_admin_email text default null)
returns jsonb
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_actor uuid := app_private.require_admin(p_acting_admin_email);
  v_c app.consultants;
  v_old text;
  v_revoked integer;
  v_comp uuid;
begin
  if not exists (select 1 from app.plans p where p.code = p_plan) then
    raise exception using errcode = 'NK422', message = 'unknown_plan', detail = 'No such plan.', hint = 'field:plan';
  end if;
  -- A paid plan until a moment already past would only end the comps in force (a mistyped year silently downgraded
  -- the consultant: the outside review); the free plan is how to end them.
  if p_plan <> 'free' and p_expires_at is not null and p_expires_at <= now() then
    raise exception using errcode = 'NK422', message = 'validation_error', hint = 'field:expires_at',
      detail = 'expires_at must be in the future (or empty for no end); to end a complimentary plan, set the free plan.';
  end if;
  select * into v_c from app.consultants where id = p_consultant_id and deleted_at is null for update;
  if v_c.id is null then
    raise exception using errcode = 'NK404', message = 'not_found', detail = 'No such consultant.';
  end if;
  v_old := app.effective_plan_code(v_c.id);
  -- The comps in force or to come end now (kept, revoked: the plan at past instants stays what it was).
  update app.plan_comps pc set revoked_at = now(), revoked_by = v_actor
  where pc.consultant_id = v_c.id and pc.revoked_at is null and (pc.ends_at is null or pc.ends_at > now());
  get diagnostics v_revoked = row_count;
  -- A paid plan until the date (none: open); the free plan, or a date already past, is only the end of the comps.
  -- What the consultant pays for is untouched: the plan in force is the highest of the two.
  if p_plan <> 'free' and (p_expires_at is null or p_expires_at > now()) then
    insert into app.plan_comps (consultant_id, plan_code, ends_at, reason, granted_by)
    values (v_c.id, p_plan, p_expires_at, 'Comped by an admin', v_actor)
    returning id into v_comp;
  end if;
  perform app.sync_plan_display(v_c.id);
  perform app_private.audit(v_actor, 'consultant.subscription', 'consultant', v_c.id,
    jsonb_build_object('from', v_old, 'to', p_plan, 'expires_at', p_expires_at, 'comp_id', v_comp,
                       'comps_revoked', v_revoked, 'in_force', app.effective_plan_code(v_c.id)));
  -- Rule slots follow the new plan's webinar seats at once (the daily roll-forward would, tomorrow).
  perform app_private.rematerialise_slots(v_c.id);
  return api.admin_consultant_json(v_c.id);
end;
$$;
comment on function api.admin_set_subscription is 'Admins: comp a consultant a plan until a date (none: open), ending their comps in force; the free plan ends them only (audited). Billing respects it: the plan in force is the highest of comps and paid subscriptions. Definer: an admin action across tenants: checks the acting admin and writes the audit log (no write policy names an admin role).';

grant execute on function api.admin_set_subscription(uuid, text, timestamptz, text) to nakksha_app, nakksha_admin;

-- Test: pytest tests/db/test_billing.py tests/http/test_admin_api.py tests/http/test_admin_pages.py
