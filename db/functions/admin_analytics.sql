-- db/functions/admin_analytics.sql — the admins' platform views: analytics, one consultant's metrics, all sessions, system health, settings.
-- Platform periods are cut in India's time zone (Asia/Kolkata); platform sums come from daily_analytics
-- (each consultant's own local days), which the job keeps within about a minute of the base tables.

create or replace function app_private.admin_sees_consultant(p_consultant_id uuid)
returns uuid
language plpgsql stable security definer
set search_path = ''
as $$
begin
  perform app_private.require_admin(null);
  if not exists (select 1 from app.consultants c where c.id = p_consultant_id and c.deleted_at is null) then
    raise exception using errcode = 'NK404', message = 'not_found', detail = 'No such consultant.';
  end if;
  return p_consultant_id;
end;
$$;
comment on function app_private.admin_sees_consultant is 'The consultant''s id, once the caller is an admin and the consultant exists (else 403/404).';

create or replace function api.admin_consultant_analytics(p_consultant_id uuid, p_timeframe text, p_from date, p_to date)
returns jsonb
language sql volatile security definer
set search_path = ''
as $$
  -- Exactly what the consultant sees on their own dashboard.
  select api.dashboard_metrics_for(app_private.admin_sees_consultant(p_consultant_id), p_timeframe, p_from, p_to);
$$;
comment on function api.admin_consultant_analytics is 'Admins: one consultant''s dashboard metrics, as they see them.';

create or replace function api.admin_consultant_charts(p_consultant_id uuid, p_timeframe text, p_from date, p_to date)
returns jsonb
language sql volatile security definer
set search_path = ''
as $$
  select api.dashboard_charts_for(app_private.admin_sees_consultant(p_consultant_id), p_timeframe, p_from, p_to);
$$;
comment on function api.admin_consultant_charts is 'Admins: one consultant''s dashboard charts, as they see them.';

create or replace function api.admin_analytics(p_timeframe text, p_from date, p_to date)
returns jsonb
language plpgsql stable security definer
set search_path = ''
as $$
declare
  v_today date := (now() at time zone 'Asia/Kolkata')::date;
  v_b record;
  v_from timestamptz;
  v_to timestamptz;
  v_unit text;
  v_result jsonb;
begin
  perform app_private.require_admin(null);
  select * into v_b from api.period_bounds(p_timeframe, p_from, p_to, v_today);
  v_from := v_b.starts::timestamp at time zone 'Asia/Kolkata';
  v_to := (v_b.ends + 1)::timestamp at time zone 'Asia/Kolkata';
  v_unit := api.chart_unit(v_b.starts, v_b.ends);  -- the same buckets as a consultant's chart
  with days as materialized (
    select * from app.daily_analytics d where d.date between v_b.starts and v_b.ends
  ), buckets as (
    select distinct date_trunc(v_unit, d)::date as bucket
    from generate_series(v_b.starts, v_b.ends, interval '1 day') d
  ), day_sums as (
    select date_trunc(v_unit, x.date)::date as bucket, sum(x.total_sessions) as sessions,
           sum(x.total_revenue - x.refunded_amount) as revenue
    from days x group by 1
  ), signups as (
    select date_trunc(v_unit, (c.created_at at time zone 'Asia/Kolkata')::date)::date as bucket, count(*) as n
    from app.consultants c where c.created_at >= v_from and c.created_at < v_to group by 1
  ), trend as (
    select b.bucket, coalesce(d.sessions, 0) as sessions, coalesce(d.revenue, 0) as revenue, coalesce(g.n, 0) as signups
    from buckets b left join day_sums d using (bucket) left join signups g using (bucket)
  ), per_consultant as (
    select consultant_id, sum(total_revenue - refunded_amount) as revenue, sum(total_sessions) as sessions
    from days group by consultant_id
  ), pays as (
    select count(*) filter (where status in ('completed', 'partially_refunded', 'refunded')) as succeeded,
           count(*) filter (where status in ('failed', 'cancelled')) as failed
    from app.payment_transactions where created_at >= v_from and created_at < v_to
  )
  select jsonb_build_object(
    'timeframe', p_timeframe, 'from', v_b.starts, 'to', v_b.ends, 'timezone', 'Asia/Kolkata', 'unit', v_unit,
    'trend', (select coalesce(jsonb_agg(jsonb_build_object('period', t.bucket, 'sessions', t.sessions,
                                                          'revenue', t.revenue, 'signups', t.signups) order by t.bucket), '[]')
              from trend t),
    'revenue', jsonb_build_object(
      'gross', (select coalesce(sum(total_revenue), 0) from days),
      'refunded', (select coalesce(sum(refunded_amount), 0) from days),
      'net', (select coalesce(sum(total_revenue - refunded_amount), 0) from days)),
    'sessions', (select jsonb_build_object('total', coalesce(sum(total_sessions), 0),
                   'completed', coalesce(sum(completed_sessions), 0), 'cancelled', coalesce(sum(cancelled_sessions), 0),
                   'abandoned', coalesce(sum(abandoned_sessions), 0), 'no_show', coalesce(sum(no_show_sessions), 0))
                 from days),
    'consultants', (select coalesce(jsonb_object_agg(approval_status, n), '{}')
                    from (select approval_status, count(*) as n from app.consultants where deleted_at is null
                          group by approval_status) a),
    'new_signups', (select count(*) from app.consultants where created_at >= v_from and created_at < v_to),
    'top_consultants', (select coalesce(jsonb_agg(jsonb_build_object('consultant_id', c.id,
                          'name', c.first_name || ' ' || c.last_name, 'slug', c.slug, 'revenue', p.revenue,
                          'sessions', p.sessions) order by p.revenue desc, c.id), '[]')
                        from (select * from per_consultant order by revenue desc, consultant_id limit 10) p
                        join app.consultants c on c.id = p.consultant_id),
    'payments', (select jsonb_build_object('succeeded', succeeded, 'failed', failed,
                   'success_rate', case when succeeded + failed = 0 then null
                                        else round(100.0 * succeeded / (succeeded + failed), 1) end) from pays))
  into v_result;
  return v_result;
end;
$$;
comment on function api.admin_analytics is 'Admins: platform revenue (and its trend per day/week/month with sessions and signups), sessions by status, consultants by approval, signups, top consultants, payment success rate.';

create or replace function api.admin_list_sessions(p_status text, p_consultant_id uuid, p_from timestamptz,
                                                   p_to timestamptz, p_page integer, p_per_page integer)
returns jsonb
language plpgsql stable security definer
set search_path = ''
as $$
declare
  v_result jsonb;
begin
  perform app_private.require_admin(null);
  with matching as (
    select s.id, s.starts_at from app.sessions s
    where (p_status is null or s.status = p_status) and (p_consultant_id is null or s.consultant_id = p_consultant_id)
      and (p_from is null or s.starts_at >= p_from) and (p_to is null or s.starts_at < p_to)
  ), page as (
    select m.id, row_number() over (order by m.starts_at desc, m.id) as ord from matching m
    order by m.starts_at desc, m.id limit p_per_page offset (p_page - 1) * p_per_page
  )
  select jsonb_build_object(
    'items', coalesce((select jsonb_agg(jsonb_build_object(
        'id', s.id, 'consultant_id', s.consultant_id, 'consultant_name', c.first_name || ' ' || c.last_name,
        'consultant_slug', c.slug, 'client_name', cl.name, 'session_type', s.session_type, 'status', s.status,
        'payment_status', s.payment_status, 'starts_at', s.starts_at, 'ends_at', s.ends_at, 'amount', s.amount,
        'currency', s.currency, 'booked_via', s.booked_via, 'created_at', s.created_at) order by p.ord)
      from page p join app.sessions s on s.id = p.id join app.consultants c on c.id = s.consultant_id
      join app.clients cl on cl.id = s.client_id), '[]'),
    'total', (select count(*) from matching), 'page', p_page, 'per_page', p_per_page)
  into v_result;
  return v_result;
end;
$$;
comment on function api.admin_list_sessions is 'Admins: sessions across the platform, filtered by status, consultant and start time, paged (newest first).';

create or replace function api.admin_system()
returns jsonb
language plpgsql stable security definer
set search_path = ''
as $$
begin
  perform app_private.require_admin(null);
  return jsonb_build_object(
    'jobs', (select coalesce(jsonb_agg(jsonb_build_object('queue', queue_name, 'status', status, 'count', n)
                                       order by queue_name, status), '[]')
             from (select queue_name, status::text as status, count(*) as n from public.procrastinate_jobs
                   where status in ('todo', 'doing', 'failed') group by 1, 2) j),
    'failed_jobs_24h', (select count(*) from public.procrastinate_jobs j
                        where j.status = 'failed' and j.id in (
                          select e.job_id from public.procrastinate_events e
                          where e.type = 'failed' and e.at > now() - interval '24 hours')),
    'email_failures_24h', (select count(*) from app.email_logs l
                           where l.status in ('failed', 'bounced', 'complained') and l.updated_at > now() - interval '24 hours'),
    'materialized_views', (select coalesce(jsonb_agg(jsonb_build_object('view', v.schemaname || '.' || v.matviewname,
                             'refreshed_at', r.refreshed_at, 'duration_ms', r.duration_ms,
                             'age_seconds', extract(epoch from now() - r.refreshed_at)::integer) order by v.matviewname), '[]')
                           from pg_catalog.pg_matviews v
                           left join app.view_refreshes r on r.view_name = v.schemaname || '.' || v.matviewname
                           where v.schemaname = 'analytics'),
    'analytics_backlog', (select count(*) from app.analytics_dirty),
    'database', jsonb_build_object('size_bytes', pg_catalog.pg_database_size(pg_catalog.current_database()),
                                   'version', pg_catalog.current_setting('server_version'),
                                   'migration', (select max(version)::text from public.schema_migrations)));
end;
$$;
comment on function api.admin_system is 'Admins: job queues by status, failed jobs and email failures in 24 hours, view refresh ages, database size, version, migration.';

create or replace function api.admin_settings()
returns jsonb
language plpgsql stable security definer
set search_path = ''
as $$
begin
  perform app_private.require_admin(null, true);
  -- Whole-number settings carry their range, so a form can say it before the check refuses a value.
  return (select coalesce(jsonb_object_agg(s.key, jsonb_build_object(
                            'value', s.value, 'description', s.description, 'updated_at', s.updated_at,
                            'updated_by', s.updated_by)
                          || case when b.bounds ? s.key
                                  then jsonb_build_object('min', b.bounds->s.key->0, 'max', b.bounds->s.key->1)
                                  else '{}' end), '{}')
          from app.platform_settings s, (select app_private.setting_bounds() as bounds) b);
end;
$$;
comment on function api.admin_settings is 'Super admins: every platform setting with its description and last change.';

create or replace function app_private.setting_bounds()
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
    "login_failures_per_account": [10, 100000], "max_availability_rules": [10, 1000]}'::jsonb;
$$;
comment on function app_private.setting_bounds is 'The whole-number platform settings and their [min, max]: the check and the settings page read the same.';

create or replace function app_private.setting_integer(p_key text)
returns integer
language sql stable security definer
set search_path = ''
as $$
  -- The stored value, else the low end of its range (a deleted row must not lift a limit); every whole-number
  -- setting is in setting_bounds, so an unknown key is a bug and answers NULL.
  select coalesce((select (s.value #>> '{}')::integer from app.platform_settings s where s.key = p_key),
                  (app_private.setting_bounds()->p_key->>0)::integer)
$$;
comment on function app_private.setting_integer is 'A whole-number platform setting (checked by check_setting), or its minimum when the row is missing.';

create or replace function app_private.check_setting(p_key text, p_value jsonb)
returns void
language plpgsql immutable
set search_path = ''
as $$
declare
  v_bounds constant jsonb := app_private.setting_bounds();
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
  elsif p_key = 'plans' then
    if jsonb_typeof(p_value) <> 'array' or jsonb_array_length(p_value) not between 1 and 10 or exists (
        select 1 from jsonb_array_elements(p_value) p
        where jsonb_typeof(p) <> 'object' or jsonb_typeof(p->'code') <> 'string' or jsonb_typeof(p->'name') <> 'string'
           or jsonb_typeof(p->'price_monthly') <> 'number' or (p->>'price_monthly')::numeric not between 0 and 1000000
           or (p->>'price_monthly')::numeric <> round((p->>'price_monthly')::numeric, 2)
           or (p->>'code') !~ '^[a-z][a-z0-9_]{0,29}$' or length(p->>'name') not between 1 and 60) then
      raise exception using errcode = 'NK422', message = 'validation_error', hint = 'field:plans',
        detail = 'plans is a list of 1 to 10 {code, name, price_monthly} (code lowercase; price in rupees and paise, 0 to 10,00,000).';
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
  for v_item in select key, value from jsonb_each(p_patch) loop
    perform app_private.check_setting(v_item.key, v_item.value);
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
  return api.admin_settings();
end;
$$;
comment on function api.admin_update_settings is 'Super admins: change platform settings (each checked; what really changed is written and audited).';

grant execute on function api.admin_consultant_analytics(uuid, text, date, date),
  api.admin_consultant_charts(uuid, text, date, date), api.admin_analytics(text, date, date),
  api.admin_list_sessions(text, uuid, timestamptz, timestamptz, integer, integer), api.admin_system(),
  api.admin_settings(), api.admin_update_settings(jsonb) to nakksha_app;

-- Test: pytest tests/http/test_admin_analytics.py
