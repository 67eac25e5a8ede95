-- db/schema.sql — the schema after `nakksha migrate` (generated: do not edit; CI checks it matches).
--
-- PostgreSQL database dump
--


-- Dumped from database version 18.6
-- Dumped by pg_dump version 18.6

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET transaction_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

--
-- Name: analytics; Type: SCHEMA; Schema: -; Owner: nakksha_owner
--

CREATE SCHEMA analytics;


ALTER SCHEMA analytics OWNER TO nakksha_owner;

--
-- Name: SCHEMA analytics; Type: COMMENT; Schema: -; Owner: nakksha_owner
--

COMMENT ON SCHEMA analytics IS 'Views for analysts (nakksha_analyst reads these and nothing else).';


--
-- Name: api; Type: SCHEMA; Schema: -; Owner: nakksha_owner
--

CREATE SCHEMA api;


ALTER SCHEMA api OWNER TO nakksha_owner;

--
-- Name: SCHEMA api; Type: COMMENT; Schema: -; Owner: nakksha_owner
--

COMMENT ON SCHEMA api IS 'Functions and views the application calls. Re-created from db/functions and db/views by nakksha migrate.';


--
-- Name: app; Type: SCHEMA; Schema: -; Owner: nakksha_owner
--

CREATE SCHEMA app;


ALTER SCHEMA app OWNER TO nakksha_owner;

--
-- Name: SCHEMA app; Type: COMMENT; Schema: -; Owner: nakksha_owner
--

COMMENT ON SCHEMA app IS 'Tables, types, constraints, triggers and RLS policies (changed by migrations), and the functions they use (db/functions/app, re-applied by nakksha migrate).';


--
-- Name: app_private; Type: SCHEMA; Schema: -; Owner: nakksha_owner
--

CREATE SCHEMA app_private;


ALTER SCHEMA app_private OWNER TO nakksha_owner;

--
-- Name: SCHEMA app_private; Type: COMMENT; Schema: -; Owner: nakksha_owner
--

COMMENT ON SCHEMA app_private IS 'Helpers of the functions in api (security invoker themselves: they run with the rights of the function calling them, a definer one or the worker role''s). Granted to no web role.';


--
-- Name: btree_gist; Type: EXTENSION; Schema: -; Owner: -
--

CREATE EXTENSION IF NOT EXISTS btree_gist WITH SCHEMA public;


--
-- Name: EXTENSION btree_gist; Type: COMMENT; Schema: -; Owner: 
--

COMMENT ON EXTENSION btree_gist IS 'support for indexing common datatypes in GiST';


--
-- Name: citext; Type: EXTENSION; Schema: -; Owner: -
--

CREATE EXTENSION IF NOT EXISTS citext WITH SCHEMA public;


--
-- Name: EXTENSION citext; Type: COMMENT; Schema: -; Owner: 
--

COMMENT ON EXTENSION citext IS 'data type for case-insensitive character strings';


--
-- Name: wanted_slot; Type: TYPE; Schema: app_private; Owner: nakksha_owner
--

CREATE TYPE app_private.wanted_slot AS (
	session_type text,
	starts_at timestamp with time zone,
	ends_at timestamp with time zone,
	capacity integer,
	rule_id uuid
);


ALTER TYPE app_private.wanted_slot OWNER TO nakksha_owner;

--
-- Name: TYPE wanted_slot; Type: COMMENT; Schema: app_private; Owner: nakksha_owner
--

COMMENT ON TYPE app_private.wanted_slot IS 'A slot a consultant''s weekly rules call for (desired_slots'' row).';


--
-- Name: procrastinate_job_event_type; Type: TYPE; Schema: public; Owner: nakksha_owner
--

CREATE TYPE public.procrastinate_job_event_type AS ENUM (
    'deferred',
    'started',
    'deferred_for_retry',
    'failed',
    'succeeded',
    'cancelled',
    'abort_requested',
    'aborted',
    'scheduled',
    'retried'
);


ALTER TYPE public.procrastinate_job_event_type OWNER TO nakksha_owner;

--
-- Name: procrastinate_job_status; Type: TYPE; Schema: public; Owner: nakksha_owner
--

CREATE TYPE public.procrastinate_job_status AS ENUM (
    'todo',
    'doing',
    'succeeded',
    'failed',
    'cancelled',
    'aborting',
    'aborted'
);


ALTER TYPE public.procrastinate_job_status OWNER TO nakksha_owner;

--
-- Name: procrastinate_job_to_defer_v1; Type: TYPE; Schema: public; Owner: nakksha_owner
--

CREATE TYPE public.procrastinate_job_to_defer_v1 AS (
	queue_name character varying,
	task_name character varying,
	priority integer,
	lock text,
	queueing_lock text,
	args jsonb,
	scheduled_at timestamp with time zone
);


ALTER TYPE public.procrastinate_job_to_defer_v1 OWNER TO nakksha_owner;

--
-- Name: abandon_expired_holds(); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.abandon_expired_holds() RETURNS integer
    LANGUAGE sql
    SET search_path TO ''
    AS $$ select app_private.abandon_expired_holds(null) $$;


ALTER FUNCTION api.abandon_expired_holds() OWNER TO nakksha_owner;

--
-- Name: FUNCTION abandon_expired_holds(); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.abandon_expired_holds() IS 'The every-minute sweeper for expired holds.';


--
-- Name: admin_access(uuid, integer); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.admin_access(p_admin_id uuid, p_token_epoch integer) RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
  select coalesce((select case when not a.is_active then 'inactive'
                               when a.token_epoch is distinct from p_token_epoch then 'revoked'
                               else a.role end
                   from app.admins a where a.id = p_admin_id), 'inactive')
$$;


ALTER FUNCTION api.admin_access(p_admin_id uuid, p_token_epoch integer) OWNER TO nakksha_owner;

--
-- Name: FUNCTION admin_access(p_admin_id uuid, p_token_epoch integer); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.admin_access(p_admin_id uuid, p_token_epoch integer) IS 'An admin''s role for route guards (revoked when the token''s epoch is not the account''s, inactive when deactivated or unknown). Definer: sign-in and its sessions: credentials, password hashes and refresh tokens, which no web role reads or writes.';


--
-- Name: admin_analytics(text, date, date); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.admin_analytics(p_timeframe text, p_from date, p_to date) RETURNS jsonb
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $$
declare
  v_today date := (now() at time zone 'Asia/Kolkata')::date;
  v_b record;
  v_from timestamptz;
  v_to timestamptz;
  v_unit text;
  v_result jsonb;
begin
  perform api.require_admin();
  select * into v_b from api.period_bounds(p_timeframe, p_from, p_to, v_today);
  v_from := v_b.starts::timestamp at time zone 'Asia/Kolkata';
  v_to := (v_b.ends + 1)::timestamp at time zone 'Asia/Kolkata';
  v_unit := api.chart_unit(v_b.starts, v_b.ends);  -- the same buckets as a consultant's chart
  with days as materialized (
    select * from app.daily_analytics d where d.date between v_b.starts and v_b.ends
  ), buckets as (
    select distinct api.bucket_start(v_unit, d::date, v_b.starts) as bucket  -- never before the period
    from generate_series(v_b.starts, v_b.ends, interval '1 day') d
  ), day_sums as (
    select api.bucket_start(v_unit, x.date, v_b.starts) as bucket, sum(x.total_sessions) as sessions,
           sum(x.total_revenue - x.refunded_amount) as revenue
    from days x group by 1
  ), signups as (
    select api.bucket_start(v_unit, (c.created_at at time zone 'Asia/Kolkata')::date, v_b.starts) as bucket, count(*) as n
    from app.consultants c where c.created_at >= v_from and c.created_at < v_to group by 1
  ), trend as (
    select b.bucket, coalesce(d.sessions, 0) as sessions, coalesce(d.revenue, 0) as revenue, coalesce(g.n, 0) as signups
    from buckets b left join day_sums d using (bucket) left join signups g using (bucket)
  ), per_consultant as (
    select consultant_id, sum(total_revenue - refunded_amount) as revenue, sum(total_sessions) as sessions
    from days group by consultant_id
  ), pays as (
    -- Payment orders created in the period (IST): captured ones, those with a failed attempt (even when a
    -- later attempt paid: the order keeps it in metadata), and those settled unpaid (failed or given up).
    select count(*) filter (where status in ('completed', 'partially_refunded', 'refunded')) as succeeded,
           count(*) filter (where status = 'failed' or metadata ? 'last_failed_payment_id') as failed,
           count(*) filter (where status in ('failed', 'cancelled')) as unpaid
    from app.payment_transactions where created_at >= v_from and created_at < v_to
  )
  select jsonb_build_object(
    'timeframe', p_timeframe, 'from', v_b.starts, 'to', v_b.ends, 'timezone', 'Asia/Kolkata', 'unit', v_unit,
    'trend', (select coalesce(jsonb_agg(jsonb_build_object('period', t.bucket, 'sessions', t.sessions,
                                                          'revenue', api.money(t.revenue), 'signups', t.signups) order by t.bucket), '[]')
              from trend t),
    'revenue', jsonb_build_object(
      'gross', (select api.money(coalesce(sum(total_revenue), 0)) from days),
      'refunded', (select api.money(coalesce(sum(refunded_amount), 0)) from days),
      'net', (select api.money(coalesce(sum(total_revenue - refunded_amount), 0)) from days),
      'sessions', (select api.money(coalesce(sum(personal_revenue + webinar_revenue), 0)) from days),
      'quotations', (select api.money(coalesce(sum(quotation_revenue), 0)) from days)),
    -- Sessions starting in the period (local days); pending = to come: total less completed, cancelled, no-show.
    'sessions', (select jsonb_build_object('total', coalesce(sum(total_sessions), 0),
                   'pending', coalesce(sum(total_sessions - completed_sessions - cancelled_sessions - no_show_sessions), 0),
                   'completed', coalesce(sum(completed_sessions), 0), 'cancelled', coalesce(sum(cancelled_sessions), 0),
                   'abandoned', coalesce(sum(abandoned_sessions), 0), 'no_show', coalesce(sum(no_show_sessions), 0))
                 from days),
    'consultants', (select coalesce(jsonb_object_agg(approval_status, n), '{}')
                    from (select approval_status, count(*) as n from app.consultants where deleted_at is null
                          group by approval_status) a),
    'new_signups', (select count(*) from app.consultants where created_at >= v_from and created_at < v_to),
    'top_consultants', (select coalesce(jsonb_agg(jsonb_build_object('consultant_id', c.id,
                          'name', c.first_name || ' ' || c.last_name, 'slug', c.slug, 'revenue', api.money(p.revenue),
                          'sessions', p.sessions) order by p.revenue desc, c.id), '[]')
                        from (select * from per_consultant order by revenue desc, consultant_id limit 10) p
                        join app.consultants c on c.id = p.consultant_id),
    -- Success: of the orders created in the period that are settled, the share captured.
    'payments', (select jsonb_build_object('succeeded', succeeded, 'failed', failed, 'unpaid', unpaid,
                   'success_rate', api.rate(succeeded, succeeded + unpaid)) from pays))
  into v_result;
  return v_result;
end;
$$;


ALTER FUNCTION api.admin_analytics(p_timeframe text, p_from date, p_to date) OWNER TO nakksha_owner;

--
-- Name: FUNCTION admin_analytics(p_timeframe text, p_from date, p_to date); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.admin_analytics(p_timeframe text, p_from date, p_to date) IS 'Admins: platform revenue (and its trend per day/week/month with sessions and signups), sessions by status, consultants by approval, signups, top consultants, payment success rate.';


--
-- Name: admin_consultant_analytics(uuid, text, date, date); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.admin_consultant_analytics(p_consultant_id uuid, p_timeframe text, p_from date, p_to date) RETURNS jsonb
    LANGUAGE sql
    SET search_path TO ''
    AS $$
  -- Exactly what the consultant sees on their own dashboard.
  select api.dashboard_metrics_for(api.admin_sees_consultant(p_consultant_id), p_timeframe, p_from, p_to);
$$;


ALTER FUNCTION api.admin_consultant_analytics(p_consultant_id uuid, p_timeframe text, p_from date, p_to date) OWNER TO nakksha_owner;

--
-- Name: FUNCTION admin_consultant_analytics(p_consultant_id uuid, p_timeframe text, p_from date, p_to date); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.admin_consultant_analytics(p_consultant_id uuid, p_timeframe text, p_from date, p_to date) IS 'Admins: one consultant''s dashboard metrics, as they see them.';


--
-- Name: admin_consultant_charts(uuid, text, date, date); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.admin_consultant_charts(p_consultant_id uuid, p_timeframe text, p_from date, p_to date) RETURNS jsonb
    LANGUAGE sql
    SET search_path TO ''
    AS $$
  select api.dashboard_charts_for(api.admin_sees_consultant(p_consultant_id), p_timeframe, p_from, p_to);
$$;


ALTER FUNCTION api.admin_consultant_charts(p_consultant_id uuid, p_timeframe text, p_from date, p_to date) OWNER TO nakksha_owner;

--
-- Name: FUNCTION admin_consultant_charts(p_consultant_id uuid, p_timeframe text, p_from date, p_to date); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.admin_consultant_charts(p_consultant_id uuid, p_timeframe text, p_from date, p_to date) IS 'Admins: one consultant''s dashboard charts, as they see them.';


--
-- Name: admin_consultant_json(uuid); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.admin_consultant_json(p_consultant_id uuid) RETURNS jsonb
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  select jsonb_build_object('id', c.id, 'email', c.email::text, 'first_name', c.first_name,
    'last_name', c.last_name, 'slug', c.slug, 'phone_country_code', c.phone_country_code,
    'phone_number', c.phone_number, 'consultancy_sector', c.consultancy_sector,
    'approval_status', c.approval_status, 'approved_at', c.approved_at, 'approved_by', c.approved_by,
    'rejection_reason', c.rejection_reason, 'is_email_verified', c.is_email_verified,
    'is_active', c.is_active, 'subscription_plan', c.subscription_plan,
    'subscription_expires_at', c.subscription_expires_at, 'timezone', c.timezone, 'published_at', c.published_at,
    'last_login_at', c.last_login_at, 'created_at', c.created_at, 'updated_at', c.updated_at)
  from app.consultants c where c.id = p_consultant_id
$$;


ALTER FUNCTION api.admin_consultant_json(p_consultant_id uuid) OWNER TO nakksha_owner;

--
-- Name: FUNCTION admin_consultant_json(p_consultant_id uuid); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.admin_consultant_json(p_consultant_id uuid) IS 'A consultant as admins see them (no bank details, no password); what the caller may read of them.';


--
-- Name: admin_credentials(text); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.admin_credentials(p_email text) RETURNS TABLE(id uuid, password_hash text)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
  select a.id, a.password_hash from app.admins a where a.email = lower(btrim(p_email))::public.citext and a.is_active
$$;


ALTER FUNCTION api.admin_credentials(p_email text) OWNER TO nakksha_owner;

--
-- Name: FUNCTION admin_credentials(p_email text); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.admin_credentials(p_email text) IS 'The id and password hash of an active admin (for checking a password in the app). Definer: sign-in and its sessions: credentials, password hashes and refresh tokens, which no web role reads or writes.';


--
-- Name: admin_email_template_overrides(); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.admin_email_template_overrides() RETURNS jsonb
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $$
begin
  perform api.require_admin(true);
  return coalesce((select jsonb_agg(jsonb_build_object('email_type', t.email_type, 'subject', t.subject,
                     'html_body', t.html_body, 'text_body', t.text_body, 'updated_at', t.updated_at,
                     'updated_by', t.updated_by) order by t.email_type)
                   from app.email_templates t), '[]');
end;
$$;


ALTER FUNCTION api.admin_email_template_overrides() OWNER TO nakksha_owner;

--
-- Name: FUNCTION admin_email_template_overrides(); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.admin_email_template_overrides() IS 'Super admins: every overridden email template.';


--
-- Name: admin_get_consultant(uuid); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.admin_get_consultant(p_consultant_id uuid) RETURNS jsonb
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $$
declare
  v_id uuid;
  -- A database administrator in psql (nakksha_admin) reads no bank column, session or client: null for them.
  v_review jsonb := '{"setup": null, "upcoming_paid_sessions": null, "refunds": null}';
begin
  perform api.require_admin();
  select c.id into v_id from app.consultants c where c.id = p_consultant_id and c.deleted_at is null;
  if v_id is null then
    raise exception using errcode = 'NK404', message = 'not_found', detail = 'No such consultant.';
  end if;
  if pg_catalog.has_table_privilege('app.sessions', 'select') then
    v_review := jsonb_build_object('setup', app.setup_checklist(v_id),
                                   'upcoming_paid_sessions', api.upcoming_paid_sessions_json(v_id),
                                   'refunds', api.admin_refunds_json(v_id));
  end if;
  return api.admin_consultant_json(v_id) || v_review || jsonb_build_object(
    -- What an admin reviewing an applicant needs to judge them: the page they prepared and how far along it is.
    'profile', (select jsonb_build_object('description', c.description, 'experience_months', c.experience_months,
                  'profile_photo_url', c.profile_photo_url, 'personal_session_title', c.personal_session_title,
                  'personal_session_price', api.money(c.personal_session_price),
                  'webinar_session_title', c.webinar_session_title,
                  'webinar_session_price', api.money(c.webinar_session_price),
                  'linkedin_url', c.linkedin_url, 'instagram_url', c.instagram_url, 'twitter_url', c.twitter_url,
                  'email_verified_at', c.email_verified_at)
                from app.consultants c where c.id = v_id),
    'audit', coalesce((select jsonb_agg(jsonb_build_object('action', l.action, 'admin_id', l.admin_id,
                         'actor_label', l.actor_label, 'details', l.details, 'created_at', l.created_at) order by l.id desc)
                       from app.admin_audit_log l where l.target_type = 'consultant' and l.target_id = v_id), '[]'));
end;
$$;


ALTER FUNCTION api.admin_get_consultant(p_consultant_id uuid) OWNER TO nakksha_owner;

--
-- Name: FUNCTION admin_get_consultant(p_consultant_id uuid); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.admin_get_consultant(p_consultant_id uuid) IS 'Admins: one consultant with their approval history.';


--
-- Name: admin_json(uuid); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.admin_json(p_admin_id uuid) RETURNS jsonb
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  -- Read as the caller: an admin reads admins under the admin policies; as the owner (definer callers), any.
  select jsonb_build_object('id', a.id, 'email', a.email::text, 'name', a.name, 'role', a.role,
    'is_active', a.is_active, 'last_login_at', a.last_login_at, 'created_at', a.created_at)
  from app.admins a where a.id = p_admin_id
$$;


ALTER FUNCTION api.admin_json(p_admin_id uuid) OWNER TO nakksha_owner;

--
-- Name: FUNCTION admin_json(p_admin_id uuid); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.admin_json(p_admin_id uuid) IS 'An admin as the API shows it (never the password hash); what the caller may read of them.';


--
-- Name: admin_list_admins(); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.admin_list_admins() RETURNS jsonb
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $$
begin
  perform api.require_admin(true);
  -- Read as the caller (the admins policy; never the password hash).
  return coalesce((select jsonb_agg(api.admin_json(a.id) order by a.created_at, a.id) from app.admins a), '[]');
end;
$$;


ALTER FUNCTION api.admin_list_admins() OWNER TO nakksha_owner;

--
-- Name: FUNCTION admin_list_admins(); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.admin_list_admins() IS 'Super admins: every admin.';


--
-- Name: admin_list_consultants(text, text, integer, integer); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.admin_list_consultants(p_status text, p_q text, p_page integer, p_per_page integer) RETURNS jsonb
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $$
declare
  v_q text := nullif(btrim(coalesce(p_q, '')), '');
  v_pattern text;
  v_result jsonb;
begin
  perform api.require_admin();
  -- Pending first (oldest waiting at the top), then everyone else newest first.
  v_pattern := api.like_pattern(v_q);
  with matching as (
    select c.id, c.approval_status, c.created_at from app.consultants c
    where c.deleted_at is null
      and (v_q is null or c.email::text ilike v_pattern or c.slug ilike v_pattern
           or (c.first_name || ' ' || c.last_name) ilike v_pattern)
  )
  select jsonb_build_object(
    'items', coalesce((
      select jsonb_agg(api.admin_consultant_json(m.id) order by (m.approval_status = 'pending') desc,
                       case when m.approval_status = 'pending' then m.created_at end asc, m.created_at desc, m.id)
      from (select * from matching where p_status is null or approval_status = p_status
            order by (approval_status = 'pending') desc,
                     case when approval_status = 'pending' then created_at end asc, created_at desc, id
            limit p_per_page offset (p_page - 1) * p_per_page) m), '[]'),
    'total', (select count(*) from matching where p_status is null or approval_status = p_status),
    'page', p_page, 'per_page', p_per_page,
    'counts', (select jsonb_build_object(
      'pending', count(*) filter (where approval_status = 'pending'),
      'approved', count(*) filter (where approval_status = 'approved'),
      'rejected', count(*) filter (where approval_status = 'rejected'),
      'suspended', count(*) filter (where approval_status = 'suspended')) from matching))
  into v_result;
  return v_result;
end;
$$;


ALTER FUNCTION api.admin_list_consultants(p_status text, p_q text, p_page integer, p_per_page integer) OWNER TO nakksha_owner;

--
-- Name: FUNCTION admin_list_consultants(p_status text, p_q text, p_page integer, p_per_page integer); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.admin_list_consultants(p_status text, p_q text, p_page integer, p_per_page integer) IS 'Admins: consultants filtered by status and a search over name, email and slug; paged, with counts per status.';


--
-- Name: admin_refunds_json(uuid); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.admin_refunds_json(p_consultant_id uuid) RETURNS jsonb
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  -- The refunds an admin's action started (suspending with "cancel and refund"), newest first, with their state at
  -- the gateway: a refund that failed shows here with the gateway's reason, never only in a log.
  select coalesce(jsonb_agg(jsonb_build_object('id', r.id, 'amount', api.money(r.amount), 'status', r.status,
           'failure_reason', r.failure_reason, 'created_at', r.created_at, 'processed_at', r.processed_at,
           'session_id', s.id, 'title', s.title, 'starts_at', s.starts_at,
           'client_name', coalesce(s.client_name, cl.name)) order by r.created_at desc, r.id), '[]')
  from (select * from app.payment_refunds r where r.consultant_id = p_consultant_id and r.initiated_by = 'admin'
        order by r.created_at desc limit 100) r
  join app.payment_transactions t on t.id = r.transaction_id
  left join app.sessions s on s.id = t.session_id
  left join app.clients cl on cl.id = t.client_id
$$;


ALTER FUNCTION api.admin_refunds_json(p_consultant_id uuid) OWNER TO nakksha_owner;

--
-- Name: FUNCTION admin_refunds_json(p_consultant_id uuid); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.admin_refunds_json(p_consultant_id uuid) IS 'The refunds an admin''s action started for a consultant (the latest 100), with their state and any failure reason (read as the caller).';


--
-- Name: admin_reset_email_template(text); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.admin_reset_email_template(p_email_type text) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
declare
  v_actor uuid := app_private.require_admin(null, true);
begin
  delete from app.email_templates where email_type = p_email_type;
  if not found then
    return false;
  end if;
  perform app_private.audit(v_actor, 'email_template_reset', 'email_template', null,
                            jsonb_build_object('email_type', p_email_type));
  return true;
end;
$$;


ALTER FUNCTION api.admin_reset_email_template(p_email_type text) OWNER TO nakksha_owner;

--
-- Name: FUNCTION admin_reset_email_template(p_email_type text); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.admin_reset_email_template(p_email_type text) IS 'Super admins: drop an override; the built-in template applies again (audited). Definer: an admin action across tenants: checks the acting admin and writes the audit log (no write policy names an admin role).';


--
-- Name: admin_sees_consultant(uuid); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.admin_sees_consultant(p_consultant_id uuid) RETURNS uuid
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $$
begin
  perform api.require_admin();
  if not exists (select 1 from app.consultants c where c.id = p_consultant_id and c.deleted_at is null) then
    raise exception using errcode = 'NK404', message = 'not_found', detail = 'No such consultant.';
  end if;
  return p_consultant_id;
end;
$$;


ALTER FUNCTION api.admin_sees_consultant(p_consultant_id uuid) OWNER TO nakksha_owner;

--
-- Name: FUNCTION admin_sees_consultant(p_consultant_id uuid); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.admin_sees_consultant(p_consultant_id uuid) IS 'The consultant''s id, once the caller is an admin and the consultant exists (else 403/404).';


--
-- Name: admin_set_email_template(text, text, text, text); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.admin_set_email_template(p_email_type text, p_subject text, p_html_body text, p_text_body text) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
declare
  v_actor uuid := app_private.require_admin(null, true);
  v_t app.email_templates;
begin
  -- The app renders the override on sample data before calling this: one that fails is refused on save.
  insert into app.email_templates (email_type, subject, html_body, text_body, updated_by)
  values (p_email_type, p_subject, p_html_body, p_text_body, v_actor)
  on conflict (email_type) do update set subject = excluded.subject, html_body = excluded.html_body,
    text_body = excluded.text_body, updated_by = excluded.updated_by
  returning * into v_t;
  perform app_private.audit(v_actor, 'email_template_overridden', 'email_template', null,
                            jsonb_build_object('email_type', p_email_type));
  return jsonb_build_object('email_type', v_t.email_type, 'subject', v_t.subject, 'html_body', v_t.html_body,
                            'text_body', v_t.text_body, 'updated_at', v_t.updated_at, 'updated_by', v_t.updated_by);
end;
$$;


ALTER FUNCTION api.admin_set_email_template(p_email_type text, p_subject text, p_html_body text, p_text_body text) OWNER TO nakksha_owner;

--
-- Name: FUNCTION admin_set_email_template(p_email_type text, p_subject text, p_html_body text, p_text_body text); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.admin_set_email_template(p_email_type text, p_subject text, p_html_body text, p_text_body text) IS 'Super admins: override an email type''s subject and bodies (audited). Definer: an admin action across tenants: checks the acting admin and writes the audit log (no write policy names an admin role).';


--
-- Name: admin_set_subscription(uuid, text, timestamp with time zone, text); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.admin_set_subscription(p_consultant_id uuid, p_plan text, p_expires_at timestamp with time zone, p_acting_admin_email text DEFAULT NULL::text) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
declare
  v_actor uuid := app_private.require_admin(p_acting_admin_email);
  v_c app.consultants;
  v_old text;
begin
  if not exists (select 1 from app.plans p where p.code = p_plan) then
    raise exception using errcode = 'NK422', message = 'unknown_plan', detail = 'No such plan.', hint = 'field:plan';
  end if;
  select * into v_c from app.consultants where id = p_consultant_id and deleted_at is null for update;
  if v_c.id is null then
    raise exception using errcode = 'NK404', message = 'not_found', detail = 'No such consultant.';
  end if;
  v_old := v_c.subscription_plan;
  update app.consultants set subscription_plan = p_plan, subscription_expires_at = p_expires_at
  where id = v_c.id returning * into v_c;
  perform app_private.audit(v_actor, 'consultant.subscription', 'consultant', v_c.id,
    jsonb_build_object('from', v_old, 'to', p_plan, 'expires_at', p_expires_at));
  return api.admin_consultant_json(v_c.id);
end;
$$;


ALTER FUNCTION api.admin_set_subscription(p_consultant_id uuid, p_plan text, p_expires_at timestamp with time zone, p_acting_admin_email text) OWNER TO nakksha_owner;

--
-- Name: FUNCTION admin_set_subscription(p_consultant_id uuid, p_plan text, p_expires_at timestamp with time zone, p_acting_admin_email text); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.admin_set_subscription(p_consultant_id uuid, p_plan text, p_expires_at timestamp with time zone, p_acting_admin_email text) IS 'Admins: set a consultant''s plan and its expiry (audited). Definer: an admin action across tenants: checks the acting admin and writes the audit log (no write policy names an admin role).';


--
-- Name: admin_settings(); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.admin_settings() RETURNS jsonb
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $$
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


ALTER FUNCTION api.admin_settings() OWNER TO nakksha_owner;

--
-- Name: FUNCTION admin_settings(); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.admin_settings() IS 'Super admins: every platform setting with its description and last change (the plans from app.plans).';


--
-- Name: admin_system(); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.admin_system() RETURNS jsonb
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $$
begin
  perform api.require_admin();
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


ALTER FUNCTION api.admin_system() OWNER TO nakksha_owner;

--
-- Name: FUNCTION admin_system(); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.admin_system() IS 'Admins: job queues by status, failed jobs and email failures in 24 hours, view refresh ages, database size, version, migration.';


--
-- Name: admin_update_settings(jsonb); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.admin_update_settings(p_patch jsonb) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
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
  return api.admin_settings();
end;
$$;


ALTER FUNCTION api.admin_update_settings(p_patch jsonb) OWNER TO nakksha_owner;

--
-- Name: FUNCTION admin_update_settings(p_patch jsonb); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.admin_update_settings(p_patch jsonb) IS 'Super admins: change platform settings (each checked; what really changed is written and audited). Definer: an admin action across tenants: checks the acting admin and writes the audit log (no write policy names an admin role).';


--
-- Name: anonymise_client(uuid, text); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.anonymise_client(p_client_id uuid, p_phone text DEFAULT NULL::text) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
declare
  v_consultant uuid := api.require_approved();
  v_old app.clients;
  v_c app.clients;
  v_anon text;
  v_images text[];
begin
  -- Personal data erased; sessions and payments stay as financial records (kept seven years), now
  -- pointing at an anonymous client. p_phone is their phone in clear (the app decrypts it for this): it is
  -- how a gateway or a note may have written it down.
  select * into v_old from app.clients
  where id = p_client_id and consultant_id = v_consultant and anonymised_at is null for update;
  if v_old.id is null then
    raise exception using errcode = 'NK404', message = 'not_found', detail = 'No such client.';
  end if;
  v_anon := 'anonymised-' || replace(v_old.id::text, '-', '') || '@anonymised.invalid';
  update app.clients set name = 'Anonymised client', email = v_anon, phone_encrypted = null, phone_hash = null,
    notes = null, is_active = false, anonymised_at = now()
  where id = v_old.id returning * into v_c;
  -- An image attached to a quotation for them may show them (a plan of their home, their document): it goes
  -- from their quotations (those to their address too, linked to them below), and its stored file with it
  -- (the app deletes forgotten_images) unless the consultant also shows it on a quotation for someone else.
  -- Read before the erasure below rewrites text that happens to contain their name.
  select coalesce(array_agg(distinct q.quotation_image_url), '{}') into v_images
  from (select quotation_image_url from app.quotations
        where consultant_id = v_consultant and quotation_image_url is not null
          and (client_id = v_old.id or (client_id is null and client_email = v_old.email))
        for update) q;
  perform app_private.erase_client_traces(v_consultant, v_old, v_anon, array_remove(array[p_phone], null));
  update app.quotations set quotation_image_url = null
  where consultant_id = v_consultant and client_id = v_old.id and quotation_image_url is not null;
  return api.client_json(v_c)
    || jsonb_build_object('forgotten_images', api.unreferenced_quotation_images(v_consultant, v_images));
end;
$$;


ALTER FUNCTION api.anonymise_client(p_client_id uuid, p_phone text) OWNER TO nakksha_owner;

--
-- Name: FUNCTION anonymise_client(p_client_id uuid, p_phone text); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.anonymise_client(p_client_id uuid, p_phone text) IS 'Erase a client''s personal data everywhere it is held (p_phone: their phone in clear, to find it written down), keeping their sessions and payments as anonymous financial records. forgotten_images: images of their quotations that no quotation shows any more, for the app to delete. Definer: erases a client everywhere it is held, including webhook events, idempotency keys and the outbox, which no web role reaches.';


--
-- Name: approve_consultant(uuid, text); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.approve_consultant(p_consultant_id uuid, p_acting_admin_email text DEFAULT NULL::text) RETURNS jsonb
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$ select app_private.set_approval(p_consultant_id, 'approved', null, p_acting_admin_email) $$;


ALTER FUNCTION api.approve_consultant(p_consultant_id uuid, p_acting_admin_email text) OWNER TO nakksha_owner;

--
-- Name: FUNCTION approve_consultant(p_consultant_id uuid, p_acting_admin_email text); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.approve_consultant(p_consultant_id uuid, p_acting_admin_email text) IS 'Approve a pending (or previously rejected) consultant whose email is verified (else 409 email_unverified): their dashboard opens and their page can be published. Definer: an admin action across tenants: checks the acting admin and writes the audit log (no write policy names an admin role).';


--
-- Name: availability_json(uuid); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.availability_json(p_consultant_id uuid) RETURNS jsonb
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  select jsonb_build_object(
    'timezone', (select c.timezone from app.consultants c where c.id = p_consultant_id),
    'rules', coalesce((select jsonb_agg(jsonb_build_object('id', r.id, 'session_type', r.session_type,
        'weekday', r.weekday, 'start_time', to_char(r.start_time, 'HH24:MI'), 'end_time', to_char(r.end_time, 'HH24:MI'),
        'slot_minutes', r.slot_minutes, 'capacity', r.capacity, 'is_active', r.is_active,
        'valid_from', r.valid_from, 'valid_until', r.valid_until) order by r.session_type, r.weekday, r.start_time)
      from app.availability_rules r where r.consultant_id = p_consultant_id), '[]'),
    'blocks', coalesce((select jsonb_agg(jsonb_build_object('id', b.id, 'starts_at', b.starts_at, 'ends_at', b.ends_at,
        'reason', b.reason) order by b.starts_at)
      from app.availability_blocks b where b.consultant_id = p_consultant_id and b.ends_at > now()), '[]'))
$$;


ALTER FUNCTION api.availability_json(p_consultant_id uuid) OWNER TO nakksha_owner;

--
-- Name: FUNCTION availability_json(p_consultant_id uuid); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.availability_json(p_consultant_id uuid) IS 'A consultant''s weekly rules and upcoming blocked ranges.';


--
-- Name: begin_calendar_connection(text, bytea, text, bytea); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.begin_calendar_connection(p_provider text, p_state_hash bytea, p_code_verifier text, p_browser_hash bytea) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
declare
  v_consultant uuid := app.current_consultant_id();
begin
  if v_consultant is null then
    raise exception using errcode = 'NK401', message = 'unauthenticated', detail = 'Sign in first.';
  end if;
  delete from app.oauth_states where consultant_id = v_consultant and expires_at <= now();
  -- A few attempts in flight at most: each one is a row until it is used or expires.
  if (select count(*) from app.oauth_states where consultant_id = v_consultant) >= 10 then
    raise exception using errcode = 'NK429', message = 'rate_limited',
      detail = 'Too many connection attempts; finish or wait ten minutes.';
  end if;
  insert into app.oauth_states (state_hash, consultant_id, provider, code_verifier, browser_hash)
  values (p_state_hash, v_consultant, p_provider, p_code_verifier, p_browser_hash);
end;
$$;


ALTER FUNCTION api.begin_calendar_connection(p_provider text, p_state_hash bytea, p_code_verifier text, p_browser_hash bytea) OWNER TO nakksha_owner;

--
-- Name: FUNCTION begin_calendar_connection(p_provider text, p_state_hash bytea, p_code_verifier text, p_browser_hash bytea); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.begin_calendar_connection(p_provider text, p_state_hash bytea, p_code_verifier text, p_browser_hash bytea) IS 'Start connecting a calendar: remember the hashed OAuth state and PKCE verifier for ten minutes. Definer: stores the OAuth state and PKCE verifier, which no web role reads.';


--
-- Name: begin_sign_in(text, text, text); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.begin_sign_in(p_kind text, p_account text, p_ip text) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
declare
  v_b record;
  v_wait integer;
  v_known boolean;
begin
  if p_kind is null or p_kind not in ('consultant', 'admin') then
    raise exception using errcode = 'NK400', message = 'bad_request', detail = 'Unknown kind of account.';
  end if;
  -- Count the attempt in every bucket; if one is already full, raise: the transaction rolls back, so a
  -- refused attempt counts nowhere (an address over its (account, IP) limit cannot fill the account's ceiling).
  -- The account's ceiling (failures from everywhere together) does not bind an address the account has signed in
  -- from before: guessers spread over twenty addresses could otherwise lock the owner out everywhere, every hour.
  -- Such an address still meets its own (account, IP) and IP limits.
  v_known := app_private.known_sign_in_address(p_kind, p_account, p_ip);
  for v_b in select * from app_private.sign_in_buckets(p_kind, p_account, p_ip) loop
    continue when v_b.ceiling and v_known;
    v_wait := app_private.count_hit(v_b.bucket, app_private.setting_integer(v_b.setting), v_b.window_seconds);
    if v_wait > 0 then
      raise exception using errcode = 'NK429', message = 'rate_limited',
        detail = 'Too many attempts; wait a little and try again.', hint = 'retry_after:' || v_wait;
    end if;
  end loop;
end;
$$;


ALTER FUNCTION api.begin_sign_in(p_kind text, p_account text, p_ip text) OWNER TO nakksha_owner;

--
-- Name: FUNCTION begin_sign_in(p_kind text, p_account text, p_ip text); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.begin_sign_in(p_kind text, p_account text, p_ip text) IS 'Before a password check: count the attempt per (account, IP), IP and account (the ceiling, not for an address the account signed in from before), or NK429 (counting nothing) when one bucket is full. Definer: sign-in and its sessions: credentials, password hashes and refresh tokens, which no web role reads or writes.';


--
-- Name: book_slot(text, uuid, text, text, text, bytea, bytea, text, bytea, text, text, bytea, uuid, text, text, bigint, text, bytea); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.book_slot(p_slug text, p_slot_id uuid, p_session_type text, p_client_name text, p_client_email text, p_client_phone_encrypted bytea, p_client_phone_hash bytea, p_notes text, p_manage_token_hash bytea, p_manage_link_encrypted text, p_idempotency_key text, p_request_sha256 bytea, p_session_id uuid, p_gateway text, p_order_id text, p_amount_paise bigint, p_client_timezone text DEFAULT NULL::text, p_client_ip_hash bytea DEFAULT NULL::bytea) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
declare
  v_c app.consultants := app_private.published_consultant(p_slug);
  v_email text := lower(btrim(p_client_email));
  v_k app.idempotency_keys;
  v_replay jsonb;
  v_slot app.availability_slots;
  v_client uuid;
  v_repeat boolean;
  v_amount numeric(10, 2);
  v_wait integer;
  v_session app.sessions;
  v_result jsonb;
begin
  -- 1. Idempotency: the quote claimed the key; its row, locked, makes a second request with it wait and then
  --    answer the first's booking. A claim that lapsed meanwhile is claimed again.
  if p_idempotency_key is not null then
    select * into v_k from app.idempotency_keys k
    where k.consultant_id = v_c.id and k.scope = 'book_slot' and k.key = p_idempotency_key
    for update;
    if v_k.key is null or v_k.created_at <= now() - interval '24 hours' then
      v_replay := app_private.claim_idempotency_key(v_c.id, 'book_slot', p_idempotency_key, p_request_sha256);
    elsif v_k.request_sha256 <> p_request_sha256 or v_k.response is not null then
      v_replay := app_private.idempotent_replay(v_k, p_request_sha256);
    end if;
    if v_replay is not null then
      return jsonb_build_object('replay', v_replay);
    end if;
  end if;

  -- 2. One booking at a time per consultant: the caps below count open holds and must not be passed by
  --    racing requests. Then expired holds give their time back before anything is decided.
  perform pg_advisory_xact_lock(hashtextextended('book_slot:' || v_c.id::text, 0));
  -- The page may have gone while this waited: deleting the account (which takes this lock) cancels every
  -- booking it finds, so a booking must not be made after it on the row read before the wait.
  if not exists (select 1 from app.consultants c where c.id = v_c.id and c.approval_status = 'approved'
                   and c.published_at is not null and c.is_active and c.deleted_at is null) then
    raise exception using errcode = 'NK404', message = 'not_found', detail = 'No such consultant page.';
  end if;
  perform app_private.abandon_expired_holds(v_c.id);

  -- 3. The client: created from the booking when new; an existing client record (renamed, given a phone or
  --    deactivated by its consultant) is never changed by an anonymous visitor. What they typed goes on the
  --    session (step 4). A deactivated client may still book: refusing would tell a stranger which emails the
  --    consultant turned away, and the booking shows the consultant who it is; they stay deactivated.
  insert into app.clients (consultant_id, name, email, phone_encrypted, phone_hash)
  values (v_c.id, btrim(p_client_name), v_email, p_client_phone_encrypted, p_client_phone_hash)
  on conflict (consultant_id, email) do nothing
  returning id into v_client;
  if v_client is null then
    select id into v_client from app.clients where consultant_id = v_c.id and email = v_email;
  end if;

  v_slot := app_private.bookable_slot(v_c, p_slot_id, p_session_type, true);
  v_amount := case v_slot.session_type when 'personal' then v_c.personal_session_price else v_c.webinar_session_price end;

  -- 4. The limits again, exactly, under the lock: open unpaid holds per client and per address; a free booking
  --    is confirmed and mailed at once, so it counts against the recipient's mails of the day (over it,
  --    the booking is refused rather than made without its mail: a booking whose client never hears of it is a
  --    no-show waiting to happen, and the refusal is what stops a stranger's inbox being filled).
  if v_amount > 0 then
    perform app_private.check_unpaid_holds(v_c, v_email, p_client_ip_hash);
  else
    v_wait := app_private.count_recipient_mail(v_email);
    if v_wait > 0 then
      perform app_private.too_many('rate_limited',
        'This email address has received the most booking emails allowed today; try again tomorrow.', v_wait);
    end if;
  end if;

  -- 5. The session: pending with a hold while the client pays, or confirmed at once when it is free. A paid
  --    one needs the gateway order made for exactly this price (the price may have changed meanwhile).
  if v_amount > 0 and (p_order_id is null or p_amount_paise is distinct from (v_amount * 100)::bigint) then
    raise exception using errcode = 'NK409', message = 'price_changed',
      detail = 'The price changed while you were booking; please try again.';
  end if;
  select exists (select 1 from app.sessions s where s.consultant_id = v_c.id and s.client_id = v_client
                   and s.status in ('confirmed', 'completed', 'no_show')) into v_repeat;
  insert into app.sessions (id, consultant_id, client_id, slot_id, session_type, title, starts_at, ends_at, buffer_minutes,
                            amount, currency, status, payment_status, hold_expires_at, meeting_platform, meeting_link,
                            notes, booked_via, is_repeat_client, manage_token_hash, manage_link_encrypted,
                            client_timezone, client_name, client_email, client_phone_encrypted, client_ip_hash)
  values (coalesce(p_session_id, gen_random_uuid()), v_c.id, v_client, v_slot.id, v_slot.session_type,
          case v_slot.session_type when 'personal' then coalesce(v_c.personal_session_title, 'One-to-one session') else coalesce(v_c.webinar_session_title, 'Webinar') end,
          v_slot.starts_at, v_slot.ends_at, v_c.buffer_minutes, v_amount, v_c.currency,
          case when v_amount = 0 then 'confirmed' else 'pending' end,
          case when v_amount = 0 then 'not_required' else 'pending' end,
          now() + make_interval(mins => app_private.hold_minutes(v_c)),
          v_c.default_meeting_platform,
          case v_c.default_meeting_platform when 'zoom' then v_c.zoom_link when 'meet' then v_c.meet_link else v_c.teams_link end,
          nullif(btrim(p_notes), ''), 'public', v_repeat, p_manage_token_hash, p_manage_link_encrypted,
          p_client_timezone, btrim(p_client_name), v_email, p_client_phone_encrypted,
          case when v_amount > 0 then p_client_ip_hash end)  -- only a hold needs it (see forget_hold_addresses)
  returning * into v_session;
  if v_amount > 0 then
    -- 6. The order the client pays, recorded with the booking (one transaction: both or neither).
    insert into app.payment_transactions (consultant_id, purpose, session_id, client_id, amount, currency, gateway,
                                          gateway_order_id, status, metadata)
    values (v_c.id, 'session', v_session.id, v_client, v_amount, v_c.currency, p_gateway, p_order_id, 'pending',
            jsonb_build_object('receipt', v_session.id));
  else
    perform app_private.queue_session_emails(v_session, 'confirmed');
  end if;

  -- 7. The answer, kept with its key: a replay is this very answer (201, this body, this manage link).
  v_result := app_private.booking_json(v_session);
  if p_idempotency_key is not null then
    update app.idempotency_keys set response = v_result, status_code = 201, manage_link_encrypted = p_manage_link_encrypted
    where consultant_id = v_c.id and scope = 'book_slot' and key = p_idempotency_key;
  end if;
  return v_result;
end;
$$;


ALTER FUNCTION api.book_slot(p_slug text, p_slot_id uuid, p_session_type text, p_client_name text, p_client_email text, p_client_phone_encrypted bytea, p_client_phone_hash bytea, p_notes text, p_manage_token_hash bytea, p_manage_link_encrypted text, p_idempotency_key text, p_request_sha256 bytea, p_session_id uuid, p_gateway text, p_order_id text, p_amount_paise bigint, p_client_timezone text, p_client_ip_hash bytea) OWNER TO nakksha_owner;

--
-- Name: FUNCTION book_slot(p_slug text, p_slot_id uuid, p_session_type text, p_client_name text, p_client_email text, p_client_phone_encrypted bytea, p_client_phone_hash bytea, p_notes text, p_manage_token_hash bytea, p_manage_link_encrypted text, p_idempotency_key text, p_request_sha256 bytea, p_session_id uuid, p_gateway text, p_order_id text, p_amount_paise bigint, p_client_timezone text, p_client_ip_hash bytea); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.book_slot(p_slug text, p_slot_id uuid, p_session_type text, p_client_name text, p_client_email text, p_client_phone_encrypted bytea, p_client_phone_hash bytea, p_notes text, p_manage_token_hash bytea, p_manage_link_encrypted text, p_idempotency_key text, p_request_sha256 bytea, p_session_id uuid, p_gateway text, p_order_id text, p_amount_paise bigint, p_client_timezone text, p_client_ip_hash bytea) IS 'A client books a slot on a public page: pending with a hold (or confirmed when free) under the abuse limits, never changing an existing client; idempotent per consultant and key. Definer: the public page and booking: an anonymous visitor reads or books a published consultant''s page by slug, across tenants, and writes what no web role may (seats, holds, payments, counters).';


--
-- Name: booking_quote(text, uuid, text, text, bytea, text, bytea); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.booking_quote(p_slug text, p_slot_id uuid, p_session_type text, p_client_email text, p_client_ip_hash bytea, p_idempotency_key text, p_request_sha256 bytea) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
declare
  v_c app.consultants := app_private.published_consultant(p_slug);
  v_slot app.availability_slots;
  v_replay jsonb;
  v_amount numeric(10, 2);
begin
  -- Before a gateway order is created: a retried request gets its first answer (and is never limited), the key
  -- is claimed so a concurrent or different request with it makes no order, the limits are met, and a slot that
  -- is already gone is refused without an order made for nothing. book_slot decides again, under locks.
  if p_idempotency_key is not null then
    v_replay := app_private.claim_idempotency_key(v_c.id, 'book_slot', p_idempotency_key, p_request_sha256);
    if v_replay is not null then
      return jsonb_build_object('replay', v_replay);
    end if;
  end if;
  select * into v_slot from app.availability_slots where id = p_slot_id and consultant_id = v_c.id;
  v_amount := case v_slot.session_type when 'personal' then v_c.personal_session_price
                                       when 'webinar' then v_c.webinar_session_price end;
  if v_slot.id is not null then
    perform app_private.check_booking_limits(v_c, lower(btrim(p_client_email)), p_client_ip_hash, v_amount = 0);
  end if;
  v_slot := app_private.bookable_slot(v_c, p_slot_id, p_session_type, false);
  return jsonb_build_object('session_id', gen_random_uuid(), 'amount', api.money(v_amount),
    'amount_paise', (v_amount * 100)::bigint, 'currency', v_c.currency,
    'consultant_id', v_c.id, 'consultant_name', v_c.first_name || ' ' || v_c.last_name,
    'title', case v_slot.session_type when 'personal' then coalesce(v_c.personal_session_title, 'One-to-one session') else coalesce(v_c.webinar_session_title, 'Webinar') end);
end;
$$;


ALTER FUNCTION api.booking_quote(p_slug text, p_slot_id uuid, p_session_type text, p_client_email text, p_client_ip_hash bytea, p_idempotency_key text, p_request_sha256 bytea) OWNER TO nakksha_owner;

--
-- Name: FUNCTION booking_quote(p_slug text, p_slot_id uuid, p_session_type text, p_client_email text, p_client_ip_hash bytea, p_idempotency_key text, p_request_sha256 bytea); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.booking_quote(p_slug text, p_slot_id uuid, p_session_type text, p_client_email text, p_client_ip_hash bytea, p_idempotency_key text, p_request_sha256 bytea) IS 'Before the gateway order: the replayed answer of a known Idempotency-Key, or the key claimed, the abuse limits met, and the price and new session id; refuses a slot already gone. Definer: the public page and booking: an anonymous visitor reads or books a published consultant''s page by slug, across tenants, and writes what no web role may (seats, holds, payments, counters).';


--
-- Name: bucket_start(text, date, date); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.bucket_start(p_unit text, p_day date, p_starts date) RETURNS date
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
  -- The day's ISO week or month, but never starting before the period: a period from Thu 1 Jan has its first
  -- week start on 1 Jan (holding 1-4 Jan), not on Mon 29 Dec. Truncated as a timestamp without time zone: a
  -- date has none, so the session's zone plays no part.
  select greatest(pg_catalog.date_trunc(p_unit, p_day::timestamp)::date, p_starts);
$$;


ALTER FUNCTION api.bucket_start(p_unit text, p_day date, p_starts date) OWNER TO nakksha_owner;

--
-- Name: FUNCTION bucket_start(p_unit text, p_day date, p_starts date); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.bucket_start(p_unit text, p_day date, p_starts date) IS 'The start of the chart bucket (day, week, month) holding a day, clamped to the period''s first day.';


--
-- Name: caller_consultant_id(); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.caller_consultant_id() RETURNS uuid
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $$
declare
  v_id uuid;
begin
  select c.id into v_id from app.consultants c where c.id = app.current_consultant_id() and c.deleted_at is null;
  if v_id is null then
    raise exception using errcode = 'NK401', message = 'unauthorized', detail = 'Log in first.';
  end if;
  return v_id;
end;
$$;


ALTER FUNCTION api.caller_consultant_id() OWNER TO nakksha_owner;

--
-- Name: FUNCTION caller_consultant_id(); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.caller_consultant_id() IS 'The calling consultant''s id (not deleted), or NK401; for invoker functions.';


--
-- Name: cancel_runaway_analyst_queries(interval, interval); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.cancel_runaway_analyst_queries(p_after interval DEFAULT '00:02:00'::interval, p_terminate_after interval DEFAULT '00:03:00'::interval) RETURNS integer
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$
  -- nakksha_analyst starts every session with statement_timeout = 1min (set on the role by `nakksha migrate`),
  -- but PostgreSQL lets any session change its own: `set statement_timeout = 0` would let a BI tool's runaway
  -- query hold the server for hours. The worker calls this every minute. Analysts are nakksha_analyst and every
  -- login that is a member of it (a person's own role: role settings do not pass through membership, so this is
  -- their only bound). A statement still running p_after after it started is cancelled; one still running
  -- p_terminate_after after it started trapped the cancel (a PL/pgSQL handler can), and its session is ended,
  -- which cannot be trapped. The owner may see and signal those backends: `migrate` gives it the analyst role
  -- and, as a superuser, pg_read_all_stats and pg_signal_backend.
  with runaway as materialized (  -- chosen first: no signal is ever evaluated for anyone else's backend
    select a.pid, a.query_start < now() - p_terminate_after as trapped
    from pg_catalog.pg_stat_activity a join pg_catalog.pg_roles r on r.oid = a.usesysid
    where a.state = 'active' and a.query_start < now() - p_after and not r.rolsuper
      and r.rolname not in ('nakksha_owner', 'nakksha_app', 'nakksha_admin')
      and pg_catalog.pg_has_role(r.oid, 'nakksha_analyst', 'MEMBER'))
  select count(*) filter (where case when r.trapped then pg_catalog.pg_terminate_backend(r.pid)
                                     else pg_catalog.pg_cancel_backend(r.pid) end)::integer
  from runaway r
$$;


ALTER FUNCTION api.cancel_runaway_analyst_queries(p_after interval, p_terminate_after interval) OWNER TO nakksha_owner;

--
-- Name: FUNCTION cancel_runaway_analyst_queries(p_after interval, p_terminate_after interval); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.cancel_runaway_analyst_queries(p_after interval, p_terminate_after interval) IS 'Worker step (every minute): cancel analysts'' statements running longer than p_after (2 minutes), end the sessions of those still running after p_terminate_after (3 minutes), even if their session lifted its timeout or is a member role; returns how many. Definer: signalling another role''s backends needs the owner''s pg_signal_backend and analyst membership; granted to the worker role alone.';


--
-- Name: change_my_password(text, bytea, timestamp with time zone, text, inet); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.change_my_password(p_password_hash text, p_refresh_hash bytea, p_expires_at timestamp with time zone, p_user_agent text DEFAULT NULL::text, p_ip inet DEFAULT NULL::inet) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
declare
  v_consultant uuid := app.current_consultant_id();
  v_admin uuid := app.current_admin_id();
  v_epoch integer;
begin
  if v_consultant is not null then
    update app.consultants set password_hash = p_password_hash where id = v_consultant and deleted_at is null;
  elsif v_admin is not null then
    update app.admins set password_hash = p_password_hash where id = v_admin and is_active;
  else
    raise exception using errcode = 'NK401', message = 'unauthorized', detail = 'Log in first.';
  end if;
  -- Every other session ends, with every access token issued so far; the caller continues in a fresh one.
  perform app_private.revoke_families(v_consultant, v_admin, 'password_changed');
  perform app_private.start_session(v_consultant, v_admin, p_refresh_hash, p_expires_at, p_user_agent, p_ip);
  select coalesce((select c.token_epoch from app.consultants c where c.id = v_consultant),
                  (select a.token_epoch from app.admins a where a.id = v_admin)) into v_epoch;
  return v_epoch;
end;
$$;


ALTER FUNCTION api.change_my_password(p_password_hash text, p_refresh_hash bytea, p_expires_at timestamp with time zone, p_user_agent text, p_ip inet) OWNER TO nakksha_owner;

--
-- Name: FUNCTION change_my_password(p_password_hash text, p_refresh_hash bytea, p_expires_at timestamp with time zone, p_user_agent text, p_ip inet); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.change_my_password(p_password_hash text, p_refresh_hash bytea, p_expires_at timestamp with time zone, p_user_agent text, p_ip inet) IS 'Change the caller''s password, end every other session and access token, open a new session; returns the token epoch for its access token. Definer: sign-in and its sessions: credentials, password hashes and refresh tokens, which no web role reads or writes.';


--
-- Name: chart_unit(date, date); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.chart_unit(p_starts date, p_ends date) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
  -- Per day up to two months, per ISO week up to a year, per month beyond.
  select case when p_ends - p_starts < 62 then 'day' when p_ends - p_starts < 366 then 'week' else 'month' end;
$$;


ALTER FUNCTION api.chart_unit(p_starts date, p_ends date) OWNER TO nakksha_owner;

--
-- Name: FUNCTION chart_unit(p_starts date, p_ends date); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.chart_unit(p_starts date, p_ends date) IS 'The bucket of a chart over a period: day, ISO week or month (consultant and platform charts).';


SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: clients; Type: TABLE; Schema: app; Owner: nakksha_owner
--

CREATE TABLE app.clients (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    consultant_id uuid NOT NULL,
    name text NOT NULL,
    email public.citext NOT NULL,
    phone_encrypted bytea,
    phone_hash bytea,
    notes text,
    is_active boolean DEFAULT true NOT NULL,
    total_sessions integer DEFAULT 0 NOT NULL,
    total_amount_paid numeric(12,2) DEFAULT 0 NOT NULL,
    first_session_at timestamp with time zone,
    last_session_at timestamp with time zone,
    anonymised_at timestamp with time zone,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT clients_email_format CHECK ((((email)::text ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$'::text) AND (length((email)::text) <= 254))),
    CONSTRAINT clients_email_lowercase CHECK (((email)::text = lower((email)::text))),
    CONSTRAINT clients_name_length CHECK (((length(btrim(name)) >= 1) AND (length(btrim(name)) <= 200))),
    CONSTRAINT clients_notes_length CHECK ((length(notes) <= 10000)),
    CONSTRAINT clients_phone_hash_length CHECK ((length(phone_hash) = 32)),
    CONSTRAINT clients_phone_pair CHECK (((phone_encrypted IS NULL) = (phone_hash IS NULL))),
    CONSTRAINT clients_session_dates_order CHECK ((last_session_at >= first_session_at)),
    CONSTRAINT clients_total_amount_paid_range CHECK ((total_amount_paid >= (0)::numeric)),
    CONSTRAINT clients_total_sessions_range CHECK ((total_sessions >= 0))
);


ALTER TABLE app.clients OWNER TO nakksha_owner;

--
-- Name: TABLE clients; Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON TABLE app.clients IS 'A consultant''s clients, unique per consultant and email. Totals are kept by the database.';


--
-- Name: client_json(app.clients); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.client_json(p_c app.clients) RETURNS jsonb
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  -- The phone leaves as ciphertext (base64) for the app to decrypt for its consultant.
  select jsonb_build_object('id', p_c.id, 'name', p_c.name, 'email', p_c.email::text,
    'phone_encrypted', encode(p_c.phone_encrypted, 'base64'), 'notes', p_c.notes, 'is_active', p_c.is_active,
    'total_sessions', p_c.total_sessions, 'total_amount_paid', api.money(p_c.total_amount_paid),
    'first_session_at', p_c.first_session_at, 'last_session_at', p_c.last_session_at,
    'is_repeat_client', app.is_repeat_client(p_c.total_sessions), 'anonymised_at', p_c.anonymised_at,
    'created_at', p_c.created_at, 'updated_at', p_c.updated_at)
$$;


ALTER FUNCTION api.client_json(p_c app.clients) OWNER TO nakksha_owner;

--
-- Name: FUNCTION client_json(p_c app.clients); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.client_json(p_c app.clients) IS 'A client as their consultant sees them.';


--
-- Name: daily_analytics; Type: TABLE; Schema: app; Owner: nakksha_owner
--

CREATE TABLE app.daily_analytics (
    consultant_id uuid NOT NULL,
    date date NOT NULL,
    total_sessions integer DEFAULT 0 NOT NULL,
    completed_sessions integer DEFAULT 0 NOT NULL,
    cancelled_sessions integer DEFAULT 0 NOT NULL,
    abandoned_sessions integer DEFAULT 0 NOT NULL,
    no_show_sessions integer DEFAULT 0 NOT NULL,
    total_revenue numeric(12,2) DEFAULT 0 NOT NULL,
    refunded_amount numeric(12,2) DEFAULT 0 NOT NULL,
    personal_revenue numeric(12,2) DEFAULT 0 NOT NULL,
    webinar_revenue numeric(12,2) DEFAULT 0 NOT NULL,
    new_clients integer DEFAULT 0 NOT NULL,
    returning_clients integer DEFAULT 0 NOT NULL,
    quotations_sent integer DEFAULT 0 NOT NULL,
    quotations_accepted integer DEFAULT 0 NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    quotation_revenue numeric(12,2) DEFAULT 0 NOT NULL,
    session_payments integer DEFAULT 0 NOT NULL,
    CONSTRAINT daily_analytics_counts_range CHECK (((total_sessions >= 0) AND (completed_sessions >= 0) AND (cancelled_sessions >= 0) AND (abandoned_sessions >= 0) AND (no_show_sessions >= 0) AND (new_clients >= 0) AND (returning_clients >= 0) AND (quotations_sent >= 0) AND (quotations_accepted >= 0))),
    CONSTRAINT daily_analytics_money_range CHECK ((refunded_amount >= (0)::numeric)),
    CONSTRAINT daily_analytics_session_payments_range CHECK ((session_payments >= 0))
);


ALTER TABLE app.daily_analytics OWNER TO nakksha_owner;

--
-- Name: TABLE daily_analytics; Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON TABLE app.daily_analytics IS 'Per consultant and local day: sessions by outcome, money received and refunded, clients, quotations.';


--
-- Name: COLUMN daily_analytics.quotation_revenue; Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON COLUMN app.daily_analytics.quotation_revenue IS 'Quotation payments received that local day (gross, by paid_at); personal + webinar + quotation = total_revenue.';


--
-- Name: COLUMN daily_analytics.session_payments; Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON COLUMN app.daily_analytics.session_payments IS 'Session payments received that local day (by paid_at): the denominator of the average session value.';


--
-- Name: compute_daily_analytics(uuid, date); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.compute_daily_analytics(p_consultant_id uuid, p_day date) RETURNS app.daily_analytics
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $$
declare
  v_tz text := (select c.timezone from app.consultants c where c.id = p_consultant_id);
  v_from timestamptz := p_day::timestamp at time zone v_tz;
  v_to timestamptz := (p_day + 1)::timestamp at time zone v_tz;
  v_row app.daily_analytics;
begin
  -- Reads only, so a hot standby can answer it (dashboards on a read replica): NULL for a day with
  -- nothing in it or a consultant who is gone.
  if v_tz is null then
    return null;
  end if;
  v_row.consultant_id := p_consultant_id;
  v_row.date := p_day;
  v_row.updated_at := now();
  -- One statement (the dashboard computes today with it on every call; each is an index range of one day).
  select
    -- Sessions on the local day they start. Cancelled includes `returned` (cancelled, then refunded in full).
    s.total_sessions, s.completed_sessions, s.cancelled_sessions, s.abandoned_sessions, s.no_show_sessions,
    s.returning_clients,
    -- Money received that day from clients (gross; a duplicate payment counts here and its refund on its own
    -- day), split so that personal + webinar + quotation = total. The consultant's own subscription payments
    -- are not revenue.
    p.total_revenue, p.personal_revenue, p.webinar_revenue, p.quotation_revenue, p.session_payments,
    -- Refunds of those payments on the day they were processed.
    r.refunded_amount,
    k.new_clients,
    -- Accepted counts on the day the quotation was sent (of the quotations sent that day, those accepted
    -- since), so conversion divides like by like.
    q.quotations_sent, q.quotations_accepted
  into v_row.total_sessions, v_row.completed_sessions, v_row.cancelled_sessions, v_row.abandoned_sessions,
       v_row.no_show_sessions, v_row.returning_clients,
       v_row.total_revenue, v_row.personal_revenue, v_row.webinar_revenue, v_row.quotation_revenue,
       v_row.session_payments, v_row.refunded_amount, v_row.new_clients, v_row.quotations_sent,
       v_row.quotations_accepted
  from (select count(*) filter (where s.status <> 'abandoned') as total_sessions,
               count(*) filter (where s.status = 'completed') as completed_sessions,
               count(*) filter (where s.status in ('cancelled', 'returned')) as cancelled_sessions,
               count(*) filter (where s.status = 'abandoned') as abandoned_sessions,
               count(*) filter (where s.status = 'no_show') as no_show_sessions,
               count(*) filter (where s.status <> 'abandoned' and s.is_repeat_client) as returning_clients
        from app.sessions s
        where s.consultant_id = p_consultant_id and s.starts_at >= v_from and s.starts_at < v_to) s,
       (select coalesce(sum(t.amount), 0) as total_revenue,
               coalesce(sum(t.amount) filter (where t.purpose = 'session' and s.session_type = 'personal'), 0)
                 as personal_revenue,
               coalesce(sum(t.amount) filter (where t.purpose = 'session' and s.session_type = 'webinar'), 0)
                 as webinar_revenue,
               coalesce(sum(t.amount) filter (where t.purpose = 'quotation'), 0) as quotation_revenue,
               count(*) filter (where t.purpose = 'session') as session_payments
        from app.payment_transactions t
        left join app.sessions s on s.id = t.session_id
        where t.consultant_id = p_consultant_id and t.paid_at >= v_from and t.paid_at < v_to
          and t.purpose in ('session', 'quotation')
          and t.status in ('completed', 'partially_refunded', 'refunded')) p,
       (select coalesce(sum(r.amount), 0) as refunded_amount
        from app.payment_refunds r
        join app.payment_transactions t on t.id = r.transaction_id
        where r.consultant_id = p_consultant_id and r.status = 'processed' and t.purpose in ('session', 'quotation')
          and r.processed_at >= v_from and r.processed_at < v_to) r,
       (select count(*) as new_clients from app.clients c
        where c.consultant_id = p_consultant_id and c.created_at >= v_from and c.created_at < v_to) k,
       (select count(*) as quotations_sent, count(*) filter (where q.status = 'accepted') as quotations_accepted
        from app.quotations q
        where q.consultant_id = p_consultant_id and q.sent_at >= v_from and q.sent_at < v_to) q;

  if v_row.total_sessions + v_row.abandoned_sessions + v_row.new_clients + v_row.quotations_sent
     + v_row.quotations_accepted = 0 and v_row.total_revenue = 0 and v_row.refunded_amount = 0 then
    return null;
  end if;
  return v_row;
end;
$$;


ALTER FUNCTION api.compute_daily_analytics(p_consultant_id uuid, p_day date) OWNER TO nakksha_owner;

--
-- Name: FUNCTION compute_daily_analytics(p_consultant_id uuid, p_day date); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.compute_daily_analytics(p_consultant_id uuid, p_day date) IS 'One consultant''s local day of daily_analytics computed from sessions, payments, refunds, clients and quotations (NULL when empty); reads only.';


--
-- Name: confirm_payment(text, text, text, bigint, text, text); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.confirm_payment(p_gateway text, p_order_id text, p_payment_id text, p_amount_paise bigint, p_method text, p_source text) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
declare
  v_result jsonb := app_private.confirm_payment(p_gateway, p_order_id, p_payment_id, p_amount_paise, p_method, p_source);
  v_s app.sessions;
begin
  select * into v_s from app.sessions where id = (v_result->>'session_id')::uuid;
  return v_result || jsonb_build_object('booking', case when v_s.id is not null then app_private.booking_json(v_s) end);
end;
$$;


ALTER FUNCTION api.confirm_payment(p_gateway text, p_order_id text, p_payment_id text, p_amount_paise bigint, p_method text, p_source text) OWNER TO nakksha_owner;

--
-- Name: FUNCTION confirm_payment(p_gateway text, p_order_id text, p_payment_id text, p_amount_paise bigint, p_method text, p_source text); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.confirm_payment(p_gateway text, p_order_id text, p_payment_id text, p_amount_paise bigint, p_method text, p_source text) IS 'Verify and reconciliation: confirm a captured payment (see app_private.confirm_payment), answering the booking. Definer: the public page and booking: an anonymous visitor reads or books a published consultant''s page by slug, across tenants, and writes what no web role may (seats, holds, payments, counters).';


--
-- Name: consultant_access(uuid, integer); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.consultant_access(p_consultant_id uuid, p_token_epoch integer) RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
  -- What the route guard needs: 'approved', 'pending', 'rejected', 'suspended', 'revoked' (the token is of an
  -- older epoch: every session ended since) or 'gone'.
  select coalesce((select case when c.deleted_at is not null then 'gone'
                               when c.token_epoch is distinct from p_token_epoch then 'revoked'
                               else c.approval_status end
                   from app.consultants c where c.id = p_consultant_id), 'gone')
$$;


ALTER FUNCTION api.consultant_access(p_consultant_id uuid, p_token_epoch integer) OWNER TO nakksha_owner;

--
-- Name: FUNCTION consultant_access(p_consultant_id uuid, p_token_epoch integer); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.consultant_access(p_consultant_id uuid, p_token_epoch integer) IS 'A consultant''s approval state for route guards (revoked when the token''s epoch is not the account''s, gone when deleted or unknown). Definer: sign-in and its sessions: credentials, password hashes and refresh tokens, which no web role reads or writes.';


--
-- Name: consultant_credentials(text); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.consultant_credentials(p_email text) RETURNS TABLE(id uuid, password_hash text)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
  -- Only accounts that may log in: deleted (anonymised) accounts have no password.
  select c.id, c.password_hash from app.consultants c
  where c.email = lower(btrim(p_email))::public.citext and c.password_hash is not null and c.deleted_at is null
$$;


ALTER FUNCTION api.consultant_credentials(p_email text) OWNER TO nakksha_owner;

--
-- Name: FUNCTION consultant_credentials(p_email text); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.consultant_credentials(p_email text) IS 'The id and password hash of a consultant who may log in (for checking a password in the app). Definer: sign-in and its sessions: credentials, password hashes and refresh tokens, which no web role reads or writes.';


--
-- Name: consultant_json(uuid); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.consultant_json(p_consultant_id uuid) RETURNS jsonb
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  -- The consultant's own view of their account, read as the caller (their own row under the policies; any, for
  -- the definer callers). Bank fields leave as ciphertext (base64) for the app to mask; nothing returns them in clear.
  select jsonb_build_object(
    'id', c.id, 'email', c.email::text, 'first_name', c.first_name, 'last_name', c.last_name,
    'phone_country_code', c.phone_country_code, 'phone_number', c.phone_number,
    'consultancy_sector', c.consultancy_sector,
    'personal_session_title', c.personal_session_title, 'webinar_session_title', c.webinar_session_title,
    'personal_session_price', api.money(c.personal_session_price), 'webinar_session_price', api.money(c.webinar_session_price),
    'currency', c.currency, 'description', c.description, 'experience_months', c.experience_months,
    'instagram_url', c.instagram_url, 'linkedin_url', c.linkedin_url, 'twitter_url', c.twitter_url,
    'profile_photo_url', c.profile_photo_url, 'slug', c.slug, 'timezone', c.timezone,
    'is_active', c.is_active, 'is_email_verified', c.is_email_verified, 'email_verified_at', c.email_verified_at,
    'subscription_plan', c.subscription_plan, 'subscription_expires_at', c.subscription_expires_at,
    'approval_status', c.approval_status, 'approved_at', c.approved_at, 'rejection_reason', c.rejection_reason,
    'published_at', c.published_at,
    'booking_policy', jsonb_build_object('min_notice_minutes', c.min_notice_minutes,
      'max_days_ahead', c.max_days_ahead, 'buffer_minutes', c.buffer_minutes, 'hold_minutes', c.hold_minutes,
      'cancellation_policy', c.cancellation_policy),
    'default_meeting_platform', c.default_meeting_platform,
    'meeting_links', jsonb_build_object('zoom', c.zoom_link, 'meet', c.meet_link, 'teams', c.teams_link),
    'notification_preferences', c.notification_preferences,
    'bank_details', jsonb_build_object('bank_name', c.bank_name,
      'account_number_encrypted', encode(c.bank_account_number_encrypted, 'base64'),
      'ifsc_code_encrypted', encode(c.ifsc_code_encrypted, 'base64')),
    'last_login_at', c.last_login_at, 'created_at', c.created_at, 'updated_at', c.updated_at)
  from app.consultants c where c.id = p_consultant_id
$$;


ALTER FUNCTION api.consultant_json(p_consultant_id uuid) OWNER TO nakksha_owner;

--
-- Name: FUNCTION consultant_json(p_consultant_id uuid); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.consultant_json(p_consultant_id uuid) IS 'A consultant''s own account as the API shows it (bank fields as ciphertext for masking).';


--
-- Name: create_admin(text, text, text, text, text); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.create_admin(p_email text, p_name text, p_password_hash text, p_role text DEFAULT 'admin'::text, p_acting_admin_email text DEFAULT NULL::text) RETURNS uuid
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $_$
declare
  v_actor uuid := app_private.acting_admin(p_acting_admin_email);
  v_id uuid;
begin
  -- Admins manage consultants; only super admins (or the database administrators) create admins.
  if v_actor is not null and not exists (
      select 1 from app.admins a where a.id = v_actor and a.role = 'super_admin') then
    raise exception using errcode = 'NK403', message = 'super_admin_required', detail = 'Only super admins create admins.';
  end if;
  if p_password_hash is null or p_password_hash !~ '^\$2[aby]\$' then
    raise exception using errcode = 'NK422', message = 'invalid_password_hash',
      detail = 'Expected a bcrypt hash.', hint = 'field:password';
  end if;
  insert into app.admins (email, name, password_hash, role, created_by)
  values (lower(btrim(p_email)), btrim(p_name), p_password_hash, coalesce(p_role, 'admin'), v_actor)
  returning id into v_id;
  perform app_private.audit(v_actor, 'admin.created', 'admin', v_id,
    jsonb_build_object('email', lower(btrim(p_email)), 'role', coalesce(p_role, 'admin')));
  return v_id;
end;
$_$;


ALTER FUNCTION api.create_admin(p_email text, p_name text, p_password_hash text, p_role text, p_acting_admin_email text) OWNER TO nakksha_owner;

--
-- Name: FUNCTION create_admin(p_email text, p_name text, p_password_hash text, p_role text, p_acting_admin_email text); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.create_admin(p_email text, p_name text, p_password_hash text, p_role text, p_acting_admin_email text) IS 'Create an admin (super admins, or nakksha_admin members from psql); audited. Definer: an admin action across tenants: checks the acting admin and writes the audit log (no write policy names an admin role).';


--
-- Name: create_availability_block(timestamp with time zone, timestamp with time zone, text); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.create_availability_block(p_starts_at timestamp with time zone, p_ends_at timestamp with time zone, p_reason text) RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_consultant uuid := api.caller_consultant_id();
begin
  insert into app.availability_blocks (consultant_id, starts_at, ends_at, reason) values (v_consultant, p_starts_at, p_ends_at, p_reason);
  perform app.rematerialise_my_slots();
  return api.availability_json(v_consultant);
end;
$$;


ALTER FUNCTION api.create_availability_block(p_starts_at timestamp with time zone, p_ends_at timestamp with time zone, p_reason text) OWNER TO nakksha_owner;

--
-- Name: FUNCTION create_availability_block(p_starts_at timestamp with time zone, p_ends_at timestamp with time zone, p_reason text); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.create_availability_block(p_starts_at timestamp with time zone, p_ends_at timestamp with time zone, p_reason text) IS 'Block a date or range (a holiday): unbooked slots inside it disappear.';


--
-- Name: create_availability_rule(text, integer, time without time zone, time without time zone, integer, integer, date, date); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.create_availability_rule(p_session_type text, p_weekday integer, p_start_time time without time zone, p_end_time time without time zone, p_slot_minutes integer, p_capacity integer, p_valid_from date, p_valid_until date) RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_consultant uuid := api.caller_consultant_id();
  v_id uuid;
begin
  perform app.check_capacity(p_session_type, p_capacity);
  insert into app.availability_rules (consultant_id, session_type, weekday, start_time, end_time, slot_minutes, capacity,
                                      valid_from, valid_until)
  values (v_consultant, p_session_type, p_weekday, p_start_time, p_end_time, p_slot_minutes, p_capacity, p_valid_from, p_valid_until)
  returning id into v_id;
  perform app.rematerialise_my_slots();
  return api.availability_json(v_consultant) || jsonb_build_object('created_id', v_id);
end;
$$;


ALTER FUNCTION api.create_availability_rule(p_session_type text, p_weekday integer, p_start_time time without time zone, p_end_time time without time zone, p_slot_minutes integer, p_capacity integer, p_valid_from date, p_valid_until date) OWNER TO nakksha_owner;

--
-- Name: FUNCTION create_availability_rule(p_session_type text, p_weekday integer, p_start_time time without time zone, p_end_time time without time zone, p_slot_minutes integer, p_capacity integer, p_valid_from date, p_valid_until date); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.create_availability_rule(p_session_type text, p_weekday integer, p_start_time time without time zone, p_end_time time without time zone, p_slot_minutes integer, p_capacity integer, p_valid_from date, p_valid_until date) IS 'Add a weekly availability rule and materialise its slots.';


--
-- Name: create_client(text, text, bytea, bytea, text); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.create_client(p_name text, p_email text, p_phone_encrypted bytea, p_phone_hash bytea, p_notes text) RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_consultant uuid := api.require_approved();
  v_c app.clients;
begin
  insert into app.clients (consultant_id, name, email, phone_encrypted, phone_hash, notes)
  values (v_consultant, btrim(p_name), lower(btrim(p_email)), p_phone_encrypted, p_phone_hash, nullif(btrim(p_notes), ''))
  returning * into v_c;
  return api.client_json(v_c);
end;
$$;


ALTER FUNCTION api.create_client(p_name text, p_email text, p_phone_encrypted bytea, p_phone_hash bytea, p_notes text) OWNER TO nakksha_owner;

--
-- Name: FUNCTION create_client(p_name text, p_email text, p_phone_encrypted bytea, p_phone_hash bytea, p_notes text); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.create_client(p_name text, p_email text, p_phone_encrypted bytea, p_phone_hash bytea, p_notes text) IS 'Add a client (409 client_exists when the email is already a client).';


--
-- Name: create_quotation(jsonb); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.create_quotation(p_body jsonb) RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_consultant uuid := api.require_approved();
  v_client record;
  v_q app.quotations;
  v_items jsonb := api.quotation_items_from(p_body, btrim(p_body->>'quotation_name'));
begin
  if v_items is null then
    raise exception using errcode = 'NK422', message = 'validation_error',
      detail = 'Give at least one line: a description, a quantity and a unit price.', hint = 'field:items';
  end if;
  select * into v_client from api.quotation_client(v_consultant, (p_body->>'client_id')::uuid,
    p_body->>'client_name', p_body->>'client_email');
  insert into app.quotations (consultant_id, client_id, client_name, client_email, quotation_name, description,
                              base_amount, discount_percentage, currency, validity_period, expires_at, notes,
                              quotation_image_url)
  values (v_consultant, v_client.client_id, v_client.client_name, v_client.client_email,
          btrim(p_body->>'quotation_name'), p_body->>'description', 0,
          coalesce((p_body->>'discount_percentage')::numeric, 0), coalesce(p_body->>'currency', 'INR'),
          p_body->>'validity_period', (p_body->>'expires_at')::timestamptz, p_body->>'notes',
          p_body->>'quotation_image_url')
  returning * into v_q;
  -- The lines, then the row again: their sum is its base amount now.
  perform api.set_quotation_items(v_q, v_items);
  select * into v_q from app.quotations where id = v_q.id;
  return api.quotation_json(v_q);
end;
$$;


ALTER FUNCTION api.create_quotation(p_body jsonb) OWNER TO nakksha_owner;

--
-- Name: FUNCTION create_quotation(p_body jsonb); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.create_quotation(p_body jsonb) IS 'A new draft quotation (client by id, or by name and email) with its lines (items, or a single base_amount as one line).';


--
-- Name: create_session(uuid, text, text, bytea, bytea, uuid, text, timestamp with time zone, timestamp with time zone, numeric, text, text, text); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.create_session(p_client_id uuid, p_client_name text, p_client_email text, p_client_phone_encrypted bytea, p_client_phone_hash bytea, p_slot_id uuid, p_session_type text, p_starts_at timestamp with time zone, p_ends_at timestamp with time zone, p_amount numeric, p_payment_status text, p_payment_method text, p_notes text) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
declare
  v_consultant uuid := api.require_approved();
  v_c app.consultants;
  v_client uuid := p_client_id;
  v_slot app.availability_slots;
  v_type text := p_session_type;
  v_start timestamptz := p_starts_at;
  v_end timestamptz := p_ends_at;
  v_amount numeric(10, 2);
  v_s app.sessions;
begin
  -- The consultant books an offline client: confirmed at once (no hold), into a free slot or an ad-hoc
  -- time, owed or already paid in cash or by transfer. The same exclusion constraint guards it.
  select * into v_c from app.consultants where id = v_consultant;
  if p_payment_status not in ('pending', 'paid') then
    raise exception using errcode = 'NK422', message = 'invalid_payment_status', hint = 'field:payment_status',
      detail = 'An offline booking is either owed (pending) or paid.';
  end if;
  if p_payment_status = 'paid' and p_payment_method not in ('cash', 'bank_transfer', 'upi_direct') then
    raise exception using errcode = 'NK422', message = 'payment_method_required', hint = 'field:payment_method',
      detail = 'Say how it was paid: cash, bank_transfer or upi_direct.';
  end if;
  if v_client is null then
    insert into app.clients (consultant_id, name, email, phone_encrypted, phone_hash)
    values (v_consultant, btrim(p_client_name), lower(btrim(p_client_email)), p_client_phone_encrypted, p_client_phone_hash)
    on conflict (consultant_id, email) do update set name = excluded.name, is_active = true
    returning id into v_client;
  elsif not exists (select 1 from app.clients where id = v_client and consultant_id = v_consultant) then
    raise exception using errcode = 'NK404', message = 'client_not_found', detail = 'No such client.', hint = 'field:client_id';
  end if;
  if p_slot_id is not null then
    perform app_private.abandon_expired_holds(v_consultant);
    select * into v_slot from app.availability_slots where id = p_slot_id and consultant_id = v_consultant for update;
    if v_slot.id is null then
      raise exception using errcode = 'NK404', message = 'slot_not_found', detail = 'No such slot.', hint = 'field:slot_id';
    end if;
    if v_slot.booked_count >= v_slot.capacity then
      raise exception using errcode = 'NK409', message = 'slot_full', detail = 'That slot is full.', hint = 'field:slot_id';
    end if;
    v_type := v_slot.session_type;
    v_start := v_slot.starts_at;
    v_end := v_slot.ends_at;
  elsif v_type is null or v_start is null or v_end is null then
    raise exception using errcode = 'NK422', message = 'time_required', hint = 'field:starts_at',
      detail = 'Give a slot_id, or a session_type with starts_at and ends_at.';
  end if;
  perform app_private.check_session_start(v_start);
  v_amount := coalesce(p_amount, case v_type when 'personal' then v_c.personal_session_price else v_c.webinar_session_price end);
  insert into app.sessions (consultant_id, client_id, slot_id, session_type, title, starts_at, ends_at, buffer_minutes,
                            amount, currency, status, payment_status, payment_method, confirmed_at, meeting_platform,
                            meeting_link, notes, booked_via, is_repeat_client)
  values (v_consultant, v_client, v_slot.id, v_type,
          case v_type when 'personal' then coalesce(v_c.personal_session_title, 'One-to-one session') else coalesce(v_c.webinar_session_title, 'Webinar') end,
          v_start, v_end, v_c.buffer_minutes, v_amount, v_c.currency, 'confirmed',
          case when v_amount = 0 then 'not_required' else p_payment_status end,
          case when p_payment_status = 'paid' then p_payment_method end, now(), v_c.default_meeting_platform,
          case v_c.default_meeting_platform when 'zoom' then v_c.zoom_link when 'meet' then v_c.meet_link else v_c.teams_link end,
          nullif(btrim(p_notes), ''), 'consultant',
          exists (select 1 from app.sessions s where s.consultant_id = v_consultant and s.client_id = v_client
                    and s.status in ('confirmed', 'completed', 'no_show')))
  returning * into v_s;
  if p_payment_status = 'paid' and v_amount > 0 then
    -- Money received offline is revenue like any other: one completed payment row.
    insert into app.payment_transactions (consultant_id, purpose, session_id, client_id, amount, currency, gateway,
                                          payment_method, status, paid_at)
    values (v_consultant, 'session', v_s.id, v_client, v_amount, v_c.currency, p_payment_method, p_payment_method,
            'completed', now());
  end if;
  -- The client gets the confirmation with its calendar invitation, as for a booking they made themselves
  -- (one entered just after it started, within the grace, is only a record: nobody is mailed about it).
  if v_s.starts_at > now() then
    perform app_private.queue_session_emails(v_s, 'confirmed');
  end if;
  return api.session_json(v_s);
end;
$$;


ALTER FUNCTION api.create_session(p_client_id uuid, p_client_name text, p_client_email text, p_client_phone_encrypted bytea, p_client_phone_hash bytea, p_slot_id uuid, p_session_type text, p_starts_at timestamp with time zone, p_ends_at timestamp with time zone, p_amount numeric, p_payment_status text, p_payment_method text, p_notes text) OWNER TO nakksha_owner;

--
-- Name: FUNCTION create_session(p_client_id uuid, p_client_name text, p_client_email text, p_client_phone_encrypted bytea, p_client_phone_hash bytea, p_slot_id uuid, p_session_type text, p_starts_at timestamp with time zone, p_ends_at timestamp with time zone, p_amount numeric, p_payment_status text, p_payment_method text, p_notes text); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.create_session(p_client_id uuid, p_client_name text, p_client_email text, p_client_phone_encrypted bytea, p_client_phone_hash bytea, p_slot_id uuid, p_session_type text, p_starts_at timestamp with time zone, p_ends_at timestamp with time zone, p_amount numeric, p_payment_status text, p_payment_method text, p_notes text) IS 'The consultant books an offline client (confirmed at once; owed or paid offline), starting from 10 minutes ago up to 2 years ahead (app_private.check_session_start). Definer: writes a session''s times, status and payment, which no web role may write directly (the overlap and seat rules hold only through it).';


--
-- Name: create_slot(text, timestamp with time zone, timestamp with time zone, integer); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.create_slot(p_session_type text, p_starts_at timestamp with time zone, p_ends_at timestamp with time zone, p_capacity integer) RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_consultant uuid := api.caller_consultant_id();
  v_s app.availability_slots;
begin
  perform app.check_capacity(p_session_type, p_capacity);
  if p_starts_at <= now() then
    raise exception using errcode = 'NK422', message = 'slot_in_past', detail = 'A slot must start in the future.',
      hint = 'field:starts_at';
  end if;
  insert into app.availability_slots (consultant_id, session_type, starts_at, ends_at, capacity, source)
  values (v_consultant, p_session_type, p_starts_at, p_ends_at, p_capacity, 'manual') returning * into v_s;
  return api.slot_json(v_s);
end;
$$;


ALTER FUNCTION api.create_slot(p_session_type text, p_starts_at timestamp with time zone, p_ends_at timestamp with time zone, p_capacity integer) OWNER TO nakksha_owner;

--
-- Name: FUNCTION create_slot(p_session_type text, p_starts_at timestamp with time zone, p_ends_at timestamp with time zone, p_capacity integer); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.create_slot(p_session_type text, p_starts_at timestamp with time zone, p_ends_at timestamp with time zone, p_capacity integer) IS 'Add a one-off slot.';


--
-- Name: dashboard_charts(text, date, date); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.dashboard_charts(p_timeframe text, p_from date, p_to date) RETURNS jsonb
    LANGUAGE sql
    SET search_path TO ''
    AS $$
  select api.dashboard_charts_for(api.require_approved(), p_timeframe, p_from, p_to);
$$;


ALTER FUNCTION api.dashboard_charts(p_timeframe text, p_from date, p_to date) OWNER TO nakksha_owner;

--
-- Name: FUNCTION dashboard_charts(p_timeframe text, p_from date, p_to date); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.dashboard_charts(p_timeframe text, p_from date, p_to date) IS 'The calling consultant''s charts for a timeframe (see api.dashboard_charts_for).';


--
-- Name: dashboard_charts_for(uuid, text, date, date); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.dashboard_charts_for(p_consultant uuid, p_timeframe text, p_from date, p_to date) RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path TO ''
    SET plan_cache_mode TO 'force_generic_plan'
    AS $$
declare
  v_consultant uuid := p_consultant;
  v_tz text := (select c.timezone from app.consultants c where c.id = v_consultant);
  v_today date := (now() at time zone v_tz)::date;
  v_b record;
  v_unit text;
  v_before bigint;
  v_live app.daily_analytics;
  v_result jsonb;
begin
  select * into v_b from api.period_bounds(p_timeframe, p_from, p_to, v_today);
  v_unit := api.chart_unit(v_b.starts, v_b.ends);
  -- Clients before the period: the kept total less those added since it began (bounded by the period,
  -- not by the history).
  v_before := coalesce((select k.clients from app.consultant_client_counts k where k.consultant_id = v_consultant), 0)
              - (select count(*) from app.clients c where c.consultant_id = v_consultant
                 and c.created_at >= v_b.starts::timestamp at time zone v_tz);
  if v_today between v_b.starts and v_b.ends then
    v_live := api.live_day(v_consultant, v_today);
  end if;
  -- The period's days are read once (a CTE used three times is materialised once); every day of the period
  -- is one row of `days`, joined to its stored or live figures by date and grouped into its bucket.
  with chart_days as materialized (
    select g.d::date as day, x.total_sessions, x.new_clients, x.total_revenue, x.refunded_amount,
           x.personal_revenue, x.webinar_revenue, x.quotation_revenue
    from generate_series(v_b.starts, v_b.ends, interval '1 day') g(d)
    left join api.period_days(v_consultant, v_b.starts, v_b.ends, v_today, v_live) x on x.date = g.d::date
  ), trend as (
    -- A bucket starts where the period does when its week or month began earlier (1 Jan, not 29 Dec):
    -- its figures are only the period's days anyway.
    select api.bucket_start(v_unit, x.day, v_b.starts) as bucket, coalesce(sum(x.total_sessions), 0) as sessions,
           coalesce(sum(x.total_revenue - x.refunded_amount), 0) as revenue
    from chart_days x group by 1
  ), growth as (
    select api.bucket_start('month', x.day, v_b.starts) as month, coalesce(sum(x.new_clients), 0) as new_clients
    from chart_days x group by 1
  ), running as (
    select g.month, g.new_clients, v_before + sum(g.new_clients) over (order by g.month) as total from growth g
  ), split as (
    -- Money received in the period by what paid for it (gross, by paid_at), and the refunds processed in it:
    -- personal + webinar + quotation − refunded = total_revenue, the dashboard's "Revenue received".
    select coalesce(sum(personal_revenue), 0) as personal, coalesce(sum(webinar_revenue), 0) as webinar,
           coalesce(sum(quotation_revenue), 0) as quotation, coalesce(sum(total_revenue), 0) as gross,
           coalesce(sum(refunded_amount), 0) as refunded
    from chart_days
  )
  select jsonb_build_object(
    'timeframe', p_timeframe, 'from', v_b.starts, 'to', v_b.ends, 'timezone', v_tz, 'unit', v_unit,
    'sessionsTrend', (select coalesce(jsonb_agg(jsonb_build_object('period', t.bucket, 'sessions', t.sessions,
                                                                  'revenue', api.money(t.revenue)) order by t.bucket), '[]')
                      from trend t),
    'clientsGrowth', (select coalesce(jsonb_agg(jsonb_build_object('month', g.month, 'new', g.new_clients,
                                                                  'total', g.total) order by g.month), '[]')
                      from running g),
    'revenueBreakdown', jsonb_build_array(
        jsonb_build_object('type', 'personal', 'amount', api.money(sp.personal), 'percentage', api.rate(sp.personal, sp.gross)),
        jsonb_build_object('type', 'webinar', 'amount', api.money(sp.webinar), 'percentage', api.rate(sp.webinar, sp.gross)),
        jsonb_build_object('type', 'quotation', 'amount', api.money(sp.quotation), 'percentage', api.rate(sp.quotation, sp.gross))),
    'gross_revenue', api.money(sp.gross),
    'refunded_amount', api.money(sp.refunded),
    'total_revenue', api.money(sp.gross - sp.refunded))
  into v_result
  from split sp;
  return v_result;
end;
$$;


ALTER FUNCTION api.dashboard_charts_for(p_consultant uuid, p_timeframe text, p_from date, p_to date) OWNER TO nakksha_owner;

--
-- Name: FUNCTION dashboard_charts_for(p_consultant uuid, p_timeframe text, p_from date, p_to date); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.dashboard_charts_for(p_consultant uuid, p_timeframe text, p_from date, p_to date) IS 'A consultant''s charts for a timeframe: sessions and revenue per day/week/month, clients per month, money received by what paid for it (personal, webinar, quotation) with the refunds that make it revenue received.';


--
-- Name: dashboard_metrics(text, date, date); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.dashboard_metrics(p_timeframe text, p_from date, p_to date) RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
begin
  return api.dashboard_metrics_for(api.require_approved(), p_timeframe, p_from, p_to);
end;
$$;


ALTER FUNCTION api.dashboard_metrics(p_timeframe text, p_from date, p_to date) OWNER TO nakksha_owner;

--
-- Name: FUNCTION dashboard_metrics(p_timeframe text, p_from date, p_to date); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.dashboard_metrics(p_timeframe text, p_from date, p_to date) IS 'The calling consultant''s dashboard metrics (see docs/metrics.md).';


--
-- Name: dashboard_metrics_for(uuid, text, date, date); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.dashboard_metrics_for(p_consultant_id uuid, p_timeframe text, p_from date, p_to date) RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path TO ''
    SET plan_cache_mode TO 'force_generic_plan'
    AS $$
declare
  v_tz text := (select c.timezone from app.consultants c where c.id = p_consultant_id);
  v_today date := (now() at time zone v_tz)::date;
  v_b record;
  v_len integer;
  v_live app.daily_analytics;
  v_cur record;
  v_revenue numeric;
  v_prev_revenue numeric;
  v_active integer;
  v_repeat integer;
begin
  select * into v_b from api.period_bounds(p_timeframe, p_from, p_to, v_today);
  v_len := v_b.ends - v_b.starts + 1;
  -- Today once, live: in the period's sums when the period holds it, and in the "today" figures.
  v_live := api.live_day(p_consultant_id, v_today);
  -- The period and, for growth, the period of the same length just before it: one read of their days.
  select coalesce(sum(d.total_sessions) filter (where d.date >= v_b.starts), 0) as total_sessions,
         coalesce(sum(d.completed_sessions) filter (where d.date >= v_b.starts), 0) as completed_sessions,
         coalesce(sum(d.cancelled_sessions) filter (where d.date >= v_b.starts), 0) as cancelled_sessions,
         coalesce(sum(d.abandoned_sessions) filter (where d.date >= v_b.starts), 0) as abandoned_sessions,
         coalesce(sum(d.no_show_sessions) filter (where d.date >= v_b.starts), 0) as no_show_sessions,
         coalesce(sum(d.total_revenue) filter (where d.date >= v_b.starts), 0) as gross_revenue,
         coalesce(sum(d.refunded_amount) filter (where d.date >= v_b.starts), 0) as refunded,
         coalesce(sum(d.personal_revenue + d.webinar_revenue) filter (where d.date >= v_b.starts), 0) as session_revenue,
         coalesce(sum(d.quotation_revenue) filter (where d.date >= v_b.starts), 0) as quotation_revenue,
         coalesce(sum(d.session_payments) filter (where d.date >= v_b.starts), 0) as session_payments,
         coalesce(sum(d.new_clients) filter (where d.date >= v_b.starts), 0) as new_clients,
         coalesce(sum(d.quotations_sent) filter (where d.date >= v_b.starts), 0) as quotations_sent,
         coalesce(sum(d.quotations_accepted) filter (where d.date >= v_b.starts), 0) as quotations_accepted,
         coalesce(sum(d.total_revenue) filter (where d.date < v_b.starts), 0) as prev_gross,
         coalesce(sum(d.refunded_amount) filter (where d.date < v_b.starts), 0) as prev_refunded
  into v_cur
  from api.period_days(p_consultant_id, v_b.starts - v_len, v_b.ends, v_today, v_live) d;
  v_revenue := v_cur.gross_revenue - v_cur.refunded;
  v_prev_revenue := v_cur.prev_gross - v_cur.prev_refunded;
  -- Active clients: distinct clients with a live session (confirmed, completed or no-show: what the Clients
  -- page counts) starting in the period; repeat clients: those of them app.is_repeat_client calls repeat.
  select count(*), count(*) filter (where app.is_repeat_client(k.total_sessions))
  into v_active, v_repeat
  from app.clients k
  where k.consultant_id = p_consultant_id and k.id in (
    select s.client_id from app.sessions s
    where s.consultant_id = p_consultant_id and s.status in ('confirmed', 'completed', 'no_show')
      and s.starts_at >= v_b.starts::timestamp at time zone v_tz and s.starts_at < (v_b.ends + 1)::timestamp at time zone v_tz);
  -- Every rate divides two counts on the same basis, and is NULL (shown as —) when the denominator is 0.
  return jsonb_build_object(
    'timeframe', p_timeframe, 'from', v_b.starts, 'to', v_b.ends, 'timezone', v_tz,
    'previous_from', v_b.starts - v_len, 'previous_to', v_b.starts - 1,
    'total_sessions', v_cur.total_sessions,
    'pending_sessions', v_cur.total_sessions - v_cur.completed_sessions - v_cur.cancelled_sessions
                        - v_cur.no_show_sessions,
    'completed_sessions', v_cur.completed_sessions,
    'cancelled_sessions', v_cur.cancelled_sessions,
    'abandoned_sessions', v_cur.abandoned_sessions,
    'no_show_sessions', v_cur.no_show_sessions,
    -- Of the sessions starting in the period whose outcome is recorded (completed or no-show), the completed.
    'completion_rate', api.rate(v_cur.completed_sessions, v_cur.completed_sessions + v_cur.no_show_sessions),
    'total_revenue', api.money(v_revenue), 'gross_revenue', api.money(v_cur.gross_revenue),
    'refunded_amount', api.money(v_cur.refunded),
    'session_revenue', api.money(v_cur.session_revenue),
    'quotation_revenue', api.money(v_cur.quotation_revenue),
    'session_payments', v_cur.session_payments,
    'revenue_today', api.money(coalesce(v_live.total_revenue, 0) - coalesce(v_live.refunded_amount, 0)),
    -- Session payments received in the period ÷ how many there were (both by paid_at, gross of refunds).
    'average_session_value', case when v_cur.session_payments = 0 then null
      else api.money(v_cur.session_revenue / v_cur.session_payments) end,
    'previous_revenue', api.money(v_prev_revenue),
    'revenue_growth', case when v_prev_revenue = 0 then null
      else round(100.0 * (v_revenue - v_prev_revenue) / abs(v_prev_revenue), 1) end,
    'total_clients', coalesce((select k.clients from app.consultant_client_counts k
                               where k.consultant_id = p_consultant_id), 0),
    'new_clients', v_cur.new_clients,
    'new_clients_today', coalesce(v_live.new_clients, 0),
    'active_clients', v_active,
    'repeat_clients', v_repeat,
    'repeat_client_rate', api.rate(v_repeat, v_active),
    'quotations_sent', v_cur.quotations_sent,
    'quotations_accepted', v_cur.quotations_accepted,
    'quotation_conversion_rate', api.rate(v_cur.quotations_accepted, v_cur.quotations_sent));
end;
$$;


ALTER FUNCTION api.dashboard_metrics_for(p_consultant_id uuid, p_timeframe text, p_from date, p_to date) OWNER TO nakksha_owner;

--
-- Name: FUNCTION dashboard_metrics_for(p_consultant_id uuid, p_timeframe text, p_from date, p_to date); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.dashboard_metrics_for(p_consultant_id uuid, p_timeframe text, p_from date, p_to date) IS 'A consultant''s dashboard metrics for a timeframe, with growth against the previous period of equal length.';


--
-- Name: deactivate_admin(uuid, text); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.deactivate_admin(p_admin_id uuid, p_acting_admin_email text DEFAULT NULL::text) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
declare
  v_actor uuid := app_private.require_admin(p_acting_admin_email, true);
  v_a app.admins;
begin
  if p_admin_id = v_actor then
    raise exception using errcode = 'NK409', message = 'cannot_deactivate_self', detail = 'You cannot deactivate yourself.';
  end if;
  update app.admins set is_active = false where id = p_admin_id and is_active returning * into v_a;
  if v_a.id is null then
    raise exception using errcode = 'NK404', message = 'not_found', detail = 'No such active admin.';
  end if;
  perform app_private.revoke_families(null, v_a.id, 'deactivated');
  perform app_private.audit(v_actor, 'admin.deactivated', 'admin', v_a.id, '{}');
  return api.admin_json(v_a.id);
end;
$$;


ALTER FUNCTION api.deactivate_admin(p_admin_id uuid, p_acting_admin_email text) OWNER TO nakksha_owner;

--
-- Name: FUNCTION deactivate_admin(p_admin_id uuid, p_acting_admin_email text); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.deactivate_admin(p_admin_id uuid, p_acting_admin_email text) IS 'Super admins: deactivate another admin and end their sessions. Definer: an admin action across tenants: checks the acting admin and writes the audit log (no write policy names an admin role).';


--
-- Name: defer_slot_rollforwards(); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.defer_slot_rollforwards() RETURNS integer
    LANGUAGE plpgsql
    SET search_path TO 'public', 'pg_temp'
    AS $$
declare
  v_ids bigint[];
begin
  -- The daily roll-forward fans out: one job per consultant with active rules, each its own transaction, so
  -- one consultant's failure (a timeout, a bug in their data) is logged and retried alone and never rolls
  -- back everyone else's day. Priority below everything else, so emails are not queued behind 10,000 of these;
  -- a consultant whose job from yesterday still waits (workers down) gets no second one (the queueing lock).
  select public.procrastinate_defer_jobs_v1(coalesce(array_agg(
           row('maintenance', 'rematerialise_consultant_slots', -10, null, 'slots:' || c.id::text,
               jsonb_build_object('consultant_id', c.id), null)::public.procrastinate_job_to_defer_v1
           order by c.id), '{}'))
  into v_ids
  from app.consultants c
  where c.deleted_at is null and c.is_active
    and exists (select 1 from app.availability_rules r where r.consultant_id = c.id and r.is_active)
    and not exists (select 1 from public.procrastinate_jobs j
                    where j.queueing_lock = 'slots:' || c.id::text and j.status = 'todo');
  return coalesce(array_length(v_ids, 1), 0);
end;
$$;


ALTER FUNCTION api.defer_slot_rollforwards() OWNER TO nakksha_owner;

--
-- Name: FUNCTION defer_slot_rollforwards(); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.defer_slot_rollforwards() IS 'Worker step (daily): queue one slot roll-forward job per consultant with active rules; returns how many.';


--
-- Name: delete_availability_block(uuid); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.delete_availability_block(p_block_id uuid) RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_consultant uuid := api.caller_consultant_id();
begin
  delete from app.availability_blocks where id = p_block_id and consultant_id = v_consultant;
  if not found then
    raise exception using errcode = 'NK404', message = 'not_found', detail = 'No such blocked range.';
  end if;
  perform app.rematerialise_my_slots();
  return api.availability_json(v_consultant);
end;
$$;


ALTER FUNCTION api.delete_availability_block(p_block_id uuid) OWNER TO nakksha_owner;

--
-- Name: FUNCTION delete_availability_block(p_block_id uuid); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.delete_availability_block(p_block_id uuid) IS 'Unblock a range: rule slots inside it come back.';


--
-- Name: delete_availability_rule(uuid); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.delete_availability_rule(p_rule_id uuid) RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_consultant uuid := api.caller_consultant_id();
begin
  delete from app.availability_slots
  where rule_id = p_rule_id and consultant_id = v_consultant and booked_count = 0 and starts_at > now();
  delete from app.availability_rules where id = p_rule_id and consultant_id = v_consultant;
  if not found then
    raise exception using errcode = 'NK404', message = 'not_found', detail = 'No such rule.';
  end if;
  return api.availability_json(v_consultant);
end;
$$;


ALTER FUNCTION api.delete_availability_rule(p_rule_id uuid) OWNER TO nakksha_owner;

--
-- Name: FUNCTION delete_availability_rule(p_rule_id uuid); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.delete_availability_rule(p_rule_id uuid) IS 'Delete a weekly rule and its future unbooked slots (booked ones stay).';


--
-- Name: delete_my_account(); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.delete_my_account() RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
declare
  v_c app.consultants := app_private.caller_consultant();
  v_tag text := replace(v_c.id::text, '-', '');
  v_s app.sessions;
  v_refund numeric(10, 2);
begin
  -- Nobody who booked is stranded. Every session still to come (pending or confirmed) is cancelled by the
  -- consultant, what was paid for it is refunded in full (a job through the gateway, as when a consultant
  -- cancels one) and its client is told (a job), all in this transaction, before the consultant's name is
  -- erased from what that mail will say. Reminders go with the confirmation (the status trigger withdraws them).
  -- Bookings wait for this (the lock book_slot takes), and find the page gone after it: none lands unseen.
  perform pg_advisory_xact_lock(hashtextextended('book_slot:' || v_c.id::text, 0));
  perform app_private.abandon_expired_holds(v_c.id);
  for v_s in select * from app.sessions
             where consultant_id = v_c.id and status in ('pending', 'confirmed') and starts_at > now()
             order by starts_at, id
             for update loop
    update app.sessions set status = 'cancelled', cancelled_by = 'consultant',
      cancellation_reason = 'The consultant closed their account.'
    where id = v_s.id returning * into v_s;
    v_refund := app_private.refund_for_cancellation(v_s, 100, 'The consultant closed their account', 'consultant');
    perform app_private.queue_session_emails(v_s, 'cancelled_for_client', jsonb_build_object('refund_amount', v_refund::text));
  end loop;
  -- A quotation still open can no longer be accepted (and paid for) with nobody to deliver it.
  update app.quotations set status = 'expired' where consultant_id = v_c.id and status in ('sent', 'viewed');

  -- Erasure by anonymisation: personal data goes, the business records (sessions, payments, refunds,
  -- quotations) stay for the tax years they must be kept. The account can no longer log in, its page is
  -- gone (not approved, inactive), and its slug and email are free for others.
  update app.consultants set
    email = 'deleted-' || v_tag || '@deleted.invalid', password_hash = null,
    first_name = 'Deleted', last_name = 'Consultant', phone_country_code = null, phone_number = null,
    consultancy_sector = null, bank_name = null, bank_account_number_encrypted = null, ifsc_code_encrypted = null,
    description = null, instagram_url = null, linkedin_url = null, twitter_url = null, profile_photo_url = null,
    zoom_link = null, meet_link = null, teams_link = null, personal_session_title = null, webinar_session_title = null,
    slug = 'deleted-' || left(v_tag, 20), is_active = false, deleted_at = now()
  where id = v_c.id;
  -- The images attached to quotations go with the photo (the app deletes their stored files).
  update app.quotations set quotation_image_url = null where consultant_id = v_c.id and quotation_image_url is not null;
  delete from app.one_time_tokens where consultant_id = v_c.id;
  perform app_private.revoke_families(v_c.id, null, 'deleted');
  update app.refresh_token_families set user_agent = null, ip = null where consultant_id = v_c.id;
  -- Mail sent to the consultant keeps its log line (what, when, how it went), not their address, name or
  -- links; mail still queued to them is not sent. Mail to their clients is the business's record and stays.
  delete from app.email_outbox o using app.email_logs l
  where o.email_log_id = l.id and l.consultant_id = v_c.id and l.recipient_email = v_c.email;
  update app.email_logs set
    recipient_email = 'deleted-' || v_tag || '@deleted.invalid', recipient_name = null, template_data = '{}',
    status = case when status = 'queued' then 'failed' else status end,
    error_message = case when status = 'queued' then 'account_deleted' else error_message end,
    failed_at = case when status = 'queued' then now() else failed_at end
  where consultant_id = v_c.id and recipient_email = v_c.email;
  -- Free slots disappear; booked ones stay with their sessions.
  delete from app.availability_slots where consultant_id = v_c.id and booked_count = 0;
  update app.availability_rules set is_active = false where consultant_id = v_c.id;
end;
$$;


ALTER FUNCTION api.delete_my_account() OWNER TO nakksha_owner;

--
-- Name: FUNCTION delete_my_account(); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.delete_my_account() IS 'Delete the calling consultant''s account: upcoming sessions cancelled, refunded in full and their clients told (jobs), open quotations expired, then personal data anonymised and quotation images dropped (the app deletes the stored photo and images); financial records are kept. Definer: closes the account across tables no web role writes (tokens, refunds, sessions'' status).';


--
-- Name: delete_quotation(uuid); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.delete_quotation(p_quotation_id uuid) RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_q app.quotations := api.my_quotation(p_quotation_id, true);
begin
  delete from app.quotations where id = v_q.id;  -- the guard refuses anything but a draft
  return jsonb_build_object('id', v_q.id, 'deleted', true, 'forgotten_images',
    api.unreferenced_quotation_images(v_q.consultant_id, array[v_q.quotation_image_url]));
end;
$$;


ALTER FUNCTION api.delete_quotation(p_quotation_id uuid) OWNER TO nakksha_owner;

--
-- Name: FUNCTION delete_quotation(p_quotation_id uuid); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.delete_quotation(p_quotation_id uuid) IS 'Delete a draft quotation; NK409 once sent. forgotten_images: its image, when no other quotation shows it.';


--
-- Name: delete_slot(uuid); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.delete_slot(p_slot_id uuid) RETURNS void
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_consultant uuid := api.caller_consultant_id();
  v_gone app.availability_slots;
begin
  delete from app.availability_slots where id = p_slot_id and consultant_id = v_consultant returning * into v_gone;
  if v_gone.id is null then
    raise exception using errcode = 'NK404', message = 'not_found', detail = 'No such slot.';
  end if;
  -- A rule occurrence deleted by hand stays deleted: the daily re-run must not bring it back.
  if v_gone.source = 'rule' then
    insert into app.availability_slot_exclusions (consultant_id, session_type, starts_at)
    values (v_consultant, v_gone.session_type, v_gone.starts_at) on conflict do nothing;
  end if;
end;
$$;


ALTER FUNCTION api.delete_slot(p_slot_id uuid) OWNER TO nakksha_owner;

--
-- Name: FUNCTION delete_slot(p_slot_id uuid); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.delete_slot(p_slot_id uuid) IS 'Delete a slot (a booked one is refused: 409 slot_booked).';


--
-- Name: disconnect_calendar(text); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.disconnect_calendar(p_provider text) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
declare
  v_c app.calendar_connections;
begin
  delete from app.calendar_connections
  where consultant_id = app.current_consultant_id() and provider = p_provider
  returning * into v_c;
  if v_c.id is null then
    raise exception using errcode = 'NK404', message = 'not_found', detail = 'That calendar is not connected.';
  end if;
  -- Busy times go with the connection (cascade). The events already on that calendar stay there (we can
  -- no longer reach it); their rows go, so a reconnect puts them back rather than missing them.
  delete from app.calendar_events where consultant_id = v_c.consultant_id and provider = v_c.provider;
  -- The grant is revoked at the provider by a job: the ciphertext travels in its arguments, never plain.
  perform app_private.defer_job('revoke_calendar_grant', jsonb_build_object('provider', v_c.provider,
    'token_encrypted', coalesce(v_c.refresh_token_encrypted, v_c.access_token_encrypted),
    'consultant_id', v_c.consultant_id, 'disconnected_at', now()), 'calendar');
  return jsonb_build_object('provider', v_c.provider, 'status', 'not_connected');
end;
$$;


ALTER FUNCTION api.disconnect_calendar(p_provider text) OWNER TO nakksha_owner;

--
-- Name: FUNCTION disconnect_calendar(p_provider text); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.disconnect_calendar(p_provider text) IS 'Forget the caller''s grant for a provider (busy times and event records with it) and queue its revocation. Definer: forgets the encrypted calendar grant, which no web role reads or writes.';


--
-- Name: duplicate_quotation(uuid); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.duplicate_quotation(p_quotation_id uuid) RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_src app.quotations := api.my_quotation(p_quotation_id);
  v_q app.quotations;
begin
  -- Read again under a share lock: an image being replaced on the source is either copied as it is now or
  -- seen by api.update_quotation as still shown here, so its file is never deleted under the copy.
  select * into v_src from app.quotations where id = v_src.id for share;
  -- A new draft with the same content (the way to change a quotation already sent); the expiry is dropped
  -- when it has passed.
  insert into app.quotations (consultant_id, client_id, client_name, client_email, quotation_name, description,
                              base_amount, discount_percentage, currency, validity_period, expires_at, notes,
                              quotation_image_url)
  values (v_src.consultant_id, v_src.client_id, v_src.client_name, v_src.client_email,
          left(v_src.quotation_name || ' (copy)', 200), v_src.description, v_src.base_amount,
          v_src.discount_percentage, v_src.currency, v_src.validity_period,
          case when v_src.expires_at > now() then v_src.expires_at end, v_src.notes, v_src.quotation_image_url)
  returning * into v_q;
  -- Its lines too (their sum is the amount copied above).
  insert into app.quotation_items (consultant_id, quotation_id, position, description, quantity, unit_price)
  select v_q.consultant_id, v_q.id, i.position, i.description, i.quantity, i.unit_price
  from app.quotation_items i where i.quotation_id = v_src.id;
  return api.quotation_json(v_q);
end;
$$;


ALTER FUNCTION api.duplicate_quotation(p_quotation_id uuid) OWNER TO nakksha_owner;

--
-- Name: FUNCTION duplicate_quotation(p_quotation_id uuid); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.duplicate_quotation(p_quotation_id uuid) IS 'Copy a quotation (any status) into a new draft.';


--
-- Name: expire_quotations(); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.expire_quotations() RETURNS integer
    LANGUAGE sql
    SET search_path TO ''
    AS $$
  -- Skips rows another transaction holds (an acceptance in flight): the next run gets them if still due.
  with due as (
    select id from app.quotations where status in ('sent', 'viewed') and expires_at <= now()
    for update skip locked
  ), moved as (
    update app.quotations q set status = 'expired' from due where q.id = due.id returning 1
  )
  select count(*)::integer from moved
$$;


ALTER FUNCTION api.expire_quotations() OWNER TO nakksha_owner;

--
-- Name: FUNCTION expire_quotations(); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.expire_quotations() IS 'Periodic: sent and viewed quotations past expires_at become expired.';


--
-- Name: export_my_data(); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.export_my_data() RETURNS jsonb
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
declare
  v_c app.consultants := app_private.caller_consultant();
begin
  -- Everything held about the consultant and their business (GDPR portability). Secrets stay out:
  -- no password hash, no token hashes; bank details masked by the app from the account section.
  return jsonb_build_object(
    'exported_at', now(),
    'account', api.consultant_json(v_c.id),
    'availability_rules', coalesce((select jsonb_agg(to_jsonb(r) order by r.created_at) from app.availability_rules r where r.consultant_id = v_c.id), '[]'),
    'availability_blocks', coalesce((select jsonb_agg(to_jsonb(b) order by b.starts_at) from app.availability_blocks b where b.consultant_id = v_c.id), '[]'),
    'availability_slots', coalesce((select jsonb_agg(to_jsonb(s) order by s.starts_at) from app.availability_slots s where s.consultant_id = v_c.id), '[]'),
    'clients', coalesce((select jsonb_agg(to_jsonb(cl) - 'phone_encrypted' - 'phone_hash' order by cl.created_at) from app.clients cl where cl.consultant_id = v_c.id), '[]'),
    'sessions', coalesce((select jsonb_agg(to_jsonb(s) - 'manage_token_hash' - 'occupied_during' - 'client_phone_encrypted' - 'client_ip_hash' order by s.starts_at) from app.sessions s where s.consultant_id = v_c.id), '[]'),
    'quotations', coalesce((select jsonb_agg(to_jsonb(q) - 'public_token_hash' order by q.created_at) from app.quotations q where q.consultant_id = v_c.id), '[]'),
    'payments', coalesce((select jsonb_agg(to_jsonb(p) order by p.created_at) from app.payment_transactions p where p.consultant_id = v_c.id), '[]'),
    'refunds', coalesce((select jsonb_agg(to_jsonb(r) order by r.created_at) from app.payment_refunds r where r.consultant_id = v_c.id), '[]'),
    'emails', coalesce((select jsonb_agg(to_jsonb(e) - 'template_data' order by e.queued_at) from app.email_logs e where e.consultant_id = v_c.id), '[]'),
    'sessions_log', coalesce((select jsonb_agg(jsonb_build_object('created_at', f.created_at, 'user_agent', f.user_agent,
                                'ip', f.ip, 'revoked_at', f.revoked_at, 'revoked_reason', f.revoked_reason) order by f.created_at)
                              from app.refresh_token_families f where f.consultant_id = v_c.id), '[]'),
    'daily_analytics', coalesce((select jsonb_agg(to_jsonb(d) order by d.date) from app.daily_analytics d where d.consultant_id = v_c.id), '[]'));
end;
$$;


ALTER FUNCTION api.export_my_data() OWNER TO nakksha_owner;

--
-- Name: FUNCTION export_my_data(); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.export_my_data() IS 'All of the calling consultant''s data as one JSON document (data portability). Definer: includes the caller''s own sign-in history from the refresh-token families, which no web role reads.';


--
-- Name: forget_hold_addresses(); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.forget_hold_addresses() RETURNS integer
    LANGUAGE sql
    SET search_path TO ''
    AS $$
  -- The keyed hash of a visitor's address only counts the holds they keep open; once a session is no longer
  -- a live hold (paid, abandoned, cancelled) it has no use, and is not kept.
  with gone as (update app.sessions set client_ip_hash = null
                where client_ip_hash is not null and (status <> 'pending' or hold_expires_at < now() - interval '1 hour')
                returning 1)
  select count(*)::integer from gone
$$;


ALTER FUNCTION api.forget_hold_addresses() OWNER TO nakksha_owner;

--
-- Name: FUNCTION forget_hold_addresses(); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.forget_hold_addresses() IS 'Drop the address hash of sessions that are no longer open holds; run nightly.';


--
-- Name: forgive_sign_in(text, text, text); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.forgive_sign_in(p_kind text, p_account text, p_ip text) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
declare
  v_b record;
begin
  -- The password was right: the attempt begin_sign_in counted was no failure. Row by row, in lock order (the
  -- ceiling was not counted for a known address, so it is not taken back either).
  for v_b in select * from app_private.sign_in_buckets(p_kind, p_account, p_ip) loop
    continue when v_b.ceiling and app_private.known_sign_in_address(p_kind, p_account, p_ip);
    update app.rate_limit_hits set hits = greatest(hits - 1, 0)
    where bucket = v_b.bucket
      and window_start = to_timestamp(floor(extract(epoch from now()) / v_b.window_seconds) * v_b.window_seconds);
  end loop;
end;
$$;


ALTER FUNCTION api.forgive_sign_in(p_kind text, p_account text, p_ip text) OWNER TO nakksha_owner;

--
-- Name: FUNCTION forgive_sign_in(p_kind text, p_account text, p_ip text); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.forgive_sign_in(p_kind text, p_account text, p_ip text) IS 'After a right password: take back the attempt begin_sign_in counted, so only failures count. Definer: sign-in and its sessions: credentials, password hashes and refresh tokens, which no web role reads or writes.';


--
-- Name: get_my_account(); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.get_my_account() RETURNS jsonb
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $$
declare
  v_id uuid;
begin
  -- Read as the caller: a consultant sees their own row under the policies, an admin (as nakksha_app_admin) the
  -- admins under theirs, and only while active.
  select c.id into v_id from app.consultants c where c.id = app.current_consultant_id() and c.deleted_at is null;
  if v_id is not null then
    return api.consultant_json(v_id);
  end if;
  select a.id into v_id from app.admins a where a.id = app.current_admin_id() and a.is_active;
  if v_id is not null then
    return api.admin_json(v_id);
  end if;
  raise exception using errcode = 'NK401', message = 'unauthorized', detail = 'Log in first.';
end;
$$;


ALTER FUNCTION api.get_my_account() OWNER TO nakksha_owner;

--
-- Name: FUNCTION get_my_account(); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.get_my_account() IS 'The calling consultant''s account, or the calling admin''s.';


--
-- Name: gst_states(); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.gst_states() RETURNS jsonb
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  select jsonb_build_object('items', coalesce(jsonb_agg(jsonb_build_object('code', s.code, 'name', s.name)
                                                        order by s.name), '[]'))
  from app.gst_states s where s.current
$$;


ALTER FUNCTION api.gst_states() OWNER TO nakksha_owner;

--
-- Name: FUNCTION gst_states(); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.gst_states() IS 'The GST States and Union Territories an address can be in (code and name, by name).';


--
-- Name: handle_payment_webhook(text, text, jsonb); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.handle_payment_webhook(p_provider text, p_event_id text, p_payload jsonb) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
declare
  v_event text := p_payload->>'event';
  v_payment jsonb := p_payload #> '{payload,payment,entity}';
  v_outcome text;
  v_inserted uuid;
begin
  -- 1. Once per event id: a redelivery finds its row and is acknowledged without doing anything.
  insert into app.webhook_events (provider, event_id, event_type, payload)
  values (p_provider, p_event_id, coalesce(v_event, 'unknown'), p_payload)
  on conflict (provider, event_id) do nothing
  returning id into v_inserted;
  if v_inserted is null then
    return jsonb_build_object('outcome', 'duplicate');
  end if;

  -- 2. The event. Business refusals (an order we do not know, an amount that does not match) are
  --    recorded on the event and acknowledged: retrying them would not change the answer. Anything else
  --    (a deadlock, the database going away) rolls back with the event row, so the redelivery runs again.
  begin
    if v_event in ('payment.captured', 'order.paid') then
      if v_payment->>'status' = 'captured' then
        v_outcome := app_private.confirm_payment(p_provider, v_payment->>'order_id', v_payment->>'id',
                       (v_payment->>'amount')::bigint, v_payment->>'method', 'webhook')->>'outcome';
      else
        v_outcome := 'ignored_not_captured';
      end if;
    elsif v_event = 'payment.failed' then
      v_outcome := app_private.record_payment_failure(p_provider, v_payment->>'order_id', v_payment->>'id',
                     coalesce(v_payment->>'error_description', v_payment->>'error_code'))->>'outcome';
    elsif v_event in ('refund.processed', 'refund.failed', 'refund.created') then
      v_outcome := app_private.refund_from_gateway(p_provider, v_event, p_payload #> '{payload,refund,entity}');
    else
      v_outcome := 'ignored_event';
    end if;
  exception when others then
    if sqlstate not like 'NK%' and sqlstate not in ('22P02', '22003', '23514') then
      raise;
    end if;
    v_outcome := 'rejected_' || sqlerrm;
  end;
  update app.webhook_events set processed_at = now(),
    processing_error = case when v_outcome like 'rejected_%' then v_outcome end
  where id = v_inserted;
  return jsonb_build_object('outcome', v_outcome);
end;
$$;


ALTER FUNCTION api.handle_payment_webhook(p_provider text, p_event_id text, p_payload jsonb) OWNER TO nakksha_owner;

--
-- Name: FUNCTION handle_payment_webhook(p_provider text, p_event_id text, p_payload jsonb); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.handle_payment_webhook(p_provider text, p_event_id text, p_payload jsonb) IS 'A verified payment webhook: recorded once by event id, then confirms, fails or settles refunds, in one transaction. Definer: a provider''s verified webhook: no caller, any tenant''s payment or email, recorded once per event.';


--
-- Name: handle_resend_webhook(text, jsonb); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.handle_resend_webhook(p_event_id text, p_payload jsonb) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
declare
  v_type text := p_payload->>'type';
  v_l app.email_logs;
  v_inserted uuid;
begin
  -- Once per event id (Svix's message id): a redelivery is acknowledged and does nothing.
  insert into app.webhook_events (provider, event_id, event_type, payload)
  values ('resend', p_event_id, coalesce(v_type, 'unknown'), p_payload)
  on conflict (provider, event_id) do nothing
  returning id into v_inserted;
  if v_inserted is null then
    return jsonb_build_object('outcome', 'duplicate');
  end if;
  if v_type not in ('email.delivered', 'email.bounced', 'email.complained') then
    update app.webhook_events set processed_at = now() where id = v_inserted;
    return jsonb_build_object('outcome', 'ignored_event');
  end if;
  select * into v_l from app.email_logs
  where provider = 'resend' and external_id = p_payload #>> '{data,email_id}' for update;
  if v_l.id is null then
    -- Reported before our worker recorded the send (or not ours): refuse, so Resend retries it later.
    raise exception using errcode = 'NK404', message = 'email_not_found', detail = 'No email with that id (yet).';
  end if;
  -- Statuses only move forward: a late "delivered" never hides a bounce or a complaint.
  if v_type = 'email.delivered' and v_l.status = 'sent' then
    update app.email_logs set status = 'delivered', delivered_at = now() where id = v_l.id;
  elsif v_type = 'email.bounced' and v_l.status in ('sent', 'delivered') then
    update app.email_logs set status = 'bounced', bounced_at = now(),
      error_message = left(coalesce(p_payload #>> '{data,bounce,message}', 'bounced'), 2000)
    where id = v_l.id;
  elsif v_type = 'email.complained' and v_l.status in ('sent', 'delivered') then
    update app.email_logs set status = 'complained' where id = v_l.id;
  end if;
  if v_type in ('email.bounced', 'email.complained') then
    insert into app.email_suppressions (email, reason, email_log_id)
    values (lower(v_l.recipient_email::text), case v_type when 'email.bounced' then 'bounced' else 'complained' end, v_l.id)
    on conflict (email) do nothing;
  end if;
  update app.webhook_events set processed_at = now() where id = v_inserted;
  return jsonb_build_object('outcome', replace(v_type, 'email.', ''));
end;
$$;


ALTER FUNCTION api.handle_resend_webhook(p_event_id text, p_payload jsonb) OWNER TO nakksha_owner;

--
-- Name: FUNCTION handle_resend_webhook(p_event_id text, p_payload jsonb); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.handle_resend_webhook(p_event_id text, p_payload jsonb) IS 'A verified Resend delivery report: the email log moves forward, bounces and complaints are suppressed; once per event. Definer: a provider''s verified webhook: no caller, any tenant''s payment or email, recorded once per event.';


--
-- Name: hit_rate_limit(text, integer, integer, text); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.hit_rate_limit(p_bucket text, p_limit integer, p_window_seconds integer, p_setting text DEFAULT NULL::text) RETURNS integer
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$
  -- A limit a super admin tunes (a platform setting) wins over the caller's built-in number.
  select app_private.count_hit(p_bucket, coalesce(app_private.setting_integer(p_setting), p_limit), p_window_seconds)
$$;


ALTER FUNCTION api.hit_rate_limit(p_bucket text, p_limit integer, p_window_seconds integer, p_setting text) OWNER TO nakksha_owner;

--
-- Name: FUNCTION hit_rate_limit(p_bucket text, p_limit integer, p_window_seconds integer, p_setting text); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.hit_rate_limit(p_bucket text, p_limit integer, p_window_seconds integer, p_setting text) IS 'Count one request in the bucket''s current window; 0 if within the limit (p_setting''s value when given, else p_limit), else seconds to wait. Definer: the public page and booking: an anonymous visitor reads or books a published consultant''s page by slug, across tenants, and writes what no web role may (seats, holds, payments, counters).';


--
-- Name: like_pattern(text); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.like_pattern(p_q text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path TO ''
    AS $$
  -- A search term matched literally inside text: LIKE's own wildcards (and the escape) are escaped.
  select '%' || replace(replace(replace(p_q, '\', '\\'), '%', '\%'), '_', '\_') || '%'
$$;


ALTER FUNCTION api.like_pattern(p_q text) OWNER TO nakksha_owner;

--
-- Name: FUNCTION like_pattern(p_q text); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.like_pattern(p_q text) IS 'A substring pattern for ILIKE that matches the term literally.';


--
-- Name: live_day(uuid, date); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.live_day(p_consultant_id uuid, p_day date) RETURNS app.daily_analytics
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $$
declare
  v_row app.daily_analytics;
begin
  -- Today as exact as the base tables, whatever the job has or has not done yet; it only reads, so dashboards
  -- can be served by a hot standby. A write marks its days in analytics_dirty in its own transaction and the job
  -- removes a mark in the transaction that stores the day, so a day without a mark (in this snapshot) is stored
  -- exactly, or has nothing (no row): read it. Only a marked day is computed (five tables; issue 20).
  if not exists (select 1 from app.analytics_dirty d where d.consultant_id = p_consultant_id and d.day = p_day) then
    select * into v_row from app.daily_analytics a where a.consultant_id = p_consultant_id and a.date = p_day;
    return v_row;
  end if;
  return api.compute_daily_analytics(p_consultant_id, p_day);
end;
$$;


ALTER FUNCTION api.live_day(p_consultant_id uuid, p_day date) OWNER TO nakksha_owner;

--
-- Name: FUNCTION live_day(p_consultant_id uuid, p_day date); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.live_day(p_consultant_id uuid, p_day date) IS 'One local day as exact as the base tables: stored when no write has marked it since the job stored it, else computed from them; reads only.';


--
-- Name: migration_level(); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.migration_level() RETURNS text
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  select max(version)::text from public.schema_migrations
$$;


ALTER FUNCTION api.migration_level() OWNER TO nakksha_owner;

--
-- Name: FUNCTION migration_level(); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.migration_level() IS 'The newest applied dbmate migration version.';


--
-- Name: money(numeric); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.money(p_amount numeric) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
  -- Money in every JSON answer: rupees as text with exactly two places ("1499.50"), never a JSON number a
  -- client could read as a float (docs/api.md, Money). Null stays null.
  select pg_catalog.round(p_amount, 2)::pg_catalog.text
$$;


ALTER FUNCTION api.money(p_amount numeric) OWNER TO nakksha_owner;

--
-- Name: FUNCTION money(p_amount numeric); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.money(p_amount numeric) IS 'An amount as the API answers it: a decimal string with two places.';


--
-- Name: my_balance(); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.my_balance() RETURNS jsonb
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  -- Signed sums: positive is owed to the consultant. `due` is not transferred yet (no payouts before the Route
  -- accounts: everything is due); collected − refunded − commission − commission_gst − tcs − tds = total.
  select jsonb_build_object(
    'due', api.money(coalesce(sum(e.amount) filter (where e.bucket = 'due'), 0)),
    'held', api.money(coalesce(sum(e.amount) filter (where e.bucket = 'held'), 0)),
    'transferred', api.money(coalesce(sum(e.amount) filter (where e.bucket = 'transferred'), 0)),
    'settled', api.money(coalesce(sum(e.amount) filter (where e.bucket = 'settled'), 0)),
    'total', api.money(coalesce(sum(e.amount), 0)),
    'collected', api.money(coalesce(sum(e.amount) filter (where e.kind = 'captured'), 0)),
    'refunded', api.money(-coalesce(sum(e.amount) filter (where e.kind = 'refund'), 0)),
    'commission', api.money(-coalesce(sum(e.amount) filter (where e.kind in ('commission', 'commission_refund')), 0)),
    'commission_gst', api.money(-coalesce(sum(e.amount) filter (where e.kind in ('commission_gst',
                                                                                  'commission_gst_refund')), 0)),
    'tcs', api.money(-coalesce(sum(e.amount) filter (where e.kind in ('tcs', 'tcs_refund')), 0)),
    'tds', api.money(-coalesce(sum(e.amount) filter (where e.kind in ('tds', 'tds_refund')), 0)),
    'entries', count(*))
  from app.ledger_entries e
  where e.consultant_id = (select app.current_reading_consultant_id())
$$;


ALTER FUNCTION api.my_balance() OWNER TO nakksha_owner;

--
-- Name: FUNCTION my_balance(); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.my_balance() IS 'The calling consultant''s money: balances by state and what made them (collected, refunded, commission and its GST, TCS and TDS withheld), all sums of the ledger.';


--
-- Name: my_ledger(bigint, integer); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.my_ledger(p_before bigint DEFAULT NULL::bigint, p_limit integer DEFAULT 50) RETURNS jsonb
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $$
declare
  v_limit integer := least(greatest(coalesce(p_limit, 50), 1), 200);
  v_items jsonb;
  v_last bigint;
  v_count integer;
begin
  -- Newest first by when it happened (a refund processed today before a payment captured last month, whatever
  -- order the entries were written in); `next` is the last entry's id, which the following page starts after.
  -- Entries never change, so a page read later is the same page.
  select coalesce(jsonb_agg(jsonb_build_object('id', e.id, 'kind', e.kind, 'bucket', e.bucket,
                                               'amount', api.money(e.amount), 'payment_id', e.payment_id,
                                               'refund_id', e.refund_id, 'occurred_at', e.occurred_at,
                                               'purpose', t.purpose, 'session_id', t.session_id,
                                               'quotation_id', t.quotation_id) order by e.occurred_at desc, e.id desc),
                  '[]'),
         (array_agg(e.id order by e.occurred_at, e.id))[1], count(*)
  into v_items, v_last, v_count
  from (select * from app.ledger_entries x
        where x.consultant_id = (select app.current_reading_consultant_id())
          and (p_before is null or (x.occurred_at, x.id) < (select b.occurred_at, b.id from app.ledger_entries b
                                                             where b.id = p_before))
        order by x.occurred_at desc, x.id desc limit v_limit) e
  left join app.payment_transactions t on t.id = e.payment_id;
  return jsonb_build_object('items', v_items, 'next', case when v_count = v_limit then v_last end);
end;
$$;


ALTER FUNCTION api.my_ledger(p_before bigint, p_limit integer) OWNER TO nakksha_owner;

--
-- Name: FUNCTION my_ledger(p_before bigint, p_limit integer); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.my_ledger(p_before bigint, p_limit integer) IS 'The calling consultant''s ledger entries, newest first by when they happened, a page at a time (before: the previous page''s next).';


--
-- Name: my_page_status(); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.my_page_status() RETURNS jsonb
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  -- Read as the caller: their own row under the policies.
  select jsonb_build_object('slug', c.slug, 'approval_status', c.approval_status, 'published_at', c.published_at,
    'is_published', c.published_at is not null and c.approval_status = 'approved',
    'checklist', app.setup_checklist(c.id), 'missing', to_jsonb(app.setup_missing(c.id)))
  from app.consultants c where c.id = app.current_consultant_id() and c.deleted_at is null
$$;


ALTER FUNCTION api.my_page_status() OWNER TO nakksha_owner;

--
-- Name: FUNCTION my_page_status(); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.my_page_status() IS 'The calling consultant''s page: published or not, and the setup checklist with what is missing.';


--
-- Name: my_password_hash(); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.my_password_hash() RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
  select coalesce(
    (select c.password_hash from app.consultants c where c.id = app.current_consultant_id() and c.deleted_at is null),
    (select a.password_hash from app.admins a where a.id = app.current_admin_id() and a.is_active))
$$;


ALTER FUNCTION api.my_password_hash() OWNER TO nakksha_owner;

--
-- Name: FUNCTION my_password_hash(); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.my_password_hash() IS 'The calling consultant''s (or admin''s) password hash, to check a current password. Definer: sign-in and its sessions: credentials, password hashes and refresh tokens, which no web role reads or writes.';


--
-- Name: quotations; Type: TABLE; Schema: app; Owner: nakksha_owner
--

CREATE TABLE app.quotations (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    consultant_id uuid NOT NULL,
    client_id uuid,
    client_name text NOT NULL,
    client_email public.citext NOT NULL,
    quotation_name text NOT NULL,
    description text,
    base_amount numeric(10,2) NOT NULL,
    discount_percentage numeric(5,2) DEFAULT 0 NOT NULL,
    final_amount numeric(10,2) GENERATED ALWAYS AS (round(((base_amount * ((100)::numeric - discount_percentage)) / (100)::numeric), 2)) STORED,
    currency text DEFAULT 'INR'::text NOT NULL,
    validity_period text,
    expires_at timestamp with time zone,
    status text DEFAULT 'draft'::text NOT NULL,
    notes text,
    quotation_image_url text,
    public_token_hash bytea,
    view_count integer DEFAULT 0 NOT NULL,
    last_viewed_at timestamp with time zone,
    sent_at timestamp with time zone,
    responded_at timestamp with time zone,
    response_reason text,
    paid_at timestamp with time zone,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    public_link_encrypted text,
    CONSTRAINT quotations_base_amount_range CHECK ((base_amount >= (0)::numeric)),
    CONSTRAINT quotations_client_email_format CHECK (((client_email)::text ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$'::text)),
    CONSTRAINT quotations_client_email_lowercase CHECK (((client_email)::text = lower((client_email)::text))),
    CONSTRAINT quotations_client_name_length CHECK (((length(btrim(client_name)) >= 1) AND (length(btrim(client_name)) <= 200))),
    CONSTRAINT quotations_currency_format CHECK ((currency ~ '^[A-Z]{3}$'::text)),
    CONSTRAINT quotations_description_length CHECK ((length(description) <= 20000)),
    CONSTRAINT quotations_discount_range CHECK (((discount_percentage >= (0)::numeric) AND (discount_percentage <= (100)::numeric))),
    CONSTRAINT quotations_public_token_hash_length CHECK ((length(public_token_hash) = 32)),
    CONSTRAINT quotations_quotation_name_length CHECK (((length(btrim(quotation_name)) >= 1) AND (length(btrim(quotation_name)) <= 200))),
    CONSTRAINT quotations_sent_has_token CHECK (((status = 'draft'::text) OR ((sent_at IS NOT NULL) AND (public_token_hash IS NOT NULL)))),
    CONSTRAINT quotations_status_valid CHECK ((status = ANY (ARRAY['draft'::text, 'sent'::text, 'viewed'::text, 'accepted'::text, 'rejected'::text, 'expired'::text]))),
    CONSTRAINT quotations_view_count_range CHECK ((view_count >= 0))
);


ALTER TABLE app.quotations OWNER TO nakksha_owner;

--
-- Name: TABLE quotations; Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON TABLE app.quotations IS 'Priced proposals to a client; final_amount is derived from base_amount and discount_percentage.';


--
-- Name: COLUMN quotations.public_link_encrypted; Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON COLUMN app.quotations.public_link_encrypted IS 'The client''s link (encrypted with DATA_ENCRYPTION_KEY); its token''s SHA-256 is public_token_hash.';


--
-- Name: my_quotation(uuid, boolean); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.my_quotation(p_quotation_id uuid, p_lock boolean DEFAULT false) RETURNS app.quotations
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_consultant uuid := api.require_approved();
  v_q app.quotations;
begin
  if p_lock then
    select * into v_q from app.quotations where id = p_quotation_id and consultant_id = v_consultant for update;
  else
    select * into v_q from app.quotations where id = p_quotation_id and consultant_id = v_consultant;
  end if;
  if v_q.id is null then
    raise exception using errcode = 'NK404', message = 'not_found', detail = 'No such quotation.';
  end if;
  return v_q;
end;
$$;


ALTER FUNCTION api.my_quotation(p_quotation_id uuid, p_lock boolean) OWNER TO nakksha_owner;

--
-- Name: FUNCTION my_quotation(p_quotation_id uuid, p_lock boolean); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.my_quotation(p_quotation_id uuid, p_lock boolean) IS 'The calling consultant''s quotation (optionally locked), else NK404.';


--
-- Name: my_statement(date); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.my_statement(p_month date) RETURNS jsonb
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  -- One calendar month in the consultant's own zone (the first day of it in p_month, any day of it accepted):
  -- every entry that occurred in it, oldest first, and the balance before and after it, for the monthly
  -- statement (CSV on the Payouts page). Entries never change, so a month's statement never changes once over.
  with me as (select c.id, c.timezone from app.consultants c where c.id = (select app.current_reading_consultant_id())),
  bounds as (select me.id, me.timezone, date_trunc('month', p_month)::date as first_day,
                    date_trunc('month', p_month)::timestamp at time zone me.timezone as starts,
                    (date_trunc('month', p_month) + interval '1 month')::timestamp at time zone me.timezone as ends
             from me)
  select jsonb_build_object(
    'month', to_char(b.first_day, 'YYYY-MM'), 'timezone', b.timezone,
    'opening', api.money(coalesce((select sum(e.amount) from app.ledger_entries e
                                   where e.consultant_id = b.id and e.occurred_at < b.starts), 0)),
    'closing', api.money(coalesce((select sum(e.amount) from app.ledger_entries e
                                   where e.consultant_id = b.id and e.occurred_at < b.ends), 0)),
    'items', coalesce((select jsonb_agg(jsonb_build_object(
                         'id', e.id, 'occurred_at', e.occurred_at, 'kind', e.kind, 'bucket', e.bucket,
                         'amount', api.money(e.amount), 'payment_id', e.payment_id, 'refund_id', e.refund_id,
                         'purpose', t.purpose, 'session_id', t.session_id, 'quotation_id', t.quotation_id,
                         'gateway_payment_id', t.gateway_payment_id) order by e.occurred_at, e.id)
                       from app.ledger_entries e left join app.payment_transactions t on t.id = e.payment_id
                       where e.consultant_id = b.id and e.occurred_at >= b.starts and e.occurred_at < b.ends), '[]'))
  from bounds b
$$;


ALTER FUNCTION api.my_statement(p_month date) OWNER TO nakksha_owner;

--
-- Name: FUNCTION my_statement(p_month date); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.my_statement(p_month date) IS 'The calling consultant''s monthly statement: the month''s ledger entries (their time zone), with the balance before and after.';


--
-- Name: my_tax_profile(); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.my_tax_profile() RETURNS jsonb
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$ select api.tax_profile_json((select app.current_reading_consultant_id())) $$;


ALTER FUNCTION api.my_tax_profile() OWNER TO nakksha_owner;

--
-- Name: FUNCTION my_tax_profile(); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.my_tax_profile() IS 'The calling consultant''s tax settings (PAN masked).';


--
-- Name: not_found(text); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.not_found(p_detail text) RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
begin
  -- Volatile, so a named read's `coalesce((select …), api.not_found('…'))` calls it only when nothing was found
  -- (a stable or immutable call with constant arguments could be folded while planning).
  raise exception using errcode = 'NK404', message = 'not_found', detail = p_detail;
end;
$$;


ALTER FUNCTION api.not_found(p_detail text) OWNER TO nakksha_owner;

--
-- Name: FUNCTION not_found(p_detail text); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.not_found(p_detail text) IS 'Raise NK404 not_found with the detail given: a named read''s answer when the policies show it no row.';


--
-- Name: payment_transactions; Type: TABLE; Schema: app; Owner: nakksha_owner
--

CREATE TABLE app.payment_transactions (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    consultant_id uuid NOT NULL,
    purpose text NOT NULL,
    session_id uuid,
    quotation_id uuid,
    client_id uuid,
    amount numeric(10,2) NOT NULL,
    currency text DEFAULT 'INR'::text NOT NULL,
    amount_refunded numeric(10,2) DEFAULT 0 NOT NULL,
    gateway text NOT NULL,
    gateway_order_id text,
    gateway_payment_id text,
    gateway_signature text,
    payment_method text,
    status text DEFAULT 'pending'::text NOT NULL,
    failure_reason text,
    paid_at timestamp with time zone,
    metadata jsonb DEFAULT '{}'::jsonb NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    last_checked_at timestamp with time zone,
    commission_plan text,
    commission_percent numeric(5,2),
    commission_min numeric(10,2),
    commission_gst_percent numeric(5,2),
    commission numeric(12,2),
    commission_gst numeric(12,2),
    tcs_basis_points integer,
    tcs numeric(12,2),
    tds_basis_points integer,
    tds numeric(12,2),
    CONSTRAINT payment_transactions_amount_range CHECK ((amount >= (0)::numeric)),
    CONSTRAINT payment_transactions_amount_refunded_range CHECK (((amount_refunded >= (0)::numeric) AND (amount_refunded <= amount))),
    CONSTRAINT payment_transactions_commission_fits CHECK ((((commission IS NULL) AND (commission_gst IS NULL) AND (tcs IS NULL) AND (tds IS NULL)) OR ((commission >= (0)::numeric) AND (commission_gst >= (0)::numeric) AND (COALESCE(tcs, (0)::numeric) >= (0)::numeric) AND (COALESCE(tds, (0)::numeric) >= (0)::numeric) AND ((((commission + commission_gst) + COALESCE(tcs, (0)::numeric)) + COALESCE(tds, (0)::numeric)) <= amount) AND (commission_plan IS NOT NULL) AND (commission_percent IS NOT NULL) AND (commission_gst_percent IS NOT NULL) AND ((tcs IS NULL) = (tcs_basis_points IS NULL)) AND ((tds IS NULL) = (tds_basis_points IS NULL))))),
    CONSTRAINT payment_transactions_completed_paid_at CHECK (((status <> ALL (ARRAY['completed'::text, 'refunded'::text, 'partially_refunded'::text])) OR (paid_at IS NOT NULL))),
    CONSTRAINT payment_transactions_currency_format CHECK ((currency ~ '^[A-Z]{3}$'::text)),
    CONSTRAINT payment_transactions_gateway_valid CHECK ((gateway = ANY (ARRAY['razorpay'::text, 'local'::text, 'cash'::text, 'bank_transfer'::text, 'upi_direct'::text]))),
    CONSTRAINT payment_transactions_metadata_shape CHECK ((jsonb_typeof(metadata) = 'object'::text)),
    CONSTRAINT payment_transactions_purpose_target CHECK ((((purpose = 'session'::text) AND (session_id IS NOT NULL) AND (quotation_id IS NULL)) OR ((purpose = 'quotation'::text) AND (quotation_id IS NOT NULL) AND (session_id IS NULL)) OR ((purpose = 'subscription'::text) AND (session_id IS NULL) AND (quotation_id IS NULL)))),
    CONSTRAINT payment_transactions_purpose_valid CHECK ((purpose = ANY (ARRAY['session'::text, 'quotation'::text, 'subscription'::text]))),
    CONSTRAINT payment_transactions_status_valid CHECK ((status = ANY (ARRAY['pending'::text, 'completed'::text, 'failed'::text, 'refunded'::text, 'partially_refunded'::text, 'cancelled'::text])))
);


ALTER TABLE app.payment_transactions OWNER TO nakksha_owner;

--
-- Name: TABLE payment_transactions; Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON TABLE app.payment_transactions IS 'Money in: one row per gateway order (or offline payment). Amounts in rupees; paise only at Razorpay''s edge.';


--
-- Name: COLUMN payment_transactions.commission; Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON COLUMN app.payment_transactions.commission IS 'The platform''s commission on this payment, fixed when it was captured (its plan''s rates then), never recomputed; NULL for money the platform did not collect.';


--
-- Name: COLUMN payment_transactions.commission_gst; Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON COLUMN app.payment_transactions.commission_gst IS 'GST on the commission (commission_gst_percent of it), charged to the consultant.';


--
-- Name: COLUMN payment_transactions.tcs; Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON COLUMN app.payment_transactions.tcs IS 'GST TCS the platform collects as the e-commerce operator (CGST Act s.52): tcs_basis_points of the taxable value, for a consultant registered under the regular scheme; 0 otherwise; NULL before TCS was assessed.';


--
-- Name: COLUMN payment_transactions.tds; Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON COLUMN app.payment_transactions.tds IS 'Income-tax TDS on e-commerce payments (s.194-O): tds_basis_points of the gross amount (the no-PAN rate without a PAN; 0 under the threshold); NULL before TDS was assessed.';


--
-- Name: payment_json(app.payment_transactions); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.payment_json(p_t app.payment_transactions) RETURNS jsonb
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  -- Runs with the caller's rights (like api.session_json): the session, client and refunds come through RLS.
  select jsonb_build_object('id', p_t.id, 'purpose', p_t.purpose, 'status', p_t.status,
    'amount', api.money(p_t.amount), 'amount_paise', (p_t.amount * 100)::bigint, 'currency', p_t.currency,
    'amount_refunded', api.money(p_t.amount_refunded),
    'refundable', api.money(case when p_t.status in ('completed', 'partially_refunded')
                       then p_t.amount - coalesce((select sum(r.amount) from app.payment_refunds r
                                                   where r.transaction_id = p_t.id and r.status <> 'failed'), 0)
                       else 0 end),
    'gateway', p_t.gateway, 'gateway_order_id', p_t.gateway_order_id, 'gateway_payment_id', p_t.gateway_payment_id,
    'payment_method', p_t.payment_method, 'failure_reason', p_t.failure_reason, 'paid_at', p_t.paid_at,
    'duplicate', coalesce((p_t.metadata->>'duplicate')::boolean, false),
    'created_at', p_t.created_at, 'updated_at', p_t.updated_at,
    'session', (select jsonb_build_object('id', s.id, 'title', s.title, 'session_type', s.session_type,
                  'starts_at', s.starts_at, 'status', s.status, 'payment_status', s.payment_status)
                from app.sessions s where s.id = p_t.session_id),
    'client', (select jsonb_build_object('id', c.id, 'name', c.name, 'email', c.email::text)
               from app.clients c where c.id = p_t.client_id),
    'refunds', coalesce((select jsonb_agg(jsonb_build_object('id', r.id, 'amount', api.money(r.amount), 'reason', r.reason,
                           'initiated_by', r.initiated_by, 'status', r.status, 'gateway_refund_id', r.gateway_refund_id,
                           'failure_reason', r.failure_reason, 'processed_at', r.processed_at, 'created_at', r.created_at)
                           order by r.created_at, r.id)
                         from app.payment_refunds r where r.transaction_id = p_t.id), '[]'))
$$;


ALTER FUNCTION api.payment_json(p_t app.payment_transactions) OWNER TO nakksha_owner;

--
-- Name: FUNCTION payment_json(p_t app.payment_transactions); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.payment_json(p_t app.payment_transactions) IS 'A payment as its consultant sees it: amounts, gateway ids, session, client and refunds.';


--
-- Name: payment_order(text, text); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.payment_order(p_gateway text, p_order_id text) RETURNS jsonb
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
  select jsonb_build_object('transaction_id', t.id, 'order_id', t.gateway_order_id, 'status', t.status,
                            'payment_id', t.gateway_payment_id, 'amount_paise', (t.amount * 100)::bigint)
  from app.payment_transactions t
  where t.gateway = p_gateway and t.gateway_order_id = p_order_id
$$;


ALTER FUNCTION api.payment_order(p_gateway text, p_order_id text) OWNER TO nakksha_owner;

--
-- Name: FUNCTION payment_order(p_gateway text, p_order_id text); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.payment_order(p_gateway text, p_order_id text) IS 'The order we stored (for checking a checkout signature against our own order id), or NULL. Definer: the public page and booking: an anonymous visitor reads or books a published consultant''s page by slug, across tenants, and writes what no web role may (seats, holds, payments, counters).';


--
-- Name: period_bounds(text, date, date, date); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.period_bounds(p_timeframe text, p_from date, p_to date, p_today date) RETURNS TABLE(starts date, ends date)
    LANGUAGE plpgsql IMMUTABLE
    SET search_path TO ''
    AS $$
begin
  -- Periods to date, as local dates [starts, ends] inclusive; custom is the given dates.
  starts := case p_timeframe
    when 'today' then p_today
    when 'week' then p_today - (extract(isodow from p_today)::integer - 1)
    when 'month' then date_trunc('month', p_today)::date
    when 'quarter' then date_trunc('quarter', p_today)::date
    when 'year' then date_trunc('year', p_today)::date
    when 'fy' then make_date(extract(year from p_today)::integer - case when extract(month from p_today) < 4 then 1 else 0 end, 4, 1)
    when 'custom' then p_from
  end;
  ends := case when p_timeframe = 'custom' then p_to else p_today end;
  if starts is null or ends is null then
    raise exception using errcode = 'NK422', message = 'validation_error',
      detail = 'timeframe is one of today, week, month, quarter, year, fy, custom (custom needs from and to).',
      hint = 'field:timeframe';
  end if;
  if ends < starts or ends - starts > 3660 then
    raise exception using errcode = 'NK422', message = 'validation_error',
      detail = 'to must be on or after from, at most ten years later.', hint = 'field:to';
  end if;
  return next;
end;
$$;


ALTER FUNCTION api.period_bounds(p_timeframe text, p_from date, p_to date, p_today date) OWNER TO nakksha_owner;

--
-- Name: FUNCTION period_bounds(p_timeframe text, p_from date, p_to date, p_today date); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.period_bounds(p_timeframe text, p_from date, p_to date, p_today date) IS 'A timeframe as local dates: periods to date (week from Monday, fy from 1 April) or custom.';


--
-- Name: period_days(uuid, date, date, date, app.daily_analytics); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.period_days(p_consultant_id uuid, p_starts date, p_ends date, p_today date, p_live app.daily_analytics) RETURNS SETOF app.daily_analytics
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$
  -- The period's stored days, with today replaced by its live computation (p_live: api.live_day, NULL when
  -- today has nothing), so a booking made a second ago counts whatever the job has done.
  select d.* from app.daily_analytics d
  where d.consultant_id = p_consultant_id and d.date between p_starts and p_ends and d.date <> p_today
  union all
  select (p_live).* where (p_live).consultant_id is not null and (p_live).date between p_starts and p_ends;
$$;


ALTER FUNCTION api.period_days(p_consultant_id uuid, p_starts date, p_ends date, p_today date, p_live app.daily_analytics) OWNER TO nakksha_owner;

--
-- Name: FUNCTION period_days(p_consultant_id uuid, p_starts date, p_ends date, p_today date, p_live app.daily_analytics); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.period_days(p_consultant_id uuid, p_starts date, p_ends date, p_today date, p_live app.daily_analytics) IS 'daily_analytics rows of a period, today''s given computed live (api.live_day).';


--
-- Name: plans_json(); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.plans_json() RETURNS jsonb
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  select coalesce(jsonb_agg(jsonb_build_object('code', p.code, 'name', p.name,
                                               'price_monthly', api.money(p.price_monthly),
                                               'commission_percent', p.commission_percent,
                                               'commission_min', api.money(p.commission_min))
                            order by p.position, p.code), '[]')
  from app.plans p
$$;


ALTER FUNCTION api.plans_json() OWNER TO nakksha_owner;

--
-- Name: FUNCTION plans_json(); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.plans_json() IS 'The plans as the API answers them: code, name, monthly price, commission percent and minimum (money as strings).';


--
-- Name: prune_idempotency_keys(); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.prune_idempotency_keys() RETURNS integer
    LANGUAGE sql
    SET search_path TO ''
    AS $$
  with gone as (delete from app.idempotency_keys where created_at < now() - interval '24 hours' returning 1)
  select count(*)::integer from gone
$$;


ALTER FUNCTION api.prune_idempotency_keys() OWNER TO nakksha_owner;

--
-- Name: FUNCTION prune_idempotency_keys(); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.prune_idempotency_keys() IS 'Delete Idempotency-Keys older than 24 hours (they already count as absent); run nightly.';


--
-- Name: prune_rate_limits(); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.prune_rate_limits() RETURNS integer
    LANGUAGE sql
    SET search_path TO ''
    AS $$
  with gone as (delete from app.rate_limit_hits where window_start < now() - interval '1 day' returning 1)
  select count(*)::integer from gone
$$;


ALTER FUNCTION api.prune_rate_limits() OWNER TO nakksha_owner;

--
-- Name: FUNCTION prune_rate_limits(); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.prune_rate_limits() IS 'Delete counters of windows that ended more than a day ago.';


--
-- Name: public_accept_quotation(bytea, text, text); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.public_accept_quotation(p_token_hash bytea, p_gateway text, p_order_id text) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
declare
  v_q app.quotations := app_private.public_quotation_row(p_token_hash, true);
begin
  if v_q.status = 'accepted' then
    -- A repeated click answers the same payment. An order given up unpaid (reconciliation cancels orders
    -- nobody paid) is replaced by the fresh one, so an accepted quotation can always still be paid.
    if p_order_id is not null and v_q.paid_at is null and not exists (
        select 1 from app.payment_transactions t
        where t.quotation_id = v_q.id and t.status in ('pending', 'failed', 'completed', 'partially_refunded', 'refunded')) then
      insert into app.payment_transactions (consultant_id, purpose, quotation_id, client_id, amount, currency, gateway,
                                            gateway_order_id, status)
      values (v_q.consultant_id, 'quotation', v_q.id, v_q.client_id, v_q.final_amount, v_q.currency, p_gateway,
              p_order_id, 'pending');
    end if;
    return app_private.public_quotation_json(v_q);
  end if;
  -- Under the row lock: the expiry job and this cannot both win.
  perform app_private.respondable(v_q);
  update app.quotations set status = 'accepted', responded_at = now(), response_reason = null
  where id = v_q.id returning * into v_q;
  if v_q.final_amount > 0 then
    if p_order_id is null then
      raise exception using errcode = 'NK422', message = 'order_required', detail = 'A paid quotation needs its order.';
    end if;
    insert into app.payment_transactions (consultant_id, purpose, quotation_id, client_id, amount, currency, gateway,
                                          gateway_order_id, status)
    values (v_q.consultant_id, 'quotation', v_q.id, v_q.client_id, v_q.final_amount, v_q.currency, p_gateway,
            p_order_id, 'pending');
  end if;
  perform app_private.notify_consultant_of_quotation(v_q, 'quotation_responded');
  return app_private.public_quotation_json(v_q);
end;
$$;


ALTER FUNCTION api.public_accept_quotation(p_token_hash bytea, p_gateway text, p_order_id text) OWNER TO nakksha_owner;

--
-- Name: FUNCTION public_accept_quotation(p_token_hash bytea, p_gateway text, p_order_id text); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.public_accept_quotation(p_token_hash bytea, p_gateway text, p_order_id text) IS 'The client accepts: sent|viewed → accepted, its payment order recorded, the consultant told; NK409 if expired. Definer: a visitor holding a link''s token: the row is found by the token''s hash with no signed-in caller, and its status changes are the function''s alone.';


--
-- Name: public_booking(bytea); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.public_booking(p_token_hash bytea) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
begin
  return app_private.manage_view(app_private.managed_session(p_token_hash));
end;
$$;


ALTER FUNCTION api.public_booking(p_token_hash bytea) OWNER TO nakksha_owner;

--
-- Name: FUNCTION public_booking(p_token_hash bytea); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.public_booking(p_token_hash bytea) IS 'The client''s view of their booking through the manage link. Definer: a visitor holding a link''s token: the row is found by the token''s hash with no signed-in caller, and its status changes are the function''s alone.';


--
-- Name: public_cancel_booking(bytea, text); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.public_cancel_booking(p_token_hash bytea, p_reason text) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
declare
  v_s app.sessions := app_private.managed_session(p_token_hash);
  v_view jsonb := app_private.manage_view(v_s);
  v_refund numeric(10, 2);
begin
  -- Within the consultant's cut-off only; the refund is the ladder's, stated in the answer.
  if not (v_view->>'can_cancel')::boolean then
    raise exception using errcode = 'NK409', message = case when v_s.status in ('pending', 'confirmed')
      then 'cancellation_window_closed' else 'invalid_transition' end,
      detail = case when v_s.status in ('pending', 'confirmed')
        then format('Bookings can be cancelled up to %s hours before they start.', v_view->>'cancellation_cutoff_hours')
        else format('A %s booking cannot be cancelled.', v_s.status) end;
  end if;
  update app.sessions set status = 'cancelled', cancelled_by = 'client', cancellation_reason = nullif(btrim(p_reason), '')
  where id = v_s.id returning * into v_s;
  -- The ladder's share of what was paid goes back (a job through the gateway); the consultant is told.
  v_refund := app_private.refund_for_cancellation(v_s, (v_view->'refund_if_cancelled_now'->>'percent')::integer,
                'Cancelled by the client', 'client_policy');
  perform app_private.queue_session_emails(v_s, 'cancelled_by_client', jsonb_build_object('refund_amount', v_refund::text));
  select * into v_s from app.sessions where id = v_s.id;
  -- What was refunded, not what the page said a moment before (a refund may have been made in between).
  return app_private.booking_json(v_s) || jsonb_build_object('refund_due', jsonb_build_object(
    'percent', v_view->'refund_if_cancelled_now'->'percent', 'amount', api.money(v_refund)));
end;
$$;


ALTER FUNCTION api.public_cancel_booking(p_token_hash bytea, p_reason text) OWNER TO nakksha_owner;

--
-- Name: FUNCTION public_cancel_booking(p_token_hash bytea, p_reason text); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.public_cancel_booking(p_token_hash bytea, p_reason text) IS 'The client cancels through the manage link, within policy; answers the refund due. Definer: a visitor holding a link''s token: the row is found by the token''s hash with no signed-in caller, and its status changes are the function''s alone.';


--
-- Name: public_consultant(text); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.public_consultant(p_slug text) RETURNS jsonb
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
declare
  v_c app.consultants := app_private.published_consultant(p_slug);
begin
  return jsonb_build_object(
    'slug', v_c.slug, 'first_name', v_c.first_name, 'last_name', v_c.last_name,
    'profile_photo_url', v_c.profile_photo_url, 'consultancy_sector', v_c.consultancy_sector,
    'description', v_c.description, 'experience_months', v_c.experience_months,
    'personal_session_title', v_c.personal_session_title, 'webinar_session_title', v_c.webinar_session_title,
    'personal_session_price', api.money(v_c.personal_session_price), 'webinar_session_price', api.money(v_c.webinar_session_price),
    'currency', v_c.currency, 'timezone', v_c.timezone,
    'instagram_url', v_c.instagram_url, 'linkedin_url', v_c.linkedin_url, 'twitter_url', v_c.twitter_url,
    'booking_policy', jsonb_build_object('min_notice_minutes', v_c.min_notice_minutes,
      'max_days_ahead', v_c.max_days_ahead, 'client_cutoff_hours', v_c.cancellation_policy->'client_cutoff_hours',
      'refund_ladder', v_c.cancellation_policy->'refund_ladder',
      'max_reschedules', v_c.cancellation_policy->'max_reschedules'),
    -- How long each kind of session lasts: the distinct lengths of the slots still offered (a rule's slot
    -- minutes, or a one-off slot's), shortest first; empty when none is offered.
    'personal_session_minutes', app_private.offered_minutes(v_c, 'personal'),
    'webinar_session_minutes', app_private.offered_minutes(v_c, 'webinar'));
end;
$$;


ALTER FUNCTION api.public_consultant(p_slug text) OWNER TO nakksha_owner;

--
-- Name: FUNCTION public_consultant(p_slug text); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.public_consultant(p_slug text) IS 'A published consultant''s public profile (404 unless approved and active). Definer: the public page and booking: an anonymous visitor reads or books a published consultant''s page by slug, across tenants, and writes what no web role may (seats, holds, payments, counters).';


--
-- Name: public_quotation(bytea, text); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.public_quotation(p_token_hash bytea, p_user_agent text) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
declare
  v_q app.quotations := app_private.public_quotation_row(p_token_hash, true);
  v_first boolean;
begin
  -- An opening counts unless the same browser (its User-Agent) was counted on this quotation in the last ten
  -- minutes: a client reloading or coming back to the tab is one view, not several. Under the row lock, so two
  -- reloads at once cannot both count.
  if exists (select 1 from app.quotation_views v
             where v.quotation_id = v_q.id and v.user_agent is not distinct from left(p_user_agent, 300)
               and v.viewed_at > now() - interval '10 minutes') then
    return app_private.public_quotation_json(v_q);
  end if;
  -- The first counted opening moves sent → viewed and tells the consultant, exactly once.
  update app.quotations set view_count = view_count + 1, last_viewed_at = now()
  where id = v_q.id returning * into v_q;
  -- The history keeps the first thousand openings (the count keeps counting): a link passed around or
  -- hammered cannot grow the table without bound.
  if v_q.view_count <= 1000 then
    insert into app.quotation_views (consultant_id, quotation_id, user_agent)
    values (v_q.consultant_id, v_q.id, left(p_user_agent, 300));
  end if;
  if v_q.status = 'sent' and coalesce(v_q.expires_at > now(), true) then
    update app.quotations set status = 'viewed' where id = v_q.id and status = 'sent' returning * into v_q;
    v_first := found;
    if v_first then
      perform app_private.notify_consultant_of_quotation(v_q, 'quotation_viewed');
    end if;
  end if;
  return app_private.public_quotation_json(v_q);
end;
$$;


ALTER FUNCTION api.public_quotation(p_token_hash bytea, p_user_agent text) OWNER TO nakksha_owner;

--
-- Name: FUNCTION public_quotation(p_token_hash bytea, p_user_agent text); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.public_quotation(p_token_hash bytea, p_user_agent text) IS 'The client opens the link: counted (not again for the same browser within ten minutes), sent → viewed on the first view (consultant told once). Definer: a visitor holding a link''s token: the row is found by the token''s hash with no signed-in caller, and its status changes are the function''s alone.';


--
-- Name: public_quotation_peek(bytea); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.public_quotation_peek(p_token_hash bytea) RETURNS jsonb
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
declare
  v_q app.quotations := app_private.public_quotation_row(p_token_hash, false);
begin
  -- Before an order is made for an acceptance: would it be accepted, and is there an order already?
  -- needs_order: an acceptance would record a payment order — a first acceptance of an amount, or an accepted,
  -- unpaid quotation whose order was given up (the same condition public_accept_quotation applies).
  return app_private.public_quotation_json(v_q) || jsonb_build_object('quotation_id', v_q.id,
    'consultant_id', v_q.consultant_id, 'amount_paise', (v_q.final_amount * 100)::bigint,
    'needs_order', v_q.final_amount > 0 and (
      (v_q.status in ('sent', 'viewed') and coalesce(v_q.expires_at > now(), true))
      or (v_q.status = 'accepted' and v_q.paid_at is null and not exists (
            select 1 from app.payment_transactions t where t.quotation_id = v_q.id
              and t.status in ('pending', 'failed', 'completed', 'partially_refunded', 'refunded')))));
end;
$$;


ALTER FUNCTION api.public_quotation_peek(p_token_hash bytea) OWNER TO nakksha_owner;

--
-- Name: FUNCTION public_quotation_peek(p_token_hash bytea); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.public_quotation_peek(p_token_hash bytea) IS 'A quotation behind a link without counting a view (the accept step reads it before making an order). Definer: a visitor holding a link''s token: the row is found by the token''s hash with no signed-in caller, and its status changes are the function''s alone.';


--
-- Name: public_reject_quotation(bytea, text); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.public_reject_quotation(p_token_hash bytea, p_reason text) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
declare
  v_q app.quotations := app_private.public_quotation_row(p_token_hash, true);
begin
  if v_q.status = 'rejected' then
    return app_private.public_quotation_json(v_q);
  end if;
  perform app_private.respondable(v_q);
  update app.quotations set status = 'rejected', responded_at = now(), response_reason = nullif(btrim(p_reason), '')
  where id = v_q.id returning * into v_q;
  perform app_private.notify_consultant_of_quotation(v_q, 'quotation_responded');
  return app_private.public_quotation_json(v_q);
end;
$$;


ALTER FUNCTION api.public_reject_quotation(p_token_hash bytea, p_reason text) OWNER TO nakksha_owner;

--
-- Name: FUNCTION public_reject_quotation(p_token_hash bytea, p_reason text); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.public_reject_quotation(p_token_hash bytea, p_reason text) IS 'The client declines (with an optional reason): sent|viewed → rejected, the consultant told. Definer: a visitor holding a link''s token: the row is found by the token''s hash with no signed-in caller, and its status changes are the function''s alone.';


--
-- Name: public_reschedule_booking(bytea, uuid); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.public_reschedule_booking(p_token_hash bytea, p_slot_id uuid) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
declare
  v_s app.sessions := app_private.managed_session(p_token_hash);
  v_view jsonb := app_private.manage_view(v_s);
  v_c app.consultants;
  v_slot app.availability_slots;
  v_wait integer;
begin
  if not (v_view->>'can_reschedule')::boolean then
    raise exception using errcode = 'NK409', message = 'reschedule_not_allowed',
      detail = 'This booking cannot be moved any more (too close to its start, not confirmed, or moved too often).';
  end if;
  select * into v_c from app.consultants where id = v_s.consultant_id;
  perform app_private.abandon_expired_holds(v_c.id);
  select * into v_slot from app.availability_slots
  where id = p_slot_id and consultant_id = v_s.consultant_id for update;
  if v_slot.id is null or v_slot.session_type <> v_s.session_type then
    raise exception using errcode = 'NK404', message = 'slot_not_found', detail = 'No such slot for this booking.',
      hint = 'field:slot_id';
  end if;
  if v_slot.id = v_s.slot_id or not app_private.slot_is_free(v_c, v_slot, v_s.id) then
    raise exception using errcode = 'NK409', message = 'slot_taken', detail = 'That time is not available.',
      hint = 'field:slot_id';
  end if;
  -- Whoever holds the link (the 201 answer carried it) mails the client's address with each move: a move counts
  -- against that mailbox's mails of the day like a free booking's confirmation, and is refused past it.
  v_wait := app_private.count_recipient_mail((select cl.email::text from app.clients cl where cl.id = v_s.client_id));
  if v_wait > 0 then
    perform app_private.too_many('rate_limited',
      'This booking''s email address has received the most booking emails allowed today; try again tomorrow.', v_wait);
  end if;
  -- One statement moves the booking: the old seat is released and the new one taken together, so it is
  -- never in two slots and never in none (the exclusion constraint checks the new time).
  update app.sessions set slot_id = v_slot.id, starts_at = v_slot.starts_at, ends_at = v_slot.ends_at,
    reschedule_count = reschedule_count + 1
  where id = v_s.id returning * into v_s;
  perform app_private.queue_session_emails(v_s, 'rescheduled_by_client',
    jsonb_build_object('previous_starts_at', (v_view->>'starts_at')::timestamptz));
  return app_private.manage_view(v_s);
end;
$$;


ALTER FUNCTION api.public_reschedule_booking(p_token_hash bytea, p_slot_id uuid) OWNER TO nakksha_owner;

--
-- Name: FUNCTION public_reschedule_booking(p_token_hash bytea, p_slot_id uuid); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.public_reschedule_booking(p_token_hash bytea, p_slot_id uuid) IS 'The client moves a confirmed booking to another free slot, atomically, within policy and the address''s mails of the day (NK429). Definer: a visitor holding a link''s token: the row is found by the token''s hash with no signed-in caller, and its status changes are the function''s alone.';


--
-- Name: public_slots(text, text, timestamp with time zone, timestamp with time zone); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.public_slots(p_slug text, p_session_type text, p_from timestamp with time zone, p_to timestamp with time zone) RETURNS json
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
declare
  v_c app.consultants := app_private.published_consultant(p_slug);
  -- One answer covers at most 31 days (a wider range is clamped: the answer says its own end) and 1000 slots.
  v_widest constant interval := interval '31 days';
  v_most constant integer := 1000;
  v_from timestamptz := coalesce(p_from, now());
  v_to timestamptz;
  v_width interval;
  v_items text;
  v_count integer;
  v_last timestamptz;
begin
  if p_to is not null and p_to <= v_from then
    raise exception using errcode = 'NK422', message = 'validation_error', detail = 'to must be after from.',
      hint = 'field:to';
  end if;
  v_to := least(coalesce(p_to, v_from + interval '7 days'), v_from + v_widest);
  v_width := v_to - v_from;
  -- One slot more than a page says whether the range holds more: then the answer ends where that slot's start
  -- time begins (a personal slot and a webinar may share it), and `next` carries on from there. Never a silent
  -- cut. Asked again up to that start, the range holds at most a page (the second round is the last).
  -- The JSON is written as text (uuids, two fixed words, UTC times and integers need no escaping): building
  -- a jsonb value per slot cost several times the query itself (issue 20, bench/slots_sql.py).
  loop
    select string_agg('{"slot_id":"' || f.slot_id::text || '","session_type":"' || f.session_type
                      || '","starts_at":"' || app_private.utc_text(f.starts_at)
                      || '","ends_at":"' || app_private.utc_text(f.ends_at)
                      || '","capacity":' || f.capacity::text || ',"remaining":' || f.remaining::text || '}',
                      ',' order by f.starts_at, f.session_type),
           count(*), max(f.starts_at)
    into v_items, v_count, v_last
    from app_private.free_slots(v_c, p_session_type, v_from, v_to, v_most + 1) f;
    exit when v_count <= v_most or v_last <= v_from;
    v_to := v_last;
  end loop;
  -- Nothing starting after the booking horizon can be booked: there the paging ends.
  return ('{"from":"' || app_private.utc_text(v_from) || '","to":"' || app_private.utc_text(v_to)
          || '","items":[' || coalesce(v_items, '') || '],"next":'
          || case when v_to <= now() + make_interval(days => v_c.max_days_ahead)
                  then '{"from":"' || app_private.utc_text(v_to) || '","to":"' || app_private.utc_text(v_to + v_width)
                       || '"}'
                  else 'null' end
          || '}')::json;
end;
$$;


ALTER FUNCTION api.public_slots(p_slug text, p_session_type text, p_from timestamp with time zone, p_to timestamp with time zone) OWNER TO nakksha_owner;

--
-- Name: FUNCTION public_slots(p_slug text, p_session_type text, p_from timestamp with time zone, p_to timestamp with time zone); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.public_slots(p_slug text, p_session_type text, p_from timestamp with time zone, p_to timestamp with time zone) IS 'One page of a published consultant''s free slots: those starting in [from, to) (at most 31 days and 1000 slots; the answer states the range it covers) and the next range, or null past the booking horizon; every time as UTC text (app_private.utc_text). Definer: the public page and booking: an anonymous visitor reads or books a published consultant''s page by slug, across tenants, and writes what no web role may (seats, holds, payments, counters).';


--
-- Name: publish_my_page(); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.publish_my_page() RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_id uuid := api.require_approved();
begin
  -- The checklist is the trigger's to enforce (app.guard_publication: NK409 setup_incomplete listing what is
  -- missing); publishing a published page keeps the date it first went live.
  update app.consultants set published_at = now() where id = v_id and published_at is null;
  return api.my_page_status();
end;
$$;


ALTER FUNCTION api.publish_my_page() OWNER TO nakksha_owner;

--
-- Name: FUNCTION publish_my_page(); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.publish_my_page() IS 'Publish the caller''s page: approved, with every step of the setup checklist done (else NK409 setup_incomplete, the missing steps in its detail).';


--
-- Name: quotation_client(uuid, uuid, text, text); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.quotation_client(p_consultant_id uuid, p_client_id uuid, p_name text, p_email text) RETURNS TABLE(client_id uuid, client_name text, client_email text)
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $$
declare
  v_c app.clients;
begin
  -- An existing client by id (theirs, or 404), else name and email, linked to their client with that email.
  if p_client_id is not null then
    select * into v_c from app.clients c where c.id = p_client_id and c.consultant_id = p_consultant_id;
    if v_c.id is null then
      raise exception using errcode = 'NK404', message = 'client_not_found', detail = 'No such client.',
        hint = 'field:client_id';
    end if;
    return query select v_c.id, v_c.name, v_c.email::text;
    return;
  end if;
  if nullif(btrim(p_name), '') is null or nullif(btrim(p_email), '') is null then
    raise exception using errcode = 'NK422', message = 'validation_error',
      detail = 'Give an existing client_id, or the client''s name and email.', hint = 'field:client';
  end if;
  select * into v_c from app.clients c where c.consultant_id = p_consultant_id and c.email = lower(btrim(p_email));
  return query select v_c.id, btrim(p_name), lower(btrim(p_email));
end;
$$;


ALTER FUNCTION api.quotation_client(p_consultant_id uuid, p_client_id uuid, p_name text, p_email text) OWNER TO nakksha_owner;

--
-- Name: FUNCTION quotation_client(p_consultant_id uuid, p_client_id uuid, p_name text, p_email text); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.quotation_client(p_consultant_id uuid, p_client_id uuid, p_name text, p_email text) IS 'Resolve a quotation''s client: an id of theirs, or name and email (linked when the email is a client''s).';


--
-- Name: quotation_items_from(jsonb, text); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.quotation_items_from(p_body jsonb, p_name text) RETURNS jsonb
    LANGUAGE plpgsql IMMUTABLE
    SET search_path TO ''
    AS $$
begin
  -- `items` when given; else the single amount of the API before lines (base_amount) as one line named after the
  -- quotation, so an old client's body still makes the same quotation; else null (nothing to change). A null is
  -- an absent key (the app's bodies list every field).
  if p_body ? 'items' and p_body->'items' <> 'null' then
    if jsonb_typeof(p_body->'items') <> 'array' or jsonb_array_length(p_body->'items') = 0 then
      raise exception using errcode = 'NK422', message = 'validation_error',
        detail = 'Give at least one line: a description, a quantity and a unit price.', hint = 'field:items';
    end if;
    if jsonb_array_length(p_body->'items') > 100 then
      raise exception using errcode = 'NK422', message = 'validation_error',
        detail = 'A quotation has at most 100 lines.', hint = 'field:items';
    end if;
    return p_body->'items';
  end if;
  if p_body ? 'base_amount' and p_body->'base_amount' <> 'null' then
    return jsonb_build_array(jsonb_build_object('description', p_name, 'quantity', 1,
                                                'unit_price', p_body->'base_amount'));
  end if;
  return null;
end;
$$;


ALTER FUNCTION api.quotation_items_from(p_body jsonb, p_name text) OWNER TO nakksha_owner;

--
-- Name: FUNCTION quotation_items_from(p_body jsonb, p_name text); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.quotation_items_from(p_body jsonb, p_name text) IS 'The lines a create or patch body asks for: its items, or its base_amount as one line named after the quotation (the API before lines), or null.';


--
-- Name: quotation_items_json(uuid); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.quotation_items_json(p_quotation_id uuid) RETURNS jsonb
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  -- Quantities as people write them ("1", "2.5"), amounts as every amount in the API ("1499.50").
  select coalesce(jsonb_agg(jsonb_build_object(
           'description', i.description, 'quantity', trim_scale(i.quantity)::text,
           'unit_price', api.money(i.unit_price), 'amount', api.money(i.amount)) order by i.position), '[]')
  from app.quotation_items i where i.quotation_id = p_quotation_id
$$;


ALTER FUNCTION api.quotation_items_json(p_quotation_id uuid) OWNER TO nakksha_owner;

--
-- Name: FUNCTION quotation_items_json(p_quotation_id uuid); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.quotation_items_json(p_quotation_id uuid) IS 'A quotation''s lines in order: description, quantity, unit_price, amount (quantity × unit price). Runs with its caller''s rights: the policies decide.';


--
-- Name: quotation_json(app.quotations); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.quotation_json(p_q app.quotations) RETURNS jsonb
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  select jsonb_build_object(
    'id', p_q.id, 'client_id', p_q.client_id, 'client_name', p_q.client_name, 'client_email', p_q.client_email::text,
    'quotation_name', p_q.quotation_name, 'description', p_q.description, 'items', api.quotation_items_json(p_q.id),
    'base_amount', api.money(p_q.base_amount),
    'discount_percentage', p_q.discount_percentage, 'discount_amount', api.money(p_q.base_amount - p_q.final_amount),
    'final_amount', api.money(p_q.final_amount), 'currency', p_q.currency,
    'validity_period', p_q.validity_period, 'expires_at', p_q.expires_at,
    -- A quotation past its expiry reads as expired at once, before the periodic job records it.
    'status', case when p_q.status in ('sent', 'viewed') and p_q.expires_at <= now() then 'expired' else p_q.status end,
    'notes', p_q.notes, 'quotation_image_url', p_q.quotation_image_url, 'view_count', p_q.view_count,
    'last_viewed_at', p_q.last_viewed_at, 'sent_at', p_q.sent_at, 'responded_at', p_q.responded_at,
    'response_reason', p_q.response_reason, 'paid_at', p_q.paid_at, 'created_at', p_q.created_at,
    'updated_at', p_q.updated_at)
$$;


ALTER FUNCTION api.quotation_json(p_q app.quotations) OWNER TO nakksha_owner;

--
-- Name: FUNCTION quotation_json(p_q app.quotations); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.quotation_json(p_q app.quotations) IS 'A quotation as the API answers it (never its token hash): its lines, their sum (base_amount), the discount and the final amount.';


--
-- Name: quotation_stats(text, date, date); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.quotation_stats(p_timeframe text, p_from date, p_to date) RETURNS jsonb
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $$
declare
  v_consultant uuid := api.require_approved();
  v_tz text := (select c.timezone from app.consultants c where c.id = v_consultant);
  -- Plain dates, not a record: 'all' leaves them null, and an unassigned record's fields cannot be read.
  v_starts date;
  v_ends date;
  p_from_at timestamptz;
  p_to_at timestamptz;
  v_result jsonb;
begin
  -- The same periods as the dashboard (api.period_bounds, in the consultant's zone); 'all' is all time.
  if p_timeframe <> 'all' then
    select b.starts, b.ends into v_starts, v_ends
    from api.period_bounds(p_timeframe, p_from, p_to, (now() at time zone v_tz)::date) b;
    p_from_at := v_starts::timestamp at time zone v_tz;
    p_to_at := (v_ends + 1)::timestamp at time zone v_tz;
  end if;
  -- Quotations sent in the period, by where they stand now (expired counted by expiry, even before the job).
  with sent as (
    select q.*, case when q.status in ('sent', 'viewed') and q.expires_at <= now() then 'expired'
                     else q.status end as shown
    from app.quotations q  -- the caller's own, by the policy
    where q.sent_at is not null
      and (p_from_at is null or q.sent_at >= p_from_at) and (p_to_at is null or q.sent_at < p_to_at)
  )
  select jsonb_build_object(
    'sent', count(*), 'viewed', count(*) filter (where view_count > 0),
    'accepted', count(*) filter (where shown = 'accepted'), 'rejected', count(*) filter (where shown = 'rejected'),
    'expired', count(*) filter (where shown = 'expired'),
    'pending', count(*) filter (where shown in ('sent', 'viewed')),
    'conversion_rate', api.rate(count(*) filter (where shown = 'accepted'), count(*)),  -- NULL when none sent
    'value_sent', api.money(coalesce(sum(final_amount), 0)),
    'value_accepted', api.money(coalesce(sum(final_amount) filter (where shown = 'accepted'), 0)),
    'value_paid', api.money(coalesce(sum(final_amount) filter (where paid_at is not null), 0)),
    'timeframe', p_timeframe, 'from', v_starts, 'to', v_ends)
  into v_result from sent;
  return v_result;
end;
$$;


ALTER FUNCTION api.quotation_stats(p_timeframe text, p_from date, p_to date) OWNER TO nakksha_owner;

--
-- Name: FUNCTION quotation_stats(p_timeframe text, p_from date, p_to date); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.quotation_stats(p_timeframe text, p_from date, p_to date) IS 'Quotations sent in a period: counts by outcome, conversion rate (accepted / sent, %), values.';


--
-- Name: rate(numeric, numeric); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.rate(p_part numeric, p_whole numeric) RETURNS numeric
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
  -- A percentage with one decimal; NULL when there is nothing to divide by (pages show "—", not 0%).
  select case when coalesce(p_whole, 0) = 0 then null else pg_catalog.round(100.0 * p_part / p_whole, 1) end;
$$;


ALTER FUNCTION api.rate(p_part numeric, p_whole numeric) OWNER TO nakksha_owner;

--
-- Name: FUNCTION rate(p_part numeric, p_whole numeric); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.rate(p_part numeric, p_whole numeric) IS 'part ÷ whole as a percentage, one decimal; NULL when whole is 0 (every rate of the dashboards and analysts'' views).';


--
-- Name: reactivate_consultant(uuid, text); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.reactivate_consultant(p_consultant_id uuid, p_acting_admin_email text DEFAULT NULL::text) RETURNS jsonb
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$ select app_private.set_approval(p_consultant_id, 'reactivated', null, p_acting_admin_email) $$;


ALTER FUNCTION api.reactivate_consultant(p_consultant_id uuid, p_acting_admin_email text) OWNER TO nakksha_owner;

--
-- Name: FUNCTION reactivate_consultant(p_consultant_id uuid, p_acting_admin_email text); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.reactivate_consultant(p_consultant_id uuid, p_acting_admin_email text) IS 'Reactivate a suspended consultant. Definer: an admin action across tenants: checks the acting admin and writes the audit log (no write policy names an admin role).';


--
-- Name: reconcile_due_payments(integer); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.reconcile_due_payments(p_limit integer) RETURNS TABLE(transaction_id uuid, gateway text, order_id text, status text, age_minutes integer)
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
#variable_conflict use_column
begin
  -- Orders not settled by a webhook: those whose hold has run out (or, without a session, half an hour
  -- old), asked about every 5 minutes for a day, then hourly for a week. Claimed by stamping
  -- last_checked_at, with skip locked so two workers never ask about the same order at once.
  return query
    with due as (
      select t.id from app.payment_transactions t
      left join app.sessions s on s.id = t.session_id
      where t.status in ('pending', 'failed', 'cancelled') and t.gateway in ('razorpay', 'local')
        and t.gateway_order_id is not null
        and t.created_at > now() - interval '7 days'
        and coalesce(s.hold_expires_at, t.created_at + interval '30 minutes') < now() - interval '2 minutes'
        and (t.last_checked_at is null
             or t.last_checked_at < now() - case when t.created_at > now() - interval '1 day'
                                                 then interval '5 minutes' else interval '1 hour' end)
        and (t.status <> 'cancelled' or t.last_checked_at < now() - interval '1 hour')
      order by t.last_checked_at nulls first, t.created_at
      limit p_limit
      for update of t skip locked)
    update app.payment_transactions t set last_checked_at = now()
    from due where t.id = due.id
    returning t.id, t.gateway, t.gateway_order_id, t.status,
              (extract(epoch from now() - t.created_at) / 60)::integer;
end;
$$;


ALTER FUNCTION api.reconcile_due_payments(p_limit integer) OWNER TO nakksha_owner;

--
-- Name: FUNCTION reconcile_due_payments(p_limit integer); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.reconcile_due_payments(p_limit integer) IS 'Reconciliation: claim a batch of unsettled orders to ask the gateway about.';


--
-- Name: reconcile_due_refunds(integer); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.reconcile_due_refunds(p_limit integer) RETURNS TABLE(refund_id uuid, gateway text, payment_id text, gateway_refund_id text)
    LANGUAGE plpgsql
    SET search_path TO 'public', 'pg_temp'
    AS $$
#variable_conflict use_column
begin
  -- Refunds still pending without a live job (the job gave up after its retries, or a worker died) get a
  -- new one; those the gateway accepted as pending are asked about again.
  perform app_private.defer_job('process_refund', jsonb_build_object('refund_id', r.id), 'payments', null,
                                'refund:' || r.id)
  from app.payment_refunds r
  join app.payment_transactions t on t.id = r.transaction_id
  where r.status = 'pending' and r.gateway_refund_id is null and t.gateway in ('razorpay', 'local')
    and r.updated_at < now() - interval '15 minutes'
    and not exists (select 1 from public.procrastinate_jobs j
                    where j.task_name = 'process_refund' and j.status in ('todo', 'doing')
                      and j.args->>'refund_id' = r.id::text);
  return query
    with due as (
      select r.id from app.payment_refunds r
      where r.status = 'pending' and r.gateway_refund_id is not null and r.updated_at < now() - interval '10 minutes'
      order by r.updated_at limit p_limit for update skip locked)
    update app.payment_refunds r set updated_at = now() from due, app.payment_transactions t
    where r.id = due.id and t.id = r.transaction_id
    returning r.id, t.gateway, t.gateway_payment_id, r.gateway_refund_id;
end;
$$;


ALTER FUNCTION api.reconcile_due_refunds(p_limit integer) OWNER TO nakksha_owner;

--
-- Name: FUNCTION reconcile_due_refunds(p_limit integer); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.reconcile_due_refunds(p_limit integer) IS 'Reconciliation: re-queue stranded refunds; claim those pending at the gateway to ask about.';


--
-- Name: reconcile_give_up_order(uuid); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.reconcile_give_up_order(p_transaction_id uuid) RETURNS text
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_t app.payment_transactions;
  v_s app.sessions;
begin
  select * into v_t from app.payment_transactions where id = p_transaction_id;
  select * into v_s from app.sessions where id = v_t.session_id for update;
  select * into v_t from app.payment_transactions where id = p_transaction_id for update;
  -- Nothing captured an hour after the hold ran out: the order is given up (a capture arriving later still
  -- confirms or refunds through the webhook, and reconciliation keeps asking for a week).
  if v_t.status not in ('pending', 'failed')
     or coalesce(v_s.hold_expires_at, v_t.created_at + interval '30 minutes') > now() - interval '1 hour' then
    return v_t.status;
  end if;
  update app.payment_transactions set status = 'cancelled' where id = v_t.id;
  update app.sessions set payment_status = 'failed' where id = v_s.id and status in ('pending', 'abandoned')
    and payment_status = 'pending';
  return 'cancelled';
end;
$$;


ALTER FUNCTION api.reconcile_give_up_order(p_transaction_id uuid) OWNER TO nakksha_owner;

--
-- Name: FUNCTION reconcile_give_up_order(p_transaction_id uuid); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.reconcile_give_up_order(p_transaction_id uuid) IS 'Reconciliation: an order with nothing captured long after its hold is cancelled.';


--
-- Name: record_payment_failure(text, text, text, text); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.record_payment_failure(p_gateway text, p_order_id text, p_payment_id text, p_reason text) RETURNS jsonb
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$ select app_private.record_payment_failure(p_gateway, p_order_id, p_payment_id, p_reason) $$;


ALTER FUNCTION api.record_payment_failure(p_gateway text, p_order_id text, p_payment_id text, p_reason text) OWNER TO nakksha_owner;

--
-- Name: FUNCTION record_payment_failure(p_gateway text, p_order_id text, p_payment_id text, p_reason text); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.record_payment_failure(p_gateway text, p_order_id text, p_payment_id text, p_reason text) IS 'Verify: the gateway says this payment failed. Definer: the public page and booking: an anonymous visitor reads or books a published consultant''s page by slug, across tenants, and writes what no web role may (seats, holds, payments, counters).';


--
-- Name: refresh_daily_analytics(integer); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.refresh_daily_analytics(p_limit integer DEFAULT 1000) RETURNS integer
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_day record;
  v_count integer := 0;
begin
  -- Marks claimed with skip locked (two workers share the work) and only once their writes committed (an
  -- uncommitted mark is invisible here), so every change is recomputed after it is visible. A day marked
  -- again while this runs is simply recomputed again on the next run.
  for v_day in
    with claimed as (
      delete from app.analytics_dirty d
      where d.id in (select x.id from app.analytics_dirty x order by x.id limit p_limit for update skip locked)
      returning d.consultant_id, d.day)
    select distinct consultant_id, day from claimed
  loop
    perform app_private.recompute_daily_analytics(v_day.consultant_id, v_day.day);
    v_count := v_count + 1;
  end loop;
  return v_count;
end;
$$;


ALTER FUNCTION api.refresh_daily_analytics(p_limit integer) OWNER TO nakksha_owner;

--
-- Name: FUNCTION refresh_daily_analytics(p_limit integer); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.refresh_daily_analytics(p_limit integer) IS 'Job: recompute the days writes have marked dirty (a batch at a time); returns how many.';


--
-- Name: refresh_views(); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.refresh_views() RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
declare
  v_view record;
  v_started timestamptz;
  v_done jsonb := '[]';
begin
  -- Every materialized view of schema analytics, CONCURRENTLY (readers keep the old contents meanwhile; each
  -- has a unique index for it). As the owner, so the worker's role needs no more than this function.
  for v_view in select schemaname, matviewname from pg_catalog.pg_matviews where schemaname = 'analytics'
                order by matviewname
  loop
    v_started := clock_timestamp();
    if (select ispopulated from pg_catalog.pg_matviews where schemaname = v_view.schemaname
          and matviewname = v_view.matviewname) then
      execute format('refresh materialized view concurrently %I.%I', v_view.schemaname, v_view.matviewname);
    else
      execute format('refresh materialized view %I.%I', v_view.schemaname, v_view.matviewname);
    end if;
    insert into app.view_refreshes (view_name, refreshed_at, duration_ms)
    values (v_view.schemaname || '.' || v_view.matviewname, now(),
            (extract(epoch from clock_timestamp() - v_started) * 1000)::integer)
    on conflict (view_name) do update set refreshed_at = excluded.refreshed_at, duration_ms = excluded.duration_ms;
    v_done := v_done || jsonb_build_object('view', v_view.schemaname || '.' || v_view.matviewname,
      'duration_ms', (extract(epoch from clock_timestamp() - v_started) * 1000)::integer);
  end loop;
  return v_done;
end;
$$;


ALTER FUNCTION api.refresh_views() OWNER TO nakksha_owner;

--
-- Name: FUNCTION refresh_views(); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.refresh_views() IS 'Refresh every analytics materialized view concurrently and record when (job and nakksha refresh-views). Definer: REFRESH MATERIALIZED VIEW needs the views'' owner; granted to the worker role alone.';


--
-- Name: refund_payment(uuid, numeric, text); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.refund_payment(p_transaction_id uuid, p_amount numeric, p_reason text) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
declare
  v_consultant uuid := api.require_approved();
  v_t app.payment_transactions;
  v_s app.sessions;
  v_left numeric(10, 2);
  v_amount numeric(10, 2);
begin
  select * into v_t from app.payment_transactions where id = p_transaction_id and consultant_id = v_consultant;
  if v_t.id is null then
    raise exception using errcode = 'NK404', message = 'not_found', detail = 'No such payment.';
  end if;
  select * into v_s from app.sessions where id = v_t.session_id for update;
  select * into v_t from app.payment_transactions where id = v_t.id for update;
  if v_t.status not in ('completed', 'partially_refunded') then
    raise exception using errcode = 'NK409', message = 'payment_not_refundable',
      detail = format('A %s payment cannot be refunded.', v_t.status);
  end if;
  v_left := app_private.refundable(v_t.id);
  -- Checked before it lands in a numeric(10,2), which would round fractions of a paisa silently.
  if p_amount is not null and (p_amount <= 0 or p_amount <> round(p_amount, 2)) then
    raise exception using errcode = 'NK422', message = 'invalid_amount', hint = 'field:amount',
      detail = 'A refund is a positive amount in rupees and paise.';
  end if;
  v_amount := coalesce(p_amount, v_left);
  if v_amount <= 0 then
    raise exception using errcode = 'NK409', message = 'refund_exceeds_remaining', hint = 'field:amount',
      detail = 'Nothing is left to refund.';
  end if;
  if v_amount > v_left then
    raise exception using errcode = 'NK409', message = 'refund_exceeds_remaining', hint = 'field:amount',
      detail = format('At most %s can still be refunded.', v_left);
  end if;
  -- Giving all of it back for a session still to come means it will not happen: cancel it first (its
  -- slot is free again). A completed session keeps its status: that refund is goodwill.
  -- (v_left already counts pending refunds: refunding all of it means the whole payment is going back.)
  if v_s.id is not null and v_s.status = 'confirmed' and v_amount = v_left
     and not coalesce((v_t.metadata->>'duplicate')::boolean, false) then
    update app.sessions set status = 'cancelled', cancelled_by = 'consultant',
      cancellation_reason = coalesce(nullif(btrim(p_reason), ''), 'Refunded in full by the consultant')
    where id = v_s.id returning * into v_s;
    perform app_private.queue_session_emails(v_s, 'cancelled_for_client', jsonb_build_object('refund_amount', v_amount::text));
  end if;
  perform app_private.create_refund(v_t.id, v_amount, p_reason, 'consultant');
  select * into v_t from app.payment_transactions where id = v_t.id;
  return api.payment_json(v_t);
end;
$$;


ALTER FUNCTION api.refund_payment(p_transaction_id uuid, p_amount numeric, p_reason text) OWNER TO nakksha_owner;

--
-- Name: FUNCTION refund_payment(p_transaction_id uuid, p_amount numeric, p_reason text); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.refund_payment(p_transaction_id uuid, p_amount numeric, p_reason text) IS 'The consultant refunds a payment, in full (amount omitted) or in part, never more than is left. Definer: records a refund against a payment (money columns no web role may write).';


--
-- Name: reject_consultant(uuid, text, text); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.reject_consultant(p_consultant_id uuid, p_reason text, p_acting_admin_email text DEFAULT NULL::text) RETURNS jsonb
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$ select app_private.set_approval(p_consultant_id, 'rejected', p_reason, p_acting_admin_email) $$;


ALTER FUNCTION api.reject_consultant(p_consultant_id uuid, p_reason text, p_acting_admin_email text) OWNER TO nakksha_owner;

--
-- Name: FUNCTION reject_consultant(p_consultant_id uuid, p_reason text, p_acting_admin_email text); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.reject_consultant(p_consultant_id uuid, p_reason text, p_acting_admin_email text) IS 'Reject a pending consultant, with a reason they are told. Definer: an admin action across tenants: checks the acting admin and writes the audit log (no write policy names an admin role).';


--
-- Name: release_idempotency_key(text, text, bytea); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.release_idempotency_key(p_slug text, p_key text, p_request_sha256 bytea) RETURNS void
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$
  -- A booking refused after its key was claimed (the gateway down, the slot taken meanwhile) leaves nothing
  -- behind: the same request may be sent again with its key and is booked then.
  delete from app.idempotency_keys k
  using app.consultants c
  where c.slug = lower(p_slug) and k.consultant_id = c.id and k.scope = 'book_slot' and k.key = p_key
    and k.request_sha256 = p_request_sha256 and k.response is null
$$;


ALTER FUNCTION api.release_idempotency_key(p_slug text, p_key text, p_request_sha256 bytea) OWNER TO nakksha_owner;

--
-- Name: FUNCTION release_idempotency_key(p_slug text, p_key text, p_request_sha256 bytea); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.release_idempotency_key(p_slug text, p_key text, p_request_sha256 bytea) IS 'Free the claim of a booking request that was refused, so its retry is booked (answered keys stay). Definer: the public page and booking: an anonymous visitor reads or books a published consultant''s page by slug, across tenants, and writes what no web role may (seats, holds, payments, counters).';


--
-- Name: rematerialise_consultant_slots(uuid); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.rematerialise_consultant_slots(p_consultant_id uuid) RETURNS integer
    LANGUAGE sql
    SET search_path TO ''
    AS $$
  -- A deleted or deactivated account keeps what it has; its page is gone anyway.
  select coalesce((select app_private.rematerialise_slots(c.id) from app.consultants c
                   where c.id = p_consultant_id and c.deleted_at is null and c.is_active), 0)
$$;


ALTER FUNCTION api.rematerialise_consultant_slots(p_consultant_id uuid) OWNER TO nakksha_owner;

--
-- Name: FUNCTION rematerialise_consultant_slots(p_consultant_id uuid); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.rematerialise_consultant_slots(p_consultant_id uuid) IS 'Worker step: roll one consultant''s slots forward to their horizon (the daily fan-out''s job); returns slots removed plus added.';


--
-- Name: request_password_reset(text, bytea, text); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.request_password_reset(p_email text, p_token_hash bytea, p_reset_url_encrypted text) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
declare
  v_c app.consultants;
begin
  -- Says nothing either way (the app answers 202 for any address): no account enumeration. So the mailbox is
  -- counted first, whether or not an account uses the address: past its day, 429 alike for both.
  perform app_private.take_recipient_mail(p_email);
  select * into v_c from app.consultants
  where email = lower(btrim(p_email))::public.citext and deleted_at is null and password_hash is not null;
  if v_c.id is null then
    return;
  end if;
  update app.one_time_tokens set used_at = now()
  where consultant_id = v_c.id and purpose = 'password_reset' and used_at is null;
  insert into app.one_time_tokens (consultant_id, purpose, token_hash, email, expires_at)
  values (v_c.id, 'password_reset', p_token_hash, v_c.email, now() + interval '1 hour');
  -- Greeted by name only at an address its owner has proven; else the name is whatever the signup typed.
  perform app_private.queue_email('password_reset', v_c.email::text,
    case when v_c.is_email_verified then v_c.first_name || ' ' || v_c.last_name end,
    jsonb_build_object('reset_url_encrypted', p_reset_url_encrypted, 'valid_minutes', 60), p_consultant_id => v_c.id);
end;
$$;


ALTER FUNCTION api.request_password_reset(p_email text, p_token_hash bytea, p_reset_url_encrypted text) OWNER TO nakksha_owner;

--
-- Name: FUNCTION request_password_reset(p_email text, p_token_hash bytea, p_reset_url_encrypted text); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.request_password_reset(p_email text, p_token_hash bytea, p_reset_url_encrypted text) IS 'Count the mailbox''s day (NK429 past it, for any address), then, if the address belongs to an account, mail it a single-use reset link valid for one hour. Definer: a visitor holding a link''s token: the row is found by the token''s hash with no signed-in caller, and its status changes are the function''s alone.';


--
-- Name: require_admin(boolean); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.require_admin(p_super boolean DEFAULT false) RETURNS void
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $$
begin
  -- An admin's read runs as nakksha_app_admin, under the admin policies: this turns "not an admin" into a clear
  -- 403 rather than an empty answer, with the same codes as the writes' check (app_private.require_admin).
  if not app.acts_as_admin() then
    if app.current_admin_id() is not null then
      raise exception using errcode = 'NK403', message = 'admin_inactive', detail = 'The acting admin is not active.';
    end if;
    raise exception using errcode = 'NK403', message = 'forbidden', detail = 'Only admins may do this.';
  end if;
  if p_super and app.current_admin_id() is not null and not exists (
      select 1 from app.admins a where a.id = app.current_admin_id() and a.role = 'super_admin') then
    raise exception using errcode = 'NK403', message = 'super_admin_required', detail = 'Only super admins may do this.';
  end if;
end;
$$;


ALTER FUNCTION api.require_admin(p_super boolean) OWNER TO nakksha_owner;

--
-- Name: FUNCTION require_admin(p_super boolean); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.require_admin(p_super boolean) IS 'NK403 unless the transaction acts for an active admin (a super admin, when asked) or a database administrator; for the admins'' invoker reads.';


--
-- Name: require_approved(); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.require_approved() RETURNS uuid
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $$
declare
  v_id uuid := app.current_approved_consultant_id();
begin
  -- RLS would show an unapproved caller nothing; say why instead (used by invoker and definer functions). A
  -- suspended consultant still reads their records (app.current_reading_consultant_id) but changes none of them.
  if v_id is null then
    if app.current_reading_consultant_id() is not null then
      raise exception using errcode = 'NK403', message = 'consultant_suspended',
        detail = 'Your account is suspended: you can read your sessions and clients, but not change them.';
    end if;
    raise exception using errcode = 'NK403', message = 'consultant_not_approved', detail = 'Your account is not approved.';
  end if;
  return v_id;
end;
$$;


ALTER FUNCTION api.require_approved() OWNER TO nakksha_owner;

--
-- Name: FUNCTION require_approved(); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.require_approved() IS 'The calling consultant if approved, else NK403 consultant_suspended (a suspended one: read-only) or consultant_not_approved: every consultant write starts here.';


--
-- Name: require_reader(); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.require_reader() RETURNS uuid
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $$
declare
  v_id uuid := app.current_reading_consultant_id();
begin
  -- The reads' counterpart of require_approved: a suspended consultant still reads their own records.
  if v_id is null then
    raise exception using errcode = 'NK403', message = 'consultant_not_approved', detail = 'Your account is not approved.';
  end if;
  return v_id;
end;
$$;


ALTER FUNCTION api.require_reader() OWNER TO nakksha_owner;

--
-- Name: FUNCTION require_reader(); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.require_reader() IS 'The calling consultant if approved or suspended (reads only), else NK403 consultant_not_approved.';


--
-- Name: reschedule_session(uuid, uuid, timestamp with time zone, timestamp with time zone); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.reschedule_session(p_session_id uuid, p_slot_id uuid, p_starts_at timestamp with time zone, p_ends_at timestamp with time zone) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
declare
  v_s app.sessions := app_private.caller_session(p_session_id);
  v_slot app.availability_slots;
  v_old_start timestamptz;
begin
  v_old_start := v_s.starts_at;
  if v_s.status not in ('pending', 'confirmed') then
    raise exception using errcode = 'NK409', message = 'invalid_transition',
      detail = format('A %s session cannot be moved.', v_s.status);
  end if;
  if p_slot_id is not null then
    select * into v_slot from app.availability_slots
    where id = p_slot_id and consultant_id = v_s.consultant_id for update;
    if v_slot.id is null or v_slot.session_type <> v_s.session_type then
      raise exception using errcode = 'NK404', message = 'slot_not_found', detail = 'No such slot for this session.',
        hint = 'field:slot_id';
    end if;
    if v_slot.booked_count >= v_slot.capacity then
      raise exception using errcode = 'NK409', message = 'slot_full', detail = 'That slot is full.', hint = 'field:slot_id';
    end if;
    perform app_private.check_session_start(v_slot.starts_at);
    update app.sessions set slot_id = v_slot.id, starts_at = v_slot.starts_at, ends_at = v_slot.ends_at,
      reschedule_count = reschedule_count + 1
    where id = v_s.id returning * into v_s;
  elsif p_starts_at is not null and p_ends_at is not null then
    perform app_private.check_session_start(p_starts_at);
    update app.sessions set slot_id = null, starts_at = p_starts_at, ends_at = p_ends_at,
      reschedule_count = reschedule_count + 1
    where id = v_s.id returning * into v_s;
  else
    raise exception using errcode = 'NK422', message = 'time_required', hint = 'field:slot_id',
      detail = 'Give a slot_id, or starts_at and ends_at.';
  end if;
  -- The client hears of the new time (its reminder moves with it: see app.schedule_session_reminder).
  if v_s.status = 'confirmed' then
    perform app_private.queue_session_emails(v_s, 'rescheduled', jsonb_build_object('previous_starts_at', v_old_start));
  end if;
  return api.session_json(v_s);
end;
$$;


ALTER FUNCTION api.reschedule_session(p_session_id uuid, p_slot_id uuid, p_starts_at timestamp with time zone, p_ends_at timestamp with time zone) OWNER TO nakksha_owner;

--
-- Name: FUNCTION reschedule_session(p_session_id uuid, p_slot_id uuid, p_starts_at timestamp with time zone, p_ends_at timestamp with time zone); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.reschedule_session(p_session_id uuid, p_slot_id uuid, p_starts_at timestamp with time zone, p_ends_at timestamp with time zone) IS 'The consultant moves a session to a slot or an ad-hoc time from 10 minutes ago up to 2 years ahead, atomically (the exclusion constraint checks it). Definer: moves a session''s times, which no web role may write directly (seats, overlap, reminders follow).';


--
-- Name: resend_verification(bytea, text); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.resend_verification(p_token_hash bytea, p_verify_url_encrypted text) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
declare
  v_c app.consultants;
begin
  select * into v_c from app.consultants where id = app.current_consultant_id() and deleted_at is null;
  if v_c.id is null then
    raise exception using errcode = 'NK401', message = 'unauthorized', detail = 'Log in first.';
  end if;
  if v_c.is_email_verified then
    raise exception using errcode = 'NK409', message = 'already_verified', detail = 'Your email is already verified.';
  end if;
  -- The account's address is unproven, so whoever signed up with it (anyone) mails it with each resend: it
  -- counts against the mailbox's day like the signup did; past it the earlier link stays the valid one.
  perform app_private.take_recipient_mail(v_c.email::text);
  -- Earlier links stop working: only the newest one is valid.
  update app.one_time_tokens set used_at = now()
  where consultant_id = v_c.id and purpose = 'verify_email' and used_at is null;
  insert into app.one_time_tokens (consultant_id, purpose, token_hash, email, expires_at)
  values (v_c.id, 'verify_email', p_token_hash, v_c.email, now() + interval '24 hours');
  perform app_private.queue_email('verify_email', v_c.email::text, null,
    jsonb_build_object('verify_url_encrypted', p_verify_url_encrypted, 'valid_hours', 24), p_consultant_id => v_c.id);
end;
$$;


ALTER FUNCTION api.resend_verification(p_token_hash bytea, p_verify_url_encrypted text) OWNER TO nakksha_owner;

--
-- Name: FUNCTION resend_verification(p_token_hash bytea, p_verify_url_encrypted text); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.resend_verification(p_token_hash bytea, p_verify_url_encrypted text) IS 'Send a new verification email to the calling consultant (counted against the mailbox''s day: NK429 past it). Definer: a visitor holding a link''s token: the row is found by the token''s hash with no signed-in caller, and its status changes are the function''s alone.';


--
-- Name: reset_password(bytea, text); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.reset_password(p_token_hash bytea, p_password_hash text) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
declare
  v_token app.one_time_tokens;
begin
  select * into v_token from app.one_time_tokens
  where token_hash = p_token_hash and purpose = 'password_reset' for update;
  if v_token.id is null or v_token.used_at is not null or v_token.expires_at <= now() then
    raise exception using errcode = 'NK400', message = 'invalid_token',
      detail = 'This reset link is not valid or has expired; ask for a new one.', hint = 'field:token';
  end if;
  update app.one_time_tokens set used_at = now() where id = v_token.id;
  update app.consultants set password_hash = p_password_hash
  where id = v_token.consultant_id and deleted_at is null;
  -- Whoever had a session (perhaps the reason for the reset) is logged out everywhere.
  perform app_private.revoke_families(v_token.consultant_id, null, 'password_reset');
end;
$$;


ALTER FUNCTION api.reset_password(p_token_hash bytea, p_password_hash text) OWNER TO nakksha_owner;

--
-- Name: FUNCTION reset_password(p_token_hash bytea, p_password_hash text); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.reset_password(p_token_hash bytea, p_password_hash text) IS 'Set a new password with a single-use reset token and revoke every session of the account. Definer: a visitor holding a link''s token: the row is found by the token''s hash with no signed-in caller, and its status changes are the function''s alone.';


--
-- Name: revoke_my_sessions(); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.revoke_my_sessions() RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
begin
  if app.current_consultant_id() is null and app.current_admin_id() is null then
    raise exception using errcode = 'NK401', message = 'unauthorized', detail = 'Log in first.';
  end if;
  return app_private.revoke_families(app.current_consultant_id(), app.current_admin_id(), 'logout_all');
end;
$$;


ALTER FUNCTION api.revoke_my_sessions() OWNER TO nakksha_owner;

--
-- Name: FUNCTION revoke_my_sessions(); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.revoke_my_sessions() IS 'Logout everywhere: revoke every refresh family of the caller. Definer: sign-in and its sessions: credentials, password hashes and refresh tokens, which no web role reads or writes.';


--
-- Name: revoke_refresh_family(bytea, text); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.revoke_refresh_family(p_token_hash bytea, p_subject text) RETURNS void
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$
  -- Logout: whoever holds the refresh token may end its family (idempotent; unknown tokens do nothing).
  update app.refresh_token_families f set revoked_at = now(), revoked_reason = 'logout'
  from app.refresh_tokens t
  where t.token_hash = p_token_hash and f.id = t.family_id and f.revoked_at is null
    and ((p_subject = 'consultant' and f.consultant_id is not null) or (p_subject = 'admin' and f.admin_id is not null))
$$;


ALTER FUNCTION api.revoke_refresh_family(p_token_hash bytea, p_subject text) OWNER TO nakksha_owner;

--
-- Name: FUNCTION revoke_refresh_family(p_token_hash bytea, p_subject text); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.revoke_refresh_family(p_token_hash bytea, p_subject text) IS 'Logout: revoke the family of the given refresh token. Definer: sign-in and its sessions: credentials, password hashes and refresh tokens, which no web role reads or writes.';


--
-- Name: rotate_refresh_token(bytea, bytea, timestamp with time zone, text); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.rotate_refresh_token(p_token_hash bytea, p_new_hash bytea, p_new_expires_at timestamp with time zone, p_subject text) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
declare
  v_token app.refresh_tokens;
  v_family app.refresh_token_families;
  v_new uuid;
  v_c app.consultants;
  v_a app.admins;
begin
  -- The token row is locked, so two refreshes with one token serialise: the first rotates it, the
  -- second finds it spent. A spent token presented again means it leaked (or a client raced itself):
  -- the whole family is revoked. That revocation must commit, so failures are returned, not raised.
  select * into v_token from app.refresh_tokens where token_hash = p_token_hash for update;
  if v_token.id is null then
    return jsonb_build_object('status', 'invalid');
  end if;
  select * into v_family from app.refresh_token_families where id = v_token.family_id for update;
  if (p_subject = 'consultant' and v_family.consultant_id is null)
     or (p_subject = 'admin' and v_family.admin_id is null) then
    return jsonb_build_object('status', 'invalid');
  end if;
  if v_family.revoked_at is not null then
    return jsonb_build_object('status', 'revoked');
  end if;
  if v_token.used_at is not null then
    update app.refresh_token_families set revoked_at = now(), revoked_reason = 'reuse_detected' where id = v_family.id;
    return jsonb_build_object('status', 'reused');
  end if;
  if v_token.expires_at <= now() then
    return jsonb_build_object('status', 'expired');
  end if;
  if v_family.consultant_id is not null then
    select * into v_c from app.consultants where id = v_family.consultant_id and deleted_at is null;
    if v_c.id is null then
      update app.refresh_token_families set revoked_at = now(), revoked_reason = 'deleted' where id = v_family.id;
      return jsonb_build_object('status', 'revoked');
    end if;
  else
    select * into v_a from app.admins where id = v_family.admin_id and is_active;
    if v_a.id is null then
      update app.refresh_token_families set revoked_at = now(), revoked_reason = 'deactivated' where id = v_family.id;
      return jsonb_build_object('status', 'revoked');
    end if;
  end if;
  insert into app.refresh_tokens (family_id, token_hash, expires_at)
  values (v_family.id, p_new_hash, p_new_expires_at) returning id into v_new;
  update app.refresh_tokens set used_at = now(), replaced_by = v_new where id = v_token.id;
  -- The new access token carries the account's current epoch (the app takes it out of the answer).
  return jsonb_build_object('status', 'ok',
    'consultant', case when v_c.id is not null
                       then api.consultant_json(v_c.id) || jsonb_build_object('token_epoch', v_c.token_epoch) end,
    'admin', case when v_a.id is not null
                  then api.admin_json(v_a.id) || jsonb_build_object('token_epoch', v_a.token_epoch) end);
end;
$$;


ALTER FUNCTION api.rotate_refresh_token(p_token_hash bytea, p_new_hash bytea, p_new_expires_at timestamp with time zone, p_subject text) OWNER TO nakksha_owner;

--
-- Name: FUNCTION rotate_refresh_token(p_token_hash bytea, p_new_hash bytea, p_new_expires_at timestamp with time zone, p_subject text); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.rotate_refresh_token(p_token_hash bytea, p_new_hash bytea, p_new_expires_at timestamp with time zone, p_subject text) IS 'Spend a refresh token for a new one in the same family; a reused token revokes the family. Returns {status, consultant|admin}. Definer: sign-in and its sessions: credentials, password hashes and refresh tokens, which no web role reads or writes.';


--
-- Name: send_quotation(uuid, bytea, text); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.send_quotation(p_quotation_id uuid, p_token_hash bytea, p_link_encrypted text) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
declare
  v_q app.quotations := api.my_quotation(p_quotation_id, true);
  v_c app.consultants;
begin
  if v_q.status <> 'draft' then
    raise exception using errcode = 'NK409', message = 'invalid_transition',
      detail = format('A %s quotation cannot be sent again; duplicate it to send a new version.', v_q.status);
  end if;
  if v_q.status = 'draft' and v_q.expires_at <= now() then
    raise exception using errcode = 'NK422', message = 'quotation_expired',
      detail = 'Its expiry date has passed; set a later one before sending.', hint = 'field:expires_at';
  end if;
  -- draft → sent.
  update app.quotations set status = 'sent', sent_at = now(), public_token_hash = p_token_hash,
    public_link_encrypted = p_link_encrypted
  where id = v_q.id returning * into v_q;
  select * into v_c from app.consultants where id = v_q.consultant_id;
  perform app_private.queue_email('quotation_received', v_q.client_email::text, v_q.client_name,
    app_private.quotation_mail_data(v_q) || jsonb_build_object('quotation_url_encrypted', p_link_encrypted),
    p_consultant_id => v_q.consultant_id, p_client_id => v_q.client_id, p_quotation_id => v_q.id);
  return api.quotation_json(v_q);
end;
$$;


ALTER FUNCTION api.send_quotation(p_quotation_id uuid, p_token_hash bytea, p_link_encrypted text) OWNER TO nakksha_owner;

--
-- Name: FUNCTION send_quotation(p_quotation_id uuid, p_token_hash bytea, p_link_encrypted text); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.send_quotation(p_quotation_id uuid, p_token_hash bytea, p_link_encrypted text) IS 'draft → sent: store the public link''s hash and mail it to the client (quotation_received). Definer: moves a quotation to sent and sets its public token, which no web role may write directly.';


--
-- Name: session_calendar(timestamp with time zone, timestamp with time zone, text); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.session_calendar(p_from timestamp with time zone, p_to timestamp with time zone, p_month text DEFAULT NULL::text) RETURNS jsonb
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $$
declare
  v_consultant uuid := api.require_reader();
  v_tz text;
begin
  select timezone into v_tz from app.consultants where id = v_consultant;
  if p_month is not null then
    -- A month is the consultant's local month.
    p_from := (to_date(p_month, 'YYYY-MM')::timestamp at time zone v_tz);
    p_to := ((to_date(p_month, 'YYYY-MM') + interval '1 month')::timestamp at time zone v_tz);
  end if;
  -- Per local day: the sessions and the slots still free, for a month view.
  return jsonb_build_object('timezone', v_tz, 'days', coalesce((
    select jsonb_agg(jsonb_build_object('date', d.day, 'sessions', d.sessions, 'free_slots', d.free_slots) order by d.day)
    from (
      select day,
             coalesce((select jsonb_agg(api.session_json(s) order by s.starts_at) from app.sessions s
                       where s.consultant_id = v_consultant and (s.starts_at at time zone v_tz)::date = day
                         and s.status in ('pending', 'confirmed', 'completed', 'no_show')), '[]') as sessions,
             coalesce((select jsonb_agg(jsonb_build_object('id', sl.id, 'session_type', sl.session_type,
                         'starts_at', sl.starts_at, 'ends_at', sl.ends_at, 'remaining', sl.capacity - sl.booked_count)
                         order by sl.starts_at) from app.availability_slots sl
                       where sl.consultant_id = v_consultant and sl.date = day and sl.booked_count < sl.capacity
                         and sl.is_available and sl.starts_at > now()), '[]') as free_slots
      from generate_series((p_from at time zone v_tz)::date, ((p_to at time zone v_tz) - interval '1 microsecond')::date,
                           interval '1 day') as g(day_ts)
      cross join lateral (select g.day_ts::date as day) dd
    ) d), '[]'));
end;
$$;


ALTER FUNCTION api.session_calendar(p_from timestamp with time zone, p_to timestamp with time zone, p_month text) OWNER TO nakksha_owner;

--
-- Name: FUNCTION session_calendar(p_from timestamp with time zone, p_to timestamp with time zone, p_month text); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.session_calendar(p_from timestamp with time zone, p_to timestamp with time zone, p_month text) IS 'The caller''s sessions and free slots per local day between two instants.';


--
-- Name: is_valid_timezone(text); Type: FUNCTION; Schema: app; Owner: nakksha_owner
--

CREATE FUNCTION app.is_valid_timezone(p_tz text) RETURNS boolean
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    AS $_$
begin
  if p_tz is null or p_tz !~ '^(UTC|[A-Z][A-Za-z_]+(/[A-Za-z0-9_+-]+){1,2})$' then
    return false;
  end if;
  perform timestamptz '2000-01-01 00:00:00+00' at time zone p_tz;
  return true;
exception when invalid_parameter_value then
  return false;
end;
$_$;


ALTER FUNCTION app.is_valid_timezone(p_tz text) OWNER TO nakksha_owner;

--
-- Name: FUNCTION is_valid_timezone(p_tz text); Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON FUNCTION app.is_valid_timezone(p_tz text) IS 'True for an IANA time zone name PostgreSQL knows.';


--
-- Name: sessions; Type: TABLE; Schema: app; Owner: nakksha_owner
--

CREATE TABLE app.sessions (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    consultant_id uuid NOT NULL,
    client_id uuid NOT NULL,
    slot_id uuid,
    session_type text NOT NULL,
    title text,
    starts_at timestamp with time zone NOT NULL,
    ends_at timestamp with time zone NOT NULL,
    scheduled_date date NOT NULL,
    scheduled_time time without time zone NOT NULL,
    duration_minutes integer NOT NULL,
    buffer_minutes integer DEFAULT 0 NOT NULL,
    occupied_during tstzrange NOT NULL,
    occupancy_key uuid GENERATED ALWAYS AS (
CASE
    WHEN ((session_type = 'webinar'::text) AND (slot_id IS NOT NULL)) THEN slot_id
    ELSE id
END) STORED,
    amount numeric(10,2) DEFAULT 0 NOT NULL,
    currency text DEFAULT 'INR'::text NOT NULL,
    status text DEFAULT 'pending'::text NOT NULL,
    payment_status text DEFAULT 'pending'::text NOT NULL,
    payment_method text,
    hold_expires_at timestamp with time zone,
    meeting_platform text,
    meeting_link text,
    meeting_id text,
    meeting_password text,
    notes text,
    consultant_notes text,
    booked_via text DEFAULT 'public'::text NOT NULL,
    is_repeat_client boolean DEFAULT false NOT NULL,
    manage_token_hash bytea,
    reschedule_count integer DEFAULT 0 NOT NULL,
    confirmed_at timestamp with time zone,
    completed_at timestamp with time zone,
    cancelled_at timestamp with time zone,
    cancelled_by text,
    cancellation_reason text,
    client_rating smallint,
    client_feedback text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    manage_link_encrypted text,
    reminder_sent_for timestamp with time zone,
    client_timezone text,
    meeting_source text,
    client_name text,
    client_email public.citext,
    client_phone_encrypted bytea,
    client_ip_hash bytea,
    reminder_queued_for timestamp with time zone,
    CONSTRAINT sessions_amount_range CHECK ((amount >= (0)::numeric)),
    CONSTRAINT sessions_booked_via_valid CHECK ((booked_via = ANY (ARRAY['public'::text, 'consultant'::text]))),
    CONSTRAINT sessions_buffer_minutes_range CHECK (((buffer_minutes >= 0) AND (buffer_minutes <= 240))),
    CONSTRAINT sessions_cancelled_by_valid CHECK ((cancelled_by = ANY (ARRAY['client'::text, 'consultant'::text, 'system'::text]))),
    CONSTRAINT sessions_client_email_format CHECK (((client_email IS NULL) OR (((client_email)::text ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$'::text) AND (length((client_email)::text) <= 254) AND ((client_email)::text = lower((client_email)::text))))),
    CONSTRAINT sessions_client_ip_hash_length CHECK ((length(client_ip_hash) = 32)),
    CONSTRAINT sessions_client_name_length CHECK (((client_name IS NULL) OR ((length(btrim(client_name)) >= 1) AND (length(btrim(client_name)) <= 200)))),
    CONSTRAINT sessions_client_rating_range CHECK (((client_rating >= 1) AND (client_rating <= 5))),
    CONSTRAINT sessions_client_timezone_valid CHECK (((client_timezone IS NULL) OR app.is_valid_timezone(client_timezone))),
    CONSTRAINT sessions_currency_format CHECK ((currency ~ '^[A-Z]{3}$'::text)),
    CONSTRAINT sessions_duration_minutes_range CHECK (((duration_minutes >= 1) AND (duration_minutes <= 1440))),
    CONSTRAINT sessions_end_after_start CHECK ((ends_at > starts_at)),
    CONSTRAINT sessions_manage_token_hash_length CHECK ((length(manage_token_hash) = 32)),
    CONSTRAINT sessions_meeting_link_format CHECK ((meeting_link ~ '^https://'::text)),
    CONSTRAINT sessions_meeting_platform_valid CHECK ((meeting_platform = ANY (ARRAY['zoom'::text, 'meet'::text, 'teams'::text]))),
    CONSTRAINT sessions_meeting_source_valid CHECK ((meeting_source = ANY (ARRAY['personal'::text, 'google'::text, 'microsoft'::text]))),
    CONSTRAINT sessions_notes_length CHECK (((length(notes) <= 10000) AND (length(consultant_notes) <= 10000))),
    CONSTRAINT sessions_payment_status_valid CHECK ((payment_status = ANY (ARRAY['pending'::text, 'paid'::text, 'failed'::text, 'refunded'::text, 'partially_refunded'::text, 'not_required'::text]))),
    CONSTRAINT sessions_pending_has_hold CHECK (((status <> 'pending'::text) OR (hold_expires_at IS NOT NULL))),
    CONSTRAINT sessions_reschedule_count_range CHECK ((reschedule_count >= 0)),
    CONSTRAINT sessions_session_type_valid CHECK ((session_type = ANY (ARRAY['personal'::text, 'webinar'::text]))),
    CONSTRAINT sessions_status_valid CHECK ((status = ANY (ARRAY['pending'::text, 'confirmed'::text, 'completed'::text, 'cancelled'::text, 'abandoned'::text, 'no_show'::text, 'returned'::text])))
);


ALTER TABLE app.sessions OWNER TO nakksha_owner;

--
-- Name: TABLE sessions; Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON TABLE app.sessions IS 'Booked sessions. starts_at/ends_at are the truth; an exclusion constraint forbids overlapping occupancy.';


--
-- Name: COLUMN sessions.manage_link_encrypted; Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON COLUMN app.sessions.manage_link_encrypted IS 'The client''s manage link, AES-GCM encrypted for the mails that carry it; only the worker decrypts it.';


--
-- Name: COLUMN sessions.reminder_sent_for; Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON COLUMN app.sessions.reminder_sent_for IS 'The start time the reminder went out for (a moved session gets a new one).';


--
-- Name: COLUMN sessions.client_timezone; Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON COLUMN app.sessions.client_timezone IS 'The IANA zone the client''s browser was in when booking; their mail shows times in it (else the consultant''s).';


--
-- Name: COLUMN sessions.meeting_source; Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON COLUMN app.sessions.meeting_source IS 'Where the meeting link came from: the consultant''s saved link, or a meeting created on their Google or Microsoft account.';


--
-- Name: COLUMN sessions.client_name; Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON COLUMN app.sessions.client_name IS 'The name the client typed when booking publicly (the client record keeps its own).';


--
-- Name: COLUMN sessions.client_email; Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON COLUMN app.sessions.client_email IS 'The email the client typed when booking publicly (lower case).';


--
-- Name: COLUMN sessions.client_phone_encrypted; Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON COLUMN app.sessions.client_phone_encrypted IS 'The phone the client typed when booking publicly, encrypted like clients.phone_encrypted.';


--
-- Name: COLUMN sessions.client_ip_hash; Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON COLUMN app.sessions.client_ip_hash IS 'HMAC-SHA256 of the booking visitor''s address (an IPv6 /64) under the server key: counts open holds per address.';


--
-- Name: COLUMN sessions.reminder_queued_for; Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON COLUMN app.sessions.reminder_queued_for IS 'The start time a reminder job was queued for; while it differs from starts_at, a confirmed session''s reminder waits for the every-minute sweep (api.worker_queue_due_reminders).';


--
-- Name: session_json(app.sessions); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.session_json(p_s app.sessions) RETURNS jsonb
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  select jsonb_build_object('id', p_s.id, 'client_id', p_s.client_id, 'slot_id', p_s.slot_id,
    'session_type', p_s.session_type, 'title', p_s.title, 'starts_at', p_s.starts_at, 'ends_at', p_s.ends_at,
    'scheduled_date', p_s.scheduled_date, 'scheduled_time', to_char(p_s.scheduled_time, 'HH24:MI'),
    'duration_minutes', p_s.duration_minutes, 'amount', api.money(p_s.amount), 'currency', p_s.currency, 'status', p_s.status,
    'payment_status', p_s.payment_status, 'payment_method', p_s.payment_method,
    'hold_expires_at', case when p_s.status = 'pending' then p_s.hold_expires_at end,
    'meeting_platform', p_s.meeting_platform, 'meeting_link', p_s.meeting_link, 'meeting_id', p_s.meeting_id,
    'meeting_password', p_s.meeting_password, 'notes', p_s.notes, 'consultant_notes', p_s.consultant_notes,
    'booked_via', p_s.booked_via, 'is_repeat_client', p_s.is_repeat_client, 'reschedule_count', p_s.reschedule_count,
    'confirmed_at', p_s.confirmed_at, 'completed_at', p_s.completed_at, 'cancelled_at', p_s.cancelled_at,
    'cancelled_by', p_s.cancelled_by, 'cancellation_reason', p_s.cancellation_reason,
    'created_at', p_s.created_at, 'updated_at', p_s.updated_at,
    'client', (select jsonb_build_object('id', c.id, 'name', c.name, 'email', c.email::text, 'is_active', c.is_active)
               from app.clients c where c.id = p_s.client_id),
    -- What the client typed when booking on the public page (their record is never rewritten by a booking).
    'booked_as', case when p_s.client_name is not null
                      then jsonb_build_object('name', p_s.client_name, 'email', p_s.client_email::text) end)
$$;


ALTER FUNCTION api.session_json(p_s app.sessions) OWNER TO nakksha_owner;

--
-- Name: FUNCTION session_json(p_s app.sessions); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.session_json(p_s app.sessions) IS 'A session as its consultant sees it (runs with the caller''s rights: the client comes through RLS).';


--
-- Name: set_my_bank_details(text, bytea, bytea); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.set_my_bank_details(p_bank_name text, p_account_number_encrypted bytea, p_ifsc_code_encrypted bytea) RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_id uuid := api.caller_consultant_id();
begin
  -- The consultants policy lets the caller update their own row only; the grant, these three columns.
  update app.consultants set bank_name = p_bank_name, bank_account_number_encrypted = p_account_number_encrypted,
    ifsc_code_encrypted = p_ifsc_code_encrypted
  where id = v_id;
  return api.consultant_json(v_id);
end;
$$;


ALTER FUNCTION api.set_my_bank_details(p_bank_name text, p_account_number_encrypted bytea, p_ifsc_code_encrypted bytea) OWNER TO nakksha_owner;

--
-- Name: FUNCTION set_my_bank_details(p_bank_name text, p_account_number_encrypted bytea, p_ifsc_code_encrypted bytea); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.set_my_bank_details(p_bank_name text, p_account_number_encrypted bytea, p_ifsc_code_encrypted bytea) IS 'Store the calling consultant''s bank details (account number and IFSC as ciphertext).';


--
-- Name: set_my_photo(text); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.set_my_photo(p_url text) RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_id uuid := api.caller_consultant_id();
  v_replaced text;
begin
  -- The row is locked before the photo it shows is read: of two uploads at once, the second waits for the
  -- first to commit and then replaces (and lets the app delete) the first one's photo, never its own or the
  -- one that ends up recorded. (FOR UPDATE needs the caller's UPDATE grant on the row: the policy's own row.)
  select profile_photo_url into v_replaced from app.consultants where id = v_id for update;
  update app.consultants set profile_photo_url = p_url where id = v_id;
  return api.consultant_json(v_id) || jsonb_build_object('replaced_photo_url',
    case when v_replaced is distinct from p_url then v_replaced end);
end;
$$;


ALTER FUNCTION api.set_my_photo(p_url text) OWNER TO nakksha_owner;

--
-- Name: FUNCTION set_my_photo(p_url text); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.set_my_photo(p_url text) IS 'Point the calling consultant''s profile photo at a stored image. replaced_photo_url: the photo it replaced (null when none), for the app to delete.';


--
-- Name: set_my_tax_profile(jsonb, text, bytea); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.set_my_tax_profile(p_profile jsonb, p_pan text DEFAULT NULL::text, p_pan_encrypted bytea DEFAULT NULL::bytea) RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $_$
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
    elsif not exists (select 1 from app.gst_states s where s.code = left(v_gstin, 2)) then
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
  -- What the documents print: a registered consultant's legal name and address are on every invoice.
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
  if ((p_profile->>'lut_reference') is null) <> ((p_profile->>'lut_valid_until') is null) then
    perform app.refuse_field(case when (p_profile->>'lut_reference') is null then 'lut_reference'
                                                 else 'lut_valid_until' end,
                                            'A letter of undertaking has its reference (ARN) and the date it runs to.');
  end if;
  insert into app.consultant_tax_profiles as t (consultant_id, gst_scheme, gstin, legal_name, state_code,
    address_line1, address_line2, city, postal_code, pan_encrypted, pan_last4, pan_holder_type, lut_reference,
    lut_valid_until)
  values (v_id, v_scheme, v_gstin, nullif(btrim(p_profile->>'legal_name'), ''), v_state,
          nullif(btrim(p_profile->>'address_line1'), ''), nullif(btrim(p_profile->>'address_line2'), ''),
          nullif(btrim(p_profile->>'city'), ''), nullif(btrim(p_profile->>'postal_code'), ''),
          coalesce(case when v_pan is not null then p_pan_encrypted end, v_old.pan_encrypted), v_pan_last4, v_pan_type,
          nullif(upper(btrim(p_profile->>'lut_reference')), ''), (p_profile->>'lut_valid_until')::date)
  on conflict (consultant_id) do update set gst_scheme = excluded.gst_scheme, gstin = excluded.gstin,
    legal_name = excluded.legal_name, state_code = excluded.state_code, address_line1 = excluded.address_line1,
    address_line2 = excluded.address_line2, city = excluded.city, postal_code = excluded.postal_code,
    pan_encrypted = excluded.pan_encrypted, pan_last4 = excluded.pan_last4, pan_holder_type = excluded.pan_holder_type,
    lut_reference = excluded.lut_reference, lut_valid_until = excluded.lut_valid_until;
  return api.tax_profile_json(v_id);
end;
$_$;


ALTER FUNCTION api.set_my_tax_profile(p_profile jsonb, p_pan text, p_pan_encrypted bytea) OWNER TO nakksha_owner;

--
-- Name: FUNCTION set_my_tax_profile(p_profile jsonb, p_pan text, p_pan_encrypted bytea); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.set_my_tax_profile(p_profile jsonb, p_pan text, p_pan_encrypted bytea) IS 'Replace the calling consultant''s tax settings (the PAN: new in clear and as the app''s ciphertext, or omitted to keep the one on file). Every rule is checked here; a broken one is a 422 naming its field.';


--
-- Name: set_quotation_items(app.quotations, jsonb); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.set_quotation_items(p_quotation app.quotations, p_items jsonb) RETURNS void
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_bad int;
begin
  -- Each line names what it is and costs something countable: a description, a quantity above 0, a price of 0
  -- or more (the table's checks say the same; this names the line). The ₹1 minimum is the total's, not a line's.
  select min(e.n) into v_bad
  from jsonb_array_elements(p_items) with ordinality as e(item, n)
  where jsonb_typeof(e.item) <> 'object' or nullif(btrim(e.item->>'description'), '') is null
     or e.item->>'unit_price' is null;
  if v_bad is not null then
    raise exception using errcode = 'NK422', message = 'validation_error',
      detail = format('Line %s needs a description and a unit price.', v_bad), hint = format('field:items.%s', v_bad - 1);
  end if;
  -- Replace the lines in two statements: the total is summed once for the deletion (0) and once for the new set.
  delete from app.quotation_items where quotation_id = p_quotation.id;
  insert into app.quotation_items (consultant_id, quotation_id, position, description, quantity, unit_price)
  select p_quotation.consultant_id, p_quotation.id, e.n, btrim(e.item->>'description'),
         coalesce((e.item->>'quantity')::numeric, 1), (e.item->>'unit_price')::numeric
  from jsonb_array_elements(p_items) with ordinality as e(item, n);
end;
$$;


ALTER FUNCTION api.set_quotation_items(p_quotation app.quotations, p_items jsonb) OWNER TO nakksha_owner;

--
-- Name: FUNCTION set_quotation_items(p_quotation app.quotations, p_items jsonb); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.set_quotation_items(p_quotation app.quotations, p_items jsonb) IS 'Replace a draft''s lines with these (description, quantity (default 1), unit_price); the base amount becomes their sum.';


--
-- Name: set_session_status(uuid, text, text); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.set_session_status(p_session_id uuid, p_to text, p_reason text DEFAULT NULL::text) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
declare
  v_s app.sessions := app_private.caller_session(p_session_id);
begin
  -- The consultant's status actions; the trigger holds the lifecycle, this adds the conditions of each
  -- (and refuses a no-op: cancelling a cancelled session is not a success).
  if v_s.status = p_to then
    raise exception using errcode = 'NK409', message = 'invalid_transition',
      detail = format('The session is already %s.', p_to);
  end if;
  if p_to in ('completed', 'no_show') and v_s.starts_at > now() then
    raise exception using errcode = 'NK409', message = 'session_not_started',
      detail = 'A session can be marked completed or no-show only after it starts.';
  end if;
  if p_to = 'confirmed' and v_s.status = 'pending' and v_s.payment_status not in ('paid', 'not_required') then
    raise exception using errcode = 'NK409', message = 'payment_required',
      detail = 'This booking is not paid yet; it confirms when the payment arrives.';
  end if;
  if p_to = 'cancelled' then
    v_s := app_private.cancel_for_client(v_s, 'consultant', p_reason, 'Cancelled by the consultant', 'consultant');
  else
    update app.sessions set status = p_to where id = v_s.id returning * into v_s;
  end if;
  return api.session_json(v_s);
end;
$$;


ALTER FUNCTION api.set_session_status(p_session_id uuid, p_to text, p_reason text) OWNER TO nakksha_owner;

--
-- Name: FUNCTION set_session_status(p_session_id uuid, p_to text, p_reason text); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.set_session_status(p_session_id uuid, p_to text, p_reason text) IS 'Confirm, complete, mark no-show or cancel one of the caller''s sessions (the lifecycle trigger decides what is allowed). Definer: changes a session''s status and refunds it, which no web role may write directly.';


--
-- Name: setting_bounds(); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.setting_bounds() RETURNS jsonb
    LANGUAGE sql IMMUTABLE
    SET search_path TO ''
    AS $$
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
    "tds_basis_points": [0, 500], "tds_no_pan_basis_points": [0, 2000], "tds_threshold_rupees": [0, 10000000]}'::jsonb;
$$;


ALTER FUNCTION api.setting_bounds() OWNER TO nakksha_owner;

--
-- Name: FUNCTION setting_bounds(); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.setting_bounds() IS 'The whole-number platform settings and their [min, max]: the check and the settings page read the same.';


--
-- Name: setting_for_answer(text, jsonb); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.setting_for_answer(p_key text, p_value jsonb) RETURNS jsonb
    LANGUAGE sql IMMUTABLE
    SET search_path TO ''
    AS $$
  -- Every stored setting is answered as kept (the plans, whose prices are money, are app.plans: api.plans_json).
  select p_value
$$;


ALTER FUNCTION api.setting_for_answer(p_key text, p_value jsonb) OWNER TO nakksha_owner;

--
-- Name: FUNCTION setting_for_answer(p_key text, p_value jsonb); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.setting_for_answer(p_key text, p_value jsonb) IS 'A stored setting''s value as the API answers it.';


--
-- Name: signup_consultant(text, text, text, text, text, text, bytea, timestamp with time zone, bytea, text, text, inet); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.signup_consultant(p_email text, p_password_hash text, p_first_name text, p_last_name text, p_phone_country_code text, p_phone_number text, p_refresh_hash bytea, p_refresh_expires_at timestamp with time zone, p_verify_hash bytea, p_verify_url_encrypted text, p_user_agent text DEFAULT NULL::text, p_ip inet DEFAULT NULL::inet) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $_$
declare
  v_base text;
  v_slug text;
  v_consultant app.consultants;
  v_constraint text;
begin
  -- A slug suggested from the name: lowercase ASCII words joined by hyphens ('consultant' when the name
  -- has none), made unique with a numeric suffix. Racing signups or a reserved word move to the next.
  v_base := trim(both '-' from regexp_replace(lower(coalesce(p_first_name, '') || '-' || coalesce(p_last_name, '')),
                                              '[^a-z0-9]+', '-', 'g'));
  v_base := trim(both '-' from left(v_base, 50));
  if length(v_base) < 3 then
    v_base := 'consultant';
  elsif v_base ~ '^deleted-' then
    v_base := left('consultant-' || v_base, 50);  -- the deleted- prefix is deleted accounts' own
  end if;
  select v_base || coalesce('-' || nullif(count(*), 0)::text, '') into v_slug
  from app.consultants c where c.slug = v_base or c.slug ~ ('^' || v_base || '-[0-9]+$');
  -- The verification mail goes to an address the caller typed: it counts against that mailbox's mails of the
  -- day, and past them nothing is created (NK429).
  perform app_private.take_recipient_mail(p_email);
  for attempt in 1..8 loop
    begin
      -- Signing up signs the consultant in (the session below), so it is their first sign-in too.
      insert into app.consultants (email, password_hash, first_name, last_name, phone_country_code, phone_number, slug,
                                   last_login_at)
      values (lower(btrim(p_email)), p_password_hash, btrim(p_first_name), btrim(p_last_name),
              p_phone_country_code, p_phone_number, v_slug, now())
      returning * into v_consultant;
      exit;
    exception when unique_violation or check_violation then
      get stacked diagnostics v_constraint = constraint_name;
      if v_constraint not in ('consultants_slug_key', 'consultants_slug_not_reserved') or attempt = 8 then
        raise;
      end if;
      v_slug := v_base || '-' || (attempt + 1 + floor(random() * 1000)::integer)::text;
    end;
  end loop;

  perform app_private.start_session(v_consultant.id, null, p_refresh_hash, p_refresh_expires_at, p_user_agent, p_ip);
  insert into app.one_time_tokens (consultant_id, purpose, token_hash, email, expires_at)
  values (v_consultant.id, 'verify_email', p_verify_hash, v_consultant.email, now() + interval '24 hours');
  -- Nobody has shown the address is theirs yet: the mail carries no text the caller typed (no name in the
  -- greeting or the To header), only the platform's words and the link.
  perform app_private.queue_email('verify_email', v_consultant.email::text, null,
    jsonb_build_object('verify_url_encrypted', p_verify_url_encrypted, 'valid_hours', 24),
    p_consultant_id => v_consultant.id);
  return api.consultant_json(v_consultant.id) || jsonb_build_object('token_epoch', v_consultant.token_epoch);
end;
$_$;


ALTER FUNCTION api.signup_consultant(p_email text, p_password_hash text, p_first_name text, p_last_name text, p_phone_country_code text, p_phone_number text, p_refresh_hash bytea, p_refresh_expires_at timestamp with time zone, p_verify_hash bytea, p_verify_url_encrypted text, p_user_agent text, p_ip inet) OWNER TO nakksha_owner;

--
-- Name: FUNCTION signup_consultant(p_email text, p_password_hash text, p_first_name text, p_last_name text, p_phone_country_code text, p_phone_number text, p_refresh_hash bytea, p_refresh_expires_at timestamp with time zone, p_verify_hash bytea, p_verify_url_encrypted text, p_user_agent text, p_ip inet); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.signup_consultant(p_email text, p_password_hash text, p_first_name text, p_last_name text, p_phone_country_code text, p_phone_number text, p_refresh_hash bytea, p_refresh_expires_at timestamp with time zone, p_verify_hash bytea, p_verify_url_encrypted text, p_user_agent text, p_ip inet) IS 'Create a pending consultant with a unique slug, a first session and a queued verification email (counted against the mailbox''s day: NK429 past it, nothing created). Definer: sign-in and its sessions: credentials, password hashes and refresh tokens, which no web role reads or writes.';


--
-- Name: availability_slots; Type: TABLE; Schema: app; Owner: nakksha_owner
--

CREATE TABLE app.availability_slots (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    consultant_id uuid NOT NULL,
    session_type text NOT NULL,
    starts_at timestamp with time zone NOT NULL,
    ends_at timestamp with time zone NOT NULL,
    date date NOT NULL,
    start_time time without time zone NOT NULL,
    end_time time without time zone NOT NULL,
    capacity integer DEFAULT 1 NOT NULL,
    booked_count integer DEFAULT 0 NOT NULL,
    is_available boolean DEFAULT true NOT NULL,
    source text DEFAULT 'manual'::text NOT NULL,
    rule_id uuid,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT availability_slots_booked_count_range CHECK (((booked_count >= 0) AND (booked_count <= capacity))),
    CONSTRAINT availability_slots_capacity_range CHECK (((capacity >= 1) AND (capacity <= 10000))),
    CONSTRAINT availability_slots_end_after_start CHECK ((ends_at > starts_at)),
    CONSTRAINT availability_slots_personal_single CHECK (((session_type = 'webinar'::text) OR (capacity = 1))),
    CONSTRAINT availability_slots_session_type_valid CHECK ((session_type = ANY (ARRAY['personal'::text, 'webinar'::text]))),
    CONSTRAINT availability_slots_source_valid CHECK ((source = ANY (ARRAY['rule'::text, 'manual'::text])))
);


ALTER TABLE app.availability_slots OWNER TO nakksha_owner;

--
-- Name: TABLE availability_slots; Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON TABLE app.availability_slots IS 'Bookable times. starts_at/ends_at are the truth; date/start_time/end_time are derived local values. Webinar slots take capacity clients.';


--
-- Name: slot_json(app.availability_slots); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.slot_json(p_s app.availability_slots) RETURNS jsonb
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  select jsonb_build_object('id', p_s.id, 'session_type', p_s.session_type, 'starts_at', p_s.starts_at,
    'ends_at', p_s.ends_at, 'date', p_s.date, 'start_time', to_char(p_s.start_time, 'HH24:MI'),
    'end_time', to_char(p_s.end_time, 'HH24:MI'), 'capacity', p_s.capacity, 'booked_count', p_s.booked_count,
    'remaining', p_s.capacity - p_s.booked_count, 'is_available', p_s.is_available, 'source', p_s.source,
    'rule_id', p_s.rule_id)
$$;


ALTER FUNCTION api.slot_json(p_s app.availability_slots) OWNER TO nakksha_owner;

--
-- Name: FUNCTION slot_json(p_s app.availability_slots); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.slot_json(p_s app.availability_slots) IS 'A slot as the consultant''s API shows it.';


--
-- Name: start_admin_session(uuid, bytea, timestamp with time zone, text, inet); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.start_admin_session(p_admin_id uuid, p_refresh_hash bytea, p_expires_at timestamp with time zone, p_user_agent text DEFAULT NULL::text, p_ip inet DEFAULT NULL::inet) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
declare
  v_a app.admins;
begin
  update app.admins set last_login_at = now() where id = p_admin_id and is_active returning * into v_a;
  if v_a.id is null then
    raise exception using errcode = 'NK401', message = 'invalid_credentials', detail = 'Wrong email or password.';
  end if;
  perform app_private.start_session(null, v_a.id, p_refresh_hash, p_expires_at, p_user_agent, p_ip);
  return api.admin_json(v_a.id) || jsonb_build_object('token_epoch', v_a.token_epoch);
end;
$$;


ALTER FUNCTION api.start_admin_session(p_admin_id uuid, p_refresh_hash bytea, p_expires_at timestamp with time zone, p_user_agent text, p_ip inet) OWNER TO nakksha_owner;

--
-- Name: FUNCTION start_admin_session(p_admin_id uuid, p_refresh_hash bytea, p_expires_at timestamp with time zone, p_user_agent text, p_ip inet); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.start_admin_session(p_admin_id uuid, p_refresh_hash bytea, p_expires_at timestamp with time zone, p_user_agent text, p_ip inet) IS 'After the app checked the password: record the admin login and open a refresh family. Definer: sign-in and its sessions: credentials, password hashes and refresh tokens, which no web role reads or writes.';


--
-- Name: start_consultant_session(uuid, bytea, timestamp with time zone, text, inet); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.start_consultant_session(p_consultant_id uuid, p_refresh_hash bytea, p_expires_at timestamp with time zone, p_user_agent text DEFAULT NULL::text, p_ip inet DEFAULT NULL::inet) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
declare
  v_c app.consultants;
begin
  update app.consultants set last_login_at = now()
  where id = p_consultant_id and deleted_at is null and password_hash is not null
  returning * into v_c;
  if v_c.id is null then
    raise exception using errcode = 'NK401', message = 'invalid_credentials', detail = 'Wrong email or password.';
  end if;
  perform app_private.start_session(v_c.id, null, p_refresh_hash, p_expires_at, p_user_agent, p_ip);
  return api.consultant_json(v_c.id) || jsonb_build_object('token_epoch', v_c.token_epoch);
end;
$$;


ALTER FUNCTION api.start_consultant_session(p_consultant_id uuid, p_refresh_hash bytea, p_expires_at timestamp with time zone, p_user_agent text, p_ip inet) OWNER TO nakksha_owner;

--
-- Name: FUNCTION start_consultant_session(p_consultant_id uuid, p_refresh_hash bytea, p_expires_at timestamp with time zone, p_user_agent text, p_ip inet); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.start_consultant_session(p_consultant_id uuid, p_refresh_hash bytea, p_expires_at timestamp with time zone, p_user_agent text, p_ip inet) IS 'After the app checked the password: record the login and open a refresh family. Definer: sign-in and its sessions: credentials, password hashes and refresh tokens, which no web role reads or writes.';


--
-- Name: store_calendar_connection(bytea, text, text, text, text, timestamp with time zone); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.store_calendar_connection(p_state_hash bytea, p_account_email text, p_scopes text, p_access_encrypted text, p_refresh_encrypted text, p_expires_at timestamp with time zone) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
declare
  v_state app.oauth_states;
  v_c app.calendar_connections;
  v_key text;
begin
  -- Bound to a state taken by this callback moments ago: the consultant is the one who started it.
  delete from app.oauth_states where state_hash = p_state_hash and code_verifier = '' and expires_at > now()
  returning * into v_state;
  if v_state.state_hash is null then
    raise exception using errcode = 'NK400', message = 'invalid_state',
      detail = 'This connection attempt has expired; start again from your settings.';
  end if;
  insert into app.calendar_connections as c (consultant_id, provider, status, account_email, scopes,
                                             access_token_encrypted, refresh_token_encrypted, access_expires_at,
                                             token_refreshed_at, last_error, busy_synced_at, connected_at)
  values (v_state.consultant_id, v_state.provider, 'connected', p_account_email, p_scopes, p_access_encrypted,
          p_refresh_encrypted, p_expires_at, now(), null, null, now())
  on conflict (consultant_id, provider) do update set
    status = 'connected', account_email = excluded.account_email, scopes = excluded.scopes,
    access_token_encrypted = excluded.access_token_encrypted,
    -- A provider may leave the refresh token out on a repeated consent: the one we hold still works.
    refresh_token_encrypted = coalesce(excluded.refresh_token_encrypted, c.refresh_token_encrypted),
    access_expires_at = excluded.access_expires_at, token_refreshed_at = now(), last_error = null,
    busy_synced_at = null, connected_at = now()
  returning * into v_c;
  -- Fill the cache of busy times now, and put the upcoming confirmed sessions on the new calendar.
  -- Under the lock `busy:<id>` only (no queueing lock): the periodic job may queue one at the same moment,
  -- and two fetches one after the other are harmless where a unique violation here would lose the grant.
  perform app_private.defer_job('refresh_calendar_busy', jsonb_build_object('connection_id', v_c.id), 'calendar',
                                null, null, 'busy:' || v_c.id);
  for v_key in
    select distinct app_private.calendar_event_key(s) from app.sessions s
    where s.consultant_id = v_c.consultant_id and s.status = 'confirmed' and s.ends_at > now()
  loop
    perform app_private.queue_calendar_sync_key(v_key);
  end loop;
  return jsonb_build_object('provider', v_c.provider, 'status', v_c.status, 'account_email', v_c.account_email);
end;
$$;


ALTER FUNCTION api.store_calendar_connection(p_state_hash bytea, p_account_email text, p_scopes text, p_access_encrypted text, p_refresh_encrypted text, p_expires_at timestamp with time zone) OWNER TO nakksha_owner;

--
-- Name: FUNCTION store_calendar_connection(p_state_hash bytea, p_account_email text, p_scopes text, p_access_encrypted text, p_refresh_encrypted text, p_expires_at timestamp with time zone); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.store_calendar_connection(p_state_hash bytea, p_account_email text, p_scopes text, p_access_encrypted text, p_refresh_encrypted text, p_expires_at timestamp with time zone) IS 'OAuth callback: store the encrypted grant for the consultant whose state it is; schedules a busy-time fetch and event sync. Definer: a visitor holding a link''s token: the row is found by the token''s hash with no signed-in caller, and its status changes are the function''s alone.';


--
-- Name: suspend_consultant(uuid, text, text, boolean); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.suspend_consultant(p_consultant_id uuid, p_reason text, p_acting_admin_email text DEFAULT NULL::text, p_cancel_upcoming boolean DEFAULT false) RETURNS jsonb
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$ select app_private.set_approval(p_consultant_id, 'suspended', p_reason, p_acting_admin_email, p_cancel_upcoming) $$;


ALTER FUNCTION api.suspend_consultant(p_consultant_id uuid, p_reason text, p_acting_admin_email text, p_cancel_upcoming boolean) OWNER TO nakksha_owner;

--
-- Name: FUNCTION suspend_consultant(p_consultant_id uuid, p_reason text, p_acting_admin_email text, p_cancel_upcoming boolean); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.suspend_consultant(p_consultant_id uuid, p_reason text, p_acting_admin_email text, p_cancel_upcoming boolean) IS 'Suspend an approved consultant: page gone, dashboard read-only, signed out everywhere; with p_cancel_upcoming, every upcoming paid session cancelled and refunded in full. Definer: an admin action across tenants: checks the acting admin and writes the audit log (no write policy names an admin role).';


--
-- Name: take_oauth_state(bytea, bytea); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.take_oauth_state(p_state_hash bytea, p_browser_hash bytea) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
declare
  v_state app.oauth_states;
begin
  -- Used once: the first callback with this state takes its verifier (within its ten minutes), a replay
  -- gets NULL. The row stays, emptied, until the connection is stored, which must follow within minutes.
  -- Only in the browser that started it (its cookie's hash): a consent link sent to someone else cannot
  -- attach their calendar to the sender's account.
  select * into v_state from app.oauth_states
  where state_hash = p_state_hash and expires_at > now() and code_verifier <> '' and browser_hash = p_browser_hash
  for update;
  if v_state.state_hash is null then
    return null;
  end if;
  update app.oauth_states set code_verifier = '', expires_at = least(expires_at, now() + interval '5 minutes')
  where state_hash = p_state_hash;
  return jsonb_build_object('provider', v_state.provider, 'code_verifier', v_state.code_verifier);
end;
$$;


ALTER FUNCTION api.take_oauth_state(p_state_hash bytea, p_browser_hash bytea) OWNER TO nakksha_owner;

--
-- Name: FUNCTION take_oauth_state(p_state_hash bytea, p_browser_hash bytea); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.take_oauth_state(p_state_hash bytea, p_browser_hash bytea) IS 'OAuth callback: the provider and PKCE verifier of a state, once; NULL for an unknown, expired or used state. Definer: a visitor holding a link''s token: the row is found by the token''s hash with no signed-in caller, and its status changes are the function''s alone.';


--
-- Name: tax_profile_json(uuid); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.tax_profile_json(p_consultant_id uuid) RETURNS jsonb
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
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


ALTER FUNCTION api.tax_profile_json(p_consultant_id uuid) OWNER TO nakksha_owner;

--
-- Name: FUNCTION tax_profile_json(p_consultant_id uuid); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.tax_profile_json(p_consultant_id uuid) IS 'A consultant''s tax settings as the API answers them (PAN masked to its last four), with the document they issue and the rates withheld from their payments.';


--
-- Name: unpublish_my_page(); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.unpublish_my_page() RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_id uuid := app.current_consultant_id();
begin
  -- Anyone may take their own page down (suspended too); the bookings already made stay as they are.
  update app.consultants set published_at = null where id = v_id and deleted_at is null;
  if not found then
    raise exception using errcode = 'NK401', message = 'unauthorized', detail = 'Log in first.';
  end if;
  return api.my_page_status();
end;
$$;


ALTER FUNCTION api.unpublish_my_page() OWNER TO nakksha_owner;

--
-- Name: FUNCTION unpublish_my_page(); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.unpublish_my_page() IS 'Take the caller''s page down: the public page, its slots and booking answer 404 until they publish again.';


--
-- Name: unreferenced_quotation_images(uuid, text[]); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.unreferenced_quotation_images(p_consultant_id uuid, p_urls text[]) RETURNS jsonb
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  -- A consultant's uploaded image may be shared by several of their quotations (a duplicate keeps its
  -- source's): the app deletes a stored file only once none of them refers to it. Callers hold the rows they
  -- changed, and api.duplicate_quotation locks its source, so no copy can take a URL after this looked.
  select coalesce(jsonb_agg(distinct u.url), '[]')
  from unnest(p_urls) as u(url)
  where u.url is not null
    and not exists (select 1 from app.quotations q
                    where q.consultant_id = p_consultant_id and q.quotation_image_url = u.url)
$$;


ALTER FUNCTION api.unreferenced_quotation_images(p_consultant_id uuid, p_urls text[]) OWNER TO nakksha_owner;

--
-- Name: FUNCTION unreferenced_quotation_images(p_consultant_id uuid, p_urls text[]); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.unreferenced_quotation_images(p_consultant_id uuid, p_urls text[]) IS 'Of these image URLs, those no quotation of the consultant refers to any more (the app deletes their stored files).';


--
-- Name: upcoming_paid_sessions(uuid); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.upcoming_paid_sessions(p_consultant_id uuid) RETURNS SETOF app.sessions
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  -- What suspending a consultant leaves hanging: their sessions still to come that a client has paid for.
  select s.* from app.sessions s
  where s.consultant_id = p_consultant_id and s.status = 'confirmed' and s.starts_at > now()
    and s.payment_status in ('paid', 'partially_refunded')
  order by s.starts_at
$$;


ALTER FUNCTION api.upcoming_paid_sessions(p_consultant_id uuid) OWNER TO nakksha_owner;

--
-- Name: FUNCTION upcoming_paid_sessions(p_consultant_id uuid); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.upcoming_paid_sessions(p_consultant_id uuid) IS 'A consultant''s confirmed sessions still to come that a client paid for (what the suspend page offers to cancel and refund); read as the caller (an admin reads every tenant''s, a consultant their own).';


--
-- Name: upcoming_paid_sessions_json(uuid); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.upcoming_paid_sessions_json(p_consultant_id uuid) RETURNS jsonb
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  select coalesce(jsonb_agg(jsonb_build_object('id', s.id, 'title', s.title, 'starts_at', s.starts_at,
           'amount', api.money(s.amount), 'payment_status', s.payment_status,
           'client_name', coalesce(s.client_name, cl.name)) order by s.starts_at), '[]')
  from api.upcoming_paid_sessions(p_consultant_id) s left join app.clients cl on cl.id = s.client_id
$$;


ALTER FUNCTION api.upcoming_paid_sessions_json(p_consultant_id uuid) OWNER TO nakksha_owner;

--
-- Name: FUNCTION upcoming_paid_sessions_json(p_consultant_id uuid); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.upcoming_paid_sessions_json(p_consultant_id uuid) IS 'The upcoming paid sessions as the admin''s suspend page lists them (read as the caller).';


--
-- Name: update_availability_rule(uuid, text, integer, time without time zone, time without time zone, integer, integer, date, date, boolean); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.update_availability_rule(p_rule_id uuid, p_session_type text, p_weekday integer, p_start_time time without time zone, p_end_time time without time zone, p_slot_minutes integer, p_capacity integer, p_valid_from date, p_valid_until date, p_is_active boolean) RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_consultant uuid := api.caller_consultant_id();
begin
  perform app.check_capacity(p_session_type, p_capacity);
  update app.availability_rules set session_type = p_session_type, weekday = p_weekday, start_time = p_start_time,
    end_time = p_end_time, slot_minutes = p_slot_minutes, capacity = p_capacity, valid_from = p_valid_from,
    valid_until = p_valid_until, is_active = p_is_active
  where id = p_rule_id and consultant_id = v_consultant;
  if not found then
    raise exception using errcode = 'NK404', message = 'not_found', detail = 'No such rule.';
  end if;
  perform app.rematerialise_my_slots();
  return api.availability_json(v_consultant);
end;
$$;


ALTER FUNCTION api.update_availability_rule(p_rule_id uuid, p_session_type text, p_weekday integer, p_start_time time without time zone, p_end_time time without time zone, p_slot_minutes integer, p_capacity integer, p_valid_from date, p_valid_until date, p_is_active boolean) OWNER TO nakksha_owner;

--
-- Name: FUNCTION update_availability_rule(p_rule_id uuid, p_session_type text, p_weekday integer, p_start_time time without time zone, p_end_time time without time zone, p_slot_minutes integer, p_capacity integer, p_valid_from date, p_valid_until date, p_is_active boolean); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.update_availability_rule(p_rule_id uuid, p_session_type text, p_weekday integer, p_start_time time without time zone, p_end_time time without time zone, p_slot_minutes integer, p_capacity integer, p_valid_from date, p_valid_until date, p_is_active boolean) IS 'Replace a weekly rule; its future unbooked slots follow.';


--
-- Name: update_client(uuid, jsonb, bytea, bytea); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.update_client(p_client_id uuid, p_patch jsonb, p_phone_encrypted bytea, p_phone_hash bytea) RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_c app.clients;
begin
  perform api.require_approved();
  update app.clients c set
    name = case when p_patch ? 'name' then btrim(p_patch->>'name') else c.name end,
    email = case when p_patch ? 'email' then lower(btrim(p_patch->>'email')) else c.email end,
    notes = case when p_patch ? 'notes' then p_patch->>'notes' else c.notes end,
    phone_encrypted = case when p_patch ? 'phone' then p_phone_encrypted else c.phone_encrypted end,
    phone_hash = case when p_patch ? 'phone' then p_phone_hash else c.phone_hash end,
    is_active = case when p_patch ? 'is_active' then (p_patch->>'is_active')::boolean else c.is_active end
  where c.id = p_client_id and c.anonymised_at is null
  returning * into v_c;
  if v_c.id is null then
    raise exception using errcode = 'NK404', message = 'not_found', detail = 'No such client.';
  end if;
  return api.client_json(v_c);
end;
$$;


ALTER FUNCTION api.update_client(p_client_id uuid, p_patch jsonb, p_phone_encrypted bytea, p_phone_hash bytea) OWNER TO nakksha_owner;

--
-- Name: FUNCTION update_client(p_client_id uuid, p_patch jsonb, p_phone_encrypted bytea, p_phone_hash bytea); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.update_client(p_client_id uuid, p_patch jsonb, p_phone_encrypted bytea, p_phone_hash bytea) IS 'Change a client (the keys present in the patch).';


--
-- Name: update_my_profile(jsonb); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.update_my_profile(p_patch jsonb) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
declare
  v_c app.consultants := app_private.caller_consultant();
  v_new app.consultants;
begin
  -- A patch: only the keys present change (a JSON null clears an optional field). Shapes and formats were
  -- checked by the request schema; the table's constraints have the last word (slug, timezone, ranges).
  update app.consultants c set
    first_name = case when p_patch ? 'first_name' then p_patch->>'first_name' else c.first_name end,
    last_name = case when p_patch ? 'last_name' then p_patch->>'last_name' else c.last_name end,
    phone_country_code = case when p_patch ? 'phone_country_code' then p_patch->>'phone_country_code' else c.phone_country_code end,
    phone_number = case when p_patch ? 'phone_number' then p_patch->>'phone_number' else c.phone_number end,
    consultancy_sector = case when p_patch ? 'consultancy_sector' then p_patch->>'consultancy_sector' else c.consultancy_sector end,
    personal_session_title = case when p_patch ? 'personal_session_title' then p_patch->>'personal_session_title' else c.personal_session_title end,
    webinar_session_title = case when p_patch ? 'webinar_session_title' then p_patch->>'webinar_session_title' else c.webinar_session_title end,
    personal_session_price = case when p_patch ? 'personal_session_price' then (p_patch->>'personal_session_price')::numeric else c.personal_session_price end,
    webinar_session_price = case when p_patch ? 'webinar_session_price' then (p_patch->>'webinar_session_price')::numeric else c.webinar_session_price end,
    description = case when p_patch ? 'description' then p_patch->>'description' else c.description end,
    experience_months = case when p_patch ? 'experience_months' then (p_patch->>'experience_months')::integer else c.experience_months end,
    instagram_url = case when p_patch ? 'instagram_url' then p_patch->>'instagram_url' else c.instagram_url end,
    linkedin_url = case when p_patch ? 'linkedin_url' then p_patch->>'linkedin_url' else c.linkedin_url end,
    twitter_url = case when p_patch ? 'twitter_url' then p_patch->>'twitter_url' else c.twitter_url end,
    slug = case when p_patch ? 'slug' then p_patch->>'slug' else c.slug end,
    timezone = case when p_patch ? 'timezone' then p_patch->>'timezone' else c.timezone end,
    min_notice_minutes = case when p_patch ? 'min_notice_minutes' then (p_patch->>'min_notice_minutes')::integer else c.min_notice_minutes end,
    max_days_ahead = case when p_patch ? 'max_days_ahead' then (p_patch->>'max_days_ahead')::integer else c.max_days_ahead end,
    buffer_minutes = case when p_patch ? 'buffer_minutes' then (p_patch->>'buffer_minutes')::integer else c.buffer_minutes end,
    hold_minutes = case when p_patch ? 'hold_minutes' then (p_patch->>'hold_minutes')::integer else c.hold_minutes end,
    cancellation_policy = case when p_patch ? 'cancellation_policy' then p_patch->'cancellation_policy' else c.cancellation_policy end,
    default_meeting_platform = case when p_patch ? 'default_meeting_platform' then p_patch->>'default_meeting_platform' else c.default_meeting_platform end,
    zoom_link = case when p_patch ? 'zoom_link' then p_patch->>'zoom_link' else c.zoom_link end,
    meet_link = case when p_patch ? 'meet_link' then p_patch->>'meet_link' else c.meet_link end,
    teams_link = case when p_patch ? 'teams_link' then p_patch->>'teams_link' else c.teams_link end,
    notification_preferences = case when p_patch ? 'notification_preferences'
      then c.notification_preferences || (p_patch->'notification_preferences') else c.notification_preferences end
  where c.id = v_c.id
  returning * into v_new;
  -- A horizon that grew or shrank: bring the slots in line now rather than at the next daily run (booked
  -- slots stay where they are). A new timezone re-makes them in its trigger (app.rederive_local_times), with
  -- the new horizon already in the row.
  if v_new.max_days_ahead <> v_c.max_days_ahead and v_new.timezone = v_c.timezone then
    perform app_private.rematerialise_slots(v_new.id);
  end if;
  return api.consultant_json(v_new.id);
end;
$$;


ALTER FUNCTION api.update_my_profile(p_patch jsonb) OWNER TO nakksha_owner;

--
-- Name: FUNCTION update_my_profile(p_patch jsonb); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.update_my_profile(p_patch jsonb) IS 'Change the calling consultant''s profile and settings (the keys present in the patch). Definer: writes the slug and the hold time, which no web role may write directly (the slug is the public page''s address).';


--
-- Name: update_quotation(uuid, jsonb); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.update_quotation(p_quotation_id uuid, p_patch jsonb) RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_q app.quotations := api.my_quotation(p_quotation_id, true);
  v_old_image text := v_q.quotation_image_url;
  v_client record;
  v_items jsonb;
begin
  if v_q.status <> 'draft' then
    raise exception using errcode = 'NK409', message = 'quotation_not_editable',
      detail = 'Only a draft can be changed; duplicate it to make a new version.';
  end if;
  if p_patch ?| array['client_id', 'client_name', 'client_email'] then
    select * into v_client from api.quotation_client(v_q.consultant_id,
      case when p_patch ? 'client_id' then (p_patch->>'client_id')::uuid
           when p_patch ?| array['client_name', 'client_email'] then null else v_q.client_id end,
      coalesce(p_patch->>'client_name', v_q.client_name), coalesce(p_patch->>'client_email', v_q.client_email::text));
    v_q.client_id := v_client.client_id;
    v_q.client_name := v_client.client_name;
    v_q.client_email := v_client.client_email;
  end if;
  update app.quotations q set
    client_id = v_q.client_id, client_name = v_q.client_name, client_email = v_q.client_email,
    quotation_name = case when p_patch ? 'quotation_name' then btrim(p_patch->>'quotation_name') else q.quotation_name end,
    description = case when p_patch ? 'description' then p_patch->>'description' else q.description end,
    discount_percentage = case when p_patch ? 'discount_percentage'
                               then (p_patch->>'discount_percentage')::numeric else q.discount_percentage end,
    currency = case when p_patch ? 'currency' then p_patch->>'currency' else q.currency end,
    validity_period = case when p_patch ? 'validity_period' then p_patch->>'validity_period' else q.validity_period end,
    expires_at = case when p_patch ? 'expires_at' then (p_patch->>'expires_at')::timestamptz else q.expires_at end,
    notes = case when p_patch ? 'notes' then p_patch->>'notes' else q.notes end,
    quotation_image_url = case when p_patch ? 'quotation_image_url' then p_patch->>'quotation_image_url'
                               else q.quotation_image_url end
  where q.id = v_q.id
  returning * into v_q;
  -- New lines replace the old (items, or a single base_amount as one line); the total follows.
  v_items := api.quotation_items_from(p_patch, v_q.quotation_name);
  if v_items is not null then
    perform api.set_quotation_items(v_q, v_items);
    select * into v_q from app.quotations where id = v_q.id;
  end if;
  -- A replaced or removed image whose file no other quotation shows: the app deletes it from storage.
  return api.quotation_json(v_q) || jsonb_build_object('forgotten_images',
    case when v_old_image is distinct from v_q.quotation_image_url
         then api.unreferenced_quotation_images(v_q.consultant_id, array[v_old_image]) else '[]' end);
end;
$$;


ALTER FUNCTION api.update_quotation(p_quotation_id uuid, p_patch jsonb) OWNER TO nakksha_owner;

--
-- Name: FUNCTION update_quotation(p_quotation_id uuid, p_patch jsonb); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.update_quotation(p_quotation_id uuid, p_patch jsonb) IS 'Change a draft quotation (the keys present in the patch); NK409 once sent. forgotten_images: the image it replaced, when no quotation shows it any more.';


--
-- Name: update_session(uuid, jsonb); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.update_session(p_session_id uuid, p_patch jsonb) RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_s app.sessions;
begin
  perform api.require_approved();
  update app.sessions s set
    notes = case when p_patch ? 'notes' then p_patch->>'notes' else s.notes end,
    consultant_notes = case when p_patch ? 'consultant_notes' then p_patch->>'consultant_notes' else s.consultant_notes end,
    meeting_platform = case when p_patch ? 'meeting_platform' then p_patch->>'meeting_platform' else s.meeting_platform end,
    meeting_link = case when p_patch ? 'meeting_link' then p_patch->>'meeting_link' else s.meeting_link end,
    meeting_id = case when p_patch ? 'meeting_id' then p_patch->>'meeting_id' else s.meeting_id end,
    meeting_password = case when p_patch ? 'meeting_password' then p_patch->>'meeting_password' else s.meeting_password end
  where s.id = p_session_id
  returning * into v_s;
  if v_s.id is null then
    raise exception using errcode = 'NK404', message = 'not_found', detail = 'No such session.';
  end if;
  return api.session_json(v_s);
end;
$$;


ALTER FUNCTION api.update_session(p_session_id uuid, p_patch jsonb) OWNER TO nakksha_owner;

--
-- Name: FUNCTION update_session(p_session_id uuid, p_patch jsonb); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.update_session(p_session_id uuid, p_patch jsonb) IS 'Change a session''s notes and meeting details (the keys present in the patch).';


--
-- Name: update_slot(uuid, timestamp with time zone, timestamp with time zone, integer, boolean); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.update_slot(p_slot_id uuid, p_starts_at timestamp with time zone, p_ends_at timestamp with time zone, p_capacity integer, p_is_available boolean) RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_consultant uuid := api.caller_consultant_id();
  v_s app.availability_slots;
  v_old app.availability_slots;
begin
  -- A booked slot cannot move (the trigger refuses it: 409 slot_booked); capacity may change down to the
  -- seats taken, and the slot may be hidden from new bookings. A rule slot whose time or capacity the
  -- consultant changes becomes their own (manual): a re-run of the rules would otherwise undo the edit,
  -- and a moved one leaves an exclusion behind so the rule does not offer the old time again.
  select * into v_old from app.availability_slots where id = p_slot_id and consultant_id = v_consultant for update;
  if v_old.source = 'rule' and p_starts_at is not null and p_starts_at <> v_old.starts_at then
    insert into app.availability_slot_exclusions (consultant_id, session_type, starts_at)
    values (v_consultant, v_old.session_type, v_old.starts_at) on conflict do nothing;
  end if;
  update app.availability_slots set starts_at = coalesce(p_starts_at, starts_at), ends_at = coalesce(p_ends_at, ends_at),
    capacity = coalesce(p_capacity, capacity), is_available = coalesce(p_is_available, is_available),
    source = case when p_starts_at <> starts_at or p_ends_at <> ends_at or p_capacity <> capacity then 'manual'
                  else source end,
    rule_id = case when p_starts_at <> starts_at or p_ends_at <> ends_at or p_capacity <> capacity then null
                   else rule_id end
  where id = p_slot_id and consultant_id = v_consultant returning * into v_s;
  if v_s.id is null then
    raise exception using errcode = 'NK404', message = 'not_found', detail = 'No such slot.';
  end if;
  perform app.check_capacity(v_s.session_type, v_s.capacity);
  return api.slot_json(v_s);
end;
$$;


ALTER FUNCTION api.update_slot(p_slot_id uuid, p_starts_at timestamp with time zone, p_ends_at timestamp with time zone, p_capacity integer, p_is_available boolean) OWNER TO nakksha_owner;

--
-- Name: FUNCTION update_slot(p_slot_id uuid, p_starts_at timestamp with time zone, p_ends_at timestamp with time zone, p_capacity integer, p_is_available boolean); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.update_slot(p_slot_id uuid, p_starts_at timestamp with time zone, p_ends_at timestamp with time zone, p_capacity integer, p_is_available boolean) IS 'Change a slot (time only while unbooked; capacity; availability).';


--
-- Name: verify_email(bytea); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.verify_email(p_token_hash bytea) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
declare
  v_token app.one_time_tokens;
  v_c app.consultants;
begin
  select * into v_token from app.one_time_tokens
  where token_hash = p_token_hash and purpose = 'verify_email' for update;
  -- A token is good once, before it expires, and only for the address it was sent to.
  select * into v_c from app.consultants where id = v_token.consultant_id and deleted_at is null;
  if v_token.id is null or v_c.id is null or v_token.email <> v_c.email then
    raise exception using errcode = 'NK400', message = 'invalid_token', detail = 'This link is not valid.', hint = 'field:token';
  end if;
  if v_token.used_at is not null and v_c.is_email_verified then
    return api.consultant_json(v_c.id);  -- clicking the link twice is fine
  end if;
  if v_token.used_at is not null or v_token.expires_at <= now() then
    raise exception using errcode = 'NK400', message = 'invalid_token', detail = 'This link has expired; ask for a new one.',
      hint = 'field:token';
  end if;
  update app.one_time_tokens set used_at = now() where id = v_token.id;
  update app.consultants set is_email_verified = true, email_verified_at = now() where id = v_c.id returning * into v_c;
  return api.consultant_json(v_c.id);
end;
$$;


ALTER FUNCTION api.verify_email(p_token_hash bytea) OWNER TO nakksha_owner;

--
-- Name: FUNCTION verify_email(p_token_hash bytea); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.verify_email(p_token_hash bytea) IS 'Mark the consultant''s email verified with a single-use, expiring token. Definer: a visitor holding a link''s token: the row is found by the token''s hash with no signed-in caller, and its status changes are the function''s alone.';


--
-- Name: web_session_subject(bytea); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.web_session_subject(p_token_hash bytea) RETURNS jsonb
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
  -- A page's cookie holds a refresh token that is never rotated (pages are one origin, the cookie is
  -- HttpOnly): it is valid while unexpired, unspent and its family unrevoked, so logout, logout-all,
  -- a password change or reset, a suspension and a deletion end web sessions exactly as they end API ones.
  select case when f.consultant_id is not null then
    (select jsonb_build_object('kind', 'consultant', 'id', c.id, 'email', c.email::text, 'first_name', c.first_name,
       'last_name', c.last_name, 'slug', c.slug, 'approval_status', c.approval_status, 'timezone', c.timezone,
       'is_email_verified', c.is_email_verified, 'family_id', f.id)
     from app.consultants c where c.id = f.consultant_id and c.deleted_at is null and c.is_active)
  else
    (select jsonb_build_object('kind', 'admin', 'id', a.id, 'email', a.email::text, 'name', a.name,
       'role', a.role, 'family_id', f.id)
     from app.admins a where a.id = f.admin_id and a.is_active)
  end
  from app.refresh_tokens t join app.refresh_token_families f on f.id = t.family_id
  where t.token_hash = p_token_hash and t.used_at is null and t.expires_at > now() and f.revoked_at is null
$$;


ALTER FUNCTION api.web_session_subject(p_token_hash bytea) OWNER TO nakksha_owner;

--
-- Name: FUNCTION web_session_subject(p_token_hash bytea); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.web_session_subject(p_token_hash bytea) IS 'The consultant or admin behind a page session cookie, or NULL when it is no longer valid. Definer: sign-in and its sessions: credentials, password hashes and refresh tokens, which no web role reads or writes.';


--
-- Name: worker_calendar_event_deleted(text, text); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.worker_calendar_event_deleted(p_event_key text, p_provider text) RETURNS void
    LANGUAGE sql
    SET search_path TO ''
    AS $$
  delete from app.calendar_events where event_key = p_event_key and provider = p_provider
$$;


ALTER FUNCTION api.worker_calendar_event_deleted(p_event_key text, p_provider text) OWNER TO nakksha_owner;

--
-- Name: FUNCTION worker_calendar_event_deleted(p_event_key text, p_provider text); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.worker_calendar_event_deleted(p_event_key text, p_provider text) IS 'Worker: an event removed from the provider''s calendar (or found gone).';


--
-- Name: worker_calendar_event_synced(text, text, text, timestamp with time zone, timestamp with time zone, text, text, text); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.worker_calendar_event_synced(p_event_key text, p_provider text, p_event_id text, p_starts_at timestamp with time zone, p_ends_at timestamp with time zone, p_meeting_link text, p_meeting_id text, p_meeting_password text) RETURNS integer
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_kind text := split_part(p_event_key, ':', 1);
  v_id uuid := split_part(p_event_key, ':', 2)::uuid;
  v_consultant uuid;
  v_sessions uuid[];
  v_log record;
  v_released integer := 0;
begin
  select s.consultant_id into v_consultant from app.sessions s
  where (v_kind = 's' and s.id = v_id) or (v_kind = 'w' and s.slot_id = v_id) limit 1;
  insert into app.calendar_events as e (consultant_id, event_key, provider, external_event_id, starts_at, ends_at,
                                        meeting_link, meeting_id, meeting_password, synced_at)
  values (v_consultant, p_event_key, p_provider, p_event_id, p_starts_at, p_ends_at, p_meeting_link, p_meeting_id,
          p_meeting_password, now())
  on conflict (event_key, provider) do update set external_event_id = excluded.external_event_id,
    starts_at = excluded.starts_at, ends_at = excluded.ends_at,
    meeting_link = coalesce(excluded.meeting_link, e.meeting_link), meeting_id = coalesce(excluded.meeting_id, e.meeting_id),
    meeting_password = coalesce(excluded.meeting_password, e.meeting_password), synced_at = now();
  if p_meeting_link is null then
    return 0;
  end if;
  -- The generated meeting replaces the personal link on every live session of the event whose platform
  -- this provider serves...
  with changed as (
    update app.sessions s set meeting_link = p_meeting_link, meeting_id = p_meeting_id,
      meeting_password = p_meeting_password, meeting_source = p_provider
    where ((v_kind = 's' and s.id = v_id) or (v_kind = 'w' and s.slot_id = v_id))
      and s.status in ('pending', 'confirmed')
      and app_private.meeting_provider(s.meeting_platform) = p_provider
      -- A link that arrives after the confirmation went out (the wait ran out, the provider was down) does
      -- not replace the one the client and consultant were given: the event keeps its meeting regardless.
      and not exists (select 1 from app.email_logs l where l.session_id = s.id
                        and l.email_type = 'session_confirmation' and l.status in ('sent', 'delivered'))
    returning s.id)
  select array_agg(id) into v_sessions from changed;
  -- ...and the mails waiting for it carry it and go now rather than at the end of their wait.
  for v_log in
    select l.id from app.email_logs l
    where l.session_id = any(v_sessions) and l.status = 'queued'
      and l.email_type in ('session_confirmation', 'session_booked', 'session_reminder')
    for update
  loop
    update app.email_logs set template_data = template_data || jsonb_build_object(
      'meeting_link', p_meeting_link, 'meeting_id', p_meeting_id, 'meeting_password', p_meeting_password)
    where id = v_log.id;
    v_released := v_released + app_private.run_waiting_job_now('send_email', jsonb_build_object('email_log_id', v_log.id));
  end loop;
  return v_released;
end;
$$;


ALTER FUNCTION api.worker_calendar_event_synced(p_event_key text, p_provider text, p_event_id text, p_starts_at timestamp with time zone, p_ends_at timestamp with time zone, p_meeting_link text, p_meeting_id text, p_meeting_password text) OWNER TO nakksha_owner;

--
-- Name: FUNCTION worker_calendar_event_synced(p_event_key text, p_provider text, p_event_id text, p_starts_at timestamp with time zone, p_ends_at timestamp with time zone, p_meeting_link text, p_meeting_id text, p_meeting_password text); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.worker_calendar_event_synced(p_event_key text, p_provider text, p_event_id text, p_starts_at timestamp with time zone, p_ends_at timestamp with time zone, p_meeting_link text, p_meeting_id text, p_meeting_password text) IS 'Worker: record an event as created or moved; a generated meeting goes onto its sessions and releases their waiting mails.';


--
-- Name: worker_calendar_plan(text); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.worker_calendar_plan(p_event_key text) RETURNS jsonb
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $$
declare
  v_kind text := split_part(p_event_key, ':', 1);
  v_id uuid := split_part(p_event_key, ':', 2)::uuid;
  v_consultant uuid;
  v_first app.sessions;
  v_count integer;
  v_starts timestamptz;
  v_ends timestamptz;
  v_summary text;
  v_description text;
begin
  -- What the event should be now: wanted while its session (or one of its webinar's seats) is booked.
  if v_kind = 's' then
    select * into v_first from app.sessions where id = v_id;
    v_consultant := v_first.consultant_id;
    v_count := case when v_first.status in ('confirmed', 'completed', 'no_show') then 1 else 0 end;
    v_starts := v_first.starts_at;
    v_ends := v_first.ends_at;
  else
    select sl.consultant_id, sl.starts_at, sl.ends_at into v_consultant, v_starts, v_ends
    from app.availability_slots sl where sl.id = v_id;
    select * into v_first from app.sessions where slot_id = v_id and status in ('confirmed', 'completed', 'no_show')
    order by created_at limit 1;
    select count(*) into v_count from app.sessions where slot_id = v_id and status in ('confirmed', 'completed', 'no_show');
    if v_first.id is null then
      select * into v_first from app.sessions where slot_id = v_id order by created_at limit 1;
    end if;
    v_consultant := coalesce(v_consultant, v_first.consultant_id);
    v_starts := coalesce(v_starts, v_first.starts_at);
    v_ends := coalesce(v_ends, v_first.ends_at);
  end if;
  if v_consultant is null then
    return jsonb_build_object('event_key', p_event_key, 'wanted', false, 'connections', '[]'::jsonb,
      'events', coalesce((select jsonb_agg(jsonb_build_object('provider', e.provider, 'event_id', e.external_event_id))
                          from app.calendar_events e where e.event_key = p_event_key), '[]'));
  end if;
  if v_kind = 's' then
    select format('%s with %s', coalesce(v_first.title, 'Session'), cl.name),
           format(E'Client: %s <%s>\nBooked through Nakksha.%s', cl.name, cl.email,
                  coalesce(E'\nNotes: ' || v_first.notes, ''))
    into v_summary, v_description from app.clients cl where cl.id = v_first.client_id;
  else
    v_summary := format('%s (webinar)', coalesce(v_first.title, 'Webinar'));
    v_description := 'Webinar booked through Nakksha.';
  end if;
  return jsonb_build_object(
    'event_key', p_event_key, 'consultant_id', v_consultant, -- Kept while it happened or will happen (a session marked completed keeps its event); never created
    -- for the past; removed when cancelled.
    'wanted', v_count > 0 and (v_ends > now() or exists (select 1 from app.calendar_events e where e.event_key = p_event_key)),
    'starts_at', v_starts, 'ends_at', v_ends, 'summary', v_summary, 'description', v_description,
    'timezone', (select c.timezone from app.consultants c where c.id = v_consultant),
    'meeting_provider', app_private.meeting_provider(v_first.meeting_platform),
    'connections', coalesce((select jsonb_agg(jsonb_build_object('id', c.id, 'provider', c.provider) order by c.provider)
                             from app.calendar_connections c
                             where c.consultant_id = v_consultant and c.status = 'connected'), '[]'),
    'events', coalesce((select jsonb_agg(jsonb_build_object('provider', e.provider, 'event_id', e.external_event_id,
                                                            'starts_at', e.starts_at, 'ends_at', e.ends_at,
                                                            'meeting_link', e.meeting_link))
                        from app.calendar_events e where e.event_key = p_event_key), '[]'));
end;
$$;


ALTER FUNCTION api.worker_calendar_plan(p_event_key text) OWNER TO nakksha_owner;

--
-- Name: FUNCTION worker_calendar_plan(p_event_key text); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.worker_calendar_plan(p_event_key text) IS 'Worker: what one calendar event should be (times, text, meeting wanted) and what exists of it now.';


--
-- Name: worker_claim_email(uuid); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.worker_claim_email(p_email_log_id uuid) RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_l app.email_logs;
  v_reason text;
begin
  -- Only a queued message is sent; a retried job for a message already sent or failed gets NULL and stops.
  select * into v_l from app.email_logs where id = p_email_log_id and status = 'queued' for update;
  if v_l.id is null then
    return null;
  end if;
  -- An address that bounced or complained gets nothing more: logged as failed with the reason, never sent.
  select s.reason into v_reason from app.email_suppressions s where s.email = v_l.recipient_email;
  if v_reason is not null then
    update app.email_logs set status = 'failed', failed_at = now(),
      error_message = format('suppressed: %s earlier', v_reason)
    where id = v_l.id;
    return null;
  end if;
  update app.email_logs set attempts = attempts + 1 where id = v_l.id returning * into v_l;
  return jsonb_build_object(
    'id', v_l.id, 'email_type', v_l.email_type, 'recipient_email', v_l.recipient_email::text,
    'recipient_name', v_l.recipient_name, 'template_data', v_l.template_data,
    'idempotency_key', v_l.idempotency_key, 'attempts', v_l.attempts,
    -- A super admin's override of this type's template, if any (checked to render when it was saved).
    'override', (select jsonb_build_object('subject', t.subject, 'html_body', t.html_body, 'text_body', t.text_body)
                 from app.email_templates t where t.email_type = v_l.email_type));
end;
$$;


ALTER FUNCTION api.worker_claim_email(p_email_log_id uuid) OWNER TO nakksha_owner;

--
-- Name: FUNCTION worker_claim_email(p_email_log_id uuid); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.worker_claim_email(p_email_log_id uuid) IS 'Worker: the queued email to send (counting the attempt), or NULL when it is no longer queued.';


--
-- Name: worker_lock_calendar_connection(uuid); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.worker_lock_calendar_connection(p_connection_id uuid) RETURNS jsonb
    LANGUAGE sql
    SET search_path TO ''
    AS $$
  -- Locked until the caller's transaction ends: two jobs needing a fresh token refresh it once, the second
  -- reads what the first stored (a provider that rotates refresh tokens would refuse the older one).
  select jsonb_build_object('id', c.id, 'consultant_id', c.consultant_id, 'provider', c.provider, 'status', c.status,
    'account_email', c.account_email, 'access_token_encrypted', c.access_token_encrypted,
    'refresh_token_encrypted', c.refresh_token_encrypted, 'access_expires_at', c.access_expires_at)
  from app.calendar_connections c where c.id = p_connection_id
  for update
$$;


ALTER FUNCTION api.worker_lock_calendar_connection(p_connection_id uuid) OWNER TO nakksha_owner;

--
-- Name: FUNCTION worker_lock_calendar_connection(p_connection_id uuid); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.worker_lock_calendar_connection(p_connection_id uuid) IS 'Worker: a connection with its encrypted tokens, row-locked for a refresh.';


--
-- Name: worker_mark_calendar_connection(uuid, text, text); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.worker_mark_calendar_connection(p_connection_id uuid, p_status text, p_error text) RETURNS void
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
begin
  update app.calendar_connections set status = p_status, last_error = left(p_error, 500)
  where id = p_connection_id;
  if p_status <> 'connected' then
    -- Busy times we can no longer refresh would block slots forever: a broken grant blocks nothing.
    delete from app.calendar_busy where connection_id = p_connection_id;
  end if;
end;
$$;


ALTER FUNCTION api.worker_mark_calendar_connection(p_connection_id uuid, p_status text, p_error text) OWNER TO nakksha_owner;

--
-- Name: FUNCTION worker_mark_calendar_connection(p_connection_id uuid, p_status text, p_error text); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.worker_mark_calendar_connection(p_connection_id uuid, p_status text, p_error text) IS 'Worker: a grant the provider revoked or that keeps failing (busy times dropped until reconnected).';


--
-- Name: worker_mark_email_failed(uuid, text, boolean); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.worker_mark_email_failed(p_email_log_id uuid, p_error text, p_final boolean) RETURNS void
    LANGUAGE sql
    SET search_path TO ''
    AS $$
  -- A failure that will be retried only records the error; the last one moves the log to failed.
  update app.email_logs
  set error_message = left(p_error, 2000),
      status = case when p_final then 'failed' else status end,
      failed_at = case when p_final then now() else failed_at end
  where id = p_email_log_id and status = 'queued'
$$;


ALTER FUNCTION api.worker_mark_email_failed(p_email_log_id uuid, p_error text, p_final boolean) OWNER TO nakksha_owner;

--
-- Name: FUNCTION worker_mark_email_failed(p_email_log_id uuid, p_error text, p_final boolean); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.worker_mark_email_failed(p_email_log_id uuid, p_error text, p_final boolean) IS 'Worker: record a send error; p_final marks the message failed for good.';


--
-- Name: worker_mark_email_sent(uuid, text, text, text); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.worker_mark_email_sent(p_email_log_id uuid, p_subject text, p_provider text, p_external_id text) RETURNS void
    LANGUAGE sql
    SET search_path TO ''
    AS $$
  update app.email_logs
  set status = 'sent', subject = p_subject, provider = p_provider, external_id = p_external_id,
      sent_at = now(), error_message = null
  where id = p_email_log_id and status = 'queued'
$$;


ALTER FUNCTION api.worker_mark_email_sent(p_email_log_id uuid, p_subject text, p_provider text, p_external_id text) OWNER TO nakksha_owner;

--
-- Name: FUNCTION worker_mark_email_sent(p_email_log_id uuid, p_subject text, p_provider text, p_external_id text); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.worker_mark_email_sent(p_email_log_id uuid, p_subject text, p_provider text, p_external_id text) IS 'Worker: the provider accepted the message.';


--
-- Name: worker_note_refund_error(uuid, text); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.worker_note_refund_error(p_refund_id uuid, p_error text) RETURNS void
    LANGUAGE sql
    SET search_path TO ''
    AS $$
  update app.payment_refunds set failure_reason = left(p_error, 500) where id = p_refund_id and status = 'pending'
$$;


ALTER FUNCTION api.worker_note_refund_error(p_refund_id uuid, p_error text) OWNER TO nakksha_owner;

--
-- Name: FUNCTION worker_note_refund_error(p_refund_id uuid, p_error text); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.worker_note_refund_error(p_refund_id uuid, p_error text) IS 'Worker: the gateway was unreachable for this refund (it stays pending and is retried).';


--
-- Name: worker_queue_due_reminders(integer, timestamp with time zone); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.worker_queue_due_reminders(p_limit integer DEFAULT 1000, p_at timestamp with time zone DEFAULT NULL::timestamp with time zone) RETURNS integer
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_at timestamptz := coalesce(p_at, now());
  v_s record;
  v_count integer := 0;
begin
  -- Every minute: queue the reminder of each confirmed session whose reminder falls due by the next run (or is
  -- overdue: a worker that was down), once per start time. They wait here rather than in the job queue, whose
  -- fetch walks every job queued ahead (issue 20). Rows a booking or a move holds are left for the next run.
  -- p_at: the instant to sweep for (now; a test moves it ahead).
  for v_s in
    select s.id, s.starts_at from app.sessions s
    where s.status = 'confirmed' and s.reminder_queued_for is distinct from s.starts_at
      and s.starts_at > v_at
      and s.starts_at <= v_at + make_interval(hours => app_private.setting_integer('reminder_hours_before'))
                         + interval '1 minute'
    order by s.starts_at
    limit p_limit
    for update skip locked
  loop
    perform app_private.cancel_queued_jobs('reminder:' || v_s.id);
    perform app_private.defer_job('send_session_reminder',
      jsonb_build_object('session_id', v_s.id, 'starts_at', v_s.starts_at), 'emails',
      greatest(now(), app_private.reminder_due_at(v_s.starts_at)), 'reminder:' || v_s.id);
    update app.sessions set reminder_queued_for = v_s.starts_at where id = v_s.id;
    v_count := v_count + 1;
  end loop;
  return v_count;
end;
$$;


ALTER FUNCTION api.worker_queue_due_reminders(p_limit integer, p_at timestamp with time zone) OWNER TO nakksha_owner;

--
-- Name: FUNCTION worker_queue_due_reminders(p_limit integer, p_at timestamp with time zone); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.worker_queue_due_reminders(p_limit integer, p_at timestamp with time zone) IS 'Worker, every minute: queue the reminder jobs falling due by the next run (at most p_limit; p_at: the instant to sweep for, now by default).';


--
-- Name: worker_session_reminder(uuid, timestamp with time zone); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.worker_session_reminder(p_session_id uuid, p_starts_at timestamp with time zone) RETURNS text
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_s app.sessions;
begin
  -- Checked again at send time: the job was scheduled for one start time of a confirmed session, and
  -- anything that changed since (cancelled, moved, already reminded, started) means no mail.
  select * into v_s from app.sessions where id = p_session_id for update;
  if v_s.id is null then
    return 'gone';
  elsif v_s.status <> 'confirmed' then
    return 'not_confirmed';
  elsif v_s.starts_at is distinct from p_starts_at then
    return 'moved';
  elsif v_s.starts_at <= now() then
    return 'started';
  elsif v_s.reminder_sent_for is not distinct from v_s.starts_at then
    return 'already_sent';
  end if;
  -- A free public booking's reminder is mail an anonymous visitor caused: it counts against the mailbox's day
  -- like the confirmation did, in the day it goes (bookings made on several days for one date would otherwise
  -- fill it past the limit). Over the limit it is not sent; the client has the confirmation.
  if v_s.booked_via = 'public' and v_s.payment_status = 'not_required'
     and app_private.count_recipient_mail((select c.email::text from app.clients c where c.id = v_s.client_id)) > 0 then
    return 'recipient_limit';
  end if;
  update app.sessions set reminder_sent_for = v_s.starts_at where id = v_s.id returning * into v_s;
  perform app_private.queue_session_emails(v_s, 'reminder');
  return 'queued';
end;
$$;


ALTER FUNCTION api.worker_session_reminder(p_session_id uuid, p_starts_at timestamp with time zone) OWNER TO nakksha_owner;

--
-- Name: FUNCTION worker_session_reminder(p_session_id uuid, p_starts_at timestamp with time zone); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.worker_session_reminder(p_session_id uuid, p_starts_at timestamp with time zone) IS 'Worker: queue the reminder mail of a session if it is still confirmed, at that time, not reminded yet, and (a free public booking) within its recipient''s mails of the day.';


--
-- Name: worker_settle_refund(uuid, text, text, text); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.worker_settle_refund(p_refund_id uuid, p_status text, p_gateway_refund_id text, p_failure text) RETURNS text
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
begin
  if p_status not in ('pending', 'processed', 'failed') then
    raise exception using errcode = 'NK422', message = 'invalid_status';
  end if;
  return (app_private.settle_refund(p_refund_id, p_status, p_gateway_refund_id, p_failure)).status;
end;
$$;


ALTER FUNCTION api.worker_settle_refund(p_refund_id uuid, p_status text, p_gateway_refund_id text, p_failure text) OWNER TO nakksha_owner;

--
-- Name: FUNCTION worker_settle_refund(p_refund_id uuid, p_status text, p_gateway_refund_id text, p_failure text); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.worker_settle_refund(p_refund_id uuid, p_status text, p_gateway_refund_id text, p_failure text) IS 'Worker: the gateway''s answer to a refund (pending keeps its id for the webhook or reconciliation).';


--
-- Name: worker_store_calendar_busy(uuid, jsonb); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.worker_store_calendar_busy(p_connection_id uuid, p_busy jsonb) RETURNS integer
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_c app.calendar_connections;
  v_count integer;
begin
  select * into v_c from app.calendar_connections where id = p_connection_id and status = 'connected' for update;
  if v_c.id is null then
    return 0;  -- disconnected or revoked meanwhile: nothing to cache
  end if;
  delete from app.calendar_busy where connection_id = v_c.id;
  -- Our own sessions are on that calendar as events we made: they would block their own webinar's other
  -- seats. Their times are taken out of the busy times (range arithmetic keeps what lies around them).
  with busy as (
    select range_agg(tstzrange((b->>'start')::timestamptz, (b->>'end')::timestamptz, '[)')) as m
    from jsonb_array_elements(p_busy) b
    where (b->>'start')::timestamptz < (b->>'end')::timestamptz),
  own as (
    select coalesce(range_agg(tstzrange(s.starts_at, s.ends_at, '[)')), '{}'::tstzmultirange) as m
    from app.sessions s
    where s.consultant_id = v_c.consultant_id and s.status in ('pending', 'confirmed')
      and not (s.status = 'pending' and s.hold_expires_at <= now())),
  ins as (
    insert into app.calendar_busy (consultant_id, connection_id, during)
    select v_c.consultant_id, v_c.id, r from busy, own, unnest(busy.m - own.m) r
    returning 1)
  select count(*) into v_count from ins;
  update app.calendar_connections set busy_synced_at = now(), last_error = null where id = v_c.id;
  return v_count;
end;
$$;


ALTER FUNCTION api.worker_store_calendar_busy(p_connection_id uuid, p_busy jsonb) OWNER TO nakksha_owner;

--
-- Name: FUNCTION worker_store_calendar_busy(p_connection_id uuid, p_busy jsonb); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.worker_store_calendar_busy(p_connection_id uuid, p_busy jsonb) IS 'Worker: replace a connection''s cached busy times (minus the consultant''s own sessions).';


--
-- Name: worker_store_calendar_tokens(uuid, text, text, timestamp with time zone); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.worker_store_calendar_tokens(p_connection_id uuid, p_access_encrypted text, p_refresh_encrypted text, p_expires_at timestamp with time zone) RETURNS void
    LANGUAGE sql
    SET search_path TO ''
    AS $$
  update app.calendar_connections set access_token_encrypted = p_access_encrypted,
    refresh_token_encrypted = coalesce(p_refresh_encrypted, refresh_token_encrypted),
    access_expires_at = p_expires_at, token_refreshed_at = now(), last_error = null
  where id = p_connection_id and status = 'connected'
$$;


ALTER FUNCTION api.worker_store_calendar_tokens(p_connection_id uuid, p_access_encrypted text, p_refresh_encrypted text, p_expires_at timestamp with time zone) OWNER TO nakksha_owner;

--
-- Name: FUNCTION worker_store_calendar_tokens(p_connection_id uuid, p_access_encrypted text, p_refresh_encrypted text, p_expires_at timestamp with time zone); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.worker_store_calendar_tokens(p_connection_id uuid, p_access_encrypted text, p_refresh_encrypted text, p_expires_at timestamp with time zone) IS 'Worker: a refreshed access token (and the rotated refresh token, if the provider sent one).';


--
-- Name: worker_store_outbox_message(uuid, text, text, text, text, text, text, jsonb); Type: FUNCTION; Schema: api; Owner: nakksha_owner
--

CREATE FUNCTION api.worker_store_outbox_message(p_email_log_id uuid, p_idempotency_key text, p_to_email text, p_to_name text, p_subject text, p_html_body text, p_text_body text, p_attachments jsonb DEFAULT '[]'::jsonb) RETURNS uuid
    LANGUAGE sql
    SET search_path TO ''
    AS $$
  -- The local adapter's "provider": one message per idempotency key, like a real provider honouring the key.
  with ins as (
    insert into app.email_outbox (email_log_id, idempotency_key, to_email, to_name, subject, html_body, text_body, attachments)
    values (p_email_log_id, p_idempotency_key, lower(p_to_email), p_to_name, p_subject, p_html_body, p_text_body,
            coalesce(p_attachments, '[]'))
    on conflict (idempotency_key) do nothing
    returning id)
  select id from ins
  union all
  select o.id from app.email_outbox o where o.idempotency_key = p_idempotency_key
  limit 1
$$;


ALTER FUNCTION api.worker_store_outbox_message(p_email_log_id uuid, p_idempotency_key text, p_to_email text, p_to_name text, p_subject text, p_html_body text, p_text_body text, p_attachments jsonb) OWNER TO nakksha_owner;

--
-- Name: FUNCTION worker_store_outbox_message(p_email_log_id uuid, p_idempotency_key text, p_to_email text, p_to_name text, p_subject text, p_html_body text, p_text_body text, p_attachments jsonb); Type: COMMENT; Schema: api; Owner: nakksha_owner
--

COMMENT ON FUNCTION api.worker_store_outbox_message(p_email_log_id uuid, p_idempotency_key text, p_to_email text, p_to_name text, p_subject text, p_html_body text, p_text_body text, p_attachments jsonb) IS 'Local email adapter: store the rendered message once per idempotency key; returns its id.';


--
-- Name: acts_as_admin(); Type: FUNCTION; Schema: app; Owner: nakksha_owner
--

CREATE FUNCTION app.acts_as_admin() RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
  select exists (select 1 from app.admins a where a.id = app.current_admin_id() and a.is_active)
      or pg_catalog.pg_has_role(session_user, 'nakksha_admin', 'usage')
$$;


ALTER FUNCTION app.acts_as_admin() OWNER TO nakksha_owner;

--
-- Name: FUNCTION acts_as_admin(); Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON FUNCTION app.acts_as_admin() IS 'True when the transaction acts for an active admin, or the login is a database administrator (a member of nakksha_admin). Definer: the admin policies call it, and it reads the admins row their own policy protects.';


--
-- Name: apply_refund_totals(); Type: FUNCTION; Schema: app; Owner: nakksha_owner
--

CREATE FUNCTION app.apply_refund_totals() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_t app.payment_transactions;
  v_refunded numeric(10, 2);
  v_status text;
begin
  select * into v_t from app.payment_transactions where id = new.transaction_id for update;
  select coalesce(sum(r.amount), 0) into v_refunded from app.payment_refunds r
  where r.transaction_id = v_t.id and r.status = 'processed';
  v_status := case when v_refunded >= v_t.amount then 'refunded'
                   when v_refunded > 0 then 'partially_refunded' else v_t.status end;
  update app.payment_transactions set amount_refunded = v_refunded, status = v_status
  where id = v_t.id and (amount_refunded, status) is distinct from (v_refunded, v_status);
  -- The session follows the payment that paid for it (a duplicate payment's refund leaves it alone): a
  -- cancelled session whose money is all back is `returned`; a completed one stays completed.
  if v_t.session_id is not null and not coalesce((v_t.metadata->>'duplicate')::boolean, false) and v_refunded > 0 then
    update app.sessions set
      payment_status = case when v_status = 'refunded' then 'refunded' else 'partially_refunded' end,
      status = case when status = 'cancelled' and v_status = 'refunded' then 'returned' else status end
    where id = v_t.session_id;
  end if;
  return null;
end;
$$;


ALTER FUNCTION app.apply_refund_totals() OWNER TO nakksha_owner;

--
-- Name: FUNCTION apply_refund_totals(); Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON FUNCTION app.apply_refund_totals() IS 'Trigger: amount_refunded, the payment''s and the session''s statuses follow the processed refunds.';


--
-- Name: basis_points_of(numeric, integer); Type: FUNCTION; Schema: app; Owner: nakksha_owner
--

CREATE FUNCTION app.basis_points_of(p_amount numeric, p_basis_points integer) RETURNS numeric
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$ select round(p_amount * p_basis_points / 10000, 2) $$;


ALTER FUNCTION app.basis_points_of(p_amount numeric, p_basis_points integer) OWNER TO nakksha_owner;

--
-- Name: FUNCTION basis_points_of(p_amount numeric, p_basis_points integer); Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON FUNCTION app.basis_points_of(p_amount numeric, p_basis_points integer) IS 'p_basis_points hundredths of a percent of an amount, half up to the paisa.';


--
-- Name: caller_is_suspended(); Type: FUNCTION; Schema: app; Owner: nakksha_owner
--

CREATE FUNCTION app.caller_is_suspended() RETURNS boolean
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $$
declare
  -- The setting itself, not app.current_consultant_id(): the worker, which writes availability acting for
  -- nobody, may not execute that; acting for nobody, nothing is read.
  v_id uuid := nullif(current_setting('app.consultant_id', true), '')::uuid;
begin
  if v_id is null then
    return false;
  end if;
  -- Invoker: the app role reads its own row under consultant_reads_own_row.
  return exists (select 1 from app.consultants c where c.id = v_id and c.approval_status = 'suspended');
end;
$$;


ALTER FUNCTION app.caller_is_suspended() OWNER TO nakksha_owner;

--
-- Name: FUNCTION caller_is_suspended(); Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON FUNCTION app.caller_is_suspended() IS 'True when the transaction acts for a consultant whose account is suspended.';


--
-- Name: check_availability_rule(); Type: FUNCTION; Schema: app; Owner: nakksha_owner
--

CREATE FUNCTION app.check_availability_rule() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
begin
  -- A rule outside the horizon adds no slot but is still listed and scanned: their number is bounded too (under
  -- the slot lock, so racing inserts cannot both pass).
  if tg_op = 'INSERT' then
    perform app_private.lock_consultant_slots(new.consultant_id);
    if (select count(*) from app.availability_rules r where r.consultant_id = new.consultant_id)
       > app_private.setting_integer('max_availability_rules') then
      raise exception using errcode = 'NK422', message = 'too_many_rules',
        detail = format('A consultant keeps at most %s weekly rules; delete one you no longer use.',
                        app_private.setting_integer('max_availability_rules'));
    end if;
  end if;
  -- An active rule offers slots of at least min_slot_minutes, and all of the consultant's rules together stay
  -- under max_future_slots: a 5-minute rule over a year is ~30k slots to build and roll forward every day.
  -- Deactivating a rule is always allowed (it only takes slots away).
  if new.is_active then
    if new.slot_minutes < app_private.setting_integer('min_slot_minutes') then
      raise exception using errcode = 'NK422', message = 'slot_too_short', hint = 'field:slot_minutes',
        detail = format('Slots are at least %s minutes long.', app_private.setting_integer('min_slot_minutes'));
    end if;
    -- A change that does not add slots is always allowed: after a super admin lowers the cap, a consultant over
    -- it must still be able to edit their rules down, not only delete them.
    if tg_op = 'UPDATE' and (select app_private.rule_slot_count(new, t.today, c.max_days_ahead)
                                    <= app_private.rule_slot_count(old, t.today, c.max_days_ahead)
                             from app.consultants c
                             cross join lateral (select (now() at time zone c.timezone)::date as today) t
                             where c.id = new.consultant_id) then
      return null;
    end if;
    perform app_private.check_slot_budget(new.consultant_id, 'slot_minutes');
  end if;
  return null;
end;
$$;


ALTER FUNCTION app.check_availability_rule() OWNER TO nakksha_owner;

--
-- Name: FUNCTION check_availability_rule(); Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON FUNCTION app.check_availability_rule() IS 'Trigger: an active weekly rule''s slots are long enough and keep the consultant under max_future_slots. Definer: a limit counts every rule and slot of the consultant, whatever the writer may see; it fires on the app role''s rule writes.';


--
-- Name: check_capacity(text, integer); Type: FUNCTION; Schema: app; Owner: nakksha_owner
--

CREATE FUNCTION app.check_capacity(p_session_type text, p_capacity integer) RETURNS void
    LANGUAGE plpgsql IMMUTABLE
    SET search_path TO ''
    AS $$
begin
  if p_session_type = 'personal' and p_capacity <> 1 then
    raise exception using errcode = 'NK422', message = 'invalid_capacity',
      detail = 'A personal session takes one client: capacity must be 1.', hint = 'field:capacity';
  end if;
end;
$$;


ALTER FUNCTION app.check_capacity(p_session_type text, p_capacity integer) OWNER TO nakksha_owner;

--
-- Name: FUNCTION check_capacity(p_session_type text, p_capacity integer); Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON FUNCTION app.check_capacity(p_session_type text, p_capacity integer) IS 'Refuse a capacity other than 1 for personal sessions with a clear message (naming the field).';


--
-- Name: check_slot_budget(); Type: FUNCTION; Schema: app; Owner: nakksha_owner
--

CREATE FUNCTION app.check_slot_budget() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
begin
  -- A longer booking horizon makes the same rules offer more slots, and a one-off slot is one more: either
  -- keeps the consultant under max_future_slots, the refusal naming the field the request changed.
  if tg_table_name = 'consultants' then
    perform app_private.check_slot_budget(new.id, 'max_days_ahead');
  else
    perform app_private.check_slot_budget(new.consultant_id, 'starts_at');
  end if;
  return null;
end;
$$;


ALTER FUNCTION app.check_slot_budget() OWNER TO nakksha_owner;

--
-- Name: FUNCTION check_slot_budget(); Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON FUNCTION app.check_slot_budget() IS 'Trigger: a longer booking horizon or a one-off slot keeps the consultant under max_future_slots. Definer: a limit counts every rule and slot of the consultant, whatever the writer may see; it fires on the app role''s slot and horizon writes.';


--
-- Name: commission_split(numeric, numeric, numeric, numeric); Type: FUNCTION; Schema: app; Owner: nakksha_owner
--

CREATE FUNCTION app.commission_split(p_amount numeric, p_percent numeric, p_min numeric, p_gst_percent numeric, OUT commission numeric, OUT commission_gst numeric) RETURNS record
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
  -- The plan's percentage of the price, at least its minimum, and never more than leaves room for the GST on it:
  -- commission + GST <= price, so the consultant's share is never negative. Half up to the paisa.
  with c as (select least(greatest(round(p_amount * p_percent / 100, 2), p_min),
                          trunc(p_amount * 100 / (100 + p_gst_percent), 2)) as amount)
  select c.amount, least(round(c.amount * p_gst_percent / 100, 2), p_amount - c.amount) from c
$$;


ALTER FUNCTION app.commission_split(p_amount numeric, p_percent numeric, p_min numeric, p_gst_percent numeric, OUT commission numeric, OUT commission_gst numeric) OWNER TO nakksha_owner;

--
-- Name: FUNCTION commission_split(p_amount numeric, p_percent numeric, p_min numeric, p_gst_percent numeric, OUT commission numeric, OUT commission_gst numeric); Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON FUNCTION app.commission_split(p_amount numeric, p_percent numeric, p_min numeric, p_gst_percent numeric, OUT commission numeric, OUT commission_gst numeric) IS 'The commission on a price (percent, at least the minimum, with its GST never more than the price) and the GST on it.';


--
-- Name: count_clients(); Type: FUNCTION; Schema: app; Owner: nakksha_owner
--

CREATE FUNCTION app.count_clients() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
begin
  if tg_op = 'INSERT' then
    insert into app.consultant_client_counts as k (consultant_id, clients) values (new.consultant_id, 1)
    on conflict (consultant_id) do update set clients = k.clients + 1;
  else
    update app.consultant_client_counts set clients = clients - 1 where consultant_id = old.consultant_id;
  end if;
  return null;
end;
$$;


ALTER FUNCTION app.count_clients() OWNER TO nakksha_owner;

--
-- Name: FUNCTION count_clients(); Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON FUNCTION app.count_clients() IS 'Trigger: keep app.consultant_client_counts in step with app.clients. Definer: it fires on the app role''s client writes and keeps app.consultant_client_counts, which the app role only reads.';


--
-- Name: current_admin_id(); Type: FUNCTION; Schema: app; Owner: nakksha_owner
--

CREATE FUNCTION app.current_admin_id() RETURNS uuid
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ select nullif(current_setting('app.admin_id', true), '')::uuid $$;


ALTER FUNCTION app.current_admin_id() OWNER TO nakksha_owner;

--
-- Name: FUNCTION current_admin_id(); Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON FUNCTION app.current_admin_id() IS 'The admin the current transaction acts for, or NULL.';


--
-- Name: current_admin_is_active(); Type: FUNCTION; Schema: app; Owner: nakksha_owner
--

CREATE FUNCTION app.current_admin_is_active() RETURNS boolean
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  select exists (select 1 from app.admins a where a.id = app.current_admin_id() and a.is_active)
$$;


ALTER FUNCTION app.current_admin_is_active() OWNER TO nakksha_owner;

--
-- Name: FUNCTION current_admin_is_active(); Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON FUNCTION app.current_admin_is_active() IS 'Retired (see db/functions/app/retired.sql): true when the transaction acts for an active admin. Invoker since issue 20: no policy calls it any more, and as a definer it let a web role read past the admins policy.';


--
-- Name: current_approved_consultant_id(); Type: FUNCTION; Schema: app; Owner: nakksha_owner
--

CREATE FUNCTION app.current_approved_consultant_id() RETURNS uuid
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
  select c.id from app.consultants c
  where c.id = app.current_consultant_id() and c.approval_status = 'approved' and c.deleted_at is null
$$;


ALTER FUNCTION app.current_approved_consultant_id() OWNER TO nakksha_owner;

--
-- Name: FUNCTION current_approved_consultant_id(); Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON FUNCTION app.current_approved_consultant_id() IS 'The calling consultant if approved and not deleted, else NULL. Definer: the policies call it, and it reads the consultants row their own policy protects.';


--
-- Name: current_consultant_id(); Type: FUNCTION; Schema: app; Owner: nakksha_owner
--

CREATE FUNCTION app.current_consultant_id() RETURNS uuid
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ select nullif(current_setting('app.consultant_id', true), '')::uuid $$;


ALTER FUNCTION app.current_consultant_id() OWNER TO nakksha_owner;

--
-- Name: FUNCTION current_consultant_id(); Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON FUNCTION app.current_consultant_id() IS 'The consultant the current transaction acts for, or NULL.';


--
-- Name: current_reading_consultant_id(); Type: FUNCTION; Schema: app; Owner: nakksha_owner
--

CREATE FUNCTION app.current_reading_consultant_id() RETURNS uuid
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
  -- A suspended consultant keeps read-only access to their records: the read policies name this, the write
  -- policies app.current_approved_consultant_id.
  select c.id from app.consultants c
  where c.id = app.current_consultant_id() and c.approval_status in ('approved', 'suspended') and c.deleted_at is null
$$;


ALTER FUNCTION app.current_reading_consultant_id() OWNER TO nakksha_owner;

--
-- Name: FUNCTION current_reading_consultant_id(); Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON FUNCTION app.current_reading_consultant_id() IS 'The calling consultant if approved or suspended (who reads, read-only when suspended) and not deleted, else NULL. Definer: every read policy calls it once per table and statement; as the owner it reads the caller''s consultants row without that row''s own policy, a third of its cost (issue 20: 15 to 10 us a call; the dashboard''s SQL 10% faster).';


--
-- Name: derive_session_times(); Type: FUNCTION; Schema: app; Owner: nakksha_owner
--

CREATE FUNCTION app.derive_session_times() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_tz text;
begin
  if new.ends_at <= new.starts_at then
    raise exception using errcode = 'check_violation', schema = 'app', table = 'sessions',
      constraint = 'sessions_end_after_start',
      message = 'new row for relation "sessions" violates check constraint "sessions_end_after_start"',
      hint = 'field:ends_at';
  end if;
  select c.timezone into strict v_tz from app.consultants c where c.id = new.consultant_id;
  new.scheduled_date := (new.starts_at at time zone v_tz)::date;
  new.scheduled_time := (new.starts_at at time zone v_tz)::time;
  new.duration_minutes := (extract(epoch from new.ends_at - new.starts_at) / 60)::integer;
  new.occupied_during := tstzrange(new.starts_at, new.ends_at + make_interval(mins => new.buffer_minutes), '[)');
  return new;
end;
$$;


ALTER FUNCTION app.derive_session_times() OWNER TO nakksha_owner;

--
-- Name: FUNCTION derive_session_times(); Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON FUNCTION app.derive_session_times() IS 'Trigger: sessions local date/time, duration and occupied range (buffer applied) from the instants.';


--
-- Name: derive_slot_local_times(); Type: FUNCTION; Schema: app; Owner: nakksha_owner
--

CREATE FUNCTION app.derive_slot_local_times() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_tz text;
begin
  -- As the app role a consultant reads only their own row: a slot written for another consultant finds no zone
  -- and is left for the insert policy to refuse (42501), which runs after the BEFORE triggers.
  select c.timezone into v_tz from app.consultants c where c.id = new.consultant_id;
  if v_tz is null then
    return new;
  end if;
  new.date := (new.starts_at at time zone v_tz)::date;
  new.start_time := (new.starts_at at time zone v_tz)::time;
  new.end_time := (new.ends_at at time zone v_tz)::time;
  return new;
end;
$$;


ALTER FUNCTION app.derive_slot_local_times() OWNER TO nakksha_owner;

--
-- Name: FUNCTION derive_slot_local_times(); Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON FUNCTION app.derive_slot_local_times() IS 'Trigger: availability_slots local date/start/end from the instants in the consultant''s timezone.';


--
-- Name: enforce_payment_transition(); Type: FUNCTION; Schema: app; Owner: nakksha_owner
--

CREATE FUNCTION app.enforce_payment_transition() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
begin
  if new.status = old.status then
    return new;
  end if;
  if (old.status, new.status) not in (
      ('pending', 'completed'), ('pending', 'failed'), ('pending', 'cancelled'),
      ('failed', 'completed'), ('failed', 'cancelled'), ('failed', 'pending'),
      ('cancelled', 'completed'),
      ('completed', 'partially_refunded'), ('completed', 'refunded'), ('partially_refunded', 'refunded')) then
    raise exception using errcode = 'NK409', message = 'invalid_transition',
      detail = format('A %s payment cannot become %s.', old.status, new.status), hint = 'field:status';
  end if;
  if new.status = 'completed' then
    new.paid_at := coalesce(new.paid_at, now());
  end if;
  return new;
end;
$$;


ALTER FUNCTION app.enforce_payment_transition() OWNER TO nakksha_owner;

--
-- Name: FUNCTION enforce_payment_transition(); Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON FUNCTION app.enforce_payment_transition() IS 'Trigger: the payment lifecycle; any other status change is 409 invalid_transition.';


--
-- Name: enforce_session_transition(); Type: FUNCTION; Schema: app; Owner: nakksha_owner
--

CREATE FUNCTION app.enforce_session_transition() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
begin
  if new.status = old.status then
    return new;
  end if;
  if (old.status, new.status) not in (
      ('pending', 'confirmed'), ('pending', 'abandoned'), ('pending', 'cancelled'),
      ('abandoned', 'confirmed'), ('abandoned', 'cancelled'),
      ('confirmed', 'completed'), ('confirmed', 'no_show'), ('confirmed', 'cancelled'),
      ('cancelled', 'returned')) then
    raise exception using errcode = 'NK409', message = 'invalid_transition',
      detail = format('A %s session cannot become %s.', old.status, new.status), hint = 'field:status';
  end if;
  if new.status = 'confirmed' then
    new.confirmed_at := coalesce(new.confirmed_at, now());
  elsif new.status in ('completed', 'no_show') then
    new.completed_at := coalesce(new.completed_at, now());
  elsif new.status = 'cancelled' then
    new.cancelled_at := coalesce(new.cancelled_at, now());
  end if;
  return new;
end;
$$;


ALTER FUNCTION app.enforce_session_transition() OWNER TO nakksha_owner;

--
-- Name: FUNCTION enforce_session_transition(); Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON FUNCTION app.enforce_session_transition() IS 'Trigger: the session lifecycle (issue table); any other status change is 409 invalid_transition.';


--
-- Name: financial_year_start(timestamp with time zone); Type: FUNCTION; Schema: app; Owner: nakksha_owner
--

CREATE FUNCTION app.financial_year_start(p_at timestamp with time zone) RETURNS date
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$
  -- India's financial year runs 1 April to 31 March, by the date in India.
  select make_date(extract(year from (p_at at time zone 'Asia/Kolkata') - interval '3 months')::integer, 4, 1)
$$;


ALTER FUNCTION app.financial_year_start(p_at timestamp with time zone) OWNER TO nakksha_owner;

--
-- Name: FUNCTION financial_year_start(p_at timestamp with time zone); Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON FUNCTION app.financial_year_start(p_at timestamp with time zone) IS 'The first day of the Indian financial year (1 April, IST) a moment falls in.';


--
-- Name: forbid_audit_change(); Type: FUNCTION; Schema: app; Owner: nakksha_owner
--

CREATE FUNCTION app.forbid_audit_change() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
begin
  raise exception using errcode = 'NK403', message = 'audit_log_append_only',
    detail = 'The admin audit log cannot be changed or deleted.';
end;
$$;


ALTER FUNCTION app.forbid_audit_change() OWNER TO nakksha_owner;

--
-- Name: FUNCTION forbid_audit_change(); Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON FUNCTION app.forbid_audit_change() IS 'Trigger: the audit log is append-only.';


--
-- Name: gstin_check_character(text); Type: FUNCTION; Schema: app; Owner: nakksha_owner
--

CREATE FUNCTION app.gstin_check_character(p_gstin text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$
  -- Luhn mod 36 over the first 14 characters: 0–9 are 0–9, A–Z are 10–35; weights 1, 2, 1, 2, …; each product
  -- adds its quotient and remainder by 36; the check value is (36 − sum mod 36) mod 36, as a character again.
  with a as (select '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ'::text as alphabet)
  select substr(a.alphabet, (36 - sum(p / 36 + p % 36)::integer % 36) % 36 + 1, 1)
  from a, lateral (select (strpos(a.alphabet, substr(p_gstin, i, 1)) - 1) * (2 - i % 2) as p
                   from generate_series(1, 14) i) x
  group by a.alphabet
$$;


ALTER FUNCTION app.gstin_check_character(p_gstin text) OWNER TO nakksha_owner;

--
-- Name: FUNCTION gstin_check_character(p_gstin text); Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON FUNCTION app.gstin_check_character(p_gstin text) IS 'The GSTIN check character (15th) its first 14 characters call for (docs/gst.md §7).';


--
-- Name: gstin_is_valid(text); Type: FUNCTION; Schema: app; Owner: nakksha_owner
--

CREATE FUNCTION app.gstin_is_valid(p_gstin text) RETURNS boolean
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $_$
  -- State code (2 digits), the holder's PAN (10), the registration's number for that PAN in the State (1–9, A–Z),
  -- a letter (Z by default, not required: special registrations differ), the check character.
  select p_gstin ~ '^[0-9]{2}[A-Z]{3}[ABCFGHJLPT][A-Z][0-9]{4}[A-Z][1-9A-Z][A-Z][0-9A-Z]$'
     and right(p_gstin, 1) = app.gstin_check_character(p_gstin)
$_$;


ALTER FUNCTION app.gstin_is_valid(p_gstin text) OWNER TO nakksha_owner;

--
-- Name: FUNCTION gstin_is_valid(p_gstin text); Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON FUNCTION app.gstin_is_valid(p_gstin text) IS 'Whether a GSTIN (upper case) has the right shape, a PAN inside and the right check character.';


--
-- Name: guard_publication(); Type: FUNCTION; Schema: app; Owner: nakksha_owner
--

CREATE FUNCTION app.guard_publication() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_missing text;
begin
  -- A consultant publishes their own page only when approved and with every step of the checklist done; the
  -- refusal says which steps are left. (The owner, an admin function or a migration acting for nobody is not
  -- held by it: the migration that introduced publishing published pages already live.)
  if new.published_at is not null and old.published_at is null and app.current_consultant_id() is not null then
    if new.approval_status <> 'approved' then
      raise exception using errcode = 'NK403',
        message = case new.approval_status when 'suspended' then 'consultant_suspended' else 'consultant_not_approved' end,
        detail = case new.approval_status when 'suspended' then 'Your account is suspended, so your page cannot be published.'
                      else 'Your page can be published once your account is approved.' end;
    end if;
    select string_agg(e->>'label', '; ' order by o) into v_missing
    from jsonb_array_elements(app.setup_checklist(new.id)) with ordinality as x(e, o)
    where not (e->>'done')::boolean;
    if v_missing is not null then
      raise exception using errcode = 'NK409', message = 'setup_incomplete',
        detail = 'Finish setting up before publishing: ' || v_missing || '.',
        hint = 'missing:' || array_to_string(app.setup_missing(new.id), ',');
    end if;
  end if;
  return new;
end;
$$;


ALTER FUNCTION app.guard_publication() OWNER TO nakksha_owner;

--
-- Name: FUNCTION guard_publication(); Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON FUNCTION app.guard_publication() IS 'Trigger: a consultant may publish their page only when approved and with the setup checklist complete (NK409 setup_incomplete lists what is missing).';


--
-- Name: guard_quotation(); Type: FUNCTION; Schema: app; Owner: nakksha_owner
--

CREATE FUNCTION app.guard_quotation() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
begin
  if tg_op = 'DELETE' then
    if old.status <> 'draft' then
      raise exception using errcode = 'NK409', message = 'quotation_not_editable',
        detail = 'Only a draft can be deleted; a sent quotation is kept as a record.';
    end if;
    return old;
  end if;
  if new.status is distinct from old.status and (old.status, new.status) not in (
      ('draft', 'sent'), ('sent', 'viewed'), ('sent', 'accepted'), ('viewed', 'accepted'), ('sent', 'rejected'),
      ('viewed', 'rejected'), ('sent', 'expired'), ('viewed', 'expired')) then
    raise exception using errcode = 'NK409', message = 'invalid_transition',
      detail = format('A %s quotation cannot become %s.', old.status, new.status);
  end if;
  -- A draft with lines: its base amount is their sum, written only by app.total_quotation_items (the nested
  -- update, trigger depth 2); a direct write would leave the lines and the total disagreeing.
  -- (Nested: a role that never writes the amount, the worker's, never reads the lines.)
  if new.base_amount is distinct from old.base_amount and pg_trigger_depth() < 2 then
    if exists (select 1 from app.quotation_items i where i.quotation_id = new.id) then
      raise exception using errcode = 'NK409', message = 'quotation_not_editable',
        detail = 'The base amount is the sum of the quotation''s lines: change the lines.', hint = 'field:items';
    end if;
  end if;
  if old.status <> 'draft' and (new.client_id, new.client_name, new.client_email, new.quotation_name,
      new.description, new.base_amount, new.discount_percentage, new.currency, new.validity_period, new.expires_at,
      new.notes, new.quotation_image_url) is distinct from (old.client_id, old.client_name, old.client_email,
      old.quotation_name, old.description, old.base_amount, old.discount_percentage, old.currency,
      old.validity_period, old.expires_at, old.notes, old.quotation_image_url)
      -- a client record deleted later unlinks itself (on delete set null): that is not an edit
      and not (new.client_id is null and old.client_id is not null
               and (new.client_name, new.client_email) = (old.client_name, old.client_email))
      -- nor is erasing an anonymised client's personal data from it (api.anonymise_client): the terms stay,
      -- the image may only go
      and not (new.client_id is not null and (old.client_id is null or old.client_id = new.client_id)
               and exists (select 1 from app.clients c where c.id = new.client_id and c.anonymised_at is not null)
               and (new.base_amount, new.discount_percentage, new.currency, new.validity_period, new.expires_at)
                   is not distinct from (old.base_amount, old.discount_percentage, old.currency,
                                         old.validity_period, old.expires_at)
               and (new.quotation_image_url is null or new.quotation_image_url = old.quotation_image_url))
      -- nor is removing the image of a deleted account's quotation (api.delete_my_account), and nothing else
      and not (new.quotation_image_url is null
               and (new.client_id, new.client_name, new.client_email, new.quotation_name, new.description,
                    new.base_amount, new.discount_percentage, new.currency, new.validity_period, new.expires_at,
                    new.notes) is not distinct from (old.client_id, old.client_name, old.client_email,
                    old.quotation_name, old.description, old.base_amount, old.discount_percentage, old.currency,
                    old.validity_period, old.expires_at, old.notes)
               and exists (select 1 from app.consultants c where c.id = new.consultant_id and c.deleted_at is not null)) then
    raise exception using errcode = 'NK409', message = 'quotation_not_editable',
      detail = 'Only a draft can be changed; duplicate it to make a new version.';
  end if;
  return new;
end;
$$;


ALTER FUNCTION app.guard_quotation() OWNER TO nakksha_owner;

--
-- Name: FUNCTION guard_quotation(); Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON FUNCTION app.guard_quotation() IS 'Trigger: the quotation state machine, no edit or delete after sending (erasing an anonymised client''s data, or a deleted account''s images, is no edit), and a base amount with lines is their sum.';


--
-- Name: guard_quotation_item(); Type: FUNCTION; Schema: app; Owner: nakksha_owner
--

CREATE FUNCTION app.guard_quotation_item() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_status text;
begin
  -- A sent quotation is a record: its lines are as final as its amount (the same refusal as app.guard_quotation).
  -- A deleted draft's lines go with it (its status is still draft when the cascade runs; a sent one cannot go).
  select q.status into v_status from app.quotations q
  where q.id = case when tg_op = 'DELETE' then old.quotation_id else new.quotation_id end;
  -- One exception: the owner (a seed, a migration) may itemise a sent quotation that has no lines yet; its lines
  -- must then add up to its amount, as app.guard_quotation refuses any change of a sent quotation's amount.
  -- Nor is erasing an anonymised client's name from a line's description (api.anonymise_client) an edit: the
  -- quantities and prices stay.
  if v_status is not null and v_status <> 'draft'
     and not (tg_op = 'INSERT' and (current_user = 'nakksha_owner'
                                    or (select r.rolsuper from pg_catalog.pg_roles r where r.rolname = current_user)))
     and not (tg_op = 'UPDATE' and (new.position, new.quantity, new.unit_price) = (old.position, old.quantity, old.unit_price)
              and exists (select 1 from app.quotations q join app.clients c on c.id = q.client_id
                          where q.id = new.quotation_id and c.anonymised_at is not null)) then
    raise exception using errcode = 'NK409', message = 'quotation_not_editable',
      detail = 'Only a draft can be changed; duplicate it to make a new version.', hint = 'field:items';
  end if;
  if tg_op = 'UPDATE' and (new.quotation_id, new.consultant_id) is distinct from (old.quotation_id, old.consultant_id) then
    raise exception using errcode = 'NK409', message = 'quotation_not_editable',
      detail = 'A line stays on its quotation.', hint = 'field:items';
  end if;
  return case when tg_op = 'DELETE' then old else new end;
end;
$$;


ALTER FUNCTION app.guard_quotation_item() OWNER TO nakksha_owner;

--
-- Name: FUNCTION guard_quotation_item(); Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON FUNCTION app.guard_quotation_item() IS 'Trigger: a quotation''s lines change only while it is a draft, and never move to another quotation.';


--
-- Name: guard_refund(); Type: FUNCTION; Schema: app; Owner: nakksha_owner
--

CREATE FUNCTION app.guard_refund() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_t app.payment_transactions;
  v_other numeric(10, 2);
begin
  if tg_op = 'UPDATE' and old.status <> new.status and (old.status, new.status) not in
      (('pending', 'processed'), ('pending', 'failed')) then
    raise exception using errcode = 'NK409', message = 'invalid_transition',
      detail = format('A %s refund cannot become %s.', old.status, new.status), hint = 'field:status';
  end if;
  if tg_op = 'UPDATE' and old.status <> 'pending' and new.amount <> old.amount then
    raise exception using errcode = 'NK409', message = 'refund_settled', hint = 'field:amount',
      detail = format('A %s refund''s amount cannot change.', old.status);
  end if;
  if new.status = 'processed' then
    new.processed_at := coalesce(new.processed_at, now());
  end if;
  select * into v_t from app.payment_transactions where id = new.transaction_id for update;
  if tg_op = 'INSERT' and v_t.status not in ('completed', 'partially_refunded') then
    raise exception using errcode = 'NK409', message = 'payment_not_refundable',
      detail = format('A %s payment cannot be refunded.', v_t.status);
  end if;
  select coalesce(sum(r.amount), 0) into v_other from app.payment_refunds r
  where r.transaction_id = new.transaction_id and r.status <> 'failed' and r.id <> new.id;
  if new.status <> 'failed' and v_other + new.amount > v_t.amount then
    raise exception using errcode = 'NK409', message = 'refund_exceeds_payment', hint = 'field:amount',
      detail = format('At most %s can still be refunded.', v_t.amount - v_other);
  end if;
  return new;
end;
$$;


ALTER FUNCTION app.guard_refund() OWNER TO nakksha_owner;

--
-- Name: FUNCTION guard_refund(); Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON FUNCTION app.guard_refund() IS 'Trigger: refunds of a payment never add up to more than it; refund lifecycle pending → processed | failed.';


--
-- Name: is_plausible_date(date); Type: FUNCTION; Schema: app; Owner: nakksha_owner
--

CREATE FUNCTION app.is_plausible_date(p_day date) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path TO ''
    AS $$
  select p_day is null or p_day between date '1970-01-01' and date '2200-12-31'
$$;


ALTER FUNCTION app.is_plausible_date(p_day date) OWNER TO nakksha_owner;

--
-- Name: FUNCTION is_plausible_date(p_day date); Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON FUNCTION app.is_plausible_date(p_day date) IS 'True for NULL or a date in the years 1970–2200 (asyncpg sends 9999-12-31 as infinity).';


--
-- Name: is_plausible_instant(timestamp with time zone); Type: FUNCTION; Schema: app; Owner: nakksha_owner
--

CREATE FUNCTION app.is_plausible_instant(p_at timestamp with time zone) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path TO ''
    AS $$
  -- 1970-01-01T00:00Z up to 2201-01-01T00:00Z (epoch 7289654400): an instant whose year in UTC is 1970–2200,
  -- exactly what the API's Instant accepts. Year 9999 is a valid timestamptz but has no local time east of
  -- UTC in Python (a 500 on the page showing it) and its local date is in the year 10000.
  select p_at is null or (p_at >= pg_catalog.to_timestamp(0) and p_at < pg_catalog.to_timestamp(7289654400))
$$;


ALTER FUNCTION app.is_plausible_instant(p_at timestamp with time zone) OWNER TO nakksha_owner;

--
-- Name: FUNCTION is_plausible_instant(p_at timestamp with time zone); Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON FUNCTION app.is_plausible_instant(p_at timestamp with time zone) IS 'True for NULL or an instant in the years 1970–2200 (UTC): the range the API takes and the tables keep.';


--
-- Name: is_repeat_client(integer); Type: FUNCTION; Schema: app; Owner: nakksha_owner
--

CREATE FUNCTION app.is_repeat_client(p_total_sessions integer) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
  -- THE definition of a repeat client (docs/metrics.md), used by the Clients page (api.client_json), the
  -- dashboard's repeat rate (api.dashboard_metrics_for) and the analysts' all-time totals
  -- (analytics.consultant_dashboard_stats): more than one live session (confirmed, completed or no-show:
  -- clients.total_sessions, kept by app.refresh_client_session_totals).
  select coalesce(p_total_sessions, 0) > 1;
$$;


ALTER FUNCTION app.is_repeat_client(p_total_sessions integer) OWNER TO nakksha_owner;

--
-- Name: FUNCTION is_repeat_client(p_total_sessions integer); Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON FUNCTION app.is_repeat_client(p_total_sessions integer) IS 'A client is a repeat client when they have had more than one live session (confirmed, completed or no-show) with their consultant: the one definition the Clients page, the dashboard and the analysts'' views share.';


--
-- Name: keep_worker_registered(); Type: FUNCTION; Schema: app; Owner: nakksha_owner
--

CREATE FUNCTION app.keep_worker_registered() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
begin
  -- Procrastinate's worker, when it starts, deletes every worker row whose heartbeat is older than its
  -- stalled_worker_timeout. A worker alive but silent that long (a database restart, a paused process) lost its
  -- row, and its next fetch died on procrastinate_jobs_worker_id_fkey (issue 16). Taking a job proves the worker
  -- is alive: before the foreign key is checked its row is put back (same id) or its heartbeat refreshed, and the
  -- row stays locked until the fetch commits, so a prune racing it waits and then sees a fresh heartbeat.
  insert into public.procrastinate_workers (id, last_heartbeat) overriding system value
  values (new.worker_id, now())
  on conflict (id) do update set last_heartbeat = excluded.last_heartbeat;
  return new;
end;
$$;


ALTER FUNCTION app.keep_worker_registered() OWNER TO nakksha_owner;

--
-- Name: FUNCTION keep_worker_registered(); Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON FUNCTION app.keep_worker_registered() IS 'Trigger: a worker that takes a job (procrastinate_fetch_job) is registered with a fresh heartbeat, so a worker pruned while alive never dies on procrastinate_jobs_worker_id_fkey.';


--
-- Name: ledger_capture(); Type: FUNCTION; Schema: app; Owner: nakksha_owner
--

CREATE FUNCTION app.ledger_capture() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
begin
  if new.commission is null or (tg_op = 'UPDATE' and old.commission is not null) then
    return null;
  end if;
  insert into app.ledger_entries (consultant_id, kind, amount, payment_id, occurred_at)
  values (new.consultant_id, 'captured', new.amount, new.id, new.paid_at),
         (new.consultant_id, 'commission', -new.commission, new.id, new.paid_at),
         (new.consultant_id, 'commission_gst', -new.commission_gst, new.id, new.paid_at)
  union all
  -- Taxes withheld only where there are any (NULL on payments captured before they were assessed).
  select new.consultant_id, x.kind, -x.amount, new.id, new.paid_at
  from (values ('tcs', new.tcs), ('tds', new.tds)) x(kind, amount) where x.amount > 0
  on conflict on constraint ledger_entries_once do nothing;
  return null;
end;
$$;


ALTER FUNCTION app.ledger_capture() OWNER TO nakksha_owner;

--
-- Name: FUNCTION ledger_capture(); Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON FUNCTION app.ledger_capture() IS 'Trigger: a captured payment the platform collected writes its entries: the amount, less the commission and the GST on it.';


--
-- Name: ledger_refund(); Type: FUNCTION; Schema: app; Owner: nakksha_owner
--

CREATE FUNCTION app.ledger_refund() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
begin
  if new.status = 'processed' and (tg_op = 'INSERT' or old.status is distinct from 'processed') then
    perform app.ledger_refund_entries(new.id);
  end if;
  return null;
end;
$$;


ALTER FUNCTION app.ledger_refund() OWNER TO nakksha_owner;

--
-- Name: FUNCTION ledger_refund(); Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON FUNCTION app.ledger_refund() IS 'Trigger: a refund processed writes its ledger entries.';


--
-- Name: ledger_refund_entries(uuid); Type: FUNCTION; Schema: app; Owner: nakksha_owner
--

CREATE FUNCTION app.ledger_refund_entries(p_refund_id uuid) RETURNS integer
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_r app.payment_refunds;
  v_t app.payment_transactions;
  v_before numeric;
  v_count integer;
begin
  select * into v_r from app.payment_refunds where id = p_refund_id;
  if v_r.status is distinct from 'processed' then
    return 0;
  end if;
  -- The payment's row lock orders its refunds, so each takes back its share of the commission from what the
  -- earlier ones took: cumulative rounding, and a full refund takes back exactly all of it.
  select * into v_t from app.payment_transactions where id = v_r.transaction_id for update;
  if v_t.commission is null then
    return 0;  -- money the platform did not collect: nothing of it is in the ledger
  end if;
  v_before := coalesce((select -sum(e.amount) from app.ledger_entries e
                        where e.payment_id = v_t.id and e.kind = 'refund' and e.refund_id <> v_r.id), 0);
  insert into app.ledger_entries (consultant_id, kind, amount, payment_id, refund_id, occurred_at)
  select v_t.consultant_id, x.kind, x.amount, v_t.id, v_r.id, v_r.processed_at
  from (values
    ('refund', -v_r.amount),
    ('commission_refund', round(v_t.commission * (v_before + v_r.amount) / v_t.amount, 2)
                          - round(v_t.commission * v_before / v_t.amount, 2)),
    ('commission_gst_refund', round(v_t.commission_gst * (v_before + v_r.amount) / v_t.amount, 2)
                              - round(v_t.commission_gst * v_before / v_t.amount, 2)),
    -- TCS is on supplies net of returns (s.52(1)); TDS deducted on a sale the client got back is adjusted
    -- against the consultant's later payments (docs/gst.md §11): both come back in the same proportion.
    ('tcs_refund', round(coalesce(v_t.tcs, 0) * (v_before + v_r.amount) / v_t.amount, 2)
                   - round(coalesce(v_t.tcs, 0) * v_before / v_t.amount, 2)),
    ('tds_refund', round(coalesce(v_t.tds, 0) * (v_before + v_r.amount) / v_t.amount, 2)
                   - round(coalesce(v_t.tds, 0) * v_before / v_t.amount, 2))) as x(kind, amount)
  where x.kind not in ('tcs_refund', 'tds_refund') or x.amount > 0
  on conflict on constraint ledger_entries_once do nothing;
  get diagnostics v_count = row_count;
  return v_count;
end;
$$;


ALTER FUNCTION app.ledger_refund_entries(p_refund_id uuid) OWNER TO nakksha_owner;

--
-- Name: FUNCTION ledger_refund_entries(p_refund_id uuid); Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON FUNCTION app.ledger_refund_entries(p_refund_id uuid) IS 'A processed refund''s entries: the amount back to the client, and the commission, its GST, the TCS and the TDS taken back in proportion.';


--
-- Name: mailbox_key(text); Type: FUNCTION; Schema: app; Owner: nakksha_owner
--

CREATE FUNCTION app.mailbox_key(p_email text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path TO ''
    AS $_$
  -- One inbox however its address is spelled: case, a +tag (Gmail, Outlook, Fastmail and most providers
  -- deliver name+anything@ to name@) and Gmail's dots. Per-email limits count this, so victim+1@, victim+2@ …
  -- do not each get a fresh allowance; and it is a hash, so a rate-limit counter never holds an address.
  -- In schema app (not app_private) because an index stores it: clients_consultant_mailbox_idx, which finds a
  -- mailbox's open holds in one probe (app_private.check_unpaid_holds). Changing this body changes what the
  -- index holds: that needs a migration that reindexes it.
  select encode(pg_catalog.sha256(convert_to('mailbox:' ||
           case when m[2] in ('gmail.com', 'googlemail.com')
                then replace(split_part(m[1], '+', 1), '.', '') || '@gmail.com'
                else split_part(m[1], '+', 1) || '@' || m[2] end, 'UTF8')), 'hex')
  from (select coalesce(regexp_match(lower(btrim(p_email)), '^(.*)@([^@]*)$'), array[lower(btrim(p_email)), '']) as m) e
$_$;


ALTER FUNCTION app.mailbox_key(p_email text) OWNER TO nakksha_owner;

--
-- Name: FUNCTION mailbox_key(p_email text); Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON FUNCTION app.mailbox_key(p_email text) IS 'A hash naming the mailbox an address reaches (case, +tags and Gmail dots folded): what per-email limits count. Indexed on app.clients (clients_consultant_mailbox_idx).';


--
-- Name: mark_all_analytics_dirty(); Type: FUNCTION; Schema: app; Owner: nakksha_owner
--

CREATE FUNCTION app.mark_all_analytics_dirty() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
begin
  delete from app.daily_analytics where consultant_id = new.id;
  insert into app.analytics_dirty (consultant_id, day)
  select distinct new.id, (i at time zone new.timezone)::date
  from (select s.starts_at from app.sessions s where s.consultant_id = new.id
        union all select p.paid_at from app.payment_transactions p where p.consultant_id = new.id
        union all select r.processed_at from app.payment_refunds r where r.consultant_id = new.id
        union all select c.created_at from app.clients c where c.consultant_id = new.id
        union all select q.sent_at from app.quotations q where q.consultant_id = new.id
        union all select q.responded_at from app.quotations q where q.consultant_id = new.id) t(i)
  where i is not null;
  return null;
end;
$$;


ALTER FUNCTION app.mark_all_analytics_dirty() OWNER TO nakksha_owner;

--
-- Name: FUNCTION mark_all_analytics_dirty(); Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON FUNCTION app.mark_all_analytics_dirty() IS 'Trigger: a consultant''s new time zone re-cuts every day of their analytics. Definer: it fires on the consultant''s own timezone change and marks every day in app.analytics_dirty, which no web role may write.';


--
-- Name: mark_analytics_dirty(); Type: FUNCTION; Schema: app; Owner: nakksha_owner
--

CREATE FUNCTION app.mark_analytics_dirty() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
declare
  v_consultant uuid;
  v_instants timestamptz[];
begin
  -- The instants whose local days this row counts on, before and after the change.
  if tg_table_name = 'sessions' then
    v_consultant := coalesce(new.consultant_id, old.consultant_id);
    v_instants := array[new.starts_at, old.starts_at];
  elsif tg_table_name = 'payment_transactions' then
    v_consultant := coalesce(new.consultant_id, old.consultant_id);
    v_instants := array[new.paid_at, old.paid_at];
  elsif tg_table_name = 'payment_refunds' then
    v_consultant := new.consultant_id;
    v_instants := array[new.processed_at];
  elsif tg_table_name = 'clients' then
    v_consultant := new.consultant_id;
    v_instants := array[new.created_at];
  elsif tg_table_name = 'quotations' then
    v_consultant := new.consultant_id;
    v_instants := array[new.sent_at, new.responded_at, old.sent_at, old.responded_at];
  end if;
  insert into app.analytics_dirty (consultant_id, day)
  select distinct v_consultant, (i at time zone c.timezone)::date
  from unnest(v_instants) i, app.consultants c
  where i is not null and c.id = v_consultant;
  -- Open dashboards of this consultant refresh (app/live.py). Sent at commit, once per transaction and
  -- consultant (PostgreSQL folds identical notifications), never for a write that rolls back.
  if v_consultant is not null then
    perform pg_notify('nakksha_dashboard', v_consultant::text);
  end if;
  return null;
end;
$$;


ALTER FUNCTION app.mark_analytics_dirty() OWNER TO nakksha_owner;

--
-- Name: FUNCTION mark_analytics_dirty(); Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON FUNCTION app.mark_analytics_dirty() IS 'Trigger: record the (consultant, local day) pairs a write changes, for the daily_analytics job. Definer: it fires on writes the app role makes (a consultant adding a client) and records the day in app.analytics_dirty, which no web role may write.';


--
-- Name: pan_is_valid(text); Type: FUNCTION; Schema: app; Owner: nakksha_owner
--

CREATE FUNCTION app.pan_is_valid(p_pan text) RETURNS boolean
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $_$
  -- Five letters (the fourth says who holds it: P a person, H a Hindu undivided family, C a company, F a firm, …),
  -- four digits, a letter.
  select p_pan ~ '^[A-Z]{3}[ABCFGHJLPT][A-Z][0-9]{4}[A-Z]$'
$_$;


ALTER FUNCTION app.pan_is_valid(p_pan text) OWNER TO nakksha_owner;

--
-- Name: FUNCTION pan_is_valid(p_pan text); Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON FUNCTION app.pan_is_valid(p_pan text) IS 'Whether a PAN (upper case) has the right shape.';


--
-- Name: platform_collects(text, text); Type: FUNCTION; Schema: app; Owner: nakksha_owner
--

CREATE FUNCTION app.platform_collects(p_gateway text, p_purpose text) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ select p_gateway in ('razorpay', 'local') and p_purpose in ('session', 'quotation') $$;


ALTER FUNCTION app.platform_collects(p_gateway text, p_purpose text) OWNER TO nakksha_owner;

--
-- Name: FUNCTION platform_collects(p_gateway text, p_purpose text); Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON FUNCTION app.platform_collects(p_gateway text, p_purpose text) IS 'Whether the platform collected this payment for a consultant (its gateway, a session or a quotation): only then is commission due and the rest owed through the ledger. Cash, bank transfers and UPI to the consultant never passed through it.';


--
-- Name: protect_booked_slot(); Type: FUNCTION; Schema: app; Owner: nakksha_owner
--

CREATE FUNCTION app.protect_booked_slot() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
begin
  if old.booked_count > 0 and (tg_op = 'DELETE' or new.starts_at <> old.starts_at or new.ends_at <> old.ends_at
                               or new.consultant_id <> old.consultant_id or new.session_type <> old.session_type) then
    raise exception using errcode = 'NK409', message = 'slot_booked',
      detail = 'This slot has bookings; cancel or reschedule them first.', hint = 'field:slot_id';
  end if;
  return case when tg_op = 'DELETE' then old else new end;
end;
$$;


ALTER FUNCTION app.protect_booked_slot() OWNER TO nakksha_owner;

--
-- Name: FUNCTION protect_booked_slot(); Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON FUNCTION app.protect_booked_slot() IS 'Trigger: a slot with seats taken is neither deleted nor moved.';


--
-- Name: queue_session_reminder(); Type: FUNCTION; Schema: app; Owner: nakksha_owner
--

CREATE FUNCTION app.queue_session_reminder() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
begin
  if tg_op = 'UPDATE' then
    if new.status is not distinct from old.status and new.starts_at is not distinct from old.starts_at then
      return new;
    end if;
    perform app_private.cancel_queued_jobs('reminder:' || new.id);
  end if;
  new.reminder_queued_for := null;
  if new.status = 'confirmed' and new.starts_at > now()
     and app_private.reminder_due_at(new.starts_at) <= now() + interval '1 minute' then
    perform app_private.defer_job('send_session_reminder',
      jsonb_build_object('session_id', new.id, 'starts_at', new.starts_at), 'emails',
      greatest(now(), app_private.reminder_due_at(new.starts_at)), 'reminder:' || new.id);
    new.reminder_queued_for := new.starts_at;
  end if;
  return new;
end;
$$;


ALTER FUNCTION app.queue_session_reminder() OWNER TO nakksha_owner;

--
-- Name: FUNCTION queue_session_reminder(); Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON FUNCTION app.queue_session_reminder() IS 'Trigger (before): a confirmed session''s reminder job is cancelled with any change of status or time, and queued at once when due within the minute (else the sweep queues it when it falls due).';


--
-- Name: readable_consultants(boolean); Type: FUNCTION; Schema: app; Owner: nakksha_owner
--

CREATE FUNCTION app.readable_consultants(p_approved_only boolean) RETURNS uuid[]
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  -- Written out rather than calling the helpers above: each is a definer call with its own search_path, and this
  -- runs once per statement on every tenant read (bench/rls.py).
  -- A transaction acts for one caller: a consultant id set wins (an admin id beside it, which the app never
  -- sets, must not widen a consultant's reads to every tenant).
  select case
    when nullif(current_setting('app.consultant_id', true), '') is not null then
      case when not p_approved_only
           then array[nullif(current_setting('app.consultant_id', true), '')::uuid]
           else coalesce((select array[c.id] from app.consultants c
                          where c.id = nullif(current_setting('app.consultant_id', true), '')::uuid
                            and c.approval_status = 'approved' and c.deleted_at is null), '{}')
      end
    when exists (select 1 from app.admins a
                 where a.id = nullif(current_setting('app.admin_id', true), '')::uuid and a.is_active)
      then (select coalesce(array_agg(c.id), '{}') from app.consultants c)
    else '{}'
  end
$$;


ALTER FUNCTION app.readable_consultants(p_approved_only boolean) OWNER TO nakksha_owner;

--
-- Name: FUNCTION readable_consultants(p_approved_only boolean); Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON FUNCTION app.readable_consultants(p_approved_only boolean) IS 'Retired (see db/functions/app/retired.sql): the consultants whose rows the caller may read. Invoker since issue 20: no policy calls it any more, and as a definer it let a web role read past the consultants and admins policies.';


--
-- Name: record_commission(); Type: FUNCTION; Schema: app; Owner: nakksha_owner
--

CREATE FUNCTION app.record_commission() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_plan record;
begin
  -- Fixed once, when the payment is first captured: the plan and rates then in force. Never recomputed (a plan
  -- changed later, a refund, a rate change leave it as it was); the refund entries take back their share of it.
  if tg_op = 'UPDATE' and old.commission is not null then
    if (new.commission, new.commission_gst, new.commission_plan, new.commission_percent, new.commission_min,
        new.commission_gst_percent, new.tcs, new.tcs_basis_points, new.tds, new.tds_basis_points)
       is distinct from (old.commission, old.commission_gst, old.commission_plan, old.commission_percent,
        old.commission_min, old.commission_gst_percent, old.tcs, old.tcs_basis_points, old.tds, old.tds_basis_points)
    then
      raise exception using errcode = 'NK409', message = 'commission_fixed',
        detail = 'A captured payment''s commission is fixed when it is captured and never changes.';
    end if;
    return new;
  end if;
  if new.status not in ('completed', 'partially_refunded', 'refunded')
     or not app.platform_collects(new.gateway, new.purpose) then
    new.commission := null;
    new.commission_gst := null;
    new.tcs := null;
    new.tcs_basis_points := null;
    new.tds := null;
    new.tds_basis_points := null;
    return new;
  end if;
  -- The plan in force: a paid plan past its expiry is the free plan (nothing else moves an expired consultant back
  -- yet; the subscriptions issue bills and ends plans).
  select p.code, p.commission_percent, p.commission_min into v_plan
  from app.consultants c
  join app.plans p on p.code = case when c.subscription_expires_at < now() then 'free' else c.subscription_plan end
  where c.id = new.consultant_id;
  new.commission_plan := v_plan.code;
  new.commission_percent := v_plan.commission_percent;
  new.commission_min := v_plan.commission_min;
  new.commission_gst_percent := coalesce((select (s.value #>> '{}')::numeric from app.platform_settings s
                                          where s.key = 'commission_gst_percent'), 18);
  select x.commission, x.commission_gst into new.commission, new.commission_gst
  from app.commission_split(new.amount, new.commission_percent, new.commission_min, new.commission_gst_percent) x;
  select t.tcs_basis_points, t.tcs, t.tds_basis_points, t.tds
  into new.tcs_basis_points, new.tcs, new.tds_basis_points, new.tds
  from app.withholding(new.consultant_id, new.id, new.amount, new.commission + new.commission_gst,
                       coalesce(new.paid_at, now())) t;
  return new;
end;
$$;


ALTER FUNCTION app.record_commission() OWNER TO nakksha_owner;

--
-- Name: FUNCTION record_commission(); Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON FUNCTION app.record_commission() IS 'Trigger (before): a payment the platform collected gets its commission, TCS and TDS when first captured, from its consultant''s plan and tax profile then; recorded, they never change.';


--
-- Name: rederive_local_times(); Type: FUNCTION; Schema: app; Owner: nakksha_owner
--

CREATE FUNCTION app.rederive_local_times() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
begin
  -- The consultant moved timezone: the rules' wall-clock times are other instants now. Their future unbooked
  -- slots are re-made first (the new ones get their local columns from the insert trigger, in the new zone),
  -- then every slot whose local date or times read differently in the new zone is re-derived: booked, one-off
  -- and past slots, and a rule slot kept because its instant is still wanted (the same instant, another wall
  -- clock: 09:00 in Dubai was 10:30 in Kolkata). Re-deriving every slot first and then replacing most of them
  -- cost twice the writes (bench/slots_rollforward.py: timezone change at the cap).
  perform app_private.rematerialise_slots(new.id);
  update app.availability_slots set starts_at = starts_at
  where consultant_id = new.id
    and (date, start_time, end_time) is distinct from ((starts_at at time zone new.timezone)::date,
                                                        (starts_at at time zone new.timezone)::time,
                                                        (ends_at at time zone new.timezone)::time);
  update app.sessions set starts_at = starts_at where consultant_id = new.id;
  return null;
end;
$$;


ALTER FUNCTION app.rederive_local_times() OWNER TO nakksha_owner;

--
-- Name: FUNCTION rederive_local_times(); Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON FUNCTION app.rederive_local_times() IS 'Trigger: a consultant''s timezone changed, so their rule slots are re-made and the other slots'' and sessions'' local columns recomputed. Definer: it fires on the consultant''s own timezone change and rewrites the local columns of their slots and sessions, which the app role may not write.';


--
-- Name: refresh_client_amount_paid(); Type: FUNCTION; Schema: app; Owner: nakksha_owner
--

CREATE FUNCTION app.refresh_client_amount_paid() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
begin
  -- Money received from the client, net of refunds: completed payments (fully or partly refunded ones
  -- count what was kept). Same pattern as the session totals: lock the client row (no key update), then
  -- recount in a new statement so racing payments never lose an update.
  perform 1 from app.clients c
  where c.id in (select new.client_id where tg_op <> 'DELETE' union select old.client_id where tg_op <> 'INSERT')
  order by c.id for no key update;
  update app.clients c set total_amount_paid = coalesce((
    select sum(p.amount - p.amount_refunded) from app.payment_transactions p
    where p.consultant_id = c.consultant_id and p.client_id = c.id
      and p.status in ('completed', 'partially_refunded', 'refunded')), 0)
  where c.id in (select new.client_id where tg_op <> 'DELETE' union select old.client_id where tg_op <> 'INSERT');
  return null;
end;
$$;


ALTER FUNCTION app.refresh_client_amount_paid() OWNER TO nakksha_owner;

--
-- Name: FUNCTION refresh_client_amount_paid(); Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON FUNCTION app.refresh_client_amount_paid() IS 'Trigger: clients.total_amount_paid is the net money received from them.';


--
-- Name: refresh_client_session_totals(); Type: FUNCTION; Schema: app; Owner: nakksha_owner
--

CREATE FUNCTION app.refresh_client_session_totals() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
begin
  -- Lock the client rows first (no key update: it does not conflict with the key-share locks the
  -- sessions foreign key takes, which would deadlock), in one statement; the recount is a new statement with a new
  -- snapshot (read committed), so it sees every booking that committed while we waited. Counting in
  -- the same statement as the lock would write a stale count (a lost update).
  perform 1 from app.clients c
  where c.id in (select new.client_id where tg_op <> 'DELETE' union select old.client_id where tg_op <> 'INSERT')
  order by c.id for no key update;
  update app.clients c set (total_sessions, first_session_at, last_session_at) = (
    select count(*)::integer, min(s.starts_at), max(s.starts_at) from app.sessions s
    where s.consultant_id = c.consultant_id and s.client_id = c.id and s.status in ('confirmed', 'completed', 'no_show'))
  where c.id in (select new.client_id where tg_op <> 'DELETE' union select old.client_id where tg_op <> 'INSERT');
  return null;
end;
$$;


ALTER FUNCTION app.refresh_client_session_totals() OWNER TO nakksha_owner;

--
-- Name: FUNCTION refresh_client_session_totals(); Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON FUNCTION app.refresh_client_session_totals() IS 'Trigger: clients.total_sessions and first/last session follow their confirmed, completed and no-show sessions.';


--
-- Name: refuse_field(text, text); Type: FUNCTION; Schema: app; Owner: nakksha_owner
--

CREATE FUNCTION app.refuse_field(p_field text, p_detail text) RETURNS void
    LANGUAGE plpgsql IMMUTABLE
    SET search_path TO ''
    AS $$
begin
  raise exception using errcode = 'NK422', message = 'validation_error', hint = 'field:' || p_field, detail = p_detail;
end;
$$;


ALTER FUNCTION app.refuse_field(p_field text, p_detail text) OWNER TO nakksha_owner;

--
-- Name: FUNCTION refuse_field(p_field text, p_detail text); Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON FUNCTION app.refuse_field(p_field text, p_detail text) IS 'Raise the one validation error (422 naming a field) the app maps.';


--
-- Name: refuse_ledger_change(); Type: FUNCTION; Schema: app; Owner: nakksha_owner
--

CREATE FUNCTION app.refuse_ledger_change() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
begin
  raise exception using errcode = 'NK409', message = 'ledger_append_only',
    detail = 'Ledger entries are never changed or deleted; a correction is a new entry.';
end;
$$;


ALTER FUNCTION app.refuse_ledger_change() OWNER TO nakksha_owner;

--
-- Name: FUNCTION refuse_ledger_change(); Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON FUNCTION app.refuse_ledger_change() IS 'Trigger: the ledger is append-only.';


--
-- Name: refuse_suspended_profile_changes(); Type: FUNCTION; Schema: app; Owner: nakksha_owner
--

CREATE FUNCTION app.refuse_suspended_profile_changes() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_free constant text[] := array['password_hash', 'token_epoch', 'last_login_at', 'updated_at', 'published_at',
                                  'notification_preferences', 'email', 'is_email_verified', 'email_verified_at'];
begin
  if old.approval_status <> 'suspended' or new.approval_status <> 'suspended' or new.deleted_at is not null
     or nullif(current_setting('app.consultant_id', true), '') is distinct from old.id::text then
    return new;  -- not a suspended consultant writing their own row (the worker, an admin, the owner, erasure)
  end if;
  if (to_jsonb(new) - v_free) is distinct from (to_jsonb(old) - v_free) then
    raise exception using errcode = 'NK403', message = 'consultant_suspended',
      detail = 'Your account is suspended: your page, prices, links and bank details cannot be changed.';
  end if;
  return new;
end;
$$;


ALTER FUNCTION app.refuse_suspended_profile_changes() OWNER TO nakksha_owner;

--
-- Name: FUNCTION refuse_suspended_profile_changes(); Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON FUNCTION app.refuse_suspended_profile_changes() IS 'Row trigger on app.consultants: a suspended consultant changes nothing on their row but sign-in, password, email, notifications, unpublishing and deletion (NK403 consultant_suspended).';


--
-- Name: refuse_suspended_writes(); Type: FUNCTION; Schema: app; Owner: nakksha_owner
--

CREATE FUNCTION app.refuse_suspended_writes() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
begin
  if app.caller_is_suspended() then
    raise exception using errcode = 'NK403', message = 'consultant_suspended',
      detail = 'Your account is suspended: you can read your sessions and clients, but not change your page, '
               'prices or hours.';
  end if;
  return null;
end;
$$;


ALTER FUNCTION app.refuse_suspended_writes() OWNER TO nakksha_owner;

--
-- Name: FUNCTION refuse_suspended_writes(); Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON FUNCTION app.refuse_suspended_writes() IS 'Statement trigger on the availability tables: a suspended consultant''s writes are refused (NK403 consultant_suspended).';


--
-- Name: rematerialise_my_slots(); Type: FUNCTION; Schema: app; Owner: nakksha_owner
--

CREATE FUNCTION app.rematerialise_my_slots() RETURNS void
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO ''
    AS $$
  -- No argument: it acts on the calling consultant only, so the app role cannot re-derive anyone else's slots.
  select app_private.rematerialise_slots(c.id) from app.consultants c
  where c.id = app.current_consultant_id() and c.deleted_at is null
$$;


ALTER FUNCTION app.rematerialise_my_slots() OWNER TO nakksha_owner;

--
-- Name: FUNCTION rematerialise_my_slots(); Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON FUNCTION app.rematerialise_my_slots() IS 'Bring the calling consultant''s future slots in line with their rules and blocked ranges (after an invoker rule or block write). Definer: the re-derivation lives in app_private, which no web role reaches; it takes no argument, so it acts on the caller only.';


--
-- Name: schedule_session_reminder(); Type: FUNCTION; Schema: app; Owner: nakksha_owner
--

CREATE FUNCTION app.schedule_session_reminder() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
begin
  if tg_op = 'UPDATE' and new.status is not distinct from old.status
     and new.starts_at is not distinct from old.starts_at then
    return null;
  end if;
  perform app_private.cancel_queued_jobs('reminder:' || new.id);
  if new.status = 'confirmed' and new.starts_at > now() then
    perform app_private.defer_job('send_session_reminder',
      jsonb_build_object('session_id', new.id, 'starts_at', new.starts_at), 'emails',
      greatest(now(), app_private.reminder_due_at(new.starts_at)), 'reminder:' || new.id);
  end if;
  return null;
end;
$$;


ALTER FUNCTION app.schedule_session_reminder() OWNER TO nakksha_owner;

--
-- Name: FUNCTION schedule_session_reminder(); Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON FUNCTION app.schedule_session_reminder() IS 'Retired (see db/functions/app/retired.sql): the reminder trigger before 20261209020000, which queued every reminder ahead.';


--
-- Name: setup_checklist(uuid); Type: FUNCTION; Schema: app; Owner: nakksha_owner
--

CREATE FUNCTION app.setup_checklist(p_consultant_id uuid) RETURNS jsonb
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  -- One entry per step, in the order the dashboard lists them: {item, label, done}. Read as the caller: a
  -- consultant sees their own row and weekly hours, an admin every one (their read policies).
  select coalesce(jsonb_agg(jsonb_build_object('item', s.item, 'label', s.label, 'done', s.done) order by s.n), '[]')
  from app.consultants c
  cross join lateral (values
    (1, 'profile', 'Describe what you do (a bio and your sector)',
     coalesce(btrim(c.description), '') <> '' and coalesce(btrim(c.consultancy_sector), '') <> ''),
    (2, 'photo', 'Add a photo', c.profile_photo_url is not null),
    (3, 'price', 'Set the price of a one-to-one session', c.personal_session_price > 0),
    (4, 'availability', 'Set your weekly hours',
     exists (select 1 from app.availability_rules r where r.consultant_id = c.id and r.is_active)),
    (5, 'meeting_link', 'Add your ' || case c.default_meeting_platform when 'zoom' then 'Zoom'
                                          when 'meet' then 'Google Meet' else 'Microsoft Teams' end || ' link',
     case c.default_meeting_platform when 'zoom' then c.zoom_link when 'meet' then c.meet_link
                                     else c.teams_link end is not null),
    (6, 'bank', 'Add bank details for payouts', c.bank_account_number_encrypted is not null)
  ) as s(n, item, label, done)
  where c.id = p_consultant_id
$$;


ALTER FUNCTION app.setup_checklist(p_consultant_id uuid) OWNER TO nakksha_owner;

--
-- Name: FUNCTION setup_checklist(p_consultant_id uuid); Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON FUNCTION app.setup_checklist(p_consultant_id uuid) IS 'The setup checklist of a consultant''s page: [{item, label, done}] in order; publishing needs every step done (api.publish_my_page).';


--
-- Name: setup_missing(uuid); Type: FUNCTION; Schema: app; Owner: nakksha_owner
--

CREATE FUNCTION app.setup_missing(p_consultant_id uuid) RETURNS text[]
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  select coalesce(array_agg(e->>'item' order by o), '{}')
  from jsonb_array_elements(app.setup_checklist(p_consultant_id)) with ordinality as x(e, o)
  where not (e->>'done')::boolean
$$;


ALTER FUNCTION app.setup_missing(p_consultant_id uuid) OWNER TO nakksha_owner;

--
-- Name: FUNCTION setup_missing(p_consultant_id uuid); Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON FUNCTION app.setup_missing(p_consultant_id uuid) IS 'The steps of the setup checklist not done yet (empty: ready to publish).';


--
-- Name: sync_session_calendar(); Type: FUNCTION; Schema: app; Owner: nakksha_owner
--

CREATE FUNCTION app.sync_session_calendar() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
begin
  if tg_op = 'UPDATE' and new.status is not distinct from old.status
     and new.starts_at is not distinct from old.starts_at and new.ends_at is not distinct from old.ends_at then
    return null;
  end if;
  perform app_private.queue_calendar_sync(new);
  return null;
end;
$$;


ALTER FUNCTION app.sync_session_calendar() OWNER TO nakksha_owner;

--
-- Name: FUNCTION sync_session_calendar(); Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON FUNCTION app.sync_session_calendar() IS 'Trigger: a session confirmed, moved or cancelled queues the sync of its event on connected calendars.';


--
-- Name: sync_slot_seats(); Type: FUNCTION; Schema: app; Owner: nakksha_owner
--

CREATE FUNCTION app.sync_slot_seats() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_old_holds boolean := tg_op <> 'INSERT' and old.slot_id is not null
    and old.status in ('pending', 'confirmed', 'completed', 'no_show');
  v_new_holds boolean := tg_op <> 'DELETE' and new.slot_id is not null
    and new.status in ('pending', 'confirmed', 'completed', 'no_show');
begin
  if v_old_holds and (not v_new_holds or old.slot_id is distinct from new.slot_id) then
    update app.availability_slots set booked_count = booked_count - 1 where id = old.slot_id;
  end if;
  if v_new_holds and (not v_old_holds or old.slot_id is distinct from new.slot_id) then
    update app.availability_slots set booked_count = booked_count + 1 where id = new.slot_id;
  end if;
  return null;
end;
$$;


ALTER FUNCTION app.sync_slot_seats() OWNER TO nakksha_owner;

--
-- Name: FUNCTION sync_slot_seats(); Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON FUNCTION app.sync_slot_seats() IS 'Trigger: keeps availability_slots.booked_count equal to the seat-holding sessions of the slot.';


--
-- Name: tax_setting(text); Type: FUNCTION; Schema: app; Owner: nakksha_owner
--

CREATE FUNCTION app.tax_setting(p_key text) RETURNS integer
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path TO ''
    AS $$
  -- The admin's value (db/functions/settings.sql checks its range), else the law's as docs/gst.md records it: a
  -- missing row must not silently stop the withholding.
  select coalesce((select (s.value #>> '{}')::integer from app.platform_settings s where s.key = p_key),
                  case p_key when 'service_gst_percent' then 18 when 'tcs_basis_points' then 50
                             when 'tds_basis_points' then 10 when 'tds_no_pan_basis_points' then 500
                             when 'tds_threshold_rupees' then 500000 end)
$$;


ALTER FUNCTION app.tax_setting(p_key text) OWNER TO nakksha_owner;

--
-- Name: FUNCTION tax_setting(p_key text); Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON FUNCTION app.tax_setting(p_key text) IS 'A tax rate or threshold setting (service_gst_percent, tcs_basis_points, tds_basis_points, tds_no_pan_basis_points, tds_threshold_rupees), or the law''s value when the row is missing.';


--
-- Name: total_quotation_items(); Type: FUNCTION; Schema: app; Owner: nakksha_owner
--

CREATE FUNCTION app.total_quotation_items() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
begin
  -- Once per statement, so a whole set of lines written together is summed once: the ₹1 minimum
  -- (quotations_final_amount_payable) judges the new total, never a half-written one. A quotation left with no
  -- line is worth 0 until its next lines arrive (the api functions replace lines in one transaction).
  update app.quotations q set base_amount = coalesce(
    (select sum(i.amount) from app.quotation_items i where i.quotation_id = q.id), 0)
  where q.id in (select distinct c.quotation_id from changed c)
    and q.base_amount is distinct from coalesce(
      (select sum(i.amount) from app.quotation_items i where i.quotation_id = q.id), 0);
  return null;
end;
$$;


ALTER FUNCTION app.total_quotation_items() OWNER TO nakksha_owner;

--
-- Name: FUNCTION total_quotation_items(); Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON FUNCTION app.total_quotation_items() IS 'Trigger (per statement): each changed quotation''s base_amount becomes the sum of its lines.';


--
-- Name: touch_updated_at(); Type: FUNCTION; Schema: app; Owner: nakksha_owner
--

CREATE FUNCTION app.touch_updated_at() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
begin
  new.updated_at := now();
  return new;
end;
$$;


ALTER FUNCTION app.touch_updated_at() OWNER TO nakksha_owner;

--
-- Name: FUNCTION touch_updated_at(); Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON FUNCTION app.touch_updated_at() IS 'Trigger: stamps updated_at.';


--
-- Name: withholding(uuid, uuid, numeric, numeric, timestamp with time zone); Type: FUNCTION; Schema: app; Owner: nakksha_owner
--

CREATE FUNCTION app.withholding(p_consultant_id uuid, p_payment_id uuid, p_amount numeric, p_commission_total numeric, p_at timestamp with time zone, OUT tcs_basis_points integer, OUT tcs numeric, OUT tds_basis_points integer, OUT tds numeric) RETURNS record
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
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
  tcs := app.basis_points_of(round(p_amount * 100 / (100 + v_gst_percent), 2), tcs_basis_points);
  -- TDS (s.194-O) on the gross amount: the no-PAN rate without a PAN (s.206AA); none for a person or HUF with a PAN
  -- whose gross this financial year, this payment included, stays within the threshold (s.194-O(2)). The
  -- consultant's payments are counted one capture at a time (the lock), so two at once cannot both slip under.
  if v_profile.pan_encrypted is null then
    tds_basis_points := app.tax_setting('tds_no_pan_basis_points');
  elsif v_profile.pan_holder_type in ('P', 'H') then
    perform pg_advisory_xact_lock(hashtextextended('nakksha tds ' || p_consultant_id::text, 0));
    select coalesce(sum(t.amount), 0) into v_fy_gross
    from app.payment_transactions t
    where t.consultant_id = p_consultant_id and t.id <> p_payment_id and t.commission is not null
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


ALTER FUNCTION app.withholding(p_consultant_id uuid, p_payment_id uuid, p_amount numeric, p_commission_total numeric, p_at timestamp with time zone, OUT tcs_basis_points integer, OUT tcs numeric, OUT tds_basis_points integer, OUT tds numeric) OWNER TO nakksha_owner;

--
-- Name: FUNCTION withholding(p_consultant_id uuid, p_payment_id uuid, p_amount numeric, p_commission_total numeric, p_at timestamp with time zone, OUT tcs_basis_points integer, OUT tcs numeric, OUT tds_basis_points integer, OUT tds numeric); Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON FUNCTION app.withholding(p_consultant_id uuid, p_payment_id uuid, p_amount numeric, p_commission_total numeric, p_at timestamp with time zone, OUT tcs_basis_points integer, OUT tcs numeric, OUT tds_basis_points integer, OUT tds numeric) IS 'The TCS and TDS the platform withholds from a payment it collected for a consultant, from their tax profile and the rates in force (docs/gst.md §9, §11).';


--
-- Name: abandon_expired_holds(uuid); Type: FUNCTION; Schema: app_private; Owner: nakksha_owner
--

CREATE FUNCTION app_private.abandon_expired_holds(p_consultant_id uuid) RETURNS integer
    LANGUAGE sql
    SET search_path TO ''
    AS $$
  with gone as (
    update app.sessions set status = 'abandoned'
    where status = 'pending' and hold_expires_at <= now()
      and (p_consultant_id is null or consultant_id = p_consultant_id)
    returning 1)
  select count(*)::integer from gone
$$;


ALTER FUNCTION app_private.abandon_expired_holds(p_consultant_id uuid) OWNER TO nakksha_owner;

--
-- Name: FUNCTION abandon_expired_holds(p_consultant_id uuid); Type: COMMENT; Schema: app_private; Owner: nakksha_owner
--

COMMENT ON FUNCTION app_private.abandon_expired_holds(p_consultant_id uuid) IS 'Pending bookings whose hold expired become abandoned (their slot is free again).';


--
-- Name: account_key(text); Type: FUNCTION; Schema: app_private; Owner: nakksha_owner
--

CREATE FUNCTION app_private.account_key(p_account text) RETURNS text
    LANGUAGE sql IMMUTABLE
    SET search_path TO ''
    AS $$
  -- Counters name an account by a hash of its address, never the address: rate_limit_hits then holds nothing an
  -- erasure would have to find (an anonymised client's address typed at the sign-in form stayed there).
  select encode(pg_catalog.sha256(convert_to('account:' || lower(btrim(p_account)), 'UTF8')), 'hex')
$$;


ALTER FUNCTION app_private.account_key(p_account text) OWNER TO nakksha_owner;

--
-- Name: FUNCTION account_key(p_account text); Type: COMMENT; Schema: app_private; Owner: nakksha_owner
--

COMMENT ON FUNCTION app_private.account_key(p_account text) IS 'The hash a rate-limit bucket names an account by (case and spaces folded).';


--
-- Name: acting_admin(text); Type: FUNCTION; Schema: app_private; Owner: nakksha_owner
--

CREATE FUNCTION app_private.acting_admin(p_acting_admin_email text DEFAULT NULL::text) RETURNS uuid
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $$
declare
  v_admin uuid := app.current_admin_id();
begin
  -- Over HTTP the acting admin comes only from the transaction's caller setting, which the app sets from
  -- a verified token; a parameter the app role could forge is never trusted. From psql, members of
  -- nakksha_admin name the admin they act as (or nobody: the audit log then names the database login).
  if v_admin is not null then
    if not exists (select 1 from app.admins a where a.id = v_admin and a.is_active) then
      raise exception using errcode = 'NK403', message = 'admin_inactive', detail = 'The acting admin is not active.';
    end if;
    return v_admin;
  end if;
  if not pg_catalog.pg_has_role(session_user, 'nakksha_admin', 'member') then
    raise exception using errcode = 'NK403', message = 'forbidden', detail = 'Only admins may do this.';
  end if;
  if p_acting_admin_email is null then
    return null;
  end if;
  select a.id into v_admin from app.admins a
  where a.email = lower(btrim(p_acting_admin_email))::public.citext and a.is_active;
  if v_admin is null then
    raise exception using errcode = 'NK404', message = 'admin_not_found',
      detail = 'No active admin with that email.', hint = 'field:acting_admin_email';
  end if;
  return v_admin;
end;
$$;


ALTER FUNCTION app_private.acting_admin(p_acting_admin_email text) OWNER TO nakksha_owner;

--
-- Name: FUNCTION acting_admin(p_acting_admin_email text); Type: COMMENT; Schema: app_private; Owner: nakksha_owner
--

COMMENT ON FUNCTION app_private.acting_admin(p_acting_admin_email text) IS 'The admin a privileged call acts for: the caller setting, else (psql, nakksha_admin members) the named admin or NULL.';


--
-- Name: audit(uuid, text, text, uuid, jsonb); Type: FUNCTION; Schema: app_private; Owner: nakksha_owner
--

CREATE FUNCTION app_private.audit(p_admin_id uuid, p_action text, p_target_type text, p_target_id uuid, p_details jsonb DEFAULT '{}'::jsonb) RETURNS void
    LANGUAGE sql
    SET search_path TO ''
    AS $$
  insert into app.admin_audit_log (admin_id, actor_label, action, target_type, target_id, details)
  values (p_admin_id,
          case when p_admin_id is null then coalesce(nullif(current_setting('app.actor_label', true), ''), 'psql') end,
          p_action, p_target_type, p_target_id, coalesce(p_details, '{}'))
$$;


ALTER FUNCTION app_private.audit(p_admin_id uuid, p_action text, p_target_type text, p_target_id uuid, p_details jsonb) OWNER TO nakksha_owner;

--
-- Name: FUNCTION audit(p_admin_id uuid, p_action text, p_target_type text, p_target_id uuid, p_details jsonb); Type: COMMENT; Schema: app_private; Owner: nakksha_owner
--

COMMENT ON FUNCTION app_private.audit(p_admin_id uuid, p_action text, p_target_type text, p_target_id uuid, p_details jsonb) IS 'Append one admin action to the audit log (the database login is recorded by default).';


--
-- Name: consultants; Type: TABLE; Schema: app; Owner: nakksha_owner
--

CREATE TABLE app.consultants (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    email public.citext NOT NULL,
    password_hash text,
    first_name text NOT NULL,
    last_name text NOT NULL,
    phone_country_code text,
    phone_number text,
    consultancy_sector text,
    bank_name text,
    bank_account_number_encrypted bytea,
    ifsc_code_encrypted bytea,
    personal_session_title text,
    webinar_session_title text,
    description text,
    experience_months integer,
    personal_session_price numeric(10,2) DEFAULT 0 NOT NULL,
    webinar_session_price numeric(10,2) DEFAULT 0 NOT NULL,
    currency text DEFAULT 'INR'::text NOT NULL,
    instagram_url text,
    linkedin_url text,
    twitter_url text,
    profile_photo_url text,
    slug text NOT NULL,
    timezone text DEFAULT 'Asia/Kolkata'::text NOT NULL,
    is_active boolean DEFAULT true NOT NULL,
    is_email_verified boolean DEFAULT false NOT NULL,
    email_verified_at timestamp with time zone,
    subscription_plan text DEFAULT 'free'::text NOT NULL,
    subscription_expires_at timestamp with time zone,
    approval_status text DEFAULT 'pending'::text NOT NULL,
    approved_at timestamp with time zone,
    approved_by uuid,
    rejection_reason text,
    min_notice_minutes integer DEFAULT 120 NOT NULL,
    max_days_ahead integer DEFAULT 60 NOT NULL,
    buffer_minutes integer DEFAULT 0 NOT NULL,
    hold_minutes integer,
    cancellation_policy jsonb DEFAULT '{"refund_ladder": [{"percent": 100, "min_hours_before": 24}, {"percent": 50, "min_hours_before": 2}], "max_reschedules": 2, "client_cutoff_hours": 2}'::jsonb NOT NULL,
    default_meeting_platform text DEFAULT 'zoom'::text NOT NULL,
    zoom_link text,
    meet_link text,
    teams_link text,
    notification_preferences jsonb DEFAULT '{"session_booked": true, "quotation_viewed": true, "session_cancelled": true, "quotation_responded": true, "session_rescheduled": true}'::jsonb NOT NULL,
    last_login_at timestamp with time zone,
    deleted_at timestamp with time zone,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    token_epoch integer DEFAULT 0 NOT NULL,
    published_at timestamp with time zone,
    CONSTRAINT consultants_approval_consistent CHECK (((approval_status <> 'approved'::text) OR (approved_at IS NOT NULL))),
    CONSTRAINT consultants_approval_status_valid CHECK ((approval_status = ANY (ARRAY['pending'::text, 'approved'::text, 'rejected'::text, 'suspended'::text]))),
    CONSTRAINT consultants_buffer_minutes_range CHECK (((buffer_minutes >= 0) AND (buffer_minutes <= 240))),
    CONSTRAINT consultants_cancellation_policy_shape CHECK ((jsonb_typeof(cancellation_policy) = 'object'::text)),
    CONSTRAINT consultants_currency_format CHECK ((currency ~ '^[A-Z]{3}$'::text)),
    CONSTRAINT consultants_default_meeting_platform_valid CHECK ((default_meeting_platform = ANY (ARRAY['zoom'::text, 'meet'::text, 'teams'::text]))),
    CONSTRAINT consultants_email_format CHECK ((((email)::text ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$'::text) AND (length((email)::text) <= 254))),
    CONSTRAINT consultants_email_lowercase CHECK (((email)::text = lower((email)::text))),
    CONSTRAINT consultants_experience_months_range CHECK (((experience_months >= 0) AND (experience_months <= 1200))),
    CONSTRAINT consultants_first_name_length CHECK (((length(btrim(first_name)) >= 1) AND (length(btrim(first_name)) <= 100))),
    CONSTRAINT consultants_hold_minutes_range CHECK (((hold_minutes >= 5) AND (hold_minutes <= 120))),
    CONSTRAINT consultants_last_name_length CHECK (((length(btrim(last_name)) >= 1) AND (length(btrim(last_name)) <= 100))),
    CONSTRAINT consultants_max_days_ahead_range CHECK (((max_days_ahead >= 1) AND (max_days_ahead <= 365))),
    CONSTRAINT consultants_min_notice_minutes_range CHECK (((min_notice_minutes >= 0) AND (min_notice_minutes <= 43200))),
    CONSTRAINT consultants_notification_preferences_shape CHECK ((jsonb_typeof(notification_preferences) = 'object'::text)),
    CONSTRAINT consultants_personal_session_price_range CHECK ((personal_session_price >= (0)::numeric)),
    CONSTRAINT consultants_phone_country_code_format CHECK ((phone_country_code ~ '^\+[1-9][0-9]{0,3}$'::text)),
    CONSTRAINT consultants_phone_number_format CHECK ((phone_number ~ '^[0-9]{6,14}$'::text)),
    CONSTRAINT consultants_published_only_when_approved_once CHECK (((published_at IS NULL) OR (approved_at IS NOT NULL))),
    CONSTRAINT consultants_rejection_reason_present CHECK (((approval_status <> 'rejected'::text) OR (rejection_reason IS NOT NULL))),
    CONSTRAINT consultants_slug_format CHECK (((slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'::text) AND ((length(slug) >= 3) AND (length(slug) <= 60)))),
    CONSTRAINT consultants_slug_not_deleted_prefix CHECK (((slug !~ '^deleted-'::text) OR (deleted_at IS NOT NULL))),
    CONSTRAINT consultants_slug_not_reserved CHECK ((slug <> ALL (ARRAY['admin'::text, 'api'::text, 'auth'::text, 'dashboard'::text, 'pricing'::text, 'healthz'::text, 'readyz'::text, 'dev'::text, 'static'::text, 'media'::text, 'booking'::text, 'q'::text, 'docs'::text, 'login'::text, 'logout'::text, 'signup'::text, 'register'::text, 'settings'::text, 'help'::text, 'support'::text, 'about'::text, 'terms'::text, 'privacy'::text, 'contact'::text, 'blog'::text, 'favicon.ico'::text, 'robots.txt'::text, 'sitemap.xml'::text, 'www'::text, 'nakksha'::text, 'integrations'::text]))),
    CONSTRAINT consultants_timezone_valid CHECK (app.is_valid_timezone(timezone)),
    CONSTRAINT consultants_url_format CHECK (((COALESCE(instagram_url, 'https://x'::text) ~ '^https?://'::text) AND (COALESCE(linkedin_url, 'https://x'::text) ~ '^https?://'::text) AND (COALESCE(twitter_url, 'https://x'::text) ~ '^https?://'::text) AND (COALESCE(profile_photo_url, '/x'::text) ~ '^(https?://|/)'::text) AND (COALESCE(zoom_link, 'https://x'::text) ~ '^https://'::text) AND (COALESCE(meet_link, 'https://x'::text) ~ '^https://'::text) AND (COALESCE(teams_link, 'https://x'::text) ~ '^https://'::text))),
    CONSTRAINT consultants_webinar_session_price_range CHECK ((webinar_session_price >= (0)::numeric))
);


ALTER TABLE app.consultants OWNER TO nakksha_owner;

--
-- Name: TABLE consultants; Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON TABLE app.consultants IS 'Consultants: identity, public profile, approval state, booking policy and settings. The tenant root.';


--
-- Name: COLUMN consultants.approval_status; Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON COLUMN app.consultants.approval_status IS 'pending until an admin approves; only approved consultants see dashboard data and are published.';


--
-- Name: COLUMN consultants.token_epoch; Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON COLUMN app.consultants.token_epoch IS 'Access tokens carrying another epoch are refused; moved on by logout-all, password change and reset, deletion.';


--
-- Name: COLUMN consultants.published_at; Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON COLUMN app.consultants.published_at IS 'When the consultant published their page (NULL: not public). Set by api.publish_my_page once the setup checklist is complete, cleared by api.unpublish_my_page.';


--
-- Name: bookable_slot(app.consultants, uuid, text, boolean); Type: FUNCTION; Schema: app_private; Owner: nakksha_owner
--

CREATE FUNCTION app_private.bookable_slot(p_c app.consultants, p_slot_id uuid, p_session_type text, p_lock boolean) RETURNS app.availability_slots
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_slot app.availability_slots;
begin
  if p_lock then
    select * into v_slot from app.availability_slots where id = p_slot_id and consultant_id = p_c.id for update;
  else
    select * into v_slot from app.availability_slots where id = p_slot_id and consultant_id = p_c.id;
  end if;
  if v_slot.id is null then
    raise exception using errcode = 'NK404', message = 'slot_not_found', detail = 'No such slot.', hint = 'field:slot_id';
  end if;
  if v_slot.session_type <> p_session_type then
    raise exception using errcode = 'NK422', message = 'session_type_mismatch',
      detail = format('That slot is for a %s session.', v_slot.session_type), hint = 'field:session_type';
  end if;
  if not app_private.slot_is_free(p_c, v_slot, null) then
    raise exception using errcode = 'NK409',
      message = case when v_slot.session_type = 'webinar' and v_slot.booked_count >= v_slot.capacity then 'slot_full'
                     else 'slot_taken' end,
      detail = 'That time is no longer available; please pick another.', hint = 'field:slot_id';
  end if;
  return v_slot;
end;
$$;


ALTER FUNCTION app_private.bookable_slot(p_c app.consultants, p_slot_id uuid, p_session_type text, p_lock boolean) OWNER TO nakksha_owner;

--
-- Name: FUNCTION bookable_slot(p_c app.consultants, p_slot_id uuid, p_session_type text, p_lock boolean); Type: COMMENT; Schema: app_private; Owner: nakksha_owner
--

COMMENT ON FUNCTION app_private.bookable_slot(p_c app.consultants, p_slot_id uuid, p_session_type text, p_lock boolean) IS 'The consultant''s slot if it can be booked now with this session type (optionally locked), else NK404/NK422/NK409.';


--
-- Name: booking_json(app.sessions); Type: FUNCTION; Schema: app_private; Owner: nakksha_owner
--

CREATE FUNCTION app_private.booking_json(p_s app.sessions) RETURNS jsonb
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  -- Only what the visitor gave or booked: nothing of the consultant's other dealings with the address (a
  -- "repeat client" flag here told any stranger, for the price of a throwaway hold, who is already a client).
  select jsonb_build_object('session_id', p_s.id, 'status', p_s.status, 'payment_status', p_s.payment_status,
    'session_type', p_s.session_type, 'title', p_s.title, 'starts_at', p_s.starts_at, 'ends_at', p_s.ends_at,
    'duration_minutes', p_s.duration_minutes, 'hold_expires_at', case when p_s.status = 'pending' then p_s.hold_expires_at end,
    'amount', api.money(p_s.amount), 'currency', p_s.currency,
    'reschedule_count', p_s.reschedule_count, 'meeting_link', case when p_s.status = 'confirmed' then p_s.meeting_link end,
    'consultant', (select jsonb_build_object('slug', c.slug, 'first_name', c.first_name, 'last_name', c.last_name,
                     'timezone', c.timezone) from app.consultants c where c.id = p_s.consultant_id),
    -- Who booked, as they typed it (a public booking never renames the client record); else the record.
    'client', (select jsonb_build_object('name', coalesce(p_s.client_name, cl.name), 'email', coalesce(p_s.client_email, cl.email)::text)
               from app.clients cl where cl.id = p_s.client_id),
    -- Whether Checkout may still take the money: a pending booking whose hold lasts, its order unpaid. Decided
    -- here, where the hold is kept; the app only builds Checkout's options when this says so. (A replayed
    -- Idempotency-Key answers the first answer, this flag as it was then.)
    'payable', p_s.status = 'pending' and p_s.hold_expires_at > now()
               and coalesce((select t.status in ('pending', 'failed') from app.payment_transactions t
                             where t.session_id = p_s.id and not coalesce((t.metadata->>'duplicate')::boolean, false)
                             order by t.created_at limit 1), false),
    -- The order to pay (Checkout needs its id and the amount in paise), or what became of the payment.
    'payment', (select jsonb_build_object('transaction_id', t.id, 'status', t.status, 'gateway', t.gateway,
                  'order_id', t.gateway_order_id, 'amount', api.money(t.amount), 'amount_paise', (t.amount * 100)::bigint,
                  'currency', t.currency, 'amount_refunded', api.money(t.amount_refunded), 'failure_reason', t.failure_reason)
                from app.payment_transactions t
                where t.session_id = p_s.id and not coalesce((t.metadata->>'duplicate')::boolean, false)
                order by t.created_at limit 1))
$$;


ALTER FUNCTION app_private.booking_json(p_s app.sessions) OWNER TO nakksha_owner;

--
-- Name: FUNCTION booking_json(p_s app.sessions); Type: COMMENT; Schema: app_private; Owner: nakksha_owner
--

COMMENT ON FUNCTION app_private.booking_json(p_s app.sessions) IS 'A booking as its client sees it (with its payment): the public booking answer, the manage link, payment verification; nothing about the consultant''s other dealings with the email.';


--
-- Name: calendar_event_key(app.sessions); Type: FUNCTION; Schema: app_private; Owner: nakksha_owner
--

CREATE FUNCTION app_private.calendar_event_key(p_s app.sessions) RETURNS text
    LANGUAGE sql IMMUTABLE
    SET search_path TO ''
    AS $$
  -- Webinar seats share their slot's one event (and meeting); anything else has its own.
  select case when p_s.session_type = 'webinar' and p_s.slot_id is not null then 'w:' || p_s.slot_id
              else 's:' || p_s.id end
$$;


ALTER FUNCTION app_private.calendar_event_key(p_s app.sessions) OWNER TO nakksha_owner;

--
-- Name: FUNCTION calendar_event_key(p_s app.sessions); Type: COMMENT; Schema: app_private; Owner: nakksha_owner
--

COMMENT ON FUNCTION app_private.calendar_event_key(p_s app.sessions) IS 'The calendar event a session belongs on: s:<session> or, for a webinar seat, w:<slot>.';


--
-- Name: caller_consultant(); Type: FUNCTION; Schema: app_private; Owner: nakksha_owner
--

CREATE FUNCTION app_private.caller_consultant() RETURNS app.consultants
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $$
declare
  v_c app.consultants;
begin
  select * into v_c from app.consultants where id = app.current_consultant_id() and deleted_at is null;
  if v_c.id is null then
    raise exception using errcode = 'NK401', message = 'unauthorized', detail = 'Log in first.';
  end if;
  return v_c;
end;
$$;


ALTER FUNCTION app_private.caller_consultant() OWNER TO nakksha_owner;

--
-- Name: FUNCTION caller_consultant(); Type: COMMENT; Schema: app_private; Owner: nakksha_owner
--

COMMENT ON FUNCTION app_private.caller_consultant() IS 'The calling consultant''s row, or NK401.';


--
-- Name: caller_session(uuid); Type: FUNCTION; Schema: app_private; Owner: nakksha_owner
--

CREATE FUNCTION app_private.caller_session(p_session_id uuid) RETURNS app.sessions
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_consultant uuid := api.require_approved();
  v_s app.sessions;
begin
  select * into v_s from app.sessions where id = p_session_id and consultant_id = v_consultant for update;
  if v_s.id is null then
    raise exception using errcode = 'NK404', message = 'not_found', detail = 'No such session.';
  end if;
  return v_s;
end;
$$;


ALTER FUNCTION app_private.caller_session(p_session_id uuid) OWNER TO nakksha_owner;

--
-- Name: FUNCTION caller_session(p_session_id uuid); Type: COMMENT; Schema: app_private; Owner: nakksha_owner
--

COMMENT ON FUNCTION app_private.caller_session(p_session_id uuid) IS 'One of the approved caller''s sessions, locked, or NK404.';


--
-- Name: cancel_for_client(app.sessions, text, text, text, text); Type: FUNCTION; Schema: app_private; Owner: nakksha_owner
--

CREATE FUNCTION app_private.cancel_for_client(p_s app.sessions, p_by text, p_reason text, p_default_reason text, p_refund_initiated_by text) RETURNS app.sessions
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_s app.sessions;
  v_refund numeric(10, 2);
begin
  -- The one way a session is called off on the client's behalf (by the consultant, or by an admin suspending
  -- them): cancelled, everything the client paid refunded (the refund job sends it back), the client told.
  update app.sessions set status = 'cancelled', cancelled_by = p_by, cancellation_reason = nullif(btrim(p_reason), '')
  where id = p_s.id returning * into v_s;
  v_refund := app_private.refund_for_cancellation(v_s, 100, coalesce(nullif(btrim(p_reason), ''), p_default_reason),
                                                  p_refund_initiated_by);
  perform app_private.queue_session_emails(v_s, 'cancelled_for_client', jsonb_build_object('refund_amount', v_refund::text));
  select * into v_s from app.sessions where id = v_s.id;
  return v_s;
end;
$$;


ALTER FUNCTION app_private.cancel_for_client(p_s app.sessions, p_by text, p_reason text, p_default_reason text, p_refund_initiated_by text) OWNER TO nakksha_owner;

--
-- Name: FUNCTION cancel_for_client(p_s app.sessions, p_by text, p_reason text, p_default_reason text, p_refund_initiated_by text); Type: COMMENT; Schema: app_private; Owner: nakksha_owner
--

COMMENT ON FUNCTION app_private.cancel_for_client(p_s app.sessions, p_by text, p_reason text, p_default_reason text, p_refund_initiated_by text) IS 'Cancel a session the client did not call off: full refund through the refund job, the client emailed.';


--
-- Name: cancel_queued_jobs(text); Type: FUNCTION; Schema: app_private; Owner: nakksha_owner
--

CREATE FUNCTION app_private.cancel_queued_jobs(p_queueing_lock text) RETURNS integer
    LANGUAGE sql
    SET search_path TO 'public', 'pg_temp'
    AS $$
  -- Jobs still waiting under this queueing lock are cancelled (kept, with status cancelled, as a trail);
  -- one already running is left to finish, and re-checks what it does at run time.
  select count(public.procrastinate_cancel_job_v1(j.id, false, false))::integer
  from public.procrastinate_jobs j where j.queueing_lock = p_queueing_lock and j.status = 'todo'
$$;


ALTER FUNCTION app_private.cancel_queued_jobs(p_queueing_lock text) OWNER TO nakksha_owner;

--
-- Name: FUNCTION cancel_queued_jobs(p_queueing_lock text); Type: COMMENT; Schema: app_private; Owner: nakksha_owner
--

COMMENT ON FUNCTION app_private.cancel_queued_jobs(p_queueing_lock text) IS 'Cancel the waiting jobs that hold a queueing lock (a moved or cancelled reminder).';


--
-- Name: cancellation_refund_due(app.sessions, integer); Type: FUNCTION; Schema: app_private; Owner: nakksha_owner
--

CREATE FUNCTION app_private.cancellation_refund_due(p_s app.sessions, p_percent integer) RETURNS numeric
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  -- The one rule for what a cancellation gives back: the percentage of what the session's payment was, never
  -- more than is still refundable (an earlier partial refund counts), 0 when nothing was paid. The manage
  -- page's promise and the refund itself both come from here.
  select coalesce((
    select least(round(t.amount * p_percent / 100, 2), app_private.refundable(t.id))
    from app.payment_transactions t
    where t.session_id = p_s.id and t.status in ('completed', 'partially_refunded')
      and not coalesce((t.metadata->>'duplicate')::boolean, false)
    order by t.paid_at limit 1), 0)
$$;


ALTER FUNCTION app_private.cancellation_refund_due(p_s app.sessions, p_percent integer) OWNER TO nakksha_owner;

--
-- Name: FUNCTION cancellation_refund_due(p_s app.sessions, p_percent integer); Type: COMMENT; Schema: app_private; Owner: nakksha_owner
--

COMMENT ON FUNCTION app_private.cancellation_refund_due(p_s app.sessions, p_percent integer) IS 'What cancelling a session gives back now: its payment times the percentage, capped at what is still refundable.';


--
-- Name: check_booking_limits(app.consultants, text, bytea, boolean); Type: FUNCTION; Schema: app_private; Owner: nakksha_owner
--

CREATE FUNCTION app_private.check_booking_limits(p_c app.consultants, p_email text, p_ip_hash bytea, p_free boolean) RETURNS void
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_wait integer;
begin
  -- Before a gateway order is made (the quote): the open holds, the booking mails the address already
  -- received today (a free booking mails at once), then this attempt counts against the hourly limits per
  -- address and per email across all pages. Each counter is one upsert, so racing requests serialise on it
  -- and never pass the limit; a refused attempt rolls back and counts nothing.
  if not p_free then
    perform app_private.check_unpaid_holds(p_c, p_email, p_ip_hash);
  else
    v_wait := app_private.counter_wait(app_private.recipient_mail_bucket(p_email),
                                       'booking_emails_per_recipient_per_day', 86400);
    if v_wait > 0 then
      perform app_private.too_many('rate_limited',
        'This email address has received the most booking emails allowed today; try again tomorrow.', v_wait);
    end if;
  end if;
  if p_ip_hash is not null then
    v_wait := api.hit_rate_limit('public_booking:ip:' || encode(p_ip_hash, 'hex'), 30, 3600,
                                 'public_bookings_per_ip_per_hour');
    if v_wait > 0 then
      perform app_private.too_many('rate_limited', 'Too many bookings from your network; please try again later.', v_wait);
    end if;
  end if;
  v_wait := api.hit_rate_limit('public_booking:email:' || app.mailbox_key(p_email), 10, 3600,
                               'public_bookings_per_email_per_hour');
  if v_wait > 0 then
    perform app_private.too_many('rate_limited', 'Too many bookings for this email address; please try again later.', v_wait);
  end if;
end;
$$;


ALTER FUNCTION app_private.check_booking_limits(p_c app.consultants, p_email text, p_ip_hash bytea, p_free boolean) OWNER TO nakksha_owner;

--
-- Name: FUNCTION check_booking_limits(p_c app.consultants, p_email text, p_ip_hash bytea, p_free boolean); Type: COMMENT; Schema: app_private; Owner: nakksha_owner
--

COMMENT ON FUNCTION app_private.check_booking_limits(p_c app.consultants, p_email text, p_ip_hash bytea, p_free boolean) IS 'The limits a public booking meets before its gateway order: open holds or today''s booking mails to the address, then one hit on the hourly per-address and per-email counters (NK429 with Retry-After).';


--
-- Name: check_session_start(timestamp with time zone); Type: FUNCTION; Schema: app_private; Owner: nakksha_owner
--

CREATE FUNCTION app_private.check_session_start(p_starts_at timestamp with time zone) RETURNS void
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $$
begin
  -- A consultant books or moves a session into the future (10 minutes' grace, for one entered as it starts)
  -- and at most 2 years ahead: a date in 2020 or 2200 is a typing slip, and the client would be mailed about it.
  if p_starts_at < now() - interval '10 minutes' then
    raise exception using errcode = 'NK422', message = 'session_in_past', hint = 'field:starts_at',
      detail = 'Choose a time from now on: a session cannot start in the past.';
  end if;
  if p_starts_at > now() + interval '2 years' then
    raise exception using errcode = 'NK422', message = 'session_too_far_ahead', hint = 'field:starts_at',
      detail = 'Choose a time within the next 2 years.';
  end if;
end;
$$;


ALTER FUNCTION app_private.check_session_start(p_starts_at timestamp with time zone) OWNER TO nakksha_owner;

--
-- Name: FUNCTION check_session_start(p_starts_at timestamp with time zone); Type: COMMENT; Schema: app_private; Owner: nakksha_owner
--

COMMENT ON FUNCTION app_private.check_session_start(p_starts_at timestamp with time zone) IS 'A consultant''s session (booked or moved) starts from 10 minutes ago up to 2 years ahead: NK422 session_in_past / session_too_far_ahead, field starts_at.';


--
-- Name: check_setting(text, jsonb); Type: FUNCTION; Schema: app_private; Owner: nakksha_owner
--

CREATE FUNCTION app_private.check_setting(p_key text, p_value jsonb) RETURNS void
    LANGUAGE plpgsql IMMUTABLE
    SET search_path TO ''
    AS $_$
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
$_$;


ALTER FUNCTION app_private.check_setting(p_key text, p_value jsonb) OWNER TO nakksha_owner;

--
-- Name: FUNCTION check_setting(p_key text, p_value jsonb); Type: COMMENT; Schema: app_private; Owner: nakksha_owner
--

COMMENT ON FUNCTION app_private.check_setting(p_key text, p_value jsonb) IS 'Refuse an unknown platform setting or a value of the wrong type or range.';


--
-- Name: check_slot_budget(uuid, text); Type: FUNCTION; Schema: app_private; Owner: nakksha_owner
--

CREATE FUNCTION app_private.check_slot_budget(p_consultant_id uuid, p_field text) RETURNS void
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_cap constant integer := app_private.setting_integer('max_future_slots');
  v_budget integer;
begin
  -- Under the slot lock, so two rule edits racing each other cannot both pass with the other's slots unseen.
  perform app_private.lock_consultant_slots(p_consultant_id);
  v_budget := app_private.slot_budget(p_consultant_id);
  if v_budget > v_cap then
    raise exception using errcode = 'NK422', message = 'too_many_slots', hint = 'field:' || p_field,
      detail = format('This would offer %s future slots; the limit is %s. Use longer slots, fewer hours or days, '
                      'or a nearer booking horizon.', v_budget, v_cap);
  end if;
end;
$$;


ALTER FUNCTION app_private.check_slot_budget(p_consultant_id uuid, p_field text) OWNER TO nakksha_owner;

--
-- Name: FUNCTION check_slot_budget(p_consultant_id uuid, p_field text); Type: COMMENT; Schema: app_private; Owner: nakksha_owner
--

COMMENT ON FUNCTION app_private.check_slot_budget(p_consultant_id uuid, p_field text) IS 'Refuse (NK422 too_many_slots, naming the field) what would take a consultant over max_future_slots.';


--
-- Name: check_unpaid_holds(app.consultants, text, bytea); Type: FUNCTION; Schema: app_private; Owner: nakksha_owner
--

CREATE FUNCTION app_private.check_unpaid_holds(p_c app.consultants, p_email text, p_ip_hash bytea) RETURNS void
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $$
declare
  v_count integer;
  v_first timestamptz;
begin
  -- A mailbox (however its address is spelled: app.mailbox_key) and an address may each keep only so many unpaid
  -- holds open on one consultant's page. Exact when called under the consultant's booking lock (book_slot); the
  -- answer says when the first of those holds runs out. Both are index probes (clients_consultant_mailbox_idx,
  -- then the clients' sessions; sessions_pending_ip_idx): never a look at every open hold of the page, which
  -- under the lock made each booking cost as much as the holds already open (issue 20: 160 open holds, 60 ms).
  if p_email is not null then
    select count(*), min(s.hold_expires_at) into v_count, v_first
    from app.clients cl join app.sessions s on s.consultant_id = cl.consultant_id and s.client_id = cl.id
    where cl.consultant_id = p_c.id and app.mailbox_key(cl.email::text) = app.mailbox_key(p_email)
      and s.status = 'pending' and s.hold_expires_at > now();
    if v_count >= app_private.setting_integer('unpaid_holds_per_email') then
      perform app_private.too_many('too_many_holds',
        'This email already holds unpaid bookings here; pay for one or wait until a hold runs out.',
        extract(epoch from v_first - now()));
    end if;
  end if;
  if p_ip_hash is not null then
    select count(*), min(s.hold_expires_at) into v_count, v_first from app.sessions s
    where s.consultant_id = p_c.id and s.client_ip_hash = p_ip_hash and s.status = 'pending'
      and s.hold_expires_at > now();
    if v_count >= app_private.setting_integer('unpaid_holds_per_ip') then
      perform app_private.too_many('too_many_holds',
        'Too many unpaid bookings from your network are held here; pay for one or wait until a hold runs out.',
        extract(epoch from v_first - now()));
    end if;
  end if;
end;
$$;


ALTER FUNCTION app_private.check_unpaid_holds(p_c app.consultants, p_email text, p_ip_hash bytea) OWNER TO nakksha_owner;

--
-- Name: FUNCTION check_unpaid_holds(p_c app.consultants, p_email text, p_ip_hash bytea); Type: COMMENT; Schema: app_private; Owner: nakksha_owner
--

COMMENT ON FUNCTION app_private.check_unpaid_holds(p_c app.consultants, p_email text, p_ip_hash bytea) IS 'NK429 too_many_holds when the client or the address already keeps the most unpaid holds allowed on this consultant''s page.';


--
-- Name: claim_idempotency_key(uuid, text, text, bytea); Type: FUNCTION; Schema: app_private; Owner: nakksha_owner
--

CREATE FUNCTION app_private.claim_idempotency_key(p_consultant_id uuid, p_scope text, p_key text, p_request_sha256 bytea) RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_k app.idempotency_keys;
begin
  -- Keys belong to one consultant's page and one operation. A new key is claimed by this request (NULL is
  -- returned) before anything is asked of the gateway; so is a key past its 24 hours (it counts as absent) and
  -- a claim left unanswered for a minute (its request died before booking: nothing was booked under it).
  insert into app.idempotency_keys as k (consultant_id, scope, key, request_sha256)
  values (p_consultant_id, p_scope, p_key, p_request_sha256)
  on conflict (consultant_id, scope, key) do update
    set request_sha256 = excluded.request_sha256, response = null, status_code = null, manage_link_encrypted = null,
        created_at = now(), claimed_at = now()
    where k.created_at <= now() - interval '24 hours'
       or (k.response is null and k.claimed_at <= now() - interval '1 minute')
  returning * into v_k;
  if found then
    return null;
  end if;
  select * into v_k from app.idempotency_keys k
  where k.consultant_id = p_consultant_id and k.scope = p_scope and k.key = p_key;
  return app_private.idempotent_replay(v_k, p_request_sha256);
end;
$$;


ALTER FUNCTION app_private.claim_idempotency_key(p_consultant_id uuid, p_scope text, p_key text, p_request_sha256 bytea) OWNER TO nakksha_owner;

--
-- Name: FUNCTION claim_idempotency_key(p_consultant_id uuid, p_scope text, p_key text, p_request_sha256 bytea); Type: COMMENT; Schema: app_private; Owner: nakksha_owner
--

COMMENT ON FUNCTION app_private.claim_idempotency_key(p_consultant_id uuid, p_scope text, p_key text, p_request_sha256 bytea) IS 'Claim an Idempotency-Key for this request (NULL), or the replay of its answer; NK422 when it was used for another request, NK409 while its first request runs.';


--
-- Name: client_linked_tables(); Type: FUNCTION; Schema: app_private; Owner: nakksha_owner
--

CREATE FUNCTION app_private.client_linked_tables() RETURNS TABLE(rel regclass, personal_columns text[])
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $_$
  -- Tables with rows about one client (consultant_id and client_id), and their client_* columns holding the
  -- client's name or address as it was given on that row (booking-time details, a quotation's addressee).
  select c.oid::regclass,
         array(select a.attname::text from pg_catalog.pg_attribute a
               where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
                 and a.attname ~ '^client_.*(name|email)$'
                 and a.atttypid in ('text'::regtype, 'character varying'::regtype, 'public.citext'::regtype))
  from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
  where n.nspname = 'app' and c.relkind in ('r', 'p') and c.relname <> 'clients'
    and exists (select 1 from pg_catalog.pg_attribute a where a.attrelid = c.oid and a.attname = 'client_id' and not a.attisdropped)
    and exists (select 1 from pg_catalog.pg_attribute a where a.attrelid = c.oid and a.attname = 'consultant_id' and not a.attisdropped)
  order by c.relname
$_$;


ALTER FUNCTION app_private.client_linked_tables() OWNER TO nakksha_owner;

--
-- Name: FUNCTION client_linked_tables(); Type: COMMENT; Schema: app_private; Owner: nakksha_owner
--

COMMENT ON FUNCTION app_private.client_linked_tables() IS 'The app tables whose rows are about one client, with their client_* name and email columns.';


--
-- Name: confirm_payment(text, text, text, bigint, text, text); Type: FUNCTION; Schema: app_private; Owner: nakksha_owner
--

CREATE FUNCTION app_private.confirm_payment(p_gateway text, p_order_id text, p_payment_id text, p_amount_paise bigint, p_method text, p_source text) RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_t app.payment_transactions;
  v_s app.sessions;
  v_dup app.payment_transactions;
  v_outcome text;
  v_free boolean;
  v_quotation_paid timestamptz;
begin
  select * into v_t from app.payment_transactions where gateway = p_gateway and gateway_order_id = p_order_id;
  if v_t.id is null then
    raise exception using errcode = 'NK404', message = 'order_not_found', detail = 'No such order.';
  end if;
  -- Session first, then the payment (see the top of this file). Verify, webhook and reconciliation all
  -- come through here; the second to arrive waits on these locks and then finds the work done.
  select * into v_s from app.sessions where id = v_t.session_id for update;
  select * into v_t from app.payment_transactions where id = v_t.id for update;

  if p_payment_id is null or p_amount_paise is null then
    raise exception using errcode = 'NK422', message = 'amount_mismatch',
      detail = 'A captured payment needs its id and amount.';
  end if;
  if v_t.gateway_payment_id = p_payment_id then
    return jsonb_build_object('outcome', 'already_confirmed', 'transaction_id', v_t.id, 'session_id', v_s.id,
                              'quotation_id', v_t.quotation_id);
  end if;
  if (v_t.amount * 100)::bigint is distinct from p_amount_paise then
    raise exception using errcode = 'NK422', message = 'amount_mismatch',
      detail = format('Payment of %s paise for an order of %s paise.', p_amount_paise, (v_t.amount * 100)::bigint);
  end if;

  if v_t.status in ('completed', 'partially_refunded', 'refunded') then
    -- A second captured payment on one order: keep it as its own record, and give it back in full.
    insert into app.payment_transactions (consultant_id, purpose, session_id, quotation_id, client_id, amount, currency,
      gateway, gateway_payment_id, payment_method, status, paid_at, metadata)
    values (v_t.consultant_id, v_t.purpose, v_t.session_id, v_t.quotation_id, v_t.client_id, v_t.amount, v_t.currency,
      v_t.gateway, p_payment_id, p_method, 'completed', now(),
      jsonb_build_object('duplicate', true, 'duplicate_of', v_t.id, 'order_id', p_order_id, 'source', p_source))
    on conflict (gateway, gateway_payment_id) do nothing
    returning * into v_dup;
    if v_dup.id is null then
      return jsonb_build_object('outcome', 'already_refunding', 'transaction_id', v_t.id, 'session_id', v_s.id);
    end if;
    perform app_private.create_refund(v_dup.id, v_dup.amount, 'Duplicate payment for one order', 'system');
    return jsonb_build_object('outcome', 'duplicate_refunded', 'transaction_id', v_dup.id, 'session_id', v_s.id);
  end if;

  if v_t.quotation_id is not null then
    -- Locked after the payment (accept only ever inserts payments, so no cycle): two orders of one accepted
    -- quotation (an order given up, then a fresh one) both paid must not both count.
    select paid_at into v_quotation_paid from app.quotations where id = v_t.quotation_id for update;
  end if;

  -- The money is ours now, whatever happens to the session.
  update app.payment_transactions set status = 'completed', gateway_payment_id = p_payment_id,
    payment_method = p_method, failure_reason = null,
    metadata = metadata || jsonb_build_object('confirmed_by', p_source)
  where id = v_t.id returning * into v_t;

  if v_t.session_id is null then
    if v_quotation_paid is not null then
      -- Paid already through another order: this one is a duplicate, given back in full.
      update app.payment_transactions set metadata = metadata || '{"duplicate": true}' where id = v_t.id
      returning * into v_t;
      perform app_private.create_refund(v_t.id, v_t.amount, 'Quotation already paid', 'system');
      return jsonb_build_object('outcome', 'duplicate_refunded', 'transaction_id', v_t.id,
                                'quotation_id', v_t.quotation_id);
    end if;
    -- An accepted quotation's payment: it is paid (the acceptance already holds; nothing to give back).
    update app.quotations set paid_at = coalesce(paid_at, now()) where id = v_t.quotation_id;
    return jsonb_build_object('outcome', 'confirmed', 'transaction_id', v_t.id, 'quotation_id', v_t.quotation_id);
  end if;

  if v_s.status = 'pending' then
    -- Still held (even past its hold: nobody has taken the time, or the hold would have been abandoned).
    v_free := true;
  elsif v_s.status = 'abandoned' then
    -- Paid after the hold lapsed: honoured if its slot is still free, by the one definition the slot list and
    -- booking use (app_private.slot_is_free: notice, horizon, blocks, calendars, seats, occupancy). The exclusion
    -- constraint and the seat trigger still judge the update below; a refusal rolls back only this attempt.
    -- (A public booking always has its slot; none left means the consultant deleted it: not offered any more.)
    -- The slot must still be at the session's time (an abandoned booking holds no seat, so its slot may have
    -- been moved meanwhile), and other lapsed holds give their time back first, as at booking.
    perform app_private.abandon_expired_holds(v_s.consultant_id);
    v_free := exists (select 1 from app.availability_slots a
                      where a.id = v_s.slot_id and a.starts_at = v_s.starts_at and a.ends_at = v_s.ends_at)
      and app_private.slot_is_free((select c from app.consultants c where c.id = v_s.consultant_id),
                                   (select a from app.availability_slots a where a.id = v_s.slot_id), v_s.id);
  else
    v_free := false;  -- cancelled (by the client or the consultant) while the payment was in flight
  end if;

  if v_free then
    begin
      update app.sessions set status = 'confirmed', payment_status = 'paid', payment_method = p_method
      where id = v_s.id returning * into v_s;
    exception when exclusion_violation or check_violation then
      v_free := false;
    end;
  end if;

  if v_free then
    perform app_private.queue_session_emails(v_s, 'confirmed');
    v_outcome := 'confirmed';
  else
    -- Nothing to give for the money: cancel (if it is not already) and send all of it back. A session that
    -- is live on another payment keeps its status, and this payment counts as a duplicate for it.
    if v_s.status not in ('pending', 'abandoned', 'cancelled') then
      update app.payment_transactions set metadata = metadata || '{"duplicate": true}' where id = v_t.id
      returning * into v_t;
    end if;
    update app.sessions set payment_status = 'paid', payment_method = p_method,
      status = case when status in ('pending', 'abandoned') then 'cancelled' else status end,
      cancelled_by = case when status in ('pending', 'abandoned') then 'system' else cancelled_by end,
      cancellation_reason = case when status in ('pending', 'abandoned')
        then 'The time was taken before the payment arrived' else cancellation_reason end
    where id = v_s.id returning * into v_s;
    perform app_private.create_refund(v_t.id, v_t.amount,
      case when v_s.cancelled_by = 'system' then 'Paid after the hold expired and the time was taken'
           else 'Paid for a cancelled booking' end, 'system');
    perform app_private.queue_session_emails(v_s, 'cancelled_for_client',
      jsonb_build_object('refund_amount', v_t.amount::text));
    v_outcome := 'refunding';
  end if;
  return jsonb_build_object('outcome', v_outcome, 'transaction_id', v_t.id, 'session_id', v_s.id);
end;
$$;


ALTER FUNCTION app_private.confirm_payment(p_gateway text, p_order_id text, p_payment_id text, p_amount_paise bigint, p_method text, p_source text) OWNER TO nakksha_owner;

--
-- Name: FUNCTION confirm_payment(p_gateway text, p_order_id text, p_payment_id text, p_amount_paise bigint, p_method text, p_source text); Type: COMMENT; Schema: app_private; Owner: nakksha_owner
--

COMMENT ON FUNCTION app_private.confirm_payment(p_gateway text, p_order_id text, p_payment_id text, p_amount_paise bigint, p_method text, p_source text) IS 'A captured payment: payment completed, session confirmed and mails queued, or (time taken, booking cancelled) refunded in full. Idempotent.';


--
-- Name: count_hit(text, integer, integer); Type: FUNCTION; Schema: app_private; Owner: nakksha_owner
--

CREATE FUNCTION app_private.count_hit(p_bucket text, p_limit integer, p_window_seconds integer) RETURNS integer
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_window timestamptz := to_timestamp(floor(extract(epoch from now()) / p_window_seconds) * p_window_seconds);
  v_hits integer;
begin
  -- One upsert: concurrent requests from several processes serialise on the counter row, so the limit
  -- is exact. Returns 0 when allowed, else the seconds until the window ends (for Retry-After).
  insert into app.rate_limit_hits as h (bucket, window_start, hits) values (p_bucket, v_window, 1)
  on conflict (bucket, window_start) do update set hits = h.hits + 1
  returning h.hits into v_hits;
  if v_hits <= p_limit then
    return 0;
  end if;
  return greatest(1, ceil(extract(epoch from v_window + make_interval(secs => p_window_seconds) - now()))::integer);
end;
$$;


ALTER FUNCTION app_private.count_hit(p_bucket text, p_limit integer, p_window_seconds integer) OWNER TO nakksha_owner;

--
-- Name: FUNCTION count_hit(p_bucket text, p_limit integer, p_window_seconds integer); Type: COMMENT; Schema: app_private; Owner: nakksha_owner
--

COMMENT ON FUNCTION app_private.count_hit(p_bucket text, p_limit integer, p_window_seconds integer) IS 'Count one hit in the bucket''s current fixed window; 0 if within p_limit, else seconds to wait.';


--
-- Name: count_recipient_mail(text); Type: FUNCTION; Schema: app_private; Owner: nakksha_owner
--

CREATE FUNCTION app_private.count_recipient_mail(p_email text) RETURNS integer
    LANGUAGE sql
    SET search_path TO ''
    AS $$
  -- One mail an anonymous visitor causes to this mailbox without paying (a verification mail at signup or on
  -- resend, a password reset, a free booking's confirmation or reminder, a move through the manage link): 0 when
  -- within the day's limit, else the seconds to wait.
  select api.hit_rate_limit(app_private.recipient_mail_bucket(p_email), 10, 86400, 'booking_emails_per_recipient_per_day')
$$;


ALTER FUNCTION app_private.count_recipient_mail(p_email text) OWNER TO nakksha_owner;

--
-- Name: FUNCTION count_recipient_mail(p_email text); Type: COMMENT; Schema: app_private; Owner: nakksha_owner
--

COMMENT ON FUNCTION app_private.count_recipient_mail(p_email text) IS 'Count one anonymous-caused mail to a mailbox in its UTC day; 0 if within booking_emails_per_recipient_per_day, else seconds to wait.';


--
-- Name: counter_wait(text, text, integer); Type: FUNCTION; Schema: app_private; Owner: nakksha_owner
--

CREATE FUNCTION app_private.counter_wait(p_bucket text, p_setting text, p_window_seconds integer) RETURNS integer
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  -- Read-only twin of api.hit_rate_limit: the seconds left in the current window when the bucket has already
  -- reached the setting's limit, else 0. A quote looks; only the booking itself counts.
  select coalesce((select greatest(1, ceil(extract(epoch from h.window_start
                                                   + make_interval(secs => p_window_seconds) - now())))::integer
                   from app.rate_limit_hits h
                   where h.bucket = p_bucket
                     and h.window_start = to_timestamp(floor(extract(epoch from now()) / p_window_seconds) * p_window_seconds)
                     and h.hits >= app_private.setting_integer(p_setting)), 0)
$$;


ALTER FUNCTION app_private.counter_wait(p_bucket text, p_setting text, p_window_seconds integer) OWNER TO nakksha_owner;

--
-- Name: FUNCTION counter_wait(p_bucket text, p_setting text, p_window_seconds integer); Type: COMMENT; Schema: app_private; Owner: nakksha_owner
--

COMMENT ON FUNCTION app_private.counter_wait(p_bucket text, p_setting text, p_window_seconds integer) IS 'Seconds until a rate-limit bucket''s window ends if it is already full under the setting, else 0 (counts nothing).';


--
-- Name: payment_refunds; Type: TABLE; Schema: app; Owner: nakksha_owner
--

CREATE TABLE app.payment_refunds (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    consultant_id uuid NOT NULL,
    transaction_id uuid NOT NULL,
    amount numeric(10,2) NOT NULL,
    reason text,
    initiated_by text NOT NULL,
    status text DEFAULT 'pending'::text NOT NULL,
    gateway_refund_id text,
    idempotency_key text DEFAULT (gen_random_uuid())::text NOT NULL,
    failure_reason text,
    processed_at timestamp with time zone,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT payment_refunds_amount_range CHECK ((amount > (0)::numeric)),
    CONSTRAINT payment_refunds_initiated_by_valid CHECK ((initiated_by = ANY (ARRAY['consultant'::text, 'client_policy'::text, 'system'::text, 'admin'::text]))),
    CONSTRAINT payment_refunds_processed_at CHECK (((status <> 'processed'::text) OR (processed_at IS NOT NULL))),
    CONSTRAINT payment_refunds_status_valid CHECK ((status = ANY (ARRAY['pending'::text, 'processed'::text, 'failed'::text])))
);


ALTER TABLE app.payment_refunds OWNER TO nakksha_owner;

--
-- Name: TABLE payment_refunds; Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON TABLE app.payment_refunds IS 'Each refund of a payment, full or partial, with its gateway id and status.';


--
-- Name: create_refund(uuid, numeric, text, text); Type: FUNCTION; Schema: app_private; Owner: nakksha_owner
--

CREATE FUNCTION app_private.create_refund(p_transaction_id uuid, p_amount numeric, p_reason text, p_initiated_by text) RETURNS app.payment_refunds
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_t app.payment_transactions;
  v_r app.payment_refunds;
begin
  select * into v_t from app.payment_transactions where id = p_transaction_id;
  -- The guard trigger checks the payment can be refunded and that the amount fits, under the payment's lock.
  insert into app.payment_refunds (consultant_id, transaction_id, amount, reason, initiated_by)
  values (v_t.consultant_id, v_t.id, p_amount, nullif(btrim(p_reason), ''), p_initiated_by)
  returning * into v_r;
  if v_t.gateway in ('razorpay', 'local') then
    -- Money goes back through the gateway in a job (retried with backoff), never inside this transaction.
    perform app_private.defer_job('process_refund', jsonb_build_object('refund_id', v_r.id), 'payments',
                                  null, 'refund:' || v_r.id);
  else
    -- Cash, bank transfer or direct UPI: the consultant hands it back themselves; recording it is the refund.
    update app.payment_refunds set status = 'processed' where id = v_r.id returning * into v_r;
  end if;
  return v_r;
end;
$$;


ALTER FUNCTION app_private.create_refund(p_transaction_id uuid, p_amount numeric, p_reason text, p_initiated_by text) OWNER TO nakksha_owner;

--
-- Name: FUNCTION create_refund(p_transaction_id uuid, p_amount numeric, p_reason text, p_initiated_by text); Type: COMMENT; Schema: app_private; Owner: nakksha_owner
--

COMMENT ON FUNCTION app_private.create_refund(p_transaction_id uuid, p_amount numeric, p_reason text, p_initiated_by text) IS 'Record a refund (checked against what is left) and queue its gateway call; offline payments are refunded at once.';


--
-- Name: defer_job(text, jsonb, text, timestamp with time zone, text, text); Type: FUNCTION; Schema: app_private; Owner: nakksha_owner
--

CREATE FUNCTION app_private.defer_job(p_task_name text, p_args jsonb, p_queue text DEFAULT 'default'::text, p_scheduled_at timestamp with time zone DEFAULT NULL::timestamp with time zone, p_queueing_lock text DEFAULT NULL::text, p_lock text DEFAULT NULL::text) RETURNS bigint
    LANGUAGE plpgsql
    SET search_path TO 'public', 'pg_temp'
    AS $$
declare
  v_ids bigint[];
begin
  v_ids := public.procrastinate_defer_jobs_v1(array[
    row(p_queue, p_task_name, 0, p_lock, p_queueing_lock, p_args, p_scheduled_at)::public.procrastinate_job_to_defer_v1
  ]);
  return v_ids[1];
end;
$$;


ALTER FUNCTION app_private.defer_job(p_task_name text, p_args jsonb, p_queue text, p_scheduled_at timestamp with time zone, p_queueing_lock text, p_lock text) OWNER TO nakksha_owner;

--
-- Name: FUNCTION defer_job(p_task_name text, p_args jsonb, p_queue text, p_scheduled_at timestamp with time zone, p_queueing_lock text, p_lock text); Type: COMMENT; Schema: app_private; Owner: nakksha_owner
--

COMMENT ON FUNCTION app_private.defer_job(p_task_name text, p_args jsonb, p_queue text, p_scheduled_at timestamp with time zone, p_queueing_lock text, p_lock text) IS 'Queue a Procrastinate job in the current transaction: committed with the write, or never.';


--
-- Name: desired_slots(uuid, date, date); Type: FUNCTION; Schema: app_private; Owner: nakksha_owner
--

CREATE FUNCTION app_private.desired_slots(p_consultant_id uuid, p_from date, p_to date) RETURNS SETOF app_private.wanted_slot
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  -- Each rule's local wall-clock times placed on each matching local date and converted to instants in
  -- the consultant's timezone, so a 09:00 rule stays 09:00 local across a DST change; past times and
  -- blocked ranges left out.
  select r.session_type, s.starts_at, s.starts_at + make_interval(mins => r.slot_minutes), r.capacity, r.id
  from app.availability_rules r
  join app.consultants c on c.id = r.consultant_id
  cross join lateral generate_series(p_from, p_to, interval '1 day') as d(day)
  cross join lateral generate_series(
    0, (extract(epoch from r.end_time - r.start_time) / 60)::integer - r.slot_minutes, r.slot_minutes) as o(minute)
  cross join lateral (
    select ((d.day::date + r.start_time + make_interval(mins => o.minute)) at time zone c.timezone) as starts_at) as s
  where r.consultant_id = p_consultant_id
    and r.is_active
    and extract(isodow from d.day) = r.weekday
    and (r.valid_from is null or d.day::date >= r.valid_from)
    and (r.valid_until is null or d.day::date <= r.valid_until)
    -- A wall-clock time skipped by a DST change (02:30 on a spring-forward night) does not exist: no slot,
    -- rather than one an hour later than the consultant offered.
    and (s.starts_at at time zone c.timezone) = d.day::date + r.start_time + make_interval(mins => o.minute)
    and s.starts_at > now()
    and not exists (
      select 1 from app.availability_slot_exclusions x
      where x.consultant_id = r.consultant_id and x.session_type = r.session_type and x.starts_at = s.starts_at)
    and not exists (
      select 1 from app.availability_blocks b
      where b.consultant_id = r.consultant_id
        and tstzrange(b.starts_at, b.ends_at) && tstzrange(s.starts_at, s.starts_at + make_interval(mins => r.slot_minutes)))
$$;


ALTER FUNCTION app_private.desired_slots(p_consultant_id uuid, p_from date, p_to date) OWNER TO nakksha_owner;

--
-- Name: FUNCTION desired_slots(p_consultant_id uuid, p_from date, p_to date); Type: COMMENT; Schema: app_private; Owner: nakksha_owner
--

COMMENT ON FUNCTION app_private.desired_slots(p_consultant_id uuid, p_from date, p_to date) IS 'The slots a consultant''s active rules call for between two local dates.';


--
-- Name: erase_client_traces(uuid, app.clients, text, text[]); Type: FUNCTION; Schema: app_private; Owner: nakksha_owner
--

CREATE FUNCTION app_private.erase_client_traces(p_consultant uuid, p_client app.clients, p_anon_email text, p_phones text[]) RETURNS void
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $_$
declare
  v_t record;
  v_col record;
  v_emails text[] := array[p_client.email::text];
  v_names text[] := array[p_client.name];
  v_found text[];
  v_patterns text[];
  v_replacements text[];
  v_sets text[];
  v_conds text[];
  v_orders text[];
  v_payments text[];
  v_external text[];
  v_sessions text[];
begin
  -- 1. Mail to them not sent yet is never sent (to them, or to the anonymised address), and the local
  --    provider's copies of mail to them go. Mail to the consultant stays theirs, rewritten below.
  update app.email_logs set status = 'failed', failed_at = now(), error_message = 'client_anonymised'
  where consultant_id = p_consultant and client_id = p_client.id and status = 'queued'
    and recipient_email = p_client.email;
  delete from app.email_outbox o using app.email_logs l
  where o.email_log_id = l.id and l.consultant_id = p_consultant and l.client_id = p_client.id
    and l.recipient_email = p_client.email;

  -- 2. Free text written by or about them goes; quotations written to their address before they were a
  --    client are theirs too; the browser they read a quotation with is forgotten.
  --    The keyed hash of the address they booked from goes with them.
  update app.sessions set notes = null, consultant_notes = null, cancellation_reason = null, client_feedback = null,
    client_ip_hash = null
  where consultant_id = p_consultant and client_id = p_client.id
    and (notes, consultant_notes, cancellation_reason, client_feedback, client_ip_hash)
        is distinct from (null, null, null, null, null);
  update app.quotations set client_id = p_client.id
  where consultant_id = p_consultant and client_id is null and client_email = p_client.email;
  update app.quotations set notes = null, response_reason = null
  where consultant_id = p_consultant and client_id = p_client.id and (notes, response_reason) is distinct from (null, null);
  update app.quotation_views v set user_agent = null from app.quotations q
  where q.id = v.quotation_id and q.consultant_id = p_consultant and q.client_id = p_client.id and v.user_agent is not null;

  -- 3. The names and addresses they were known by: the record's, and those given on rows about them.
  for v_t in select * from app_private.client_linked_tables() loop
    for v_col in select unnest(v_t.personal_columns) as name loop
      execute format('select array_agg(distinct %I::text) from %s where consultant_id = $1 and client_id = $2',
                     v_col.name, v_t.rel) into v_found using p_consultant, p_client.id;
      if v_col.name ~ 'email$' then
        v_emails := v_emails || coalesce(v_found, '{}');
      else
        v_names := v_names || coalesce(v_found, '{}');
      end if;
    end loop;
  end loop;
  select r.patterns, r.replacements into v_patterns, v_replacements
  from app_private.redaction(v_emails, v_names, p_phones, p_anon_email) r;

  -- 4. Every row about them, every text and json column: client_* name and address columns are theirs
  --    outright and any client_* phone goes (one statement per table), and elsewhere their address, names and
  --    phone are rewritten, a column at a time. The names include what visitors typed at booking, so a pattern
  --    may match a code: a column whose rules refuse the rewrite (a status check, a transition guard, a key)
  --    holds codes, not a name, and is left as it was; a visitor who typed "Confirmed" as their name cannot
  --    make the client impossible to erase.
  for v_t in select * from app_private.client_linked_tables() loop
    select array_agg(format('%I = %s', a.attname,
             case when a.attname ~ '^client_.*phone' and not a.attnotnull then 'null'
                  when a.attname ~ '^client_.*phone' then format('%L', '[phone erased]')
                  when a.attname ~ 'email$' then format('$3::%s', format_type(a.atttypid, a.atttypmod))
                  else format('%L::%s', 'Anonymised client', format_type(a.atttypid, a.atttypmod)) end)
             order by a.attnum),
           array_agg(case when a.attname ~ '^client_.*phone' and not a.attnotnull then format('%I is not null', a.attname)
                          when a.attname ~ '^client_.*phone' then format('%I is distinct from %L', a.attname, '[phone erased]')
                          when a.attname ~ 'email$' then format('%I is distinct from $3', a.attname)
                          else format('%I is distinct from %L', a.attname, 'Anonymised client') end order by a.attnum)
      into v_sets, v_conds
    from pg_catalog.pg_attribute a
    where a.attrelid = v_t.rel and a.attnum > 0 and not a.attisdropped
      and (a.attname = any(v_t.personal_columns) or (a.attname ~ '^client_.*phone' and not a.attnotnull));
    if v_sets is not null then
      execute format('update %s set %s where consultant_id = $1 and client_id = $2 and (%s)', v_t.rel,
                     array_to_string(v_sets, ', '), array_to_string(v_conds, ' or '))
      using p_consultant, p_client.id, p_anon_email;
    end if;
    for v_col in
      select a.attname as name, a.atttypid in ('json'::regtype, 'jsonb'::regtype) as is_json,
             format_type(a.atttypid, a.atttypmod) as type
      from pg_catalog.pg_attribute a
      where a.attrelid = v_t.rel and a.attnum > 0 and not a.attisdropped
        and a.atttypid in ('text'::regtype, 'character varying'::regtype, 'public.citext'::regtype, 'json'::regtype,
                           'jsonb'::regtype)
        and not a.attname = any(v_t.personal_columns) and a.attname !~ '^client_.*phone'
      order by a.attnum
    loop
      begin
        execute format('update %s set %I = %s where consultant_id = $1 and client_id = $2 and %I::text ~* any($3)',
                       v_t.rel, v_col.name,
                       case when v_col.is_json then format('app_private.redact_jsonb(%I::jsonb, $3, $4)::%s', v_col.name, v_col.type)
                            else format('app_private.redact_text(%I::text, $3, $4)::%s', v_col.name, v_col.type) end,
                       v_col.name)
        using p_consultant, p_client.id, v_patterns, v_replacements;
      exception when integrity_constraint_violation or string_data_right_truncation or sqlstate 'NK409' then
        null;  -- codes, not a name: see above
      end;
    end loop;
  end loop;

  -- 5. Rows about them without a client_id of their own.
  update app.email_outbox o set to_name = app_private.redact_text(o.to_name, v_patterns, v_replacements),
    subject = app_private.redact_text(o.subject, v_patterns, v_replacements),
    html_body = app_private.redact_text(o.html_body, v_patterns, v_replacements),
    text_body = app_private.redact_text(o.text_body, v_patterns, v_replacements),
    attachments = app_private.redact_jsonb(o.attachments, v_patterns, v_replacements)
  from app.email_logs l
  where o.email_log_id = l.id and l.consultant_id = p_consultant and l.client_id = p_client.id
    and (o.to_name ~* any(v_patterns) or o.subject ~* any(v_patterns) or o.html_body ~* any(v_patterns)
         or o.text_body ~* any(v_patterns));
  -- Their quotations' lines (a line named after them): rewritten, quantities and prices kept.
  update app.quotation_items i set description = app_private.redact_text(i.description, v_patterns, v_replacements)
  from app.quotations q
  where q.id = i.quotation_id and q.consultant_id = p_consultant and q.client_id = p_client.id
    and i.description ~* any(v_patterns);
  update app.payment_refunds r set reason = app_private.redact_text(r.reason, v_patterns, v_replacements),
    failure_reason = app_private.redact_text(r.failure_reason, v_patterns, v_replacements)
  from app.payment_transactions t
  where t.id = r.transaction_id and t.consultant_id = p_consultant and t.client_id = p_client.id
    and (r.reason ~* any(v_patterns) or r.failure_reason ~* any(v_patterns));
  -- The gateways' reports of their payments, refunds and mail (found through indexed ids): the payer's own
  -- fields (email, phone, UPI id, card) go, and anything else naming them is rewritten.
  select array_agg(t.gateway_order_id) filter (where t.gateway_order_id is not null),
         array_agg(t.gateway_payment_id) filter (where t.gateway_payment_id is not null)
    into v_orders, v_payments
  from app.payment_transactions t where t.consultant_id = p_consultant and t.client_id = p_client.id;
  select array_agg(l.external_id) into v_external
  from app.email_logs l where l.consultant_id = p_consultant and l.client_id = p_client.id and l.external_id is not null;
  update app.webhook_events e set payload = app_private.redact_jsonb(
      case when e.payload #> '{payload,payment,entity}' is not null
           then jsonb_set(e.payload, '{payload,payment,entity}',
                          (e.payload #> '{payload,payment,entity}') - array['email', 'contact', 'vpa', 'card'])
           else e.payload end, v_patterns, v_replacements)
  where (e.provider <> 'resend' and (e.payload #>> '{payload,payment,entity,order_id}' = any(v_orders)
                                     or e.payload #>> '{payload,refund,entity,payment_id}' = any(v_payments)))
     or (e.provider = 'resend' and e.payload #>> '{data,email_id}' = any(v_external));
  -- A booking's stored answer to its Idempotency-Key names its client.
  select array_agg(s.id::text) into v_sessions from app.sessions s
  where s.consultant_id = p_consultant and s.client_id = p_client.id;
  update app.idempotency_keys k set response = app_private.redact_jsonb(k.response, v_patterns, v_replacements)
  where k.consultant_id = p_consultant and k.response ->> 'session_id' = any(v_sessions)
    and k.response::text ~* any(v_patterns);
  -- A suppression of their address that this consultant's own mail to them caused (its bounce or complaint),
  -- when no other record needs it. A suppression another consultant's mail caused is the platform's, not
  -- this consultant's to lift: otherwise adding and anonymising a client would un-suppress any address.
  -- (Rate-limit counters never hold an address: per-email buckets are app.mailbox_key hashes. Queued
  -- jobs carry ids only; rewriting every tenant's job arguments by this client's patterns could break theirs.)
  delete from app.email_suppressions s using app.email_logs l
  where s.email = p_client.email and l.id = s.email_log_id and l.consultant_id = p_consultant
    and l.client_id = p_client.id
    and not exists (select 1 from app.clients c where c.email = s.email and c.anonymised_at is null)
    and not exists (select 1 from app.consultants c where c.email = s.email)
    and not exists (select 1 from app.admins a where a.email = s.email);
end;
$_$;


ALTER FUNCTION app_private.erase_client_traces(p_consultant uuid, p_client app.clients, p_anon_email text, p_phones text[]) OWNER TO nakksha_owner;

--
-- Name: FUNCTION erase_client_traces(p_consultant uuid, p_client app.clients, p_anon_email text, p_phones text[]); Type: COMMENT; Schema: app_private; Owner: nakksha_owner
--

COMMENT ON FUNCTION app_private.erase_client_traces(p_consultant uuid, p_client app.clients, p_anon_email text, p_phones text[]) IS 'Erase a client''s address, names and phone from every row about them (see the section comment); their queued mail is not sent.';


--
-- Name: expired_holds(uuid); Type: FUNCTION; Schema: app_private; Owner: nakksha_owner
--

CREATE FUNCTION app_private.expired_holds(p_slot_id uuid) RETURNS integer
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  -- Pending bookings of a slot whose hold lapsed: they count for nothing (abandoned at the next booking).
  select count(*)::integer from app.sessions x
  where x.slot_id = p_slot_id and x.status = 'pending' and x.hold_expires_at <= now()
$$;


ALTER FUNCTION app_private.expired_holds(p_slot_id uuid) OWNER TO nakksha_owner;

--
-- Name: FUNCTION expired_holds(p_slot_id uuid); Type: COMMENT; Schema: app_private; Owner: nakksha_owner
--

COMMENT ON FUNCTION app_private.expired_holds(p_slot_id uuid) IS 'How many of a slot''s seats are held by pending bookings whose hold expired (free again).';


--
-- Name: free_slots(app.consultants, text, timestamp with time zone, timestamp with time zone, integer, uuid); Type: FUNCTION; Schema: app_private; Owner: nakksha_owner
--

CREATE FUNCTION app_private.free_slots(p_c app.consultants, p_session_type text, p_from timestamp with time zone, p_to timestamp with time zone, p_limit integer, p_ignore_session uuid DEFAULT NULL::uuid) RETURNS TABLE(slot_id uuid, session_type text, starts_at timestamp with time zone, ends_at timestamp with time zone, capacity integer, remaining integer)
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $$
declare
  -- Bookable now: within the consultant's notice and horizon.
  v_from timestamptz := greatest(p_from, now() + make_interval(mins => p_c.min_notice_minutes));
  v_last timestamptz := now() + make_interval(days => p_c.max_days_ahead);
  -- Busy time is gathered up to here: a slot ending later (one longer than a day) is asked exactly.
  v_reach timestamptz := least(p_to, v_last) + interval '1 day';
  v_buffer interval := make_interval(mins => p_c.buffer_minutes);
  v_busy tstzmultirange;
begin
  if v_from >= p_to or v_from > v_last then
    return;  -- nothing can start there (and the gathered range below would be backwards)
  end if;
  -- The consultant's busy time near the range, gathered once (usually a handful of rows) instead of three probes
  -- per slot: blocks, calendar busy time, and live occupancy moved earlier by the slot buffer (a session
  -- occupying [a, b) blocks a slot [s, e) when [s, e + buffer) meets it, that is when [a - buffer, b) meets [s, e)).
  select range_agg(u.during) into v_busy
  from (select tstzrange(b.starts_at, b.ends_at) as during from app.availability_blocks b
        where b.consultant_id = p_c.id and tstzrange(b.starts_at, b.ends_at) && tstzrange(v_from, v_reach)
        union all
        select cb.during from app.calendar_busy cb
        where cb.consultant_id = p_c.id and cb.during && tstzrange(v_from, v_reach)
        union all
        select tstzrange(lower(x.occupied_during) - v_buffer, upper(x.occupied_during),
                         case when lower_inc(x.occupied_during) then '[' else '(' end
                         || case when upper_inc(x.occupied_during) then ']' else ')' end)
        from app.sessions x
        where x.consultant_id = p_c.id
          and x.status in ('pending', 'confirmed', 'completed', 'no_show')
          and not (x.status = 'pending' and x.hold_expires_at <= now())
          and x.id is distinct from p_ignore_session
          and x.occupied_during && tstzrange(v_from, v_reach + v_buffer)) u;
  -- Offered, not full (an expired hold counts for nothing: it is abandoned at booking; counted only for slots with
  -- seats taken), and clear: a slot inside the gathered reach that meets no busy time is free; one that meets some
  -- is taken, unless it is a webinar (the busy time may be its own seats) or reaches past the gathered time: those
  -- are asked exactly.
  return query
  select s.id, s.session_type, s.starts_at, s.ends_at, s.capacity,
         s.capacity - s.booked_count + case when s.booked_count > 0 then app_private.expired_holds(s.id) else 0 end
  from app.availability_slots s
  where s.consultant_id = p_c.id
    and (p_session_type is null or s.session_type = p_session_type)
    and s.is_available
    and s.starts_at >= v_from and s.starts_at < p_to and s.starts_at <= v_last
    and (s.booked_count < s.capacity or s.booked_count - app_private.expired_holds(s.id) < s.capacity)
    and ((s.ends_at <= v_reach and (v_busy is null or not (v_busy && tstzrange(s.starts_at, s.ends_at))))
         or ((s.session_type = 'webinar' or s.ends_at > v_reach)
             and app_private.slot_clear(p_c.id, p_c.buffer_minutes, s.id, s.session_type, s.starts_at, s.ends_at,
                                        p_ignore_session)))
  order by s.starts_at, s.session_type
  limit p_limit;
end;
$$;


ALTER FUNCTION app_private.free_slots(p_c app.consultants, p_session_type text, p_from timestamp with time zone, p_to timestamp with time zone, p_limit integer, p_ignore_session uuid) OWNER TO nakksha_owner;

--
-- Name: FUNCTION free_slots(p_c app.consultants, p_session_type text, p_from timestamp with time zone, p_to timestamp with time zone, p_limit integer, p_ignore_session uuid); Type: COMMENT; Schema: app_private; Owner: nakksha_owner
--

COMMENT ON FUNCTION app_private.free_slots(p_c app.consultants, p_session_type text, p_from timestamp with time zone, p_to timestamp with time zone, p_limit integer, p_ignore_session uuid) IS 'A consultant''s free slots starting in [p_from, p_to), in order, at most p_limit (past, too-soon, full and taken ones left out; p_ignore_session''s own occupancy does not count). The one definition of a free slot.';


--
-- Name: hold_minutes(app.consultants); Type: FUNCTION; Schema: app_private; Owner: nakksha_owner
--

CREATE FUNCTION app_private.hold_minutes(p_c app.consultants) RETURNS integer
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  select coalesce(p_c.hold_minutes,
                  (select (s.value #>> '{}')::integer from app.platform_settings s where s.key = 'default_hold_minutes'), 15)
$$;


ALTER FUNCTION app_private.hold_minutes(p_c app.consultants) OWNER TO nakksha_owner;

--
-- Name: FUNCTION hold_minutes(p_c app.consultants); Type: COMMENT; Schema: app_private; Owner: nakksha_owner
--

COMMENT ON FUNCTION app_private.hold_minutes(p_c app.consultants) IS 'How long a pending booking holds its slot: the consultant''s setting, else the platform default.';


--
-- Name: idempotency_keys; Type: TABLE; Schema: app; Owner: nakksha_owner
--

CREATE TABLE app.idempotency_keys (
    scope text NOT NULL,
    key text NOT NULL,
    request_sha256 bytea NOT NULL,
    response jsonb,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    consultant_id uuid NOT NULL,
    status_code smallint,
    manage_link_encrypted text,
    claimed_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT idempotency_keys_answered CHECK (((response IS NULL) = (status_code IS NULL))),
    CONSTRAINT idempotency_keys_key_length CHECK (((length(key) >= 1) AND (length(key) <= 200))),
    CONSTRAINT idempotency_keys_request_sha256_length CHECK ((length(request_sha256) = 32)),
    CONSTRAINT idempotency_keys_status_code_range CHECK (((status_code >= 200) AND (status_code <= 299)))
);


ALTER TABLE app.idempotency_keys OWNER TO nakksha_owner;

--
-- Name: TABLE idempotency_keys; Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON TABLE app.idempotency_keys IS 'Idempotency-Keys per consultant and operation: claimed by the first request, then its answer (status, body, the manage link encrypted); 24 hours.';


--
-- Name: COLUMN idempotency_keys.claimed_at; Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON COLUMN app.idempotency_keys.claimed_at IS 'When a request last claimed the key; an unanswered claim older than a minute may be taken over.';


--
-- Name: idempotent_replay(app.idempotency_keys, bytea); Type: FUNCTION; Schema: app_private; Owner: nakksha_owner
--

CREATE FUNCTION app_private.idempotent_replay(p_k app.idempotency_keys, p_request_sha256 bytea) RETURNS jsonb
    LANGUAGE plpgsql IMMUTABLE
    SET search_path TO ''
    AS $$
begin
  -- The first answer exactly as given (its status, its body, the manage link it carried), never another
  -- request's: a key sent again with a different request is refused before any order is made.
  if p_k.request_sha256 <> p_request_sha256 then
    raise exception using errcode = 'NK422', message = 'idempotency_key_reused',
      detail = 'This Idempotency-Key was used with a different request.';
  end if;
  if p_k.response is null then
    raise exception using errcode = 'NK409', message = 'idempotency_key_in_use',
      detail = 'A request with this Idempotency-Key is still being answered; try again in a few seconds.';
  end if;
  return jsonb_build_object('status_code', p_k.status_code, 'response', p_k.response,
                            'manage_link_encrypted', p_k.manage_link_encrypted);
end;
$$;


ALTER FUNCTION app_private.idempotent_replay(p_k app.idempotency_keys, p_request_sha256 bytea) OWNER TO nakksha_owner;

--
-- Name: FUNCTION idempotent_replay(p_k app.idempotency_keys, p_request_sha256 bytea); Type: COMMENT; Schema: app_private; Owner: nakksha_owner
--

COMMENT ON FUNCTION app_private.idempotent_replay(p_k app.idempotency_keys, p_request_sha256 bytea) IS 'The replay of an answered Idempotency-Key ({status_code, response, manage_link_encrypted}); NK422 for another request, NK409 while unanswered.';


--
-- Name: known_sign_in_address(text, text, text); Type: FUNCTION; Schema: app_private; Owner: nakksha_owner
--

CREATE FUNCTION app_private.known_sign_in_address(p_kind text, p_account text, p_ip text) RETURNS boolean
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  -- The account has signed in from this address (its IPv4 address or IPv6 /64, as the app counts it) in the last
  -- 90 days: a login recorded it. Someone guessing cannot have that, the owner at home or at the office does.
  -- No address ("unknown": a peer that named no IP) is never known. The cast sits behind the CASE, not beside an
  -- AND, which SQL may evaluate in either order ('unknown'::inet was once cast first and answered 400).
  select exists (
    select 1 from app.refresh_token_families f
    where f.created_at > now() - interval '90 days'
      and f.ip <<= (case when pg_catalog.pg_input_is_valid(p_ip, 'inet') then p_ip end)::inet
      and case p_kind
            when 'consultant' then f.consultant_id = (select c.id from app.consultants c
                                                      where c.email = lower(btrim(p_account))::public.citext)
            else f.admin_id = (select a.id from app.admins a where a.email = lower(btrim(p_account))::public.citext) end)
$$;


ALTER FUNCTION app_private.known_sign_in_address(p_kind text, p_account text, p_ip text) OWNER TO nakksha_owner;

--
-- Name: FUNCTION known_sign_in_address(p_kind text, p_account text, p_ip text); Type: COMMENT; Schema: app_private; Owner: nakksha_owner
--

COMMENT ON FUNCTION app_private.known_sign_in_address(p_kind text, p_account text, p_ip text) IS 'Whether an account signed in from this address (or IPv6 /64) in the last 90 days.';


--
-- Name: lock_consultant_slots(uuid); Type: FUNCTION; Schema: app_private; Owner: nakksha_owner
--

CREATE FUNCTION app_private.lock_consultant_slots(p_consultant_id uuid) RETURNS void
    LANGUAGE sql
    SET search_path TO ''
    AS $$
  -- One writer of a consultant's rule slots at a time (a rule edit, a profile change, the daily job): each
  -- computes what its rules want only after taking this lock, so none deletes the slots another has just
  -- made from newer rules. Transaction-scoped, so it works through a transaction pooler.
  select pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended('nakksha.slots:' || p_consultant_id::text, 0))
$$;


ALTER FUNCTION app_private.lock_consultant_slots(p_consultant_id uuid) OWNER TO nakksha_owner;

--
-- Name: FUNCTION lock_consultant_slots(p_consultant_id uuid); Type: COMMENT; Schema: app_private; Owner: nakksha_owner
--

COMMENT ON FUNCTION app_private.lock_consultant_slots(p_consultant_id uuid) IS 'Serialise the writers of one consultant''s rule slots (transaction advisory lock).';


--
-- Name: manage_view(app.sessions); Type: FUNCTION; Schema: app_private; Owner: nakksha_owner
--

CREATE FUNCTION app_private.manage_view(p_s app.sessions) RETURNS jsonb
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $$
declare
  v_c app.consultants;
  v_cutoff integer;
  v_paid numeric(10, 2);
  v_due numeric(10, 2);
  v_percent integer;
begin
  select * into v_c from app.consultants where id = p_s.consultant_id;
  v_cutoff := coalesce((v_c.cancellation_policy->>'client_cutoff_hours')::integer, 0);
  v_percent := app_private.refund_percent(v_c, p_s.starts_at);
  v_paid := case when p_s.payment_status in ('paid', 'partially_refunded') then p_s.amount else 0 end;
  v_due := app_private.cancellation_refund_due(p_s, v_percent);  -- an earlier partial refund counts
  return app_private.booking_json(p_s) || jsonb_build_object(
    'can_cancel', p_s.status in ('pending', 'confirmed') and p_s.starts_at - now() >= make_interval(hours => v_cutoff),
    'can_reschedule', p_s.status = 'confirmed' and p_s.starts_at - now() >= make_interval(hours => v_cutoff)
                      and p_s.reschedule_count < coalesce((v_c.cancellation_policy->>'max_reschedules')::integer, 0),
    'cancellation_cutoff_hours', v_cutoff,
    'refund_if_cancelled_now', jsonb_build_object('percent', case when v_paid > 0 then v_percent else 0 end,
      'amount', api.money(v_due)),
    -- The zone the client booked in (their times come first on the page), and every refund of the booking's
    -- payment with its state: a cancelled page shows "being refunded" at once, before the gateway answers.
    'client_timezone', p_s.client_timezone,
    'refunds', coalesce((select jsonb_agg(jsonb_build_object('amount', api.money(r.amount), 'status', r.status,
                                                             'created_at', r.created_at) order by r.created_at)
                         from app.payment_refunds r join app.payment_transactions t on t.id = r.transaction_id
                         where t.session_id = p_s.id), '[]'::jsonb));
end;
$$;


ALTER FUNCTION app_private.manage_view(p_s app.sessions) OWNER TO nakksha_owner;

--
-- Name: FUNCTION manage_view(p_s app.sessions); Type: COMMENT; Schema: app_private; Owner: nakksha_owner
--

COMMENT ON FUNCTION app_private.manage_view(p_s app.sessions) IS 'What the client''s manage page shows: the booking, what they may do, the refund due now.';


--
-- Name: managed_session(bytea); Type: FUNCTION; Schema: app_private; Owner: nakksha_owner
--

CREATE FUNCTION app_private.managed_session(p_token_hash bytea) RETURNS app.sessions
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_s app.sessions;
begin
  select * into v_s from app.sessions where manage_token_hash = p_token_hash for update;
  if v_s.id is null then
    raise exception using errcode = 'NK404', message = 'not_found', detail = 'This booking link is not valid.';
  end if;
  return v_s;
end;
$$;


ALTER FUNCTION app_private.managed_session(p_token_hash bytea) OWNER TO nakksha_owner;

--
-- Name: FUNCTION managed_session(p_token_hash bytea); Type: COMMENT; Schema: app_private; Owner: nakksha_owner
--

COMMENT ON FUNCTION app_private.managed_session(p_token_hash bytea) IS 'The session behind a manage link (locked), or NK404.';


--
-- Name: meeting_provider(text); Type: FUNCTION; Schema: app_private; Owner: nakksha_owner
--

CREATE FUNCTION app_private.meeting_provider(p_platform text) RETURNS text
    LANGUAGE sql IMMUTABLE
    SET search_path TO ''
    AS $$
  select case p_platform when 'meet' then 'google' when 'teams' then 'microsoft' end
$$;


ALTER FUNCTION app_private.meeting_provider(p_platform text) OWNER TO nakksha_owner;

--
-- Name: FUNCTION meeting_provider(p_platform text); Type: COMMENT; Schema: app_private; Owner: nakksha_owner
--

COMMENT ON FUNCTION app_private.meeting_provider(p_platform text) IS 'Which connected account creates meetings for a platform (Meet: Google, Teams: Microsoft; Zoom: none).';


--
-- Name: meeting_wait(app.sessions); Type: FUNCTION; Schema: app_private; Owner: nakksha_owner
--

CREATE FUNCTION app_private.meeting_wait(p_s app.sessions) RETURNS interval
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  -- Confirmation mail waits for a generated link only when one is coming: the platform is Meet or Teams,
  -- that account is connected, and the session has no generated link yet. The wait is bounded: after it
  -- the mail goes with the personal link.
  select make_interval(secs => coalesce((select (s.value #>> '{}')::integer from app.platform_settings s
                                          where s.key = 'meeting_link_wait_seconds'), 120))
  where app_private.meeting_provider(p_s.meeting_platform) is not null
    and p_s.meeting_source is distinct from app_private.meeting_provider(p_s.meeting_platform)
    and exists (select 1 from app.calendar_connections c where c.consultant_id = p_s.consultant_id
                  and c.provider = app_private.meeting_provider(p_s.meeting_platform) and c.status = 'connected')
$$;


ALTER FUNCTION app_private.meeting_wait(p_s app.sessions) OWNER TO nakksha_owner;

--
-- Name: FUNCTION meeting_wait(p_s app.sessions); Type: COMMENT; Schema: app_private; Owner: nakksha_owner
--

COMMENT ON FUNCTION app_private.meeting_wait(p_s app.sessions) IS 'How long a confirmation mail waits for a meeting link being generated (NULL: no wait).';


--
-- Name: notify_consultant_of_quotation(app.quotations, text); Type: FUNCTION; Schema: app_private; Owner: nakksha_owner
--

CREATE FUNCTION app_private.notify_consultant_of_quotation(p_q app.quotations, p_email_type text) RETURNS void
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_c app.consultants;
begin
  select * into v_c from app.consultants where id = p_q.consultant_id;
  -- Their notification preference (quotation_viewed, quotation_responded; a missing key means on).
  if not coalesce((v_c.notification_preferences->>p_email_type)::boolean, true) then
    return;
  end if;
  perform app_private.queue_email(p_email_type, v_c.email::text, v_c.first_name || ' ' || v_c.last_name,
    app_private.quotation_mail_data(p_q), p_consultant_id => v_c.id, p_client_id => p_q.client_id,
    p_quotation_id => p_q.id);
end;
$$;


ALTER FUNCTION app_private.notify_consultant_of_quotation(p_q app.quotations, p_email_type text) OWNER TO nakksha_owner;

--
-- Name: FUNCTION notify_consultant_of_quotation(p_q app.quotations, p_email_type text); Type: COMMENT; Schema: app_private; Owner: nakksha_owner
--

COMMENT ON FUNCTION app_private.notify_consultant_of_quotation(p_q app.quotations, p_email_type text) IS 'Queue quotation_viewed or quotation_responded to the consultant, if they want it.';


--
-- Name: offered_minutes(app.consultants, text); Type: FUNCTION; Schema: app_private; Owner: nakksha_owner
--

CREATE FUNCTION app_private.offered_minutes(p_c app.consultants, p_session_type text) RETURNS jsonb
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  select coalesce(jsonb_agg(m order by m), '[]'::jsonb)
  from (select distinct (extract(epoch from s.ends_at - s.starts_at) / 60)::integer as m
        from app.availability_slots s
        where s.consultant_id = p_c.id and s.session_type = p_session_type and s.is_available
          and s.starts_at > now() and s.starts_at <= now() + make_interval(days => p_c.max_days_ahead)) lengths
$$;


ALTER FUNCTION app_private.offered_minutes(p_c app.consultants, p_session_type text) OWNER TO nakksha_owner;

--
-- Name: FUNCTION offered_minutes(p_c app.consultants, p_session_type text); Type: COMMENT; Schema: app_private; Owner: nakksha_owner
--

COMMENT ON FUNCTION app_private.offered_minutes(p_c app.consultants, p_session_type text) IS 'The distinct lengths (minutes) of a consultant''s offered future slots of one kind: the duration a session-type card shows.';


--
-- Name: prepare_meeting(app.sessions); Type: FUNCTION; Schema: app_private; Owner: nakksha_owner
--

CREATE FUNCTION app_private.prepare_meeting(p_s app.sessions) RETURNS app.sessions
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_provider text := app_private.meeting_provider(p_s.meeting_platform);
  v_e app.calendar_events;
begin
  -- A webinar seat whose slot already has a generated meeting joins it at once: nothing to wait for.
  if v_provider is null or p_s.meeting_source = v_provider then
    return p_s;
  end if;
  select * into v_e from app.calendar_events
  where event_key = app_private.calendar_event_key(p_s) and provider = v_provider and meeting_link is not null;
  if v_e.meeting_link is not null then
    update app.sessions set meeting_link = v_e.meeting_link, meeting_id = v_e.meeting_id,
      meeting_password = v_e.meeting_password, meeting_source = v_provider
    where id = p_s.id returning * into p_s;
  end if;
  return p_s;
end;
$$;


ALTER FUNCTION app_private.prepare_meeting(p_s app.sessions) OWNER TO nakksha_owner;

--
-- Name: FUNCTION prepare_meeting(p_s app.sessions); Type: COMMENT; Schema: app_private; Owner: nakksha_owner
--

COMMENT ON FUNCTION app_private.prepare_meeting(p_s app.sessions) IS 'A just-confirmed session: take its slot''s existing generated meeting, if there is one.';


--
-- Name: public_quotation_json(app.quotations); Type: FUNCTION; Schema: app_private; Owner: nakksha_owner
--

CREATE FUNCTION app_private.public_quotation_json(p_q app.quotations) RETURNS jsonb
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  select jsonb_build_object(
    'quotation_name', p_q.quotation_name, 'description', p_q.description, 'client_name', p_q.client_name,
    'items', api.quotation_items_json(p_q.id),
    'base_amount', api.money(p_q.base_amount), 'discount_percentage', p_q.discount_percentage,
    'discount_amount', api.money(p_q.base_amount - p_q.final_amount), 'final_amount', api.money(p_q.final_amount),
    'currency', p_q.currency, 'validity_period', p_q.validity_period, 'expires_at', p_q.expires_at,
    'status', case when p_q.status in ('sent', 'viewed') and p_q.expires_at <= now() then 'expired' else p_q.status end,
    'notes', p_q.notes, 'quotation_image_url', p_q.quotation_image_url, 'sent_at', p_q.sent_at,
    'responded_at', p_q.responded_at, 'paid_at', p_q.paid_at,
    'consultant', jsonb_build_object('first_name', c.first_name, 'last_name', c.last_name, 'slug', c.slug,
                                     'consultancy_sector', c.consultancy_sector, 'timezone', c.timezone),
    -- Whether Checkout may take the money: accepted, its order unpaid (the app builds Checkout only then).
    'payable', p_q.status = 'accepted' and p_q.paid_at is null
               and coalesce((select t.status in ('pending', 'failed') from app.payment_transactions t
                             where t.quotation_id = p_q.id and not coalesce((t.metadata->>'duplicate')::boolean, false)
                             order by t.created_at desc limit 1), false),
    'payment', (select jsonb_build_object('status', t.status, 'order_id', t.gateway_order_id, 'gateway', t.gateway,
                                          'amount', api.money(t.amount), 'amount_paise', (t.amount * 100)::bigint,
                                          'currency', t.currency)
                from app.payment_transactions t
                where t.quotation_id = p_q.id and not coalesce((t.metadata->>'duplicate')::boolean, false)
                order by t.created_at desc limit 1))
  from app.consultants c where c.id = p_q.consultant_id
$$;


ALTER FUNCTION app_private.public_quotation_json(p_q app.quotations) OWNER TO nakksha_owner;

--
-- Name: FUNCTION public_quotation_json(p_q app.quotations); Type: COMMENT; Schema: app_private; Owner: nakksha_owner
--

COMMENT ON FUNCTION app_private.public_quotation_json(p_q app.quotations) IS 'A quotation as its client sees it (no internal ids, no view counts), with its payment.';


--
-- Name: public_quotation_row(bytea, boolean); Type: FUNCTION; Schema: app_private; Owner: nakksha_owner
--

CREATE FUNCTION app_private.public_quotation_row(p_token_hash bytea, p_lock boolean) RETURNS app.quotations
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_q app.quotations;
begin
  if p_lock then
    select * into v_q from app.quotations where public_token_hash = p_token_hash for update;
  else
    select * into v_q from app.quotations where public_token_hash = p_token_hash;
  end if;
  if v_q.id is null or v_q.status = 'draft' then
    raise exception using errcode = 'NK404', message = 'not_found', detail = 'No such quotation.';
  end if;
  return v_q;
end;
$$;


ALTER FUNCTION app_private.public_quotation_row(p_token_hash bytea, p_lock boolean) OWNER TO nakksha_owner;

--
-- Name: FUNCTION public_quotation_row(p_token_hash bytea, p_lock boolean); Type: COMMENT; Schema: app_private; Owner: nakksha_owner
--

COMMENT ON FUNCTION app_private.public_quotation_row(p_token_hash bytea, p_lock boolean) IS 'The quotation behind a public link (optionally locked), else NK404.';


--
-- Name: published_consultant(text); Type: FUNCTION; Schema: app_private; Owner: nakksha_owner
--

CREATE FUNCTION app_private.published_consultant(p_slug text) RETURNS app.consultants
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $$
declare
  v_c app.consultants;
begin
  -- Only approved, published, active, not deleted consultants have a public page; anything else is simply not
  -- found (an approved consultant who has not published yet, or unpublished, is as unknown as a free slug).
  select * into v_c from app.consultants
  where slug = lower(p_slug) and approval_status = 'approved' and published_at is not null and is_active
    and deleted_at is null;
  if v_c.id is null then
    raise exception using errcode = 'NK404', message = 'not_found', detail = 'No such consultant page.';
  end if;
  return v_c;
end;
$$;


ALTER FUNCTION app_private.published_consultant(p_slug text) OWNER TO nakksha_owner;

--
-- Name: FUNCTION published_consultant(p_slug text); Type: COMMENT; Schema: app_private; Owner: nakksha_owner
--

COMMENT ON FUNCTION app_private.published_consultant(p_slug text) IS 'The consultant published at a slug, or NK404.';


--
-- Name: queue_calendar_sync(app.sessions); Type: FUNCTION; Schema: app_private; Owner: nakksha_owner
--

CREATE FUNCTION app_private.queue_calendar_sync(p_s app.sessions) RETURNS void
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_key text := app_private.calendar_event_key(p_s);
begin
  -- Only when there is a calendar to write to, or an event of ours to move or remove.
  if exists (select 1 from app.calendar_connections c where c.consultant_id = p_s.consultant_id and c.status = 'connected')
     or exists (select 1 from app.calendar_events e where e.event_key = v_key) then
    perform app_private.queue_calendar_sync_key(v_key);
  end if;
end;
$$;


ALTER FUNCTION app_private.queue_calendar_sync(p_s app.sessions) OWNER TO nakksha_owner;

--
-- Name: FUNCTION queue_calendar_sync(p_s app.sessions); Type: COMMENT; Schema: app_private; Owner: nakksha_owner
--

COMMENT ON FUNCTION app_private.queue_calendar_sync(p_s app.sessions) IS 'Called by the sessions trigger: queue the calendar sync of a session''s event if a calendar is involved.';


--
-- Name: queue_calendar_sync_key(text); Type: FUNCTION; Schema: app_private; Owner: nakksha_owner
--

CREATE FUNCTION app_private.queue_calendar_sync_key(p_key text) RETURNS void
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
begin
  -- One waiting job per event (queueing lock), run one at a time (lock); the job reconciles to whatever
  -- the event should be when it runs, so replacing a waiting one loses nothing. Two transactions touching
  -- one event (two seats of a webinar confirmed at once) take turns here: without this lock the second
  -- could not see the first one's uncommitted job to cancel it, and its insert would then fail on the
  -- queueing lock once the first commits, failing the booking or payment with it.
  perform pg_advisory_xact_lock(hashtext('calendar:' || p_key));
  perform app_private.cancel_queued_jobs('calendar:' || p_key);
  perform app_private.defer_job('sync_calendar_event', jsonb_build_object('event_key', p_key), 'calendar',
                                null, 'calendar:' || p_key, 'calendar:' || p_key);
end;
$$;


ALTER FUNCTION app_private.queue_calendar_sync_key(p_key text) OWNER TO nakksha_owner;

--
-- Name: FUNCTION queue_calendar_sync_key(p_key text); Type: COMMENT; Schema: app_private; Owner: nakksha_owner
--

COMMENT ON FUNCTION app_private.queue_calendar_sync_key(p_key text) IS 'Queue (or replace) the job that brings one calendar event in line with its session(s).';


--
-- Name: queue_email(text, text, text, jsonb, uuid, uuid, uuid, uuid, uuid, timestamp with time zone); Type: FUNCTION; Schema: app_private; Owner: nakksha_owner
--

CREATE FUNCTION app_private.queue_email(p_email_type text, p_recipient_email text, p_recipient_name text, p_template_data jsonb DEFAULT '{}'::jsonb, p_consultant_id uuid DEFAULT NULL::uuid, p_admin_id uuid DEFAULT NULL::uuid, p_client_id uuid DEFAULT NULL::uuid, p_session_id uuid DEFAULT NULL::uuid, p_quotation_id uuid DEFAULT NULL::uuid, p_scheduled_at timestamp with time zone DEFAULT NULL::timestamp with time zone) RETURNS uuid
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_id uuid;
begin
  -- An address under .invalid (RFC 2606: an anonymised client's, a deleted account's) can never receive mail:
  -- nothing is queued to it.
  if lower(btrim(p_recipient_email)) like '%.invalid' then
    return null;
  end if;
  -- The log row and the job are written together: a rolled-back cause sends nothing, a committed one
  -- always has its job.
  insert into app.email_logs (consultant_id, admin_id, client_id, session_id, quotation_id, email_type,
                              recipient_email, recipient_name, template_data)
  values (p_consultant_id, p_admin_id, p_client_id, p_session_id, p_quotation_id, p_email_type,
          lower(btrim(p_recipient_email)), p_recipient_name, coalesce(p_template_data, '{}'))
  returning id into v_id;
  perform app_private.defer_job('send_email', jsonb_build_object('email_log_id', v_id), 'emails', p_scheduled_at);
  return v_id;
end;
$$;


ALTER FUNCTION app_private.queue_email(p_email_type text, p_recipient_email text, p_recipient_name text, p_template_data jsonb, p_consultant_id uuid, p_admin_id uuid, p_client_id uuid, p_session_id uuid, p_quotation_id uuid, p_scheduled_at timestamp with time zone) OWNER TO nakksha_owner;

--
-- Name: FUNCTION queue_email(p_email_type text, p_recipient_email text, p_recipient_name text, p_template_data jsonb, p_consultant_id uuid, p_admin_id uuid, p_client_id uuid, p_session_id uuid, p_quotation_id uuid, p_scheduled_at timestamp with time zone); Type: COMMENT; Schema: app_private; Owner: nakksha_owner
--

COMMENT ON FUNCTION app_private.queue_email(p_email_type text, p_recipient_email text, p_recipient_name text, p_template_data jsonb, p_consultant_id uuid, p_admin_id uuid, p_client_id uuid, p_session_id uuid, p_quotation_id uuid, p_scheduled_at timestamp with time zone) IS 'Insert a queued email_logs row and defer its send_email job in the same transaction (nothing for an address under .invalid); its id, or NULL.';


--
-- Name: queue_session_emails(app.sessions, text, jsonb); Type: FUNCTION; Schema: app_private; Owner: nakksha_owner
--

CREATE FUNCTION app_private.queue_session_emails(p_s app.sessions, p_event text, p_extra jsonb DEFAULT '{}'::jsonb) RETURNS void
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_data jsonb;
  v_wait interval;
  v_for_client jsonb;
  v_client_name text;
  v_c record;
  v_client app.clients;
  v_mail record;
  v_found boolean := false;
begin
  -- The columns the mails use, by name: the worker (a reminder, a settled refund) may not read the credentials.
  select c.id, c.email, c.first_name, c.last_name, c.timezone, c.notification_preferences into v_c
  from app.consultants c where c.id = p_s.consultant_id;
  select * into v_client from app.clients where id = p_s.client_id;
  if p_event in ('confirmed', 'reminder') then
    -- A generated Meet/Teams link on its way: the confirmation mails (and the reminder of a session booked
    -- at short notice) wait for it, bounded; the calendar job releases them as soon as the link lands, else
    -- they go with the personal link at the deadline.
    p_s := app_private.prepare_meeting(p_s);
    v_wait := app_private.meeting_wait(p_s);
  end if;
  v_data := app_private.session_mail_data(p_s) || coalesce(p_extra, '{}');
  -- Each reader sees times in their own zone: the client in the one they booked from (when known).
  v_for_client := v_data || jsonb_build_object('timezone', coalesce(p_s.client_timezone, v_c.timezone),
    'other_timezone', v_c.timezone, 'other_name', v_data->>'consultant_name');
  -- A public booking's name was typed by whoever booked, for an address nobody has shown is theirs: the client's
  -- own mails greet nobody by it and put no name in the To header (a stranger must not read a sentence the
  -- booker wrote as the platform's). The consultant's mails show it, as what the booking form said.
  if p_s.booked_via = 'public' then
    v_for_client := v_for_client || jsonb_build_object('client_name', '');
  else
    v_client_name := coalesce(p_s.client_name, v_client.name);
  end if;
  -- Through the outbox, in this transaction: a confirmation that rolls back mails nobody. Which mails an
  -- event sends, to whom, and which consultant preference can turn one off, is this one table.
  for v_mail in
    select m.email_type, m.to_consultant, m.preference from (values
      ('confirmed', 'session_confirmation', false, null), ('confirmed', 'session_booked', true, 'session_booked'),
      ('cancelled_for_client', 'session_cancelled_client', false, null),
      -- The client who cancelled gets the notice too: it carries the calendar's cancellation of the invitation.
      ('cancelled_by_client', 'session_cancelled_client', false, null),
      ('cancelled_by_client', 'session_cancelled_consultant', true, 'session_cancelled'),
      ('reminder', 'session_reminder', false, null), ('rescheduled', 'session_rescheduled', false, null),
      -- A move by the client: the client's notice (the invitation's new time) and the consultant's.
      ('rescheduled_by_client', 'session_rescheduled', false, null),
      ('rescheduled_by_client', 'session_rescheduled_consultant', true, 'session_rescheduled'),
      ('refund_processed', 'refund_processed', false, null)) as m(event, email_type, to_consultant, preference)
    where m.event = p_event
  loop
    v_found := true;
    -- A session the consultant booked themselves (offline, from the dashboard) needs no notice to them.
    continue when v_mail.email_type = 'session_booked' and p_s.booked_via = 'consultant';
    -- A cancellation through the manage link mails the client's address like a move does: whoever holds the link
    -- (a stranger who typed someone else's address) may cause it, so it counts against that mailbox's mails of
    -- the day. Past that cap the booking is still cancelled (a cancellation is never refused) but not mailed.
    continue when p_event = 'cancelled_by_client' and not v_mail.to_consultant
      and app_private.count_recipient_mail(v_client.email::text) > 0;
    if v_mail.to_consultant then
      -- Consultant-bound mail follows their notification preferences (a missing key means on).
      continue when not coalesce((v_c.notification_preferences->>v_mail.preference)::boolean, true);
      perform app_private.queue_email(v_mail.email_type, v_c.email::text, v_c.first_name || ' ' || v_c.last_name,
        v_data, p_consultant_id => v_c.id, p_client_id => v_client.id, p_session_id => p_s.id,
        p_scheduled_at => now() + v_wait);
    else
      perform app_private.queue_email(v_mail.email_type, v_client.email::text, v_client_name, v_for_client,
        p_consultant_id => v_c.id, p_client_id => v_client.id, p_session_id => p_s.id,
        p_scheduled_at => now() + v_wait);
    end if;
  end loop;
  if not v_found then
    raise exception 'unknown session mail event %', p_event;
  end if;
  -- A confirmation or a notice of the new time, sent when the session's reminder is already due, says all a
  -- reminder would: no second mail follows it seconds later (it would also double what a stranger's inbox gets
  -- from each free booking). The reminder counts as sent for this start time and its job is cancelled.
  if p_event in ('confirmed', 'rescheduled', 'rescheduled_by_client') and p_s.starts_at > now()
     and app_private.reminder_due_at(p_s.starts_at) <= now() then
    update app.sessions set reminder_sent_for = p_s.starts_at where id = p_s.id;
    perform app_private.cancel_queued_jobs('reminder:' || p_s.id);
  end if;
end;
$$;


ALTER FUNCTION app_private.queue_session_emails(p_s app.sessions, p_event text, p_extra jsonb) OWNER TO nakksha_owner;

--
-- Name: FUNCTION queue_session_emails(p_s app.sessions, p_event text, p_extra jsonb); Type: COMMENT; Schema: app_private; Owner: nakksha_owner
--

COMMENT ON FUNCTION app_private.queue_session_emails(p_s app.sessions, p_event text, p_extra jsonb) IS 'Queue the mails a session event sends (confirmation, cancellation, move, refund) through the outbox; a confirmation or move inside the reminder window stands in for the reminder.';


--
-- Name: quotation_mail_data(app.quotations); Type: FUNCTION; Schema: app_private; Owner: nakksha_owner
--

CREATE FUNCTION app_private.quotation_mail_data(p_q app.quotations) RETURNS jsonb
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  select jsonb_build_object('quotation_id', p_q.id, 'quotation_name', p_q.quotation_name,
    'consultant_name', c.first_name || ' ' || c.last_name, 'client_name', p_q.client_name,
    'client_email', p_q.client_email::text, 'base_amount', p_q.base_amount::text,
    'discount_percentage', p_q.discount_percentage::text, 'final_amount', p_q.final_amount::text,
    'currency', p_q.currency, 'expires_at', p_q.expires_at, 'validity_period', p_q.validity_period,
    'timezone', c.timezone, 'status', p_q.status, 'response', p_q.status, 'reason', p_q.response_reason,
    'viewed_at', p_q.last_viewed_at, 'view_count', p_q.view_count)
  from app.consultants c where c.id = p_q.consultant_id
$$;


ALTER FUNCTION app_private.quotation_mail_data(p_q app.quotations) OWNER TO nakksha_owner;

--
-- Name: FUNCTION quotation_mail_data(p_q app.quotations); Type: COMMENT; Schema: app_private; Owner: nakksha_owner
--

COMMENT ON FUNCTION app_private.quotation_mail_data(p_q app.quotations) IS 'What quotation mails say: names, amounts, expiry, status.';


--
-- Name: recipient_mail_bucket(text); Type: FUNCTION; Schema: app_private; Owner: nakksha_owner
--

CREATE FUNCTION app_private.recipient_mail_bucket(p_email text) RETURNS text
    LANGUAGE sql IMMUTABLE
    SET search_path TO ''
    AS $$ select 'booking_mail:' || app.mailbox_key(p_email) $$;


ALTER FUNCTION app_private.recipient_mail_bucket(p_email text) OWNER TO nakksha_owner;

--
-- Name: FUNCTION recipient_mail_bucket(p_email text); Type: COMMENT; Schema: app_private; Owner: nakksha_owner
--

COMMENT ON FUNCTION app_private.recipient_mail_bucket(p_email text) IS 'The rate-limit bucket counting the mails anonymous actions send to one mailbox (booking_emails_per_recipient_per_day).';


--
-- Name: recompute_daily_analytics(uuid, date); Type: FUNCTION; Schema: app_private; Owner: nakksha_owner
--

CREATE FUNCTION app_private.recompute_daily_analytics(p_consultant_id uuid, p_day date) RETURNS void
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_row app.daily_analytics;
begin
  if not exists (select 1 from app.consultants c where c.id = p_consultant_id) then
    return;  -- the consultant is gone (cascade takes their rows)
  end if;
  v_row := api.compute_daily_analytics(p_consultant_id, p_day);
  if v_row.consultant_id is null then
    delete from app.daily_analytics where consultant_id = p_consultant_id and date = p_day;  -- nothing that day
    return;
  end if;
  insert into app.daily_analytics values (v_row.*)
  on conflict (consultant_id, date) do update set
    total_sessions = excluded.total_sessions, completed_sessions = excluded.completed_sessions,
    cancelled_sessions = excluded.cancelled_sessions, abandoned_sessions = excluded.abandoned_sessions,
    no_show_sessions = excluded.no_show_sessions, total_revenue = excluded.total_revenue,
    refunded_amount = excluded.refunded_amount, personal_revenue = excluded.personal_revenue,
    webinar_revenue = excluded.webinar_revenue, new_clients = excluded.new_clients,
    returning_clients = excluded.returning_clients, quotations_sent = excluded.quotations_sent,
    quotations_accepted = excluded.quotations_accepted, quotation_revenue = excluded.quotation_revenue,
    session_payments = excluded.session_payments, updated_at = now();
end;
$$;


ALTER FUNCTION app_private.recompute_daily_analytics(p_consultant_id uuid, p_day date) OWNER TO nakksha_owner;

--
-- Name: FUNCTION recompute_daily_analytics(p_consultant_id uuid, p_day date); Type: COMMENT; Schema: app_private; Owner: nakksha_owner
--

COMMENT ON FUNCTION app_private.recompute_daily_analytics(p_consultant_id uuid, p_day date) IS 'Rebuild one consultant''s local day of daily_analytics from sessions, payments, refunds, clients and quotations.';


--
-- Name: record_payment_failure(text, text, text, text); Type: FUNCTION; Schema: app_private; Owner: nakksha_owner
--

CREATE FUNCTION app_private.record_payment_failure(p_gateway text, p_order_id text, p_payment_id text, p_reason text) RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_t app.payment_transactions;
  v_s app.sessions;
begin
  select * into v_t from app.payment_transactions where gateway = p_gateway and gateway_order_id = p_order_id;
  if v_t.id is null then
    raise exception using errcode = 'NK404', message = 'order_not_found', detail = 'No such order.';
  end if;
  select * into v_s from app.sessions where id = v_t.session_id for update;
  select * into v_t from app.payment_transactions where id = v_t.id for update;
  -- A failed attempt does not end the order: the client may try again while the hold lasts. A failure
  -- reported after a success (events out of order) changes nothing.
  if v_t.status not in ('pending', 'failed') then
    return jsonb_build_object('outcome', 'ignored', 'transaction_id', v_t.id);
  end if;
  update app.payment_transactions set status = 'failed', failure_reason = left(coalesce(p_reason, 'Payment failed'), 500),
    metadata = metadata || jsonb_build_object('last_failed_payment_id', p_payment_id)
  where id = v_t.id;
  update app.sessions set payment_status = 'failed' where id = v_s.id and status = 'pending';
  return jsonb_build_object('outcome', 'failed', 'transaction_id', v_t.id);
end;
$$;


ALTER FUNCTION app_private.record_payment_failure(p_gateway text, p_order_id text, p_payment_id text, p_reason text) OWNER TO nakksha_owner;

--
-- Name: FUNCTION record_payment_failure(p_gateway text, p_order_id text, p_payment_id text, p_reason text); Type: COMMENT; Schema: app_private; Owner: nakksha_owner
--

COMMENT ON FUNCTION app_private.record_payment_failure(p_gateway text, p_order_id text, p_payment_id text, p_reason text) IS 'A failed payment attempt: noted on the order (which stays payable) and the pending booking.';


--
-- Name: redact_jsonb(jsonb, text[], text[]); Type: FUNCTION; Schema: app_private; Owner: nakksha_owner
--

CREATE FUNCTION app_private.redact_jsonb(p_value jsonb, p_patterns text[], p_replacements text[]) RETURNS jsonb
    LANGUAGE plpgsql IMMUTABLE
    SET search_path TO ''
    AS $$
begin
  -- Values only (keys are ours), so the document keeps its shape and JSON escaping never hides a match.
  return case jsonb_typeof(p_value)
    when 'object' then (select coalesce(jsonb_object_agg(e.key, app_private.redact_jsonb(e.value, p_patterns, p_replacements)), '{}')
                        from jsonb_each(p_value) e)
    when 'array' then (select coalesce(jsonb_agg(app_private.redact_jsonb(a.value, p_patterns, p_replacements) order by a.ord), '[]')
                       from jsonb_array_elements(p_value) with ordinality a(value, ord))
    when 'string' then to_jsonb(app_private.redact_text(p_value #>> '{}', p_patterns, p_replacements))
    else p_value end;
end;
$$;


ALTER FUNCTION app_private.redact_jsonb(p_value jsonb, p_patterns text[], p_replacements text[]) OWNER TO nakksha_owner;

--
-- Name: FUNCTION redact_jsonb(p_value jsonb, p_patterns text[], p_replacements text[]); Type: COMMENT; Schema: app_private; Owner: nakksha_owner
--

COMMENT ON FUNCTION app_private.redact_jsonb(p_value jsonb, p_patterns text[], p_replacements text[]) IS 'A JSON document with every match of the patterns replaced in its string values.';


--
-- Name: redact_text(text, text[], text[]); Type: FUNCTION; Schema: app_private; Owner: nakksha_owner
--

CREATE FUNCTION app_private.redact_text(p_value text, p_patterns text[], p_replacements text[]) RETURNS text
    LANGUAGE plpgsql IMMUTABLE
    SET search_path TO ''
    AS $$
declare
  v_out text := p_value;
begin
  for i in 1..coalesce(array_length(p_patterns, 1), 0) loop
    v_out := regexp_replace(v_out, p_patterns[i], p_replacements[i], 'gi');
  end loop;
  return v_out;
end;
$$;


ALTER FUNCTION app_private.redact_text(p_value text, p_patterns text[], p_replacements text[]) OWNER TO nakksha_owner;

--
-- Name: FUNCTION redact_text(p_value text, p_patterns text[], p_replacements text[]); Type: COMMENT; Schema: app_private; Owner: nakksha_owner
--

COMMENT ON FUNCTION app_private.redact_text(p_value text, p_patterns text[], p_replacements text[]) IS 'A text with every match of the patterns replaced.';


--
-- Name: redaction(text[], text[], text[], text); Type: FUNCTION; Schema: app_private; Owner: nakksha_owner
--

CREATE FUNCTION app_private.redaction(p_emails text[], p_names text[], p_phones text[], p_anon_email text, OUT patterns text[], OUT replacements text[]) RETURNS record
    LANGUAGE plpgsql IMMUTABLE
    SET search_path TO ''
    AS $_$
declare
  v_value text;
  v_digits text;
begin
  patterns := '{}';
  replacements := '{}';
  -- Addresses first (one may contain a name), longest first; case does not matter in any of them.
  for v_value in select distinct btrim(e) from unnest(p_emails) e where length(btrim(e)) >= 3
                 order by 1 loop
    patterns := patterns || app_private.regex_literal(v_value);
    replacements := replacements || p_anon_email;
  end loop;
  -- A name as a whole phrase (any spacing), never a piece of another word: bounded where it starts or ends
  -- with a letter or digit (a name ending in a symbol has no word boundary there to match).
  for v_value in select distinct btrim(n) from unnest(p_names) n where length(btrim(n)) >= 2 loop
    patterns := patterns || (case when v_value ~ '^\w' then '\m' else '' end
                             || (select string_agg(app_private.regex_literal(w), '\s+')
                                 from regexp_split_to_table(v_value, '\s+') w)
                             || case when v_value ~ '\w$' then '\M' else '' end);
    replacements := replacements || 'Anonymised client'::text;
  end loop;
  -- A phone by its last ten digits (the national number), with any separators and an optional country code.
  for v_value in select distinct right(regexp_replace(p, '[^0-9]', '', 'g'), 10) from unnest(p_phones) p
                 where length(regexp_replace(p, '[^0-9]', '', 'g')) >= 6 loop
    v_digits := regexp_replace(v_value, '([0-9])(?=[0-9])', '\1[\s().-]*', 'g');
    patterns := patterns || ('(?<![0-9])(\+?[0-9]{1,3}[\s().-]*)?' || v_digits || '(?![0-9])');
    replacements := replacements || '[phone erased]'::text;
  end loop;
end;
$_$;


ALTER FUNCTION app_private.redaction(p_emails text[], p_names text[], p_phones text[], p_anon_email text, OUT patterns text[], OUT replacements text[]) OWNER TO nakksha_owner;

--
-- Name: FUNCTION redaction(p_emails text[], p_names text[], p_phones text[], p_anon_email text, OUT patterns text[], OUT replacements text[]); Type: COMMENT; Schema: app_private; Owner: nakksha_owner
--

COMMENT ON FUNCTION app_private.redaction(p_emails text[], p_names text[], p_phones text[], p_anon_email text, OUT patterns text[], OUT replacements text[]) IS 'Case-insensitive patterns for a person''s addresses, names and phones, with what each becomes.';


--
-- Name: refund_for_cancellation(app.sessions, integer, text, text); Type: FUNCTION; Schema: app_private; Owner: nakksha_owner
--

CREATE FUNCTION app_private.refund_for_cancellation(p_s app.sessions, p_percent integer, p_reason text, p_initiated_by text) RETURNS numeric
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_t app.payment_transactions;
  v_amount numeric(10, 2);
begin
  -- The payment that paid for the session (a duplicate payment is refunded on its own already).
  select * into v_t from app.payment_transactions
  where session_id = p_s.id and status in ('completed', 'partially_refunded')
    and not coalesce((metadata->>'duplicate')::boolean, false)
  order by paid_at limit 1 for update;
  if v_t.id is null then
    return 0;
  end if;
  v_amount := app_private.cancellation_refund_due(p_s, p_percent);  -- read with the payment locked
  if v_amount > 0 then
    perform app_private.create_refund(v_t.id, v_amount, p_reason, p_initiated_by);
  end if;
  return v_amount;
end;
$$;


ALTER FUNCTION app_private.refund_for_cancellation(p_s app.sessions, p_percent integer, p_reason text, p_initiated_by text) OWNER TO nakksha_owner;

--
-- Name: FUNCTION refund_for_cancellation(p_s app.sessions, p_percent integer, p_reason text, p_initiated_by text); Type: COMMENT; Schema: app_private; Owner: nakksha_owner
--

COMMENT ON FUNCTION app_private.refund_for_cancellation(p_s app.sessions, p_percent integer, p_reason text, p_initiated_by text) IS 'Refund a cancelled session''s payment by a percentage (100 for the consultant, the ladder''s for the client).';


--
-- Name: refund_from_gateway(text, text, jsonb); Type: FUNCTION; Schema: app_private; Owner: nakksha_owner
--

CREATE FUNCTION app_private.refund_from_gateway(p_gateway text, p_event text, p_refund jsonb) RETURNS text
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $_$
declare
  v_id uuid;
  v_t app.payment_transactions;
  v_status text := case p_event when 'refund.processed' then 'processed' when 'refund.failed' then 'failed' else 'pending' end;
  v_amount numeric(10, 2);
  v_pending uuid;
begin
  -- Ours carry their id in the notes (the webhook may beat the job that stores the gateway's id).
  if coalesce(p_refund->'notes'->>'refund_id', '') ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then
    select r.id into v_id from app.payment_refunds r join app.payment_transactions t on t.id = r.transaction_id
    where r.id = (p_refund->'notes'->>'refund_id')::uuid and t.gateway = p_gateway
      and t.gateway_payment_id = p_refund->>'payment_id';
  end if;
  if v_id is null then
    select r.id into v_id from app.payment_refunds r where r.gateway_refund_id = p_refund->>'id';
  end if;
  if v_id is not null then
    perform app_private.settle_refund(v_id, v_status, p_refund->>'id', p_refund->'error_description' #>> '{}');
    return 'refund_' || v_status;
  end if;
  -- A refund made at the gateway itself (the Razorpay dashboard): recorded, so the totals stay true.
  if v_status <> 'processed' then
    return 'ignored_unknown_refund';
  end if;
  select * into v_t from app.payment_transactions where gateway = p_gateway and gateway_payment_id = p_refund->>'payment_id';
  if v_t.id is null then
    return 'ignored_unknown_payment';
  end if;
  perform 1 from app.sessions where id = v_t.session_id for update;
  v_amount := ((p_refund->>'amount')::bigint / 100.0)::numeric(10, 2);
  -- That money has already gone back, so it is recorded even if our own pending refunds would then not
  -- fit: the gateway will refuse those, so they are failed here, newest first, until its refund fits.
  for v_pending in select r.id from app.payment_refunds r
                   where r.transaction_id = v_t.id and r.status = 'pending' order by r.created_at desc loop
    exit when app_private.refundable(v_t.id) >= v_amount;
    update app.payment_refunds set status = 'failed',
      failure_reason = 'Superseded by a refund made at the payment gateway' where id = v_pending;
  end loop;
  insert into app.payment_refunds (consultant_id, transaction_id, amount, reason, initiated_by, status, gateway_refund_id)
  values (v_t.consultant_id, v_t.id, v_amount, 'Refunded at the gateway', 'admin', 'processed', p_refund->>'id');
  return 'refund_recorded';
end;
$_$;


ALTER FUNCTION app_private.refund_from_gateway(p_gateway text, p_event text, p_refund jsonb) OWNER TO nakksha_owner;

--
-- Name: FUNCTION refund_from_gateway(p_gateway text, p_event text, p_refund jsonb); Type: COMMENT; Schema: app_private; Owner: nakksha_owner
--

COMMENT ON FUNCTION app_private.refund_from_gateway(p_gateway text, p_event text, p_refund jsonb) IS 'A refund event from the gateway: settles ours, records one made at the gateway directly.';


--
-- Name: refund_percent(app.consultants, timestamp with time zone); Type: FUNCTION; Schema: app_private; Owner: nakksha_owner
--

CREATE FUNCTION app_private.refund_percent(p_c app.consultants, p_starts_at timestamp with time zone) RETURNS integer
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  -- The first step of the ladder whose notice the cancellation still gives (steps go from most hours to fewest).
  select coalesce((select (step->>'percent')::integer
                   from jsonb_array_elements(coalesce(p_c.cancellation_policy->'refund_ladder', '[]')) as step
                   where p_starts_at - now() >= make_interval(hours => (step->>'min_hours_before')::integer)
                   order by (step->>'min_hours_before')::integer desc limit 1), 0)
$$;


ALTER FUNCTION app_private.refund_percent(p_c app.consultants, p_starts_at timestamp with time zone) OWNER TO nakksha_owner;

--
-- Name: FUNCTION refund_percent(p_c app.consultants, p_starts_at timestamp with time zone); Type: COMMENT; Schema: app_private; Owner: nakksha_owner
--

COMMENT ON FUNCTION app_private.refund_percent(p_c app.consultants, p_starts_at timestamp with time zone) IS 'The refund percentage the consultant''s ladder gives for cancelling now.';


--
-- Name: refundable(uuid); Type: FUNCTION; Schema: app_private; Owner: nakksha_owner
--

CREATE FUNCTION app_private.refundable(p_transaction_id uuid) RETURNS numeric
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  select t.amount - coalesce((select sum(r.amount) from app.payment_refunds r
                              where r.transaction_id = t.id and r.status <> 'failed'), 0)
  from app.payment_transactions t where t.id = p_transaction_id
$$;


ALTER FUNCTION app_private.refundable(p_transaction_id uuid) OWNER TO nakksha_owner;

--
-- Name: FUNCTION refundable(p_transaction_id uuid); Type: COMMENT; Schema: app_private; Owner: nakksha_owner
--

COMMENT ON FUNCTION app_private.refundable(p_transaction_id uuid) IS 'What can still be refunded of a payment: its amount less every refund not failed.';


--
-- Name: regex_literal(text); Type: FUNCTION; Schema: app_private; Owner: nakksha_owner
--

CREATE FUNCTION app_private.regex_literal(p_text text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path TO ''
    AS $$
  -- In a PostgreSQL ARE a backslash before a character that is not a letter or digit stands for that character.
  select regexp_replace(p_text, '([^[:alnum:][:space:]])', '\\\1', 'g')
$$;


ALTER FUNCTION app_private.regex_literal(p_text text) OWNER TO nakksha_owner;

--
-- Name: FUNCTION regex_literal(p_text text); Type: COMMENT; Schema: app_private; Owner: nakksha_owner
--

COMMENT ON FUNCTION app_private.regex_literal(p_text text) IS 'A string as a regular expression matching it literally.';


--
-- Name: rematerialise_slots(uuid); Type: FUNCTION; Schema: app_private; Owner: nakksha_owner
--

CREATE FUNCTION app_private.rematerialise_slots(p_consultant_id uuid) RETURNS integer
    LANGUAGE plpgsql
    SET search_path TO ''
    SET enable_nestloop TO 'off'
    AS $$
declare
  v_tz text;
  v_horizon integer;
  v_today date;
  v_wanted app_private.wanted_slot[];
  v_removed integer;
  v_added integer;
begin
  -- Rules changed (or a day passed): future unbooked rule slots that no rule wants any more (a blocked range,
  -- a changed rule, a shorter horizon) go, and the missing ones up to the horizon are added. Booked slots and
  -- one-off slots are never touched, and a slot that is still wanted keeps its id (a visitor may be looking
  -- at it). Set-based both ways: the wanted slots are computed once, the delete is a hash anti-join on the
  -- whole slot (plain equality, so it can hash; rule_id of a wanted slot is never NULL), and the insert
  -- touches only the keys that are missing, so a day that adds nothing costs two scans, not a probe per slot
  -- through the insert triggers. (The first version compared with `is not distinct from` in a correlated
  -- subquery: quadratic, ~37 s for 30k slots.)
  perform app_private.lock_consultant_slots(p_consultant_id);
  select c.timezone, c.max_days_ahead into v_tz, v_horizon from app.consultants c where c.id = p_consultant_id;
  if v_tz is null then
    return 0;
  end if;
  v_today := (now() at time zone v_tz)::date;
  -- At most max_future_slots of them, earliest first: the rule and settings checks keep a consultant under
  -- it, and this keeps the daily job bounded even after a super admin lowers the cap.
  select coalesce(array_agg(d order by d.starts_at), '{}') into v_wanted
  from (select * from app_private.desired_slots(p_consultant_id, v_today, v_today + v_horizon) w
        order by w.starts_at limit app_private.setting_integer('max_future_slots')) d;

  delete from app.availability_slots s
  where s.consultant_id = p_consultant_id and s.source = 'rule' and s.booked_count = 0 and s.starts_at > now()
    and not exists (select 1 from unnest(v_wanted) d
                    where d.session_type = s.session_type and d.starts_at = s.starts_at and d.ends_at = s.ends_at
                      and d.capacity = s.capacity and d.rule_id = s.rule_id);
  get diagnostics v_removed = row_count;

  -- A key already taken (a still-wanted slot, a one-off slot, a booked slot kept) stays as it is.
  insert into app.availability_slots (consultant_id, session_type, starts_at, ends_at, capacity, source, rule_id)
  select p_consultant_id, d.session_type, d.starts_at, d.ends_at, d.capacity, 'rule', d.rule_id
  from unnest(v_wanted) d
  where not exists (select 1 from app.availability_slots s
                    where s.consultant_id = p_consultant_id and s.session_type = d.session_type
                      and s.starts_at = d.starts_at)
  on conflict (consultant_id, session_type, starts_at) do nothing;
  get diagnostics v_added = row_count;
  return v_removed + v_added;
end;
$$;


ALTER FUNCTION app_private.rematerialise_slots(p_consultant_id uuid) OWNER TO nakksha_owner;

--
-- Name: FUNCTION rematerialise_slots(p_consultant_id uuid); Type: COMMENT; Schema: app_private; Owner: nakksha_owner
--

COMMENT ON FUNCTION app_private.rematerialise_slots(p_consultant_id uuid) IS 'Bring a consultant''s future slots in line with their rules, blocks and horizon (booked and one-off slots stay); returns slots removed plus added.';


--
-- Name: reminder_due_at(timestamp with time zone); Type: FUNCTION; Schema: app_private; Owner: nakksha_owner
--

CREATE FUNCTION app_private.reminder_due_at(p_starts_at timestamp with time zone) RETURNS timestamp with time zone
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  select p_starts_at - make_interval(hours => app_private.setting_integer('reminder_hours_before'))
$$;


ALTER FUNCTION app_private.reminder_due_at(p_starts_at timestamp with time zone) OWNER TO nakksha_owner;

--
-- Name: FUNCTION reminder_due_at(p_starts_at timestamp with time zone); Type: COMMENT; Schema: app_private; Owner: nakksha_owner
--

COMMENT ON FUNCTION app_private.reminder_due_at(p_starts_at timestamp with time zone) IS 'When the reminder of a session starting then is due (the platform''s reminder_hours_before earlier).';


--
-- Name: replace_plans(jsonb); Type: FUNCTION; Schema: app_private; Owner: nakksha_owner
--

CREATE FUNCTION app_private.replace_plans(p_plans jsonb) RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_before jsonb;
  v_gone record;
begin
  -- One change of the list at a time: two admins saving at once would each delete only what the other had not
  -- yet added, and keep both lists' additions. The second waits, then replaces the list the first left.
  lock table app.plans in share row exclusive mode;
  v_before := api.plans_json();
  -- p_plans passed app_private.check_setting. A plan some consultant is on stays until they are moved: their
  -- subscription names it (a foreign key), and taking it away would change what they pay and are charged.
  select p.code, count(*) as n into v_gone
  from app.plans p join app.consultants c on c.subscription_plan = p.code
  where p.code not in (select e->>'code' from jsonb_array_elements(p_plans) e)
  group by p.code order by p.code limit 1;
  if v_gone.code is not null then
    raise exception using errcode = 'NK409', message = 'plan_in_use', hint = 'field:plans',
      detail = format('%s consultant(s) are on the plan %s: move them to another plan before removing it.',
                      v_gone.n, v_gone.code);
  end if;
  delete from app.plans where code not in (select e->>'code' from jsonb_array_elements(p_plans) e);
  insert into app.plans as t (code, name, price_monthly, commission_percent, commission_min, position)
  select e->>'code', btrim(e->>'name'), (e->>'price_monthly')::numeric,
         coalesce((e->>'commission_percent')::numeric, prev.commission_percent, 10),
         coalesce((e->>'commission_min')::numeric, prev.commission_min, 10), o
  from jsonb_array_elements(p_plans) with ordinality as x(e, o) left join app.plans prev on prev.code = e->>'code'
  on conflict (code) do update set name = excluded.name, price_monthly = excluded.price_monthly,
    commission_percent = excluded.commission_percent, commission_min = excluded.commission_min,
    position = excluded.position
  where (t.name, t.price_monthly, t.commission_percent, t.commission_min, t.position) is distinct from
        (excluded.name, excluded.price_monthly, excluded.commission_percent, excluded.commission_min, excluded.position);
  return nullif(api.plans_json(), v_before);
end;
$$;


ALTER FUNCTION app_private.replace_plans(p_plans jsonb) OWNER TO nakksha_owner;

--
-- Name: FUNCTION replace_plans(p_plans jsonb); Type: COMMENT; Schema: app_private; Owner: nakksha_owner
--

COMMENT ON FUNCTION app_private.replace_plans(p_plans jsonb) IS 'Make app.plans the given list (checked by check_setting): plans no longer listed go unless someone is on them, the rest are added or changed; answers the new list, or NULL when nothing changed.';


--
-- Name: require_admin(text, boolean); Type: FUNCTION; Schema: app_private; Owner: nakksha_owner
--

CREATE FUNCTION app_private.require_admin(p_acting_admin_email text, p_super boolean DEFAULT false) RETURNS uuid
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $$
declare
  v_actor uuid := app_private.acting_admin(p_acting_admin_email);
begin
  -- Over HTTP an admin must be set; from psql a database administrator may act as nobody (audited as such).
  if v_actor is null and app.current_admin_id() is null
     and not pg_catalog.pg_has_role(session_user, 'nakksha_admin', 'member') then
    raise exception using errcode = 'NK403', message = 'forbidden', detail = 'Only admins may do this.';
  end if;
  if p_super and v_actor is not null and not exists (
      select 1 from app.admins a where a.id = v_actor and a.role = 'super_admin') then
    raise exception using errcode = 'NK403', message = 'super_admin_required', detail = 'Only super admins may do this.';
  end if;
  return v_actor;
end;
$$;


ALTER FUNCTION app_private.require_admin(p_acting_admin_email text, p_super boolean) OWNER TO nakksha_owner;

--
-- Name: FUNCTION require_admin(p_acting_admin_email text, p_super boolean); Type: COMMENT; Schema: app_private; Owner: nakksha_owner
--

COMMENT ON FUNCTION app_private.require_admin(p_acting_admin_email text, p_super boolean) IS 'The acting admin of a privileged call (NULL for a database administrator), or NK403.';


--
-- Name: respondable(app.quotations); Type: FUNCTION; Schema: app_private; Owner: nakksha_owner
--

CREATE FUNCTION app_private.respondable(p_q app.quotations) RETURNS void
    LANGUAGE plpgsql STABLE
    SET search_path TO ''
    AS $$
begin
  if p_q.status in ('sent', 'viewed') and p_q.expires_at <= now() or p_q.status = 'expired' then
    raise exception using errcode = 'NK409', message = 'quotation_expired',
      detail = 'This quotation has expired; ask for a new one.';
  end if;
end;
$$;


ALTER FUNCTION app_private.respondable(p_q app.quotations) OWNER TO nakksha_owner;

--
-- Name: FUNCTION respondable(p_q app.quotations); Type: COMMENT; Schema: app_private; Owner: nakksha_owner
--

COMMENT ON FUNCTION app_private.respondable(p_q app.quotations) IS 'NK409 quotation_expired for a quotation past its expiry.';


--
-- Name: revoke_families(uuid, uuid, text); Type: FUNCTION; Schema: app_private; Owner: nakksha_owner
--

CREATE FUNCTION app_private.revoke_families(p_consultant_id uuid, p_admin_id uuid, p_reason text) RETURNS integer
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_count integer;
begin
  update app.refresh_token_families set revoked_at = now(), revoked_reason = p_reason
  where revoked_at is null
    and ((p_consultant_id is not null and consultant_id = p_consultant_id)
         or (p_admin_id is not null and admin_id = p_admin_id));
  get diagnostics v_count = row_count;
  -- Access tokens end with the sessions: the guard refuses a token of an older epoch. On suspension too, so
  -- "signed out everywhere" holds for apps as well as browsers; signing in again, a suspended consultant reads
  -- their records and changes nothing (db/functions/app/suspension.sql).
  update app.consultants set token_epoch = token_epoch + 1 where id = p_consultant_id;
  update app.admins set token_epoch = token_epoch + 1 where id = p_admin_id;
  return v_count;
end;
$$;


ALTER FUNCTION app_private.revoke_families(p_consultant_id uuid, p_admin_id uuid, p_reason text) OWNER TO nakksha_owner;

--
-- Name: FUNCTION revoke_families(p_consultant_id uuid, p_admin_id uuid, p_reason text); Type: COMMENT; Schema: app_private; Owner: nakksha_owner
--

COMMENT ON FUNCTION app_private.revoke_families(p_consultant_id uuid, p_admin_id uuid, p_reason text) IS 'Revoke every live refresh family of a consultant or an admin, and every access token issued so far.';


--
-- Name: availability_rules; Type: TABLE; Schema: app; Owner: nakksha_owner
--

CREATE TABLE app.availability_rules (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    consultant_id uuid NOT NULL,
    session_type text NOT NULL,
    weekday smallint NOT NULL,
    start_time time without time zone NOT NULL,
    end_time time without time zone NOT NULL,
    slot_minutes integer NOT NULL,
    capacity integer DEFAULT 1 NOT NULL,
    is_active boolean DEFAULT true NOT NULL,
    valid_from date,
    valid_until date,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT availability_rules_capacity_range CHECK (((capacity >= 1) AND (capacity <= 10000))),
    CONSTRAINT availability_rules_end_after_start CHECK ((end_time > start_time)),
    CONSTRAINT availability_rules_personal_single CHECK (((session_type = 'webinar'::text) OR (capacity = 1))),
    CONSTRAINT availability_rules_session_type_valid CHECK ((session_type = ANY (ARRAY['personal'::text, 'webinar'::text]))),
    CONSTRAINT availability_rules_slot_minutes_range CHECK (((slot_minutes >= 5) AND (slot_minutes <= 480))),
    CONSTRAINT availability_rules_validity_order CHECK (((valid_until IS NULL) OR (valid_from IS NULL) OR (valid_until >= valid_from))),
    CONSTRAINT availability_rules_weekday_range CHECK (((weekday >= 1) AND (weekday <= 7)))
);


ALTER TABLE app.availability_rules OWNER TO nakksha_owner;

--
-- Name: TABLE availability_rules; Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON TABLE app.availability_rules IS 'Weekly schedule per session type: weekday (ISO, 1 = Monday) and local start/end in the consultant''s timezone.';


--
-- Name: rule_slot_count(app.availability_rules, date, integer); Type: FUNCTION; Schema: app_private; Owner: nakksha_owner
--

CREATE FUNCTION app_private.rule_slot_count(p_r app.availability_rules, p_today date, p_horizon integer) RETURNS integer
    LANGUAGE sql IMMUTABLE
    SET search_path TO ''
    AS $$
  -- The slots one active rule offers between today and the horizon inside its validity, counted without
  -- generating them: the slots of one occurrence times the matching local days (at most 366).
  select case when not p_r.is_active then 0 else
    floor(extract(epoch from p_r.end_time - p_r.start_time) / 60 / p_r.slot_minutes)::integer
    * (select count(*)::integer
       from generate_series(greatest(p_today, p_r.valid_from), least(p_today + p_horizon, p_r.valid_until),
                            interval '1 day') g(day)
       where extract(isodow from g.day) = p_r.weekday) end
$$;


ALTER FUNCTION app_private.rule_slot_count(p_r app.availability_rules, p_today date, p_horizon integer) OWNER TO nakksha_owner;

--
-- Name: FUNCTION rule_slot_count(p_r app.availability_rules, p_today date, p_horizon integer); Type: COMMENT; Schema: app_private; Owner: nakksha_owner
--

COMMENT ON FUNCTION app_private.rule_slot_count(p_r app.availability_rules, p_today date, p_horizon integer) IS 'How many slots one weekly rule offers over a horizon from a local date (0 when inactive).';


--
-- Name: run_waiting_job_now(text, jsonb); Type: FUNCTION; Schema: app_private; Owner: nakksha_owner
--

CREATE FUNCTION app_private.run_waiting_job_now(p_task_name text, p_args jsonb) RETURNS integer
    LANGUAGE plpgsql
    SET search_path TO 'public', 'pg_temp'
    AS $$
declare
  v_job public.procrastinate_jobs;
  v_count integer := 0;
begin
  -- A job deferred to later (a mail waiting for its meeting link) that should run now: cancelled and
  -- deferred again for now, through Procrastinate's own functions, so the workers are notified at once.
  for v_job in
    select * from public.procrastinate_jobs j
    where j.task_name = p_task_name and j.args = p_args and j.status = 'todo' and j.scheduled_at > now()
    for update
  loop
    perform public.procrastinate_cancel_job_v1(v_job.id, false, false);
    perform app_private.defer_job(v_job.task_name, v_job.args, v_job.queue_name, null, v_job.queueing_lock, v_job.lock);
    v_count := v_count + 1;
  end loop;
  return v_count;
end;
$$;


ALTER FUNCTION app_private.run_waiting_job_now(p_task_name text, p_args jsonb) OWNER TO nakksha_owner;

--
-- Name: FUNCTION run_waiting_job_now(p_task_name text, p_args jsonb); Type: COMMENT; Schema: app_private; Owner: nakksha_owner
--

COMMENT ON FUNCTION app_private.run_waiting_job_now(p_task_name text, p_args jsonb) IS 'Bring forward a job scheduled for later (same task and arguments) to run now.';


--
-- Name: seed_demo(text, text); Type: FUNCTION; Schema: app_private; Owner: nakksha_owner
--

CREATE FUNCTION app_private.seed_demo(p_email text, p_password_hash text) RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_id uuid;
  v_slots integer;
begin
  -- Only into an empty database: demo data never mixes with real consultants.
  if exists (select 1 from app.consultants) then
    return null;
  end if;
  insert into app.consultants (
    email, password_hash, first_name, last_name, phone_country_code, phone_number, consultancy_sector,
    personal_session_title, webinar_session_title, description, experience_months,
    personal_session_price, webinar_session_price, slug, is_email_verified, email_verified_at,
    approval_status, approved_at, published_at, zoom_link, linkedin_url)
  values (
    lower(p_email), p_password_hash, 'Asha', 'Verma', '+91', '9876543210', 'Career coaching',
    'One-to-one career consultation', 'Cracking product interviews (group webinar)',
    'Fifteen years hiring product managers in Bengaluru. I help you plan the next step and prepare for it.',
    180, 1499.00, 499.00, 'demo', true, now(), 'approved', now(), now(),
    'https://zoom.us/j/1234567890', 'https://www.linkedin.com/in/asha-verma-demo')
  returning id into v_id;

  insert into app.availability_rules (consultant_id, session_type, weekday, start_time, end_time, slot_minutes, capacity)
  select v_id, 'personal', wd, time '10:00', time '13:00', 60, 1 from generate_series(1, 5) as wd
  union all
  select v_id, 'personal', 6, time '11:00', time '13:00', 60, 1
  union all
  select v_id, 'webinar', wd, time '18:00', time '19:30', 90, 25 from (values (2), (4)) as w(wd);

  -- The slots up to the horizon, as the daily roll-forward keeps them; the banner counts this week's.
  perform app_private.rematerialise_slots(v_id);
  perform app_private.seed_demo_history(v_id);
  select count(*) into v_slots from app.availability_slots s
  where s.consultant_id = v_id and s.starts_at > now() and s.starts_at < now() + interval '7 days';
  return jsonb_build_object('consultant_id', v_id, 'email', lower(p_email), 'slug', 'demo', 'slots', v_slots);
end;
$$;


ALTER FUNCTION app_private.seed_demo(p_email text, p_password_hash text) OWNER TO nakksha_owner;

--
-- Name: FUNCTION seed_demo(p_email text, p_password_hash text); Type: COMMENT; Schema: app_private; Owner: nakksha_owner
--

COMMENT ON FUNCTION app_private.seed_demo(p_email text, p_password_hash text) IS 'Load the approved demo consultant with prices, availability and 90 days of history, if no consultant exists.';


--
-- Name: seed_demo_history(uuid); Type: FUNCTION; Schema: app_private; Owner: nakksha_owner
--

CREATE FUNCTION app_private.seed_demo_history(p_consultant uuid) RETURNS integer
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_tz text := (select timezone from app.consultants where id = p_consultant);
  v_today date := (now() at time zone (select timezone from app.consultants where id = p_consultant))::date;
  v_clients uuid[];
  v_sessions integer;
begin
  with names(name, i) as (
    select n, i from unnest(array['Rohan Mehta', 'Priya Nair', 'Arjun Iyer', 'Sneha Kulkarni', 'Vikram Rao',
      'Ananya Das', 'Karthik Menon', 'Meera Joshi', 'Aditya Singh', 'Kavya Reddy', 'Nikhil Bansal', 'Ishita Gupta',
      'Siddharth Jain', 'Pooja Pillai', 'Rahul Chatterjee', 'Divya Krishnan', 'Amit Deshpande', 'Neha Agarwal'])
      with ordinality as t(n, i)
  ), added as (
    insert into app.clients (consultant_id, name, email, created_at)
    select p_consultant, name, lower(replace(name, ' ', '.')) || '@example.in', now() - make_interval(days => 100 - i::integer * 4)
    from names
    returning id, created_at
  )
  select array_agg(id order by created_at) into v_clients from added;

  -- One-to-one hours: Monday to Saturday at 10, 11 and 12 (local), about two in five taken.
  create temporary table demo_s on commit drop as
  select d::date as day, h, abs(hashtext(d::date::text || h::text)) % 100 as roll,
         v_clients[1 + abs(hashtext('c' || d::date::text || h::text)) % array_length(v_clients, 1)] as client_id,
         (d::date + make_time(h, 0, 0)) at time zone v_tz as starts_at
  from generate_series(v_today - 90, v_today - 1, interval '1 day') as d, unnest(array[10, 11, 12]) as h
  where extract(isodow from d) between 1 and 6 and abs(hashtext(d::date::text || h::text)) % 100 < 42;

  insert into app.sessions (consultant_id, client_id, session_type, title, starts_at, ends_at, amount, status,
    payment_status, payment_method, meeting_platform, meeting_link, booked_via, hold_expires_at, confirmed_at,
    completed_at, cancelled_at, cancelled_by, cancellation_reason, client_timezone, created_at)
  select p_consultant, s.client_id, 'personal', 'One-to-one career consultation', s.starts_at,
         s.starts_at + interval '1 hour', 1499.00,
         case when s.roll < 34 then 'completed' when s.roll < 37 then 'cancelled' when s.roll < 39 then 'no_show'
              else 'abandoned' end,
         case when s.roll < 34 then 'paid' when s.roll < 37 then 'refunded' when s.roll < 39 then 'paid' else 'failed' end,
         case when s.roll < 39 then 'upi' end, 'zoom', 'https://zoom.us/j/1234567890', 'public',
         case when s.roll >= 39 then s.starts_at - interval '3 days' + interval '15 minutes' end,
         case when s.roll < 39 then s.starts_at - interval '3 days' end,
         case when s.roll < 34 then s.starts_at + interval '1 hour' end,
         case when s.roll between 34 and 36 then s.starts_at - interval '1 day' end,
         case when s.roll between 34 and 36 then 'client' end,
         case when s.roll between 34 and 36 then 'Something came up at work' end, v_tz, s.starts_at - interval '3 days'
  from demo_s s order by s.starts_at;

  -- Webinars: Tuesdays and Thursdays at 18:00 (local), on a slot of 25 seats, three to nine attendees each.
  create temporary table demo_w on commit drop as
  select gen_random_uuid() as slot_id, (d::date + time '18:00') at time zone v_tz as starts_at,
         3 + abs(hashtext('w' || d::date::text)) % 7 as seats
  from generate_series(v_today - 90, v_today - 1, interval '1 day') as d
  where extract(isodow from d) in (2, 4);
  insert into app.availability_slots (id, consultant_id, session_type, starts_at, ends_at, capacity, source, rule_id)
  select w.slot_id, p_consultant, 'webinar', w.starts_at, w.starts_at + interval '90 minutes', 25, 'rule',
         (select r.id from app.availability_rules r where r.consultant_id = p_consultant and r.session_type = 'webinar'
          and r.weekday = extract(isodow from w.starts_at at time zone v_tz) limit 1)
  from demo_w w;
  insert into app.sessions (consultant_id, client_id, slot_id, session_type, title, starts_at, ends_at, amount, status,
    payment_status, payment_method, meeting_platform, meeting_link, booked_via, confirmed_at, completed_at,
    client_timezone, created_at)
  select p_consultant, v_clients[1 + (abs(hashtext(w.slot_id::text)) + n * 5) % array_length(v_clients, 1)], w.slot_id,
         'webinar', 'Cracking product interviews (group webinar)', w.starts_at, w.starts_at + interval '90 minutes',
         499.00, 'completed', 'paid', 'upi', 'zoom', 'https://zoom.us/j/1234567890', 'public',
         w.starts_at - interval '2 days', w.starts_at + interval '90 minutes', v_tz, w.starts_at - interval '2 days'
  from demo_w w, generate_series(1, w.seats) as n;

  -- Coming up: a few of this week's free one-to-one slots, booked and paid.
  insert into app.sessions (consultant_id, client_id, slot_id, session_type, title, starts_at, ends_at, amount, status,
    payment_status, payment_method, meeting_platform, meeting_link, booked_via, confirmed_at, client_timezone, created_at)
  select p_consultant, v_clients[1 + (row_number() over (order by sl.starts_at))::integer * 3 % array_length(v_clients, 1)],
         sl.id, 'personal', 'One-to-one career consultation', sl.starts_at, sl.ends_at, 1499.00, 'confirmed', 'paid', 'upi',
         'zoom', 'https://zoom.us/j/1234567890', 'public', now() - interval '1 day', v_tz, now() - interval '1 day'
  from (select * from app.availability_slots sl
        where sl.consultant_id = p_consultant and sl.session_type = 'personal' and sl.booked_count = 0
          and sl.starts_at > now() + interval '1 day' and sl.starts_at < now() + interval '7 days'
        order by sl.starts_at limit 4) sl;

  -- A repeat client, as a booking decides it: the client had a session (confirmed, held or missed) before this one.
  update app.sessions s set is_repeat_client = true
  where s.consultant_id = p_consultant and exists (
    select 1 from app.sessions e where e.consultant_id = p_consultant and e.client_id = s.client_id
      and e.starts_at < s.starts_at and e.status in ('confirmed', 'completed', 'no_show'));

  -- Their payments (every booked session paid ahead; lapsed holds left none), then the refunds of cancellations.
  -- Ids in Razorpay's shape: in development `nakksha seed-demo` records them in the local gateway too
  -- (app/demo_seed.py), so a refund of a seeded payment goes through like any other.
  insert into app.payment_transactions (consultant_id, purpose, session_id, client_id, amount, gateway,
    gateway_order_id, gateway_payment_id, payment_method, status, paid_at, created_at)
  select s.consultant_id, 'session', s.id, s.client_id, s.amount, 'local', 'order_' || left(replace(s.id::text, '-', ''), 14),
         'pay_' || left(replace(s.id::text, '-', ''), 14), 'upi', 'completed', s.confirmed_at, s.confirmed_at
  from app.sessions s where s.consultant_id = p_consultant and s.status <> 'abandoned';
  insert into app.payment_refunds (consultant_id, transaction_id, amount, reason, initiated_by, status,
    gateway_refund_id, processed_at, created_at)
  select t.consultant_id, t.id, t.amount, 'Cancelled by the client a day ahead', 'client_policy', 'processed',
         'rfnd_' || left(replace(t.id::text, '-', ''), 14), s.cancelled_at, s.cancelled_at
  from app.payment_transactions t join app.sessions s on s.id = t.session_id where s.status = 'cancelled'
    and s.consultant_id = p_consultant;

  -- Quotations at every stage, for bigger engagements.
  insert into app.quotations (consultant_id, client_id, client_name, client_email, quotation_name, description,
    base_amount, discount_percentage, validity_period, expires_at, status, public_token_hash, view_count,
    last_viewed_at, sent_at, responded_at, response_reason, paid_at, created_at)
  select p_consultant, c.id, c.name, c.email, q.name, q.description, q.amount, q.discount, '30 days',
         now() - make_interval(days => q.ago) + interval '30 days', q.status,
         case when q.status <> 'draft' then sha256(convert_to(c.id::text || q.name, 'UTF8')) end,
         case when q.status in ('draft', 'sent') then 0 else 2 end,
         case when q.status not in ('draft', 'sent') then now() - make_interval(days => q.ago - 1) end,
         case when q.status <> 'draft' then now() - make_interval(days => q.ago) end,
         case when q.status in ('accepted', 'rejected') then now() - make_interval(days => q.ago - 2) end,
         case when q.status = 'rejected' then 'We went with an in-house programme this quarter.' end,
         case when q.paid then now() - make_interval(days => q.ago - 3) end,
         now() - make_interval(days => q.ago + 1)
  from (values
      (1, 'Career transition programme (6 sessions)', 'Six weekly sessions with a plan, mock interviews and CV reviews.', 8999.00, 10.00, 'accepted', 80, true),
      (4, 'Interview bootcamp for a team of four', 'Two group workshops and one-to-one mock interviews for each.', 21874.00, 0.00, 'accepted', 52, true),
      (7, 'Leadership coaching, three months', 'Fortnightly sessions for a newly promoted engineering manager.', 18000.00, 5.00, 'accepted', 30, false),
      (9, 'Resume and LinkedIn overhaul', 'Two working sessions and written feedback.', 3499.00, 0.00, 'rejected', 40, false),
      (11, 'Product sense workshop', 'A half-day workshop for a product team.', 12000.00, 15.00, 'viewed', 6, false),
      (13, 'Salary negotiation prep', 'One session and an email review of the offer.', 2499.00, 0.00, 'sent', 3, false),
      (15, 'Quarterly mentoring retainer', 'Monthly calls and async reviews for a quarter.', 15000.00, 0.00, 'draft', 1, false)
    ) as q(client_no, name, description, amount, discount, status, ago, paid)
  join lateral (select cl.id, cl.name, cl.email from app.clients cl where cl.id = v_clients[q.client_no]) c on true;
  -- Their lines: the working sessions and the written follow-up, adding up to each amount.
  insert into app.quotation_items (consultant_id, quotation_id, position, description, quantity, unit_price)
  select q.consultant_id, q.id, l.position, l.description, l.quantity, l.unit_price
  from app.quotations q
  cross join lateral (values
      (1, 'Working sessions, with preparation', 4::numeric, round(q.base_amount * 0.8 / 4, 2)),
      (2, 'Written plan and follow-up review', 1::numeric, q.base_amount - 4 * round(q.base_amount * 0.8 / 4, 2))
    ) as l(position, description, quantity, unit_price)
  where q.consultant_id = p_consultant;
  insert into app.payment_transactions (consultant_id, purpose, quotation_id, client_id, amount, gateway,
    gateway_order_id, gateway_payment_id, payment_method, status, paid_at, created_at)
  select q.consultant_id, 'quotation', q.id, q.client_id, q.final_amount, 'local',
         'order_' || left(replace(q.id::text, '-', ''), 14), 'pay_' || left(replace(q.id::text, '-', ''), 14),
         'netbanking', 'completed', q.paid_at, q.paid_at
  from app.quotations q where q.consultant_id = p_consultant and q.paid_at is not null;

  -- The dashboard's daily figures and the views, as the jobs would have left them.
  perform api.refresh_daily_analytics();
  select count(*) into v_sessions from app.sessions where consultant_id = p_consultant;
  return v_sessions;
end;
$$;


ALTER FUNCTION app_private.seed_demo_history(p_consultant uuid) OWNER TO nakksha_owner;

--
-- Name: FUNCTION seed_demo_history(p_consultant uuid); Type: COMMENT; Schema: app_private; Owner: nakksha_owner
--

COMMENT ON FUNCTION app_private.seed_demo_history(p_consultant uuid) IS 'Ninety days of the demo consultant''s practice (sessions, webinars, payments, refunds, clients, quotations), written through the tables'' triggers; the daily analytics rebuilt.';


--
-- Name: session_mail_data(app.sessions); Type: FUNCTION; Schema: app_private; Owner: nakksha_owner
--

CREATE FUNCTION app_private.session_mail_data(p_s app.sessions) RETURNS jsonb
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  select jsonb_build_object('session_id', p_s.id, 'reschedule_count', p_s.reschedule_count,
    'consultant_name', c.first_name || ' ' || c.last_name, 'consultant_slug', c.slug,
    -- The name and email typed at a public booking (the client record is not rewritten by one), else the record's.
    'client_name', coalesce(p_s.client_name, cl.name), 'client_email', coalesce(p_s.client_email, cl.email)::text,
    'title', p_s.title, 'session_type', p_s.session_type,
    'starts_at', p_s.starts_at, 'ends_at', p_s.ends_at, 'timezone', c.timezone,
    'duration_minutes', p_s.duration_minutes, 'amount', p_s.amount::text, 'currency', p_s.currency,
    'meeting_link', p_s.meeting_link, 'meeting_id', p_s.meeting_id, 'meeting_password', p_s.meeting_password,
    'cancellation_reason', p_s.cancellation_reason, 'cancelled_by', p_s.cancelled_by,
    'payment_status', p_s.payment_status, 'booked_via', p_s.booked_via,
    -- Whether an invitation was ever queued for this session (a booking confirmed once): only then does a
    -- cancellation carry the calendar's CANCEL for it (a booking cancelled before it was confirmed sent none).
    'invited', exists (select 1 from app.email_logs l where l.session_id = p_s.id
                       and l.email_type in ('session_confirmation', 'session_booked')),
    -- The other party's zone, for the second time line ("… for Asha"): the consultant's mails show the
    -- client's zone (when the booking recorded it), the client's show the consultant's (set below).
    'other_timezone', p_s.client_timezone, 'other_name', coalesce(p_s.client_name, cl.name))
    || case when p_s.manage_link_encrypted is not null
            then jsonb_build_object('manage_url_encrypted', p_s.manage_link_encrypted) else '{}' end
  from app.consultants c, app.clients cl
  where c.id = p_s.consultant_id and cl.id = p_s.client_id
$$;


ALTER FUNCTION app_private.session_mail_data(p_s app.sessions) OWNER TO nakksha_owner;

--
-- Name: FUNCTION session_mail_data(p_s app.sessions); Type: COMMENT; Schema: app_private; Owner: nakksha_owner
--

COMMENT ON FUNCTION app_private.session_mail_data(p_s app.sessions) IS 'What every session mail needs to say (names, time with its zone, amount, links).';


--
-- Name: set_approval(uuid, text, text, text, boolean); Type: FUNCTION; Schema: app_private; Owner: nakksha_owner
--

CREATE FUNCTION app_private.set_approval(p_consultant_id uuid, p_to text, p_reason text, p_acting_admin_email text, p_cancel_upcoming boolean DEFAULT false) RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_actor uuid := app_private.require_admin(p_acting_admin_email);
  v_c app.consultants;
  v_from text;
  v_action text := case p_to when 'approved' then 'approve' when 'rejected' then 'reject'
                             when 'suspended' then 'suspend' else p_to end;
  v_email text;
  v_s app.sessions;
  v_cancelled integer := 0;
begin
  select * into v_c from app.consultants where id = p_consultant_id and deleted_at is null for update;
  if v_c.id is null then
    raise exception using errcode = 'NK404', message = 'not_found', detail = 'No such consultant.';
  end if;
  v_from := v_c.approval_status;
  if not ((v_from = 'pending' and p_to in ('approved', 'rejected'))
          or (v_from = 'rejected' and p_to = 'approved')
          or (v_from = 'approved' and p_to = 'suspended')
          or (v_from = 'suspended' and p_to = 'reactivated')) then
    raise exception using errcode = 'NK409', message = 'invalid_transition',
      detail = format('A %s consultant cannot be %s.', v_from, case p_to when 'reactivated' then 'reactivated' else p_to end);
  end if;
  -- An account is approved only once its owner has shown the address is theirs: otherwise anyone could sign up
  -- with someone else's address and have an admin publish a page (and send mail) in that person's name.
  if p_to = 'approved' and not v_c.is_email_verified then
    raise exception using errcode = 'NK409', message = 'email_unverified',
      detail = format('%s has not confirmed their email address yet; approve them once they have '
                      '(they can send themselves a new link).', v_c.email);
  end if;
  if p_to in ('rejected', 'suspended') and nullif(btrim(coalesce(p_reason, '')), '') is null then
    raise exception using errcode = 'NK422', message = 'reason_required', detail = 'Give a reason.', hint = 'field:reason';
  end if;
  update app.consultants set
    approval_status = case p_to when 'reactivated' then 'approved' else p_to end,
    approved_at = case when p_to = 'approved' then now() else approved_at end,
    approved_by = case when p_to = 'approved' then v_actor else approved_by end,
    rejection_reason = case when p_to in ('rejected', 'suspended') then btrim(p_reason)
                            when p_to in ('approved', 'reactivated') then null else rejection_reason end
  where id = v_c.id returning * into v_c;
  if p_to = 'suspended' then
    -- A suspended consultant's sessions end now, not when their tokens expire (they sign in again to a read-only
    -- dashboard that tells them why).
    perform app_private.revoke_families(v_c.id, null, 'suspended');
    -- On request, their clients are not left waiting for sessions that may not happen: every upcoming paid
    -- session is cancelled and refunded in full, the one way a session is called off for its client.
    if p_cancel_upcoming then
      for v_s in select * from app.sessions s where s.id in (select u.id from api.upcoming_paid_sessions(v_c.id) u)
                 order by s.starts_at for update loop
        perform app_private.cancel_for_client(v_s, 'system', 'The consultant''s account was suspended',
                                              'The consultant''s account was suspended', 'admin');
        v_cancelled := v_cancelled + 1;
      end loop;
    end if;
  end if;
  perform app_private.audit(v_actor, 'consultant.' || case p_to when 'reactivated' then 'reactivate' else v_action end,
    'consultant', v_c.id, jsonb_build_object('from', v_from, 'to', v_c.approval_status, 'reason', p_reason)
      || case when p_to = 'suspended' then jsonb_build_object('sessions_cancelled', v_cancelled) else '{}' end);
  v_email := 'account_' || case p_to when 'approved' then 'approved' when 'rejected' then 'rejected'
                                     when 'suspended' then 'suspended' else 'reactivated' end;
  -- An address its owner never confirmed (a rejected signup: anyone can sign up with anyone's address) is greeted
  -- by no name: the name is whatever the signup typed, and a stranger would read it as the platform's words.
  perform app_private.queue_email(v_email, v_c.email::text,
    case when v_c.is_email_verified then v_c.first_name || ' ' || v_c.last_name end,
    jsonb_build_object('first_name', case when v_c.is_email_verified then v_c.first_name else '' end,
                       'slug', v_c.slug, 'reason', p_reason),
    p_consultant_id => v_c.id);
  return api.admin_consultant_json(v_c.id);
end;
$$;


ALTER FUNCTION app_private.set_approval(p_consultant_id uuid, p_to text, p_reason text, p_acting_admin_email text, p_cancel_upcoming boolean) OWNER TO nakksha_owner;

--
-- Name: FUNCTION set_approval(p_consultant_id uuid, p_to text, p_reason text, p_acting_admin_email text, p_cancel_upcoming boolean); Type: COMMENT; Schema: app_private; Owner: nakksha_owner
--

COMMENT ON FUNCTION app_private.set_approval(p_consultant_id uuid, p_to text, p_reason text, p_acting_admin_email text, p_cancel_upcoming boolean) IS 'Move a consultant through the approval state machine; audited, emailed.';


--
-- Name: setting_as_stored(text, jsonb); Type: FUNCTION; Schema: app_private; Owner: nakksha_owner
--

CREATE FUNCTION app_private.setting_as_stored(p_key text, p_value jsonb) RETURNS jsonb
    LANGUAGE sql IMMUTABLE
    SET search_path TO ''
    AS $_$
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
$_$;


ALTER FUNCTION app_private.setting_as_stored(p_key text, p_value jsonb) OWNER TO nakksha_owner;

--
-- Name: FUNCTION setting_as_stored(p_key text, p_value jsonb); Type: COMMENT; Schema: app_private; Owner: nakksha_owner
--

COMMENT ON FUNCTION app_private.setting_as_stored(p_key text, p_value jsonb) IS 'A setting''s value as kept (plan prices sent as strings become numbers).';


--
-- Name: setting_integer(text); Type: FUNCTION; Schema: app_private; Owner: nakksha_owner
--

CREATE FUNCTION app_private.setting_integer(p_key text) RETURNS integer
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  -- The stored value, else the low end of its range (a deleted row must not lift a limit); every whole-number
  -- setting is in setting_bounds, so an unknown key is a bug and answers NULL.
  select coalesce((select (s.value #>> '{}')::integer from app.platform_settings s where s.key = p_key),
                  (api.setting_bounds()->p_key->>0)::integer)
$$;


ALTER FUNCTION app_private.setting_integer(p_key text) OWNER TO nakksha_owner;

--
-- Name: FUNCTION setting_integer(p_key text); Type: COMMENT; Schema: app_private; Owner: nakksha_owner
--

COMMENT ON FUNCTION app_private.setting_integer(p_key text) IS 'A whole-number platform setting (checked by check_setting), or its minimum when the row is missing.';


--
-- Name: settle_refund(uuid, text, text, text); Type: FUNCTION; Schema: app_private; Owner: nakksha_owner
--

CREATE FUNCTION app_private.settle_refund(p_refund_id uuid, p_status text, p_gateway_refund_id text, p_failure text) RETURNS app.payment_refunds
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_r app.payment_refunds;
  v_t app.payment_transactions;
  v_s app.sessions;
begin
  select * into v_r from app.payment_refunds where id = p_refund_id;
  select * into v_t from app.payment_transactions where id = v_r.transaction_id;
  select * into v_s from app.sessions where id = v_t.session_id for update;
  select * into v_r from app.payment_refunds where id = p_refund_id for update;
  -- Settled already (a job that ran twice, a webhook after the job): nothing more to do.
  if v_r.status <> 'pending' then
    return v_r;
  end if;
  update app.payment_refunds set
    gateway_refund_id = coalesce(p_gateway_refund_id, gateway_refund_id),
    status = p_status,
    failure_reason = case when p_status = 'failed' then coalesce(p_failure, 'The gateway refused the refund.') end
  where id = v_r.id returning * into v_r;
  if p_status = 'processed' and v_s.id is not null then
    select * into v_s from app.sessions where id = v_s.id;
    perform app_private.queue_session_emails(v_s, 'refund_processed',
      jsonb_build_object('refund_amount', v_r.amount::text, 'refund_reason', v_r.reason));
  end if;
  return v_r;
end;
$$;


ALTER FUNCTION app_private.settle_refund(p_refund_id uuid, p_status text, p_gateway_refund_id text, p_failure text) OWNER TO nakksha_owner;

--
-- Name: FUNCTION settle_refund(p_refund_id uuid, p_status text, p_gateway_refund_id text, p_failure text); Type: COMMENT; Schema: app_private; Owner: nakksha_owner
--

COMMENT ON FUNCTION app_private.settle_refund(p_refund_id uuid, p_status text, p_gateway_refund_id text, p_failure text) IS 'A refund''s outcome from the gateway (processed, failed, or still pending with its id); idempotent.';


--
-- Name: sign_in_buckets(text, text, text); Type: FUNCTION; Schema: app_private; Owner: nakksha_owner
--

CREATE FUNCTION app_private.sign_in_buckets(p_kind text, p_account text, p_ip text) RETURNS TABLE(bucket text, setting text, window_seconds integer, ceiling boolean)
    LANGUAGE sql IMMUTABLE
    SET search_path TO ''
    AS $$
  -- Always in this order (the lock order of begin_sign_in and forgive_sign_in: no deadlock between them).
  -- A space separates the account from the address: neither may contain one.
  select 'sign_in:' || p_kind || ':' || b.scope, b.setting, b.window_seconds, b.ord = 3
  from (values
    (1, 'account_ip:' || app_private.account_key(p_account) || ' ' || coalesce(nullif(btrim(p_ip), ''), 'unknown'),
        'login_failures_per_account_ip', 900),
    (2, 'ip:' || coalesce(nullif(btrim(p_ip), ''), 'unknown'), 'login_failures_per_ip', 900),
    (3, 'account:' || app_private.account_key(p_account), 'login_failures_per_account', 3600)
  ) as b(ord, scope, setting, window_seconds)
  order by b.ord
$$;


ALTER FUNCTION app_private.sign_in_buckets(p_kind text, p_account text, p_ip text) OWNER TO nakksha_owner;

--
-- Name: FUNCTION sign_in_buckets(p_kind text, p_account text, p_ip text); Type: COMMENT; Schema: app_private; Owner: nakksha_owner
--

COMMENT ON FUNCTION app_private.sign_in_buckets(p_kind text, p_account text, p_ip text) IS 'The three failed-sign-in buckets of an attempt (account and IP, IP, account ceiling), in lock order, with their setting and window.';


--
-- Name: slot_budget(uuid); Type: FUNCTION; Schema: app_private; Owner: nakksha_owner
--

CREATE FUNCTION app_private.slot_budget(p_consultant_id uuid) RETURNS integer
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  -- For each active rule its rule_slot_count over the consultant's horizon, plus the one-off slots still to come.
  -- An upper bound of what rematerialise_slots makes (it leaves out past times, blocked ranges and DST gaps), so
  -- a consultant under it is under the cap.
  select coalesce(sum(app_private.rule_slot_count(r, t.today, c.max_days_ahead)), 0)::integer
       + (select count(*)::integer from app.availability_slots s
          where s.consultant_id = p_consultant_id and s.source = 'manual' and s.starts_at > now())
  from app.consultants c
  cross join lateral (select (now() at time zone c.timezone)::date as today) t
  left join app.availability_rules r on r.consultant_id = c.id and r.is_active
  where c.id = p_consultant_id
$$;


ALTER FUNCTION app_private.slot_budget(p_consultant_id uuid) OWNER TO nakksha_owner;

--
-- Name: FUNCTION slot_budget(p_consultant_id uuid); Type: COMMENT; Schema: app_private; Owner: nakksha_owner
--

COMMENT ON FUNCTION app_private.slot_budget(p_consultant_id uuid) IS 'How many future slots a consultant''s active rules (over their horizon) and one-off slots come to, at most.';


--
-- Name: slot_clear(uuid, integer, uuid, text, timestamp with time zone, timestamp with time zone, uuid); Type: FUNCTION; Schema: app_private; Owner: nakksha_owner
--

CREATE FUNCTION app_private.slot_clear(p_consultant_id uuid, p_buffer_minutes integer, p_slot_id uuid, p_session_type text, p_starts_at timestamp with time zone, p_ends_at timestamp with time zone, p_ignore_session uuid) RETURNS boolean
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  -- One slot's time asked exactly: not blocked, not busy on a connected calendar (cached by the
  -- refresh_calendar_busy job), and overlapping no live occupancy (the slot's buffer included) other than its own
  -- webinar seats and p_ignore_session (the booking being moved).
  select not exists (select 1 from app.availability_blocks b
                     where b.consultant_id = p_consultant_id
                       and tstzrange(b.starts_at, b.ends_at) && tstzrange(p_starts_at, p_ends_at))
    and not exists (select 1 from app.calendar_busy cb
                    where cb.consultant_id = p_consultant_id and cb.during && tstzrange(p_starts_at, p_ends_at, '[)'))
    and not exists (select 1 from app.sessions x
                    where x.consultant_id = p_consultant_id
                      and x.status in ('pending', 'confirmed', 'completed', 'no_show')
                      and not (x.status = 'pending' and x.hold_expires_at <= now())
                      and x.id is distinct from p_ignore_session
                      and x.occupied_during && tstzrange(p_starts_at, p_ends_at + make_interval(mins => p_buffer_minutes), '[)')
                      -- (a session with no slot, booked from the dashboard, blocks a webinar too)
                      and not (p_session_type = 'webinar' and x.slot_id is not distinct from p_slot_id))
$$;


ALTER FUNCTION app_private.slot_clear(p_consultant_id uuid, p_buffer_minutes integer, p_slot_id uuid, p_session_type text, p_starts_at timestamp with time zone, p_ends_at timestamp with time zone, p_ignore_session uuid) OWNER TO nakksha_owner;

--
-- Name: FUNCTION slot_clear(p_consultant_id uuid, p_buffer_minutes integer, p_slot_id uuid, p_session_type text, p_starts_at timestamp with time zone, p_ends_at timestamp with time zone, p_ignore_session uuid); Type: COMMENT; Schema: app_private; Owner: nakksha_owner
--

COMMENT ON FUNCTION app_private.slot_clear(p_consultant_id uuid, p_buffer_minutes integer, p_slot_id uuid, p_session_type text, p_starts_at timestamp with time zone, p_ends_at timestamp with time zone, p_ignore_session uuid) IS 'Whether one slot''s time is clear of blocks, calendar busy time and other live occupancy (buffer included; its own webinar seats and p_ignore_session do not count): free_slots'' exact question for the slots its busy-time summary cannot settle.';


--
-- Name: slot_is_free(app.consultants, app.availability_slots, uuid); Type: FUNCTION; Schema: app_private; Owner: nakksha_owner
--

CREATE FUNCTION app_private.slot_is_free(p_c app.consultants, p_s app.availability_slots, p_ignore_session uuid) RETURNS boolean
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
  -- free_slots asked about this one slot: the range that holds only its start time (and its type: one slot per
  -- consultant, type and start), so the answer is one index probe away.
  select exists (select 1 from app_private.free_slots(p_c, p_s.session_type, p_s.starts_at,
                                                      p_s.starts_at + interval '1 microsecond', 1, p_ignore_session) f
                 where f.slot_id = p_s.id)
$$;


ALTER FUNCTION app_private.slot_is_free(p_c app.consultants, p_s app.availability_slots, p_ignore_session uuid) OWNER TO nakksha_owner;

--
-- Name: FUNCTION slot_is_free(p_c app.consultants, p_s app.availability_slots, p_ignore_session uuid); Type: COMMENT; Schema: app_private; Owner: nakksha_owner
--

COMMENT ON FUNCTION app_private.slot_is_free(p_c app.consultants, p_s app.availability_slots, p_ignore_session uuid) IS 'Whether a slot can be booked right now under the consultant''s policy (app_private.free_slots for one slot).';


--
-- Name: start_session(uuid, uuid, bytea, timestamp with time zone, text, inet); Type: FUNCTION; Schema: app_private; Owner: nakksha_owner
--

CREATE FUNCTION app_private.start_session(p_consultant_id uuid, p_admin_id uuid, p_refresh_hash bytea, p_expires_at timestamp with time zone, p_user_agent text, p_ip inet) RETURNS void
    LANGUAGE sql
    SET search_path TO ''
    AS $$
  -- A new family (one login on one device) with its first refresh token.
  with family as (
    insert into app.refresh_token_families (consultant_id, admin_id, user_agent, ip)
    values (p_consultant_id, p_admin_id, left(p_user_agent, 500), p_ip)
    returning id)
  insert into app.refresh_tokens (family_id, token_hash, expires_at)
  select family.id, p_refresh_hash, p_expires_at from family
$$;


ALTER FUNCTION app_private.start_session(p_consultant_id uuid, p_admin_id uuid, p_refresh_hash bytea, p_expires_at timestamp with time zone, p_user_agent text, p_ip inet) OWNER TO nakksha_owner;

--
-- Name: FUNCTION start_session(p_consultant_id uuid, p_admin_id uuid, p_refresh_hash bytea, p_expires_at timestamp with time zone, p_user_agent text, p_ip inet); Type: COMMENT; Schema: app_private; Owner: nakksha_owner
--

COMMENT ON FUNCTION app_private.start_session(p_consultant_id uuid, p_admin_id uuid, p_refresh_hash bytea, p_expires_at timestamp with time zone, p_user_agent text, p_ip inet) IS 'Open a refresh-token family for a consultant or an admin.';


--
-- Name: take_recipient_mail(text); Type: FUNCTION; Schema: app_private; Owner: nakksha_owner
--

CREATE FUNCTION app_private.take_recipient_mail(p_email text) RETURNS void
    LANGUAGE plpgsql
    SET search_path TO ''
    AS $$
declare
  v_wait integer := app_private.count_recipient_mail(p_email);
begin
  -- For the account mails anyone can ask for with an address they typed (signup, resend, password reset): past
  -- the mailbox's day, NK429 with Retry-After, and the caller's transaction rolls back with the count, so a
  -- refused request creates nothing and counts nothing.
  if v_wait > 0 then
    perform app_private.too_many('rate_limited',
      'This email address has received the most emails we may send it today; try again tomorrow.', v_wait);
  end if;
end;
$$;


ALTER FUNCTION app_private.take_recipient_mail(p_email text) OWNER TO nakksha_owner;

--
-- Name: FUNCTION take_recipient_mail(p_email text); Type: COMMENT; Schema: app_private; Owner: nakksha_owner
--

COMMENT ON FUNCTION app_private.take_recipient_mail(p_email text) IS 'Count one anonymous-caused mail to a mailbox, or NK429 rate_limited (Retry-After until the UTC day ends) when its day is full.';


--
-- Name: too_many(text, text, numeric); Type: FUNCTION; Schema: app_private; Owner: nakksha_owner
--

CREATE FUNCTION app_private.too_many(p_code text, p_detail text, p_wait_seconds numeric) RETURNS void
    LANGUAGE plpgsql IMMUTABLE
    SET search_path TO ''
    AS $$
begin
  -- NK429 with the seconds to wait in the hint; the app answers them as Retry-After.
  raise exception using errcode = 'NK429', message = p_code, detail = p_detail,
    hint = 'retry_after:' || greatest(1, ceil(coalesce(p_wait_seconds, 60)))::integer;
end;
$$;


ALTER FUNCTION app_private.too_many(p_code text, p_detail text, p_wait_seconds numeric) OWNER TO nakksha_owner;

--
-- Name: FUNCTION too_many(p_code text, p_detail text, p_wait_seconds numeric); Type: COMMENT; Schema: app_private; Owner: nakksha_owner
--

COMMENT ON FUNCTION app_private.too_many(p_code text, p_detail text, p_wait_seconds numeric) IS 'Raise NK429 with Retry-After seconds (at least 1).';


--
-- Name: utc_text(timestamp with time zone); Type: FUNCTION; Schema: app_private; Owner: nakksha_owner
--

CREATE FUNCTION app_private.utc_text(p_t timestamp with time zone) RETURNS text
    LANGUAGE sql STABLE
    AS $$
  -- No pinned search_path, so that it is inlined into the slot list's query (a call per time stamp cost more than
  -- the rest of a slot); it names nothing outside pg_catalog, which is searched first whatever the path.
  -- An instant as UTC ISO 8601 text, '2026-12-06T09:30:00+00:00' (a fraction of a second only when there is one,
  -- trailing zeros dropped: '…09:30:00.5+00:00'), whatever the session's time zone.
  select replace(to_json(p_t at time zone 'UTC')::text, '"', '') || '+00:00'
$$;


ALTER FUNCTION app_private.utc_text(p_t timestamp with time zone) OWNER TO nakksha_owner;

--
-- Name: FUNCTION utc_text(p_t timestamp with time zone); Type: COMMENT; Schema: app_private; Owner: nakksha_owner
--

COMMENT ON FUNCTION app_private.utc_text(p_t timestamp with time zone) IS 'An instant as UTC ISO 8601 text (2026-12-06T09:30:00+00:00): how the slot list states its times.';


--
-- Name: procrastinate_cancel_job_v1(bigint, boolean, boolean); Type: FUNCTION; Schema: public; Owner: nakksha_owner
--

CREATE FUNCTION public.procrastinate_cancel_job_v1(job_id bigint, abort boolean, delete_job boolean) RETURNS bigint
    LANGUAGE plpgsql
    AS $$
DECLARE
    _job_id bigint;
BEGIN
    IF delete_job THEN
        DELETE FROM procrastinate_jobs
        WHERE id = job_id AND status = 'todo'
        RETURNING id INTO _job_id;
    END IF;
    IF _job_id IS NULL THEN
        IF abort THEN
            UPDATE procrastinate_jobs
            SET abort_requested = true,
                status = CASE status
                    WHEN 'todo' THEN 'cancelled'::procrastinate_job_status ELSE status
                END
            WHERE id = job_id AND status IN ('todo', 'doing')
            RETURNING id INTO _job_id;
        ELSE
            UPDATE procrastinate_jobs
            SET status = 'cancelled'::procrastinate_job_status
            WHERE id = job_id AND status = 'todo'
            RETURNING id INTO _job_id;
        END IF;
    END IF;
    RETURN _job_id;
END;
$$;


ALTER FUNCTION public.procrastinate_cancel_job_v1(job_id bigint, abort boolean, delete_job boolean) OWNER TO nakksha_owner;

--
-- Name: procrastinate_defer_jobs_v1(public.procrastinate_job_to_defer_v1[]); Type: FUNCTION; Schema: public; Owner: nakksha_owner
--

CREATE FUNCTION public.procrastinate_defer_jobs_v1(jobs public.procrastinate_job_to_defer_v1[]) RETURNS bigint[]
    LANGUAGE plpgsql
    AS $$
DECLARE
    job_ids bigint[];
BEGIN
    WITH inserted_jobs AS (
        INSERT INTO procrastinate_jobs (queue_name, task_name, priority, lock, queueing_lock, args, scheduled_at)
        SELECT (job).queue_name,
               (job).task_name,
               (job).priority,
               (job).lock,
               (job).queueing_lock,
               (job).args,
               (job).scheduled_at
        FROM unnest(jobs) AS job
        RETURNING id
    )
    SELECT array_agg(id) FROM inserted_jobs INTO job_ids;

    RETURN job_ids;
END;
$$;


ALTER FUNCTION public.procrastinate_defer_jobs_v1(jobs public.procrastinate_job_to_defer_v1[]) OWNER TO nakksha_owner;

--
-- Name: procrastinate_defer_periodic_job_v2(character varying, character varying, character varying, character varying, integer, character varying, bigint, jsonb); Type: FUNCTION; Schema: public; Owner: nakksha_owner
--

CREATE FUNCTION public.procrastinate_defer_periodic_job_v2(_queue_name character varying, _lock character varying, _queueing_lock character varying, _task_name character varying, _priority integer, _periodic_id character varying, _defer_timestamp bigint, _args jsonb) RETURNS bigint
    LANGUAGE plpgsql
    AS $$
DECLARE
	_job_id bigint;
	_defer_id bigint;
BEGIN
    INSERT
        INTO procrastinate_periodic_defers (task_name, periodic_id, defer_timestamp)
        VALUES (_task_name, _periodic_id, _defer_timestamp)
        ON CONFLICT DO NOTHING
        RETURNING id into _defer_id;

    IF _defer_id IS NULL THEN
        RETURN NULL;
    END IF;

    UPDATE procrastinate_periodic_defers
        SET job_id = (
            SELECT COALESCE((
                SELECT unnest(procrastinate_defer_jobs_v1(
                    ARRAY[
                        ROW(
                            _queue_name,
                            _task_name,
                            _priority,
                            _lock,
                            _queueing_lock,
                            _args,
                            NULL::timestamptz
                        )
                    ]::procrastinate_job_to_defer_v1[]
                ))
            ), NULL)
        )
        WHERE id = _defer_id
        RETURNING job_id INTO _job_id;

    DELETE
        FROM procrastinate_periodic_defers
        USING (
            SELECT id
            FROM procrastinate_periodic_defers
            WHERE procrastinate_periodic_defers.task_name = _task_name
            AND procrastinate_periodic_defers.periodic_id = _periodic_id
            AND procrastinate_periodic_defers.defer_timestamp < _defer_timestamp
            ORDER BY id
            FOR UPDATE
        ) to_delete
        WHERE procrastinate_periodic_defers.id = to_delete.id;

    RETURN _job_id;
END;
$$;


ALTER FUNCTION public.procrastinate_defer_periodic_job_v2(_queue_name character varying, _lock character varying, _queueing_lock character varying, _task_name character varying, _priority integer, _periodic_id character varying, _defer_timestamp bigint, _args jsonb) OWNER TO nakksha_owner;

--
-- Name: procrastinate_jobs; Type: TABLE; Schema: public; Owner: nakksha_owner
--

CREATE TABLE public.procrastinate_jobs (
    id bigint NOT NULL,
    queue_name character varying(128) NOT NULL,
    task_name character varying(128) NOT NULL,
    priority integer DEFAULT 0 NOT NULL,
    lock text,
    queueing_lock text,
    args jsonb DEFAULT '{}'::jsonb NOT NULL,
    status public.procrastinate_job_status DEFAULT 'todo'::public.procrastinate_job_status NOT NULL,
    scheduled_at timestamp with time zone,
    attempts integer DEFAULT 0 NOT NULL,
    abort_requested boolean DEFAULT false NOT NULL,
    worker_id bigint,
    CONSTRAINT check_not_todo_abort_requested CHECK ((NOT ((status = 'todo'::public.procrastinate_job_status) AND (abort_requested = true))))
);


ALTER TABLE public.procrastinate_jobs OWNER TO nakksha_owner;

--
-- Name: procrastinate_fetch_job_v2(character varying[], bigint); Type: FUNCTION; Schema: public; Owner: nakksha_owner
--

CREATE FUNCTION public.procrastinate_fetch_job_v2(target_queue_names character varying[], p_worker_id bigint) RETURNS public.procrastinate_jobs
    LANGUAGE plpgsql
    AS $$
DECLARE
	found_jobs procrastinate_jobs;
BEGIN
    WITH candidate AS (
        SELECT jobs.*
            FROM procrastinate_jobs AS jobs
            WHERE
                -- reject the job if its lock has earlier or higher priority jobs
                NOT EXISTS (
                    SELECT 1
                        FROM procrastinate_jobs AS other_jobs
                        WHERE
                            jobs.lock IS NOT NULL
                            AND other_jobs.lock = jobs.lock
                            AND (
                                -- job with same lock is already running
                                other_jobs.status = 'doing'
                                OR
                                -- job with same lock is waiting and has higher priority (or same priority but was queued first)
                                (
                                    other_jobs.status = 'todo'
                                    AND (
                                        other_jobs.priority > jobs.priority
                                        OR (
                                        other_jobs.priority = jobs.priority
                                        AND other_jobs.id < jobs.id
                                        )
                                    )
                                )
                            )
                )
                AND jobs.status = 'todo'
                AND (target_queue_names IS NULL OR jobs.queue_name = ANY( target_queue_names ))
                AND (jobs.scheduled_at IS NULL OR jobs.scheduled_at <= now())
            ORDER BY jobs.priority DESC, jobs.id ASC LIMIT 1
            FOR UPDATE OF jobs SKIP LOCKED
    )
    UPDATE procrastinate_jobs
        SET status = 'doing', worker_id = p_worker_id
        FROM candidate
        WHERE procrastinate_jobs.id = candidate.id
        RETURNING procrastinate_jobs.* INTO found_jobs;

 RETURN found_jobs;
END;
$$;


ALTER FUNCTION public.procrastinate_fetch_job_v2(target_queue_names character varying[], p_worker_id bigint) OWNER TO nakksha_owner;

--
-- Name: procrastinate_finish_job_v1(bigint, public.procrastinate_job_status, boolean); Type: FUNCTION; Schema: public; Owner: nakksha_owner
--

CREATE FUNCTION public.procrastinate_finish_job_v1(job_id bigint, end_status public.procrastinate_job_status, delete_job boolean) RETURNS void
    LANGUAGE plpgsql
    AS $$
DECLARE
    _job_id bigint;
BEGIN
    IF end_status NOT IN ('succeeded', 'failed', 'aborted') THEN
        RAISE 'End status should be either "succeeded", "failed" or "aborted" (job id: %)', job_id;
    END IF;
    IF delete_job THEN
        DELETE FROM procrastinate_jobs
        WHERE id = job_id AND status IN ('todo', 'doing')
        RETURNING id INTO _job_id;
    ELSE
        UPDATE procrastinate_jobs
        SET status = end_status,
            abort_requested = false,
            attempts = CASE status
                WHEN 'doing' THEN attempts + 1 ELSE attempts
            END
        WHERE id = job_id AND status IN ('todo', 'doing')
        RETURNING id INTO _job_id;
    END IF;
    IF _job_id IS NULL THEN
        RAISE 'Job was not found or not in "doing" or "todo" status (job id: %)', job_id;
    END IF;
END;
$$;


ALTER FUNCTION public.procrastinate_finish_job_v1(job_id bigint, end_status public.procrastinate_job_status, delete_job boolean) OWNER TO nakksha_owner;

--
-- Name: procrastinate_notify_queue_abort_job_v1(); Type: FUNCTION; Schema: public; Owner: nakksha_owner
--

CREATE FUNCTION public.procrastinate_notify_queue_abort_job_v1() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
DECLARE
    payload TEXT;
BEGIN
    SELECT json_build_object('type', 'abort_job_requested', 'job_id', NEW.id)::text INTO payload;
	PERFORM pg_notify('procrastinate_queue_v1#' || NEW.queue_name, payload);
	PERFORM pg_notify('procrastinate_any_queue_v1', payload);
	RETURN NEW;
END;
$$;


ALTER FUNCTION public.procrastinate_notify_queue_abort_job_v1() OWNER TO nakksha_owner;

--
-- Name: procrastinate_notify_queue_job_inserted_v1(); Type: FUNCTION; Schema: public; Owner: nakksha_owner
--

CREATE FUNCTION public.procrastinate_notify_queue_job_inserted_v1() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
DECLARE
    payload TEXT;
BEGIN
    SELECT json_build_object('type', 'job_inserted', 'job_id', NEW.id)::text INTO payload;
	PERFORM pg_notify('procrastinate_queue_v1#' || NEW.queue_name, payload);
	PERFORM pg_notify('procrastinate_any_queue_v1', payload);
	RETURN NEW;
END;
$$;


ALTER FUNCTION public.procrastinate_notify_queue_job_inserted_v1() OWNER TO nakksha_owner;

--
-- Name: procrastinate_prune_stalled_workers_v1(double precision); Type: FUNCTION; Schema: public; Owner: nakksha_owner
--

CREATE FUNCTION public.procrastinate_prune_stalled_workers_v1(seconds_since_heartbeat double precision) RETURNS TABLE(worker_id bigint)
    LANGUAGE plpgsql
    AS $$
BEGIN
    RETURN QUERY
    DELETE FROM procrastinate_workers
    WHERE last_heartbeat < NOW() - (seconds_since_heartbeat || 'SECOND')::INTERVAL
    RETURNING procrastinate_workers.id;
END;
$$;


ALTER FUNCTION public.procrastinate_prune_stalled_workers_v1(seconds_since_heartbeat double precision) OWNER TO nakksha_owner;

--
-- Name: procrastinate_register_worker_v1(); Type: FUNCTION; Schema: public; Owner: nakksha_owner
--

CREATE FUNCTION public.procrastinate_register_worker_v1() RETURNS TABLE(worker_id bigint)
    LANGUAGE plpgsql
    AS $$
BEGIN
    RETURN QUERY
    INSERT INTO procrastinate_workers DEFAULT VALUES
    RETURNING procrastinate_workers.id;
END;
$$;


ALTER FUNCTION public.procrastinate_register_worker_v1() OWNER TO nakksha_owner;

--
-- Name: procrastinate_retry_job_v1(bigint, timestamp with time zone, integer, character varying, character varying); Type: FUNCTION; Schema: public; Owner: nakksha_owner
--

CREATE FUNCTION public.procrastinate_retry_job_v1(job_id bigint, retry_at timestamp with time zone, new_priority integer, new_queue_name character varying, new_lock character varying) RETURNS void
    LANGUAGE plpgsql
    AS $$
DECLARE
    _job_id bigint;
    _abort_requested boolean;
BEGIN
    SELECT abort_requested FROM procrastinate_jobs
    WHERE id = job_id AND status = 'doing'
    FOR UPDATE
    INTO _abort_requested;
    IF _abort_requested THEN
        UPDATE procrastinate_jobs
        SET status = 'failed'::procrastinate_job_status
        WHERE id = job_id AND status = 'doing'
        RETURNING id INTO _job_id;
    ELSE
        UPDATE procrastinate_jobs
        SET status = 'todo'::procrastinate_job_status,
            attempts = attempts + 1,
            scheduled_at = retry_at,
            priority = COALESCE(new_priority, priority),
            queue_name = COALESCE(new_queue_name, queue_name),
            lock = COALESCE(new_lock, lock)
        WHERE id = job_id AND status = 'doing'
        RETURNING id INTO _job_id;
    END IF;

    IF _job_id IS NULL THEN
        RAISE 'Job was not found or not in "doing" status (job id: %)', job_id;
    END IF;
END;
$$;


ALTER FUNCTION public.procrastinate_retry_job_v1(job_id bigint, retry_at timestamp with time zone, new_priority integer, new_queue_name character varying, new_lock character varying) OWNER TO nakksha_owner;

--
-- Name: procrastinate_retry_job_v2(bigint, timestamp with time zone, integer, character varying, character varying); Type: FUNCTION; Schema: public; Owner: nakksha_owner
--

CREATE FUNCTION public.procrastinate_retry_job_v2(job_id bigint, retry_at timestamp with time zone, new_priority integer, new_queue_name character varying, new_lock character varying) RETURNS void
    LANGUAGE plpgsql
    AS $$
DECLARE
    _job_id bigint;
    _abort_requested boolean;
    _current_status procrastinate_job_status;
BEGIN
    SELECT status, abort_requested FROM procrastinate_jobs
    WHERE id = job_id AND status IN ('doing', 'failed')
    FOR UPDATE
    INTO _current_status, _abort_requested;
    IF _current_status = 'doing' AND _abort_requested THEN
        UPDATE procrastinate_jobs
        SET status = 'failed'::procrastinate_job_status
        WHERE id = job_id AND status = 'doing'
        RETURNING id INTO _job_id;
    ELSE
        UPDATE procrastinate_jobs
        SET status = 'todo'::procrastinate_job_status,
            attempts = attempts + 1,
            scheduled_at = retry_at,
            priority = COALESCE(new_priority, priority),
            queue_name = COALESCE(new_queue_name, queue_name),
            lock = COALESCE(new_lock, lock)
        WHERE id = job_id AND status IN ('doing', 'failed')
        RETURNING id INTO _job_id;
    END IF;

    IF _job_id IS NULL THEN
        RAISE 'Job was not found or has an invalid status to retry (job id: %)', job_id;
    END IF;

END;
$$;


ALTER FUNCTION public.procrastinate_retry_job_v2(job_id bigint, retry_at timestamp with time zone, new_priority integer, new_queue_name character varying, new_lock character varying) OWNER TO nakksha_owner;

--
-- Name: procrastinate_trigger_abort_requested_events_procedure_v1(); Type: FUNCTION; Schema: public; Owner: nakksha_owner
--

CREATE FUNCTION public.procrastinate_trigger_abort_requested_events_procedure_v1() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    INSERT INTO procrastinate_events(job_id, type)
        VALUES (NEW.id, 'abort_requested'::procrastinate_job_event_type);
    RETURN NEW;
END;
$$;


ALTER FUNCTION public.procrastinate_trigger_abort_requested_events_procedure_v1() OWNER TO nakksha_owner;

--
-- Name: procrastinate_trigger_function_scheduled_events_v1(); Type: FUNCTION; Schema: public; Owner: nakksha_owner
--

CREATE FUNCTION public.procrastinate_trigger_function_scheduled_events_v1() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    INSERT INTO procrastinate_events(job_id, type, at)
        VALUES (NEW.id, 'scheduled'::procrastinate_job_event_type, NEW.scheduled_at);

	RETURN NEW;
END;
$$;


ALTER FUNCTION public.procrastinate_trigger_function_scheduled_events_v1() OWNER TO nakksha_owner;

--
-- Name: procrastinate_trigger_function_status_events_insert_v1(); Type: FUNCTION; Schema: public; Owner: nakksha_owner
--

CREATE FUNCTION public.procrastinate_trigger_function_status_events_insert_v1() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    INSERT INTO procrastinate_events(job_id, type)
        VALUES (NEW.id, 'deferred'::procrastinate_job_event_type);
	RETURN NEW;
END;
$$;


ALTER FUNCTION public.procrastinate_trigger_function_status_events_insert_v1() OWNER TO nakksha_owner;

--
-- Name: procrastinate_trigger_function_status_events_update_v1(); Type: FUNCTION; Schema: public; Owner: nakksha_owner
--

CREATE FUNCTION public.procrastinate_trigger_function_status_events_update_v1() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    WITH t AS (
        SELECT CASE
            WHEN OLD.status = 'todo'::procrastinate_job_status
                AND NEW.status = 'doing'::procrastinate_job_status
                THEN 'started'::procrastinate_job_event_type
            WHEN OLD.status = 'doing'::procrastinate_job_status
                AND NEW.status = 'todo'::procrastinate_job_status
                THEN 'deferred_for_retry'::procrastinate_job_event_type
            WHEN OLD.status = 'doing'::procrastinate_job_status
                AND NEW.status = 'failed'::procrastinate_job_status
                THEN 'failed'::procrastinate_job_event_type
            WHEN OLD.status = 'doing'::procrastinate_job_status
                AND NEW.status = 'succeeded'::procrastinate_job_status
                THEN 'succeeded'::procrastinate_job_event_type
            WHEN OLD.status = 'todo'::procrastinate_job_status
                AND (
                    NEW.status = 'cancelled'::procrastinate_job_status
                    OR NEW.status = 'failed'::procrastinate_job_status
                    OR NEW.status = 'succeeded'::procrastinate_job_status
                )
                THEN 'cancelled'::procrastinate_job_event_type
            WHEN OLD.status = 'doing'::procrastinate_job_status
                AND NEW.status = 'aborted'::procrastinate_job_status
                THEN 'aborted'::procrastinate_job_event_type
            WHEN OLD.status = 'failed'::procrastinate_job_status
                AND NEW.status = 'todo'::procrastinate_job_status
                THEN 'retried'::procrastinate_job_event_type
            ELSE NULL
        END as event_type
    )
    INSERT INTO procrastinate_events(job_id, type)
        SELECT NEW.id, t.event_type
        FROM t
        WHERE t.event_type IS NOT NULL;
	RETURN NEW;
END;
$$;


ALTER FUNCTION public.procrastinate_trigger_function_status_events_update_v1() OWNER TO nakksha_owner;

--
-- Name: procrastinate_unlink_periodic_defers_v1(); Type: FUNCTION; Schema: public; Owner: nakksha_owner
--

CREATE FUNCTION public.procrastinate_unlink_periodic_defers_v1() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    UPDATE procrastinate_periodic_defers
    SET job_id = NULL
    WHERE job_id = OLD.id;
    RETURN OLD;
END;
$$;


ALTER FUNCTION public.procrastinate_unlink_periodic_defers_v1() OWNER TO nakksha_owner;

--
-- Name: procrastinate_unregister_worker_v1(bigint); Type: FUNCTION; Schema: public; Owner: nakksha_owner
--

CREATE FUNCTION public.procrastinate_unregister_worker_v1(worker_id bigint) RETURNS void
    LANGUAGE plpgsql
    AS $$
BEGIN
    DELETE FROM procrastinate_workers
    WHERE id = worker_id;
END;
$$;


ALTER FUNCTION public.procrastinate_unregister_worker_v1(worker_id bigint) OWNER TO nakksha_owner;

--
-- Name: procrastinate_update_heartbeat_v1(bigint); Type: FUNCTION; Schema: public; Owner: nakksha_owner
--

CREATE FUNCTION public.procrastinate_update_heartbeat_v1(worker_id bigint) RETURNS void
    LANGUAGE plpgsql
    AS $$
BEGIN
    UPDATE procrastinate_workers
    SET last_heartbeat = NOW()
    WHERE id = worker_id;
END;
$$;


ALTER FUNCTION public.procrastinate_update_heartbeat_v1(worker_id bigint) OWNER TO nakksha_owner;

--
-- Name: clients; Type: VIEW; Schema: analytics; Owner: nakksha_owner
--

CREATE VIEW analytics.clients AS
 SELECT id,
    consultant_id,
    created_at,
    first_session_at,
    last_session_at,
    total_sessions,
    app.is_repeat_client(total_sessions) AS is_repeat_client,
    total_amount_paid,
    is_active
   FROM app.clients k;


ALTER VIEW analytics.clients OWNER TO nakksha_owner;

--
-- Name: VIEW clients; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON VIEW analytics.clients IS 'One row per client with the totals the database keeps; no name, email, phone or notes.';


--
-- Name: COLUMN clients.id; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.clients.id IS 'Client id (client_id in sessions and quotations).';


--
-- Name: COLUMN clients.consultant_id; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.clients.consultant_id IS 'The consultant whose client it is (a person booking two consultants is two clients).';


--
-- Name: COLUMN clients.created_at; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.clients.created_at IS 'Added (by a booking or by hand).';


--
-- Name: COLUMN clients.first_session_at; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.clients.first_session_at IS 'Their first and latest session (null before any).';


--
-- Name: COLUMN clients.last_session_at; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.clients.last_session_at IS 'Their first and latest session (null before any).';


--
-- Name: COLUMN clients.total_sessions; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.clients.total_sessions IS 'Live sessions they have had (confirmed, completed or no-show).';


--
-- Name: COLUMN clients.is_repeat_client; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.clients.is_repeat_client IS 'More than one live session: a repeat client, the one definition the Clients page and the dashboard use (docs/metrics.md).';


--
-- Name: COLUMN clients.total_amount_paid; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.clients.total_amount_paid IS 'What they have paid in all.';


--
-- Name: COLUMN clients.is_active; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.clients.is_active IS 'Whether the consultant keeps them active.';


--
-- Name: consultant_daily_stats; Type: VIEW; Schema: analytics; Owner: nakksha_owner
--

CREATE VIEW analytics.consultant_daily_stats AS
 SELECT consultant_id,
    date AS day,
    total_sessions,
    completed_sessions,
    cancelled_sessions,
    abandoned_sessions,
    no_show_sessions,
    total_revenue AS gross_received,
    refunded_amount AS refunds_processed,
    (total_revenue - refunded_amount) AS net_received,
    new_clients,
    returning_clients,
    quotations_sent,
    quotations_accepted,
    updated_at
   FROM app.daily_analytics d;


ALTER VIEW analytics.consultant_daily_stats OWNER TO nakksha_owner;

--
-- Name: VIEW consultant_daily_stats; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON VIEW analytics.consultant_daily_stats IS 'Per consultant and local day: sessions by outcome, money, new and returning clients, quotations (app.daily_analytics; lags about a minute).';


--
-- Name: COLUMN consultant_daily_stats.consultant_id; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.consultant_daily_stats.consultant_id IS 'The consultant.';


--
-- Name: COLUMN consultant_daily_stats.day; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.consultant_daily_stats.day IS 'Local date in the consultant''s time zone.';


--
-- Name: COLUMN consultant_daily_stats.total_sessions; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.consultant_daily_stats.total_sessions IS 'Sessions starting that day, any status but abandoned.';


--
-- Name: COLUMN consultant_daily_stats.completed_sessions; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.consultant_daily_stats.completed_sessions IS 'Sessions starting that day in that status now (cancelled includes returned: cancelled and refunded in full).';


--
-- Name: COLUMN consultant_daily_stats.cancelled_sessions; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.consultant_daily_stats.cancelled_sessions IS 'Sessions starting that day in that status now (cancelled includes returned: cancelled and refunded in full).';


--
-- Name: COLUMN consultant_daily_stats.abandoned_sessions; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.consultant_daily_stats.abandoned_sessions IS 'Sessions starting that day in that status now (cancelled includes returned: cancelled and refunded in full).';


--
-- Name: COLUMN consultant_daily_stats.no_show_sessions; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.consultant_daily_stats.no_show_sessions IS 'Sessions starting that day in that status now (cancelled includes returned: cancelled and refunded in full).';


--
-- Name: COLUMN consultant_daily_stats.gross_received; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.consultant_daily_stats.gross_received IS 'As in revenue_daily.';


--
-- Name: COLUMN consultant_daily_stats.refunds_processed; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.consultant_daily_stats.refunds_processed IS 'As in revenue_daily.';


--
-- Name: COLUMN consultant_daily_stats.net_received; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.consultant_daily_stats.net_received IS 'As in revenue_daily.';


--
-- Name: COLUMN consultant_daily_stats.new_clients; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.consultant_daily_stats.new_clients IS 'Clients added that day.';


--
-- Name: COLUMN consultant_daily_stats.returning_clients; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.consultant_daily_stats.returning_clients IS 'Sessions that day (not abandoned) flagged is_repeat_client when booked (the client had an earlier session with the consultant). A count of sessions, not of repeat clients: see docs/metrics.md.';


--
-- Name: COLUMN consultant_daily_stats.quotations_sent; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.consultant_daily_stats.quotations_sent IS 'Quotations sent that day.';


--
-- Name: COLUMN consultant_daily_stats.quotations_accepted; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.consultant_daily_stats.quotations_accepted IS 'Of the quotations sent that day, those accepted (counted on the day sent, so accepted ÷ sent is a conversion).';


--
-- Name: COLUMN consultant_daily_stats.updated_at; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.consultant_daily_stats.updated_at IS 'When the job last rebuilt the day.';


--
-- Name: consultant_dashboard_stats; Type: MATERIALIZED VIEW; Schema: analytics; Owner: nakksha_owner
--

CREATE MATERIALIZED VIEW analytics.consultant_dashboard_stats AS
 SELECT c.id AS consultant_id,
    COALESCE(s.total_sessions, (0)::bigint) AS total_sessions,
    COALESCE(s.completed_sessions, (0)::bigint) AS completed_sessions,
    COALESCE(s.cancelled_sessions, (0)::bigint) AS cancelled_sessions,
    COALESCE(s.upcoming_sessions, (0)::bigint) AS upcoming_sessions,
    (COALESCE(p.gross_revenue, (0)::numeric) - COALESCE(r.refunded, (0)::numeric)) AS total_revenue,
    COALESCE(p.gross_revenue, (0)::numeric) AS gross_revenue,
    COALESCE(r.refunded, (0)::numeric) AS refunded_amount,
    COALESCE(k.total_clients, (0)::bigint) AS total_clients,
    COALESCE(k.repeat_clients, (0)::bigint) AS repeat_clients,
    COALESCE(q.quotations_sent, (0)::bigint) AS quotations_sent,
    COALESCE(q.quotations_accepted, (0)::bigint) AS quotations_accepted,
    s.last_session_at,
    now() AS refreshed_at
   FROM (((((app.consultants c
     LEFT JOIN ( SELECT sessions.consultant_id,
            count(*) FILTER (WHERE (sessions.status <> 'abandoned'::text)) AS total_sessions,
            count(*) FILTER (WHERE (sessions.status = 'completed'::text)) AS completed_sessions,
            count(*) FILTER (WHERE (sessions.status = ANY (ARRAY['cancelled'::text, 'returned'::text]))) AS cancelled_sessions,
            count(*) FILTER (WHERE ((sessions.status = ANY (ARRAY['pending'::text, 'confirmed'::text])) AND (sessions.starts_at > now()))) AS upcoming_sessions,
            max(sessions.starts_at) FILTER (WHERE (sessions.status = ANY (ARRAY['confirmed'::text, 'completed'::text, 'no_show'::text]))) AS last_session_at
           FROM app.sessions
          GROUP BY sessions.consultant_id) s ON ((s.consultant_id = c.id)))
     LEFT JOIN ( SELECT payment_transactions.consultant_id,
            sum(payment_transactions.amount) AS gross_revenue
           FROM app.payment_transactions
          WHERE ((payment_transactions.status = ANY (ARRAY['completed'::text, 'partially_refunded'::text, 'refunded'::text])) AND (payment_transactions.purpose = ANY (ARRAY['session'::text, 'quotation'::text])))
          GROUP BY payment_transactions.consultant_id) p ON ((p.consultant_id = c.id)))
     LEFT JOIN ( SELECT r_1.consultant_id,
            sum(r_1.amount) AS refunded
           FROM (app.payment_refunds r_1
             JOIN app.payment_transactions t ON ((t.id = r_1.transaction_id)))
          WHERE ((r_1.status = 'processed'::text) AND (t.purpose = ANY (ARRAY['session'::text, 'quotation'::text])))
          GROUP BY r_1.consultant_id) r ON ((r.consultant_id = c.id)))
     LEFT JOIN ( SELECT clients.consultant_id,
            count(*) AS total_clients,
            count(*) FILTER (WHERE app.is_repeat_client(clients.total_sessions)) AS repeat_clients
           FROM app.clients
          GROUP BY clients.consultant_id) k ON ((k.consultant_id = c.id)))
     LEFT JOIN ( SELECT quotations.consultant_id,
            count(*) FILTER (WHERE (quotations.sent_at IS NOT NULL)) AS quotations_sent,
            count(*) FILTER (WHERE (quotations.status = 'accepted'::text)) AS quotations_accepted
           FROM app.quotations
          GROUP BY quotations.consultant_id) q ON ((q.consultant_id = c.id)))
  WHERE (c.deleted_at IS NULL)
  WITH NO DATA;


ALTER MATERIALIZED VIEW analytics.consultant_dashboard_stats OWNER TO nakksha_owner;

--
-- Name: MATERIALIZED VIEW consultant_dashboard_stats; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON MATERIALIZED VIEW analytics.consultant_dashboard_stats IS 'All-time totals per consultant (sessions, money received, clients, quotations); refreshed concurrently by refresh_views.';


--
-- Name: COLUMN consultant_dashboard_stats.consultant_id; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.consultant_dashboard_stats.consultant_id IS 'The consultant.';


--
-- Name: COLUMN consultant_dashboard_stats.total_sessions; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.consultant_dashboard_stats.total_sessions IS 'Sessions in any status but abandoned.';


--
-- Name: COLUMN consultant_dashboard_stats.completed_sessions; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.consultant_dashboard_stats.completed_sessions IS 'In that status now (cancelled includes returned).';


--
-- Name: COLUMN consultant_dashboard_stats.cancelled_sessions; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.consultant_dashboard_stats.cancelled_sessions IS 'In that status now (cancelled includes returned).';


--
-- Name: COLUMN consultant_dashboard_stats.upcoming_sessions; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.consultant_dashboard_stats.upcoming_sessions IS 'Pending or confirmed, starting in the future (as of the refresh).';


--
-- Name: COLUMN consultant_dashboard_stats.total_revenue; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.consultant_dashboard_stats.total_revenue IS 'gross_revenue − refunded_amount.';


--
-- Name: COLUMN consultant_dashboard_stats.gross_revenue; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.consultant_dashboard_stats.gross_revenue IS 'All session and quotation payments received (completed, partially refunded or refunded).';


--
-- Name: COLUMN consultant_dashboard_stats.refunded_amount; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.consultant_dashboard_stats.refunded_amount IS 'All processed refunds of those payments.';


--
-- Name: COLUMN consultant_dashboard_stats.total_clients; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.consultant_dashboard_stats.total_clients IS 'Their clients.';


--
-- Name: COLUMN consultant_dashboard_stats.repeat_clients; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.consultant_dashboard_stats.repeat_clients IS 'Repeat clients: more than one live (confirmed, completed or no-show) session, app.is_repeat_client, as on the Clients page.';


--
-- Name: COLUMN consultant_dashboard_stats.quotations_sent; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.consultant_dashboard_stats.quotations_sent IS 'Quotations ever sent.';


--
-- Name: COLUMN consultant_dashboard_stats.quotations_accepted; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.consultant_dashboard_stats.quotations_accepted IS 'Quotations accepted.';


--
-- Name: COLUMN consultant_dashboard_stats.last_session_at; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.consultant_dashboard_stats.last_session_at IS 'Start of the latest confirmed, completed or no-show session.';


--
-- Name: COLUMN consultant_dashboard_stats.refreshed_at; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.consultant_dashboard_stats.refreshed_at IS 'When the view was last refreshed.';


--
-- Name: consultants; Type: VIEW; Schema: analytics; Owner: nakksha_owner
--

CREATE VIEW analytics.consultants AS
 SELECT id,
    approval_status,
    subscription_plan,
    subscription_expires_at,
    timezone,
    is_email_verified,
    is_active,
    created_at,
    approved_at
   FROM app.consultants c
  WHERE (deleted_at IS NULL);


ALTER VIEW analytics.consultants OWNER TO nakksha_owner;

--
-- Name: VIEW consultants; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON VIEW analytics.consultants IS 'Consultants without personal data: plan, approval, timezone, dates.';


--
-- Name: COLUMN consultants.id; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.consultants.id IS 'Consultant id (consultant_id in every other view).';


--
-- Name: COLUMN consultants.approval_status; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.consultants.approval_status IS 'Where the consultant''s approval stands (pending, approved, …).';


--
-- Name: COLUMN consultants.subscription_plan; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.consultants.subscription_plan IS 'The plan they are on.';


--
-- Name: COLUMN consultants.subscription_expires_at; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.consultants.subscription_expires_at IS 'When the subscription ends.';


--
-- Name: COLUMN consultants.timezone; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.consultants.timezone IS 'IANA time zone; local days and months in the other views are cut in it.';


--
-- Name: COLUMN consultants.is_email_verified; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.consultants.is_email_verified IS 'Whether they confirmed their email.';


--
-- Name: COLUMN consultants.is_active; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.consultants.is_active IS 'Whether the account is active.';


--
-- Name: COLUMN consultants.created_at; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.consultants.created_at IS 'Signed up.';


--
-- Name: COLUMN consultants.approved_at; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.consultants.approved_at IS 'Approved by an admin (null until then).';


--
-- Name: payments; Type: VIEW; Schema: analytics; Owner: nakksha_owner
--

CREATE VIEW analytics.payments AS
 SELECT id,
    consultant_id,
    purpose,
    session_id,
    quotation_id,
    amount,
    amount_refunded,
    currency,
    gateway,
    status,
    paid_at,
    created_at
   FROM app.payment_transactions p;


ALTER VIEW analytics.payments OWNER TO nakksha_owner;

--
-- Name: VIEW payments; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON VIEW analytics.payments IS 'Payments and how much of each was refunded.';


--
-- Name: COLUMN payments.id; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.payments.id IS 'Payment id.';


--
-- Name: COLUMN payments.consultant_id; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.payments.consultant_id IS 'The consultant paid.';


--
-- Name: COLUMN payments.purpose; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.payments.purpose IS 'What it pays for (session, quotation, …).';


--
-- Name: COLUMN payments.session_id; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.payments.session_id IS 'What it paid for (one of them, by purpose).';


--
-- Name: COLUMN payments.quotation_id; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.payments.quotation_id IS 'What it paid for (one of them, by purpose).';


--
-- Name: COLUMN payments.amount; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.payments.amount IS 'Amount charged.';


--
-- Name: COLUMN payments.amount_refunded; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.payments.amount_refunded IS 'How much of it has been refunded so far.';


--
-- Name: COLUMN payments.currency; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.payments.currency IS 'Its currency.';


--
-- Name: COLUMN payments.gateway; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.payments.gateway IS 'Payment gateway.';


--
-- Name: COLUMN payments.status; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.payments.status IS 'pending, completed, failed, refunded, partially_refunded, cancelled.';


--
-- Name: COLUMN payments.paid_at; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.payments.paid_at IS 'When the money was received (null unless paid).';


--
-- Name: COLUMN payments.created_at; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.payments.created_at IS 'When the payment was started.';


--
-- Name: quotation_funnel; Type: VIEW; Schema: analytics; Owner: nakksha_owner
--

CREATE VIEW analytics.quotation_funnel AS
 SELECT q.consultant_id,
    (date_trunc('month'::text, (q.sent_at AT TIME ZONE c.timezone)))::date AS month,
    count(*) AS sent,
    count(*) FILTER (WHERE (q.view_count > 0)) AS viewed,
    count(*) FILTER (WHERE (q.status = 'accepted'::text)) AS accepted,
    count(*) FILTER (WHERE (q.status = 'rejected'::text)) AS rejected,
    count(*) FILTER (WHERE (q.status = 'expired'::text)) AS expired,
    count(*) FILTER (WHERE (q.paid_at IS NOT NULL)) AS paid,
    COALESCE(sum(q.final_amount), (0)::numeric) AS value_sent,
    COALESCE(sum(q.final_amount) FILTER (WHERE (q.status = 'accepted'::text)), (0)::numeric) AS value_accepted,
    api.rate((count(*) FILTER (WHERE (q.status = 'accepted'::text)))::numeric, (count(*))::numeric) AS conversion_rate
   FROM (app.quotations q
     JOIN app.consultants c ON ((c.id = q.consultant_id)))
  WHERE (q.sent_at IS NOT NULL)
  GROUP BY q.consultant_id, ((date_trunc('month'::text, (q.sent_at AT TIME ZONE c.timezone)))::date);


ALTER VIEW analytics.quotation_funnel OWNER TO nakksha_owner;

--
-- Name: VIEW quotation_funnel; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON VIEW analytics.quotation_funnel IS 'Quotations per consultant and local month sent: sent, viewed, accepted, rejected, expired, paid, values and conversion %.';


--
-- Name: COLUMN quotation_funnel.consultant_id; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.quotation_funnel.consultant_id IS 'The consultant.';


--
-- Name: COLUMN quotation_funnel.month; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.quotation_funnel.month IS 'First day of the local month the quotations were sent in.';


--
-- Name: COLUMN quotation_funnel.sent; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.quotation_funnel.sent IS 'Quotations sent that month.';


--
-- Name: COLUMN quotation_funnel.viewed; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.quotation_funnel.viewed IS 'Of those, opened at least once (view_count > 0).';


--
-- Name: COLUMN quotation_funnel.accepted; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.quotation_funnel.accepted IS 'Of those, in that status now.';


--
-- Name: COLUMN quotation_funnel.rejected; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.quotation_funnel.rejected IS 'Of those, in that status now.';


--
-- Name: COLUMN quotation_funnel.expired; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.quotation_funnel.expired IS 'Of those, in that status now.';


--
-- Name: COLUMN quotation_funnel.paid; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.quotation_funnel.paid IS 'Of those, paid.';


--
-- Name: COLUMN quotation_funnel.value_sent; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.quotation_funnel.value_sent IS 'Sum of their final_amount.';


--
-- Name: COLUMN quotation_funnel.value_accepted; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.quotation_funnel.value_accepted IS 'Sum of final_amount of the accepted ones.';


--
-- Name: COLUMN quotation_funnel.conversion_rate; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.quotation_funnel.conversion_rate IS 'accepted ÷ sent × 100, one decimal (NULL when none were sent).';


--
-- Name: quotations; Type: VIEW; Schema: analytics; Owner: nakksha_owner
--

CREATE VIEW analytics.quotations AS
 SELECT id,
    consultant_id,
    client_id,
    status,
    base_amount,
    discount_percentage,
    final_amount,
    currency,
    created_at,
    sent_at,
    last_viewed_at,
    view_count,
    responded_at,
    paid_at,
    expires_at
   FROM app.quotations q;


ALTER VIEW analytics.quotations OWNER TO nakksha_owner;

--
-- Name: VIEW quotations; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON VIEW analytics.quotations IS 'Every quotation: amounts, status and its dates; no client name or email, title, description, notes or response reason.';


--
-- Name: COLUMN quotations.id; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.quotations.id IS 'Quotation id.';


--
-- Name: COLUMN quotations.consultant_id; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.quotations.consultant_id IS 'The consultant who made it.';


--
-- Name: COLUMN quotations.client_id; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.quotations.client_id IS 'The client, when it is one of the consultant''s clients (null otherwise).';


--
-- Name: COLUMN quotations.status; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.quotations.status IS 'draft, sent, viewed, accepted, rejected, expired.';


--
-- Name: COLUMN quotations.base_amount; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.quotations.base_amount IS 'Price before discount.';


--
-- Name: COLUMN quotations.discount_percentage; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.quotations.discount_percentage IS 'Discount, 0–100.';


--
-- Name: COLUMN quotations.final_amount; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.quotations.final_amount IS 'base_amount less the discount, rounded to paise.';


--
-- Name: COLUMN quotations.currency; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.quotations.currency IS 'Its currency.';


--
-- Name: COLUMN quotations.created_at; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.quotations.created_at IS 'Drafted.';


--
-- Name: COLUMN quotations.sent_at; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.quotations.sent_at IS 'Sent to the client (null for drafts).';


--
-- Name: COLUMN quotations.last_viewed_at; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.quotations.last_viewed_at IS 'Last opened by the client, and how many times.';


--
-- Name: COLUMN quotations.view_count; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.quotations.view_count IS 'Last opened by the client, and how many times.';


--
-- Name: COLUMN quotations.responded_at; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.quotations.responded_at IS 'Accepted or rejected.';


--
-- Name: COLUMN quotations.paid_at; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.quotations.paid_at IS 'Paid (null unless paid).';


--
-- Name: COLUMN quotations.expires_at; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.quotations.expires_at IS 'When the offer lapses.';


--
-- Name: revenue_daily; Type: VIEW; Schema: analytics; Owner: nakksha_owner
--

CREATE VIEW analytics.revenue_daily AS
 SELECT consultant_id,
    date AS day,
    total_revenue AS gross_received,
    refunded_amount AS refunds_processed,
    (total_revenue - refunded_amount) AS net_received,
    personal_revenue,
    webinar_revenue,
    quotation_revenue,
    session_payments,
    updated_at
   FROM app.daily_analytics d
  WHERE ((total_revenue <> (0)::numeric) OR (refunded_amount <> (0)::numeric));


ALTER VIEW analytics.revenue_daily OWNER TO nakksha_owner;

--
-- Name: VIEW revenue_daily; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON VIEW analytics.revenue_daily IS 'Money received from clients per consultant and local day: payments by paid_at (personal + webinar + quotation = gross), processed refunds by processed_at, net. Lags the job by about a minute.';


--
-- Name: COLUMN revenue_daily.consultant_id; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.revenue_daily.consultant_id IS 'The consultant.';


--
-- Name: COLUMN revenue_daily.day; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.revenue_daily.day IS 'Local date in the consultant''s time zone.';


--
-- Name: COLUMN revenue_daily.gross_received; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.revenue_daily.gross_received IS 'Payments received that day, before refunds.';


--
-- Name: COLUMN revenue_daily.refunds_processed; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.revenue_daily.refunds_processed IS 'Refunds processed that day.';


--
-- Name: COLUMN revenue_daily.net_received; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.revenue_daily.net_received IS 'gross_received − refunds_processed (negative on a day with only refunds).';


--
-- Name: COLUMN revenue_daily.personal_revenue; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.revenue_daily.personal_revenue IS 'The part of gross_received paying for personal / webinar sessions.';


--
-- Name: COLUMN revenue_daily.webinar_revenue; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.revenue_daily.webinar_revenue IS 'The part of gross_received paying for personal / webinar sessions.';


--
-- Name: COLUMN revenue_daily.quotation_revenue; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.revenue_daily.quotation_revenue IS 'The part of gross_received paying for quotations.';


--
-- Name: COLUMN revenue_daily.session_payments; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.revenue_daily.session_payments IS 'How many session payments were received that day (the average session value divides personal_revenue + webinar_revenue by it).';


--
-- Name: COLUMN revenue_daily.updated_at; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.revenue_daily.updated_at IS 'When the job last rebuilt the day.';


--
-- Name: session_funnel; Type: VIEW; Schema: analytics; Owner: nakksha_owner
--

CREATE VIEW analytics.session_funnel AS
 SELECT s.consultant_id,
    (date_trunc('month'::text, (s.created_at AT TIME ZONE c.timezone)))::date AS month,
    count(*) AS booked,
    count(*) FILTER (WHERE (s.status = 'abandoned'::text)) AS abandoned,
    count(*) FILTER (WHERE (s.status = ANY (ARRAY['confirmed'::text, 'completed'::text, 'no_show'::text]))) AS confirmed_or_later,
    count(*) FILTER (WHERE (s.status = ANY (ARRAY['cancelled'::text, 'returned'::text]))) AS cancelled,
    count(*) FILTER (WHERE (s.status = 'completed'::text)) AS completed
   FROM (app.sessions s
     JOIN app.consultants c ON ((c.id = s.consultant_id)))
  GROUP BY s.consultant_id, ((date_trunc('month'::text, (s.created_at AT TIME ZONE c.timezone)))::date);


ALTER VIEW analytics.session_funnel OWNER TO nakksha_owner;

--
-- Name: VIEW session_funnel; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON VIEW analytics.session_funnel IS 'Sessions per consultant and local month booked (created_at): booked, abandoned, confirmed or later, cancelled (refunded ones too), completed.';


--
-- Name: COLUMN session_funnel.consultant_id; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.session_funnel.consultant_id IS 'The consultant.';


--
-- Name: COLUMN session_funnel.month; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.session_funnel.month IS 'First day of the local month the sessions were booked in.';


--
-- Name: COLUMN session_funnel.booked; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.session_funnel.booked IS 'Every session started that month, in any status (abandoned holds too).';


--
-- Name: COLUMN session_funnel.abandoned; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.session_funnel.abandoned IS 'Held but never paid.';


--
-- Name: COLUMN session_funnel.confirmed_or_later; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.session_funnel.confirmed_or_later IS 'Now confirmed, completed or no_show.';


--
-- Name: COLUMN session_funnel.cancelled; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.session_funnel.cancelled IS 'Now cancelled.';


--
-- Name: COLUMN session_funnel.completed; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.session_funnel.completed IS 'Now completed.';


--
-- Name: sessions; Type: VIEW; Schema: analytics; Owner: nakksha_owner
--

CREATE VIEW analytics.sessions AS
 SELECT id,
    consultant_id,
    client_id,
    session_type,
    status,
    payment_status,
    starts_at,
    ends_at,
    duration_minutes,
    amount,
    currency,
    booked_via,
    is_repeat_client,
    created_at,
    cancelled_at
   FROM app.sessions s;


ALTER VIEW analytics.sessions OWNER TO nakksha_owner;

--
-- Name: VIEW sessions; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON VIEW analytics.sessions IS 'Every session: type, status, time, amount. Client identity only as an opaque id.';


--
-- Name: COLUMN sessions.id; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.sessions.id IS 'Session id.';


--
-- Name: COLUMN sessions.consultant_id; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.sessions.consultant_id IS 'The consultant.';


--
-- Name: COLUMN sessions.client_id; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.sessions.client_id IS 'The client (opaque id; see analytics.clients).';


--
-- Name: COLUMN sessions.session_type; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.sessions.session_type IS 'personal or webinar.';


--
-- Name: COLUMN sessions.status; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.sessions.status IS 'pending (held, awaiting payment), confirmed, completed, cancelled, abandoned (hold never paid), no_show, returned.';


--
-- Name: COLUMN sessions.payment_status; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.sessions.payment_status IS 'pending, paid, failed, refunded, partially_refunded, not_required.';


--
-- Name: COLUMN sessions.starts_at; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.sessions.starts_at IS 'When it takes place.';


--
-- Name: COLUMN sessions.ends_at; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.sessions.ends_at IS 'When it takes place.';


--
-- Name: COLUMN sessions.duration_minutes; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.sessions.duration_minutes IS 'Its length.';


--
-- Name: COLUMN sessions.amount; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.sessions.amount IS 'Its price.';


--
-- Name: COLUMN sessions.currency; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.sessions.currency IS 'Its price.';


--
-- Name: COLUMN sessions.booked_via; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.sessions.booked_via IS 'Where it was booked from.';


--
-- Name: COLUMN sessions.is_repeat_client; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.sessions.is_repeat_client IS 'The client had an earlier session with this consultant.';


--
-- Name: COLUMN sessions.created_at; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.sessions.created_at IS 'Booked.';


--
-- Name: COLUMN sessions.cancelled_at; Type: COMMENT; Schema: analytics; Owner: nakksha_owner
--

COMMENT ON COLUMN analytics.sessions.cancelled_at IS 'Cancelled (null otherwise).';


--
-- Name: admin_audit_log; Type: TABLE; Schema: app; Owner: nakksha_owner
--

CREATE TABLE app.admin_audit_log (
    id bigint NOT NULL,
    admin_id uuid,
    db_user text DEFAULT SESSION_USER NOT NULL,
    actor_label text,
    action text NOT NULL,
    target_type text,
    target_id uuid,
    details jsonb DEFAULT '{}'::jsonb NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT admin_audit_log_action_format CHECK ((action ~ '^[a-z][a-z_.]{1,80}$'::text)),
    CONSTRAINT admin_audit_log_details_shape CHECK ((jsonb_typeof(details) = 'object'::text))
);


ALTER TABLE app.admin_audit_log OWNER TO nakksha_owner;

--
-- Name: TABLE admin_audit_log; Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON TABLE app.admin_audit_log IS 'Who did what to whom: the acting admin (or the command line), the database login, the action and its target.';


--
-- Name: admin_audit_log_id_seq; Type: SEQUENCE; Schema: app; Owner: nakksha_owner
--

ALTER TABLE app.admin_audit_log ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME app.admin_audit_log_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: admins; Type: TABLE; Schema: app; Owner: nakksha_owner
--

CREATE TABLE app.admins (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    email public.citext NOT NULL,
    password_hash text NOT NULL,
    name text NOT NULL,
    role text DEFAULT 'admin'::text NOT NULL,
    is_active boolean DEFAULT true NOT NULL,
    last_login_at timestamp with time zone,
    created_by uuid,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    token_epoch integer DEFAULT 0 NOT NULL,
    CONSTRAINT admins_email_format CHECK ((((email)::text ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$'::text) AND (length((email)::text) <= 254))),
    CONSTRAINT admins_email_lowercase CHECK (((email)::text = lower((email)::text))),
    CONSTRAINT admins_name_length CHECK (((length(btrim(name)) >= 1) AND (length(btrim(name)) <= 200))),
    CONSTRAINT admins_role_valid CHECK ((role = ANY (ARRAY['admin'::text, 'super_admin'::text])))
);


ALTER TABLE app.admins OWNER TO nakksha_owner;

--
-- Name: TABLE admins; Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON TABLE app.admins IS 'Platform staff. A separate identity from consultants; role admin manages consultants, super_admin also settings, templates and admins.';


--
-- Name: COLUMN admins.token_epoch; Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON COLUMN app.admins.token_epoch IS 'Access tokens carrying another epoch are refused; moved on when every session of the admin ends.';


--
-- Name: analytics_dirty; Type: TABLE; Schema: app; Owner: nakksha_owner
--

CREATE TABLE app.analytics_dirty (
    id bigint NOT NULL,
    consultant_id uuid NOT NULL,
    day date NOT NULL,
    marked_at timestamp with time zone DEFAULT now() NOT NULL
);


ALTER TABLE app.analytics_dirty OWNER TO nakksha_owner;

--
-- Name: TABLE analytics_dirty; Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON TABLE app.analytics_dirty IS 'Marks: days of daily_analytics that a committed write has changed since they were last recomputed.';


--
-- Name: analytics_dirty_id_seq; Type: SEQUENCE; Schema: app; Owner: nakksha_owner
--

ALTER TABLE app.analytics_dirty ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME app.analytics_dirty_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: availability_blocks; Type: TABLE; Schema: app; Owner: nakksha_owner
--

CREATE TABLE app.availability_blocks (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    consultant_id uuid NOT NULL,
    starts_at timestamp with time zone NOT NULL,
    ends_at timestamp with time zone NOT NULL,
    reason text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT availability_blocks_end_after_start CHECK ((ends_at > starts_at)),
    CONSTRAINT availability_blocks_reason_length CHECK ((length(reason) <= 500))
);


ALTER TABLE app.availability_blocks OWNER TO nakksha_owner;

--
-- Name: TABLE availability_blocks; Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON TABLE app.availability_blocks IS 'Blocked dates or ranges (holidays): no slot is offered inside them.';


--
-- Name: availability_slot_exclusions; Type: TABLE; Schema: app; Owner: nakksha_owner
--

CREATE TABLE app.availability_slot_exclusions (
    consultant_id uuid NOT NULL,
    session_type text NOT NULL,
    starts_at timestamp with time zone NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT availability_slot_exclusions_session_type_valid CHECK ((session_type = ANY (ARRAY['personal'::text, 'webinar'::text])))
);


ALTER TABLE app.availability_slot_exclusions OWNER TO nakksha_owner;

--
-- Name: TABLE availability_slot_exclusions; Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON TABLE app.availability_slot_exclusions IS 'Occurrences of weekly rules the consultant deleted or moved: re-materialising never brings them back.';


--
-- Name: calendar_busy; Type: TABLE; Schema: app; Owner: nakksha_owner
--

CREATE TABLE app.calendar_busy (
    consultant_id uuid NOT NULL,
    connection_id uuid NOT NULL,
    during tstzrange NOT NULL,
    CONSTRAINT calendar_busy_not_empty CHECK ((NOT isempty(during)))
);


ALTER TABLE app.calendar_busy OWNER TO nakksha_owner;

--
-- Name: TABLE calendar_busy; Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON TABLE app.calendar_busy IS 'Cached busy intervals from connected calendars; public slots and bookings overlapping them are refused.';


--
-- Name: calendar_connections; Type: TABLE; Schema: app; Owner: nakksha_owner
--

CREATE TABLE app.calendar_connections (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    consultant_id uuid NOT NULL,
    provider text NOT NULL,
    status text DEFAULT 'connected'::text NOT NULL,
    account_email text,
    scopes text,
    access_token_encrypted text NOT NULL,
    refresh_token_encrypted text,
    access_expires_at timestamp with time zone NOT NULL,
    token_refreshed_at timestamp with time zone,
    last_error text,
    busy_synced_at timestamp with time zone,
    connected_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT calendar_connections_provider_valid CHECK ((provider = ANY (ARRAY['google'::text, 'microsoft'::text]))),
    CONSTRAINT calendar_connections_status_valid CHECK ((status = ANY (ARRAY['connected'::text, 'revoked'::text, 'error'::text])))
);


ALTER TABLE app.calendar_connections OWNER TO nakksha_owner;

--
-- Name: TABLE calendar_connections; Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON TABLE app.calendar_connections IS 'A consultant''s connected Google or Microsoft account: encrypted OAuth tokens, state, last busy-time sync.';


--
-- Name: calendar_events; Type: TABLE; Schema: app; Owner: nakksha_owner
--

CREATE TABLE app.calendar_events (
    consultant_id uuid NOT NULL,
    event_key text NOT NULL,
    provider text NOT NULL,
    external_event_id text NOT NULL,
    starts_at timestamp with time zone NOT NULL,
    ends_at timestamp with time zone NOT NULL,
    meeting_link text,
    meeting_id text,
    meeting_password text,
    synced_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT calendar_events_key_format CHECK ((event_key ~ '^[sw]:[0-9a-f-]{36}$'::text)),
    CONSTRAINT calendar_events_meeting_link_format CHECK ((meeting_link ~ '^https://'::text)),
    CONSTRAINT calendar_events_provider_valid CHECK ((provider = ANY (ARRAY['google'::text, 'microsoft'::text])))
);


ALTER TABLE app.calendar_events OWNER TO nakksha_owner;

--
-- Name: TABLE calendar_events; Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON TABLE app.calendar_events IS 'Events (and their online meetings) created on consultants'' connected calendars for confirmed sessions.';


--
-- Name: consultant_client_counts; Type: TABLE; Schema: app; Owner: nakksha_owner
--

CREATE TABLE app.consultant_client_counts (
    consultant_id uuid NOT NULL,
    clients bigint DEFAULT 0 NOT NULL,
    CONSTRAINT consultant_client_counts_not_negative CHECK ((clients >= 0))
);


ALTER TABLE app.consultant_client_counts OWNER TO nakksha_owner;

--
-- Name: TABLE consultant_client_counts; Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON TABLE app.consultant_client_counts IS 'How many clients each consultant has (kept by a trigger on clients).';


--
-- Name: consultant_tax_profiles; Type: TABLE; Schema: app; Owner: nakksha_owner
--

CREATE TABLE app.consultant_tax_profiles (
    consultant_id uuid NOT NULL,
    gst_scheme text DEFAULT 'unregistered'::text NOT NULL,
    gstin text,
    legal_name text,
    state_code text,
    address_line1 text,
    address_line2 text,
    city text,
    postal_code text,
    pan_encrypted bytea,
    pan_last4 text,
    pan_holder_type text,
    lut_reference text,
    lut_valid_until date,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT consultant_tax_profiles_address_lengths CHECK ((((char_length(address_line1) >= 1) AND (char_length(address_line1) <= 100)) AND (char_length(address_line2) <= 100) AND ((char_length(city) >= 1) AND (char_length(city) <= 100)))),
    CONSTRAINT consultant_tax_profiles_gstin_pan CHECK (((gstin IS NULL) OR (pan_last4 IS NULL) OR (substr(gstin, 9, 4) = pan_last4))),
    CONSTRAINT consultant_tax_profiles_gstin_state CHECK (((gstin IS NULL) OR ("left"(gstin, 2) = state_code))),
    CONSTRAINT consultant_tax_profiles_gstin_valid CHECK (((gstin IS NULL) OR app.gstin_is_valid(gstin))),
    CONSTRAINT consultant_tax_profiles_legal_name_length CHECK (((char_length(btrim(legal_name)) >= 2) AND (char_length(btrim(legal_name)) <= 200))),
    CONSTRAINT consultant_tax_profiles_lut CHECK ((((lut_reference IS NULL) = (lut_valid_until IS NULL)) AND ((lut_reference IS NULL) OR ((gst_scheme = 'regular'::text) AND (lut_reference ~ '^[A-Z0-9]{6,20}$'::text))))),
    CONSTRAINT consultant_tax_profiles_pan_parts CHECK (((pan_last4 ~ '^[0-9]{3}[A-Z]$'::text) AND (pan_holder_type ~ '^[ABCFGHJLPT]$'::text))),
    CONSTRAINT consultant_tax_profiles_pan_whole CHECK ((((pan_encrypted IS NULL) = (pan_last4 IS NULL)) AND ((pan_encrypted IS NULL) = (pan_holder_type IS NULL)))),
    CONSTRAINT consultant_tax_profiles_postal_code_format CHECK ((postal_code ~ '^[1-9][0-9]{5}$'::text)),
    CONSTRAINT consultant_tax_profiles_registered_has_gstin CHECK (((gst_scheme = 'unregistered'::text) = (gstin IS NULL))),
    CONSTRAINT consultant_tax_profiles_scheme_valid CHECK ((gst_scheme = ANY (ARRAY['unregistered'::text, 'regular'::text, 'composition'::text])))
);


ALTER TABLE app.consultant_tax_profiles OWNER TO nakksha_owner;

--
-- Name: TABLE consultant_tax_profiles; Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON TABLE app.consultant_tax_profiles IS 'A consultant''s tax identity (docs/gst.md): GST scheme and GSTIN, legal name, State and address as printed on their documents, the PAN (encrypted; last four and holder type in clear for the rules), a letter of undertaking for clients abroad.';


--
-- Name: email_logs; Type: TABLE; Schema: app; Owner: nakksha_owner
--

CREATE TABLE app.email_logs (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    consultant_id uuid,
    admin_id uuid,
    client_id uuid,
    session_id uuid,
    quotation_id uuid,
    email_type text NOT NULL,
    recipient_email public.citext NOT NULL,
    recipient_name text,
    subject text,
    template_data jsonb DEFAULT '{}'::jsonb NOT NULL,
    status text DEFAULT 'queued'::text NOT NULL,
    provider text,
    external_id text,
    error_message text,
    attempts integer DEFAULT 0 NOT NULL,
    idempotency_key text DEFAULT (gen_random_uuid())::text NOT NULL,
    queued_at timestamp with time zone DEFAULT now() NOT NULL,
    sent_at timestamp with time zone,
    delivered_at timestamp with time zone,
    bounced_at timestamp with time zone,
    failed_at timestamp with time zone,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT email_logs_attempts_range CHECK ((attempts >= 0)),
    CONSTRAINT email_logs_email_type_format CHECK ((email_type ~ '^[a-z][a-z_]{1,62}$'::text)),
    CONSTRAINT email_logs_failed_has_reason CHECK (((status <> 'failed'::text) OR (error_message IS NOT NULL))),
    CONSTRAINT email_logs_recipient_email_format CHECK (((recipient_email)::text ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$'::text)),
    CONSTRAINT email_logs_sent_has_time CHECK (((status <> ALL (ARRAY['sent'::text, 'delivered'::text, 'bounced'::text, 'complained'::text])) OR (sent_at IS NOT NULL))),
    CONSTRAINT email_logs_status_valid CHECK ((status = ANY (ARRAY['queued'::text, 'sent'::text, 'delivered'::text, 'bounced'::text, 'complained'::text, 'failed'::text]))),
    CONSTRAINT email_logs_template_data_shape CHECK ((jsonb_typeof(template_data) = 'object'::text))
);


ALTER TABLE app.email_logs OWNER TO nakksha_owner;

--
-- Name: TABLE email_logs; Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON TABLE app.email_logs IS 'Every email the product sends: queued -> sent -> delivered | bounced | failed, with provider ids and errors.';


--
-- Name: email_outbox; Type: TABLE; Schema: app; Owner: nakksha_owner
--

CREATE TABLE app.email_outbox (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    email_log_id uuid NOT NULL,
    idempotency_key text NOT NULL,
    to_email public.citext NOT NULL,
    to_name text,
    subject text NOT NULL,
    html_body text NOT NULL,
    text_body text NOT NULL,
    attachments jsonb DEFAULT '[]'::jsonb NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT email_outbox_attachments_shape CHECK ((jsonb_typeof(attachments) = 'array'::text))
);


ALTER TABLE app.email_outbox OWNER TO nakksha_owner;

--
-- Name: TABLE email_outbox; Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON TABLE app.email_outbox IS 'Messages "sent" by the local email adapter; one per idempotency key, viewable at /dev/outbox.';


--
-- Name: email_suppressions; Type: TABLE; Schema: app; Owner: nakksha_owner
--

CREATE TABLE app.email_suppressions (
    email public.citext NOT NULL,
    reason text NOT NULL,
    email_log_id uuid,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT email_suppressions_email_lowercase CHECK (((email)::text = lower((email)::text))),
    CONSTRAINT email_suppressions_reason_valid CHECK ((reason = ANY (ARRAY['bounced'::text, 'complained'::text])))
);


ALTER TABLE app.email_suppressions OWNER TO nakksha_owner;

--
-- Name: TABLE email_suppressions; Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON TABLE app.email_suppressions IS 'Addresses the provider reported as bounced or complaining; mail to them is logged as failed, not sent.';


--
-- Name: email_templates; Type: TABLE; Schema: app; Owner: nakksha_owner
--

CREATE TABLE app.email_templates (
    email_type text NOT NULL,
    subject text NOT NULL,
    html_body text NOT NULL,
    text_body text NOT NULL,
    updated_by uuid,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT email_templates_body_length CHECK (((length(html_body) <= 200000) AND (length(text_body) <= 200000))),
    CONSTRAINT email_templates_email_type_format CHECK ((email_type ~ '^[a-z][a-z_]{1,62}$'::text)),
    CONSTRAINT email_templates_subject_length CHECK (((length(subject) >= 1) AND (length(subject) <= 500)))
);


ALTER TABLE app.email_templates OWNER TO nakksha_owner;

--
-- Name: TABLE email_templates; Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON TABLE app.email_templates IS 'Super admins'' overrides of the built-in email templates, by email type.';


--
-- Name: gst_states; Type: TABLE; Schema: app; Owner: nakksha_owner
--

CREATE TABLE app.gst_states (
    code text NOT NULL,
    name text NOT NULL,
    current boolean DEFAULT true NOT NULL,
    CONSTRAINT gst_states_code_format CHECK ((code ~ '^[0-9]{2}$'::text))
);


ALTER TABLE app.gst_states OWNER TO nakksha_owner;

--
-- Name: TABLE gst_states; Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON TABLE app.gst_states IS 'GST State and Union Territory codes (docs/gst.md §8). current = offered for new addresses (25 and 28 only live on in old GSTINs; 97 and 99 are not places anyone lives).';


--
-- Name: ledger_entries; Type: TABLE; Schema: app; Owner: nakksha_owner
--

CREATE TABLE app.ledger_entries (
    id bigint NOT NULL,
    consultant_id uuid NOT NULL,
    kind text NOT NULL,
    bucket text DEFAULT 'due'::text NOT NULL,
    amount numeric(12,2) NOT NULL,
    payment_id uuid NOT NULL,
    refund_id uuid,
    occurred_at timestamp with time zone NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT ledger_entries_bucket_valid CHECK ((bucket = ANY (ARRAY['due'::text, 'held'::text, 'transferred'::text, 'settled'::text]))),
    CONSTRAINT ledger_entries_cause CHECK ((((kind = ANY (ARRAY['captured'::text, 'commission'::text, 'commission_gst'::text, 'tcs'::text, 'tds'::text])) AND (refund_id IS NULL)) OR ((kind = ANY (ARRAY['refund'::text, 'commission_refund'::text, 'commission_gst_refund'::text, 'tcs_refund'::text, 'tds_refund'::text])) AND (refund_id IS NOT NULL)))),
    CONSTRAINT ledger_entries_kind_valid CHECK ((kind = ANY (ARRAY['captured'::text, 'commission'::text, 'commission_gst'::text, 'tcs'::text, 'tds'::text, 'refund'::text, 'commission_refund'::text, 'commission_gst_refund'::text, 'tcs_refund'::text, 'tds_refund'::text])))
);


ALTER TABLE app.ledger_entries OWNER TO nakksha_owner;

--
-- Name: TABLE ledger_entries; Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON TABLE app.ledger_entries IS 'What the platform owes each consultant, append-only: each entry tied to the payment or refund that caused it, signed (positive: owed to the consultant), in the balance it moves (due: not yet transferred). Balances are sums of it (docs/payments.md).';


--
-- Name: ledger_entries_id_seq; Type: SEQUENCE; Schema: app; Owner: nakksha_owner
--

ALTER TABLE app.ledger_entries ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME app.ledger_entries_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: materialized_view_versions; Type: TABLE; Schema: app; Owner: nakksha_owner
--

CREATE TABLE app.materialized_view_versions (
    view_name text NOT NULL,
    definition_sha256 text NOT NULL,
    applied_at timestamp with time zone DEFAULT now() NOT NULL
);


ALTER TABLE app.materialized_view_versions OWNER TO nakksha_owner;

--
-- Name: TABLE materialized_view_versions; Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON TABLE app.materialized_view_versions IS 'Definition hash of each managed materialized view (maintained by nakksha migrate).';


--
-- Name: oauth_states; Type: TABLE; Schema: app; Owner: nakksha_owner
--

CREATE TABLE app.oauth_states (
    state_hash bytea NOT NULL,
    consultant_id uuid NOT NULL,
    provider text NOT NULL,
    code_verifier text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    expires_at timestamp with time zone DEFAULT (now() + '00:10:00'::interval) NOT NULL,
    browser_hash bytea NOT NULL,
    CONSTRAINT oauth_states_browser_hash_length CHECK ((length(browser_hash) = 32)),
    CONSTRAINT oauth_states_provider_valid CHECK ((provider = ANY (ARRAY['google'::text, 'microsoft'::text])))
);


ALTER TABLE app.oauth_states OWNER TO nakksha_owner;

--
-- Name: TABLE oauth_states; Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON TABLE app.oauth_states IS 'OAuth authorisations in flight (hashed state, PKCE verifier), used once within ten minutes.';


--
-- Name: COLUMN oauth_states.browser_hash; Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON COLUMN app.oauth_states.browser_hash IS 'SHA-256 of the nonce cookie given to the browser that started the attempt.';


--
-- Name: one_time_tokens; Type: TABLE; Schema: app; Owner: nakksha_owner
--

CREATE TABLE app.one_time_tokens (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    consultant_id uuid,
    admin_id uuid,
    purpose text NOT NULL,
    token_hash bytea NOT NULL,
    email public.citext NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    used_at timestamp with time zone,
    CONSTRAINT one_time_tokens_expiry_after_creation CHECK ((expires_at > created_at)),
    CONSTRAINT one_time_tokens_one_subject CHECK ((num_nonnulls(consultant_id, admin_id) = 1)),
    CONSTRAINT one_time_tokens_purpose_valid CHECK ((purpose = ANY (ARRAY['verify_email'::text, 'password_reset'::text]))),
    CONSTRAINT one_time_tokens_token_hash_length CHECK ((length(token_hash) = 32))
);


ALTER TABLE app.one_time_tokens OWNER TO nakksha_owner;

--
-- Name: TABLE one_time_tokens; Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON TABLE app.one_time_tokens IS 'Email-verification and password-reset tokens: hashed, expiring, single use.';


--
-- Name: plans; Type: TABLE; Schema: app; Owner: nakksha_owner
--

CREATE TABLE app.plans (
    code text NOT NULL,
    name text NOT NULL,
    price_monthly numeric(10,2) DEFAULT 0 NOT NULL,
    commission_percent numeric(5,2) NOT NULL,
    commission_min numeric(10,2) DEFAULT 0 NOT NULL,
    "position" smallint DEFAULT 0 NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT plans_code_format CHECK ((code ~ '^[a-z][a-z0-9_]{0,29}$'::text)),
    CONSTRAINT plans_commission_min_range CHECK (((commission_min >= (0)::numeric) AND (commission_min <= (10000)::numeric))),
    CONSTRAINT plans_commission_range CHECK (((commission_percent >= (0)::numeric) AND (commission_percent <= (50)::numeric))),
    CONSTRAINT plans_name_length CHECK (((char_length(btrim(name)) >= 1) AND (char_length(btrim(name)) <= 60))),
    CONSTRAINT plans_price_range CHECK (((price_monthly >= (0)::numeric) AND (price_monthly <= (1000000)::numeric)))
);


ALTER TABLE app.plans OWNER TO nakksha_owner;

--
-- Name: TABLE plans; Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON TABLE app.plans IS 'The subscription plans: monthly price (GST included) and the commission on each payment the platform collects for a consultant on it (percent, at least the minimum; GST on top).';


--
-- Name: platform_settings; Type: TABLE; Schema: app; Owner: nakksha_owner
--

CREATE TABLE app.platform_settings (
    key text NOT NULL,
    value jsonb NOT NULL,
    description text,
    updated_by uuid,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT platform_settings_key_format CHECK ((key ~ '^[a-z][a-z0-9_.]{1,62}$'::text))
);


ALTER TABLE app.platform_settings OWNER TO nakksha_owner;

--
-- Name: TABLE platform_settings; Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON TABLE app.platform_settings IS 'Platform configuration edited by super admins (hold minutes, booking horizon, plans...).';


--
-- Name: quotation_items; Type: TABLE; Schema: app; Owner: nakksha_owner
--

CREATE TABLE app.quotation_items (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    consultant_id uuid NOT NULL,
    quotation_id uuid NOT NULL,
    "position" smallint NOT NULL,
    description text NOT NULL,
    quantity numeric(7,2) DEFAULT 1 NOT NULL,
    unit_price numeric(10,2) NOT NULL,
    amount numeric(12,2) GENERATED ALWAYS AS (round((quantity * unit_price), 2)) STORED,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT quotation_items_description_length CHECK (((length(btrim(description)) >= 1) AND (length(btrim(description)) <= 500))),
    CONSTRAINT quotation_items_position_range CHECK ((("position" >= 1) AND ("position" <= 100))),
    CONSTRAINT quotation_items_quantity_positive CHECK ((quantity > (0)::numeric)),
    CONSTRAINT quotation_items_unit_price_range CHECK ((unit_price >= (0)::numeric))
);


ALTER TABLE app.quotation_items OWNER TO nakksha_owner;

--
-- Name: TABLE quotation_items; Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON TABLE app.quotation_items IS 'A quotation''s lines: description, quantity and unit price, in order (position 1–100). Their amounts'' sum is the quotation''s base_amount (kept by trigger); the discount, and later a tax line, apply to that sum.';


--
-- Name: COLUMN quotation_items.amount; Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON COLUMN app.quotation_items.amount IS 'quantity × unit_price, rounded half up to the paisa.';


--
-- Name: quotation_views; Type: TABLE; Schema: app; Owner: nakksha_owner
--

CREATE TABLE app.quotation_views (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    consultant_id uuid NOT NULL,
    quotation_id uuid NOT NULL,
    viewed_at timestamp with time zone DEFAULT now() NOT NULL,
    user_agent text,
    CONSTRAINT quotation_views_user_agent_length CHECK ((length(user_agent) <= 300))
);


ALTER TABLE app.quotation_views OWNER TO nakksha_owner;

--
-- Name: TABLE quotation_views; Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON TABLE app.quotation_views IS 'Each opening of a quotation''s public link: when, and by what browser.';


--
-- Name: rate_limit_hits; Type: TABLE; Schema: app; Owner: nakksha_owner
--

CREATE TABLE app.rate_limit_hits (
    bucket text NOT NULL,
    window_start timestamp with time zone NOT NULL,
    hits integer DEFAULT 0 NOT NULL,
    CONSTRAINT rate_limit_hits_bucket_length CHECK (((length(bucket) >= 1) AND (length(bucket) <= 300))),
    CONSTRAINT rate_limit_hits_hits_range CHECK ((hits >= 0))
);


ALTER TABLE app.rate_limit_hits OWNER TO nakksha_owner;

--
-- Name: TABLE rate_limit_hits; Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON TABLE app.rate_limit_hits IS 'Fixed-window request counters per bucket (action + IP or account); old windows are pruned.';


--
-- Name: refresh_token_families; Type: TABLE; Schema: app; Owner: nakksha_owner
--

CREATE TABLE app.refresh_token_families (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    consultant_id uuid,
    admin_id uuid,
    user_agent text,
    ip inet,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    revoked_at timestamp with time zone,
    revoked_reason text,
    CONSTRAINT refresh_token_families_one_subject CHECK ((num_nonnulls(consultant_id, admin_id) = 1)),
    CONSTRAINT refresh_token_families_revocation_consistent CHECK (((revoked_at IS NULL) = (revoked_reason IS NULL))),
    CONSTRAINT refresh_token_families_revoked_reason_valid CHECK ((revoked_reason = ANY (ARRAY['logout'::text, 'logout_all'::text, 'reuse_detected'::text, 'password_reset'::text, 'password_changed'::text, 'suspended'::text, 'deleted'::text, 'deactivated'::text])))
);


ALTER TABLE app.refresh_token_families OWNER TO nakksha_owner;

--
-- Name: TABLE refresh_token_families; Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON TABLE app.refresh_token_families IS 'One login (device) of a consultant or an admin; revoking it kills every token it issued.';


--
-- Name: refresh_tokens; Type: TABLE; Schema: app; Owner: nakksha_owner
--

CREATE TABLE app.refresh_tokens (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    family_id uuid NOT NULL,
    token_hash bytea NOT NULL,
    issued_at timestamp with time zone DEFAULT now() NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    used_at timestamp with time zone,
    replaced_by uuid,
    CONSTRAINT refresh_tokens_expiry_after_issue CHECK ((expires_at > issued_at)),
    CONSTRAINT refresh_tokens_token_hash_length CHECK ((length(token_hash) = 32))
);


ALTER TABLE app.refresh_tokens OWNER TO nakksha_owner;

--
-- Name: TABLE refresh_tokens; Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON TABLE app.refresh_tokens IS 'Refresh tokens, stored only as SHA-256 hashes; single use (used_at), rotated into replaced_by.';


--
-- Name: view_refreshes; Type: TABLE; Schema: app; Owner: nakksha_owner
--

CREATE TABLE app.view_refreshes (
    view_name text NOT NULL,
    refreshed_at timestamp with time zone NOT NULL,
    duration_ms integer NOT NULL,
    CONSTRAINT view_refreshes_duration_range CHECK ((duration_ms >= 0))
);


ALTER TABLE app.view_refreshes OWNER TO nakksha_owner;

--
-- Name: TABLE view_refreshes; Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON TABLE app.view_refreshes IS 'The last refresh of each materialized view (written by api.refresh_views).';


--
-- Name: webhook_events; Type: TABLE; Schema: app; Owner: nakksha_owner
--

CREATE TABLE app.webhook_events (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    provider text NOT NULL,
    event_id text NOT NULL,
    event_type text NOT NULL,
    payload jsonb NOT NULL,
    received_at timestamp with time zone DEFAULT now() NOT NULL,
    processed_at timestamp with time zone,
    processing_error text,
    CONSTRAINT webhook_events_event_id_length CHECK (((length(event_id) >= 1) AND (length(event_id) <= 200))),
    CONSTRAINT webhook_events_provider_valid CHECK ((provider = ANY (ARRAY['razorpay'::text, 'resend'::text, 'local'::text])))
);


ALTER TABLE app.webhook_events OWNER TO nakksha_owner;

--
-- Name: TABLE webhook_events; Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON TABLE app.webhook_events IS 'Provider webhook deliveries, unique by (provider, event_id): a replay is recognised and does nothing.';


--
-- Name: procrastinate_events; Type: TABLE; Schema: public; Owner: nakksha_owner
--

CREATE TABLE public.procrastinate_events (
    id bigint NOT NULL,
    job_id bigint NOT NULL,
    type public.procrastinate_job_event_type,
    at timestamp with time zone DEFAULT now()
);


ALTER TABLE public.procrastinate_events OWNER TO nakksha_owner;

--
-- Name: procrastinate_events_id_seq; Type: SEQUENCE; Schema: public; Owner: nakksha_owner
--

CREATE SEQUENCE public.procrastinate_events_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


ALTER SEQUENCE public.procrastinate_events_id_seq OWNER TO nakksha_owner;

--
-- Name: procrastinate_events_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: nakksha_owner
--

ALTER SEQUENCE public.procrastinate_events_id_seq OWNED BY public.procrastinate_events.id;


--
-- Name: procrastinate_jobs_id_seq; Type: SEQUENCE; Schema: public; Owner: nakksha_owner
--

CREATE SEQUENCE public.procrastinate_jobs_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


ALTER SEQUENCE public.procrastinate_jobs_id_seq OWNER TO nakksha_owner;

--
-- Name: procrastinate_jobs_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: nakksha_owner
--

ALTER SEQUENCE public.procrastinate_jobs_id_seq OWNED BY public.procrastinate_jobs.id;


--
-- Name: procrastinate_periodic_defers; Type: TABLE; Schema: public; Owner: nakksha_owner
--

CREATE TABLE public.procrastinate_periodic_defers (
    id bigint NOT NULL,
    task_name character varying(128) NOT NULL,
    defer_timestamp bigint,
    job_id bigint,
    periodic_id character varying(128) DEFAULT ''::character varying NOT NULL
);


ALTER TABLE public.procrastinate_periodic_defers OWNER TO nakksha_owner;

--
-- Name: procrastinate_periodic_defers_id_seq; Type: SEQUENCE; Schema: public; Owner: nakksha_owner
--

CREATE SEQUENCE public.procrastinate_periodic_defers_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


ALTER SEQUENCE public.procrastinate_periodic_defers_id_seq OWNER TO nakksha_owner;

--
-- Name: procrastinate_periodic_defers_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: nakksha_owner
--

ALTER SEQUENCE public.procrastinate_periodic_defers_id_seq OWNED BY public.procrastinate_periodic_defers.id;


--
-- Name: procrastinate_workers; Type: TABLE; Schema: public; Owner: nakksha_owner
--

CREATE TABLE public.procrastinate_workers (
    id bigint NOT NULL,
    last_heartbeat timestamp with time zone DEFAULT now() NOT NULL
);


ALTER TABLE public.procrastinate_workers OWNER TO nakksha_owner;

--
-- Name: procrastinate_workers_id_seq; Type: SEQUENCE; Schema: public; Owner: nakksha_owner
--

ALTER TABLE public.procrastinate_workers ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.procrastinate_workers_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: schema_migrations; Type: TABLE; Schema: public; Owner: nakksha_owner
--

CREATE TABLE public.schema_migrations (
    version character varying NOT NULL
);


ALTER TABLE public.schema_migrations OWNER TO nakksha_owner;

--
-- Name: procrastinate_events id; Type: DEFAULT; Schema: public; Owner: nakksha_owner
--

ALTER TABLE ONLY public.procrastinate_events ALTER COLUMN id SET DEFAULT nextval('public.procrastinate_events_id_seq'::regclass);


--
-- Name: procrastinate_jobs id; Type: DEFAULT; Schema: public; Owner: nakksha_owner
--

ALTER TABLE ONLY public.procrastinate_jobs ALTER COLUMN id SET DEFAULT nextval('public.procrastinate_jobs_id_seq'::regclass);


--
-- Name: procrastinate_periodic_defers id; Type: DEFAULT; Schema: public; Owner: nakksha_owner
--

ALTER TABLE ONLY public.procrastinate_periodic_defers ALTER COLUMN id SET DEFAULT nextval('public.procrastinate_periodic_defers_id_seq'::regclass);


--
-- Name: admin_audit_log admin_audit_log_pkey; Type: CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.admin_audit_log
    ADD CONSTRAINT admin_audit_log_pkey PRIMARY KEY (id);


--
-- Name: admins admins_email_ascii; Type: CHECK CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE app.admins
    ADD CONSTRAINT admins_email_ascii CHECK ((octet_length((email)::text) = length((email)::text))) NOT VALID;


--
-- Name: admins admins_email_key; Type: CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.admins
    ADD CONSTRAINT admins_email_key UNIQUE (email);


--
-- Name: admins admins_pkey; Type: CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.admins
    ADD CONSTRAINT admins_pkey PRIMARY KEY (id);


--
-- Name: analytics_dirty analytics_dirty_pkey; Type: CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.analytics_dirty
    ADD CONSTRAINT analytics_dirty_pkey PRIMARY KEY (id);


--
-- Name: availability_blocks availability_blocks_ends_at_range; Type: CHECK CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE app.availability_blocks
    ADD CONSTRAINT availability_blocks_ends_at_range CHECK (app.is_plausible_instant(ends_at)) NOT VALID;


--
-- Name: availability_blocks availability_blocks_pkey; Type: CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.availability_blocks
    ADD CONSTRAINT availability_blocks_pkey PRIMARY KEY (id);


--
-- Name: availability_blocks availability_blocks_starts_at_range; Type: CHECK CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE app.availability_blocks
    ADD CONSTRAINT availability_blocks_starts_at_range CHECK (app.is_plausible_instant(starts_at)) NOT VALID;


--
-- Name: availability_rules availability_rules_pkey; Type: CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.availability_rules
    ADD CONSTRAINT availability_rules_pkey PRIMARY KEY (id);


--
-- Name: availability_rules availability_rules_tenant_key; Type: CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.availability_rules
    ADD CONSTRAINT availability_rules_tenant_key UNIQUE (consultant_id, id);


--
-- Name: availability_rules availability_rules_valid_from_range; Type: CHECK CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE app.availability_rules
    ADD CONSTRAINT availability_rules_valid_from_range CHECK (app.is_plausible_date(valid_from)) NOT VALID;


--
-- Name: availability_rules availability_rules_valid_until_range; Type: CHECK CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE app.availability_rules
    ADD CONSTRAINT availability_rules_valid_until_range CHECK (app.is_plausible_date(valid_until)) NOT VALID;


--
-- Name: availability_slot_exclusions availability_slot_exclusions_pkey; Type: CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.availability_slot_exclusions
    ADD CONSTRAINT availability_slot_exclusions_pkey PRIMARY KEY (consultant_id, session_type, starts_at);


--
-- Name: availability_slots availability_slots_ends_at_range; Type: CHECK CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE app.availability_slots
    ADD CONSTRAINT availability_slots_ends_at_range CHECK (app.is_plausible_instant(ends_at)) NOT VALID;


--
-- Name: availability_slots availability_slots_pkey; Type: CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.availability_slots
    ADD CONSTRAINT availability_slots_pkey PRIMARY KEY (id);


--
-- Name: availability_slots availability_slots_starts_at_range; Type: CHECK CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE app.availability_slots
    ADD CONSTRAINT availability_slots_starts_at_range CHECK (app.is_plausible_instant(starts_at)) NOT VALID;


--
-- Name: availability_slots availability_slots_tenant_key; Type: CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.availability_slots
    ADD CONSTRAINT availability_slots_tenant_key UNIQUE (consultant_id, id);


--
-- Name: availability_slots availability_slots_unique_start; Type: CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.availability_slots
    ADD CONSTRAINT availability_slots_unique_start UNIQUE (consultant_id, session_type, starts_at);


--
-- Name: calendar_connections calendar_connections_one_per_provider; Type: CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.calendar_connections
    ADD CONSTRAINT calendar_connections_one_per_provider UNIQUE (consultant_id, provider);


--
-- Name: calendar_connections calendar_connections_pkey; Type: CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.calendar_connections
    ADD CONSTRAINT calendar_connections_pkey PRIMARY KEY (id);


--
-- Name: calendar_events calendar_events_pkey; Type: CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.calendar_events
    ADD CONSTRAINT calendar_events_pkey PRIMARY KEY (event_key, provider);


--
-- Name: clients clients_consultant_email_key; Type: CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.clients
    ADD CONSTRAINT clients_consultant_email_key UNIQUE (consultant_id, email);


--
-- Name: clients clients_email_ascii; Type: CHECK CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE app.clients
    ADD CONSTRAINT clients_email_ascii CHECK ((octet_length((email)::text) = length((email)::text))) NOT VALID;


--
-- Name: clients clients_pkey; Type: CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.clients
    ADD CONSTRAINT clients_pkey PRIMARY KEY (id);


--
-- Name: clients clients_tenant_key; Type: CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.clients
    ADD CONSTRAINT clients_tenant_key UNIQUE (consultant_id, id);


--
-- Name: consultant_client_counts consultant_client_counts_pkey; Type: CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.consultant_client_counts
    ADD CONSTRAINT consultant_client_counts_pkey PRIMARY KEY (consultant_id);


--
-- Name: consultant_tax_profiles consultant_tax_profiles_pkey; Type: CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.consultant_tax_profiles
    ADD CONSTRAINT consultant_tax_profiles_pkey PRIMARY KEY (consultant_id);


--
-- Name: consultants consultants_email_ascii; Type: CHECK CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE app.consultants
    ADD CONSTRAINT consultants_email_ascii CHECK ((octet_length((email)::text) = length((email)::text))) NOT VALID;


--
-- Name: consultants consultants_email_key; Type: CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.consultants
    ADD CONSTRAINT consultants_email_key UNIQUE (email);


--
-- Name: consultants consultants_instagram_url_link; Type: CHECK CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE app.consultants
    ADD CONSTRAINT consultants_instagram_url_link CHECK (((instagram_url IS NULL) OR (instagram_url ~* '^https://([a-z0-9-]+\.)*instagram\.com(:[0-9]{1,5})?([/?#][^[:space:][:cntrl:]\\]*)?$'::text))) NOT VALID;


--
-- Name: consultants consultants_linkedin_url_link; Type: CHECK CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE app.consultants
    ADD CONSTRAINT consultants_linkedin_url_link CHECK (((linkedin_url IS NULL) OR (linkedin_url ~* '^https://([a-z0-9-]+\.)*linkedin\.com(:[0-9]{1,5})?([/?#][^[:space:][:cntrl:]\\]*)?$'::text))) NOT VALID;


--
-- Name: consultants consultants_meet_link_link; Type: CHECK CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE app.consultants
    ADD CONSTRAINT consultants_meet_link_link CHECK (((meet_link IS NULL) OR (meet_link ~* '^https://([a-z0-9-]+\.)*meet\.google\.com(:[0-9]{1,5})?([/?#][^[:space:][:cntrl:]\\]*)?$'::text))) NOT VALID;


--
-- Name: consultants consultants_pkey; Type: CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.consultants
    ADD CONSTRAINT consultants_pkey PRIMARY KEY (id);


--
-- Name: consultants consultants_prices_payable; Type: CHECK CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE app.consultants
    ADD CONSTRAINT consultants_prices_payable CHECK (((NOT ((personal_session_price > (0)::numeric) AND (personal_session_price < (1)::numeric))) AND (NOT ((webinar_session_price > (0)::numeric) AND (webinar_session_price < (1)::numeric))))) NOT VALID;


--
-- Name: consultants consultants_slug_key; Type: CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.consultants
    ADD CONSTRAINT consultants_slug_key UNIQUE (slug);


--
-- Name: consultants consultants_subscription_expires_at_range; Type: CHECK CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE app.consultants
    ADD CONSTRAINT consultants_subscription_expires_at_range CHECK (app.is_plausible_instant(subscription_expires_at)) NOT VALID;


--
-- Name: consultants consultants_teams_link_link; Type: CHECK CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE app.consultants
    ADD CONSTRAINT consultants_teams_link_link CHECK (((teams_link IS NULL) OR (teams_link ~* '^https://([a-z0-9-]+\.)*(teams\.microsoft\.com|teams\.live\.com)(:[0-9]{1,5})?([/?#][^[:space:][:cntrl:]\\]*)?$'::text))) NOT VALID;


--
-- Name: consultants consultants_twitter_url_link; Type: CHECK CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE app.consultants
    ADD CONSTRAINT consultants_twitter_url_link CHECK (((twitter_url IS NULL) OR (twitter_url ~* '^https://([a-z0-9-]+\.)*(twitter\.com|x\.com)(:[0-9]{1,5})?([/?#][^[:space:][:cntrl:]\\]*)?$'::text))) NOT VALID;


--
-- Name: consultants consultants_zoom_link_link; Type: CHECK CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE app.consultants
    ADD CONSTRAINT consultants_zoom_link_link CHECK (((zoom_link IS NULL) OR (zoom_link ~* '^https://([a-z0-9-]+\.)*(zoom\.us|zoom\.com|zoomgov\.com)(:[0-9]{1,5})?([/?#][^[:space:][:cntrl:]\\]*)?$'::text))) NOT VALID;


--
-- Name: daily_analytics daily_analytics_pkey; Type: CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.daily_analytics
    ADD CONSTRAINT daily_analytics_pkey PRIMARY KEY (consultant_id, date);


--
-- Name: email_logs email_logs_idempotency_key_key; Type: CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.email_logs
    ADD CONSTRAINT email_logs_idempotency_key_key UNIQUE (idempotency_key);


--
-- Name: email_logs email_logs_pkey; Type: CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.email_logs
    ADD CONSTRAINT email_logs_pkey PRIMARY KEY (id);


--
-- Name: email_outbox email_outbox_idempotency_key_key; Type: CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.email_outbox
    ADD CONSTRAINT email_outbox_idempotency_key_key UNIQUE (idempotency_key);


--
-- Name: email_outbox email_outbox_pkey; Type: CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.email_outbox
    ADD CONSTRAINT email_outbox_pkey PRIMARY KEY (id);


--
-- Name: email_suppressions email_suppressions_pkey; Type: CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.email_suppressions
    ADD CONSTRAINT email_suppressions_pkey PRIMARY KEY (email);


--
-- Name: email_templates email_templates_pkey; Type: CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.email_templates
    ADD CONSTRAINT email_templates_pkey PRIMARY KEY (email_type);


--
-- Name: gst_states gst_states_pkey; Type: CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.gst_states
    ADD CONSTRAINT gst_states_pkey PRIMARY KEY (code);


--
-- Name: idempotency_keys idempotency_keys_pkey; Type: CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.idempotency_keys
    ADD CONSTRAINT idempotency_keys_pkey PRIMARY KEY (consultant_id, scope, key);


--
-- Name: ledger_entries ledger_entries_once; Type: CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.ledger_entries
    ADD CONSTRAINT ledger_entries_once UNIQUE NULLS NOT DISTINCT (payment_id, refund_id, kind);


--
-- Name: ledger_entries ledger_entries_pkey; Type: CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.ledger_entries
    ADD CONSTRAINT ledger_entries_pkey PRIMARY KEY (id);


--
-- Name: materialized_view_versions materialized_view_versions_pkey; Type: CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.materialized_view_versions
    ADD CONSTRAINT materialized_view_versions_pkey PRIMARY KEY (view_name);


--
-- Name: oauth_states oauth_states_pkey; Type: CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.oauth_states
    ADD CONSTRAINT oauth_states_pkey PRIMARY KEY (state_hash);


--
-- Name: one_time_tokens one_time_tokens_pkey; Type: CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.one_time_tokens
    ADD CONSTRAINT one_time_tokens_pkey PRIMARY KEY (id);


--
-- Name: one_time_tokens one_time_tokens_token_hash_key; Type: CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.one_time_tokens
    ADD CONSTRAINT one_time_tokens_token_hash_key UNIQUE (token_hash);


--
-- Name: payment_refunds payment_refunds_gateway_refund_id_key; Type: CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.payment_refunds
    ADD CONSTRAINT payment_refunds_gateway_refund_id_key UNIQUE (gateway_refund_id);


--
-- Name: payment_refunds payment_refunds_idempotency_key_key; Type: CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.payment_refunds
    ADD CONSTRAINT payment_refunds_idempotency_key_key UNIQUE (idempotency_key);


--
-- Name: payment_refunds payment_refunds_pkey; Type: CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.payment_refunds
    ADD CONSTRAINT payment_refunds_pkey PRIMARY KEY (id);


--
-- Name: payment_transactions payment_transactions_gateway_order_id_key; Type: CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.payment_transactions
    ADD CONSTRAINT payment_transactions_gateway_order_id_key UNIQUE (gateway, gateway_order_id);


--
-- Name: payment_transactions payment_transactions_gateway_payment_id_key; Type: CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.payment_transactions
    ADD CONSTRAINT payment_transactions_gateway_payment_id_key UNIQUE (gateway, gateway_payment_id);


--
-- Name: payment_transactions payment_transactions_pkey; Type: CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.payment_transactions
    ADD CONSTRAINT payment_transactions_pkey PRIMARY KEY (id);


--
-- Name: payment_transactions payment_transactions_tenant_key; Type: CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.payment_transactions
    ADD CONSTRAINT payment_transactions_tenant_key UNIQUE (consultant_id, id);


--
-- Name: plans plans_pkey; Type: CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.plans
    ADD CONSTRAINT plans_pkey PRIMARY KEY (code);


--
-- Name: platform_settings platform_settings_pkey; Type: CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.platform_settings
    ADD CONSTRAINT platform_settings_pkey PRIMARY KEY (key);


--
-- Name: quotation_items quotation_items_pkey; Type: CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.quotation_items
    ADD CONSTRAINT quotation_items_pkey PRIMARY KEY (id);


--
-- Name: quotation_items quotation_items_position_key; Type: CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.quotation_items
    ADD CONSTRAINT quotation_items_position_key UNIQUE (quotation_id, "position");


--
-- Name: quotation_views quotation_views_pkey; Type: CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.quotation_views
    ADD CONSTRAINT quotation_views_pkey PRIMARY KEY (id);


--
-- Name: quotations quotations_client_email_ascii; Type: CHECK CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE app.quotations
    ADD CONSTRAINT quotations_client_email_ascii CHECK ((octet_length((client_email)::text) = length((client_email)::text))) NOT VALID;


--
-- Name: quotations quotations_expires_at_range; Type: CHECK CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE app.quotations
    ADD CONSTRAINT quotations_expires_at_range CHECK (app.is_plausible_instant(expires_at)) NOT VALID;


--
-- Name: quotations quotations_final_amount_payable; Type: CHECK CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE app.quotations
    ADD CONSTRAINT quotations_final_amount_payable CHECK ((NOT ((final_amount > (0)::numeric) AND (final_amount < (1)::numeric)))) NOT VALID;


--
-- Name: quotations quotations_pkey; Type: CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.quotations
    ADD CONSTRAINT quotations_pkey PRIMARY KEY (id);


--
-- Name: quotations quotations_public_token_hash_key; Type: CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.quotations
    ADD CONSTRAINT quotations_public_token_hash_key UNIQUE (public_token_hash);


--
-- Name: quotations quotations_tenant_key; Type: CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.quotations
    ADD CONSTRAINT quotations_tenant_key UNIQUE (consultant_id, id);


--
-- Name: rate_limit_hits rate_limit_hits_pkey; Type: CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.rate_limit_hits
    ADD CONSTRAINT rate_limit_hits_pkey PRIMARY KEY (bucket, window_start);


--
-- Name: refresh_token_families refresh_token_families_pkey; Type: CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.refresh_token_families
    ADD CONSTRAINT refresh_token_families_pkey PRIMARY KEY (id);


--
-- Name: refresh_tokens refresh_tokens_pkey; Type: CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.refresh_tokens
    ADD CONSTRAINT refresh_tokens_pkey PRIMARY KEY (id);


--
-- Name: refresh_tokens refresh_tokens_token_hash_key; Type: CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.refresh_tokens
    ADD CONSTRAINT refresh_tokens_token_hash_key UNIQUE (token_hash);


--
-- Name: sessions sessions_client_email_ascii; Type: CHECK CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE app.sessions
    ADD CONSTRAINT sessions_client_email_ascii CHECK ((octet_length((client_email)::text) = length((client_email)::text))) NOT VALID;


--
-- Name: sessions sessions_ends_at_range; Type: CHECK CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE app.sessions
    ADD CONSTRAINT sessions_ends_at_range CHECK (app.is_plausible_instant(ends_at)) NOT VALID;


--
-- Name: sessions sessions_manage_token_hash_key; Type: CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.sessions
    ADD CONSTRAINT sessions_manage_token_hash_key UNIQUE (manage_token_hash);


--
-- Name: sessions sessions_no_overlap; Type: CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.sessions
    ADD CONSTRAINT sessions_no_overlap EXCLUDE USING gist (consultant_id WITH =, occupied_during WITH &&, occupancy_key WITH <>) WHERE ((status = ANY (ARRAY['pending'::text, 'confirmed'::text, 'completed'::text, 'no_show'::text])));


--
-- Name: CONSTRAINT sessions_no_overlap ON sessions; Type: COMMENT; Schema: app; Owner: nakksha_owner
--

COMMENT ON CONSTRAINT sessions_no_overlap ON app.sessions IS 'Live personal sessions and webinar slots with seats taken never overlap for one consultant (buffer included).';


--
-- Name: sessions sessions_pkey; Type: CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.sessions
    ADD CONSTRAINT sessions_pkey PRIMARY KEY (id);


--
-- Name: sessions sessions_starts_at_range; Type: CHECK CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE app.sessions
    ADD CONSTRAINT sessions_starts_at_range CHECK (app.is_plausible_instant(starts_at)) NOT VALID;


--
-- Name: sessions sessions_tenant_key; Type: CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.sessions
    ADD CONSTRAINT sessions_tenant_key UNIQUE (consultant_id, id);


--
-- Name: view_refreshes view_refreshes_pkey; Type: CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.view_refreshes
    ADD CONSTRAINT view_refreshes_pkey PRIMARY KEY (view_name);


--
-- Name: webhook_events webhook_events_pkey; Type: CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.webhook_events
    ADD CONSTRAINT webhook_events_pkey PRIMARY KEY (id);


--
-- Name: webhook_events webhook_events_provider_event_key; Type: CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.webhook_events
    ADD CONSTRAINT webhook_events_provider_event_key UNIQUE (provider, event_id);


--
-- Name: procrastinate_events procrastinate_events_pkey; Type: CONSTRAINT; Schema: public; Owner: nakksha_owner
--

ALTER TABLE ONLY public.procrastinate_events
    ADD CONSTRAINT procrastinate_events_pkey PRIMARY KEY (id);


--
-- Name: procrastinate_jobs procrastinate_jobs_pkey; Type: CONSTRAINT; Schema: public; Owner: nakksha_owner
--

ALTER TABLE ONLY public.procrastinate_jobs
    ADD CONSTRAINT procrastinate_jobs_pkey PRIMARY KEY (id);


--
-- Name: procrastinate_periodic_defers procrastinate_periodic_defers_pkey; Type: CONSTRAINT; Schema: public; Owner: nakksha_owner
--

ALTER TABLE ONLY public.procrastinate_periodic_defers
    ADD CONSTRAINT procrastinate_periodic_defers_pkey PRIMARY KEY (id);


--
-- Name: procrastinate_periodic_defers procrastinate_periodic_defers_unique; Type: CONSTRAINT; Schema: public; Owner: nakksha_owner
--

ALTER TABLE ONLY public.procrastinate_periodic_defers
    ADD CONSTRAINT procrastinate_periodic_defers_unique UNIQUE (task_name, periodic_id, defer_timestamp);


--
-- Name: procrastinate_workers procrastinate_workers_pkey; Type: CONSTRAINT; Schema: public; Owner: nakksha_owner
--

ALTER TABLE ONLY public.procrastinate_workers
    ADD CONSTRAINT procrastinate_workers_pkey PRIMARY KEY (id);


--
-- Name: schema_migrations schema_migrations_pkey; Type: CONSTRAINT; Schema: public; Owner: nakksha_owner
--

ALTER TABLE ONLY public.schema_migrations
    ADD CONSTRAINT schema_migrations_pkey PRIMARY KEY (version);


--
-- Name: consultant_dashboard_stats_consultant; Type: INDEX; Schema: analytics; Owner: nakksha_owner
--

CREATE UNIQUE INDEX consultant_dashboard_stats_consultant ON analytics.consultant_dashboard_stats USING btree (consultant_id);


--
-- Name: admin_audit_log_target_idx; Type: INDEX; Schema: app; Owner: nakksha_owner
--

CREATE INDEX admin_audit_log_target_idx ON app.admin_audit_log USING btree (target_type, target_id, created_at);


--
-- Name: analytics_dirty_consultant_day_idx; Type: INDEX; Schema: app; Owner: nakksha_owner
--

CREATE INDEX analytics_dirty_consultant_day_idx ON app.analytics_dirty USING btree (consultant_id, day);


--
-- Name: availability_blocks_consultant_id_idx; Type: INDEX; Schema: app; Owner: nakksha_owner
--

CREATE INDEX availability_blocks_consultant_id_idx ON app.availability_blocks USING gist (consultant_id, tstzrange(starts_at, ends_at));


--
-- Name: availability_slots_consultant_starts_idx; Type: INDEX; Schema: app; Owner: nakksha_owner
--

CREATE INDEX availability_slots_consultant_starts_idx ON app.availability_slots USING btree (consultant_id, starts_at);


--
-- Name: calendar_busy_connection; Type: INDEX; Schema: app; Owner: nakksha_owner
--

CREATE INDEX calendar_busy_connection ON app.calendar_busy USING btree (connection_id);


--
-- Name: calendar_busy_consultant_during; Type: INDEX; Schema: app; Owner: nakksha_owner
--

CREATE INDEX calendar_busy_consultant_during ON app.calendar_busy USING gist (consultant_id, during);


--
-- Name: calendar_events_consultant; Type: INDEX; Schema: app; Owner: nakksha_owner
--

CREATE INDEX calendar_events_consultant ON app.calendar_events USING btree (consultant_id);


--
-- Name: clients_consultant_created_idx; Type: INDEX; Schema: app; Owner: nakksha_owner
--

CREATE INDEX clients_consultant_created_idx ON app.clients USING btree (consultant_id, created_at);


--
-- Name: clients_consultant_mailbox_idx; Type: INDEX; Schema: app; Owner: nakksha_owner
--

CREATE INDEX clients_consultant_mailbox_idx ON app.clients USING btree (consultant_id, app.mailbox_key((email)::text));


--
-- Name: clients_consultant_phone_hash_idx; Type: INDEX; Schema: app; Owner: nakksha_owner
--

CREATE INDEX clients_consultant_phone_hash_idx ON app.clients USING btree (consultant_id, phone_hash) WHERE (phone_hash IS NOT NULL);


--
-- Name: consultants_approval_status_idx; Type: INDEX; Schema: app; Owner: nakksha_owner
--

CREATE INDEX consultants_approval_status_idx ON app.consultants USING btree (approval_status, created_at);


--
-- Name: email_logs_consultant_idx; Type: INDEX; Schema: app; Owner: nakksha_owner
--

CREATE INDEX email_logs_consultant_idx ON app.email_logs USING btree (consultant_id, queued_at) WHERE (consultant_id IS NOT NULL);


--
-- Name: email_logs_quotation_idx; Type: INDEX; Schema: app; Owner: nakksha_owner
--

CREATE INDEX email_logs_quotation_idx ON app.email_logs USING btree (quotation_id) WHERE (quotation_id IS NOT NULL);


--
-- Name: email_logs_status_idx; Type: INDEX; Schema: app; Owner: nakksha_owner
--

CREATE INDEX email_logs_status_idx ON app.email_logs USING btree (status, queued_at);


--
-- Name: email_outbox_created_idx; Type: INDEX; Schema: app; Owner: nakksha_owner
--

CREATE INDEX email_outbox_created_idx ON app.email_outbox USING btree (created_at DESC);


--
-- Name: idempotency_keys_created_idx; Type: INDEX; Schema: app; Owner: nakksha_owner
--

CREATE INDEX idempotency_keys_created_idx ON app.idempotency_keys USING btree (created_at);


--
-- Name: ledger_entries_consultant_idx; Type: INDEX; Schema: app; Owner: nakksha_owner
--

CREATE INDEX ledger_entries_consultant_idx ON app.ledger_entries USING btree (consultant_id, occurred_at);


--
-- Name: ledger_entries_refund_idx; Type: INDEX; Schema: app; Owner: nakksha_owner
--

CREATE INDEX ledger_entries_refund_idx ON app.ledger_entries USING btree (refund_id) WHERE (refund_id IS NOT NULL);


--
-- Name: one_time_tokens_admin_id_idx; Type: INDEX; Schema: app; Owner: nakksha_owner
--

CREATE INDEX one_time_tokens_admin_id_idx ON app.one_time_tokens USING btree (admin_id, purpose) WHERE (admin_id IS NOT NULL);


--
-- Name: one_time_tokens_consultant_id_idx; Type: INDEX; Schema: app; Owner: nakksha_owner
--

CREATE INDEX one_time_tokens_consultant_id_idx ON app.one_time_tokens USING btree (consultant_id, purpose) WHERE (consultant_id IS NOT NULL);


--
-- Name: payment_refunds_consultant_processed_idx; Type: INDEX; Schema: app; Owner: nakksha_owner
--

CREATE INDEX payment_refunds_consultant_processed_idx ON app.payment_refunds USING btree (consultant_id, processed_at) WHERE (processed_at IS NOT NULL);


--
-- Name: payment_refunds_pending_idx; Type: INDEX; Schema: app; Owner: nakksha_owner
--

CREATE INDEX payment_refunds_pending_idx ON app.payment_refunds USING btree (updated_at) WHERE (status = 'pending'::text);


--
-- Name: payment_refunds_transaction_idx; Type: INDEX; Schema: app; Owner: nakksha_owner
--

CREATE INDEX payment_refunds_transaction_idx ON app.payment_refunds USING btree (transaction_id);


--
-- Name: payment_transactions_consultant_created_idx; Type: INDEX; Schema: app; Owner: nakksha_owner
--

CREATE INDEX payment_transactions_consultant_created_idx ON app.payment_transactions USING btree (consultant_id, created_at);


--
-- Name: payment_transactions_consultant_paid_idx; Type: INDEX; Schema: app; Owner: nakksha_owner
--

CREATE INDEX payment_transactions_consultant_paid_idx ON app.payment_transactions USING btree (consultant_id, paid_at) WHERE (paid_at IS NOT NULL);


--
-- Name: payment_transactions_pending_idx; Type: INDEX; Schema: app; Owner: nakksha_owner
--

CREATE INDEX payment_transactions_pending_idx ON app.payment_transactions USING btree (created_at) WHERE (status = 'pending'::text);


--
-- Name: payment_transactions_quotation_idx; Type: INDEX; Schema: app; Owner: nakksha_owner
--

CREATE INDEX payment_transactions_quotation_idx ON app.payment_transactions USING btree (quotation_id) WHERE (quotation_id IS NOT NULL);


--
-- Name: payment_transactions_reconcile_idx; Type: INDEX; Schema: app; Owner: nakksha_owner
--

CREATE INDEX payment_transactions_reconcile_idx ON app.payment_transactions USING btree (last_checked_at NULLS FIRST) WHERE ((status = ANY (ARRAY['pending'::text, 'failed'::text, 'cancelled'::text])) AND (gateway_order_id IS NOT NULL));


--
-- Name: payment_transactions_session_idx; Type: INDEX; Schema: app; Owner: nakksha_owner
--

CREATE INDEX payment_transactions_session_idx ON app.payment_transactions USING btree (session_id) WHERE (session_id IS NOT NULL);


--
-- Name: quotation_items_consultant_idx; Type: INDEX; Schema: app; Owner: nakksha_owner
--

CREATE INDEX quotation_items_consultant_idx ON app.quotation_items USING btree (consultant_id);


--
-- Name: quotation_views_quotation; Type: INDEX; Schema: app; Owner: nakksha_owner
--

CREATE INDEX quotation_views_quotation ON app.quotation_views USING btree (quotation_id, viewed_at);


--
-- Name: quotations_consultant_responded_idx; Type: INDEX; Schema: app; Owner: nakksha_owner
--

CREATE INDEX quotations_consultant_responded_idx ON app.quotations USING btree (consultant_id, responded_at) WHERE (responded_at IS NOT NULL);


--
-- Name: quotations_consultant_sent_idx; Type: INDEX; Schema: app; Owner: nakksha_owner
--

CREATE INDEX quotations_consultant_sent_idx ON app.quotations USING btree (consultant_id, sent_at) WHERE (sent_at IS NOT NULL);


--
-- Name: quotations_consultant_status_idx; Type: INDEX; Schema: app; Owner: nakksha_owner
--

CREATE INDEX quotations_consultant_status_idx ON app.quotations USING btree (consultant_id, status, created_at);


--
-- Name: quotations_expiry_idx; Type: INDEX; Schema: app; Owner: nakksha_owner
--

CREATE INDEX quotations_expiry_idx ON app.quotations USING btree (expires_at) WHERE (status = ANY (ARRAY['sent'::text, 'viewed'::text]));


--
-- Name: rate_limit_hits_window_idx; Type: INDEX; Schema: app; Owner: nakksha_owner
--

CREATE INDEX rate_limit_hits_window_idx ON app.rate_limit_hits USING btree (window_start);


--
-- Name: refresh_token_families_admin_id_idx; Type: INDEX; Schema: app; Owner: nakksha_owner
--

CREATE INDEX refresh_token_families_admin_id_idx ON app.refresh_token_families USING btree (admin_id) WHERE (admin_id IS NOT NULL);


--
-- Name: refresh_token_families_consultant_id_idx; Type: INDEX; Schema: app; Owner: nakksha_owner
--

CREATE INDEX refresh_token_families_consultant_id_idx ON app.refresh_token_families USING btree (consultant_id) WHERE (consultant_id IS NOT NULL);


--
-- Name: refresh_tokens_family_id_idx; Type: INDEX; Schema: app; Owner: nakksha_owner
--

CREATE INDEX refresh_tokens_family_id_idx ON app.refresh_tokens USING btree (family_id);


--
-- Name: sessions_client_idx; Type: INDEX; Schema: app; Owner: nakksha_owner
--

CREATE INDEX sessions_client_idx ON app.sessions USING btree (consultant_id, client_id);


--
-- Name: sessions_consultant_starts_idx; Type: INDEX; Schema: app; Owner: nakksha_owner
--

CREATE INDEX sessions_consultant_starts_idx ON app.sessions USING btree (consultant_id, starts_at);


--
-- Name: sessions_consultant_status_idx; Type: INDEX; Schema: app; Owner: nakksha_owner
--

CREATE INDEX sessions_consultant_status_idx ON app.sessions USING btree (consultant_id, status);


--
-- Name: sessions_hold_expiry_idx; Type: INDEX; Schema: app; Owner: nakksha_owner
--

CREATE INDEX sessions_hold_expiry_idx ON app.sessions USING btree (hold_expires_at) WHERE (status = 'pending'::text);


--
-- Name: sessions_pending_ip_idx; Type: INDEX; Schema: app; Owner: nakksha_owner
--

CREATE INDEX sessions_pending_ip_idx ON app.sessions USING btree (consultant_id, client_ip_hash) WHERE ((status = 'pending'::text) AND (client_ip_hash IS NOT NULL));


--
-- Name: sessions_reminder_waiting_idx; Type: INDEX; Schema: app; Owner: nakksha_owner
--

CREATE INDEX sessions_reminder_waiting_idx ON app.sessions USING btree (starts_at) WHERE ((status = 'confirmed'::text) AND (reminder_queued_for IS DISTINCT FROM starts_at));


--
-- Name: sessions_slot_idx; Type: INDEX; Schema: app; Owner: nakksha_owner
--

CREATE INDEX sessions_slot_idx ON app.sessions USING btree (slot_id) WHERE (slot_id IS NOT NULL);


--
-- Name: webhook_events_email_idx; Type: INDEX; Schema: app; Owner: nakksha_owner
--

CREATE INDEX webhook_events_email_idx ON app.webhook_events USING btree (((payload #>> '{data,email_id}'::text[]))) WHERE (provider = 'resend'::text);


--
-- Name: webhook_events_payment_order_idx; Type: INDEX; Schema: app; Owner: nakksha_owner
--

CREATE INDEX webhook_events_payment_order_idx ON app.webhook_events USING btree (((payload #>> '{payload,payment,entity,order_id}'::text[]))) WHERE (provider <> 'resend'::text);


--
-- Name: webhook_events_refund_payment_idx; Type: INDEX; Schema: app; Owner: nakksha_owner
--

CREATE INDEX webhook_events_refund_payment_idx ON app.webhook_events USING btree (((payload #>> '{payload,refund,entity,payment_id}'::text[]))) WHERE (provider <> 'resend'::text);


--
-- Name: idx_procrastinate_jobs_worker_not_null; Type: INDEX; Schema: public; Owner: nakksha_owner
--

CREATE INDEX idx_procrastinate_jobs_worker_not_null ON public.procrastinate_jobs USING btree (worker_id) WHERE ((worker_id IS NOT NULL) AND (status = 'doing'::public.procrastinate_job_status));


--
-- Name: idx_procrastinate_workers_last_heartbeat; Type: INDEX; Schema: public; Owner: nakksha_owner
--

CREATE INDEX idx_procrastinate_workers_last_heartbeat ON public.procrastinate_workers USING btree (last_heartbeat);


--
-- Name: procrastinate_events_job_id_fkey_v1; Type: INDEX; Schema: public; Owner: nakksha_owner
--

CREATE INDEX procrastinate_events_job_id_fkey_v1 ON public.procrastinate_events USING btree (job_id);


--
-- Name: procrastinate_jobs_id_lock_idx_v1; Type: INDEX; Schema: public; Owner: nakksha_owner
--

CREATE INDEX procrastinate_jobs_id_lock_idx_v1 ON public.procrastinate_jobs USING btree (id, lock) WHERE (status = ANY (ARRAY['todo'::public.procrastinate_job_status, 'doing'::public.procrastinate_job_status]));


--
-- Name: procrastinate_jobs_lock_idx_v1; Type: INDEX; Schema: public; Owner: nakksha_owner
--

CREATE UNIQUE INDEX procrastinate_jobs_lock_idx_v1 ON public.procrastinate_jobs USING btree (lock) WHERE (status = 'doing'::public.procrastinate_job_status);


--
-- Name: procrastinate_jobs_priority_idx_v1; Type: INDEX; Schema: public; Owner: nakksha_owner
--

CREATE INDEX procrastinate_jobs_priority_idx_v1 ON public.procrastinate_jobs USING btree (priority DESC, id) WHERE (status = 'todo'::public.procrastinate_job_status);


--
-- Name: procrastinate_jobs_queue_name_idx_v1; Type: INDEX; Schema: public; Owner: nakksha_owner
--

CREATE INDEX procrastinate_jobs_queue_name_idx_v1 ON public.procrastinate_jobs USING btree (queue_name);


--
-- Name: procrastinate_jobs_queueing_lock_idx_v1; Type: INDEX; Schema: public; Owner: nakksha_owner
--

CREATE UNIQUE INDEX procrastinate_jobs_queueing_lock_idx_v1 ON public.procrastinate_jobs USING btree (queueing_lock) WHERE (status = 'todo'::public.procrastinate_job_status);


--
-- Name: procrastinate_periodic_defers_job_id_fkey_v1; Type: INDEX; Schema: public; Owner: nakksha_owner
--

CREATE INDEX procrastinate_periodic_defers_job_id_fkey_v1 ON public.procrastinate_periodic_defers USING btree (job_id);


--
-- Name: admin_audit_log admin_audit_log_append_only; Type: TRIGGER; Schema: app; Owner: nakksha_owner
--

CREATE TRIGGER admin_audit_log_append_only BEFORE DELETE OR UPDATE ON app.admin_audit_log FOR EACH ROW EXECUTE FUNCTION app.forbid_audit_change();


--
-- Name: admin_audit_log admin_audit_log_no_truncate; Type: TRIGGER; Schema: app; Owner: nakksha_owner
--

CREATE TRIGGER admin_audit_log_no_truncate BEFORE TRUNCATE ON app.admin_audit_log FOR EACH STATEMENT EXECUTE FUNCTION app.forbid_audit_change();


--
-- Name: admins admins_touch_updated_at; Type: TRIGGER; Schema: app; Owner: nakksha_owner
--

CREATE TRIGGER admins_touch_updated_at BEFORE UPDATE ON app.admins FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();


--
-- Name: availability_blocks availability_blocks_refuse_suspended; Type: TRIGGER; Schema: app; Owner: nakksha_owner
--

CREATE TRIGGER availability_blocks_refuse_suspended BEFORE INSERT OR DELETE OR UPDATE ON app.availability_blocks FOR EACH STATEMENT EXECUTE FUNCTION app.refuse_suspended_writes();


--
-- Name: availability_rules availability_rules_check_limits; Type: TRIGGER; Schema: app; Owner: nakksha_owner
--

CREATE TRIGGER availability_rules_check_limits AFTER INSERT OR UPDATE ON app.availability_rules FOR EACH ROW EXECUTE FUNCTION app.check_availability_rule();


--
-- Name: availability_rules availability_rules_refuse_suspended; Type: TRIGGER; Schema: app; Owner: nakksha_owner
--

CREATE TRIGGER availability_rules_refuse_suspended BEFORE INSERT OR DELETE OR UPDATE ON app.availability_rules FOR EACH STATEMENT EXECUTE FUNCTION app.refuse_suspended_writes();


--
-- Name: availability_rules availability_rules_touch_updated_at; Type: TRIGGER; Schema: app; Owner: nakksha_owner
--

CREATE TRIGGER availability_rules_touch_updated_at BEFORE UPDATE ON app.availability_rules FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();


--
-- Name: availability_slot_exclusions availability_slot_exclusions_refuse_suspended; Type: TRIGGER; Schema: app; Owner: nakksha_owner
--

CREATE TRIGGER availability_slot_exclusions_refuse_suspended BEFORE INSERT OR DELETE OR UPDATE ON app.availability_slot_exclusions FOR EACH STATEMENT EXECUTE FUNCTION app.refuse_suspended_writes();


--
-- Name: availability_slots availability_slots_check_manual_budget; Type: TRIGGER; Schema: app; Owner: nakksha_owner
--

CREATE TRIGGER availability_slots_check_manual_budget AFTER INSERT ON app.availability_slots FOR EACH ROW WHEN ((new.source = 'manual'::text)) EXECUTE FUNCTION app.check_slot_budget();


--
-- Name: availability_slots availability_slots_derive_local; Type: TRIGGER; Schema: app; Owner: nakksha_owner
--

CREATE TRIGGER availability_slots_derive_local BEFORE INSERT OR UPDATE OF starts_at, ends_at, consultant_id ON app.availability_slots FOR EACH ROW EXECUTE FUNCTION app.derive_slot_local_times();


--
-- Name: availability_slots availability_slots_protect_booked; Type: TRIGGER; Schema: app; Owner: nakksha_owner
--

CREATE TRIGGER availability_slots_protect_booked BEFORE DELETE OR UPDATE ON app.availability_slots FOR EACH ROW EXECUTE FUNCTION app.protect_booked_slot();


--
-- Name: availability_slots availability_slots_refuse_suspended; Type: TRIGGER; Schema: app; Owner: nakksha_owner
--

CREATE TRIGGER availability_slots_refuse_suspended BEFORE INSERT OR DELETE OR UPDATE ON app.availability_slots FOR EACH STATEMENT EXECUTE FUNCTION app.refuse_suspended_writes();


--
-- Name: availability_slots availability_slots_touch_updated_at; Type: TRIGGER; Schema: app; Owner: nakksha_owner
--

CREATE TRIGGER availability_slots_touch_updated_at BEFORE UPDATE ON app.availability_slots FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();


--
-- Name: calendar_connections calendar_connections_touch_updated_at; Type: TRIGGER; Schema: app; Owner: nakksha_owner
--

CREATE TRIGGER calendar_connections_touch_updated_at BEFORE UPDATE ON app.calendar_connections FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();


--
-- Name: clients clients_count; Type: TRIGGER; Schema: app; Owner: nakksha_owner
--

CREATE TRIGGER clients_count AFTER INSERT OR DELETE ON app.clients FOR EACH ROW EXECUTE FUNCTION app.count_clients();


--
-- Name: clients clients_mark_analytics; Type: TRIGGER; Schema: app; Owner: nakksha_owner
--

CREATE TRIGGER clients_mark_analytics AFTER INSERT ON app.clients FOR EACH ROW EXECUTE FUNCTION app.mark_analytics_dirty();


--
-- Name: clients clients_touch_updated_at; Type: TRIGGER; Schema: app; Owner: nakksha_owner
--

CREATE TRIGGER clients_touch_updated_at BEFORE UPDATE ON app.clients FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();


--
-- Name: consultant_tax_profiles consultant_tax_profiles_touch_updated_at; Type: TRIGGER; Schema: app; Owner: nakksha_owner
--

CREATE TRIGGER consultant_tax_profiles_touch_updated_at BEFORE UPDATE ON app.consultant_tax_profiles FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();


--
-- Name: consultants consultants_check_slot_horizon; Type: TRIGGER; Schema: app; Owner: nakksha_owner
--

CREATE TRIGGER consultants_check_slot_horizon AFTER UPDATE OF max_days_ahead ON app.consultants FOR EACH ROW WHEN ((new.max_days_ahead > old.max_days_ahead)) EXECUTE FUNCTION app.check_slot_budget();


--
-- Name: consultants consultants_guard_publication; Type: TRIGGER; Schema: app; Owner: nakksha_owner
--

CREATE TRIGGER consultants_guard_publication BEFORE UPDATE OF published_at ON app.consultants FOR EACH ROW EXECUTE FUNCTION app.guard_publication();


--
-- Name: consultants consultants_rederive_local_times; Type: TRIGGER; Schema: app; Owner: nakksha_owner
--

CREATE TRIGGER consultants_rederive_local_times AFTER UPDATE OF timezone ON app.consultants FOR EACH ROW WHEN ((old.timezone IS DISTINCT FROM new.timezone)) EXECUTE FUNCTION app.rederive_local_times();


--
-- Name: consultants consultants_refuse_suspended_changes; Type: TRIGGER; Schema: app; Owner: nakksha_owner
--

CREATE TRIGGER consultants_refuse_suspended_changes BEFORE UPDATE ON app.consultants FOR EACH ROW EXECUTE FUNCTION app.refuse_suspended_profile_changes();


--
-- Name: consultants consultants_timezone_analytics; Type: TRIGGER; Schema: app; Owner: nakksha_owner
--

CREATE TRIGGER consultants_timezone_analytics AFTER UPDATE OF timezone ON app.consultants FOR EACH ROW WHEN ((new.timezone IS DISTINCT FROM old.timezone)) EXECUTE FUNCTION app.mark_all_analytics_dirty();


--
-- Name: consultants consultants_touch_updated_at; Type: TRIGGER; Schema: app; Owner: nakksha_owner
--

CREATE TRIGGER consultants_touch_updated_at BEFORE UPDATE ON app.consultants FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();


--
-- Name: email_logs email_logs_touch_updated_at; Type: TRIGGER; Schema: app; Owner: nakksha_owner
--

CREATE TRIGGER email_logs_touch_updated_at BEFORE UPDATE ON app.email_logs FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();


--
-- Name: email_templates email_templates_touch_updated_at; Type: TRIGGER; Schema: app; Owner: nakksha_owner
--

CREATE TRIGGER email_templates_touch_updated_at BEFORE UPDATE ON app.email_templates FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();


--
-- Name: ledger_entries ledger_entries_append_only; Type: TRIGGER; Schema: app; Owner: nakksha_owner
--

CREATE TRIGGER ledger_entries_append_only BEFORE DELETE OR UPDATE ON app.ledger_entries FOR EACH ROW EXECUTE FUNCTION app.refuse_ledger_change();


--
-- Name: payment_refunds payment_refunds_apply_totals; Type: TRIGGER; Schema: app; Owner: nakksha_owner
--

CREATE TRIGGER payment_refunds_apply_totals AFTER INSERT OR UPDATE OF status, amount ON app.payment_refunds FOR EACH ROW EXECUTE FUNCTION app.apply_refund_totals();


--
-- Name: payment_refunds payment_refunds_guard; Type: TRIGGER; Schema: app; Owner: nakksha_owner
--

CREATE TRIGGER payment_refunds_guard BEFORE INSERT OR UPDATE OF amount, status ON app.payment_refunds FOR EACH ROW EXECUTE FUNCTION app.guard_refund();


--
-- Name: payment_refunds payment_refunds_ledger; Type: TRIGGER; Schema: app; Owner: nakksha_owner
--

CREATE TRIGGER payment_refunds_ledger AFTER INSERT OR UPDATE OF status ON app.payment_refunds FOR EACH ROW EXECUTE FUNCTION app.ledger_refund();


--
-- Name: payment_refunds payment_refunds_mark_analytics; Type: TRIGGER; Schema: app; Owner: nakksha_owner
--

CREATE TRIGGER payment_refunds_mark_analytics AFTER INSERT OR UPDATE OF status, processed_at, amount ON app.payment_refunds FOR EACH ROW EXECUTE FUNCTION app.mark_analytics_dirty();


--
-- Name: payment_refunds payment_refunds_touch_updated_at; Type: TRIGGER; Schema: app; Owner: nakksha_owner
--

CREATE TRIGGER payment_refunds_touch_updated_at BEFORE UPDATE ON app.payment_refunds FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();


--
-- Name: payment_transactions payment_transactions_enforce_transition; Type: TRIGGER; Schema: app; Owner: nakksha_owner
--

CREATE TRIGGER payment_transactions_enforce_transition BEFORE UPDATE OF status ON app.payment_transactions FOR EACH ROW EXECUTE FUNCTION app.enforce_payment_transition();


--
-- Name: payment_transactions payment_transactions_ledger; Type: TRIGGER; Schema: app; Owner: nakksha_owner
--

CREATE TRIGGER payment_transactions_ledger AFTER INSERT OR UPDATE ON app.payment_transactions FOR EACH ROW EXECUTE FUNCTION app.ledger_capture();


--
-- Name: payment_transactions payment_transactions_mark_analytics; Type: TRIGGER; Schema: app; Owner: nakksha_owner
--

CREATE TRIGGER payment_transactions_mark_analytics AFTER INSERT OR DELETE OR UPDATE OF status, paid_at, amount ON app.payment_transactions FOR EACH ROW EXECUTE FUNCTION app.mark_analytics_dirty();


--
-- Name: payment_transactions payment_transactions_record_commission; Type: TRIGGER; Schema: app; Owner: nakksha_owner
--

CREATE TRIGGER payment_transactions_record_commission BEFORE INSERT OR UPDATE ON app.payment_transactions FOR EACH ROW EXECUTE FUNCTION app.record_commission();


--
-- Name: payment_transactions payment_transactions_refresh_client_paid; Type: TRIGGER; Schema: app; Owner: nakksha_owner
--

CREATE TRIGGER payment_transactions_refresh_client_paid AFTER INSERT OR DELETE OR UPDATE OF status, amount, amount_refunded, client_id ON app.payment_transactions FOR EACH ROW EXECUTE FUNCTION app.refresh_client_amount_paid();


--
-- Name: payment_transactions payment_transactions_touch_updated_at; Type: TRIGGER; Schema: app; Owner: nakksha_owner
--

CREATE TRIGGER payment_transactions_touch_updated_at BEFORE UPDATE ON app.payment_transactions FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();


--
-- Name: plans plans_touch_updated_at; Type: TRIGGER; Schema: app; Owner: nakksha_owner
--

CREATE TRIGGER plans_touch_updated_at BEFORE UPDATE ON app.plans FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();


--
-- Name: platform_settings platform_settings_touch_updated_at; Type: TRIGGER; Schema: app; Owner: nakksha_owner
--

CREATE TRIGGER platform_settings_touch_updated_at BEFORE UPDATE ON app.platform_settings FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();


--
-- Name: quotation_items quotation_items_guard; Type: TRIGGER; Schema: app; Owner: nakksha_owner
--

CREATE TRIGGER quotation_items_guard BEFORE INSERT OR DELETE OR UPDATE ON app.quotation_items FOR EACH ROW EXECUTE FUNCTION app.guard_quotation_item();


--
-- Name: quotation_items quotation_items_total_delete; Type: TRIGGER; Schema: app; Owner: nakksha_owner
--

CREATE TRIGGER quotation_items_total_delete AFTER DELETE ON app.quotation_items REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION app.total_quotation_items();


--
-- Name: quotation_items quotation_items_total_insert; Type: TRIGGER; Schema: app; Owner: nakksha_owner
--

CREATE TRIGGER quotation_items_total_insert AFTER INSERT ON app.quotation_items REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION app.total_quotation_items();


--
-- Name: quotation_items quotation_items_total_update; Type: TRIGGER; Schema: app; Owner: nakksha_owner
--

CREATE TRIGGER quotation_items_total_update AFTER UPDATE ON app.quotation_items REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION app.total_quotation_items();


--
-- Name: quotations quotations_guard; Type: TRIGGER; Schema: app; Owner: nakksha_owner
--

CREATE TRIGGER quotations_guard BEFORE DELETE OR UPDATE ON app.quotations FOR EACH ROW EXECUTE FUNCTION app.guard_quotation();


--
-- Name: quotations quotations_mark_analytics; Type: TRIGGER; Schema: app; Owner: nakksha_owner
--

CREATE TRIGGER quotations_mark_analytics AFTER UPDATE OF status, sent_at, responded_at ON app.quotations FOR EACH ROW EXECUTE FUNCTION app.mark_analytics_dirty();


--
-- Name: quotations quotations_touch_updated_at; Type: TRIGGER; Schema: app; Owner: nakksha_owner
--

CREATE TRIGGER quotations_touch_updated_at BEFORE UPDATE ON app.quotations FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();


--
-- Name: sessions sessions_derive_times; Type: TRIGGER; Schema: app; Owner: nakksha_owner
--

CREATE TRIGGER sessions_derive_times BEFORE INSERT OR UPDATE OF starts_at, ends_at, buffer_minutes, consultant_id ON app.sessions FOR EACH ROW EXECUTE FUNCTION app.derive_session_times();


--
-- Name: sessions sessions_enforce_transition; Type: TRIGGER; Schema: app; Owner: nakksha_owner
--

CREATE TRIGGER sessions_enforce_transition BEFORE UPDATE OF status ON app.sessions FOR EACH ROW EXECUTE FUNCTION app.enforce_session_transition();


--
-- Name: sessions sessions_mark_analytics; Type: TRIGGER; Schema: app; Owner: nakksha_owner
--

CREATE TRIGGER sessions_mark_analytics AFTER INSERT OR DELETE OR UPDATE OF status, starts_at, amount, session_type, is_repeat_client ON app.sessions FOR EACH ROW EXECUTE FUNCTION app.mark_analytics_dirty();


--
-- Name: sessions sessions_queue_reminder; Type: TRIGGER; Schema: app; Owner: nakksha_owner
--

CREATE TRIGGER sessions_queue_reminder BEFORE INSERT OR UPDATE OF status, starts_at ON app.sessions FOR EACH ROW EXECUTE FUNCTION app.queue_session_reminder();


--
-- Name: sessions sessions_refresh_client_totals; Type: TRIGGER; Schema: app; Owner: nakksha_owner
--

CREATE TRIGGER sessions_refresh_client_totals AFTER INSERT OR DELETE OR UPDATE OF status, starts_at, client_id ON app.sessions FOR EACH ROW EXECUTE FUNCTION app.refresh_client_session_totals();


--
-- Name: sessions sessions_sync_calendar; Type: TRIGGER; Schema: app; Owner: nakksha_owner
--

CREATE TRIGGER sessions_sync_calendar AFTER INSERT OR UPDATE OF status, starts_at, ends_at ON app.sessions FOR EACH ROW EXECUTE FUNCTION app.sync_session_calendar();


--
-- Name: sessions sessions_sync_slot_seats; Type: TRIGGER; Schema: app; Owner: nakksha_owner
--

CREATE TRIGGER sessions_sync_slot_seats AFTER INSERT OR DELETE OR UPDATE OF status, slot_id ON app.sessions FOR EACH ROW EXECUTE FUNCTION app.sync_slot_seats();


--
-- Name: sessions sessions_touch_updated_at; Type: TRIGGER; Schema: app; Owner: nakksha_owner
--

CREATE TRIGGER sessions_touch_updated_at BEFORE UPDATE ON app.sessions FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();


--
-- Name: procrastinate_jobs procrastinate_jobs_keep_worker_registered; Type: TRIGGER; Schema: public; Owner: nakksha_owner
--

CREATE TRIGGER procrastinate_jobs_keep_worker_registered BEFORE UPDATE OF worker_id ON public.procrastinate_jobs FOR EACH ROW WHEN (((new.worker_id IS NOT NULL) AND (new.worker_id IS DISTINCT FROM old.worker_id))) EXECUTE FUNCTION app.keep_worker_registered();


--
-- Name: procrastinate_jobs procrastinate_jobs_notify_queue_job_aborted_v1; Type: TRIGGER; Schema: public; Owner: nakksha_owner
--

CREATE TRIGGER procrastinate_jobs_notify_queue_job_aborted_v1 AFTER UPDATE OF abort_requested ON public.procrastinate_jobs FOR EACH ROW WHEN (((old.abort_requested = false) AND (new.abort_requested = true) AND (new.status = 'doing'::public.procrastinate_job_status))) EXECUTE FUNCTION public.procrastinate_notify_queue_abort_job_v1();


--
-- Name: procrastinate_jobs procrastinate_jobs_notify_queue_job_inserted_v1; Type: TRIGGER; Schema: public; Owner: nakksha_owner
--

CREATE TRIGGER procrastinate_jobs_notify_queue_job_inserted_v1 AFTER INSERT ON public.procrastinate_jobs FOR EACH ROW WHEN ((new.status = 'todo'::public.procrastinate_job_status)) EXECUTE FUNCTION public.procrastinate_notify_queue_job_inserted_v1();


--
-- Name: procrastinate_jobs procrastinate_trigger_abort_requested_events_v1; Type: TRIGGER; Schema: public; Owner: nakksha_owner
--

CREATE TRIGGER procrastinate_trigger_abort_requested_events_v1 AFTER UPDATE OF abort_requested ON public.procrastinate_jobs FOR EACH ROW WHEN ((new.abort_requested = true)) EXECUTE FUNCTION public.procrastinate_trigger_abort_requested_events_procedure_v1();


--
-- Name: procrastinate_jobs procrastinate_trigger_delete_jobs_v1; Type: TRIGGER; Schema: public; Owner: nakksha_owner
--

CREATE TRIGGER procrastinate_trigger_delete_jobs_v1 BEFORE DELETE ON public.procrastinate_jobs FOR EACH ROW EXECUTE FUNCTION public.procrastinate_unlink_periodic_defers_v1();


--
-- Name: procrastinate_jobs procrastinate_trigger_scheduled_events_v1; Type: TRIGGER; Schema: public; Owner: nakksha_owner
--

CREATE TRIGGER procrastinate_trigger_scheduled_events_v1 AFTER INSERT OR UPDATE ON public.procrastinate_jobs FOR EACH ROW WHEN (((new.scheduled_at IS NOT NULL) AND (new.status = 'todo'::public.procrastinate_job_status))) EXECUTE FUNCTION public.procrastinate_trigger_function_scheduled_events_v1();


--
-- Name: procrastinate_jobs procrastinate_trigger_status_events_insert_v1; Type: TRIGGER; Schema: public; Owner: nakksha_owner
--

CREATE TRIGGER procrastinate_trigger_status_events_insert_v1 AFTER INSERT ON public.procrastinate_jobs FOR EACH ROW WHEN ((new.status = 'todo'::public.procrastinate_job_status)) EXECUTE FUNCTION public.procrastinate_trigger_function_status_events_insert_v1();


--
-- Name: procrastinate_jobs procrastinate_trigger_status_events_update_v1; Type: TRIGGER; Schema: public; Owner: nakksha_owner
--

CREATE TRIGGER procrastinate_trigger_status_events_update_v1 AFTER UPDATE OF status ON public.procrastinate_jobs FOR EACH ROW EXECUTE FUNCTION public.procrastinate_trigger_function_status_events_update_v1();


--
-- Name: admin_audit_log admin_audit_log_admin_id_fkey; Type: FK CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.admin_audit_log
    ADD CONSTRAINT admin_audit_log_admin_id_fkey FOREIGN KEY (admin_id) REFERENCES app.admins(id) ON DELETE RESTRICT;


--
-- Name: admins admins_created_by_fkey; Type: FK CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.admins
    ADD CONSTRAINT admins_created_by_fkey FOREIGN KEY (created_by) REFERENCES app.admins(id) ON DELETE SET NULL;


--
-- Name: analytics_dirty analytics_dirty_consultant_id_fkey; Type: FK CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.analytics_dirty
    ADD CONSTRAINT analytics_dirty_consultant_id_fkey FOREIGN KEY (consultant_id) REFERENCES app.consultants(id) ON DELETE CASCADE;


--
-- Name: availability_blocks availability_blocks_consultant_id_fkey; Type: FK CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.availability_blocks
    ADD CONSTRAINT availability_blocks_consultant_id_fkey FOREIGN KEY (consultant_id) REFERENCES app.consultants(id) ON DELETE CASCADE;


--
-- Name: availability_rules availability_rules_consultant_id_fkey; Type: FK CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.availability_rules
    ADD CONSTRAINT availability_rules_consultant_id_fkey FOREIGN KEY (consultant_id) REFERENCES app.consultants(id) ON DELETE CASCADE;


--
-- Name: availability_slot_exclusions availability_slot_exclusions_consultant_id_fkey; Type: FK CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.availability_slot_exclusions
    ADD CONSTRAINT availability_slot_exclusions_consultant_id_fkey FOREIGN KEY (consultant_id) REFERENCES app.consultants(id) ON DELETE CASCADE;


--
-- Name: availability_slots availability_slots_consultant_id_fkey; Type: FK CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.availability_slots
    ADD CONSTRAINT availability_slots_consultant_id_fkey FOREIGN KEY (consultant_id) REFERENCES app.consultants(id) ON DELETE CASCADE;


--
-- Name: availability_slots availability_slots_rule_id_fkey; Type: FK CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.availability_slots
    ADD CONSTRAINT availability_slots_rule_id_fkey FOREIGN KEY (consultant_id, rule_id) REFERENCES app.availability_rules(consultant_id, id) ON DELETE SET NULL (rule_id);


--
-- Name: calendar_busy calendar_busy_connection_id_fkey; Type: FK CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.calendar_busy
    ADD CONSTRAINT calendar_busy_connection_id_fkey FOREIGN KEY (connection_id) REFERENCES app.calendar_connections(id) ON DELETE CASCADE;


--
-- Name: calendar_busy calendar_busy_consultant_id_fkey; Type: FK CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.calendar_busy
    ADD CONSTRAINT calendar_busy_consultant_id_fkey FOREIGN KEY (consultant_id) REFERENCES app.consultants(id) ON DELETE CASCADE;


--
-- Name: calendar_connections calendar_connections_consultant_id_fkey; Type: FK CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.calendar_connections
    ADD CONSTRAINT calendar_connections_consultant_id_fkey FOREIGN KEY (consultant_id) REFERENCES app.consultants(id) ON DELETE CASCADE;


--
-- Name: calendar_events calendar_events_consultant_id_fkey; Type: FK CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.calendar_events
    ADD CONSTRAINT calendar_events_consultant_id_fkey FOREIGN KEY (consultant_id) REFERENCES app.consultants(id) ON DELETE CASCADE;


--
-- Name: clients clients_consultant_id_fkey; Type: FK CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.clients
    ADD CONSTRAINT clients_consultant_id_fkey FOREIGN KEY (consultant_id) REFERENCES app.consultants(id) ON DELETE CASCADE;


--
-- Name: consultant_client_counts consultant_client_counts_consultant_id_fkey; Type: FK CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.consultant_client_counts
    ADD CONSTRAINT consultant_client_counts_consultant_id_fkey FOREIGN KEY (consultant_id) REFERENCES app.consultants(id) ON DELETE CASCADE;


--
-- Name: consultant_tax_profiles consultant_tax_profiles_consultant_id_fkey; Type: FK CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.consultant_tax_profiles
    ADD CONSTRAINT consultant_tax_profiles_consultant_id_fkey FOREIGN KEY (consultant_id) REFERENCES app.consultants(id) ON DELETE RESTRICT;


--
-- Name: consultant_tax_profiles consultant_tax_profiles_state_code_fkey; Type: FK CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.consultant_tax_profiles
    ADD CONSTRAINT consultant_tax_profiles_state_code_fkey FOREIGN KEY (state_code) REFERENCES app.gst_states(code) ON DELETE RESTRICT;


--
-- Name: consultants consultants_approved_by_fkey; Type: FK CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.consultants
    ADD CONSTRAINT consultants_approved_by_fkey FOREIGN KEY (approved_by) REFERENCES app.admins(id) ON DELETE SET NULL;


--
-- Name: consultants consultants_subscription_plan_fkey; Type: FK CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.consultants
    ADD CONSTRAINT consultants_subscription_plan_fkey FOREIGN KEY (subscription_plan) REFERENCES app.plans(code) ON UPDATE CASCADE ON DELETE RESTRICT;


--
-- Name: daily_analytics daily_analytics_consultant_id_fkey; Type: FK CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.daily_analytics
    ADD CONSTRAINT daily_analytics_consultant_id_fkey FOREIGN KEY (consultant_id) REFERENCES app.consultants(id) ON DELETE CASCADE;


--
-- Name: email_logs email_logs_admin_id_fkey; Type: FK CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.email_logs
    ADD CONSTRAINT email_logs_admin_id_fkey FOREIGN KEY (admin_id) REFERENCES app.admins(id) ON DELETE SET NULL;


--
-- Name: email_logs email_logs_client_id_fkey; Type: FK CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.email_logs
    ADD CONSTRAINT email_logs_client_id_fkey FOREIGN KEY (client_id) REFERENCES app.clients(id) ON DELETE SET NULL;


--
-- Name: email_logs email_logs_consultant_id_fkey; Type: FK CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.email_logs
    ADD CONSTRAINT email_logs_consultant_id_fkey FOREIGN KEY (consultant_id) REFERENCES app.consultants(id) ON DELETE SET NULL;


--
-- Name: email_logs email_logs_quotation_id_fkey; Type: FK CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.email_logs
    ADD CONSTRAINT email_logs_quotation_id_fkey FOREIGN KEY (quotation_id) REFERENCES app.quotations(id) ON DELETE SET NULL;


--
-- Name: email_logs email_logs_session_id_fkey; Type: FK CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.email_logs
    ADD CONSTRAINT email_logs_session_id_fkey FOREIGN KEY (session_id) REFERENCES app.sessions(id) ON DELETE SET NULL;


--
-- Name: email_outbox email_outbox_email_log_id_fkey; Type: FK CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.email_outbox
    ADD CONSTRAINT email_outbox_email_log_id_fkey FOREIGN KEY (email_log_id) REFERENCES app.email_logs(id) ON DELETE CASCADE;


--
-- Name: email_suppressions email_suppressions_email_log_id_fkey; Type: FK CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.email_suppressions
    ADD CONSTRAINT email_suppressions_email_log_id_fkey FOREIGN KEY (email_log_id) REFERENCES app.email_logs(id) ON DELETE SET NULL;


--
-- Name: email_templates email_templates_updated_by_fkey; Type: FK CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.email_templates
    ADD CONSTRAINT email_templates_updated_by_fkey FOREIGN KEY (updated_by) REFERENCES app.admins(id) ON DELETE SET NULL;


--
-- Name: idempotency_keys idempotency_keys_consultant_id_fkey; Type: FK CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.idempotency_keys
    ADD CONSTRAINT idempotency_keys_consultant_id_fkey FOREIGN KEY (consultant_id) REFERENCES app.consultants(id) ON DELETE CASCADE;


--
-- Name: ledger_entries ledger_entries_consultant_id_fkey; Type: FK CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.ledger_entries
    ADD CONSTRAINT ledger_entries_consultant_id_fkey FOREIGN KEY (consultant_id) REFERENCES app.consultants(id) ON DELETE RESTRICT;


--
-- Name: ledger_entries ledger_entries_payment_fkey; Type: FK CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.ledger_entries
    ADD CONSTRAINT ledger_entries_payment_fkey FOREIGN KEY (consultant_id, payment_id) REFERENCES app.payment_transactions(consultant_id, id) ON DELETE RESTRICT;


--
-- Name: ledger_entries ledger_entries_refund_id_fkey; Type: FK CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.ledger_entries
    ADD CONSTRAINT ledger_entries_refund_id_fkey FOREIGN KEY (refund_id) REFERENCES app.payment_refunds(id) ON DELETE RESTRICT;


--
-- Name: oauth_states oauth_states_consultant_id_fkey; Type: FK CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.oauth_states
    ADD CONSTRAINT oauth_states_consultant_id_fkey FOREIGN KEY (consultant_id) REFERENCES app.consultants(id) ON DELETE CASCADE;


--
-- Name: one_time_tokens one_time_tokens_admin_id_fkey; Type: FK CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.one_time_tokens
    ADD CONSTRAINT one_time_tokens_admin_id_fkey FOREIGN KEY (admin_id) REFERENCES app.admins(id) ON DELETE CASCADE;


--
-- Name: one_time_tokens one_time_tokens_consultant_id_fkey; Type: FK CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.one_time_tokens
    ADD CONSTRAINT one_time_tokens_consultant_id_fkey FOREIGN KEY (consultant_id) REFERENCES app.consultants(id) ON DELETE CASCADE;


--
-- Name: payment_refunds payment_refunds_transaction_id_fkey; Type: FK CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.payment_refunds
    ADD CONSTRAINT payment_refunds_transaction_id_fkey FOREIGN KEY (consultant_id, transaction_id) REFERENCES app.payment_transactions(consultant_id, id) ON DELETE RESTRICT;


--
-- Name: payment_transactions payment_transactions_client_id_fkey; Type: FK CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.payment_transactions
    ADD CONSTRAINT payment_transactions_client_id_fkey FOREIGN KEY (consultant_id, client_id) REFERENCES app.clients(consultant_id, id) ON DELETE RESTRICT;


--
-- Name: payment_transactions payment_transactions_consultant_id_fkey; Type: FK CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.payment_transactions
    ADD CONSTRAINT payment_transactions_consultant_id_fkey FOREIGN KEY (consultant_id) REFERENCES app.consultants(id) ON DELETE RESTRICT;


--
-- Name: payment_transactions payment_transactions_quotation_id_fkey; Type: FK CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.payment_transactions
    ADD CONSTRAINT payment_transactions_quotation_id_fkey FOREIGN KEY (consultant_id, quotation_id) REFERENCES app.quotations(consultant_id, id) ON DELETE RESTRICT;


--
-- Name: payment_transactions payment_transactions_session_id_fkey; Type: FK CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.payment_transactions
    ADD CONSTRAINT payment_transactions_session_id_fkey FOREIGN KEY (consultant_id, session_id) REFERENCES app.sessions(consultant_id, id) ON DELETE RESTRICT;


--
-- Name: platform_settings platform_settings_updated_by_fkey; Type: FK CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.platform_settings
    ADD CONSTRAINT platform_settings_updated_by_fkey FOREIGN KEY (updated_by) REFERENCES app.admins(id) ON DELETE SET NULL;


--
-- Name: quotation_items quotation_items_quotation_fkey; Type: FK CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.quotation_items
    ADD CONSTRAINT quotation_items_quotation_fkey FOREIGN KEY (consultant_id, quotation_id) REFERENCES app.quotations(consultant_id, id) ON DELETE CASCADE;


--
-- Name: quotation_views quotation_views_consultant_id_fkey; Type: FK CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.quotation_views
    ADD CONSTRAINT quotation_views_consultant_id_fkey FOREIGN KEY (consultant_id) REFERENCES app.consultants(id) ON DELETE CASCADE;


--
-- Name: quotation_views quotation_views_quotation_id_fkey; Type: FK CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.quotation_views
    ADD CONSTRAINT quotation_views_quotation_id_fkey FOREIGN KEY (consultant_id, quotation_id) REFERENCES app.quotations(consultant_id, id) ON DELETE CASCADE;


--
-- Name: quotations quotations_client_id_fkey; Type: FK CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.quotations
    ADD CONSTRAINT quotations_client_id_fkey FOREIGN KEY (consultant_id, client_id) REFERENCES app.clients(consultant_id, id) ON DELETE SET NULL (client_id);


--
-- Name: quotations quotations_consultant_id_fkey; Type: FK CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.quotations
    ADD CONSTRAINT quotations_consultant_id_fkey FOREIGN KEY (consultant_id) REFERENCES app.consultants(id) ON DELETE RESTRICT;


--
-- Name: refresh_token_families refresh_token_families_admin_id_fkey; Type: FK CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.refresh_token_families
    ADD CONSTRAINT refresh_token_families_admin_id_fkey FOREIGN KEY (admin_id) REFERENCES app.admins(id) ON DELETE CASCADE;


--
-- Name: refresh_token_families refresh_token_families_consultant_id_fkey; Type: FK CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.refresh_token_families
    ADD CONSTRAINT refresh_token_families_consultant_id_fkey FOREIGN KEY (consultant_id) REFERENCES app.consultants(id) ON DELETE CASCADE;


--
-- Name: refresh_tokens refresh_tokens_family_id_fkey; Type: FK CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.refresh_tokens
    ADD CONSTRAINT refresh_tokens_family_id_fkey FOREIGN KEY (family_id) REFERENCES app.refresh_token_families(id) ON DELETE CASCADE;


--
-- Name: refresh_tokens refresh_tokens_replaced_by_fkey; Type: FK CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.refresh_tokens
    ADD CONSTRAINT refresh_tokens_replaced_by_fkey FOREIGN KEY (replaced_by) REFERENCES app.refresh_tokens(id) ON DELETE SET NULL;


--
-- Name: sessions sessions_client_id_fkey; Type: FK CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.sessions
    ADD CONSTRAINT sessions_client_id_fkey FOREIGN KEY (consultant_id, client_id) REFERENCES app.clients(consultant_id, id) ON DELETE RESTRICT;


--
-- Name: sessions sessions_consultant_id_fkey; Type: FK CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.sessions
    ADD CONSTRAINT sessions_consultant_id_fkey FOREIGN KEY (consultant_id) REFERENCES app.consultants(id) ON DELETE RESTRICT;


--
-- Name: sessions sessions_slot_id_fkey; Type: FK CONSTRAINT; Schema: app; Owner: nakksha_owner
--

ALTER TABLE ONLY app.sessions
    ADD CONSTRAINT sessions_slot_id_fkey FOREIGN KEY (consultant_id, slot_id) REFERENCES app.availability_slots(consultant_id, id) ON DELETE SET NULL (slot_id);


--
-- Name: procrastinate_events procrastinate_events_job_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: nakksha_owner
--

ALTER TABLE ONLY public.procrastinate_events
    ADD CONSTRAINT procrastinate_events_job_id_fkey FOREIGN KEY (job_id) REFERENCES public.procrastinate_jobs(id) ON DELETE CASCADE;


--
-- Name: procrastinate_jobs procrastinate_jobs_worker_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: nakksha_owner
--

ALTER TABLE ONLY public.procrastinate_jobs
    ADD CONSTRAINT procrastinate_jobs_worker_id_fkey FOREIGN KEY (worker_id) REFERENCES public.procrastinate_workers(id) ON DELETE SET NULL;


--
-- Name: procrastinate_periodic_defers procrastinate_periodic_defers_job_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: nakksha_owner
--

ALTER TABLE ONLY public.procrastinate_periodic_defers
    ADD CONSTRAINT procrastinate_periodic_defers_job_id_fkey FOREIGN KEY (job_id) REFERENCES public.procrastinate_jobs(id);


--
-- Name: admin_audit_log; Type: ROW SECURITY; Schema: app; Owner: nakksha_owner
--

ALTER TABLE app.admin_audit_log ENABLE ROW LEVEL SECURITY;

--
-- Name: admins admin_reads_admins; Type: POLICY; Schema: app; Owner: nakksha_owner
--

CREATE POLICY admin_reads_admins ON app.admins FOR SELECT TO nakksha_app_admin, nakksha_admin USING (( SELECT app.acts_as_admin() AS acts_as_admin));


--
-- Name: analytics_dirty admin_reads_analytics_dirty; Type: POLICY; Schema: app; Owner: nakksha_owner
--

CREATE POLICY admin_reads_analytics_dirty ON app.analytics_dirty FOR SELECT TO nakksha_app_admin USING (( SELECT app.acts_as_admin() AS acts_as_admin));


--
-- Name: admin_audit_log admin_reads_audit_log; Type: POLICY; Schema: app; Owner: nakksha_owner
--

CREATE POLICY admin_reads_audit_log ON app.admin_audit_log FOR SELECT TO nakksha_app_admin, nakksha_admin USING (( SELECT app.acts_as_admin() AS acts_as_admin));


--
-- Name: availability_blocks admin_reads_availability_blocks; Type: POLICY; Schema: app; Owner: nakksha_owner
--

CREATE POLICY admin_reads_availability_blocks ON app.availability_blocks FOR SELECT TO nakksha_app_admin USING (( SELECT app.acts_as_admin() AS acts_as_admin));


--
-- Name: availability_rules admin_reads_availability_rules; Type: POLICY; Schema: app; Owner: nakksha_owner
--

CREATE POLICY admin_reads_availability_rules ON app.availability_rules FOR SELECT TO nakksha_app_admin USING (( SELECT app.acts_as_admin() AS acts_as_admin));


--
-- Name: availability_slot_exclusions admin_reads_availability_slot_exclusions; Type: POLICY; Schema: app; Owner: nakksha_owner
--

CREATE POLICY admin_reads_availability_slot_exclusions ON app.availability_slot_exclusions FOR SELECT TO nakksha_app_admin USING (( SELECT app.acts_as_admin() AS acts_as_admin));


--
-- Name: availability_slots admin_reads_availability_slots; Type: POLICY; Schema: app; Owner: nakksha_owner
--

CREATE POLICY admin_reads_availability_slots ON app.availability_slots FOR SELECT TO nakksha_app_admin USING (( SELECT app.acts_as_admin() AS acts_as_admin));


--
-- Name: calendar_connections admin_reads_calendar_connections; Type: POLICY; Schema: app; Owner: nakksha_owner
--

CREATE POLICY admin_reads_calendar_connections ON app.calendar_connections FOR SELECT TO nakksha_app_admin USING (( SELECT app.acts_as_admin() AS acts_as_admin));


--
-- Name: calendar_events admin_reads_calendar_events; Type: POLICY; Schema: app; Owner: nakksha_owner
--

CREATE POLICY admin_reads_calendar_events ON app.calendar_events FOR SELECT TO nakksha_app_admin USING (( SELECT app.acts_as_admin() AS acts_as_admin));


--
-- Name: clients admin_reads_clients; Type: POLICY; Schema: app; Owner: nakksha_owner
--

CREATE POLICY admin_reads_clients ON app.clients FOR SELECT TO nakksha_app_admin USING (( SELECT app.acts_as_admin() AS acts_as_admin));


--
-- Name: consultant_client_counts admin_reads_consultant_client_counts; Type: POLICY; Schema: app; Owner: nakksha_owner
--

CREATE POLICY admin_reads_consultant_client_counts ON app.consultant_client_counts FOR SELECT TO nakksha_app_admin USING (( SELECT app.acts_as_admin() AS acts_as_admin));


--
-- Name: consultants admin_reads_consultants; Type: POLICY; Schema: app; Owner: nakksha_owner
--

CREATE POLICY admin_reads_consultants ON app.consultants FOR SELECT TO nakksha_app_admin, nakksha_admin USING (( SELECT app.acts_as_admin() AS acts_as_admin));


--
-- Name: daily_analytics admin_reads_daily_analytics; Type: POLICY; Schema: app; Owner: nakksha_owner
--

CREATE POLICY admin_reads_daily_analytics ON app.daily_analytics FOR SELECT TO nakksha_app_admin USING (( SELECT app.acts_as_admin() AS acts_as_admin));


--
-- Name: email_logs admin_reads_email_logs; Type: POLICY; Schema: app; Owner: nakksha_owner
--

CREATE POLICY admin_reads_email_logs ON app.email_logs FOR SELECT TO nakksha_app_admin USING (( SELECT app.acts_as_admin() AS acts_as_admin));


--
-- Name: email_suppressions admin_reads_email_suppressions; Type: POLICY; Schema: app; Owner: nakksha_owner
--

CREATE POLICY admin_reads_email_suppressions ON app.email_suppressions FOR SELECT TO nakksha_app_admin USING (( SELECT app.acts_as_admin() AS acts_as_admin));


--
-- Name: email_templates admin_reads_email_templates; Type: POLICY; Schema: app; Owner: nakksha_owner
--

CREATE POLICY admin_reads_email_templates ON app.email_templates FOR SELECT TO nakksha_app_admin USING (( SELECT app.acts_as_admin() AS acts_as_admin));


--
-- Name: ledger_entries admin_reads_ledger_entries; Type: POLICY; Schema: app; Owner: nakksha_owner
--

CREATE POLICY admin_reads_ledger_entries ON app.ledger_entries FOR SELECT TO nakksha_app_admin USING (( SELECT app.acts_as_admin() AS acts_as_admin));


--
-- Name: payment_refunds admin_reads_payment_refunds; Type: POLICY; Schema: app; Owner: nakksha_owner
--

CREATE POLICY admin_reads_payment_refunds ON app.payment_refunds FOR SELECT TO nakksha_app_admin USING (( SELECT app.acts_as_admin() AS acts_as_admin));


--
-- Name: payment_transactions admin_reads_payment_transactions; Type: POLICY; Schema: app; Owner: nakksha_owner
--

CREATE POLICY admin_reads_payment_transactions ON app.payment_transactions FOR SELECT TO nakksha_app_admin USING (( SELECT app.acts_as_admin() AS acts_as_admin));


--
-- Name: quotation_items admin_reads_quotation_items; Type: POLICY; Schema: app; Owner: nakksha_owner
--

CREATE POLICY admin_reads_quotation_items ON app.quotation_items FOR SELECT TO nakksha_app_admin USING (( SELECT app.acts_as_admin() AS acts_as_admin));


--
-- Name: quotation_views admin_reads_quotation_views; Type: POLICY; Schema: app; Owner: nakksha_owner
--

CREATE POLICY admin_reads_quotation_views ON app.quotation_views FOR SELECT TO nakksha_app_admin USING (( SELECT app.acts_as_admin() AS acts_as_admin));


--
-- Name: quotations admin_reads_quotations; Type: POLICY; Schema: app; Owner: nakksha_owner
--

CREATE POLICY admin_reads_quotations ON app.quotations FOR SELECT TO nakksha_app_admin USING (( SELECT app.acts_as_admin() AS acts_as_admin));


--
-- Name: sessions admin_reads_sessions; Type: POLICY; Schema: app; Owner: nakksha_owner
--

CREATE POLICY admin_reads_sessions ON app.sessions FOR SELECT TO nakksha_app_admin USING (( SELECT app.acts_as_admin() AS acts_as_admin));


--
-- Name: consultant_tax_profiles admin_reads_tax_profiles; Type: POLICY; Schema: app; Owner: nakksha_owner
--

CREATE POLICY admin_reads_tax_profiles ON app.consultant_tax_profiles FOR SELECT TO nakksha_app_admin USING (( SELECT app.acts_as_admin() AS acts_as_admin));


--
-- Name: view_refreshes admin_reads_view_refreshes; Type: POLICY; Schema: app; Owner: nakksha_owner
--

CREATE POLICY admin_reads_view_refreshes ON app.view_refreshes FOR SELECT TO nakksha_app_admin USING (( SELECT app.acts_as_admin() AS acts_as_admin));


--
-- Name: webhook_events admin_reads_webhook_events; Type: POLICY; Schema: app; Owner: nakksha_owner
--

CREATE POLICY admin_reads_webhook_events ON app.webhook_events FOR SELECT TO nakksha_app_admin USING (( SELECT app.acts_as_admin() AS acts_as_admin));


--
-- Name: admins; Type: ROW SECURITY; Schema: app; Owner: nakksha_owner
--

ALTER TABLE app.admins ENABLE ROW LEVEL SECURITY;

--
-- Name: analytics_dirty; Type: ROW SECURITY; Schema: app; Owner: nakksha_owner
--

ALTER TABLE app.analytics_dirty ENABLE ROW LEVEL SECURITY;

--
-- Name: gst_states anyone_reads_gst_states; Type: POLICY; Schema: app; Owner: nakksha_owner
--

CREATE POLICY anyone_reads_gst_states ON app.gst_states FOR SELECT TO nakksha_app, nakksha_app_admin, nakksha_worker USING (true);


--
-- Name: plans anyone_reads_plans; Type: POLICY; Schema: app; Owner: nakksha_owner
--

CREATE POLICY anyone_reads_plans ON app.plans FOR SELECT TO nakksha_app, nakksha_app_admin, nakksha_worker USING (true);


--
-- Name: platform_settings anyone_reads_platform_settings; Type: POLICY; Schema: app; Owner: nakksha_owner
--

CREATE POLICY anyone_reads_platform_settings ON app.platform_settings FOR SELECT TO nakksha_app, nakksha_app_admin USING (true);


--
-- Name: availability_blocks; Type: ROW SECURITY; Schema: app; Owner: nakksha_owner
--

ALTER TABLE app.availability_blocks ENABLE ROW LEVEL SECURITY;

--
-- Name: availability_rules; Type: ROW SECURITY; Schema: app; Owner: nakksha_owner
--

ALTER TABLE app.availability_rules ENABLE ROW LEVEL SECURITY;

--
-- Name: availability_slot_exclusions; Type: ROW SECURITY; Schema: app; Owner: nakksha_owner
--

ALTER TABLE app.availability_slot_exclusions ENABLE ROW LEVEL SECURITY;

--
-- Name: availability_slots; Type: ROW SECURITY; Schema: app; Owner: nakksha_owner
--

ALTER TABLE app.availability_slots ENABLE ROW LEVEL SECURITY;

--
-- Name: calendar_busy; Type: ROW SECURITY; Schema: app; Owner: nakksha_owner
--

ALTER TABLE app.calendar_busy ENABLE ROW LEVEL SECURITY;

--
-- Name: calendar_connections; Type: ROW SECURITY; Schema: app; Owner: nakksha_owner
--

ALTER TABLE app.calendar_connections ENABLE ROW LEVEL SECURITY;

--
-- Name: calendar_events; Type: ROW SECURITY; Schema: app; Owner: nakksha_owner
--

ALTER TABLE app.calendar_events ENABLE ROW LEVEL SECURITY;

--
-- Name: clients; Type: ROW SECURITY; Schema: app; Owner: nakksha_owner
--

ALTER TABLE app.clients ENABLE ROW LEVEL SECURITY;

--
-- Name: consultant_client_counts; Type: ROW SECURITY; Schema: app; Owner: nakksha_owner
--

ALTER TABLE app.consultant_client_counts ENABLE ROW LEVEL SECURITY;

--
-- Name: availability_blocks consultant_deletes_own_availability_blocks; Type: POLICY; Schema: app; Owner: nakksha_owner
--

CREATE POLICY consultant_deletes_own_availability_blocks ON app.availability_blocks FOR DELETE TO nakksha_app USING ((consultant_id = ( SELECT app.current_consultant_id() AS current_consultant_id)));


--
-- Name: availability_rules consultant_deletes_own_availability_rules; Type: POLICY; Schema: app; Owner: nakksha_owner
--

CREATE POLICY consultant_deletes_own_availability_rules ON app.availability_rules FOR DELETE TO nakksha_app USING ((consultant_id = ( SELECT app.current_consultant_id() AS current_consultant_id)));


--
-- Name: availability_slots consultant_deletes_own_availability_slots; Type: POLICY; Schema: app; Owner: nakksha_owner
--

CREATE POLICY consultant_deletes_own_availability_slots ON app.availability_slots FOR DELETE TO nakksha_app USING ((consultant_id = ( SELECT app.current_consultant_id() AS current_consultant_id)));


--
-- Name: clients consultant_deletes_own_clients; Type: POLICY; Schema: app; Owner: nakksha_owner
--

CREATE POLICY consultant_deletes_own_clients ON app.clients FOR DELETE TO nakksha_app USING ((consultant_id = ( SELECT app.current_approved_consultant_id() AS current_approved_consultant_id)));


--
-- Name: quotation_items consultant_deletes_own_quotation_items; Type: POLICY; Schema: app; Owner: nakksha_owner
--

CREATE POLICY consultant_deletes_own_quotation_items ON app.quotation_items FOR DELETE TO nakksha_app USING ((consultant_id = ( SELECT app.current_approved_consultant_id() AS current_approved_consultant_id)));


--
-- Name: quotations consultant_deletes_own_quotations; Type: POLICY; Schema: app; Owner: nakksha_owner
--

CREATE POLICY consultant_deletes_own_quotations ON app.quotations FOR DELETE TO nakksha_app USING ((consultant_id = ( SELECT app.current_approved_consultant_id() AS current_approved_consultant_id)));


--
-- Name: sessions consultant_deletes_own_sessions; Type: POLICY; Schema: app; Owner: nakksha_owner
--

CREATE POLICY consultant_deletes_own_sessions ON app.sessions FOR DELETE TO nakksha_app USING ((consultant_id = ( SELECT app.current_approved_consultant_id() AS current_approved_consultant_id)));


--
-- Name: availability_blocks consultant_inserts_own_availability_blocks; Type: POLICY; Schema: app; Owner: nakksha_owner
--

CREATE POLICY consultant_inserts_own_availability_blocks ON app.availability_blocks FOR INSERT TO nakksha_app WITH CHECK ((consultant_id = ( SELECT app.current_consultant_id() AS current_consultant_id)));


--
-- Name: availability_rules consultant_inserts_own_availability_rules; Type: POLICY; Schema: app; Owner: nakksha_owner
--

CREATE POLICY consultant_inserts_own_availability_rules ON app.availability_rules FOR INSERT TO nakksha_app WITH CHECK ((consultant_id = ( SELECT app.current_consultant_id() AS current_consultant_id)));


--
-- Name: availability_slot_exclusions consultant_inserts_own_availability_slot_exclusions; Type: POLICY; Schema: app; Owner: nakksha_owner
--

CREATE POLICY consultant_inserts_own_availability_slot_exclusions ON app.availability_slot_exclusions FOR INSERT TO nakksha_app WITH CHECK ((consultant_id = ( SELECT app.current_consultant_id() AS current_consultant_id)));


--
-- Name: availability_slots consultant_inserts_own_availability_slots; Type: POLICY; Schema: app; Owner: nakksha_owner
--

CREATE POLICY consultant_inserts_own_availability_slots ON app.availability_slots FOR INSERT TO nakksha_app WITH CHECK ((consultant_id = ( SELECT app.current_consultant_id() AS current_consultant_id)));


--
-- Name: clients consultant_inserts_own_clients; Type: POLICY; Schema: app; Owner: nakksha_owner
--

CREATE POLICY consultant_inserts_own_clients ON app.clients FOR INSERT TO nakksha_app WITH CHECK ((consultant_id = ( SELECT app.current_approved_consultant_id() AS current_approved_consultant_id)));


--
-- Name: quotation_items consultant_inserts_own_quotation_items; Type: POLICY; Schema: app; Owner: nakksha_owner
--

CREATE POLICY consultant_inserts_own_quotation_items ON app.quotation_items FOR INSERT TO nakksha_app WITH CHECK ((consultant_id = ( SELECT app.current_approved_consultant_id() AS current_approved_consultant_id)));


--
-- Name: quotations consultant_inserts_own_quotations; Type: POLICY; Schema: app; Owner: nakksha_owner
--

CREATE POLICY consultant_inserts_own_quotations ON app.quotations FOR INSERT TO nakksha_app WITH CHECK ((consultant_id = ( SELECT app.current_approved_consultant_id() AS current_approved_consultant_id)));


--
-- Name: sessions consultant_inserts_own_sessions; Type: POLICY; Schema: app; Owner: nakksha_owner
--

CREATE POLICY consultant_inserts_own_sessions ON app.sessions FOR INSERT TO nakksha_app WITH CHECK ((consultant_id = ( SELECT app.current_approved_consultant_id() AS current_approved_consultant_id)));


--
-- Name: consultant_tax_profiles consultant_inserts_own_tax_profile; Type: POLICY; Schema: app; Owner: nakksha_owner
--

CREATE POLICY consultant_inserts_own_tax_profile ON app.consultant_tax_profiles FOR INSERT TO nakksha_app WITH CHECK ((consultant_id = ( SELECT app.current_approved_consultant_id() AS current_approved_consultant_id)));


--
-- Name: analytics_dirty consultant_reads_own_analytics_dirty; Type: POLICY; Schema: app; Owner: nakksha_owner
--

CREATE POLICY consultant_reads_own_analytics_dirty ON app.analytics_dirty FOR SELECT TO nakksha_app USING ((consultant_id = ( SELECT app.current_reading_consultant_id() AS current_reading_consultant_id)));


--
-- Name: availability_blocks consultant_reads_own_availability_blocks; Type: POLICY; Schema: app; Owner: nakksha_owner
--

CREATE POLICY consultant_reads_own_availability_blocks ON app.availability_blocks FOR SELECT TO nakksha_app USING ((consultant_id = ( SELECT app.current_consultant_id() AS current_consultant_id)));


--
-- Name: availability_rules consultant_reads_own_availability_rules; Type: POLICY; Schema: app; Owner: nakksha_owner
--

CREATE POLICY consultant_reads_own_availability_rules ON app.availability_rules FOR SELECT TO nakksha_app USING ((consultant_id = ( SELECT app.current_consultant_id() AS current_consultant_id)));


--
-- Name: availability_slot_exclusions consultant_reads_own_availability_slot_exclusions; Type: POLICY; Schema: app; Owner: nakksha_owner
--

CREATE POLICY consultant_reads_own_availability_slot_exclusions ON app.availability_slot_exclusions FOR SELECT TO nakksha_app USING ((consultant_id = ( SELECT app.current_consultant_id() AS current_consultant_id)));


--
-- Name: availability_slots consultant_reads_own_availability_slots; Type: POLICY; Schema: app; Owner: nakksha_owner
--

CREATE POLICY consultant_reads_own_availability_slots ON app.availability_slots FOR SELECT TO nakksha_app USING ((consultant_id = ( SELECT app.current_consultant_id() AS current_consultant_id)));


--
-- Name: calendar_connections consultant_reads_own_calendar_connections; Type: POLICY; Schema: app; Owner: nakksha_owner
--

CREATE POLICY consultant_reads_own_calendar_connections ON app.calendar_connections FOR SELECT TO nakksha_app USING ((consultant_id = ( SELECT app.current_consultant_id() AS current_consultant_id)));


--
-- Name: calendar_events consultant_reads_own_calendar_events; Type: POLICY; Schema: app; Owner: nakksha_owner
--

CREATE POLICY consultant_reads_own_calendar_events ON app.calendar_events FOR SELECT TO nakksha_app USING ((consultant_id = ( SELECT app.current_reading_consultant_id() AS current_reading_consultant_id)));


--
-- Name: clients consultant_reads_own_clients; Type: POLICY; Schema: app; Owner: nakksha_owner
--

CREATE POLICY consultant_reads_own_clients ON app.clients FOR SELECT TO nakksha_app USING ((consultant_id = ( SELECT app.current_reading_consultant_id() AS current_reading_consultant_id)));


--
-- Name: consultant_client_counts consultant_reads_own_consultant_client_counts; Type: POLICY; Schema: app; Owner: nakksha_owner
--

CREATE POLICY consultant_reads_own_consultant_client_counts ON app.consultant_client_counts FOR SELECT TO nakksha_app USING ((consultant_id = ( SELECT app.current_reading_consultant_id() AS current_reading_consultant_id)));


--
-- Name: daily_analytics consultant_reads_own_daily_analytics; Type: POLICY; Schema: app; Owner: nakksha_owner
--

CREATE POLICY consultant_reads_own_daily_analytics ON app.daily_analytics FOR SELECT TO nakksha_app USING ((consultant_id = ( SELECT app.current_reading_consultant_id() AS current_reading_consultant_id)));


--
-- Name: email_logs consultant_reads_own_email_logs; Type: POLICY; Schema: app; Owner: nakksha_owner
--

CREATE POLICY consultant_reads_own_email_logs ON app.email_logs FOR SELECT TO nakksha_app USING ((consultant_id = ( SELECT app.current_reading_consultant_id() AS current_reading_consultant_id)));


--
-- Name: ledger_entries consultant_reads_own_ledger_entries; Type: POLICY; Schema: app; Owner: nakksha_owner
--

CREATE POLICY consultant_reads_own_ledger_entries ON app.ledger_entries FOR SELECT TO nakksha_app USING ((consultant_id = ( SELECT app.current_reading_consultant_id() AS current_reading_consultant_id)));


--
-- Name: payment_refunds consultant_reads_own_payment_refunds; Type: POLICY; Schema: app; Owner: nakksha_owner
--

CREATE POLICY consultant_reads_own_payment_refunds ON app.payment_refunds FOR SELECT TO nakksha_app USING ((consultant_id = ( SELECT app.current_reading_consultant_id() AS current_reading_consultant_id)));


--
-- Name: payment_transactions consultant_reads_own_payment_transactions; Type: POLICY; Schema: app; Owner: nakksha_owner
--

CREATE POLICY consultant_reads_own_payment_transactions ON app.payment_transactions FOR SELECT TO nakksha_app USING ((consultant_id = ( SELECT app.current_reading_consultant_id() AS current_reading_consultant_id)));


--
-- Name: quotation_items consultant_reads_own_quotation_items; Type: POLICY; Schema: app; Owner: nakksha_owner
--

CREATE POLICY consultant_reads_own_quotation_items ON app.quotation_items FOR SELECT TO nakksha_app USING ((consultant_id = ( SELECT app.current_reading_consultant_id() AS current_reading_consultant_id)));


--
-- Name: quotation_views consultant_reads_own_quotation_views; Type: POLICY; Schema: app; Owner: nakksha_owner
--

CREATE POLICY consultant_reads_own_quotation_views ON app.quotation_views FOR SELECT TO nakksha_app USING ((consultant_id = ( SELECT app.current_reading_consultant_id() AS current_reading_consultant_id)));


--
-- Name: quotations consultant_reads_own_quotations; Type: POLICY; Schema: app; Owner: nakksha_owner
--

CREATE POLICY consultant_reads_own_quotations ON app.quotations FOR SELECT TO nakksha_app USING ((consultant_id = ( SELECT app.current_reading_consultant_id() AS current_reading_consultant_id)));


--
-- Name: consultants consultant_reads_own_row; Type: POLICY; Schema: app; Owner: nakksha_owner
--

CREATE POLICY consultant_reads_own_row ON app.consultants FOR SELECT TO nakksha_app USING ((id = ( SELECT app.current_consultant_id() AS current_consultant_id)));


--
-- Name: sessions consultant_reads_own_sessions; Type: POLICY; Schema: app; Owner: nakksha_owner
--

CREATE POLICY consultant_reads_own_sessions ON app.sessions FOR SELECT TO nakksha_app USING ((consultant_id = ( SELECT app.current_reading_consultant_id() AS current_reading_consultant_id)));


--
-- Name: consultant_tax_profiles consultant_reads_own_tax_profile; Type: POLICY; Schema: app; Owner: nakksha_owner
--

CREATE POLICY consultant_reads_own_tax_profile ON app.consultant_tax_profiles FOR SELECT TO nakksha_app USING ((consultant_id = ( SELECT app.current_reading_consultant_id() AS current_reading_consultant_id)));


--
-- Name: consultant_tax_profiles; Type: ROW SECURITY; Schema: app; Owner: nakksha_owner
--

ALTER TABLE app.consultant_tax_profiles ENABLE ROW LEVEL SECURITY;

--
-- Name: availability_blocks consultant_updates_own_availability_blocks; Type: POLICY; Schema: app; Owner: nakksha_owner
--

CREATE POLICY consultant_updates_own_availability_blocks ON app.availability_blocks FOR UPDATE TO nakksha_app USING ((consultant_id = ( SELECT app.current_consultant_id() AS current_consultant_id))) WITH CHECK ((consultant_id = ( SELECT app.current_consultant_id() AS current_consultant_id)));


--
-- Name: availability_rules consultant_updates_own_availability_rules; Type: POLICY; Schema: app; Owner: nakksha_owner
--

CREATE POLICY consultant_updates_own_availability_rules ON app.availability_rules FOR UPDATE TO nakksha_app USING ((consultant_id = ( SELECT app.current_consultant_id() AS current_consultant_id))) WITH CHECK ((consultant_id = ( SELECT app.current_consultant_id() AS current_consultant_id)));


--
-- Name: availability_slots consultant_updates_own_availability_slots; Type: POLICY; Schema: app; Owner: nakksha_owner
--

CREATE POLICY consultant_updates_own_availability_slots ON app.availability_slots FOR UPDATE TO nakksha_app USING ((consultant_id = ( SELECT app.current_consultant_id() AS current_consultant_id))) WITH CHECK ((consultant_id = ( SELECT app.current_consultant_id() AS current_consultant_id)));


--
-- Name: clients consultant_updates_own_clients; Type: POLICY; Schema: app; Owner: nakksha_owner
--

CREATE POLICY consultant_updates_own_clients ON app.clients FOR UPDATE TO nakksha_app USING ((consultant_id = ( SELECT app.current_approved_consultant_id() AS current_approved_consultant_id))) WITH CHECK ((consultant_id = ( SELECT app.current_approved_consultant_id() AS current_approved_consultant_id)));


--
-- Name: quotation_items consultant_updates_own_quotation_items; Type: POLICY; Schema: app; Owner: nakksha_owner
--

CREATE POLICY consultant_updates_own_quotation_items ON app.quotation_items FOR UPDATE TO nakksha_app USING ((consultant_id = ( SELECT app.current_approved_consultant_id() AS current_approved_consultant_id))) WITH CHECK ((consultant_id = ( SELECT app.current_approved_consultant_id() AS current_approved_consultant_id)));


--
-- Name: quotations consultant_updates_own_quotations; Type: POLICY; Schema: app; Owner: nakksha_owner
--

CREATE POLICY consultant_updates_own_quotations ON app.quotations FOR UPDATE TO nakksha_app USING ((consultant_id = ( SELECT app.current_approved_consultant_id() AS current_approved_consultant_id))) WITH CHECK ((consultant_id = ( SELECT app.current_approved_consultant_id() AS current_approved_consultant_id)));


--
-- Name: consultants consultant_updates_own_row; Type: POLICY; Schema: app; Owner: nakksha_owner
--

CREATE POLICY consultant_updates_own_row ON app.consultants FOR UPDATE TO nakksha_app USING ((id = ( SELECT app.current_consultant_id() AS current_consultant_id))) WITH CHECK ((id = ( SELECT app.current_consultant_id() AS current_consultant_id)));


--
-- Name: sessions consultant_updates_own_sessions; Type: POLICY; Schema: app; Owner: nakksha_owner
--

CREATE POLICY consultant_updates_own_sessions ON app.sessions FOR UPDATE TO nakksha_app USING ((consultant_id = ( SELECT app.current_approved_consultant_id() AS current_approved_consultant_id))) WITH CHECK ((consultant_id = ( SELECT app.current_approved_consultant_id() AS current_approved_consultant_id)));


--
-- Name: consultant_tax_profiles consultant_updates_own_tax_profile; Type: POLICY; Schema: app; Owner: nakksha_owner
--

CREATE POLICY consultant_updates_own_tax_profile ON app.consultant_tax_profiles FOR UPDATE TO nakksha_app USING ((consultant_id = ( SELECT app.current_approved_consultant_id() AS current_approved_consultant_id))) WITH CHECK ((consultant_id = ( SELECT app.current_approved_consultant_id() AS current_approved_consultant_id)));


--
-- Name: consultants; Type: ROW SECURITY; Schema: app; Owner: nakksha_owner
--

ALTER TABLE app.consultants ENABLE ROW LEVEL SECURITY;

--
-- Name: daily_analytics; Type: ROW SECURITY; Schema: app; Owner: nakksha_owner
--

ALTER TABLE app.daily_analytics ENABLE ROW LEVEL SECURITY;

--
-- Name: email_logs; Type: ROW SECURITY; Schema: app; Owner: nakksha_owner
--

ALTER TABLE app.email_logs ENABLE ROW LEVEL SECURITY;

--
-- Name: email_outbox; Type: ROW SECURITY; Schema: app; Owner: nakksha_owner
--

ALTER TABLE app.email_outbox ENABLE ROW LEVEL SECURITY;

--
-- Name: email_suppressions; Type: ROW SECURITY; Schema: app; Owner: nakksha_owner
--

ALTER TABLE app.email_suppressions ENABLE ROW LEVEL SECURITY;

--
-- Name: email_templates; Type: ROW SECURITY; Schema: app; Owner: nakksha_owner
--

ALTER TABLE app.email_templates ENABLE ROW LEVEL SECURITY;

--
-- Name: gst_states; Type: ROW SECURITY; Schema: app; Owner: nakksha_owner
--

ALTER TABLE app.gst_states ENABLE ROW LEVEL SECURITY;

--
-- Name: idempotency_keys; Type: ROW SECURITY; Schema: app; Owner: nakksha_owner
--

ALTER TABLE app.idempotency_keys ENABLE ROW LEVEL SECURITY;

--
-- Name: ledger_entries; Type: ROW SECURITY; Schema: app; Owner: nakksha_owner
--

ALTER TABLE app.ledger_entries ENABLE ROW LEVEL SECURITY;

--
-- Name: materialized_view_versions; Type: ROW SECURITY; Schema: app; Owner: nakksha_owner
--

ALTER TABLE app.materialized_view_versions ENABLE ROW LEVEL SECURITY;

--
-- Name: oauth_states; Type: ROW SECURITY; Schema: app; Owner: nakksha_owner
--

ALTER TABLE app.oauth_states ENABLE ROW LEVEL SECURITY;

--
-- Name: one_time_tokens; Type: ROW SECURITY; Schema: app; Owner: nakksha_owner
--

ALTER TABLE app.one_time_tokens ENABLE ROW LEVEL SECURITY;

--
-- Name: payment_refunds; Type: ROW SECURITY; Schema: app; Owner: nakksha_owner
--

ALTER TABLE app.payment_refunds ENABLE ROW LEVEL SECURITY;

--
-- Name: payment_transactions; Type: ROW SECURITY; Schema: app; Owner: nakksha_owner
--

ALTER TABLE app.payment_transactions ENABLE ROW LEVEL SECURITY;

--
-- Name: plans; Type: ROW SECURITY; Schema: app; Owner: nakksha_owner
--

ALTER TABLE app.plans ENABLE ROW LEVEL SECURITY;

--
-- Name: platform_settings; Type: ROW SECURITY; Schema: app; Owner: nakksha_owner
--

ALTER TABLE app.platform_settings ENABLE ROW LEVEL SECURITY;

--
-- Name: quotation_items; Type: ROW SECURITY; Schema: app; Owner: nakksha_owner
--

ALTER TABLE app.quotation_items ENABLE ROW LEVEL SECURITY;

--
-- Name: quotation_views; Type: ROW SECURITY; Schema: app; Owner: nakksha_owner
--

ALTER TABLE app.quotation_views ENABLE ROW LEVEL SECURITY;

--
-- Name: quotations; Type: ROW SECURITY; Schema: app; Owner: nakksha_owner
--

ALTER TABLE app.quotations ENABLE ROW LEVEL SECURITY;

--
-- Name: rate_limit_hits; Type: ROW SECURITY; Schema: app; Owner: nakksha_owner
--

ALTER TABLE app.rate_limit_hits ENABLE ROW LEVEL SECURITY;

--
-- Name: refresh_token_families; Type: ROW SECURITY; Schema: app; Owner: nakksha_owner
--

ALTER TABLE app.refresh_token_families ENABLE ROW LEVEL SECURITY;

--
-- Name: refresh_tokens; Type: ROW SECURITY; Schema: app; Owner: nakksha_owner
--

ALTER TABLE app.refresh_tokens ENABLE ROW LEVEL SECURITY;

--
-- Name: sessions; Type: ROW SECURITY; Schema: app; Owner: nakksha_owner
--

ALTER TABLE app.sessions ENABLE ROW LEVEL SECURITY;

--
-- Name: view_refreshes; Type: ROW SECURITY; Schema: app; Owner: nakksha_owner
--

ALTER TABLE app.view_refreshes ENABLE ROW LEVEL SECURITY;

--
-- Name: webhook_events; Type: ROW SECURITY; Schema: app; Owner: nakksha_owner
--

ALTER TABLE app.webhook_events ENABLE ROW LEVEL SECURITY;

--
-- Name: consultant_tax_profiles worker_reads_tax_profiles; Type: POLICY; Schema: app; Owner: nakksha_owner
--

CREATE POLICY worker_reads_tax_profiles ON app.consultant_tax_profiles FOR SELECT TO nakksha_worker USING (true);


--
-- Name: analytics_dirty worker_steps; Type: POLICY; Schema: app; Owner: nakksha_owner
--

CREATE POLICY worker_steps ON app.analytics_dirty TO nakksha_worker USING (true) WITH CHECK (true);


--
-- Name: availability_blocks worker_steps; Type: POLICY; Schema: app; Owner: nakksha_owner
--

CREATE POLICY worker_steps ON app.availability_blocks TO nakksha_worker USING (true) WITH CHECK (true);


--
-- Name: availability_rules worker_steps; Type: POLICY; Schema: app; Owner: nakksha_owner
--

CREATE POLICY worker_steps ON app.availability_rules TO nakksha_worker USING (true) WITH CHECK (true);


--
-- Name: availability_slot_exclusions worker_steps; Type: POLICY; Schema: app; Owner: nakksha_owner
--

CREATE POLICY worker_steps ON app.availability_slot_exclusions TO nakksha_worker USING (true) WITH CHECK (true);


--
-- Name: availability_slots worker_steps; Type: POLICY; Schema: app; Owner: nakksha_owner
--

CREATE POLICY worker_steps ON app.availability_slots TO nakksha_worker USING (true) WITH CHECK (true);


--
-- Name: calendar_busy worker_steps; Type: POLICY; Schema: app; Owner: nakksha_owner
--

CREATE POLICY worker_steps ON app.calendar_busy TO nakksha_worker USING (true) WITH CHECK (true);


--
-- Name: calendar_connections worker_steps; Type: POLICY; Schema: app; Owner: nakksha_owner
--

CREATE POLICY worker_steps ON app.calendar_connections TO nakksha_worker USING (true) WITH CHECK (true);


--
-- Name: calendar_events worker_steps; Type: POLICY; Schema: app; Owner: nakksha_owner
--

CREATE POLICY worker_steps ON app.calendar_events TO nakksha_worker USING (true) WITH CHECK (true);


--
-- Name: clients worker_steps; Type: POLICY; Schema: app; Owner: nakksha_owner
--

CREATE POLICY worker_steps ON app.clients TO nakksha_worker USING (true) WITH CHECK (true);


--
-- Name: consultant_client_counts worker_steps; Type: POLICY; Schema: app; Owner: nakksha_owner
--

CREATE POLICY worker_steps ON app.consultant_client_counts TO nakksha_worker USING (true) WITH CHECK (true);


--
-- Name: consultants worker_steps; Type: POLICY; Schema: app; Owner: nakksha_owner
--

CREATE POLICY worker_steps ON app.consultants TO nakksha_worker USING (true) WITH CHECK (true);


--
-- Name: daily_analytics worker_steps; Type: POLICY; Schema: app; Owner: nakksha_owner
--

CREATE POLICY worker_steps ON app.daily_analytics TO nakksha_worker USING (true) WITH CHECK (true);


--
-- Name: email_logs worker_steps; Type: POLICY; Schema: app; Owner: nakksha_owner
--

CREATE POLICY worker_steps ON app.email_logs TO nakksha_worker USING (true) WITH CHECK (true);


--
-- Name: email_outbox worker_steps; Type: POLICY; Schema: app; Owner: nakksha_owner
--

CREATE POLICY worker_steps ON app.email_outbox TO nakksha_worker USING (true) WITH CHECK (true);


--
-- Name: email_suppressions worker_steps; Type: POLICY; Schema: app; Owner: nakksha_owner
--

CREATE POLICY worker_steps ON app.email_suppressions TO nakksha_worker USING (true) WITH CHECK (true);


--
-- Name: email_templates worker_steps; Type: POLICY; Schema: app; Owner: nakksha_owner
--

CREATE POLICY worker_steps ON app.email_templates TO nakksha_worker USING (true) WITH CHECK (true);


--
-- Name: idempotency_keys worker_steps; Type: POLICY; Schema: app; Owner: nakksha_owner
--

CREATE POLICY worker_steps ON app.idempotency_keys TO nakksha_worker USING (true) WITH CHECK (true);


--
-- Name: ledger_entries worker_steps; Type: POLICY; Schema: app; Owner: nakksha_owner
--

CREATE POLICY worker_steps ON app.ledger_entries TO nakksha_worker USING (true) WITH CHECK (true);


--
-- Name: payment_refunds worker_steps; Type: POLICY; Schema: app; Owner: nakksha_owner
--

CREATE POLICY worker_steps ON app.payment_refunds TO nakksha_worker USING (true) WITH CHECK (true);


--
-- Name: payment_transactions worker_steps; Type: POLICY; Schema: app; Owner: nakksha_owner
--

CREATE POLICY worker_steps ON app.payment_transactions TO nakksha_worker USING (true) WITH CHECK (true);


--
-- Name: platform_settings worker_steps; Type: POLICY; Schema: app; Owner: nakksha_owner
--

CREATE POLICY worker_steps ON app.platform_settings TO nakksha_worker USING (true) WITH CHECK (true);


--
-- Name: quotations worker_steps; Type: POLICY; Schema: app; Owner: nakksha_owner
--

CREATE POLICY worker_steps ON app.quotations TO nakksha_worker USING (true) WITH CHECK (true);


--
-- Name: rate_limit_hits worker_steps; Type: POLICY; Schema: app; Owner: nakksha_owner
--

CREATE POLICY worker_steps ON app.rate_limit_hits TO nakksha_worker USING (true) WITH CHECK (true);


--
-- Name: sessions worker_steps; Type: POLICY; Schema: app; Owner: nakksha_owner
--

CREATE POLICY worker_steps ON app.sessions TO nakksha_worker USING (true) WITH CHECK (true);


--
-- Name: SCHEMA analytics; Type: ACL; Schema: -; Owner: nakksha_owner
--

GRANT USAGE ON SCHEMA analytics TO nakksha_analyst;


--
-- Name: SCHEMA api; Type: ACL; Schema: -; Owner: nakksha_owner
--

GRANT USAGE ON SCHEMA api TO nakksha_app;
GRANT USAGE ON SCHEMA api TO nakksha_admin;
GRANT USAGE ON SCHEMA api TO nakksha_worker;
GRANT USAGE ON SCHEMA api TO nakksha_app_admin;


--
-- Name: SCHEMA app; Type: ACL; Schema: -; Owner: nakksha_owner
--

GRANT USAGE ON SCHEMA app TO nakksha_app;
GRANT USAGE ON SCHEMA app TO nakksha_admin;
GRANT USAGE ON SCHEMA app TO nakksha_worker;
GRANT USAGE ON SCHEMA app TO nakksha_app_admin;


--
-- Name: SCHEMA app_private; Type: ACL; Schema: -; Owner: nakksha_owner
--

GRANT USAGE ON SCHEMA app_private TO nakksha_worker;


--
-- Name: SCHEMA public; Type: ACL; Schema: -; Owner: pg_database_owner
--

GRANT USAGE ON SCHEMA public TO nakksha_app;
GRANT USAGE ON SCHEMA public TO nakksha_admin;
GRANT USAGE ON SCHEMA public TO nakksha_app_admin;


--
-- Name: FUNCTION abandon_expired_holds(); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.abandon_expired_holds() FROM PUBLIC;
GRANT ALL ON FUNCTION api.abandon_expired_holds() TO nakksha_worker;


--
-- Name: FUNCTION admin_access(p_admin_id uuid, p_token_epoch integer); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.admin_access(p_admin_id uuid, p_token_epoch integer) FROM PUBLIC;
GRANT ALL ON FUNCTION api.admin_access(p_admin_id uuid, p_token_epoch integer) TO nakksha_app;
GRANT ALL ON FUNCTION api.admin_access(p_admin_id uuid, p_token_epoch integer) TO nakksha_app_admin;


--
-- Name: FUNCTION admin_analytics(p_timeframe text, p_from date, p_to date); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.admin_analytics(p_timeframe text, p_from date, p_to date) FROM PUBLIC;
GRANT ALL ON FUNCTION api.admin_analytics(p_timeframe text, p_from date, p_to date) TO nakksha_app;
GRANT ALL ON FUNCTION api.admin_analytics(p_timeframe text, p_from date, p_to date) TO nakksha_app_admin;


--
-- Name: FUNCTION admin_consultant_analytics(p_consultant_id uuid, p_timeframe text, p_from date, p_to date); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.admin_consultant_analytics(p_consultant_id uuid, p_timeframe text, p_from date, p_to date) FROM PUBLIC;
GRANT ALL ON FUNCTION api.admin_consultant_analytics(p_consultant_id uuid, p_timeframe text, p_from date, p_to date) TO nakksha_app;
GRANT ALL ON FUNCTION api.admin_consultant_analytics(p_consultant_id uuid, p_timeframe text, p_from date, p_to date) TO nakksha_app_admin;


--
-- Name: FUNCTION admin_consultant_charts(p_consultant_id uuid, p_timeframe text, p_from date, p_to date); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.admin_consultant_charts(p_consultant_id uuid, p_timeframe text, p_from date, p_to date) FROM PUBLIC;
GRANT ALL ON FUNCTION api.admin_consultant_charts(p_consultant_id uuid, p_timeframe text, p_from date, p_to date) TO nakksha_app;
GRANT ALL ON FUNCTION api.admin_consultant_charts(p_consultant_id uuid, p_timeframe text, p_from date, p_to date) TO nakksha_app_admin;


--
-- Name: FUNCTION admin_consultant_json(p_consultant_id uuid); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.admin_consultant_json(p_consultant_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION api.admin_consultant_json(p_consultant_id uuid) TO nakksha_app;
GRANT ALL ON FUNCTION api.admin_consultant_json(p_consultant_id uuid) TO nakksha_admin;
GRANT ALL ON FUNCTION api.admin_consultant_json(p_consultant_id uuid) TO nakksha_app_admin;


--
-- Name: FUNCTION admin_credentials(p_email text); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.admin_credentials(p_email text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.admin_credentials(p_email text) TO nakksha_app;
GRANT ALL ON FUNCTION api.admin_credentials(p_email text) TO nakksha_app_admin;


--
-- Name: FUNCTION admin_email_template_overrides(); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.admin_email_template_overrides() FROM PUBLIC;
GRANT ALL ON FUNCTION api.admin_email_template_overrides() TO nakksha_app;
GRANT ALL ON FUNCTION api.admin_email_template_overrides() TO nakksha_app_admin;


--
-- Name: FUNCTION admin_get_consultant(p_consultant_id uuid); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.admin_get_consultant(p_consultant_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION api.admin_get_consultant(p_consultant_id uuid) TO nakksha_app;
GRANT ALL ON FUNCTION api.admin_get_consultant(p_consultant_id uuid) TO nakksha_admin;
GRANT ALL ON FUNCTION api.admin_get_consultant(p_consultant_id uuid) TO nakksha_app_admin;


--
-- Name: FUNCTION admin_json(p_admin_id uuid); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.admin_json(p_admin_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION api.admin_json(p_admin_id uuid) TO nakksha_app;
GRANT ALL ON FUNCTION api.admin_json(p_admin_id uuid) TO nakksha_app_admin;


--
-- Name: FUNCTION admin_list_admins(); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.admin_list_admins() FROM PUBLIC;
GRANT ALL ON FUNCTION api.admin_list_admins() TO nakksha_app;
GRANT ALL ON FUNCTION api.admin_list_admins() TO nakksha_admin;
GRANT ALL ON FUNCTION api.admin_list_admins() TO nakksha_app_admin;


--
-- Name: FUNCTION admin_list_consultants(p_status text, p_q text, p_page integer, p_per_page integer); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.admin_list_consultants(p_status text, p_q text, p_page integer, p_per_page integer) FROM PUBLIC;
GRANT ALL ON FUNCTION api.admin_list_consultants(p_status text, p_q text, p_page integer, p_per_page integer) TO nakksha_app;
GRANT ALL ON FUNCTION api.admin_list_consultants(p_status text, p_q text, p_page integer, p_per_page integer) TO nakksha_admin;
GRANT ALL ON FUNCTION api.admin_list_consultants(p_status text, p_q text, p_page integer, p_per_page integer) TO nakksha_app_admin;


--
-- Name: FUNCTION admin_refunds_json(p_consultant_id uuid); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.admin_refunds_json(p_consultant_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION api.admin_refunds_json(p_consultant_id uuid) TO nakksha_app;
GRANT ALL ON FUNCTION api.admin_refunds_json(p_consultant_id uuid) TO nakksha_app_admin;


--
-- Name: FUNCTION admin_reset_email_template(p_email_type text); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.admin_reset_email_template(p_email_type text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.admin_reset_email_template(p_email_type text) TO nakksha_app;
GRANT ALL ON FUNCTION api.admin_reset_email_template(p_email_type text) TO nakksha_app_admin;


--
-- Name: FUNCTION admin_sees_consultant(p_consultant_id uuid); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.admin_sees_consultant(p_consultant_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION api.admin_sees_consultant(p_consultant_id uuid) TO nakksha_app;
GRANT ALL ON FUNCTION api.admin_sees_consultant(p_consultant_id uuid) TO nakksha_app_admin;


--
-- Name: FUNCTION admin_set_email_template(p_email_type text, p_subject text, p_html_body text, p_text_body text); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.admin_set_email_template(p_email_type text, p_subject text, p_html_body text, p_text_body text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.admin_set_email_template(p_email_type text, p_subject text, p_html_body text, p_text_body text) TO nakksha_app;
GRANT ALL ON FUNCTION api.admin_set_email_template(p_email_type text, p_subject text, p_html_body text, p_text_body text) TO nakksha_app_admin;


--
-- Name: FUNCTION admin_set_subscription(p_consultant_id uuid, p_plan text, p_expires_at timestamp with time zone, p_acting_admin_email text); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.admin_set_subscription(p_consultant_id uuid, p_plan text, p_expires_at timestamp with time zone, p_acting_admin_email text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.admin_set_subscription(p_consultant_id uuid, p_plan text, p_expires_at timestamp with time zone, p_acting_admin_email text) TO nakksha_app;
GRANT ALL ON FUNCTION api.admin_set_subscription(p_consultant_id uuid, p_plan text, p_expires_at timestamp with time zone, p_acting_admin_email text) TO nakksha_admin;
GRANT ALL ON FUNCTION api.admin_set_subscription(p_consultant_id uuid, p_plan text, p_expires_at timestamp with time zone, p_acting_admin_email text) TO nakksha_app_admin;


--
-- Name: FUNCTION admin_settings(); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.admin_settings() FROM PUBLIC;
GRANT ALL ON FUNCTION api.admin_settings() TO nakksha_app;
GRANT ALL ON FUNCTION api.admin_settings() TO nakksha_app_admin;


--
-- Name: FUNCTION admin_system(); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.admin_system() FROM PUBLIC;
GRANT ALL ON FUNCTION api.admin_system() TO nakksha_app;
GRANT ALL ON FUNCTION api.admin_system() TO nakksha_app_admin;


--
-- Name: FUNCTION admin_update_settings(p_patch jsonb); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.admin_update_settings(p_patch jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION api.admin_update_settings(p_patch jsonb) TO nakksha_app;
GRANT ALL ON FUNCTION api.admin_update_settings(p_patch jsonb) TO nakksha_app_admin;


--
-- Name: FUNCTION anonymise_client(p_client_id uuid, p_phone text); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.anonymise_client(p_client_id uuid, p_phone text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.anonymise_client(p_client_id uuid, p_phone text) TO nakksha_app;
GRANT ALL ON FUNCTION api.anonymise_client(p_client_id uuid, p_phone text) TO nakksha_app_admin;


--
-- Name: FUNCTION approve_consultant(p_consultant_id uuid, p_acting_admin_email text); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.approve_consultant(p_consultant_id uuid, p_acting_admin_email text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.approve_consultant(p_consultant_id uuid, p_acting_admin_email text) TO nakksha_app;
GRANT ALL ON FUNCTION api.approve_consultant(p_consultant_id uuid, p_acting_admin_email text) TO nakksha_admin;
GRANT ALL ON FUNCTION api.approve_consultant(p_consultant_id uuid, p_acting_admin_email text) TO nakksha_app_admin;


--
-- Name: FUNCTION availability_json(p_consultant_id uuid); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.availability_json(p_consultant_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION api.availability_json(p_consultant_id uuid) TO nakksha_app;
GRANT ALL ON FUNCTION api.availability_json(p_consultant_id uuid) TO nakksha_app_admin;


--
-- Name: FUNCTION begin_calendar_connection(p_provider text, p_state_hash bytea, p_code_verifier text, p_browser_hash bytea); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.begin_calendar_connection(p_provider text, p_state_hash bytea, p_code_verifier text, p_browser_hash bytea) FROM PUBLIC;
GRANT ALL ON FUNCTION api.begin_calendar_connection(p_provider text, p_state_hash bytea, p_code_verifier text, p_browser_hash bytea) TO nakksha_app;
GRANT ALL ON FUNCTION api.begin_calendar_connection(p_provider text, p_state_hash bytea, p_code_verifier text, p_browser_hash bytea) TO nakksha_app_admin;


--
-- Name: FUNCTION begin_sign_in(p_kind text, p_account text, p_ip text); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.begin_sign_in(p_kind text, p_account text, p_ip text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.begin_sign_in(p_kind text, p_account text, p_ip text) TO nakksha_app;
GRANT ALL ON FUNCTION api.begin_sign_in(p_kind text, p_account text, p_ip text) TO nakksha_app_admin;


--
-- Name: FUNCTION book_slot(p_slug text, p_slot_id uuid, p_session_type text, p_client_name text, p_client_email text, p_client_phone_encrypted bytea, p_client_phone_hash bytea, p_notes text, p_manage_token_hash bytea, p_manage_link_encrypted text, p_idempotency_key text, p_request_sha256 bytea, p_session_id uuid, p_gateway text, p_order_id text, p_amount_paise bigint, p_client_timezone text, p_client_ip_hash bytea); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.book_slot(p_slug text, p_slot_id uuid, p_session_type text, p_client_name text, p_client_email text, p_client_phone_encrypted bytea, p_client_phone_hash bytea, p_notes text, p_manage_token_hash bytea, p_manage_link_encrypted text, p_idempotency_key text, p_request_sha256 bytea, p_session_id uuid, p_gateway text, p_order_id text, p_amount_paise bigint, p_client_timezone text, p_client_ip_hash bytea) FROM PUBLIC;
GRANT ALL ON FUNCTION api.book_slot(p_slug text, p_slot_id uuid, p_session_type text, p_client_name text, p_client_email text, p_client_phone_encrypted bytea, p_client_phone_hash bytea, p_notes text, p_manage_token_hash bytea, p_manage_link_encrypted text, p_idempotency_key text, p_request_sha256 bytea, p_session_id uuid, p_gateway text, p_order_id text, p_amount_paise bigint, p_client_timezone text, p_client_ip_hash bytea) TO nakksha_app;
GRANT ALL ON FUNCTION api.book_slot(p_slug text, p_slot_id uuid, p_session_type text, p_client_name text, p_client_email text, p_client_phone_encrypted bytea, p_client_phone_hash bytea, p_notes text, p_manage_token_hash bytea, p_manage_link_encrypted text, p_idempotency_key text, p_request_sha256 bytea, p_session_id uuid, p_gateway text, p_order_id text, p_amount_paise bigint, p_client_timezone text, p_client_ip_hash bytea) TO nakksha_app_admin;


--
-- Name: FUNCTION booking_quote(p_slug text, p_slot_id uuid, p_session_type text, p_client_email text, p_client_ip_hash bytea, p_idempotency_key text, p_request_sha256 bytea); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.booking_quote(p_slug text, p_slot_id uuid, p_session_type text, p_client_email text, p_client_ip_hash bytea, p_idempotency_key text, p_request_sha256 bytea) FROM PUBLIC;
GRANT ALL ON FUNCTION api.booking_quote(p_slug text, p_slot_id uuid, p_session_type text, p_client_email text, p_client_ip_hash bytea, p_idempotency_key text, p_request_sha256 bytea) TO nakksha_app;
GRANT ALL ON FUNCTION api.booking_quote(p_slug text, p_slot_id uuid, p_session_type text, p_client_email text, p_client_ip_hash bytea, p_idempotency_key text, p_request_sha256 bytea) TO nakksha_app_admin;


--
-- Name: FUNCTION bucket_start(p_unit text, p_day date, p_starts date); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.bucket_start(p_unit text, p_day date, p_starts date) FROM PUBLIC;
GRANT ALL ON FUNCTION api.bucket_start(p_unit text, p_day date, p_starts date) TO nakksha_app;
GRANT ALL ON FUNCTION api.bucket_start(p_unit text, p_day date, p_starts date) TO nakksha_app_admin;


--
-- Name: FUNCTION caller_consultant_id(); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.caller_consultant_id() FROM PUBLIC;
GRANT ALL ON FUNCTION api.caller_consultant_id() TO nakksha_app;
GRANT ALL ON FUNCTION api.caller_consultant_id() TO nakksha_app_admin;


--
-- Name: FUNCTION cancel_runaway_analyst_queries(p_after interval, p_terminate_after interval); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.cancel_runaway_analyst_queries(p_after interval, p_terminate_after interval) FROM PUBLIC;
GRANT ALL ON FUNCTION api.cancel_runaway_analyst_queries(p_after interval, p_terminate_after interval) TO nakksha_worker;


--
-- Name: FUNCTION change_my_password(p_password_hash text, p_refresh_hash bytea, p_expires_at timestamp with time zone, p_user_agent text, p_ip inet); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.change_my_password(p_password_hash text, p_refresh_hash bytea, p_expires_at timestamp with time zone, p_user_agent text, p_ip inet) FROM PUBLIC;
GRANT ALL ON FUNCTION api.change_my_password(p_password_hash text, p_refresh_hash bytea, p_expires_at timestamp with time zone, p_user_agent text, p_ip inet) TO nakksha_app;
GRANT ALL ON FUNCTION api.change_my_password(p_password_hash text, p_refresh_hash bytea, p_expires_at timestamp with time zone, p_user_agent text, p_ip inet) TO nakksha_app_admin;


--
-- Name: FUNCTION chart_unit(p_starts date, p_ends date); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.chart_unit(p_starts date, p_ends date) FROM PUBLIC;
GRANT ALL ON FUNCTION api.chart_unit(p_starts date, p_ends date) TO nakksha_app;
GRANT ALL ON FUNCTION api.chart_unit(p_starts date, p_ends date) TO nakksha_app_admin;


--
-- Name: TABLE clients; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT SELECT ON TABLE app.clients TO nakksha_app;
GRANT SELECT ON TABLE app.clients TO nakksha_worker;
GRANT SELECT ON TABLE app.clients TO nakksha_app_admin;


--
-- Name: COLUMN clients.consultant_id; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT INSERT(consultant_id) ON TABLE app.clients TO nakksha_app;
GRANT INSERT(consultant_id) ON TABLE app.clients TO nakksha_app_admin;


--
-- Name: COLUMN clients.name; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT INSERT(name),UPDATE(name) ON TABLE app.clients TO nakksha_app;
GRANT INSERT(name),UPDATE(name) ON TABLE app.clients TO nakksha_app_admin;


--
-- Name: COLUMN clients.email; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT INSERT(email),UPDATE(email) ON TABLE app.clients TO nakksha_app;
GRANT INSERT(email),UPDATE(email) ON TABLE app.clients TO nakksha_app_admin;


--
-- Name: COLUMN clients.phone_encrypted; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT INSERT(phone_encrypted),UPDATE(phone_encrypted) ON TABLE app.clients TO nakksha_app;
GRANT INSERT(phone_encrypted),UPDATE(phone_encrypted) ON TABLE app.clients TO nakksha_app_admin;


--
-- Name: COLUMN clients.phone_hash; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT INSERT(phone_hash),UPDATE(phone_hash) ON TABLE app.clients TO nakksha_app;
GRANT INSERT(phone_hash),UPDATE(phone_hash) ON TABLE app.clients TO nakksha_app_admin;


--
-- Name: COLUMN clients.notes; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT INSERT(notes),UPDATE(notes) ON TABLE app.clients TO nakksha_app;
GRANT INSERT(notes),UPDATE(notes) ON TABLE app.clients TO nakksha_app_admin;


--
-- Name: COLUMN clients.is_active; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT INSERT(is_active),UPDATE(is_active) ON TABLE app.clients TO nakksha_app;
GRANT INSERT(is_active),UPDATE(is_active) ON TABLE app.clients TO nakksha_app_admin;


--
-- Name: COLUMN clients.total_sessions; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT UPDATE(total_sessions) ON TABLE app.clients TO nakksha_worker;


--
-- Name: COLUMN clients.total_amount_paid; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT UPDATE(total_amount_paid) ON TABLE app.clients TO nakksha_worker;


--
-- Name: COLUMN clients.first_session_at; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT UPDATE(first_session_at) ON TABLE app.clients TO nakksha_worker;


--
-- Name: COLUMN clients.last_session_at; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT UPDATE(last_session_at) ON TABLE app.clients TO nakksha_worker;


--
-- Name: FUNCTION client_json(p_c app.clients); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.client_json(p_c app.clients) FROM PUBLIC;
GRANT ALL ON FUNCTION api.client_json(p_c app.clients) TO nakksha_app;
GRANT ALL ON FUNCTION api.client_json(p_c app.clients) TO nakksha_app_admin;


--
-- Name: TABLE daily_analytics; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT SELECT ON TABLE app.daily_analytics TO nakksha_app;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE app.daily_analytics TO nakksha_worker;
GRANT SELECT ON TABLE app.daily_analytics TO nakksha_app_admin;


--
-- Name: FUNCTION compute_daily_analytics(p_consultant_id uuid, p_day date); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.compute_daily_analytics(p_consultant_id uuid, p_day date) FROM PUBLIC;
GRANT ALL ON FUNCTION api.compute_daily_analytics(p_consultant_id uuid, p_day date) TO nakksha_app;
GRANT ALL ON FUNCTION api.compute_daily_analytics(p_consultant_id uuid, p_day date) TO nakksha_worker;
GRANT ALL ON FUNCTION api.compute_daily_analytics(p_consultant_id uuid, p_day date) TO nakksha_app_admin;


--
-- Name: FUNCTION confirm_payment(p_gateway text, p_order_id text, p_payment_id text, p_amount_paise bigint, p_method text, p_source text); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.confirm_payment(p_gateway text, p_order_id text, p_payment_id text, p_amount_paise bigint, p_method text, p_source text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.confirm_payment(p_gateway text, p_order_id text, p_payment_id text, p_amount_paise bigint, p_method text, p_source text) TO nakksha_app;
GRANT ALL ON FUNCTION api.confirm_payment(p_gateway text, p_order_id text, p_payment_id text, p_amount_paise bigint, p_method text, p_source text) TO nakksha_worker;
GRANT ALL ON FUNCTION api.confirm_payment(p_gateway text, p_order_id text, p_payment_id text, p_amount_paise bigint, p_method text, p_source text) TO nakksha_app_admin;


--
-- Name: FUNCTION consultant_access(p_consultant_id uuid, p_token_epoch integer); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.consultant_access(p_consultant_id uuid, p_token_epoch integer) FROM PUBLIC;
GRANT ALL ON FUNCTION api.consultant_access(p_consultant_id uuid, p_token_epoch integer) TO nakksha_app;
GRANT ALL ON FUNCTION api.consultant_access(p_consultant_id uuid, p_token_epoch integer) TO nakksha_app_admin;


--
-- Name: FUNCTION consultant_credentials(p_email text); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.consultant_credentials(p_email text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.consultant_credentials(p_email text) TO nakksha_app;
GRANT ALL ON FUNCTION api.consultant_credentials(p_email text) TO nakksha_app_admin;


--
-- Name: FUNCTION consultant_json(p_consultant_id uuid); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.consultant_json(p_consultant_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION api.consultant_json(p_consultant_id uuid) TO nakksha_app;
GRANT ALL ON FUNCTION api.consultant_json(p_consultant_id uuid) TO nakksha_app_admin;


--
-- Name: FUNCTION create_admin(p_email text, p_name text, p_password_hash text, p_role text, p_acting_admin_email text); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.create_admin(p_email text, p_name text, p_password_hash text, p_role text, p_acting_admin_email text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.create_admin(p_email text, p_name text, p_password_hash text, p_role text, p_acting_admin_email text) TO nakksha_app;
GRANT ALL ON FUNCTION api.create_admin(p_email text, p_name text, p_password_hash text, p_role text, p_acting_admin_email text) TO nakksha_admin;
GRANT ALL ON FUNCTION api.create_admin(p_email text, p_name text, p_password_hash text, p_role text, p_acting_admin_email text) TO nakksha_app_admin;


--
-- Name: FUNCTION create_availability_block(p_starts_at timestamp with time zone, p_ends_at timestamp with time zone, p_reason text); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.create_availability_block(p_starts_at timestamp with time zone, p_ends_at timestamp with time zone, p_reason text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.create_availability_block(p_starts_at timestamp with time zone, p_ends_at timestamp with time zone, p_reason text) TO nakksha_app;
GRANT ALL ON FUNCTION api.create_availability_block(p_starts_at timestamp with time zone, p_ends_at timestamp with time zone, p_reason text) TO nakksha_app_admin;


--
-- Name: FUNCTION create_availability_rule(p_session_type text, p_weekday integer, p_start_time time without time zone, p_end_time time without time zone, p_slot_minutes integer, p_capacity integer, p_valid_from date, p_valid_until date); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.create_availability_rule(p_session_type text, p_weekday integer, p_start_time time without time zone, p_end_time time without time zone, p_slot_minutes integer, p_capacity integer, p_valid_from date, p_valid_until date) FROM PUBLIC;
GRANT ALL ON FUNCTION api.create_availability_rule(p_session_type text, p_weekday integer, p_start_time time without time zone, p_end_time time without time zone, p_slot_minutes integer, p_capacity integer, p_valid_from date, p_valid_until date) TO nakksha_app;
GRANT ALL ON FUNCTION api.create_availability_rule(p_session_type text, p_weekday integer, p_start_time time without time zone, p_end_time time without time zone, p_slot_minutes integer, p_capacity integer, p_valid_from date, p_valid_until date) TO nakksha_app_admin;


--
-- Name: FUNCTION create_client(p_name text, p_email text, p_phone_encrypted bytea, p_phone_hash bytea, p_notes text); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.create_client(p_name text, p_email text, p_phone_encrypted bytea, p_phone_hash bytea, p_notes text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.create_client(p_name text, p_email text, p_phone_encrypted bytea, p_phone_hash bytea, p_notes text) TO nakksha_app;
GRANT ALL ON FUNCTION api.create_client(p_name text, p_email text, p_phone_encrypted bytea, p_phone_hash bytea, p_notes text) TO nakksha_app_admin;


--
-- Name: FUNCTION create_quotation(p_body jsonb); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.create_quotation(p_body jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION api.create_quotation(p_body jsonb) TO nakksha_app;
GRANT ALL ON FUNCTION api.create_quotation(p_body jsonb) TO nakksha_app_admin;


--
-- Name: FUNCTION create_session(p_client_id uuid, p_client_name text, p_client_email text, p_client_phone_encrypted bytea, p_client_phone_hash bytea, p_slot_id uuid, p_session_type text, p_starts_at timestamp with time zone, p_ends_at timestamp with time zone, p_amount numeric, p_payment_status text, p_payment_method text, p_notes text); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.create_session(p_client_id uuid, p_client_name text, p_client_email text, p_client_phone_encrypted bytea, p_client_phone_hash bytea, p_slot_id uuid, p_session_type text, p_starts_at timestamp with time zone, p_ends_at timestamp with time zone, p_amount numeric, p_payment_status text, p_payment_method text, p_notes text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.create_session(p_client_id uuid, p_client_name text, p_client_email text, p_client_phone_encrypted bytea, p_client_phone_hash bytea, p_slot_id uuid, p_session_type text, p_starts_at timestamp with time zone, p_ends_at timestamp with time zone, p_amount numeric, p_payment_status text, p_payment_method text, p_notes text) TO nakksha_app;
GRANT ALL ON FUNCTION api.create_session(p_client_id uuid, p_client_name text, p_client_email text, p_client_phone_encrypted bytea, p_client_phone_hash bytea, p_slot_id uuid, p_session_type text, p_starts_at timestamp with time zone, p_ends_at timestamp with time zone, p_amount numeric, p_payment_status text, p_payment_method text, p_notes text) TO nakksha_app_admin;


--
-- Name: FUNCTION create_slot(p_session_type text, p_starts_at timestamp with time zone, p_ends_at timestamp with time zone, p_capacity integer); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.create_slot(p_session_type text, p_starts_at timestamp with time zone, p_ends_at timestamp with time zone, p_capacity integer) FROM PUBLIC;
GRANT ALL ON FUNCTION api.create_slot(p_session_type text, p_starts_at timestamp with time zone, p_ends_at timestamp with time zone, p_capacity integer) TO nakksha_app;
GRANT ALL ON FUNCTION api.create_slot(p_session_type text, p_starts_at timestamp with time zone, p_ends_at timestamp with time zone, p_capacity integer) TO nakksha_app_admin;


--
-- Name: FUNCTION dashboard_charts(p_timeframe text, p_from date, p_to date); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.dashboard_charts(p_timeframe text, p_from date, p_to date) FROM PUBLIC;
GRANT ALL ON FUNCTION api.dashboard_charts(p_timeframe text, p_from date, p_to date) TO nakksha_app;
GRANT ALL ON FUNCTION api.dashboard_charts(p_timeframe text, p_from date, p_to date) TO nakksha_app_admin;


--
-- Name: FUNCTION dashboard_charts_for(p_consultant uuid, p_timeframe text, p_from date, p_to date); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.dashboard_charts_for(p_consultant uuid, p_timeframe text, p_from date, p_to date) FROM PUBLIC;
GRANT ALL ON FUNCTION api.dashboard_charts_for(p_consultant uuid, p_timeframe text, p_from date, p_to date) TO nakksha_app;
GRANT ALL ON FUNCTION api.dashboard_charts_for(p_consultant uuid, p_timeframe text, p_from date, p_to date) TO nakksha_app_admin;


--
-- Name: FUNCTION dashboard_metrics(p_timeframe text, p_from date, p_to date); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.dashboard_metrics(p_timeframe text, p_from date, p_to date) FROM PUBLIC;
GRANT ALL ON FUNCTION api.dashboard_metrics(p_timeframe text, p_from date, p_to date) TO nakksha_app;
GRANT ALL ON FUNCTION api.dashboard_metrics(p_timeframe text, p_from date, p_to date) TO nakksha_app_admin;


--
-- Name: FUNCTION dashboard_metrics_for(p_consultant_id uuid, p_timeframe text, p_from date, p_to date); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.dashboard_metrics_for(p_consultant_id uuid, p_timeframe text, p_from date, p_to date) FROM PUBLIC;
GRANT ALL ON FUNCTION api.dashboard_metrics_for(p_consultant_id uuid, p_timeframe text, p_from date, p_to date) TO nakksha_app;
GRANT ALL ON FUNCTION api.dashboard_metrics_for(p_consultant_id uuid, p_timeframe text, p_from date, p_to date) TO nakksha_app_admin;


--
-- Name: FUNCTION deactivate_admin(p_admin_id uuid, p_acting_admin_email text); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.deactivate_admin(p_admin_id uuid, p_acting_admin_email text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.deactivate_admin(p_admin_id uuid, p_acting_admin_email text) TO nakksha_app;
GRANT ALL ON FUNCTION api.deactivate_admin(p_admin_id uuid, p_acting_admin_email text) TO nakksha_admin;
GRANT ALL ON FUNCTION api.deactivate_admin(p_admin_id uuid, p_acting_admin_email text) TO nakksha_app_admin;


--
-- Name: FUNCTION defer_slot_rollforwards(); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.defer_slot_rollforwards() FROM PUBLIC;
GRANT ALL ON FUNCTION api.defer_slot_rollforwards() TO nakksha_worker;


--
-- Name: FUNCTION delete_availability_block(p_block_id uuid); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.delete_availability_block(p_block_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION api.delete_availability_block(p_block_id uuid) TO nakksha_app;
GRANT ALL ON FUNCTION api.delete_availability_block(p_block_id uuid) TO nakksha_app_admin;


--
-- Name: FUNCTION delete_availability_rule(p_rule_id uuid); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.delete_availability_rule(p_rule_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION api.delete_availability_rule(p_rule_id uuid) TO nakksha_app;
GRANT ALL ON FUNCTION api.delete_availability_rule(p_rule_id uuid) TO nakksha_app_admin;


--
-- Name: FUNCTION delete_my_account(); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.delete_my_account() FROM PUBLIC;
GRANT ALL ON FUNCTION api.delete_my_account() TO nakksha_app;
GRANT ALL ON FUNCTION api.delete_my_account() TO nakksha_app_admin;


--
-- Name: FUNCTION delete_quotation(p_quotation_id uuid); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.delete_quotation(p_quotation_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION api.delete_quotation(p_quotation_id uuid) TO nakksha_app;
GRANT ALL ON FUNCTION api.delete_quotation(p_quotation_id uuid) TO nakksha_app_admin;


--
-- Name: FUNCTION delete_slot(p_slot_id uuid); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.delete_slot(p_slot_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION api.delete_slot(p_slot_id uuid) TO nakksha_app;
GRANT ALL ON FUNCTION api.delete_slot(p_slot_id uuid) TO nakksha_app_admin;


--
-- Name: FUNCTION disconnect_calendar(p_provider text); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.disconnect_calendar(p_provider text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.disconnect_calendar(p_provider text) TO nakksha_app;
GRANT ALL ON FUNCTION api.disconnect_calendar(p_provider text) TO nakksha_app_admin;


--
-- Name: FUNCTION duplicate_quotation(p_quotation_id uuid); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.duplicate_quotation(p_quotation_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION api.duplicate_quotation(p_quotation_id uuid) TO nakksha_app;
GRANT ALL ON FUNCTION api.duplicate_quotation(p_quotation_id uuid) TO nakksha_app_admin;


--
-- Name: FUNCTION expire_quotations(); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.expire_quotations() FROM PUBLIC;
GRANT ALL ON FUNCTION api.expire_quotations() TO nakksha_worker;


--
-- Name: FUNCTION export_my_data(); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.export_my_data() FROM PUBLIC;
GRANT ALL ON FUNCTION api.export_my_data() TO nakksha_app;
GRANT ALL ON FUNCTION api.export_my_data() TO nakksha_app_admin;


--
-- Name: FUNCTION forget_hold_addresses(); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.forget_hold_addresses() FROM PUBLIC;
GRANT ALL ON FUNCTION api.forget_hold_addresses() TO nakksha_worker;


--
-- Name: FUNCTION forgive_sign_in(p_kind text, p_account text, p_ip text); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.forgive_sign_in(p_kind text, p_account text, p_ip text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.forgive_sign_in(p_kind text, p_account text, p_ip text) TO nakksha_app;
GRANT ALL ON FUNCTION api.forgive_sign_in(p_kind text, p_account text, p_ip text) TO nakksha_app_admin;


--
-- Name: FUNCTION get_my_account(); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.get_my_account() FROM PUBLIC;
GRANT ALL ON FUNCTION api.get_my_account() TO nakksha_app;
GRANT ALL ON FUNCTION api.get_my_account() TO nakksha_app_admin;


--
-- Name: FUNCTION gst_states(); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.gst_states() FROM PUBLIC;
GRANT ALL ON FUNCTION api.gst_states() TO nakksha_app;
GRANT ALL ON FUNCTION api.gst_states() TO nakksha_app_admin;


--
-- Name: FUNCTION handle_payment_webhook(p_provider text, p_event_id text, p_payload jsonb); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.handle_payment_webhook(p_provider text, p_event_id text, p_payload jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION api.handle_payment_webhook(p_provider text, p_event_id text, p_payload jsonb) TO nakksha_app;
GRANT ALL ON FUNCTION api.handle_payment_webhook(p_provider text, p_event_id text, p_payload jsonb) TO nakksha_app_admin;


--
-- Name: FUNCTION handle_resend_webhook(p_event_id text, p_payload jsonb); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.handle_resend_webhook(p_event_id text, p_payload jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION api.handle_resend_webhook(p_event_id text, p_payload jsonb) TO nakksha_app;
GRANT ALL ON FUNCTION api.handle_resend_webhook(p_event_id text, p_payload jsonb) TO nakksha_app_admin;


--
-- Name: FUNCTION hit_rate_limit(p_bucket text, p_limit integer, p_window_seconds integer, p_setting text); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.hit_rate_limit(p_bucket text, p_limit integer, p_window_seconds integer, p_setting text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.hit_rate_limit(p_bucket text, p_limit integer, p_window_seconds integer, p_setting text) TO nakksha_app;
GRANT ALL ON FUNCTION api.hit_rate_limit(p_bucket text, p_limit integer, p_window_seconds integer, p_setting text) TO nakksha_worker;
GRANT ALL ON FUNCTION api.hit_rate_limit(p_bucket text, p_limit integer, p_window_seconds integer, p_setting text) TO nakksha_app_admin;


--
-- Name: FUNCTION like_pattern(p_q text); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.like_pattern(p_q text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.like_pattern(p_q text) TO nakksha_app;
GRANT ALL ON FUNCTION api.like_pattern(p_q text) TO nakksha_admin;
GRANT ALL ON FUNCTION api.like_pattern(p_q text) TO nakksha_app_admin;


--
-- Name: FUNCTION live_day(p_consultant_id uuid, p_day date); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.live_day(p_consultant_id uuid, p_day date) FROM PUBLIC;
GRANT ALL ON FUNCTION api.live_day(p_consultant_id uuid, p_day date) TO nakksha_app;
GRANT ALL ON FUNCTION api.live_day(p_consultant_id uuid, p_day date) TO nakksha_app_admin;


--
-- Name: FUNCTION migration_level(); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.migration_level() FROM PUBLIC;
GRANT ALL ON FUNCTION api.migration_level() TO nakksha_app;
GRANT ALL ON FUNCTION api.migration_level() TO nakksha_admin;
GRANT ALL ON FUNCTION api.migration_level() TO nakksha_app_admin;


--
-- Name: FUNCTION money(p_amount numeric); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.money(p_amount numeric) FROM PUBLIC;
GRANT ALL ON FUNCTION api.money(p_amount numeric) TO nakksha_app;
GRANT ALL ON FUNCTION api.money(p_amount numeric) TO nakksha_admin;
GRANT ALL ON FUNCTION api.money(p_amount numeric) TO nakksha_worker;
GRANT ALL ON FUNCTION api.money(p_amount numeric) TO nakksha_app_admin;


--
-- Name: FUNCTION my_balance(); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.my_balance() FROM PUBLIC;
GRANT ALL ON FUNCTION api.my_balance() TO nakksha_app;
GRANT ALL ON FUNCTION api.my_balance() TO nakksha_app_admin;


--
-- Name: FUNCTION my_ledger(p_before bigint, p_limit integer); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.my_ledger(p_before bigint, p_limit integer) FROM PUBLIC;
GRANT ALL ON FUNCTION api.my_ledger(p_before bigint, p_limit integer) TO nakksha_app;
GRANT ALL ON FUNCTION api.my_ledger(p_before bigint, p_limit integer) TO nakksha_app_admin;


--
-- Name: FUNCTION my_page_status(); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.my_page_status() FROM PUBLIC;
GRANT ALL ON FUNCTION api.my_page_status() TO nakksha_app;
GRANT ALL ON FUNCTION api.my_page_status() TO nakksha_app_admin;


--
-- Name: FUNCTION my_password_hash(); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.my_password_hash() FROM PUBLIC;
GRANT ALL ON FUNCTION api.my_password_hash() TO nakksha_app;
GRANT ALL ON FUNCTION api.my_password_hash() TO nakksha_app_admin;


--
-- Name: TABLE quotations; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT SELECT,DELETE ON TABLE app.quotations TO nakksha_app;
GRANT SELECT ON TABLE app.quotations TO nakksha_worker;
GRANT SELECT,DELETE ON TABLE app.quotations TO nakksha_app_admin;


--
-- Name: COLUMN quotations.consultant_id; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT INSERT(consultant_id) ON TABLE app.quotations TO nakksha_app;
GRANT INSERT(consultant_id) ON TABLE app.quotations TO nakksha_app_admin;


--
-- Name: COLUMN quotations.client_id; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT INSERT(client_id),UPDATE(client_id) ON TABLE app.quotations TO nakksha_app;
GRANT INSERT(client_id),UPDATE(client_id) ON TABLE app.quotations TO nakksha_app_admin;


--
-- Name: COLUMN quotations.client_name; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT INSERT(client_name),UPDATE(client_name) ON TABLE app.quotations TO nakksha_app;
GRANT INSERT(client_name),UPDATE(client_name) ON TABLE app.quotations TO nakksha_app_admin;


--
-- Name: COLUMN quotations.client_email; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT INSERT(client_email),UPDATE(client_email) ON TABLE app.quotations TO nakksha_app;
GRANT INSERT(client_email),UPDATE(client_email) ON TABLE app.quotations TO nakksha_app_admin;


--
-- Name: COLUMN quotations.quotation_name; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT INSERT(quotation_name),UPDATE(quotation_name) ON TABLE app.quotations TO nakksha_app;
GRANT INSERT(quotation_name),UPDATE(quotation_name) ON TABLE app.quotations TO nakksha_app_admin;


--
-- Name: COLUMN quotations.description; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT INSERT(description),UPDATE(description) ON TABLE app.quotations TO nakksha_app;
GRANT INSERT(description),UPDATE(description) ON TABLE app.quotations TO nakksha_app_admin;


--
-- Name: COLUMN quotations.base_amount; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT INSERT(base_amount),UPDATE(base_amount) ON TABLE app.quotations TO nakksha_app;
GRANT INSERT(base_amount),UPDATE(base_amount) ON TABLE app.quotations TO nakksha_app_admin;


--
-- Name: COLUMN quotations.discount_percentage; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT INSERT(discount_percentage),UPDATE(discount_percentage) ON TABLE app.quotations TO nakksha_app;
GRANT INSERT(discount_percentage),UPDATE(discount_percentage) ON TABLE app.quotations TO nakksha_app_admin;


--
-- Name: COLUMN quotations.currency; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT INSERT(currency),UPDATE(currency) ON TABLE app.quotations TO nakksha_app;
GRANT INSERT(currency),UPDATE(currency) ON TABLE app.quotations TO nakksha_app_admin;


--
-- Name: COLUMN quotations.validity_period; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT INSERT(validity_period),UPDATE(validity_period) ON TABLE app.quotations TO nakksha_app;
GRANT INSERT(validity_period),UPDATE(validity_period) ON TABLE app.quotations TO nakksha_app_admin;


--
-- Name: COLUMN quotations.expires_at; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT INSERT(expires_at),UPDATE(expires_at) ON TABLE app.quotations TO nakksha_app;
GRANT INSERT(expires_at),UPDATE(expires_at) ON TABLE app.quotations TO nakksha_app_admin;


--
-- Name: COLUMN quotations.status; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT UPDATE(status) ON TABLE app.quotations TO nakksha_worker;


--
-- Name: COLUMN quotations.notes; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT INSERT(notes),UPDATE(notes) ON TABLE app.quotations TO nakksha_app;
GRANT INSERT(notes),UPDATE(notes) ON TABLE app.quotations TO nakksha_app_admin;


--
-- Name: COLUMN quotations.quotation_image_url; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT INSERT(quotation_image_url),UPDATE(quotation_image_url) ON TABLE app.quotations TO nakksha_app;
GRANT INSERT(quotation_image_url),UPDATE(quotation_image_url) ON TABLE app.quotations TO nakksha_app_admin;


--
-- Name: FUNCTION my_quotation(p_quotation_id uuid, p_lock boolean); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.my_quotation(p_quotation_id uuid, p_lock boolean) FROM PUBLIC;
GRANT ALL ON FUNCTION api.my_quotation(p_quotation_id uuid, p_lock boolean) TO nakksha_app;
GRANT ALL ON FUNCTION api.my_quotation(p_quotation_id uuid, p_lock boolean) TO nakksha_app_admin;


--
-- Name: FUNCTION my_statement(p_month date); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.my_statement(p_month date) FROM PUBLIC;
GRANT ALL ON FUNCTION api.my_statement(p_month date) TO nakksha_app;
GRANT ALL ON FUNCTION api.my_statement(p_month date) TO nakksha_app_admin;


--
-- Name: FUNCTION my_tax_profile(); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.my_tax_profile() FROM PUBLIC;
GRANT ALL ON FUNCTION api.my_tax_profile() TO nakksha_app;
GRANT ALL ON FUNCTION api.my_tax_profile() TO nakksha_app_admin;


--
-- Name: FUNCTION not_found(p_detail text); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.not_found(p_detail text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.not_found(p_detail text) TO nakksha_app;
GRANT ALL ON FUNCTION api.not_found(p_detail text) TO nakksha_app_admin;


--
-- Name: TABLE payment_transactions; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT SELECT ON TABLE app.payment_transactions TO nakksha_app;
GRANT SELECT ON TABLE app.payment_transactions TO nakksha_worker;
GRANT SELECT ON TABLE app.payment_transactions TO nakksha_app_admin;


--
-- Name: COLUMN payment_transactions.amount_refunded; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT UPDATE(amount_refunded) ON TABLE app.payment_transactions TO nakksha_worker;


--
-- Name: COLUMN payment_transactions.status; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT UPDATE(status) ON TABLE app.payment_transactions TO nakksha_worker;


--
-- Name: COLUMN payment_transactions.last_checked_at; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT UPDATE(last_checked_at) ON TABLE app.payment_transactions TO nakksha_worker;


--
-- Name: FUNCTION payment_json(p_t app.payment_transactions); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.payment_json(p_t app.payment_transactions) FROM PUBLIC;
GRANT ALL ON FUNCTION api.payment_json(p_t app.payment_transactions) TO nakksha_app;
GRANT ALL ON FUNCTION api.payment_json(p_t app.payment_transactions) TO nakksha_app_admin;


--
-- Name: FUNCTION payment_order(p_gateway text, p_order_id text); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.payment_order(p_gateway text, p_order_id text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.payment_order(p_gateway text, p_order_id text) TO nakksha_app;
GRANT ALL ON FUNCTION api.payment_order(p_gateway text, p_order_id text) TO nakksha_app_admin;


--
-- Name: FUNCTION period_bounds(p_timeframe text, p_from date, p_to date, p_today date); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.period_bounds(p_timeframe text, p_from date, p_to date, p_today date) FROM PUBLIC;
GRANT ALL ON FUNCTION api.period_bounds(p_timeframe text, p_from date, p_to date, p_today date) TO nakksha_app;
GRANT ALL ON FUNCTION api.period_bounds(p_timeframe text, p_from date, p_to date, p_today date) TO nakksha_app_admin;


--
-- Name: FUNCTION period_days(p_consultant_id uuid, p_starts date, p_ends date, p_today date, p_live app.daily_analytics); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.period_days(p_consultant_id uuid, p_starts date, p_ends date, p_today date, p_live app.daily_analytics) FROM PUBLIC;
GRANT ALL ON FUNCTION api.period_days(p_consultant_id uuid, p_starts date, p_ends date, p_today date, p_live app.daily_analytics) TO nakksha_app;
GRANT ALL ON FUNCTION api.period_days(p_consultant_id uuid, p_starts date, p_ends date, p_today date, p_live app.daily_analytics) TO nakksha_app_admin;


--
-- Name: FUNCTION plans_json(); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.plans_json() FROM PUBLIC;
GRANT ALL ON FUNCTION api.plans_json() TO nakksha_app;
GRANT ALL ON FUNCTION api.plans_json() TO nakksha_app_admin;


--
-- Name: FUNCTION prune_idempotency_keys(); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.prune_idempotency_keys() FROM PUBLIC;
GRANT ALL ON FUNCTION api.prune_idempotency_keys() TO nakksha_worker;


--
-- Name: FUNCTION prune_rate_limits(); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.prune_rate_limits() FROM PUBLIC;
GRANT ALL ON FUNCTION api.prune_rate_limits() TO nakksha_worker;


--
-- Name: FUNCTION public_accept_quotation(p_token_hash bytea, p_gateway text, p_order_id text); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.public_accept_quotation(p_token_hash bytea, p_gateway text, p_order_id text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.public_accept_quotation(p_token_hash bytea, p_gateway text, p_order_id text) TO nakksha_app;
GRANT ALL ON FUNCTION api.public_accept_quotation(p_token_hash bytea, p_gateway text, p_order_id text) TO nakksha_app_admin;


--
-- Name: FUNCTION public_booking(p_token_hash bytea); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.public_booking(p_token_hash bytea) FROM PUBLIC;
GRANT ALL ON FUNCTION api.public_booking(p_token_hash bytea) TO nakksha_app;
GRANT ALL ON FUNCTION api.public_booking(p_token_hash bytea) TO nakksha_app_admin;


--
-- Name: FUNCTION public_cancel_booking(p_token_hash bytea, p_reason text); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.public_cancel_booking(p_token_hash bytea, p_reason text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.public_cancel_booking(p_token_hash bytea, p_reason text) TO nakksha_app;
GRANT ALL ON FUNCTION api.public_cancel_booking(p_token_hash bytea, p_reason text) TO nakksha_app_admin;


--
-- Name: FUNCTION public_consultant(p_slug text); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.public_consultant(p_slug text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.public_consultant(p_slug text) TO nakksha_app;
GRANT ALL ON FUNCTION api.public_consultant(p_slug text) TO nakksha_app_admin;


--
-- Name: FUNCTION public_quotation(p_token_hash bytea, p_user_agent text); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.public_quotation(p_token_hash bytea, p_user_agent text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.public_quotation(p_token_hash bytea, p_user_agent text) TO nakksha_app;
GRANT ALL ON FUNCTION api.public_quotation(p_token_hash bytea, p_user_agent text) TO nakksha_app_admin;


--
-- Name: FUNCTION public_quotation_peek(p_token_hash bytea); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.public_quotation_peek(p_token_hash bytea) FROM PUBLIC;
GRANT ALL ON FUNCTION api.public_quotation_peek(p_token_hash bytea) TO nakksha_app;
GRANT ALL ON FUNCTION api.public_quotation_peek(p_token_hash bytea) TO nakksha_app_admin;


--
-- Name: FUNCTION public_reject_quotation(p_token_hash bytea, p_reason text); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.public_reject_quotation(p_token_hash bytea, p_reason text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.public_reject_quotation(p_token_hash bytea, p_reason text) TO nakksha_app;
GRANT ALL ON FUNCTION api.public_reject_quotation(p_token_hash bytea, p_reason text) TO nakksha_app_admin;


--
-- Name: FUNCTION public_reschedule_booking(p_token_hash bytea, p_slot_id uuid); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.public_reschedule_booking(p_token_hash bytea, p_slot_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION api.public_reschedule_booking(p_token_hash bytea, p_slot_id uuid) TO nakksha_app;
GRANT ALL ON FUNCTION api.public_reschedule_booking(p_token_hash bytea, p_slot_id uuid) TO nakksha_app_admin;


--
-- Name: FUNCTION public_slots(p_slug text, p_session_type text, p_from timestamp with time zone, p_to timestamp with time zone); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.public_slots(p_slug text, p_session_type text, p_from timestamp with time zone, p_to timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION api.public_slots(p_slug text, p_session_type text, p_from timestamp with time zone, p_to timestamp with time zone) TO nakksha_app;
GRANT ALL ON FUNCTION api.public_slots(p_slug text, p_session_type text, p_from timestamp with time zone, p_to timestamp with time zone) TO nakksha_app_admin;


--
-- Name: FUNCTION publish_my_page(); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.publish_my_page() FROM PUBLIC;
GRANT ALL ON FUNCTION api.publish_my_page() TO nakksha_app;
GRANT ALL ON FUNCTION api.publish_my_page() TO nakksha_app_admin;


--
-- Name: FUNCTION quotation_client(p_consultant_id uuid, p_client_id uuid, p_name text, p_email text); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.quotation_client(p_consultant_id uuid, p_client_id uuid, p_name text, p_email text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.quotation_client(p_consultant_id uuid, p_client_id uuid, p_name text, p_email text) TO nakksha_app;
GRANT ALL ON FUNCTION api.quotation_client(p_consultant_id uuid, p_client_id uuid, p_name text, p_email text) TO nakksha_app_admin;


--
-- Name: FUNCTION quotation_items_from(p_body jsonb, p_name text); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.quotation_items_from(p_body jsonb, p_name text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.quotation_items_from(p_body jsonb, p_name text) TO nakksha_app;
GRANT ALL ON FUNCTION api.quotation_items_from(p_body jsonb, p_name text) TO nakksha_app_admin;


--
-- Name: FUNCTION quotation_items_json(p_quotation_id uuid); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.quotation_items_json(p_quotation_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION api.quotation_items_json(p_quotation_id uuid) TO nakksha_app;
GRANT ALL ON FUNCTION api.quotation_items_json(p_quotation_id uuid) TO nakksha_app_admin;


--
-- Name: FUNCTION quotation_json(p_q app.quotations); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.quotation_json(p_q app.quotations) FROM PUBLIC;
GRANT ALL ON FUNCTION api.quotation_json(p_q app.quotations) TO nakksha_app;
GRANT ALL ON FUNCTION api.quotation_json(p_q app.quotations) TO nakksha_app_admin;


--
-- Name: FUNCTION quotation_stats(p_timeframe text, p_from date, p_to date); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.quotation_stats(p_timeframe text, p_from date, p_to date) FROM PUBLIC;
GRANT ALL ON FUNCTION api.quotation_stats(p_timeframe text, p_from date, p_to date) TO nakksha_app;
GRANT ALL ON FUNCTION api.quotation_stats(p_timeframe text, p_from date, p_to date) TO nakksha_app_admin;


--
-- Name: FUNCTION rate(p_part numeric, p_whole numeric); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.rate(p_part numeric, p_whole numeric) FROM PUBLIC;
GRANT ALL ON FUNCTION api.rate(p_part numeric, p_whole numeric) TO nakksha_app;
GRANT ALL ON FUNCTION api.rate(p_part numeric, p_whole numeric) TO nakksha_admin;
GRANT ALL ON FUNCTION api.rate(p_part numeric, p_whole numeric) TO nakksha_worker;
GRANT ALL ON FUNCTION api.rate(p_part numeric, p_whole numeric) TO nakksha_analyst;
GRANT ALL ON FUNCTION api.rate(p_part numeric, p_whole numeric) TO nakksha_app_admin;


--
-- Name: FUNCTION reactivate_consultant(p_consultant_id uuid, p_acting_admin_email text); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.reactivate_consultant(p_consultant_id uuid, p_acting_admin_email text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.reactivate_consultant(p_consultant_id uuid, p_acting_admin_email text) TO nakksha_app;
GRANT ALL ON FUNCTION api.reactivate_consultant(p_consultant_id uuid, p_acting_admin_email text) TO nakksha_admin;
GRANT ALL ON FUNCTION api.reactivate_consultant(p_consultant_id uuid, p_acting_admin_email text) TO nakksha_app_admin;


--
-- Name: FUNCTION reconcile_due_payments(p_limit integer); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.reconcile_due_payments(p_limit integer) FROM PUBLIC;
GRANT ALL ON FUNCTION api.reconcile_due_payments(p_limit integer) TO nakksha_worker;


--
-- Name: FUNCTION reconcile_due_refunds(p_limit integer); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.reconcile_due_refunds(p_limit integer) FROM PUBLIC;
GRANT ALL ON FUNCTION api.reconcile_due_refunds(p_limit integer) TO nakksha_worker;


--
-- Name: FUNCTION reconcile_give_up_order(p_transaction_id uuid); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.reconcile_give_up_order(p_transaction_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION api.reconcile_give_up_order(p_transaction_id uuid) TO nakksha_worker;


--
-- Name: FUNCTION record_payment_failure(p_gateway text, p_order_id text, p_payment_id text, p_reason text); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.record_payment_failure(p_gateway text, p_order_id text, p_payment_id text, p_reason text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.record_payment_failure(p_gateway text, p_order_id text, p_payment_id text, p_reason text) TO nakksha_app;
GRANT ALL ON FUNCTION api.record_payment_failure(p_gateway text, p_order_id text, p_payment_id text, p_reason text) TO nakksha_app_admin;


--
-- Name: FUNCTION refresh_daily_analytics(p_limit integer); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.refresh_daily_analytics(p_limit integer) FROM PUBLIC;
GRANT ALL ON FUNCTION api.refresh_daily_analytics(p_limit integer) TO nakksha_worker;


--
-- Name: FUNCTION refresh_views(); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.refresh_views() FROM PUBLIC;
GRANT ALL ON FUNCTION api.refresh_views() TO nakksha_worker;


--
-- Name: FUNCTION refund_payment(p_transaction_id uuid, p_amount numeric, p_reason text); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.refund_payment(p_transaction_id uuid, p_amount numeric, p_reason text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.refund_payment(p_transaction_id uuid, p_amount numeric, p_reason text) TO nakksha_app;
GRANT ALL ON FUNCTION api.refund_payment(p_transaction_id uuid, p_amount numeric, p_reason text) TO nakksha_app_admin;


--
-- Name: FUNCTION reject_consultant(p_consultant_id uuid, p_reason text, p_acting_admin_email text); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.reject_consultant(p_consultant_id uuid, p_reason text, p_acting_admin_email text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.reject_consultant(p_consultant_id uuid, p_reason text, p_acting_admin_email text) TO nakksha_app;
GRANT ALL ON FUNCTION api.reject_consultant(p_consultant_id uuid, p_reason text, p_acting_admin_email text) TO nakksha_admin;
GRANT ALL ON FUNCTION api.reject_consultant(p_consultant_id uuid, p_reason text, p_acting_admin_email text) TO nakksha_app_admin;


--
-- Name: FUNCTION release_idempotency_key(p_slug text, p_key text, p_request_sha256 bytea); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.release_idempotency_key(p_slug text, p_key text, p_request_sha256 bytea) FROM PUBLIC;
GRANT ALL ON FUNCTION api.release_idempotency_key(p_slug text, p_key text, p_request_sha256 bytea) TO nakksha_app;
GRANT ALL ON FUNCTION api.release_idempotency_key(p_slug text, p_key text, p_request_sha256 bytea) TO nakksha_app_admin;


--
-- Name: FUNCTION rematerialise_consultant_slots(p_consultant_id uuid); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.rematerialise_consultant_slots(p_consultant_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION api.rematerialise_consultant_slots(p_consultant_id uuid) TO nakksha_worker;


--
-- Name: FUNCTION request_password_reset(p_email text, p_token_hash bytea, p_reset_url_encrypted text); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.request_password_reset(p_email text, p_token_hash bytea, p_reset_url_encrypted text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.request_password_reset(p_email text, p_token_hash bytea, p_reset_url_encrypted text) TO nakksha_app;
GRANT ALL ON FUNCTION api.request_password_reset(p_email text, p_token_hash bytea, p_reset_url_encrypted text) TO nakksha_app_admin;


--
-- Name: FUNCTION require_admin(p_super boolean); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.require_admin(p_super boolean) FROM PUBLIC;
GRANT ALL ON FUNCTION api.require_admin(p_super boolean) TO nakksha_app;
GRANT ALL ON FUNCTION api.require_admin(p_super boolean) TO nakksha_admin;
GRANT ALL ON FUNCTION api.require_admin(p_super boolean) TO nakksha_app_admin;


--
-- Name: FUNCTION require_approved(); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.require_approved() FROM PUBLIC;
GRANT ALL ON FUNCTION api.require_approved() TO nakksha_app;
GRANT ALL ON FUNCTION api.require_approved() TO nakksha_app_admin;


--
-- Name: FUNCTION require_reader(); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.require_reader() FROM PUBLIC;
GRANT ALL ON FUNCTION api.require_reader() TO nakksha_app;
GRANT ALL ON FUNCTION api.require_reader() TO nakksha_app_admin;


--
-- Name: FUNCTION reschedule_session(p_session_id uuid, p_slot_id uuid, p_starts_at timestamp with time zone, p_ends_at timestamp with time zone); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.reschedule_session(p_session_id uuid, p_slot_id uuid, p_starts_at timestamp with time zone, p_ends_at timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION api.reschedule_session(p_session_id uuid, p_slot_id uuid, p_starts_at timestamp with time zone, p_ends_at timestamp with time zone) TO nakksha_app;
GRANT ALL ON FUNCTION api.reschedule_session(p_session_id uuid, p_slot_id uuid, p_starts_at timestamp with time zone, p_ends_at timestamp with time zone) TO nakksha_app_admin;


--
-- Name: FUNCTION resend_verification(p_token_hash bytea, p_verify_url_encrypted text); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.resend_verification(p_token_hash bytea, p_verify_url_encrypted text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.resend_verification(p_token_hash bytea, p_verify_url_encrypted text) TO nakksha_app;
GRANT ALL ON FUNCTION api.resend_verification(p_token_hash bytea, p_verify_url_encrypted text) TO nakksha_app_admin;


--
-- Name: FUNCTION reset_password(p_token_hash bytea, p_password_hash text); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.reset_password(p_token_hash bytea, p_password_hash text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.reset_password(p_token_hash bytea, p_password_hash text) TO nakksha_app;
GRANT ALL ON FUNCTION api.reset_password(p_token_hash bytea, p_password_hash text) TO nakksha_app_admin;


--
-- Name: FUNCTION revoke_my_sessions(); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.revoke_my_sessions() FROM PUBLIC;
GRANT ALL ON FUNCTION api.revoke_my_sessions() TO nakksha_app;
GRANT ALL ON FUNCTION api.revoke_my_sessions() TO nakksha_app_admin;


--
-- Name: FUNCTION revoke_refresh_family(p_token_hash bytea, p_subject text); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.revoke_refresh_family(p_token_hash bytea, p_subject text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.revoke_refresh_family(p_token_hash bytea, p_subject text) TO nakksha_app;
GRANT ALL ON FUNCTION api.revoke_refresh_family(p_token_hash bytea, p_subject text) TO nakksha_app_admin;


--
-- Name: FUNCTION rotate_refresh_token(p_token_hash bytea, p_new_hash bytea, p_new_expires_at timestamp with time zone, p_subject text); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.rotate_refresh_token(p_token_hash bytea, p_new_hash bytea, p_new_expires_at timestamp with time zone, p_subject text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.rotate_refresh_token(p_token_hash bytea, p_new_hash bytea, p_new_expires_at timestamp with time zone, p_subject text) TO nakksha_app;
GRANT ALL ON FUNCTION api.rotate_refresh_token(p_token_hash bytea, p_new_hash bytea, p_new_expires_at timestamp with time zone, p_subject text) TO nakksha_app_admin;


--
-- Name: FUNCTION send_quotation(p_quotation_id uuid, p_token_hash bytea, p_link_encrypted text); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.send_quotation(p_quotation_id uuid, p_token_hash bytea, p_link_encrypted text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.send_quotation(p_quotation_id uuid, p_token_hash bytea, p_link_encrypted text) TO nakksha_app;
GRANT ALL ON FUNCTION api.send_quotation(p_quotation_id uuid, p_token_hash bytea, p_link_encrypted text) TO nakksha_app_admin;


--
-- Name: FUNCTION session_calendar(p_from timestamp with time zone, p_to timestamp with time zone, p_month text); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.session_calendar(p_from timestamp with time zone, p_to timestamp with time zone, p_month text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.session_calendar(p_from timestamp with time zone, p_to timestamp with time zone, p_month text) TO nakksha_app;
GRANT ALL ON FUNCTION api.session_calendar(p_from timestamp with time zone, p_to timestamp with time zone, p_month text) TO nakksha_app_admin;


--
-- Name: FUNCTION is_valid_timezone(p_tz text); Type: ACL; Schema: app; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app.is_valid_timezone(p_tz text) FROM PUBLIC;
GRANT ALL ON FUNCTION app.is_valid_timezone(p_tz text) TO nakksha_app;
GRANT ALL ON FUNCTION app.is_valid_timezone(p_tz text) TO nakksha_admin;
GRANT ALL ON FUNCTION app.is_valid_timezone(p_tz text) TO nakksha_worker;
GRANT ALL ON FUNCTION app.is_valid_timezone(p_tz text) TO nakksha_app_admin;


--
-- Name: TABLE sessions; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT SELECT ON TABLE app.sessions TO nakksha_app;
GRANT SELECT ON TABLE app.sessions TO nakksha_worker;
GRANT SELECT ON TABLE app.sessions TO nakksha_app_admin;


--
-- Name: COLUMN sessions.status; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT UPDATE(status) ON TABLE app.sessions TO nakksha_worker;


--
-- Name: COLUMN sessions.payment_status; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT UPDATE(payment_status) ON TABLE app.sessions TO nakksha_worker;


--
-- Name: COLUMN sessions.meeting_platform; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT UPDATE(meeting_platform) ON TABLE app.sessions TO nakksha_app;
GRANT UPDATE(meeting_platform) ON TABLE app.sessions TO nakksha_app_admin;


--
-- Name: COLUMN sessions.meeting_link; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT UPDATE(meeting_link) ON TABLE app.sessions TO nakksha_app;
GRANT UPDATE(meeting_link) ON TABLE app.sessions TO nakksha_worker;
GRANT UPDATE(meeting_link) ON TABLE app.sessions TO nakksha_app_admin;


--
-- Name: COLUMN sessions.meeting_id; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT UPDATE(meeting_id) ON TABLE app.sessions TO nakksha_app;
GRANT UPDATE(meeting_id) ON TABLE app.sessions TO nakksha_worker;
GRANT UPDATE(meeting_id) ON TABLE app.sessions TO nakksha_app_admin;


--
-- Name: COLUMN sessions.meeting_password; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT UPDATE(meeting_password) ON TABLE app.sessions TO nakksha_app;
GRANT UPDATE(meeting_password) ON TABLE app.sessions TO nakksha_worker;
GRANT UPDATE(meeting_password) ON TABLE app.sessions TO nakksha_app_admin;


--
-- Name: COLUMN sessions.notes; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT UPDATE(notes) ON TABLE app.sessions TO nakksha_app;
GRANT UPDATE(notes) ON TABLE app.sessions TO nakksha_app_admin;


--
-- Name: COLUMN sessions.consultant_notes; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT UPDATE(consultant_notes) ON TABLE app.sessions TO nakksha_app;
GRANT UPDATE(consultant_notes) ON TABLE app.sessions TO nakksha_app_admin;


--
-- Name: COLUMN sessions.reminder_sent_for; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT UPDATE(reminder_sent_for) ON TABLE app.sessions TO nakksha_worker;


--
-- Name: COLUMN sessions.meeting_source; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT UPDATE(meeting_source) ON TABLE app.sessions TO nakksha_worker;


--
-- Name: COLUMN sessions.client_ip_hash; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT UPDATE(client_ip_hash) ON TABLE app.sessions TO nakksha_worker;


--
-- Name: COLUMN sessions.reminder_queued_for; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT UPDATE(reminder_queued_for) ON TABLE app.sessions TO nakksha_worker;


--
-- Name: FUNCTION session_json(p_s app.sessions); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.session_json(p_s app.sessions) FROM PUBLIC;
GRANT ALL ON FUNCTION api.session_json(p_s app.sessions) TO nakksha_app;
GRANT ALL ON FUNCTION api.session_json(p_s app.sessions) TO nakksha_app_admin;


--
-- Name: FUNCTION set_my_bank_details(p_bank_name text, p_account_number_encrypted bytea, p_ifsc_code_encrypted bytea); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.set_my_bank_details(p_bank_name text, p_account_number_encrypted bytea, p_ifsc_code_encrypted bytea) FROM PUBLIC;
GRANT ALL ON FUNCTION api.set_my_bank_details(p_bank_name text, p_account_number_encrypted bytea, p_ifsc_code_encrypted bytea) TO nakksha_app;
GRANT ALL ON FUNCTION api.set_my_bank_details(p_bank_name text, p_account_number_encrypted bytea, p_ifsc_code_encrypted bytea) TO nakksha_app_admin;


--
-- Name: FUNCTION set_my_photo(p_url text); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.set_my_photo(p_url text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.set_my_photo(p_url text) TO nakksha_app;
GRANT ALL ON FUNCTION api.set_my_photo(p_url text) TO nakksha_app_admin;


--
-- Name: FUNCTION set_my_tax_profile(p_profile jsonb, p_pan text, p_pan_encrypted bytea); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.set_my_tax_profile(p_profile jsonb, p_pan text, p_pan_encrypted bytea) FROM PUBLIC;
GRANT ALL ON FUNCTION api.set_my_tax_profile(p_profile jsonb, p_pan text, p_pan_encrypted bytea) TO nakksha_app;
GRANT ALL ON FUNCTION api.set_my_tax_profile(p_profile jsonb, p_pan text, p_pan_encrypted bytea) TO nakksha_app_admin;


--
-- Name: FUNCTION set_quotation_items(p_quotation app.quotations, p_items jsonb); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.set_quotation_items(p_quotation app.quotations, p_items jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION api.set_quotation_items(p_quotation app.quotations, p_items jsonb) TO nakksha_app;
GRANT ALL ON FUNCTION api.set_quotation_items(p_quotation app.quotations, p_items jsonb) TO nakksha_app_admin;


--
-- Name: FUNCTION set_session_status(p_session_id uuid, p_to text, p_reason text); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.set_session_status(p_session_id uuid, p_to text, p_reason text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.set_session_status(p_session_id uuid, p_to text, p_reason text) TO nakksha_app;
GRANT ALL ON FUNCTION api.set_session_status(p_session_id uuid, p_to text, p_reason text) TO nakksha_app_admin;


--
-- Name: FUNCTION setting_bounds(); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.setting_bounds() FROM PUBLIC;
GRANT ALL ON FUNCTION api.setting_bounds() TO nakksha_app;
GRANT ALL ON FUNCTION api.setting_bounds() TO nakksha_worker;
GRANT ALL ON FUNCTION api.setting_bounds() TO nakksha_app_admin;


--
-- Name: FUNCTION setting_for_answer(p_key text, p_value jsonb); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.setting_for_answer(p_key text, p_value jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION api.setting_for_answer(p_key text, p_value jsonb) TO nakksha_app;
GRANT ALL ON FUNCTION api.setting_for_answer(p_key text, p_value jsonb) TO nakksha_app_admin;


--
-- Name: FUNCTION signup_consultant(p_email text, p_password_hash text, p_first_name text, p_last_name text, p_phone_country_code text, p_phone_number text, p_refresh_hash bytea, p_refresh_expires_at timestamp with time zone, p_verify_hash bytea, p_verify_url_encrypted text, p_user_agent text, p_ip inet); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.signup_consultant(p_email text, p_password_hash text, p_first_name text, p_last_name text, p_phone_country_code text, p_phone_number text, p_refresh_hash bytea, p_refresh_expires_at timestamp with time zone, p_verify_hash bytea, p_verify_url_encrypted text, p_user_agent text, p_ip inet) FROM PUBLIC;
GRANT ALL ON FUNCTION api.signup_consultant(p_email text, p_password_hash text, p_first_name text, p_last_name text, p_phone_country_code text, p_phone_number text, p_refresh_hash bytea, p_refresh_expires_at timestamp with time zone, p_verify_hash bytea, p_verify_url_encrypted text, p_user_agent text, p_ip inet) TO nakksha_app;
GRANT ALL ON FUNCTION api.signup_consultant(p_email text, p_password_hash text, p_first_name text, p_last_name text, p_phone_country_code text, p_phone_number text, p_refresh_hash bytea, p_refresh_expires_at timestamp with time zone, p_verify_hash bytea, p_verify_url_encrypted text, p_user_agent text, p_ip inet) TO nakksha_app_admin;


--
-- Name: TABLE availability_slots; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT SELECT,DELETE ON TABLE app.availability_slots TO nakksha_app;
GRANT SELECT,INSERT,DELETE ON TABLE app.availability_slots TO nakksha_worker;
GRANT SELECT,DELETE ON TABLE app.availability_slots TO nakksha_app_admin;


--
-- Name: COLUMN availability_slots.consultant_id; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT INSERT(consultant_id) ON TABLE app.availability_slots TO nakksha_app;
GRANT INSERT(consultant_id) ON TABLE app.availability_slots TO nakksha_app_admin;


--
-- Name: COLUMN availability_slots.session_type; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT INSERT(session_type) ON TABLE app.availability_slots TO nakksha_app;
GRANT INSERT(session_type) ON TABLE app.availability_slots TO nakksha_app_admin;


--
-- Name: COLUMN availability_slots.starts_at; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT INSERT(starts_at),UPDATE(starts_at) ON TABLE app.availability_slots TO nakksha_app;
GRANT INSERT(starts_at),UPDATE(starts_at) ON TABLE app.availability_slots TO nakksha_app_admin;


--
-- Name: COLUMN availability_slots.ends_at; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT INSERT(ends_at),UPDATE(ends_at) ON TABLE app.availability_slots TO nakksha_app;
GRANT INSERT(ends_at),UPDATE(ends_at) ON TABLE app.availability_slots TO nakksha_app_admin;


--
-- Name: COLUMN availability_slots.capacity; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT INSERT(capacity),UPDATE(capacity) ON TABLE app.availability_slots TO nakksha_app;
GRANT INSERT(capacity),UPDATE(capacity) ON TABLE app.availability_slots TO nakksha_app_admin;


--
-- Name: COLUMN availability_slots.booked_count; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT UPDATE(booked_count) ON TABLE app.availability_slots TO nakksha_worker;


--
-- Name: COLUMN availability_slots.is_available; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT INSERT(is_available),UPDATE(is_available) ON TABLE app.availability_slots TO nakksha_app;
GRANT INSERT(is_available),UPDATE(is_available) ON TABLE app.availability_slots TO nakksha_app_admin;


--
-- Name: COLUMN availability_slots.source; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT INSERT(source),UPDATE(source) ON TABLE app.availability_slots TO nakksha_app;
GRANT INSERT(source),UPDATE(source) ON TABLE app.availability_slots TO nakksha_app_admin;


--
-- Name: COLUMN availability_slots.rule_id; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT INSERT(rule_id),UPDATE(rule_id) ON TABLE app.availability_slots TO nakksha_app;
GRANT INSERT(rule_id),UPDATE(rule_id) ON TABLE app.availability_slots TO nakksha_app_admin;


--
-- Name: FUNCTION slot_json(p_s app.availability_slots); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.slot_json(p_s app.availability_slots) FROM PUBLIC;
GRANT ALL ON FUNCTION api.slot_json(p_s app.availability_slots) TO nakksha_app;
GRANT ALL ON FUNCTION api.slot_json(p_s app.availability_slots) TO nakksha_app_admin;


--
-- Name: FUNCTION start_admin_session(p_admin_id uuid, p_refresh_hash bytea, p_expires_at timestamp with time zone, p_user_agent text, p_ip inet); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.start_admin_session(p_admin_id uuid, p_refresh_hash bytea, p_expires_at timestamp with time zone, p_user_agent text, p_ip inet) FROM PUBLIC;
GRANT ALL ON FUNCTION api.start_admin_session(p_admin_id uuid, p_refresh_hash bytea, p_expires_at timestamp with time zone, p_user_agent text, p_ip inet) TO nakksha_app;
GRANT ALL ON FUNCTION api.start_admin_session(p_admin_id uuid, p_refresh_hash bytea, p_expires_at timestamp with time zone, p_user_agent text, p_ip inet) TO nakksha_app_admin;


--
-- Name: FUNCTION start_consultant_session(p_consultant_id uuid, p_refresh_hash bytea, p_expires_at timestamp with time zone, p_user_agent text, p_ip inet); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.start_consultant_session(p_consultant_id uuid, p_refresh_hash bytea, p_expires_at timestamp with time zone, p_user_agent text, p_ip inet) FROM PUBLIC;
GRANT ALL ON FUNCTION api.start_consultant_session(p_consultant_id uuid, p_refresh_hash bytea, p_expires_at timestamp with time zone, p_user_agent text, p_ip inet) TO nakksha_app;
GRANT ALL ON FUNCTION api.start_consultant_session(p_consultant_id uuid, p_refresh_hash bytea, p_expires_at timestamp with time zone, p_user_agent text, p_ip inet) TO nakksha_app_admin;


--
-- Name: FUNCTION store_calendar_connection(p_state_hash bytea, p_account_email text, p_scopes text, p_access_encrypted text, p_refresh_encrypted text, p_expires_at timestamp with time zone); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.store_calendar_connection(p_state_hash bytea, p_account_email text, p_scopes text, p_access_encrypted text, p_refresh_encrypted text, p_expires_at timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION api.store_calendar_connection(p_state_hash bytea, p_account_email text, p_scopes text, p_access_encrypted text, p_refresh_encrypted text, p_expires_at timestamp with time zone) TO nakksha_app;
GRANT ALL ON FUNCTION api.store_calendar_connection(p_state_hash bytea, p_account_email text, p_scopes text, p_access_encrypted text, p_refresh_encrypted text, p_expires_at timestamp with time zone) TO nakksha_app_admin;


--
-- Name: FUNCTION suspend_consultant(p_consultant_id uuid, p_reason text, p_acting_admin_email text, p_cancel_upcoming boolean); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.suspend_consultant(p_consultant_id uuid, p_reason text, p_acting_admin_email text, p_cancel_upcoming boolean) FROM PUBLIC;
GRANT ALL ON FUNCTION api.suspend_consultant(p_consultant_id uuid, p_reason text, p_acting_admin_email text, p_cancel_upcoming boolean) TO nakksha_app;
GRANT ALL ON FUNCTION api.suspend_consultant(p_consultant_id uuid, p_reason text, p_acting_admin_email text, p_cancel_upcoming boolean) TO nakksha_admin;
GRANT ALL ON FUNCTION api.suspend_consultant(p_consultant_id uuid, p_reason text, p_acting_admin_email text, p_cancel_upcoming boolean) TO nakksha_app_admin;


--
-- Name: FUNCTION take_oauth_state(p_state_hash bytea, p_browser_hash bytea); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.take_oauth_state(p_state_hash bytea, p_browser_hash bytea) FROM PUBLIC;
GRANT ALL ON FUNCTION api.take_oauth_state(p_state_hash bytea, p_browser_hash bytea) TO nakksha_app;
GRANT ALL ON FUNCTION api.take_oauth_state(p_state_hash bytea, p_browser_hash bytea) TO nakksha_app_admin;


--
-- Name: FUNCTION tax_profile_json(p_consultant_id uuid); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.tax_profile_json(p_consultant_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION api.tax_profile_json(p_consultant_id uuid) TO nakksha_app;
GRANT ALL ON FUNCTION api.tax_profile_json(p_consultant_id uuid) TO nakksha_app_admin;


--
-- Name: FUNCTION unpublish_my_page(); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.unpublish_my_page() FROM PUBLIC;
GRANT ALL ON FUNCTION api.unpublish_my_page() TO nakksha_app;
GRANT ALL ON FUNCTION api.unpublish_my_page() TO nakksha_app_admin;


--
-- Name: FUNCTION unreferenced_quotation_images(p_consultant_id uuid, p_urls text[]); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.unreferenced_quotation_images(p_consultant_id uuid, p_urls text[]) FROM PUBLIC;
GRANT ALL ON FUNCTION api.unreferenced_quotation_images(p_consultant_id uuid, p_urls text[]) TO nakksha_app;
GRANT ALL ON FUNCTION api.unreferenced_quotation_images(p_consultant_id uuid, p_urls text[]) TO nakksha_app_admin;


--
-- Name: FUNCTION upcoming_paid_sessions(p_consultant_id uuid); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.upcoming_paid_sessions(p_consultant_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION api.upcoming_paid_sessions(p_consultant_id uuid) TO nakksha_app;
GRANT ALL ON FUNCTION api.upcoming_paid_sessions(p_consultant_id uuid) TO nakksha_app_admin;


--
-- Name: FUNCTION upcoming_paid_sessions_json(p_consultant_id uuid); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.upcoming_paid_sessions_json(p_consultant_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION api.upcoming_paid_sessions_json(p_consultant_id uuid) TO nakksha_app;
GRANT ALL ON FUNCTION api.upcoming_paid_sessions_json(p_consultant_id uuid) TO nakksha_app_admin;


--
-- Name: FUNCTION update_availability_rule(p_rule_id uuid, p_session_type text, p_weekday integer, p_start_time time without time zone, p_end_time time without time zone, p_slot_minutes integer, p_capacity integer, p_valid_from date, p_valid_until date, p_is_active boolean); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.update_availability_rule(p_rule_id uuid, p_session_type text, p_weekday integer, p_start_time time without time zone, p_end_time time without time zone, p_slot_minutes integer, p_capacity integer, p_valid_from date, p_valid_until date, p_is_active boolean) FROM PUBLIC;
GRANT ALL ON FUNCTION api.update_availability_rule(p_rule_id uuid, p_session_type text, p_weekday integer, p_start_time time without time zone, p_end_time time without time zone, p_slot_minutes integer, p_capacity integer, p_valid_from date, p_valid_until date, p_is_active boolean) TO nakksha_app;
GRANT ALL ON FUNCTION api.update_availability_rule(p_rule_id uuid, p_session_type text, p_weekday integer, p_start_time time without time zone, p_end_time time without time zone, p_slot_minutes integer, p_capacity integer, p_valid_from date, p_valid_until date, p_is_active boolean) TO nakksha_app_admin;


--
-- Name: FUNCTION update_client(p_client_id uuid, p_patch jsonb, p_phone_encrypted bytea, p_phone_hash bytea); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.update_client(p_client_id uuid, p_patch jsonb, p_phone_encrypted bytea, p_phone_hash bytea) FROM PUBLIC;
GRANT ALL ON FUNCTION api.update_client(p_client_id uuid, p_patch jsonb, p_phone_encrypted bytea, p_phone_hash bytea) TO nakksha_app;
GRANT ALL ON FUNCTION api.update_client(p_client_id uuid, p_patch jsonb, p_phone_encrypted bytea, p_phone_hash bytea) TO nakksha_app_admin;


--
-- Name: FUNCTION update_my_profile(p_patch jsonb); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.update_my_profile(p_patch jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION api.update_my_profile(p_patch jsonb) TO nakksha_app;
GRANT ALL ON FUNCTION api.update_my_profile(p_patch jsonb) TO nakksha_app_admin;


--
-- Name: FUNCTION update_quotation(p_quotation_id uuid, p_patch jsonb); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.update_quotation(p_quotation_id uuid, p_patch jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION api.update_quotation(p_quotation_id uuid, p_patch jsonb) TO nakksha_app;
GRANT ALL ON FUNCTION api.update_quotation(p_quotation_id uuid, p_patch jsonb) TO nakksha_app_admin;


--
-- Name: FUNCTION update_session(p_session_id uuid, p_patch jsonb); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.update_session(p_session_id uuid, p_patch jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION api.update_session(p_session_id uuid, p_patch jsonb) TO nakksha_app;
GRANT ALL ON FUNCTION api.update_session(p_session_id uuid, p_patch jsonb) TO nakksha_app_admin;


--
-- Name: FUNCTION update_slot(p_slot_id uuid, p_starts_at timestamp with time zone, p_ends_at timestamp with time zone, p_capacity integer, p_is_available boolean); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.update_slot(p_slot_id uuid, p_starts_at timestamp with time zone, p_ends_at timestamp with time zone, p_capacity integer, p_is_available boolean) FROM PUBLIC;
GRANT ALL ON FUNCTION api.update_slot(p_slot_id uuid, p_starts_at timestamp with time zone, p_ends_at timestamp with time zone, p_capacity integer, p_is_available boolean) TO nakksha_app;
GRANT ALL ON FUNCTION api.update_slot(p_slot_id uuid, p_starts_at timestamp with time zone, p_ends_at timestamp with time zone, p_capacity integer, p_is_available boolean) TO nakksha_app_admin;


--
-- Name: FUNCTION verify_email(p_token_hash bytea); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.verify_email(p_token_hash bytea) FROM PUBLIC;
GRANT ALL ON FUNCTION api.verify_email(p_token_hash bytea) TO nakksha_app;
GRANT ALL ON FUNCTION api.verify_email(p_token_hash bytea) TO nakksha_app_admin;


--
-- Name: FUNCTION web_session_subject(p_token_hash bytea); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.web_session_subject(p_token_hash bytea) FROM PUBLIC;
GRANT ALL ON FUNCTION api.web_session_subject(p_token_hash bytea) TO nakksha_app;
GRANT ALL ON FUNCTION api.web_session_subject(p_token_hash bytea) TO nakksha_app_admin;


--
-- Name: FUNCTION worker_calendar_event_deleted(p_event_key text, p_provider text); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.worker_calendar_event_deleted(p_event_key text, p_provider text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.worker_calendar_event_deleted(p_event_key text, p_provider text) TO nakksha_worker;


--
-- Name: FUNCTION worker_calendar_event_synced(p_event_key text, p_provider text, p_event_id text, p_starts_at timestamp with time zone, p_ends_at timestamp with time zone, p_meeting_link text, p_meeting_id text, p_meeting_password text); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.worker_calendar_event_synced(p_event_key text, p_provider text, p_event_id text, p_starts_at timestamp with time zone, p_ends_at timestamp with time zone, p_meeting_link text, p_meeting_id text, p_meeting_password text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.worker_calendar_event_synced(p_event_key text, p_provider text, p_event_id text, p_starts_at timestamp with time zone, p_ends_at timestamp with time zone, p_meeting_link text, p_meeting_id text, p_meeting_password text) TO nakksha_worker;


--
-- Name: FUNCTION worker_calendar_plan(p_event_key text); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.worker_calendar_plan(p_event_key text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.worker_calendar_plan(p_event_key text) TO nakksha_worker;


--
-- Name: FUNCTION worker_claim_email(p_email_log_id uuid); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.worker_claim_email(p_email_log_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION api.worker_claim_email(p_email_log_id uuid) TO nakksha_worker;


--
-- Name: FUNCTION worker_lock_calendar_connection(p_connection_id uuid); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.worker_lock_calendar_connection(p_connection_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION api.worker_lock_calendar_connection(p_connection_id uuid) TO nakksha_worker;


--
-- Name: FUNCTION worker_mark_calendar_connection(p_connection_id uuid, p_status text, p_error text); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.worker_mark_calendar_connection(p_connection_id uuid, p_status text, p_error text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.worker_mark_calendar_connection(p_connection_id uuid, p_status text, p_error text) TO nakksha_worker;


--
-- Name: FUNCTION worker_mark_email_failed(p_email_log_id uuid, p_error text, p_final boolean); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.worker_mark_email_failed(p_email_log_id uuid, p_error text, p_final boolean) FROM PUBLIC;
GRANT ALL ON FUNCTION api.worker_mark_email_failed(p_email_log_id uuid, p_error text, p_final boolean) TO nakksha_worker;


--
-- Name: FUNCTION worker_mark_email_sent(p_email_log_id uuid, p_subject text, p_provider text, p_external_id text); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.worker_mark_email_sent(p_email_log_id uuid, p_subject text, p_provider text, p_external_id text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.worker_mark_email_sent(p_email_log_id uuid, p_subject text, p_provider text, p_external_id text) TO nakksha_worker;


--
-- Name: FUNCTION worker_note_refund_error(p_refund_id uuid, p_error text); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.worker_note_refund_error(p_refund_id uuid, p_error text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.worker_note_refund_error(p_refund_id uuid, p_error text) TO nakksha_worker;


--
-- Name: FUNCTION worker_queue_due_reminders(p_limit integer, p_at timestamp with time zone); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.worker_queue_due_reminders(p_limit integer, p_at timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION api.worker_queue_due_reminders(p_limit integer, p_at timestamp with time zone) TO nakksha_worker;


--
-- Name: FUNCTION worker_session_reminder(p_session_id uuid, p_starts_at timestamp with time zone); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.worker_session_reminder(p_session_id uuid, p_starts_at timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION api.worker_session_reminder(p_session_id uuid, p_starts_at timestamp with time zone) TO nakksha_worker;


--
-- Name: FUNCTION worker_settle_refund(p_refund_id uuid, p_status text, p_gateway_refund_id text, p_failure text); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.worker_settle_refund(p_refund_id uuid, p_status text, p_gateway_refund_id text, p_failure text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.worker_settle_refund(p_refund_id uuid, p_status text, p_gateway_refund_id text, p_failure text) TO nakksha_worker;


--
-- Name: FUNCTION worker_store_calendar_busy(p_connection_id uuid, p_busy jsonb); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.worker_store_calendar_busy(p_connection_id uuid, p_busy jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION api.worker_store_calendar_busy(p_connection_id uuid, p_busy jsonb) TO nakksha_worker;


--
-- Name: FUNCTION worker_store_calendar_tokens(p_connection_id uuid, p_access_encrypted text, p_refresh_encrypted text, p_expires_at timestamp with time zone); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.worker_store_calendar_tokens(p_connection_id uuid, p_access_encrypted text, p_refresh_encrypted text, p_expires_at timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION api.worker_store_calendar_tokens(p_connection_id uuid, p_access_encrypted text, p_refresh_encrypted text, p_expires_at timestamp with time zone) TO nakksha_worker;


--
-- Name: FUNCTION worker_store_outbox_message(p_email_log_id uuid, p_idempotency_key text, p_to_email text, p_to_name text, p_subject text, p_html_body text, p_text_body text, p_attachments jsonb); Type: ACL; Schema: api; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION api.worker_store_outbox_message(p_email_log_id uuid, p_idempotency_key text, p_to_email text, p_to_name text, p_subject text, p_html_body text, p_text_body text, p_attachments jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION api.worker_store_outbox_message(p_email_log_id uuid, p_idempotency_key text, p_to_email text, p_to_name text, p_subject text, p_html_body text, p_text_body text, p_attachments jsonb) TO nakksha_worker;


--
-- Name: FUNCTION acts_as_admin(); Type: ACL; Schema: app; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app.acts_as_admin() FROM PUBLIC;
GRANT ALL ON FUNCTION app.acts_as_admin() TO nakksha_app;
GRANT ALL ON FUNCTION app.acts_as_admin() TO nakksha_admin;
GRANT ALL ON FUNCTION app.acts_as_admin() TO nakksha_app_admin;


--
-- Name: FUNCTION apply_refund_totals(); Type: ACL; Schema: app; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app.apply_refund_totals() FROM PUBLIC;


--
-- Name: FUNCTION basis_points_of(p_amount numeric, p_basis_points integer); Type: ACL; Schema: app; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app.basis_points_of(p_amount numeric, p_basis_points integer) FROM PUBLIC;
GRANT ALL ON FUNCTION app.basis_points_of(p_amount numeric, p_basis_points integer) TO nakksha_app;
GRANT ALL ON FUNCTION app.basis_points_of(p_amount numeric, p_basis_points integer) TO nakksha_worker;
GRANT ALL ON FUNCTION app.basis_points_of(p_amount numeric, p_basis_points integer) TO nakksha_app_admin;


--
-- Name: FUNCTION caller_is_suspended(); Type: ACL; Schema: app; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app.caller_is_suspended() FROM PUBLIC;
GRANT ALL ON FUNCTION app.caller_is_suspended() TO nakksha_app;
GRANT ALL ON FUNCTION app.caller_is_suspended() TO nakksha_admin;
GRANT ALL ON FUNCTION app.caller_is_suspended() TO nakksha_worker;
GRANT ALL ON FUNCTION app.caller_is_suspended() TO nakksha_app_admin;


--
-- Name: FUNCTION check_availability_rule(); Type: ACL; Schema: app; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app.check_availability_rule() FROM PUBLIC;


--
-- Name: FUNCTION check_capacity(p_session_type text, p_capacity integer); Type: ACL; Schema: app; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app.check_capacity(p_session_type text, p_capacity integer) FROM PUBLIC;
GRANT ALL ON FUNCTION app.check_capacity(p_session_type text, p_capacity integer) TO nakksha_app;
GRANT ALL ON FUNCTION app.check_capacity(p_session_type text, p_capacity integer) TO nakksha_app_admin;


--
-- Name: FUNCTION check_slot_budget(); Type: ACL; Schema: app; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app.check_slot_budget() FROM PUBLIC;


--
-- Name: FUNCTION commission_split(p_amount numeric, p_percent numeric, p_min numeric, p_gst_percent numeric, OUT commission numeric, OUT commission_gst numeric); Type: ACL; Schema: app; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app.commission_split(p_amount numeric, p_percent numeric, p_min numeric, p_gst_percent numeric, OUT commission numeric, OUT commission_gst numeric) FROM PUBLIC;
GRANT ALL ON FUNCTION app.commission_split(p_amount numeric, p_percent numeric, p_min numeric, p_gst_percent numeric, OUT commission numeric, OUT commission_gst numeric) TO nakksha_worker;


--
-- Name: FUNCTION count_clients(); Type: ACL; Schema: app; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app.count_clients() FROM PUBLIC;


--
-- Name: FUNCTION current_admin_id(); Type: ACL; Schema: app; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app.current_admin_id() FROM PUBLIC;
GRANT ALL ON FUNCTION app.current_admin_id() TO nakksha_app;
GRANT ALL ON FUNCTION app.current_admin_id() TO nakksha_admin;
GRANT ALL ON FUNCTION app.current_admin_id() TO nakksha_app_admin;


--
-- Name: FUNCTION current_admin_is_active(); Type: ACL; Schema: app; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app.current_admin_is_active() FROM PUBLIC;
GRANT ALL ON FUNCTION app.current_admin_is_active() TO nakksha_app;
GRANT ALL ON FUNCTION app.current_admin_is_active() TO nakksha_admin;
GRANT ALL ON FUNCTION app.current_admin_is_active() TO nakksha_app_admin;


--
-- Name: FUNCTION current_approved_consultant_id(); Type: ACL; Schema: app; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app.current_approved_consultant_id() FROM PUBLIC;
GRANT ALL ON FUNCTION app.current_approved_consultant_id() TO nakksha_app;
GRANT ALL ON FUNCTION app.current_approved_consultant_id() TO nakksha_admin;
GRANT ALL ON FUNCTION app.current_approved_consultant_id() TO nakksha_app_admin;


--
-- Name: FUNCTION current_consultant_id(); Type: ACL; Schema: app; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app.current_consultant_id() FROM PUBLIC;
GRANT ALL ON FUNCTION app.current_consultant_id() TO nakksha_app;
GRANT ALL ON FUNCTION app.current_consultant_id() TO nakksha_admin;
GRANT ALL ON FUNCTION app.current_consultant_id() TO nakksha_app_admin;


--
-- Name: FUNCTION current_reading_consultant_id(); Type: ACL; Schema: app; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app.current_reading_consultant_id() FROM PUBLIC;
GRANT ALL ON FUNCTION app.current_reading_consultant_id() TO nakksha_app;
GRANT ALL ON FUNCTION app.current_reading_consultant_id() TO nakksha_admin;
GRANT ALL ON FUNCTION app.current_reading_consultant_id() TO nakksha_app_admin;


--
-- Name: FUNCTION derive_session_times(); Type: ACL; Schema: app; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app.derive_session_times() FROM PUBLIC;


--
-- Name: FUNCTION derive_slot_local_times(); Type: ACL; Schema: app; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app.derive_slot_local_times() FROM PUBLIC;


--
-- Name: FUNCTION enforce_payment_transition(); Type: ACL; Schema: app; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app.enforce_payment_transition() FROM PUBLIC;


--
-- Name: FUNCTION enforce_session_transition(); Type: ACL; Schema: app; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app.enforce_session_transition() FROM PUBLIC;


--
-- Name: FUNCTION financial_year_start(p_at timestamp with time zone); Type: ACL; Schema: app; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app.financial_year_start(p_at timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION app.financial_year_start(p_at timestamp with time zone) TO nakksha_app;
GRANT ALL ON FUNCTION app.financial_year_start(p_at timestamp with time zone) TO nakksha_worker;
GRANT ALL ON FUNCTION app.financial_year_start(p_at timestamp with time zone) TO nakksha_app_admin;


--
-- Name: FUNCTION forbid_audit_change(); Type: ACL; Schema: app; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app.forbid_audit_change() FROM PUBLIC;


--
-- Name: FUNCTION gstin_check_character(p_gstin text); Type: ACL; Schema: app; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app.gstin_check_character(p_gstin text) FROM PUBLIC;
GRANT ALL ON FUNCTION app.gstin_check_character(p_gstin text) TO nakksha_app;
GRANT ALL ON FUNCTION app.gstin_check_character(p_gstin text) TO nakksha_worker;
GRANT ALL ON FUNCTION app.gstin_check_character(p_gstin text) TO nakksha_app_admin;


--
-- Name: FUNCTION gstin_is_valid(p_gstin text); Type: ACL; Schema: app; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app.gstin_is_valid(p_gstin text) FROM PUBLIC;
GRANT ALL ON FUNCTION app.gstin_is_valid(p_gstin text) TO nakksha_app;
GRANT ALL ON FUNCTION app.gstin_is_valid(p_gstin text) TO nakksha_worker;
GRANT ALL ON FUNCTION app.gstin_is_valid(p_gstin text) TO nakksha_app_admin;


--
-- Name: FUNCTION guard_publication(); Type: ACL; Schema: app; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app.guard_publication() FROM PUBLIC;


--
-- Name: FUNCTION guard_quotation(); Type: ACL; Schema: app; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app.guard_quotation() FROM PUBLIC;


--
-- Name: FUNCTION guard_quotation_item(); Type: ACL; Schema: app; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app.guard_quotation_item() FROM PUBLIC;


--
-- Name: FUNCTION guard_refund(); Type: ACL; Schema: app; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app.guard_refund() FROM PUBLIC;


--
-- Name: FUNCTION is_plausible_date(p_day date); Type: ACL; Schema: app; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app.is_plausible_date(p_day date) FROM PUBLIC;
GRANT ALL ON FUNCTION app.is_plausible_date(p_day date) TO nakksha_app;
GRANT ALL ON FUNCTION app.is_plausible_date(p_day date) TO nakksha_admin;
GRANT ALL ON FUNCTION app.is_plausible_date(p_day date) TO nakksha_worker;
GRANT ALL ON FUNCTION app.is_plausible_date(p_day date) TO nakksha_app_admin;


--
-- Name: FUNCTION is_plausible_instant(p_at timestamp with time zone); Type: ACL; Schema: app; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app.is_plausible_instant(p_at timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION app.is_plausible_instant(p_at timestamp with time zone) TO nakksha_app;
GRANT ALL ON FUNCTION app.is_plausible_instant(p_at timestamp with time zone) TO nakksha_admin;
GRANT ALL ON FUNCTION app.is_plausible_instant(p_at timestamp with time zone) TO nakksha_worker;
GRANT ALL ON FUNCTION app.is_plausible_instant(p_at timestamp with time zone) TO nakksha_app_admin;


--
-- Name: FUNCTION is_repeat_client(p_total_sessions integer); Type: ACL; Schema: app; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app.is_repeat_client(p_total_sessions integer) FROM PUBLIC;
GRANT ALL ON FUNCTION app.is_repeat_client(p_total_sessions integer) TO nakksha_app;
GRANT ALL ON FUNCTION app.is_repeat_client(p_total_sessions integer) TO nakksha_admin;
GRANT ALL ON FUNCTION app.is_repeat_client(p_total_sessions integer) TO nakksha_worker;
GRANT ALL ON FUNCTION app.is_repeat_client(p_total_sessions integer) TO nakksha_analyst;
GRANT ALL ON FUNCTION app.is_repeat_client(p_total_sessions integer) TO nakksha_app_admin;


--
-- Name: FUNCTION keep_worker_registered(); Type: ACL; Schema: app; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app.keep_worker_registered() FROM PUBLIC;


--
-- Name: FUNCTION ledger_capture(); Type: ACL; Schema: app; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app.ledger_capture() FROM PUBLIC;


--
-- Name: FUNCTION ledger_refund(); Type: ACL; Schema: app; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app.ledger_refund() FROM PUBLIC;


--
-- Name: FUNCTION ledger_refund_entries(p_refund_id uuid); Type: ACL; Schema: app; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app.ledger_refund_entries(p_refund_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION app.ledger_refund_entries(p_refund_id uuid) TO nakksha_worker;


--
-- Name: FUNCTION mailbox_key(p_email text); Type: ACL; Schema: app; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app.mailbox_key(p_email text) FROM PUBLIC;
GRANT ALL ON FUNCTION app.mailbox_key(p_email text) TO nakksha_app;
GRANT ALL ON FUNCTION app.mailbox_key(p_email text) TO nakksha_admin;
GRANT ALL ON FUNCTION app.mailbox_key(p_email text) TO nakksha_worker;
GRANT ALL ON FUNCTION app.mailbox_key(p_email text) TO nakksha_app_admin;


--
-- Name: FUNCTION mark_all_analytics_dirty(); Type: ACL; Schema: app; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app.mark_all_analytics_dirty() FROM PUBLIC;


--
-- Name: FUNCTION mark_analytics_dirty(); Type: ACL; Schema: app; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app.mark_analytics_dirty() FROM PUBLIC;


--
-- Name: FUNCTION pan_is_valid(p_pan text); Type: ACL; Schema: app; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app.pan_is_valid(p_pan text) FROM PUBLIC;
GRANT ALL ON FUNCTION app.pan_is_valid(p_pan text) TO nakksha_app;
GRANT ALL ON FUNCTION app.pan_is_valid(p_pan text) TO nakksha_worker;
GRANT ALL ON FUNCTION app.pan_is_valid(p_pan text) TO nakksha_app_admin;


--
-- Name: FUNCTION platform_collects(p_gateway text, p_purpose text); Type: ACL; Schema: app; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app.platform_collects(p_gateway text, p_purpose text) FROM PUBLIC;
GRANT ALL ON FUNCTION app.platform_collects(p_gateway text, p_purpose text) TO nakksha_worker;


--
-- Name: FUNCTION protect_booked_slot(); Type: ACL; Schema: app; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app.protect_booked_slot() FROM PUBLIC;


--
-- Name: FUNCTION queue_session_reminder(); Type: ACL; Schema: app; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app.queue_session_reminder() FROM PUBLIC;


--
-- Name: FUNCTION readable_consultants(p_approved_only boolean); Type: ACL; Schema: app; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app.readable_consultants(p_approved_only boolean) FROM PUBLIC;
GRANT ALL ON FUNCTION app.readable_consultants(p_approved_only boolean) TO nakksha_app;
GRANT ALL ON FUNCTION app.readable_consultants(p_approved_only boolean) TO nakksha_admin;
GRANT ALL ON FUNCTION app.readable_consultants(p_approved_only boolean) TO nakksha_app_admin;


--
-- Name: FUNCTION record_commission(); Type: ACL; Schema: app; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app.record_commission() FROM PUBLIC;


--
-- Name: FUNCTION rederive_local_times(); Type: ACL; Schema: app; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app.rederive_local_times() FROM PUBLIC;


--
-- Name: FUNCTION refresh_client_amount_paid(); Type: ACL; Schema: app; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app.refresh_client_amount_paid() FROM PUBLIC;


--
-- Name: FUNCTION refresh_client_session_totals(); Type: ACL; Schema: app; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app.refresh_client_session_totals() FROM PUBLIC;


--
-- Name: FUNCTION refuse_field(p_field text, p_detail text); Type: ACL; Schema: app; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app.refuse_field(p_field text, p_detail text) FROM PUBLIC;
GRANT ALL ON FUNCTION app.refuse_field(p_field text, p_detail text) TO nakksha_app;
GRANT ALL ON FUNCTION app.refuse_field(p_field text, p_detail text) TO nakksha_worker;
GRANT ALL ON FUNCTION app.refuse_field(p_field text, p_detail text) TO nakksha_app_admin;


--
-- Name: FUNCTION refuse_ledger_change(); Type: ACL; Schema: app; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app.refuse_ledger_change() FROM PUBLIC;


--
-- Name: FUNCTION refuse_suspended_profile_changes(); Type: ACL; Schema: app; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app.refuse_suspended_profile_changes() FROM PUBLIC;


--
-- Name: FUNCTION refuse_suspended_writes(); Type: ACL; Schema: app; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app.refuse_suspended_writes() FROM PUBLIC;


--
-- Name: FUNCTION rematerialise_my_slots(); Type: ACL; Schema: app; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app.rematerialise_my_slots() FROM PUBLIC;
GRANT ALL ON FUNCTION app.rematerialise_my_slots() TO nakksha_app;
GRANT ALL ON FUNCTION app.rematerialise_my_slots() TO nakksha_app_admin;


--
-- Name: FUNCTION schedule_session_reminder(); Type: ACL; Schema: app; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app.schedule_session_reminder() FROM PUBLIC;


--
-- Name: FUNCTION setup_checklist(p_consultant_id uuid); Type: ACL; Schema: app; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app.setup_checklist(p_consultant_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION app.setup_checklist(p_consultant_id uuid) TO nakksha_app;
GRANT ALL ON FUNCTION app.setup_checklist(p_consultant_id uuid) TO nakksha_admin;
GRANT ALL ON FUNCTION app.setup_checklist(p_consultant_id uuid) TO nakksha_app_admin;


--
-- Name: FUNCTION setup_missing(p_consultant_id uuid); Type: ACL; Schema: app; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app.setup_missing(p_consultant_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION app.setup_missing(p_consultant_id uuid) TO nakksha_app;
GRANT ALL ON FUNCTION app.setup_missing(p_consultant_id uuid) TO nakksha_admin;
GRANT ALL ON FUNCTION app.setup_missing(p_consultant_id uuid) TO nakksha_app_admin;


--
-- Name: FUNCTION sync_session_calendar(); Type: ACL; Schema: app; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app.sync_session_calendar() FROM PUBLIC;


--
-- Name: FUNCTION sync_slot_seats(); Type: ACL; Schema: app; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app.sync_slot_seats() FROM PUBLIC;


--
-- Name: FUNCTION tax_setting(p_key text); Type: ACL; Schema: app; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app.tax_setting(p_key text) FROM PUBLIC;
GRANT ALL ON FUNCTION app.tax_setting(p_key text) TO nakksha_app;
GRANT ALL ON FUNCTION app.tax_setting(p_key text) TO nakksha_worker;
GRANT ALL ON FUNCTION app.tax_setting(p_key text) TO nakksha_app_admin;


--
-- Name: FUNCTION total_quotation_items(); Type: ACL; Schema: app; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app.total_quotation_items() FROM PUBLIC;


--
-- Name: FUNCTION touch_updated_at(); Type: ACL; Schema: app; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app.touch_updated_at() FROM PUBLIC;


--
-- Name: FUNCTION withholding(p_consultant_id uuid, p_payment_id uuid, p_amount numeric, p_commission_total numeric, p_at timestamp with time zone, OUT tcs_basis_points integer, OUT tcs numeric, OUT tds_basis_points integer, OUT tds numeric); Type: ACL; Schema: app; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app.withholding(p_consultant_id uuid, p_payment_id uuid, p_amount numeric, p_commission_total numeric, p_at timestamp with time zone, OUT tcs_basis_points integer, OUT tcs numeric, OUT tds_basis_points integer, OUT tds numeric) FROM PUBLIC;
GRANT ALL ON FUNCTION app.withholding(p_consultant_id uuid, p_payment_id uuid, p_amount numeric, p_commission_total numeric, p_at timestamp with time zone, OUT tcs_basis_points integer, OUT tcs numeric, OUT tds_basis_points integer, OUT tds numeric) TO nakksha_worker;


--
-- Name: FUNCTION abandon_expired_holds(p_consultant_id uuid); Type: ACL; Schema: app_private; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app_private.abandon_expired_holds(p_consultant_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION app_private.abandon_expired_holds(p_consultant_id uuid) TO nakksha_worker;


--
-- Name: FUNCTION account_key(p_account text); Type: ACL; Schema: app_private; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app_private.account_key(p_account text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_private.account_key(p_account text) TO nakksha_worker;


--
-- Name: FUNCTION acting_admin(p_acting_admin_email text); Type: ACL; Schema: app_private; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app_private.acting_admin(p_acting_admin_email text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_private.acting_admin(p_acting_admin_email text) TO nakksha_worker;


--
-- Name: FUNCTION audit(p_admin_id uuid, p_action text, p_target_type text, p_target_id uuid, p_details jsonb); Type: ACL; Schema: app_private; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app_private.audit(p_admin_id uuid, p_action text, p_target_type text, p_target_id uuid, p_details jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION app_private.audit(p_admin_id uuid, p_action text, p_target_type text, p_target_id uuid, p_details jsonb) TO nakksha_worker;


--
-- Name: COLUMN consultants.id; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT SELECT(id) ON TABLE app.consultants TO nakksha_app;
GRANT SELECT(id) ON TABLE app.consultants TO nakksha_admin;
GRANT SELECT(id) ON TABLE app.consultants TO nakksha_worker;
GRANT SELECT(id) ON TABLE app.consultants TO nakksha_app_admin;


--
-- Name: COLUMN consultants.email; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT SELECT(email) ON TABLE app.consultants TO nakksha_app;
GRANT SELECT(email) ON TABLE app.consultants TO nakksha_admin;
GRANT SELECT(email) ON TABLE app.consultants TO nakksha_worker;
GRANT SELECT(email) ON TABLE app.consultants TO nakksha_app_admin;


--
-- Name: COLUMN consultants.first_name; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT SELECT(first_name),UPDATE(first_name) ON TABLE app.consultants TO nakksha_app;
GRANT SELECT(first_name) ON TABLE app.consultants TO nakksha_admin;
GRANT SELECT(first_name) ON TABLE app.consultants TO nakksha_worker;
GRANT SELECT(first_name),UPDATE(first_name) ON TABLE app.consultants TO nakksha_app_admin;


--
-- Name: COLUMN consultants.last_name; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT SELECT(last_name),UPDATE(last_name) ON TABLE app.consultants TO nakksha_app;
GRANT SELECT(last_name) ON TABLE app.consultants TO nakksha_admin;
GRANT SELECT(last_name) ON TABLE app.consultants TO nakksha_worker;
GRANT SELECT(last_name),UPDATE(last_name) ON TABLE app.consultants TO nakksha_app_admin;


--
-- Name: COLUMN consultants.phone_country_code; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT SELECT(phone_country_code),UPDATE(phone_country_code) ON TABLE app.consultants TO nakksha_app;
GRANT SELECT(phone_country_code) ON TABLE app.consultants TO nakksha_admin;
GRANT SELECT(phone_country_code) ON TABLE app.consultants TO nakksha_worker;
GRANT SELECT(phone_country_code),UPDATE(phone_country_code) ON TABLE app.consultants TO nakksha_app_admin;


--
-- Name: COLUMN consultants.phone_number; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT SELECT(phone_number),UPDATE(phone_number) ON TABLE app.consultants TO nakksha_app;
GRANT SELECT(phone_number) ON TABLE app.consultants TO nakksha_admin;
GRANT SELECT(phone_number) ON TABLE app.consultants TO nakksha_worker;
GRANT SELECT(phone_number),UPDATE(phone_number) ON TABLE app.consultants TO nakksha_app_admin;


--
-- Name: COLUMN consultants.consultancy_sector; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT SELECT(consultancy_sector),UPDATE(consultancy_sector) ON TABLE app.consultants TO nakksha_app;
GRANT SELECT(consultancy_sector) ON TABLE app.consultants TO nakksha_admin;
GRANT SELECT(consultancy_sector) ON TABLE app.consultants TO nakksha_worker;
GRANT SELECT(consultancy_sector),UPDATE(consultancy_sector) ON TABLE app.consultants TO nakksha_app_admin;


--
-- Name: COLUMN consultants.bank_name; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT SELECT(bank_name),UPDATE(bank_name) ON TABLE app.consultants TO nakksha_app;
GRANT SELECT(bank_name) ON TABLE app.consultants TO nakksha_worker;
GRANT SELECT(bank_name),UPDATE(bank_name) ON TABLE app.consultants TO nakksha_app_admin;


--
-- Name: COLUMN consultants.bank_account_number_encrypted; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT SELECT(bank_account_number_encrypted),UPDATE(bank_account_number_encrypted) ON TABLE app.consultants TO nakksha_app;
GRANT SELECT(bank_account_number_encrypted),UPDATE(bank_account_number_encrypted) ON TABLE app.consultants TO nakksha_app_admin;


--
-- Name: COLUMN consultants.ifsc_code_encrypted; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT SELECT(ifsc_code_encrypted),UPDATE(ifsc_code_encrypted) ON TABLE app.consultants TO nakksha_app;
GRANT SELECT(ifsc_code_encrypted),UPDATE(ifsc_code_encrypted) ON TABLE app.consultants TO nakksha_app_admin;


--
-- Name: COLUMN consultants.personal_session_title; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT SELECT(personal_session_title),UPDATE(personal_session_title) ON TABLE app.consultants TO nakksha_app;
GRANT SELECT(personal_session_title) ON TABLE app.consultants TO nakksha_admin;
GRANT SELECT(personal_session_title) ON TABLE app.consultants TO nakksha_worker;
GRANT SELECT(personal_session_title),UPDATE(personal_session_title) ON TABLE app.consultants TO nakksha_app_admin;


--
-- Name: COLUMN consultants.webinar_session_title; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT SELECT(webinar_session_title),UPDATE(webinar_session_title) ON TABLE app.consultants TO nakksha_app;
GRANT SELECT(webinar_session_title) ON TABLE app.consultants TO nakksha_admin;
GRANT SELECT(webinar_session_title) ON TABLE app.consultants TO nakksha_worker;
GRANT SELECT(webinar_session_title),UPDATE(webinar_session_title) ON TABLE app.consultants TO nakksha_app_admin;


--
-- Name: COLUMN consultants.description; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT SELECT(description),UPDATE(description) ON TABLE app.consultants TO nakksha_app;
GRANT SELECT(description) ON TABLE app.consultants TO nakksha_admin;
GRANT SELECT(description) ON TABLE app.consultants TO nakksha_worker;
GRANT SELECT(description),UPDATE(description) ON TABLE app.consultants TO nakksha_app_admin;


--
-- Name: COLUMN consultants.experience_months; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT SELECT(experience_months),UPDATE(experience_months) ON TABLE app.consultants TO nakksha_app;
GRANT SELECT(experience_months) ON TABLE app.consultants TO nakksha_admin;
GRANT SELECT(experience_months) ON TABLE app.consultants TO nakksha_worker;
GRANT SELECT(experience_months),UPDATE(experience_months) ON TABLE app.consultants TO nakksha_app_admin;


--
-- Name: COLUMN consultants.personal_session_price; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT SELECT(personal_session_price),UPDATE(personal_session_price) ON TABLE app.consultants TO nakksha_app;
GRANT SELECT(personal_session_price) ON TABLE app.consultants TO nakksha_admin;
GRANT SELECT(personal_session_price) ON TABLE app.consultants TO nakksha_worker;
GRANT SELECT(personal_session_price),UPDATE(personal_session_price) ON TABLE app.consultants TO nakksha_app_admin;


--
-- Name: COLUMN consultants.webinar_session_price; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT SELECT(webinar_session_price),UPDATE(webinar_session_price) ON TABLE app.consultants TO nakksha_app;
GRANT SELECT(webinar_session_price) ON TABLE app.consultants TO nakksha_admin;
GRANT SELECT(webinar_session_price) ON TABLE app.consultants TO nakksha_worker;
GRANT SELECT(webinar_session_price),UPDATE(webinar_session_price) ON TABLE app.consultants TO nakksha_app_admin;


--
-- Name: COLUMN consultants.currency; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT SELECT(currency) ON TABLE app.consultants TO nakksha_app;
GRANT SELECT(currency) ON TABLE app.consultants TO nakksha_admin;
GRANT SELECT(currency) ON TABLE app.consultants TO nakksha_worker;
GRANT SELECT(currency) ON TABLE app.consultants TO nakksha_app_admin;


--
-- Name: COLUMN consultants.instagram_url; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT SELECT(instagram_url),UPDATE(instagram_url) ON TABLE app.consultants TO nakksha_app;
GRANT SELECT(instagram_url) ON TABLE app.consultants TO nakksha_admin;
GRANT SELECT(instagram_url) ON TABLE app.consultants TO nakksha_worker;
GRANT SELECT(instagram_url),UPDATE(instagram_url) ON TABLE app.consultants TO nakksha_app_admin;


--
-- Name: COLUMN consultants.linkedin_url; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT SELECT(linkedin_url),UPDATE(linkedin_url) ON TABLE app.consultants TO nakksha_app;
GRANT SELECT(linkedin_url) ON TABLE app.consultants TO nakksha_admin;
GRANT SELECT(linkedin_url) ON TABLE app.consultants TO nakksha_worker;
GRANT SELECT(linkedin_url),UPDATE(linkedin_url) ON TABLE app.consultants TO nakksha_app_admin;


--
-- Name: COLUMN consultants.twitter_url; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT SELECT(twitter_url),UPDATE(twitter_url) ON TABLE app.consultants TO nakksha_app;
GRANT SELECT(twitter_url) ON TABLE app.consultants TO nakksha_admin;
GRANT SELECT(twitter_url) ON TABLE app.consultants TO nakksha_worker;
GRANT SELECT(twitter_url),UPDATE(twitter_url) ON TABLE app.consultants TO nakksha_app_admin;


--
-- Name: COLUMN consultants.profile_photo_url; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT SELECT(profile_photo_url),UPDATE(profile_photo_url) ON TABLE app.consultants TO nakksha_app;
GRANT SELECT(profile_photo_url) ON TABLE app.consultants TO nakksha_admin;
GRANT SELECT(profile_photo_url) ON TABLE app.consultants TO nakksha_worker;
GRANT SELECT(profile_photo_url),UPDATE(profile_photo_url) ON TABLE app.consultants TO nakksha_app_admin;


--
-- Name: COLUMN consultants.slug; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT SELECT(slug) ON TABLE app.consultants TO nakksha_app;
GRANT SELECT(slug) ON TABLE app.consultants TO nakksha_admin;
GRANT SELECT(slug) ON TABLE app.consultants TO nakksha_worker;
GRANT SELECT(slug) ON TABLE app.consultants TO nakksha_app_admin;


--
-- Name: COLUMN consultants.timezone; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT SELECT(timezone),UPDATE(timezone) ON TABLE app.consultants TO nakksha_app;
GRANT SELECT(timezone) ON TABLE app.consultants TO nakksha_admin;
GRANT SELECT(timezone) ON TABLE app.consultants TO nakksha_worker;
GRANT SELECT(timezone),UPDATE(timezone) ON TABLE app.consultants TO nakksha_app_admin;


--
-- Name: COLUMN consultants.is_active; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT SELECT(is_active) ON TABLE app.consultants TO nakksha_app;
GRANT SELECT(is_active) ON TABLE app.consultants TO nakksha_admin;
GRANT SELECT(is_active) ON TABLE app.consultants TO nakksha_worker;
GRANT SELECT(is_active) ON TABLE app.consultants TO nakksha_app_admin;


--
-- Name: COLUMN consultants.is_email_verified; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT SELECT(is_email_verified) ON TABLE app.consultants TO nakksha_app;
GRANT SELECT(is_email_verified) ON TABLE app.consultants TO nakksha_admin;
GRANT SELECT(is_email_verified) ON TABLE app.consultants TO nakksha_worker;
GRANT SELECT(is_email_verified) ON TABLE app.consultants TO nakksha_app_admin;


--
-- Name: COLUMN consultants.email_verified_at; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT SELECT(email_verified_at) ON TABLE app.consultants TO nakksha_app;
GRANT SELECT(email_verified_at) ON TABLE app.consultants TO nakksha_admin;
GRANT SELECT(email_verified_at) ON TABLE app.consultants TO nakksha_worker;
GRANT SELECT(email_verified_at) ON TABLE app.consultants TO nakksha_app_admin;


--
-- Name: COLUMN consultants.subscription_plan; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT SELECT(subscription_plan) ON TABLE app.consultants TO nakksha_app;
GRANT SELECT(subscription_plan) ON TABLE app.consultants TO nakksha_admin;
GRANT SELECT(subscription_plan) ON TABLE app.consultants TO nakksha_worker;
GRANT SELECT(subscription_plan) ON TABLE app.consultants TO nakksha_app_admin;


--
-- Name: COLUMN consultants.subscription_expires_at; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT SELECT(subscription_expires_at) ON TABLE app.consultants TO nakksha_app;
GRANT SELECT(subscription_expires_at) ON TABLE app.consultants TO nakksha_admin;
GRANT SELECT(subscription_expires_at) ON TABLE app.consultants TO nakksha_worker;
GRANT SELECT(subscription_expires_at) ON TABLE app.consultants TO nakksha_app_admin;


--
-- Name: COLUMN consultants.approval_status; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT SELECT(approval_status) ON TABLE app.consultants TO nakksha_app;
GRANT SELECT(approval_status) ON TABLE app.consultants TO nakksha_admin;
GRANT SELECT(approval_status) ON TABLE app.consultants TO nakksha_worker;
GRANT SELECT(approval_status) ON TABLE app.consultants TO nakksha_app_admin;


--
-- Name: COLUMN consultants.approved_at; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT SELECT(approved_at) ON TABLE app.consultants TO nakksha_app;
GRANT SELECT(approved_at) ON TABLE app.consultants TO nakksha_admin;
GRANT SELECT(approved_at) ON TABLE app.consultants TO nakksha_worker;
GRANT SELECT(approved_at) ON TABLE app.consultants TO nakksha_app_admin;


--
-- Name: COLUMN consultants.approved_by; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT SELECT(approved_by) ON TABLE app.consultants TO nakksha_app;
GRANT SELECT(approved_by) ON TABLE app.consultants TO nakksha_admin;
GRANT SELECT(approved_by) ON TABLE app.consultants TO nakksha_worker;
GRANT SELECT(approved_by) ON TABLE app.consultants TO nakksha_app_admin;


--
-- Name: COLUMN consultants.rejection_reason; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT SELECT(rejection_reason) ON TABLE app.consultants TO nakksha_app;
GRANT SELECT(rejection_reason) ON TABLE app.consultants TO nakksha_admin;
GRANT SELECT(rejection_reason) ON TABLE app.consultants TO nakksha_worker;
GRANT SELECT(rejection_reason) ON TABLE app.consultants TO nakksha_app_admin;


--
-- Name: COLUMN consultants.min_notice_minutes; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT SELECT(min_notice_minutes),UPDATE(min_notice_minutes) ON TABLE app.consultants TO nakksha_app;
GRANT SELECT(min_notice_minutes) ON TABLE app.consultants TO nakksha_admin;
GRANT SELECT(min_notice_minutes) ON TABLE app.consultants TO nakksha_worker;
GRANT SELECT(min_notice_minutes),UPDATE(min_notice_minutes) ON TABLE app.consultants TO nakksha_app_admin;


--
-- Name: COLUMN consultants.max_days_ahead; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT SELECT(max_days_ahead),UPDATE(max_days_ahead) ON TABLE app.consultants TO nakksha_app;
GRANT SELECT(max_days_ahead) ON TABLE app.consultants TO nakksha_admin;
GRANT SELECT(max_days_ahead) ON TABLE app.consultants TO nakksha_worker;
GRANT SELECT(max_days_ahead),UPDATE(max_days_ahead) ON TABLE app.consultants TO nakksha_app_admin;


--
-- Name: COLUMN consultants.buffer_minutes; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT SELECT(buffer_minutes),UPDATE(buffer_minutes) ON TABLE app.consultants TO nakksha_app;
GRANT SELECT(buffer_minutes) ON TABLE app.consultants TO nakksha_admin;
GRANT SELECT(buffer_minutes) ON TABLE app.consultants TO nakksha_worker;
GRANT SELECT(buffer_minutes),UPDATE(buffer_minutes) ON TABLE app.consultants TO nakksha_app_admin;


--
-- Name: COLUMN consultants.hold_minutes; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT SELECT(hold_minutes) ON TABLE app.consultants TO nakksha_app;
GRANT SELECT(hold_minutes) ON TABLE app.consultants TO nakksha_admin;
GRANT SELECT(hold_minutes) ON TABLE app.consultants TO nakksha_worker;
GRANT SELECT(hold_minutes) ON TABLE app.consultants TO nakksha_app_admin;


--
-- Name: COLUMN consultants.cancellation_policy; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT SELECT(cancellation_policy),UPDATE(cancellation_policy) ON TABLE app.consultants TO nakksha_app;
GRANT SELECT(cancellation_policy) ON TABLE app.consultants TO nakksha_admin;
GRANT SELECT(cancellation_policy) ON TABLE app.consultants TO nakksha_worker;
GRANT SELECT(cancellation_policy),UPDATE(cancellation_policy) ON TABLE app.consultants TO nakksha_app_admin;


--
-- Name: COLUMN consultants.default_meeting_platform; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT SELECT(default_meeting_platform),UPDATE(default_meeting_platform) ON TABLE app.consultants TO nakksha_app;
GRANT SELECT(default_meeting_platform) ON TABLE app.consultants TO nakksha_admin;
GRANT SELECT(default_meeting_platform) ON TABLE app.consultants TO nakksha_worker;
GRANT SELECT(default_meeting_platform),UPDATE(default_meeting_platform) ON TABLE app.consultants TO nakksha_app_admin;


--
-- Name: COLUMN consultants.zoom_link; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT SELECT(zoom_link),UPDATE(zoom_link) ON TABLE app.consultants TO nakksha_app;
GRANT SELECT(zoom_link) ON TABLE app.consultants TO nakksha_admin;
GRANT SELECT(zoom_link) ON TABLE app.consultants TO nakksha_worker;
GRANT SELECT(zoom_link),UPDATE(zoom_link) ON TABLE app.consultants TO nakksha_app_admin;


--
-- Name: COLUMN consultants.meet_link; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT SELECT(meet_link),UPDATE(meet_link) ON TABLE app.consultants TO nakksha_app;
GRANT SELECT(meet_link) ON TABLE app.consultants TO nakksha_admin;
GRANT SELECT(meet_link) ON TABLE app.consultants TO nakksha_worker;
GRANT SELECT(meet_link),UPDATE(meet_link) ON TABLE app.consultants TO nakksha_app_admin;


--
-- Name: COLUMN consultants.teams_link; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT SELECT(teams_link),UPDATE(teams_link) ON TABLE app.consultants TO nakksha_app;
GRANT SELECT(teams_link) ON TABLE app.consultants TO nakksha_admin;
GRANT SELECT(teams_link) ON TABLE app.consultants TO nakksha_worker;
GRANT SELECT(teams_link),UPDATE(teams_link) ON TABLE app.consultants TO nakksha_app_admin;


--
-- Name: COLUMN consultants.notification_preferences; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT SELECT(notification_preferences),UPDATE(notification_preferences) ON TABLE app.consultants TO nakksha_app;
GRANT SELECT(notification_preferences) ON TABLE app.consultants TO nakksha_admin;
GRANT SELECT(notification_preferences) ON TABLE app.consultants TO nakksha_worker;
GRANT SELECT(notification_preferences),UPDATE(notification_preferences) ON TABLE app.consultants TO nakksha_app_admin;


--
-- Name: COLUMN consultants.last_login_at; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT SELECT(last_login_at) ON TABLE app.consultants TO nakksha_app;
GRANT SELECT(last_login_at) ON TABLE app.consultants TO nakksha_admin;
GRANT SELECT(last_login_at) ON TABLE app.consultants TO nakksha_worker;
GRANT SELECT(last_login_at) ON TABLE app.consultants TO nakksha_app_admin;


--
-- Name: COLUMN consultants.deleted_at; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT SELECT(deleted_at) ON TABLE app.consultants TO nakksha_app;
GRANT SELECT(deleted_at) ON TABLE app.consultants TO nakksha_admin;
GRANT SELECT(deleted_at) ON TABLE app.consultants TO nakksha_worker;
GRANT SELECT(deleted_at) ON TABLE app.consultants TO nakksha_app_admin;


--
-- Name: COLUMN consultants.created_at; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT SELECT(created_at) ON TABLE app.consultants TO nakksha_app;
GRANT SELECT(created_at) ON TABLE app.consultants TO nakksha_admin;
GRANT SELECT(created_at) ON TABLE app.consultants TO nakksha_worker;
GRANT SELECT(created_at) ON TABLE app.consultants TO nakksha_app_admin;


--
-- Name: COLUMN consultants.updated_at; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT SELECT(updated_at) ON TABLE app.consultants TO nakksha_app;
GRANT SELECT(updated_at) ON TABLE app.consultants TO nakksha_admin;
GRANT SELECT(updated_at) ON TABLE app.consultants TO nakksha_worker;
GRANT SELECT(updated_at) ON TABLE app.consultants TO nakksha_app_admin;


--
-- Name: COLUMN consultants.published_at; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT SELECT(published_at),UPDATE(published_at) ON TABLE app.consultants TO nakksha_app;
GRANT SELECT(published_at) ON TABLE app.consultants TO nakksha_admin;
GRANT SELECT(published_at) ON TABLE app.consultants TO nakksha_worker;
GRANT SELECT(published_at),UPDATE(published_at) ON TABLE app.consultants TO nakksha_app_admin;


--
-- Name: FUNCTION bookable_slot(p_c app.consultants, p_slot_id uuid, p_session_type text, p_lock boolean); Type: ACL; Schema: app_private; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app_private.bookable_slot(p_c app.consultants, p_slot_id uuid, p_session_type text, p_lock boolean) FROM PUBLIC;
GRANT ALL ON FUNCTION app_private.bookable_slot(p_c app.consultants, p_slot_id uuid, p_session_type text, p_lock boolean) TO nakksha_worker;


--
-- Name: FUNCTION booking_json(p_s app.sessions); Type: ACL; Schema: app_private; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app_private.booking_json(p_s app.sessions) FROM PUBLIC;
GRANT ALL ON FUNCTION app_private.booking_json(p_s app.sessions) TO nakksha_worker;


--
-- Name: FUNCTION calendar_event_key(p_s app.sessions); Type: ACL; Schema: app_private; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app_private.calendar_event_key(p_s app.sessions) FROM PUBLIC;
GRANT ALL ON FUNCTION app_private.calendar_event_key(p_s app.sessions) TO nakksha_worker;


--
-- Name: FUNCTION caller_consultant(); Type: ACL; Schema: app_private; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app_private.caller_consultant() FROM PUBLIC;
GRANT ALL ON FUNCTION app_private.caller_consultant() TO nakksha_worker;


--
-- Name: FUNCTION caller_session(p_session_id uuid); Type: ACL; Schema: app_private; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app_private.caller_session(p_session_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION app_private.caller_session(p_session_id uuid) TO nakksha_worker;


--
-- Name: FUNCTION cancel_for_client(p_s app.sessions, p_by text, p_reason text, p_default_reason text, p_refund_initiated_by text); Type: ACL; Schema: app_private; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app_private.cancel_for_client(p_s app.sessions, p_by text, p_reason text, p_default_reason text, p_refund_initiated_by text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_private.cancel_for_client(p_s app.sessions, p_by text, p_reason text, p_default_reason text, p_refund_initiated_by text) TO nakksha_worker;


--
-- Name: FUNCTION cancel_queued_jobs(p_queueing_lock text); Type: ACL; Schema: app_private; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app_private.cancel_queued_jobs(p_queueing_lock text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_private.cancel_queued_jobs(p_queueing_lock text) TO nakksha_worker;


--
-- Name: FUNCTION cancellation_refund_due(p_s app.sessions, p_percent integer); Type: ACL; Schema: app_private; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app_private.cancellation_refund_due(p_s app.sessions, p_percent integer) FROM PUBLIC;
GRANT ALL ON FUNCTION app_private.cancellation_refund_due(p_s app.sessions, p_percent integer) TO nakksha_worker;


--
-- Name: FUNCTION check_booking_limits(p_c app.consultants, p_email text, p_ip_hash bytea, p_free boolean); Type: ACL; Schema: app_private; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app_private.check_booking_limits(p_c app.consultants, p_email text, p_ip_hash bytea, p_free boolean) FROM PUBLIC;
GRANT ALL ON FUNCTION app_private.check_booking_limits(p_c app.consultants, p_email text, p_ip_hash bytea, p_free boolean) TO nakksha_worker;


--
-- Name: FUNCTION check_session_start(p_starts_at timestamp with time zone); Type: ACL; Schema: app_private; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app_private.check_session_start(p_starts_at timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION app_private.check_session_start(p_starts_at timestamp with time zone) TO nakksha_worker;


--
-- Name: FUNCTION check_setting(p_key text, p_value jsonb); Type: ACL; Schema: app_private; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app_private.check_setting(p_key text, p_value jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION app_private.check_setting(p_key text, p_value jsonb) TO nakksha_worker;


--
-- Name: FUNCTION check_slot_budget(p_consultant_id uuid, p_field text); Type: ACL; Schema: app_private; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app_private.check_slot_budget(p_consultant_id uuid, p_field text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_private.check_slot_budget(p_consultant_id uuid, p_field text) TO nakksha_worker;


--
-- Name: FUNCTION check_unpaid_holds(p_c app.consultants, p_email text, p_ip_hash bytea); Type: ACL; Schema: app_private; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app_private.check_unpaid_holds(p_c app.consultants, p_email text, p_ip_hash bytea) FROM PUBLIC;
GRANT ALL ON FUNCTION app_private.check_unpaid_holds(p_c app.consultants, p_email text, p_ip_hash bytea) TO nakksha_worker;


--
-- Name: FUNCTION claim_idempotency_key(p_consultant_id uuid, p_scope text, p_key text, p_request_sha256 bytea); Type: ACL; Schema: app_private; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app_private.claim_idempotency_key(p_consultant_id uuid, p_scope text, p_key text, p_request_sha256 bytea) FROM PUBLIC;
GRANT ALL ON FUNCTION app_private.claim_idempotency_key(p_consultant_id uuid, p_scope text, p_key text, p_request_sha256 bytea) TO nakksha_worker;


--
-- Name: FUNCTION client_linked_tables(); Type: ACL; Schema: app_private; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app_private.client_linked_tables() FROM PUBLIC;
GRANT ALL ON FUNCTION app_private.client_linked_tables() TO nakksha_worker;


--
-- Name: FUNCTION confirm_payment(p_gateway text, p_order_id text, p_payment_id text, p_amount_paise bigint, p_method text, p_source text); Type: ACL; Schema: app_private; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app_private.confirm_payment(p_gateway text, p_order_id text, p_payment_id text, p_amount_paise bigint, p_method text, p_source text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_private.confirm_payment(p_gateway text, p_order_id text, p_payment_id text, p_amount_paise bigint, p_method text, p_source text) TO nakksha_worker;


--
-- Name: FUNCTION count_hit(p_bucket text, p_limit integer, p_window_seconds integer); Type: ACL; Schema: app_private; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app_private.count_hit(p_bucket text, p_limit integer, p_window_seconds integer) FROM PUBLIC;
GRANT ALL ON FUNCTION app_private.count_hit(p_bucket text, p_limit integer, p_window_seconds integer) TO nakksha_worker;


--
-- Name: FUNCTION count_recipient_mail(p_email text); Type: ACL; Schema: app_private; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app_private.count_recipient_mail(p_email text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_private.count_recipient_mail(p_email text) TO nakksha_worker;


--
-- Name: FUNCTION counter_wait(p_bucket text, p_setting text, p_window_seconds integer); Type: ACL; Schema: app_private; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app_private.counter_wait(p_bucket text, p_setting text, p_window_seconds integer) FROM PUBLIC;
GRANT ALL ON FUNCTION app_private.counter_wait(p_bucket text, p_setting text, p_window_seconds integer) TO nakksha_worker;


--
-- Name: TABLE payment_refunds; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT SELECT ON TABLE app.payment_refunds TO nakksha_app;
GRANT SELECT ON TABLE app.payment_refunds TO nakksha_worker;
GRANT SELECT ON TABLE app.payment_refunds TO nakksha_app_admin;


--
-- Name: COLUMN payment_refunds.status; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT UPDATE(status) ON TABLE app.payment_refunds TO nakksha_worker;


--
-- Name: COLUMN payment_refunds.gateway_refund_id; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT UPDATE(gateway_refund_id) ON TABLE app.payment_refunds TO nakksha_worker;


--
-- Name: COLUMN payment_refunds.failure_reason; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT UPDATE(failure_reason) ON TABLE app.payment_refunds TO nakksha_worker;


--
-- Name: COLUMN payment_refunds.updated_at; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT UPDATE(updated_at) ON TABLE app.payment_refunds TO nakksha_worker;


--
-- Name: FUNCTION create_refund(p_transaction_id uuid, p_amount numeric, p_reason text, p_initiated_by text); Type: ACL; Schema: app_private; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app_private.create_refund(p_transaction_id uuid, p_amount numeric, p_reason text, p_initiated_by text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_private.create_refund(p_transaction_id uuid, p_amount numeric, p_reason text, p_initiated_by text) TO nakksha_worker;


--
-- Name: FUNCTION defer_job(p_task_name text, p_args jsonb, p_queue text, p_scheduled_at timestamp with time zone, p_queueing_lock text, p_lock text); Type: ACL; Schema: app_private; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app_private.defer_job(p_task_name text, p_args jsonb, p_queue text, p_scheduled_at timestamp with time zone, p_queueing_lock text, p_lock text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_private.defer_job(p_task_name text, p_args jsonb, p_queue text, p_scheduled_at timestamp with time zone, p_queueing_lock text, p_lock text) TO nakksha_worker;


--
-- Name: FUNCTION desired_slots(p_consultant_id uuid, p_from date, p_to date); Type: ACL; Schema: app_private; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app_private.desired_slots(p_consultant_id uuid, p_from date, p_to date) FROM PUBLIC;
GRANT ALL ON FUNCTION app_private.desired_slots(p_consultant_id uuid, p_from date, p_to date) TO nakksha_worker;


--
-- Name: FUNCTION erase_client_traces(p_consultant uuid, p_client app.clients, p_anon_email text, p_phones text[]); Type: ACL; Schema: app_private; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app_private.erase_client_traces(p_consultant uuid, p_client app.clients, p_anon_email text, p_phones text[]) FROM PUBLIC;
GRANT ALL ON FUNCTION app_private.erase_client_traces(p_consultant uuid, p_client app.clients, p_anon_email text, p_phones text[]) TO nakksha_worker;


--
-- Name: FUNCTION expired_holds(p_slot_id uuid); Type: ACL; Schema: app_private; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app_private.expired_holds(p_slot_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION app_private.expired_holds(p_slot_id uuid) TO nakksha_worker;


--
-- Name: FUNCTION free_slots(p_c app.consultants, p_session_type text, p_from timestamp with time zone, p_to timestamp with time zone, p_limit integer, p_ignore_session uuid); Type: ACL; Schema: app_private; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app_private.free_slots(p_c app.consultants, p_session_type text, p_from timestamp with time zone, p_to timestamp with time zone, p_limit integer, p_ignore_session uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION app_private.free_slots(p_c app.consultants, p_session_type text, p_from timestamp with time zone, p_to timestamp with time zone, p_limit integer, p_ignore_session uuid) TO nakksha_worker;


--
-- Name: FUNCTION hold_minutes(p_c app.consultants); Type: ACL; Schema: app_private; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app_private.hold_minutes(p_c app.consultants) FROM PUBLIC;
GRANT ALL ON FUNCTION app_private.hold_minutes(p_c app.consultants) TO nakksha_worker;


--
-- Name: TABLE idempotency_keys; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT SELECT,DELETE ON TABLE app.idempotency_keys TO nakksha_worker;


--
-- Name: FUNCTION idempotent_replay(p_k app.idempotency_keys, p_request_sha256 bytea); Type: ACL; Schema: app_private; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app_private.idempotent_replay(p_k app.idempotency_keys, p_request_sha256 bytea) FROM PUBLIC;
GRANT ALL ON FUNCTION app_private.idempotent_replay(p_k app.idempotency_keys, p_request_sha256 bytea) TO nakksha_worker;


--
-- Name: FUNCTION known_sign_in_address(p_kind text, p_account text, p_ip text); Type: ACL; Schema: app_private; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app_private.known_sign_in_address(p_kind text, p_account text, p_ip text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_private.known_sign_in_address(p_kind text, p_account text, p_ip text) TO nakksha_worker;


--
-- Name: FUNCTION lock_consultant_slots(p_consultant_id uuid); Type: ACL; Schema: app_private; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app_private.lock_consultant_slots(p_consultant_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION app_private.lock_consultant_slots(p_consultant_id uuid) TO nakksha_worker;


--
-- Name: FUNCTION manage_view(p_s app.sessions); Type: ACL; Schema: app_private; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app_private.manage_view(p_s app.sessions) FROM PUBLIC;
GRANT ALL ON FUNCTION app_private.manage_view(p_s app.sessions) TO nakksha_worker;


--
-- Name: FUNCTION managed_session(p_token_hash bytea); Type: ACL; Schema: app_private; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app_private.managed_session(p_token_hash bytea) FROM PUBLIC;
GRANT ALL ON FUNCTION app_private.managed_session(p_token_hash bytea) TO nakksha_worker;


--
-- Name: FUNCTION meeting_provider(p_platform text); Type: ACL; Schema: app_private; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app_private.meeting_provider(p_platform text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_private.meeting_provider(p_platform text) TO nakksha_worker;


--
-- Name: FUNCTION meeting_wait(p_s app.sessions); Type: ACL; Schema: app_private; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app_private.meeting_wait(p_s app.sessions) FROM PUBLIC;
GRANT ALL ON FUNCTION app_private.meeting_wait(p_s app.sessions) TO nakksha_worker;


--
-- Name: FUNCTION notify_consultant_of_quotation(p_q app.quotations, p_email_type text); Type: ACL; Schema: app_private; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app_private.notify_consultant_of_quotation(p_q app.quotations, p_email_type text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_private.notify_consultant_of_quotation(p_q app.quotations, p_email_type text) TO nakksha_worker;


--
-- Name: FUNCTION offered_minutes(p_c app.consultants, p_session_type text); Type: ACL; Schema: app_private; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app_private.offered_minutes(p_c app.consultants, p_session_type text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_private.offered_minutes(p_c app.consultants, p_session_type text) TO nakksha_worker;


--
-- Name: FUNCTION prepare_meeting(p_s app.sessions); Type: ACL; Schema: app_private; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app_private.prepare_meeting(p_s app.sessions) FROM PUBLIC;
GRANT ALL ON FUNCTION app_private.prepare_meeting(p_s app.sessions) TO nakksha_worker;


--
-- Name: FUNCTION public_quotation_json(p_q app.quotations); Type: ACL; Schema: app_private; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app_private.public_quotation_json(p_q app.quotations) FROM PUBLIC;
GRANT ALL ON FUNCTION app_private.public_quotation_json(p_q app.quotations) TO nakksha_worker;


--
-- Name: FUNCTION public_quotation_row(p_token_hash bytea, p_lock boolean); Type: ACL; Schema: app_private; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app_private.public_quotation_row(p_token_hash bytea, p_lock boolean) FROM PUBLIC;
GRANT ALL ON FUNCTION app_private.public_quotation_row(p_token_hash bytea, p_lock boolean) TO nakksha_worker;


--
-- Name: FUNCTION published_consultant(p_slug text); Type: ACL; Schema: app_private; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app_private.published_consultant(p_slug text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_private.published_consultant(p_slug text) TO nakksha_worker;


--
-- Name: FUNCTION queue_calendar_sync(p_s app.sessions); Type: ACL; Schema: app_private; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app_private.queue_calendar_sync(p_s app.sessions) FROM PUBLIC;
GRANT ALL ON FUNCTION app_private.queue_calendar_sync(p_s app.sessions) TO nakksha_worker;


--
-- Name: FUNCTION queue_calendar_sync_key(p_key text); Type: ACL; Schema: app_private; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app_private.queue_calendar_sync_key(p_key text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_private.queue_calendar_sync_key(p_key text) TO nakksha_worker;


--
-- Name: FUNCTION queue_email(p_email_type text, p_recipient_email text, p_recipient_name text, p_template_data jsonb, p_consultant_id uuid, p_admin_id uuid, p_client_id uuid, p_session_id uuid, p_quotation_id uuid, p_scheduled_at timestamp with time zone); Type: ACL; Schema: app_private; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app_private.queue_email(p_email_type text, p_recipient_email text, p_recipient_name text, p_template_data jsonb, p_consultant_id uuid, p_admin_id uuid, p_client_id uuid, p_session_id uuid, p_quotation_id uuid, p_scheduled_at timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION app_private.queue_email(p_email_type text, p_recipient_email text, p_recipient_name text, p_template_data jsonb, p_consultant_id uuid, p_admin_id uuid, p_client_id uuid, p_session_id uuid, p_quotation_id uuid, p_scheduled_at timestamp with time zone) TO nakksha_worker;


--
-- Name: FUNCTION queue_session_emails(p_s app.sessions, p_event text, p_extra jsonb); Type: ACL; Schema: app_private; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app_private.queue_session_emails(p_s app.sessions, p_event text, p_extra jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION app_private.queue_session_emails(p_s app.sessions, p_event text, p_extra jsonb) TO nakksha_worker;


--
-- Name: FUNCTION quotation_mail_data(p_q app.quotations); Type: ACL; Schema: app_private; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app_private.quotation_mail_data(p_q app.quotations) FROM PUBLIC;
GRANT ALL ON FUNCTION app_private.quotation_mail_data(p_q app.quotations) TO nakksha_worker;


--
-- Name: FUNCTION recipient_mail_bucket(p_email text); Type: ACL; Schema: app_private; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app_private.recipient_mail_bucket(p_email text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_private.recipient_mail_bucket(p_email text) TO nakksha_worker;


--
-- Name: FUNCTION recompute_daily_analytics(p_consultant_id uuid, p_day date); Type: ACL; Schema: app_private; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app_private.recompute_daily_analytics(p_consultant_id uuid, p_day date) FROM PUBLIC;
GRANT ALL ON FUNCTION app_private.recompute_daily_analytics(p_consultant_id uuid, p_day date) TO nakksha_worker;


--
-- Name: FUNCTION record_payment_failure(p_gateway text, p_order_id text, p_payment_id text, p_reason text); Type: ACL; Schema: app_private; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app_private.record_payment_failure(p_gateway text, p_order_id text, p_payment_id text, p_reason text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_private.record_payment_failure(p_gateway text, p_order_id text, p_payment_id text, p_reason text) TO nakksha_worker;


--
-- Name: FUNCTION redact_jsonb(p_value jsonb, p_patterns text[], p_replacements text[]); Type: ACL; Schema: app_private; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app_private.redact_jsonb(p_value jsonb, p_patterns text[], p_replacements text[]) FROM PUBLIC;
GRANT ALL ON FUNCTION app_private.redact_jsonb(p_value jsonb, p_patterns text[], p_replacements text[]) TO nakksha_worker;


--
-- Name: FUNCTION redact_text(p_value text, p_patterns text[], p_replacements text[]); Type: ACL; Schema: app_private; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app_private.redact_text(p_value text, p_patterns text[], p_replacements text[]) FROM PUBLIC;
GRANT ALL ON FUNCTION app_private.redact_text(p_value text, p_patterns text[], p_replacements text[]) TO nakksha_worker;


--
-- Name: FUNCTION redaction(p_emails text[], p_names text[], p_phones text[], p_anon_email text, OUT patterns text[], OUT replacements text[]); Type: ACL; Schema: app_private; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app_private.redaction(p_emails text[], p_names text[], p_phones text[], p_anon_email text, OUT patterns text[], OUT replacements text[]) FROM PUBLIC;
GRANT ALL ON FUNCTION app_private.redaction(p_emails text[], p_names text[], p_phones text[], p_anon_email text, OUT patterns text[], OUT replacements text[]) TO nakksha_worker;


--
-- Name: FUNCTION refund_for_cancellation(p_s app.sessions, p_percent integer, p_reason text, p_initiated_by text); Type: ACL; Schema: app_private; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app_private.refund_for_cancellation(p_s app.sessions, p_percent integer, p_reason text, p_initiated_by text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_private.refund_for_cancellation(p_s app.sessions, p_percent integer, p_reason text, p_initiated_by text) TO nakksha_worker;


--
-- Name: FUNCTION refund_from_gateway(p_gateway text, p_event text, p_refund jsonb); Type: ACL; Schema: app_private; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app_private.refund_from_gateway(p_gateway text, p_event text, p_refund jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION app_private.refund_from_gateway(p_gateway text, p_event text, p_refund jsonb) TO nakksha_worker;


--
-- Name: FUNCTION refund_percent(p_c app.consultants, p_starts_at timestamp with time zone); Type: ACL; Schema: app_private; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app_private.refund_percent(p_c app.consultants, p_starts_at timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION app_private.refund_percent(p_c app.consultants, p_starts_at timestamp with time zone) TO nakksha_worker;


--
-- Name: FUNCTION refundable(p_transaction_id uuid); Type: ACL; Schema: app_private; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app_private.refundable(p_transaction_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION app_private.refundable(p_transaction_id uuid) TO nakksha_worker;


--
-- Name: FUNCTION regex_literal(p_text text); Type: ACL; Schema: app_private; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app_private.regex_literal(p_text text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_private.regex_literal(p_text text) TO nakksha_worker;


--
-- Name: FUNCTION rematerialise_slots(p_consultant_id uuid); Type: ACL; Schema: app_private; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app_private.rematerialise_slots(p_consultant_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION app_private.rematerialise_slots(p_consultant_id uuid) TO nakksha_worker;


--
-- Name: FUNCTION reminder_due_at(p_starts_at timestamp with time zone); Type: ACL; Schema: app_private; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app_private.reminder_due_at(p_starts_at timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION app_private.reminder_due_at(p_starts_at timestamp with time zone) TO nakksha_worker;


--
-- Name: FUNCTION replace_plans(p_plans jsonb); Type: ACL; Schema: app_private; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app_private.replace_plans(p_plans jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION app_private.replace_plans(p_plans jsonb) TO nakksha_worker;


--
-- Name: FUNCTION require_admin(p_acting_admin_email text, p_super boolean); Type: ACL; Schema: app_private; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app_private.require_admin(p_acting_admin_email text, p_super boolean) FROM PUBLIC;
GRANT ALL ON FUNCTION app_private.require_admin(p_acting_admin_email text, p_super boolean) TO nakksha_worker;


--
-- Name: FUNCTION respondable(p_q app.quotations); Type: ACL; Schema: app_private; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app_private.respondable(p_q app.quotations) FROM PUBLIC;
GRANT ALL ON FUNCTION app_private.respondable(p_q app.quotations) TO nakksha_worker;


--
-- Name: FUNCTION revoke_families(p_consultant_id uuid, p_admin_id uuid, p_reason text); Type: ACL; Schema: app_private; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app_private.revoke_families(p_consultant_id uuid, p_admin_id uuid, p_reason text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_private.revoke_families(p_consultant_id uuid, p_admin_id uuid, p_reason text) TO nakksha_worker;


--
-- Name: TABLE availability_rules; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT SELECT,DELETE ON TABLE app.availability_rules TO nakksha_app;
GRANT SELECT ON TABLE app.availability_rules TO nakksha_worker;
GRANT SELECT,DELETE ON TABLE app.availability_rules TO nakksha_app_admin;


--
-- Name: COLUMN availability_rules.consultant_id; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT INSERT(consultant_id) ON TABLE app.availability_rules TO nakksha_app;
GRANT INSERT(consultant_id) ON TABLE app.availability_rules TO nakksha_app_admin;


--
-- Name: COLUMN availability_rules.session_type; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT INSERT(session_type),UPDATE(session_type) ON TABLE app.availability_rules TO nakksha_app;
GRANT INSERT(session_type),UPDATE(session_type) ON TABLE app.availability_rules TO nakksha_app_admin;


--
-- Name: COLUMN availability_rules.weekday; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT INSERT(weekday),UPDATE(weekday) ON TABLE app.availability_rules TO nakksha_app;
GRANT INSERT(weekday),UPDATE(weekday) ON TABLE app.availability_rules TO nakksha_app_admin;


--
-- Name: COLUMN availability_rules.start_time; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT INSERT(start_time),UPDATE(start_time) ON TABLE app.availability_rules TO nakksha_app;
GRANT INSERT(start_time),UPDATE(start_time) ON TABLE app.availability_rules TO nakksha_app_admin;


--
-- Name: COLUMN availability_rules.end_time; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT INSERT(end_time),UPDATE(end_time) ON TABLE app.availability_rules TO nakksha_app;
GRANT INSERT(end_time),UPDATE(end_time) ON TABLE app.availability_rules TO nakksha_app_admin;


--
-- Name: COLUMN availability_rules.slot_minutes; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT INSERT(slot_minutes),UPDATE(slot_minutes) ON TABLE app.availability_rules TO nakksha_app;
GRANT INSERT(slot_minutes),UPDATE(slot_minutes) ON TABLE app.availability_rules TO nakksha_app_admin;


--
-- Name: COLUMN availability_rules.capacity; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT INSERT(capacity),UPDATE(capacity) ON TABLE app.availability_rules TO nakksha_app;
GRANT INSERT(capacity),UPDATE(capacity) ON TABLE app.availability_rules TO nakksha_app_admin;


--
-- Name: COLUMN availability_rules.is_active; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT INSERT(is_active),UPDATE(is_active) ON TABLE app.availability_rules TO nakksha_app;
GRANT INSERT(is_active),UPDATE(is_active) ON TABLE app.availability_rules TO nakksha_app_admin;


--
-- Name: COLUMN availability_rules.valid_from; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT INSERT(valid_from),UPDATE(valid_from) ON TABLE app.availability_rules TO nakksha_app;
GRANT INSERT(valid_from),UPDATE(valid_from) ON TABLE app.availability_rules TO nakksha_app_admin;


--
-- Name: COLUMN availability_rules.valid_until; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT INSERT(valid_until),UPDATE(valid_until) ON TABLE app.availability_rules TO nakksha_app;
GRANT INSERT(valid_until),UPDATE(valid_until) ON TABLE app.availability_rules TO nakksha_app_admin;


--
-- Name: FUNCTION rule_slot_count(p_r app.availability_rules, p_today date, p_horizon integer); Type: ACL; Schema: app_private; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app_private.rule_slot_count(p_r app.availability_rules, p_today date, p_horizon integer) FROM PUBLIC;
GRANT ALL ON FUNCTION app_private.rule_slot_count(p_r app.availability_rules, p_today date, p_horizon integer) TO nakksha_worker;


--
-- Name: FUNCTION run_waiting_job_now(p_task_name text, p_args jsonb); Type: ACL; Schema: app_private; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app_private.run_waiting_job_now(p_task_name text, p_args jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION app_private.run_waiting_job_now(p_task_name text, p_args jsonb) TO nakksha_worker;


--
-- Name: FUNCTION seed_demo(p_email text, p_password_hash text); Type: ACL; Schema: app_private; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app_private.seed_demo(p_email text, p_password_hash text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_private.seed_demo(p_email text, p_password_hash text) TO nakksha_worker;


--
-- Name: FUNCTION seed_demo_history(p_consultant uuid); Type: ACL; Schema: app_private; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app_private.seed_demo_history(p_consultant uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION app_private.seed_demo_history(p_consultant uuid) TO nakksha_worker;


--
-- Name: FUNCTION session_mail_data(p_s app.sessions); Type: ACL; Schema: app_private; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app_private.session_mail_data(p_s app.sessions) FROM PUBLIC;
GRANT ALL ON FUNCTION app_private.session_mail_data(p_s app.sessions) TO nakksha_worker;


--
-- Name: FUNCTION set_approval(p_consultant_id uuid, p_to text, p_reason text, p_acting_admin_email text, p_cancel_upcoming boolean); Type: ACL; Schema: app_private; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app_private.set_approval(p_consultant_id uuid, p_to text, p_reason text, p_acting_admin_email text, p_cancel_upcoming boolean) FROM PUBLIC;
GRANT ALL ON FUNCTION app_private.set_approval(p_consultant_id uuid, p_to text, p_reason text, p_acting_admin_email text, p_cancel_upcoming boolean) TO nakksha_worker;


--
-- Name: FUNCTION setting_as_stored(p_key text, p_value jsonb); Type: ACL; Schema: app_private; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app_private.setting_as_stored(p_key text, p_value jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION app_private.setting_as_stored(p_key text, p_value jsonb) TO nakksha_worker;


--
-- Name: FUNCTION setting_integer(p_key text); Type: ACL; Schema: app_private; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app_private.setting_integer(p_key text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_private.setting_integer(p_key text) TO nakksha_worker;


--
-- Name: FUNCTION settle_refund(p_refund_id uuid, p_status text, p_gateway_refund_id text, p_failure text); Type: ACL; Schema: app_private; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app_private.settle_refund(p_refund_id uuid, p_status text, p_gateway_refund_id text, p_failure text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_private.settle_refund(p_refund_id uuid, p_status text, p_gateway_refund_id text, p_failure text) TO nakksha_worker;


--
-- Name: FUNCTION sign_in_buckets(p_kind text, p_account text, p_ip text); Type: ACL; Schema: app_private; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app_private.sign_in_buckets(p_kind text, p_account text, p_ip text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_private.sign_in_buckets(p_kind text, p_account text, p_ip text) TO nakksha_worker;


--
-- Name: FUNCTION slot_budget(p_consultant_id uuid); Type: ACL; Schema: app_private; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app_private.slot_budget(p_consultant_id uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION app_private.slot_budget(p_consultant_id uuid) TO nakksha_worker;


--
-- Name: FUNCTION slot_clear(p_consultant_id uuid, p_buffer_minutes integer, p_slot_id uuid, p_session_type text, p_starts_at timestamp with time zone, p_ends_at timestamp with time zone, p_ignore_session uuid); Type: ACL; Schema: app_private; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app_private.slot_clear(p_consultant_id uuid, p_buffer_minutes integer, p_slot_id uuid, p_session_type text, p_starts_at timestamp with time zone, p_ends_at timestamp with time zone, p_ignore_session uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION app_private.slot_clear(p_consultant_id uuid, p_buffer_minutes integer, p_slot_id uuid, p_session_type text, p_starts_at timestamp with time zone, p_ends_at timestamp with time zone, p_ignore_session uuid) TO nakksha_worker;


--
-- Name: FUNCTION slot_is_free(p_c app.consultants, p_s app.availability_slots, p_ignore_session uuid); Type: ACL; Schema: app_private; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app_private.slot_is_free(p_c app.consultants, p_s app.availability_slots, p_ignore_session uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION app_private.slot_is_free(p_c app.consultants, p_s app.availability_slots, p_ignore_session uuid) TO nakksha_worker;


--
-- Name: FUNCTION start_session(p_consultant_id uuid, p_admin_id uuid, p_refresh_hash bytea, p_expires_at timestamp with time zone, p_user_agent text, p_ip inet); Type: ACL; Schema: app_private; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app_private.start_session(p_consultant_id uuid, p_admin_id uuid, p_refresh_hash bytea, p_expires_at timestamp with time zone, p_user_agent text, p_ip inet) FROM PUBLIC;
GRANT ALL ON FUNCTION app_private.start_session(p_consultant_id uuid, p_admin_id uuid, p_refresh_hash bytea, p_expires_at timestamp with time zone, p_user_agent text, p_ip inet) TO nakksha_worker;


--
-- Name: FUNCTION take_recipient_mail(p_email text); Type: ACL; Schema: app_private; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app_private.take_recipient_mail(p_email text) FROM PUBLIC;
GRANT ALL ON FUNCTION app_private.take_recipient_mail(p_email text) TO nakksha_worker;


--
-- Name: FUNCTION too_many(p_code text, p_detail text, p_wait_seconds numeric); Type: ACL; Schema: app_private; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app_private.too_many(p_code text, p_detail text, p_wait_seconds numeric) FROM PUBLIC;
GRANT ALL ON FUNCTION app_private.too_many(p_code text, p_detail text, p_wait_seconds numeric) TO nakksha_worker;


--
-- Name: FUNCTION utc_text(p_t timestamp with time zone); Type: ACL; Schema: app_private; Owner: nakksha_owner
--

REVOKE ALL ON FUNCTION app_private.utc_text(p_t timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION app_private.utc_text(p_t timestamp with time zone) TO nakksha_worker;


--
-- Name: FUNCTION procrastinate_cancel_job_v1(job_id bigint, abort boolean, delete_job boolean); Type: ACL; Schema: public; Owner: nakksha_owner
--

GRANT ALL ON FUNCTION public.procrastinate_cancel_job_v1(job_id bigint, abort boolean, delete_job boolean) TO nakksha_worker;


--
-- Name: FUNCTION procrastinate_defer_jobs_v1(jobs public.procrastinate_job_to_defer_v1[]); Type: ACL; Schema: public; Owner: nakksha_owner
--

GRANT ALL ON FUNCTION public.procrastinate_defer_jobs_v1(jobs public.procrastinate_job_to_defer_v1[]) TO nakksha_worker;


--
-- Name: FUNCTION procrastinate_defer_periodic_job_v2(_queue_name character varying, _lock character varying, _queueing_lock character varying, _task_name character varying, _priority integer, _periodic_id character varying, _defer_timestamp bigint, _args jsonb); Type: ACL; Schema: public; Owner: nakksha_owner
--

GRANT ALL ON FUNCTION public.procrastinate_defer_periodic_job_v2(_queue_name character varying, _lock character varying, _queueing_lock character varying, _task_name character varying, _priority integer, _periodic_id character varying, _defer_timestamp bigint, _args jsonb) TO nakksha_worker;


--
-- Name: TABLE procrastinate_jobs; Type: ACL; Schema: public; Owner: nakksha_owner
--

GRANT SELECT ON TABLE public.procrastinate_jobs TO nakksha_app;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.procrastinate_jobs TO nakksha_worker;
GRANT SELECT ON TABLE public.procrastinate_jobs TO nakksha_app_admin;


--
-- Name: FUNCTION procrastinate_fetch_job_v2(target_queue_names character varying[], p_worker_id bigint); Type: ACL; Schema: public; Owner: nakksha_owner
--

GRANT ALL ON FUNCTION public.procrastinate_fetch_job_v2(target_queue_names character varying[], p_worker_id bigint) TO nakksha_worker;


--
-- Name: FUNCTION procrastinate_finish_job_v1(job_id bigint, end_status public.procrastinate_job_status, delete_job boolean); Type: ACL; Schema: public; Owner: nakksha_owner
--

GRANT ALL ON FUNCTION public.procrastinate_finish_job_v1(job_id bigint, end_status public.procrastinate_job_status, delete_job boolean) TO nakksha_worker;


--
-- Name: FUNCTION procrastinate_prune_stalled_workers_v1(seconds_since_heartbeat double precision); Type: ACL; Schema: public; Owner: nakksha_owner
--

GRANT ALL ON FUNCTION public.procrastinate_prune_stalled_workers_v1(seconds_since_heartbeat double precision) TO nakksha_worker;


--
-- Name: FUNCTION procrastinate_register_worker_v1(); Type: ACL; Schema: public; Owner: nakksha_owner
--

GRANT ALL ON FUNCTION public.procrastinate_register_worker_v1() TO nakksha_worker;


--
-- Name: FUNCTION procrastinate_retry_job_v1(job_id bigint, retry_at timestamp with time zone, new_priority integer, new_queue_name character varying, new_lock character varying); Type: ACL; Schema: public; Owner: nakksha_owner
--

GRANT ALL ON FUNCTION public.procrastinate_retry_job_v1(job_id bigint, retry_at timestamp with time zone, new_priority integer, new_queue_name character varying, new_lock character varying) TO nakksha_worker;


--
-- Name: FUNCTION procrastinate_retry_job_v2(job_id bigint, retry_at timestamp with time zone, new_priority integer, new_queue_name character varying, new_lock character varying); Type: ACL; Schema: public; Owner: nakksha_owner
--

GRANT ALL ON FUNCTION public.procrastinate_retry_job_v2(job_id bigint, retry_at timestamp with time zone, new_priority integer, new_queue_name character varying, new_lock character varying) TO nakksha_worker;


--
-- Name: FUNCTION procrastinate_unregister_worker_v1(worker_id bigint); Type: ACL; Schema: public; Owner: nakksha_owner
--

GRANT ALL ON FUNCTION public.procrastinate_unregister_worker_v1(worker_id bigint) TO nakksha_worker;


--
-- Name: FUNCTION procrastinate_update_heartbeat_v1(worker_id bigint); Type: ACL; Schema: public; Owner: nakksha_owner
--

GRANT ALL ON FUNCTION public.procrastinate_update_heartbeat_v1(worker_id bigint) TO nakksha_worker;


--
-- Name: TABLE clients; Type: ACL; Schema: analytics; Owner: nakksha_owner
--

GRANT SELECT ON TABLE analytics.clients TO nakksha_analyst;


--
-- Name: TABLE consultant_daily_stats; Type: ACL; Schema: analytics; Owner: nakksha_owner
--

GRANT SELECT ON TABLE analytics.consultant_daily_stats TO nakksha_analyst;


--
-- Name: TABLE consultant_dashboard_stats; Type: ACL; Schema: analytics; Owner: nakksha_owner
--

GRANT SELECT ON TABLE analytics.consultant_dashboard_stats TO nakksha_analyst;


--
-- Name: TABLE consultants; Type: ACL; Schema: analytics; Owner: nakksha_owner
--

GRANT SELECT ON TABLE analytics.consultants TO nakksha_analyst;


--
-- Name: TABLE payments; Type: ACL; Schema: analytics; Owner: nakksha_owner
--

GRANT SELECT ON TABLE analytics.payments TO nakksha_analyst;


--
-- Name: TABLE quotation_funnel; Type: ACL; Schema: analytics; Owner: nakksha_owner
--

GRANT SELECT ON TABLE analytics.quotation_funnel TO nakksha_analyst;


--
-- Name: TABLE quotations; Type: ACL; Schema: analytics; Owner: nakksha_owner
--

GRANT SELECT ON TABLE analytics.quotations TO nakksha_analyst;


--
-- Name: TABLE revenue_daily; Type: ACL; Schema: analytics; Owner: nakksha_owner
--

GRANT SELECT ON TABLE analytics.revenue_daily TO nakksha_analyst;


--
-- Name: TABLE session_funnel; Type: ACL; Schema: analytics; Owner: nakksha_owner
--

GRANT SELECT ON TABLE analytics.session_funnel TO nakksha_analyst;


--
-- Name: TABLE sessions; Type: ACL; Schema: analytics; Owner: nakksha_owner
--

GRANT SELECT ON TABLE analytics.sessions TO nakksha_analyst;


--
-- Name: TABLE admin_audit_log; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT SELECT ON TABLE app.admin_audit_log TO nakksha_app;
GRANT SELECT ON TABLE app.admin_audit_log TO nakksha_admin;
GRANT SELECT ON TABLE app.admin_audit_log TO nakksha_app_admin;


--
-- Name: COLUMN admins.id; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT SELECT(id) ON TABLE app.admins TO nakksha_app;
GRANT SELECT(id) ON TABLE app.admins TO nakksha_admin;
GRANT SELECT(id) ON TABLE app.admins TO nakksha_app_admin;


--
-- Name: COLUMN admins.email; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT SELECT(email) ON TABLE app.admins TO nakksha_app;
GRANT SELECT(email) ON TABLE app.admins TO nakksha_admin;
GRANT SELECT(email) ON TABLE app.admins TO nakksha_app_admin;


--
-- Name: COLUMN admins.name; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT SELECT(name) ON TABLE app.admins TO nakksha_app;
GRANT SELECT(name) ON TABLE app.admins TO nakksha_admin;
GRANT SELECT(name) ON TABLE app.admins TO nakksha_app_admin;


--
-- Name: COLUMN admins.role; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT SELECT(role) ON TABLE app.admins TO nakksha_app;
GRANT SELECT(role) ON TABLE app.admins TO nakksha_admin;
GRANT SELECT(role) ON TABLE app.admins TO nakksha_app_admin;


--
-- Name: COLUMN admins.is_active; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT SELECT(is_active) ON TABLE app.admins TO nakksha_app;
GRANT SELECT(is_active) ON TABLE app.admins TO nakksha_admin;
GRANT SELECT(is_active) ON TABLE app.admins TO nakksha_app_admin;


--
-- Name: COLUMN admins.last_login_at; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT SELECT(last_login_at) ON TABLE app.admins TO nakksha_app;
GRANT SELECT(last_login_at) ON TABLE app.admins TO nakksha_admin;
GRANT SELECT(last_login_at) ON TABLE app.admins TO nakksha_app_admin;


--
-- Name: COLUMN admins.created_by; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT SELECT(created_by) ON TABLE app.admins TO nakksha_app;
GRANT SELECT(created_by) ON TABLE app.admins TO nakksha_admin;
GRANT SELECT(created_by) ON TABLE app.admins TO nakksha_app_admin;


--
-- Name: COLUMN admins.created_at; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT SELECT(created_at) ON TABLE app.admins TO nakksha_app;
GRANT SELECT(created_at) ON TABLE app.admins TO nakksha_admin;
GRANT SELECT(created_at) ON TABLE app.admins TO nakksha_app_admin;


--
-- Name: COLUMN admins.updated_at; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT SELECT(updated_at) ON TABLE app.admins TO nakksha_app;
GRANT SELECT(updated_at) ON TABLE app.admins TO nakksha_admin;
GRANT SELECT(updated_at) ON TABLE app.admins TO nakksha_app_admin;


--
-- Name: TABLE analytics_dirty; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT SELECT ON TABLE app.analytics_dirty TO nakksha_app_admin;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE app.analytics_dirty TO nakksha_worker;
GRANT SELECT ON TABLE app.analytics_dirty TO nakksha_app;


--
-- Name: TABLE availability_blocks; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT SELECT,DELETE ON TABLE app.availability_blocks TO nakksha_app;
GRANT SELECT ON TABLE app.availability_blocks TO nakksha_worker;
GRANT SELECT,DELETE ON TABLE app.availability_blocks TO nakksha_app_admin;


--
-- Name: COLUMN availability_blocks.consultant_id; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT INSERT(consultant_id) ON TABLE app.availability_blocks TO nakksha_app;
GRANT INSERT(consultant_id) ON TABLE app.availability_blocks TO nakksha_app_admin;


--
-- Name: COLUMN availability_blocks.starts_at; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT INSERT(starts_at) ON TABLE app.availability_blocks TO nakksha_app;
GRANT INSERT(starts_at) ON TABLE app.availability_blocks TO nakksha_app_admin;


--
-- Name: COLUMN availability_blocks.ends_at; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT INSERT(ends_at) ON TABLE app.availability_blocks TO nakksha_app;
GRANT INSERT(ends_at) ON TABLE app.availability_blocks TO nakksha_app_admin;


--
-- Name: COLUMN availability_blocks.reason; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT INSERT(reason) ON TABLE app.availability_blocks TO nakksha_app;
GRANT INSERT(reason) ON TABLE app.availability_blocks TO nakksha_app_admin;


--
-- Name: TABLE availability_slot_exclusions; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT SELECT ON TABLE app.availability_slot_exclusions TO nakksha_app;
GRANT SELECT ON TABLE app.availability_slot_exclusions TO nakksha_worker;
GRANT SELECT ON TABLE app.availability_slot_exclusions TO nakksha_app_admin;


--
-- Name: COLUMN availability_slot_exclusions.consultant_id; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT INSERT(consultant_id) ON TABLE app.availability_slot_exclusions TO nakksha_app;
GRANT INSERT(consultant_id) ON TABLE app.availability_slot_exclusions TO nakksha_app_admin;


--
-- Name: COLUMN availability_slot_exclusions.session_type; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT INSERT(session_type) ON TABLE app.availability_slot_exclusions TO nakksha_app;
GRANT INSERT(session_type) ON TABLE app.availability_slot_exclusions TO nakksha_app_admin;


--
-- Name: COLUMN availability_slot_exclusions.starts_at; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT INSERT(starts_at) ON TABLE app.availability_slot_exclusions TO nakksha_app;
GRANT INSERT(starts_at) ON TABLE app.availability_slot_exclusions TO nakksha_app_admin;


--
-- Name: TABLE calendar_busy; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT SELECT,INSERT,DELETE ON TABLE app.calendar_busy TO nakksha_worker;


--
-- Name: TABLE calendar_connections; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT SELECT ON TABLE app.calendar_connections TO nakksha_worker;


--
-- Name: COLUMN calendar_connections.id; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT SELECT(id) ON TABLE app.calendar_connections TO nakksha_app;
GRANT SELECT(id) ON TABLE app.calendar_connections TO nakksha_app_admin;


--
-- Name: COLUMN calendar_connections.consultant_id; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT SELECT(consultant_id) ON TABLE app.calendar_connections TO nakksha_app;
GRANT SELECT(consultant_id) ON TABLE app.calendar_connections TO nakksha_app_admin;


--
-- Name: COLUMN calendar_connections.provider; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT SELECT(provider) ON TABLE app.calendar_connections TO nakksha_app;
GRANT SELECT(provider) ON TABLE app.calendar_connections TO nakksha_app_admin;


--
-- Name: COLUMN calendar_connections.status; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT SELECT(status) ON TABLE app.calendar_connections TO nakksha_app;
GRANT UPDATE(status) ON TABLE app.calendar_connections TO nakksha_worker;
GRANT SELECT(status) ON TABLE app.calendar_connections TO nakksha_app_admin;


--
-- Name: COLUMN calendar_connections.account_email; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT SELECT(account_email) ON TABLE app.calendar_connections TO nakksha_app;
GRANT SELECT(account_email) ON TABLE app.calendar_connections TO nakksha_app_admin;


--
-- Name: COLUMN calendar_connections.scopes; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT SELECT(scopes) ON TABLE app.calendar_connections TO nakksha_app;
GRANT SELECT(scopes) ON TABLE app.calendar_connections TO nakksha_app_admin;


--
-- Name: COLUMN calendar_connections.access_token_encrypted; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT UPDATE(access_token_encrypted) ON TABLE app.calendar_connections TO nakksha_worker;


--
-- Name: COLUMN calendar_connections.refresh_token_encrypted; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT UPDATE(refresh_token_encrypted) ON TABLE app.calendar_connections TO nakksha_worker;


--
-- Name: COLUMN calendar_connections.access_expires_at; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT UPDATE(access_expires_at) ON TABLE app.calendar_connections TO nakksha_worker;


--
-- Name: COLUMN calendar_connections.token_refreshed_at; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT UPDATE(token_refreshed_at) ON TABLE app.calendar_connections TO nakksha_worker;


--
-- Name: COLUMN calendar_connections.last_error; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT SELECT(last_error) ON TABLE app.calendar_connections TO nakksha_app;
GRANT UPDATE(last_error) ON TABLE app.calendar_connections TO nakksha_worker;
GRANT SELECT(last_error) ON TABLE app.calendar_connections TO nakksha_app_admin;


--
-- Name: COLUMN calendar_connections.busy_synced_at; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT SELECT(busy_synced_at) ON TABLE app.calendar_connections TO nakksha_app;
GRANT UPDATE(busy_synced_at) ON TABLE app.calendar_connections TO nakksha_worker;
GRANT SELECT(busy_synced_at) ON TABLE app.calendar_connections TO nakksha_app_admin;


--
-- Name: COLUMN calendar_connections.connected_at; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT SELECT(connected_at) ON TABLE app.calendar_connections TO nakksha_app;
GRANT SELECT(connected_at) ON TABLE app.calendar_connections TO nakksha_app_admin;


--
-- Name: COLUMN calendar_connections.updated_at; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT SELECT(updated_at) ON TABLE app.calendar_connections TO nakksha_app;
GRANT SELECT(updated_at) ON TABLE app.calendar_connections TO nakksha_app_admin;


--
-- Name: TABLE calendar_events; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT SELECT ON TABLE app.calendar_events TO nakksha_app;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE app.calendar_events TO nakksha_worker;
GRANT SELECT ON TABLE app.calendar_events TO nakksha_app_admin;


--
-- Name: TABLE consultant_client_counts; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT SELECT ON TABLE app.consultant_client_counts TO nakksha_app;
GRANT SELECT,INSERT ON TABLE app.consultant_client_counts TO nakksha_worker;
GRANT SELECT ON TABLE app.consultant_client_counts TO nakksha_app_admin;


--
-- Name: COLUMN consultant_client_counts.clients; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT UPDATE(clients) ON TABLE app.consultant_client_counts TO nakksha_worker;


--
-- Name: TABLE consultant_tax_profiles; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT SELECT ON TABLE app.consultant_tax_profiles TO nakksha_app;
GRANT SELECT ON TABLE app.consultant_tax_profiles TO nakksha_worker;
GRANT SELECT ON TABLE app.consultant_tax_profiles TO nakksha_app_admin;


--
-- Name: COLUMN consultant_tax_profiles.consultant_id; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT INSERT(consultant_id) ON TABLE app.consultant_tax_profiles TO nakksha_app;
GRANT INSERT(consultant_id) ON TABLE app.consultant_tax_profiles TO nakksha_app_admin;


--
-- Name: COLUMN consultant_tax_profiles.gst_scheme; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT INSERT(gst_scheme),UPDATE(gst_scheme) ON TABLE app.consultant_tax_profiles TO nakksha_app;
GRANT INSERT(gst_scheme),UPDATE(gst_scheme) ON TABLE app.consultant_tax_profiles TO nakksha_app_admin;


--
-- Name: COLUMN consultant_tax_profiles.gstin; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT INSERT(gstin),UPDATE(gstin) ON TABLE app.consultant_tax_profiles TO nakksha_app;
GRANT INSERT(gstin),UPDATE(gstin) ON TABLE app.consultant_tax_profiles TO nakksha_app_admin;


--
-- Name: COLUMN consultant_tax_profiles.legal_name; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT INSERT(legal_name),UPDATE(legal_name) ON TABLE app.consultant_tax_profiles TO nakksha_app;
GRANT INSERT(legal_name),UPDATE(legal_name) ON TABLE app.consultant_tax_profiles TO nakksha_app_admin;


--
-- Name: COLUMN consultant_tax_profiles.state_code; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT INSERT(state_code),UPDATE(state_code) ON TABLE app.consultant_tax_profiles TO nakksha_app;
GRANT INSERT(state_code),UPDATE(state_code) ON TABLE app.consultant_tax_profiles TO nakksha_app_admin;


--
-- Name: COLUMN consultant_tax_profiles.address_line1; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT INSERT(address_line1),UPDATE(address_line1) ON TABLE app.consultant_tax_profiles TO nakksha_app;
GRANT INSERT(address_line1),UPDATE(address_line1) ON TABLE app.consultant_tax_profiles TO nakksha_app_admin;


--
-- Name: COLUMN consultant_tax_profiles.address_line2; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT INSERT(address_line2),UPDATE(address_line2) ON TABLE app.consultant_tax_profiles TO nakksha_app;
GRANT INSERT(address_line2),UPDATE(address_line2) ON TABLE app.consultant_tax_profiles TO nakksha_app_admin;


--
-- Name: COLUMN consultant_tax_profiles.city; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT INSERT(city),UPDATE(city) ON TABLE app.consultant_tax_profiles TO nakksha_app;
GRANT INSERT(city),UPDATE(city) ON TABLE app.consultant_tax_profiles TO nakksha_app_admin;


--
-- Name: COLUMN consultant_tax_profiles.postal_code; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT INSERT(postal_code),UPDATE(postal_code) ON TABLE app.consultant_tax_profiles TO nakksha_app;
GRANT INSERT(postal_code),UPDATE(postal_code) ON TABLE app.consultant_tax_profiles TO nakksha_app_admin;


--
-- Name: COLUMN consultant_tax_profiles.pan_encrypted; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT INSERT(pan_encrypted),UPDATE(pan_encrypted) ON TABLE app.consultant_tax_profiles TO nakksha_app;
GRANT INSERT(pan_encrypted),UPDATE(pan_encrypted) ON TABLE app.consultant_tax_profiles TO nakksha_app_admin;


--
-- Name: COLUMN consultant_tax_profiles.pan_last4; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT INSERT(pan_last4),UPDATE(pan_last4) ON TABLE app.consultant_tax_profiles TO nakksha_app;
GRANT INSERT(pan_last4),UPDATE(pan_last4) ON TABLE app.consultant_tax_profiles TO nakksha_app_admin;


--
-- Name: COLUMN consultant_tax_profiles.pan_holder_type; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT INSERT(pan_holder_type),UPDATE(pan_holder_type) ON TABLE app.consultant_tax_profiles TO nakksha_app;
GRANT INSERT(pan_holder_type),UPDATE(pan_holder_type) ON TABLE app.consultant_tax_profiles TO nakksha_app_admin;


--
-- Name: COLUMN consultant_tax_profiles.lut_reference; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT INSERT(lut_reference),UPDATE(lut_reference) ON TABLE app.consultant_tax_profiles TO nakksha_app;
GRANT INSERT(lut_reference),UPDATE(lut_reference) ON TABLE app.consultant_tax_profiles TO nakksha_app_admin;


--
-- Name: COLUMN consultant_tax_profiles.lut_valid_until; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT INSERT(lut_valid_until),UPDATE(lut_valid_until) ON TABLE app.consultant_tax_profiles TO nakksha_app;
GRANT INSERT(lut_valid_until),UPDATE(lut_valid_until) ON TABLE app.consultant_tax_profiles TO nakksha_app_admin;


--
-- Name: TABLE email_logs; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT SELECT ON TABLE app.email_logs TO nakksha_app;
GRANT SELECT,INSERT ON TABLE app.email_logs TO nakksha_worker;
GRANT SELECT ON TABLE app.email_logs TO nakksha_app_admin;


--
-- Name: COLUMN email_logs.subject; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT UPDATE(subject) ON TABLE app.email_logs TO nakksha_worker;


--
-- Name: COLUMN email_logs.template_data; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT UPDATE(template_data) ON TABLE app.email_logs TO nakksha_worker;


--
-- Name: COLUMN email_logs.status; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT UPDATE(status) ON TABLE app.email_logs TO nakksha_worker;


--
-- Name: COLUMN email_logs.provider; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT UPDATE(provider) ON TABLE app.email_logs TO nakksha_worker;


--
-- Name: COLUMN email_logs.external_id; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT UPDATE(external_id) ON TABLE app.email_logs TO nakksha_worker;


--
-- Name: COLUMN email_logs.error_message; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT UPDATE(error_message) ON TABLE app.email_logs TO nakksha_worker;


--
-- Name: COLUMN email_logs.attempts; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT UPDATE(attempts) ON TABLE app.email_logs TO nakksha_worker;


--
-- Name: COLUMN email_logs.sent_at; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT UPDATE(sent_at) ON TABLE app.email_logs TO nakksha_worker;


--
-- Name: COLUMN email_logs.failed_at; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT UPDATE(failed_at) ON TABLE app.email_logs TO nakksha_worker;


--
-- Name: TABLE email_outbox; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT SELECT,INSERT ON TABLE app.email_outbox TO nakksha_worker;


--
-- Name: TABLE email_suppressions; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT SELECT ON TABLE app.email_suppressions TO nakksha_app;
GRANT SELECT ON TABLE app.email_suppressions TO nakksha_worker;
GRANT SELECT ON TABLE app.email_suppressions TO nakksha_app_admin;


--
-- Name: TABLE email_templates; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT SELECT ON TABLE app.email_templates TO nakksha_app;
GRANT SELECT ON TABLE app.email_templates TO nakksha_worker;
GRANT SELECT ON TABLE app.email_templates TO nakksha_app_admin;


--
-- Name: TABLE gst_states; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT SELECT ON TABLE app.gst_states TO nakksha_app;
GRANT SELECT ON TABLE app.gst_states TO nakksha_app_admin;
GRANT SELECT ON TABLE app.gst_states TO nakksha_worker;


--
-- Name: TABLE ledger_entries; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT SELECT ON TABLE app.ledger_entries TO nakksha_app;
GRANT SELECT ON TABLE app.ledger_entries TO nakksha_app_admin;
GRANT SELECT,INSERT ON TABLE app.ledger_entries TO nakksha_worker;


--
-- Name: TABLE plans; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT SELECT ON TABLE app.plans TO nakksha_app;
GRANT SELECT ON TABLE app.plans TO nakksha_app_admin;
GRANT SELECT ON TABLE app.plans TO nakksha_worker;


--
-- Name: TABLE platform_settings; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT SELECT ON TABLE app.platform_settings TO nakksha_app;
GRANT SELECT ON TABLE app.platform_settings TO nakksha_worker;
GRANT SELECT ON TABLE app.platform_settings TO nakksha_app_admin;


--
-- Name: TABLE quotation_items; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT SELECT,DELETE ON TABLE app.quotation_items TO nakksha_app;
GRANT SELECT,DELETE ON TABLE app.quotation_items TO nakksha_app_admin;


--
-- Name: COLUMN quotation_items.consultant_id; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT INSERT(consultant_id) ON TABLE app.quotation_items TO nakksha_app;
GRANT INSERT(consultant_id) ON TABLE app.quotation_items TO nakksha_app_admin;


--
-- Name: COLUMN quotation_items.quotation_id; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT INSERT(quotation_id) ON TABLE app.quotation_items TO nakksha_app;
GRANT INSERT(quotation_id) ON TABLE app.quotation_items TO nakksha_app_admin;


--
-- Name: COLUMN quotation_items."position"; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT INSERT("position"),UPDATE("position") ON TABLE app.quotation_items TO nakksha_app;
GRANT INSERT("position"),UPDATE("position") ON TABLE app.quotation_items TO nakksha_app_admin;


--
-- Name: COLUMN quotation_items.description; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT INSERT(description),UPDATE(description) ON TABLE app.quotation_items TO nakksha_app;
GRANT INSERT(description),UPDATE(description) ON TABLE app.quotation_items TO nakksha_app_admin;


--
-- Name: COLUMN quotation_items.quantity; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT INSERT(quantity),UPDATE(quantity) ON TABLE app.quotation_items TO nakksha_app;
GRANT INSERT(quantity),UPDATE(quantity) ON TABLE app.quotation_items TO nakksha_app_admin;


--
-- Name: COLUMN quotation_items.unit_price; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT INSERT(unit_price),UPDATE(unit_price) ON TABLE app.quotation_items TO nakksha_app;
GRANT INSERT(unit_price),UPDATE(unit_price) ON TABLE app.quotation_items TO nakksha_app_admin;


--
-- Name: TABLE quotation_views; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT SELECT ON TABLE app.quotation_views TO nakksha_app;
GRANT SELECT ON TABLE app.quotation_views TO nakksha_app_admin;


--
-- Name: TABLE rate_limit_hits; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT SELECT,DELETE ON TABLE app.rate_limit_hits TO nakksha_worker;


--
-- Name: TABLE view_refreshes; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT SELECT ON TABLE app.view_refreshes TO nakksha_app;
GRANT SELECT ON TABLE app.view_refreshes TO nakksha_app_admin;


--
-- Name: TABLE webhook_events; Type: ACL; Schema: app; Owner: nakksha_owner
--

GRANT SELECT ON TABLE app.webhook_events TO nakksha_app;
GRANT SELECT ON TABLE app.webhook_events TO nakksha_app_admin;


--
-- Name: TABLE procrastinate_events; Type: ACL; Schema: public; Owner: nakksha_owner
--

GRANT SELECT ON TABLE public.procrastinate_events TO nakksha_app;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.procrastinate_events TO nakksha_worker;
GRANT SELECT ON TABLE public.procrastinate_events TO nakksha_app_admin;


--
-- Name: SEQUENCE procrastinate_events_id_seq; Type: ACL; Schema: public; Owner: nakksha_owner
--

GRANT SELECT,USAGE ON SEQUENCE public.procrastinate_events_id_seq TO nakksha_worker;


--
-- Name: SEQUENCE procrastinate_jobs_id_seq; Type: ACL; Schema: public; Owner: nakksha_owner
--

GRANT SELECT,USAGE ON SEQUENCE public.procrastinate_jobs_id_seq TO nakksha_worker;


--
-- Name: TABLE procrastinate_periodic_defers; Type: ACL; Schema: public; Owner: nakksha_owner
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.procrastinate_periodic_defers TO nakksha_worker;


--
-- Name: SEQUENCE procrastinate_periodic_defers_id_seq; Type: ACL; Schema: public; Owner: nakksha_owner
--

GRANT SELECT,USAGE ON SEQUENCE public.procrastinate_periodic_defers_id_seq TO nakksha_worker;


--
-- Name: TABLE procrastinate_workers; Type: ACL; Schema: public; Owner: nakksha_owner
--

GRANT SELECT ON TABLE public.procrastinate_workers TO nakksha_app;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.procrastinate_workers TO nakksha_worker;
GRANT SELECT ON TABLE public.procrastinate_workers TO nakksha_app_admin;


--
-- Name: SEQUENCE procrastinate_workers_id_seq; Type: ACL; Schema: public; Owner: nakksha_owner
--

GRANT SELECT,USAGE ON SEQUENCE public.procrastinate_workers_id_seq TO nakksha_worker;


--
-- Name: TABLE schema_migrations; Type: ACL; Schema: public; Owner: nakksha_owner
--

GRANT SELECT ON TABLE public.schema_migrations TO nakksha_app_admin;
GRANT SELECT ON TABLE public.schema_migrations TO nakksha_app;
GRANT SELECT ON TABLE public.schema_migrations TO nakksha_admin;


--
-- PostgreSQL database dump complete
--



-- dbmate applied versions:
-- 20261124100100
-- 20261205100000
-- 20261205110000
-- 20261205110100
-- 20261205110200
-- 20261205110300
-- 20261205110400
-- 20261205120000
-- 20261205120100
-- 20261205120200
-- 20261205120300
-- 20261205130000
-- 20261205130100
-- 20261205130200
-- 20261205130300
-- 20261205130400
-- 20261205140000
-- 20261206010000
-- 20261207010000
-- 20261207050000
-- 20261207060000
-- 20261207070000
-- 20261207080000
-- 20261208010000
-- 20261208020000
-- 20261209010000
-- 20261209020000
-- 20261210010000
-- 20261211010000
