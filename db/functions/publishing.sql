-- db/functions/publishing.sql — a consultant's page going live and coming down (the checklist itself: db/functions/app/publishing.sql), and what a suspension leaves hanging.

create or replace function api.my_page_status()
returns jsonb
language sql stable security invoker
set search_path = ''
as $$
  -- Read as the caller: their own row under the policies.
  select jsonb_build_object('slug', c.slug, 'approval_status', c.approval_status, 'published_at', c.published_at,
    'is_published', c.published_at is not null and c.approval_status = 'approved',
    'checklist', app.setup_checklist(c.id), 'missing', to_jsonb(app.setup_missing(c.id)))
  from app.consultants c where c.id = app.current_consultant_id() and c.deleted_at is null
$$;
comment on function api.my_page_status is 'The calling consultant''s page: published or not, and the setup checklist with what is missing.';

create or replace function api.publish_my_page()
returns jsonb
language plpgsql volatile security invoker
set search_path = ''
as $$
declare
  v_id uuid := api.require_approved();
begin
  -- The checklist is the trigger's to enforce (app.guard_publication: NK409 setup_incomplete listing what is
  -- missing); publishing a published page keeps the date it first went live.
  update app.consultants set published_at = now() where id = v_id and published_at is null;
  return api.my_page_status();
end;
$$;
comment on function api.publish_my_page is 'Publish the caller''s page: approved, with every step of the setup checklist done (else NK409 setup_incomplete, the missing steps in its detail).';

create or replace function api.unpublish_my_page()
returns jsonb
language plpgsql volatile security invoker
set search_path = ''
as $$
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
comment on function api.unpublish_my_page is 'Take the caller''s page down: the public page, its slots and booking answer 404 until they publish again.';

create or replace function api.upcoming_paid_sessions(p_consultant_id uuid)
returns setof app.sessions
language sql stable
set search_path = ''
as $$
  -- What suspending a consultant leaves hanging: their sessions still to come that a client has paid for.
  select s.* from app.sessions s
  where s.consultant_id = p_consultant_id and s.status = 'confirmed' and s.starts_at > now()
    and s.payment_status in ('paid', 'partially_refunded')
  order by s.starts_at
$$;
comment on function api.upcoming_paid_sessions is 'A consultant''s confirmed sessions still to come that a client paid for (what the suspend page offers to cancel and refund); read as the caller (an admin reads every tenant''s, a consultant their own).';

create or replace function api.upcoming_paid_sessions_json(p_consultant_id uuid)
returns jsonb
language sql stable
set search_path = ''
as $$
  select coalesce(jsonb_agg(jsonb_build_object('id', s.id, 'title', s.title, 'starts_at', s.starts_at,
           'amount', api.money(s.amount), 'payment_status', s.payment_status,
           'client_name', coalesce(s.client_name, cl.name)) order by s.starts_at), '[]')
  from api.upcoming_paid_sessions(p_consultant_id) s left join app.clients cl on cl.id = s.client_id
$$;
comment on function api.upcoming_paid_sessions_json is 'The upcoming paid sessions as the admin''s suspend page lists them (read as the caller).';

create or replace function api.admin_refunds_json(p_consultant_id uuid)
returns jsonb
language sql stable
set search_path = ''
as $$
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
comment on function api.admin_refunds_json is 'The refunds an admin''s action started for a consultant (the latest 100), with their state and any failure reason (read as the caller).';

grant execute on function api.my_page_status(), api.publish_my_page(), api.unpublish_my_page(),
  api.upcoming_paid_sessions(uuid), api.upcoming_paid_sessions_json(uuid),
  api.admin_refunds_json(uuid) to nakksha_app;

-- Test: pytest tests/db/test_publishing.py tests/db/test_suspension.py
