-- db/functions/settings.sql — the platform settings: their bounds, how code reads one, the check a change passes, and the super admins' page over them.
-- One home for the settings' rules (issue 17): the admin pages and every function that reads a limit use these.

create or replace function api.admin_settings()
returns jsonb
language plpgsql stable security invoker
set search_path = ''
as $$
begin
  perform api.require_admin(true);
  -- Whole-number settings carry their range, so a form can say it before the check refuses a value.
  return (select coalesce(jsonb_object_agg(s.key, jsonb_build_object(
                            'value', api.setting_for_answer(s.key, s.value), 'description', s.description,
                            'updated_at', s.updated_at,
                            'updated_by', s.updated_by)
                          || case when b.bounds ? s.key
                                  then jsonb_build_object('min', b.bounds->s.key->0, 'max', b.bounds->s.key->1)
                                  else '{}' end), '{}')
          from app.platform_settings s, (select api.setting_bounds() as bounds) b)
         -- The plans are rows of app.plans (issue 21), shown and changed here as one setting.
         || jsonb_build_object('plans', jsonb_build_object(
              'value', api.plans_json(),
              'description', 'Subscription plans: the price per month (GST included) and the commission on each '
                             || 'payment the platform collects for a consultant on it (percent, at least the minimum; '
                             || 'GST on top).',
              'updated_at', (select max(p.updated_at) from app.plans p), 'updated_by', null));
end;
$$;
comment on function api.admin_settings is 'Super admins: every platform setting with its description and last change (the plans from app.plans).';

create or replace function api.plans_json()
returns jsonb
language sql stable security invoker
set search_path = ''
as $$
  select coalesce(jsonb_agg(jsonb_build_object('code', p.code, 'name', p.name,
                                               'price_monthly', api.money(p.price_monthly),
                                               'commission_percent', p.commission_percent,
                                               'commission_min', api.money(p.commission_min))
                            order by p.position, p.code), '[]')
  from app.plans p
$$;
comment on function api.plans_json is 'The plans as the API answers them: code, name, monthly price, commission percent and minimum (money as strings).';

create or replace function api.setting_for_answer(p_key text, p_value jsonb)
returns jsonb
language sql immutable
set search_path = ''
as $$
  -- Every stored setting is answered as kept (the plans, whose prices are money, are app.plans: api.plans_json).
  select p_value
$$;
comment on function api.setting_for_answer is 'A stored setting''s value as the API answers it.';

create or replace function app_private.setting_as_stored(p_key text, p_value jsonb)
returns jsonb
language sql immutable
set search_path = ''
as $$
  -- The reverse: a plan's money (price, commission minimum) sent as a money string ("499.00") is taken as the
  -- number it says, so the check sees one form. Anything else is left for the check to judge.
  select case when p_key = 'plans' and jsonb_typeof(p_value) = 'array'
                   and not exists (select 1 from jsonb_array_elements(p_value) p where jsonb_typeof(p) <> 'object')
              then (select jsonb_agg((select p || coalesce(jsonb_object_agg(k.key, (p->>k.key)::numeric), '{}')
                                      from (values ('price_monthly'), ('commission_min'), ('commission_percent')) k(key)
                                      where jsonb_typeof(p->k.key) = 'string'
                                        and (p->>k.key) ~ '^[0-9]{1,7}(\.[0-9]{1,2})?$') order by o)
                    from jsonb_array_elements(p_value) with ordinality as e(p, o))
              else p_value end
$$;
comment on function app_private.setting_as_stored is 'A setting''s value as kept (plan prices sent as strings become numbers).';

create or replace function api.setting_bounds()
returns jsonb
language sql immutable
set search_path = ''
as $$
  select '{"default_hold_minutes": [5, 120], "booking_horizon_days": [7, 365],
    "reminder_hours_before": [1, 168], "meeting_link_wait_seconds": [0, 900],
    "calendar_busy_refresh_minutes": [1, 60], "view_refresh_minutes": [1, 60],
    "min_slot_minutes": [5, 240], "max_future_slots": [500, 100000],
    "public_bookings_per_ip_per_hour": [1, 10000], "public_bookings_per_email_per_hour": [1, 1000],
    "booking_emails_per_recipient_per_day": [1, 1000], "unpaid_holds_per_email": [1, 50],
    "unpaid_holds_per_ip": [1, 500], "photo_uploads_per_hour": [1, 1000],
    "login_failures_per_account_ip": [3, 1000], "login_failures_per_ip": [5, 10000],
    "login_failures_per_account": [10, 100000], "max_availability_rules": [10, 1000],
    "commission_gst_percent": [0, 28], "service_gst_percent": [0, 28], "tcs_basis_points": [0, 200],
    "tds_basis_points": [0, 500], "tds_no_pan_basis_points": [0, 2000], "tds_threshold_rupees": [0, 10000000],
    "subscription_grace_days": [0, 60], "subscription_grace_reminder_days": [0, 30]}'::jsonb;
$$;
comment on function api.setting_bounds is 'The whole-number platform settings and their [min, max]: the check and the settings page read the same.';

create or replace function app_private.setting_integer(p_key text)
returns integer
language sql stable
set search_path = ''
as $$
  -- The stored value, else the low end of its range (a deleted row must not lift a limit); every whole-number
  -- setting is in setting_bounds, so an unknown key is a bug and answers NULL.
  select coalesce((select (s.value #>> '{}')::integer from app.platform_settings s where s.key = p_key),
                  (api.setting_bounds()->p_key->>0)::integer)
$$;
comment on function app_private.setting_integer is 'A whole-number platform setting (checked by check_setting), or its minimum when the row is missing.';

create or replace function app_private.check_setting(p_key text, p_value jsonb)
returns void
language plpgsql stable
set search_path = ''
as $$
declare
  v_bounds constant jsonb := api.setting_bounds();
begin
  -- Each known key with its type and range; anything else is refused rather than stored unread.
  if v_bounds ? p_key then
    if jsonb_typeof(p_value) <> 'number' or (p_value #>> '{}')::numeric <> trunc((p_value #>> '{}')::numeric)
       or (p_value #>> '{}')::numeric not between (v_bounds->p_key->>0)::numeric and (v_bounds->p_key->>1)::numeric then
      raise exception using errcode = 'NK422', message = 'validation_error', hint = 'field:' || p_key,
        detail = format('%s is a whole number from %s to %s.', p_key, v_bounds->p_key->>0, v_bounds->p_key->>1);
    end if;
  elsif p_key = 'platform_name' then
    if jsonb_typeof(p_value) <> 'string' or length(btrim(p_value #>> '{}')) not between 1 and 100 then
      raise exception using errcode = 'NK422', message = 'validation_error', hint = 'field:platform_name',
        detail = 'platform_name is 1 to 100 characters.';
    end if;
  elsif p_key = 'support_email' then
    if jsonb_typeof(p_value) <> 'string' or (p_value #>> '{}') !~ '^[^@\s]+@[^@\s]+\.[^@\s]+$'
       or length(p_value #>> '{}') > 254 then
      raise exception using errcode = 'NK422', message = 'validation_error', hint = 'field:support_email',
        detail = 'support_email is an email address.';
    end if;
  elsif p_key in ('platform_gstin', 'platform_legal_name', 'platform_state_code', 'platform_address') then
    -- The platform's identity on its commission invoices (docs/gst.md): a GSTIN or nothing yet, a State of the list.
    if jsonb_typeof(p_value) <> 'string'
       or length(btrim(p_value #>> '{}')) > (case p_key when 'platform_address' then 500 else 200 end) then
      raise exception using errcode = 'NK422', message = 'validation_error', hint = 'field:' || p_key,
        detail = format('%s is text of at most %s characters.', p_key,
                        case p_key when 'platform_address' then 500 else 200 end);
    elsif p_key = 'platform_gstin' and btrim(p_value #>> '{}') <> ''
          and not coalesce(app.gstin_is_valid(btrim(p_value #>> '{}')), false) then
      raise exception using errcode = 'NK422', message = 'validation_error', hint = 'field:platform_gstin',
        detail = 'platform_gstin is a valid GSTIN (15 characters, upper case, its check character right) or empty.';
    elsif p_key = 'platform_gstin' and btrim(p_value #>> '{}') <> ''
          and not exists (select 1 from app.gst_states s where s.code = left(btrim(p_value #>> '{}'), 2)) then
      raise exception using errcode = 'NK422', message = 'validation_error', hint = 'field:platform_gstin',
        detail = 'platform_gstin starts with no State''s code.';
    elsif p_key = 'platform_state_code'
          and not exists (select 1 from app.gst_states s where s.code = btrim(p_value #>> '{}') and s.current) then
      raise exception using errcode = 'NK422', message = 'validation_error', hint = 'field:platform_state_code',
        detail = 'platform_state_code is a GST State code from the list (like 29 for Karnataka).';
    end if;
  elsif p_key = 'plans' then
    -- The commission is optional in a change (a plan keeps its own; a new plan takes 10%, at least ₹10).
    if jsonb_typeof(p_value) <> 'array' or jsonb_array_length(p_value) not between 1 and 10 or exists (
        select 1 from jsonb_array_elements(p_value) p
        where jsonb_typeof(p) <> 'object' or jsonb_typeof(p->'code') <> 'string' or jsonb_typeof(p->'name') <> 'string'
           or jsonb_typeof(p->'price_monthly') <> 'number' or (p->>'price_monthly')::numeric not between 0 and 1000000
           or (p->>'price_monthly')::numeric <> round((p->>'price_monthly')::numeric, 2)
           or (p->>'code') !~ '^[a-z][a-z0-9_]{0,29}$' or length(btrim(p->>'name')) not between 1 and 60
           or (p ? 'commission_percent' and (jsonb_typeof(p->'commission_percent') <> 'number'
               or (p->>'commission_percent')::numeric not between 0 and 50
               or (p->>'commission_percent')::numeric <> round((p->>'commission_percent')::numeric, 2)))
           or (p ? 'commission_min' and (jsonb_typeof(p->'commission_min') <> 'number'
               or (p->>'commission_min')::numeric not between 0 and 10000
               or (p->>'commission_min')::numeric <> round((p->>'commission_min')::numeric, 2)))
           or exists (select 1 from jsonb_object_keys(p) k
                      where k not in ('code', 'name', 'price_monthly', 'commission_percent', 'commission_min'))) then
      raise exception using errcode = 'NK422', message = 'validation_error', hint = 'field:plans',
        detail = 'plans is a list of 1 to 10 {code, name, price_monthly, commission_percent, commission_min} (code '
                 || 'lowercase; price in rupees and paise, 0 to 10,00,000; commission 0 to 50 percent, at least 0 to '
                 || '10,000 rupees).';
    end if;
    if (select count(distinct p->>'code') from jsonb_array_elements(p_value) p) <> jsonb_array_length(p_value)
       or not exists (select 1 from jsonb_array_elements(p_value) p where p->>'code' = 'free') then
      raise exception using errcode = 'NK422', message = 'validation_error', hint = 'field:plans',
        detail = 'Each plan code once, and the free plan (code free: every new consultant''s) among them.';
    end if;
  else
    raise exception using errcode = 'NK422', message = 'unknown_setting', hint = 'field:' || left(p_key, 60),
      detail = format('%s is not a platform setting.', left(p_key, 60));
  end if;
end;
$$;
comment on function app_private.check_setting is 'Refuse an unknown platform setting or a value of the wrong type or range.';

create or replace function api.admin_update_settings(p_patch jsonb)
returns jsonb
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_admin uuid := app_private.require_admin(null, true);
  v_item record;
  v_value jsonb;
  v_changes jsonb := '{}';
begin
  if jsonb_typeof(p_patch) <> 'object' or p_patch = '{}' then
    raise exception using errcode = 'NK422', message = 'validation_error', detail = 'Send an object of settings to change.';
  end if;
  for v_item in select key, app_private.setting_as_stored(key, value) as value from jsonb_each(p_patch) loop
    perform app_private.check_setting(v_item.key, v_item.value);
    if v_item.key = 'plans' then
      v_value := app_private.replace_plans(v_item.value);
      if v_value is not null then
        v_changes := v_changes || jsonb_build_object('plans', v_value);
      end if;
      continue;
    end if;
    v_value := case when jsonb_typeof(v_item.value) = 'string' then to_jsonb(btrim(v_item.value #>> '{}'))
                    else v_item.value end;
    -- Only a value that differs is written, stamped and audited: a form sending every setting back as it
    -- was changes nothing and leaves no audit entry.
    update app.platform_settings set value = v_value, updated_by = v_admin, updated_at = now()
    where key = v_item.key and value is distinct from v_value;
    if found then
      v_changes := v_changes || jsonb_build_object(v_item.key, v_value);
    elsif not exists (select 1 from app.platform_settings where key = v_item.key) then
      insert into app.platform_settings (key, value, updated_by) values (v_item.key, v_value, v_admin);
      v_changes := v_changes || jsonb_build_object(v_item.key, v_value);
    end if;
  end loop;
  if v_changes <> '{}' then
    perform app_private.audit(v_admin, 'settings_updated', 'platform', null, jsonb_build_object('changes', v_changes));
  end if;
  -- The platform's reminder moved: the sessions ahead wake the sweep for the new one (those already due are not
  -- sent late).
  if v_changes ? 'reminder_hours_before' then
    perform app_private.rewake_reminders();
  end if;
  return api.admin_settings();
end;
$$;
comment on function api.admin_update_settings is 'Super admins: change platform settings (each checked; what really changed is written and audited). Definer: an admin action across tenants: checks the acting admin and writes the audit log (no write policy names an admin role).';

create or replace function app_private.replace_plans(p_plans jsonb)
returns jsonb
language plpgsql volatile
set search_path = ''
as $$
declare
  v_before jsonb;
  v_gone record;
begin
  -- One change of the list at a time: two admins saving at once would each delete only what the other had not
  -- yet added, and keep both lists' additions. The second waits, then replaces the list the first left.
  lock table app.plans in share row exclusive mode;
  v_before := api.plans_json();
  -- p_plans passed app_private.check_setting. A plan some consultant is on, was billed for or comped stays: their
  -- rows name it (foreign keys), and taking it away would change what they pay and are charged.
  select p.code, count(distinct x.consultant_id) as n into v_gone
  from app.plans p join (
    select c.subscription_plan as code, c.id as consultant_id from app.consultants c
    union all select s.plan_code, s.consultant_id from app.subscriptions s
    union all select pc.plan_code, pc.consultant_id from app.plan_comps pc) x on x.code = p.code
  where p.code not in (select e->>'code' from jsonb_array_elements(p_plans) e)
  group by p.code order by p.code limit 1;
  if v_gone.code is not null then
    raise exception using errcode = 'NK409', message = 'plan_in_use', hint = 'field:plans',
      detail = format('%s consultant(s) are on the plan %s: move them to another plan before removing it.',
                      v_gone.n, v_gone.code);
  end if;
  delete from app.plans where code not in (select e->>'code' from jsonb_array_elements(p_plans) e);
  -- A new plan costs ten months a year and unlocks what the free plan does (the columns' defaults); a changed monthly
  -- price moves a yearly price that was ten months with it, and keeps any other at most twelve months.
  insert into app.plans as t (code, name, price_monthly, price_yearly, commission_percent, commission_min, position)
  select e->>'code', btrim(e->>'name'), (e->>'price_monthly')::numeric, 10 * (e->>'price_monthly')::numeric,
         coalesce((e->>'commission_percent')::numeric, prev.commission_percent, 10),
         coalesce((e->>'commission_min')::numeric, prev.commission_min, 10), o
  from jsonb_array_elements(p_plans) with ordinality as x(e, o) left join app.plans prev on prev.code = e->>'code'
  on conflict (code) do update set name = excluded.name, price_monthly = excluded.price_monthly,
    price_yearly = case when t.price_yearly = 10 * t.price_monthly then excluded.price_yearly
                        else least(t.price_yearly, 12 * excluded.price_monthly) end,
    commission_percent = excluded.commission_percent, commission_min = excluded.commission_min,
    position = excluded.position
  where (t.name, t.price_monthly, t.commission_percent, t.commission_min, t.position) is distinct from
        (excluded.name, excluded.price_monthly, excluded.commission_percent, excluded.commission_min, excluded.position);
  return nullif(api.plans_json(), v_before);
end;
$$;
comment on function app_private.replace_plans is 'Make app.plans the given list (checked by check_setting): plans no longer listed go unless someone is on them, the rest are added or changed; answers the new list, or NULL when nothing changed.';

grant execute on function api.admin_settings(), api.admin_update_settings(jsonb), api.setting_bounds(),
  api.setting_for_answer(text, jsonb), api.plans_json() to nakksha_app;
grant execute on function api.setting_bounds() to nakksha_worker;

-- Test: pytest tests/db/test_limit_settings.py tests/http/test_admin_analytics.py
