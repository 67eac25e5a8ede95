-- db/functions/clients.sql — the consultant's clients: list and search, create, profile with history, edit, deactivate, export (anonymising: erasure.sql).

create or replace function api.client_json(p_c app.clients)
returns jsonb
language sql stable
set search_path = ''
as $$
  -- The phone leaves as ciphertext (base64) for the app to decrypt for its consultant.
  select jsonb_build_object('id', p_c.id, 'name', p_c.name, 'email', p_c.email::text,
    'phone_encrypted', encode(p_c.phone_encrypted, 'base64'), 'notes', p_c.notes, 'is_active', p_c.is_active,
    'total_sessions', p_c.total_sessions, 'total_amount_paid', p_c.total_amount_paid,
    'first_session_at', p_c.first_session_at, 'last_session_at', p_c.last_session_at,
    'is_repeat_client', p_c.total_sessions > 1, 'anonymised_at', p_c.anonymised_at,
    'created_at', p_c.created_at, 'updated_at', p_c.updated_at)
$$;
comment on function api.client_json is 'A client as their consultant sees them.';

create or replace function api.list_clients(p_q text, p_phone_hash bytea, p_active boolean, p_sort text,
                                            p_page integer, p_per_page integer)
returns jsonb
language plpgsql stable security invoker
set search_path = ''
as $$
declare
  v_q text := nullif(btrim(coalesce(p_q, '')), '');
  v_pattern text;
  v_result jsonb;
begin
  perform api.require_approved();
  v_pattern := api.like_pattern(v_q);
  -- Search by name or email (substring), or by phone (exact, through its keyed hash).
  with matching as (
    select c as r, c.id, c.name, c.last_session_at, c.total_amount_paid, c.total_sessions, c.created_at
    from app.clients c
    where (p_active is null or c.is_active = p_active)
      and (v_q is null or c.name ilike v_pattern or c.email::text ilike v_pattern
           or (p_phone_hash is not null and c.phone_hash = p_phone_hash))
  ), page as (
    select m.r, row_number() over (
             order by case when p_sort = 'name' then lower(m.name) end asc nulls last,
                      case when p_sort = '-last_session_at' or p_sort is null then m.last_session_at end desc nulls last,
                      case when p_sort = '-total_amount_paid' then m.total_amount_paid end desc nulls last,
                      case when p_sort = '-total_sessions' then m.total_sessions end desc nulls last,
                      case when p_sort = '-created_at' then m.created_at end desc nulls last,
                      m.created_at desc, m.id) as ord
    from matching m
    order by ord
    limit p_per_page offset (p_page - 1) * p_per_page
  )
  select jsonb_build_object(
    'items', coalesce((select jsonb_agg(api.client_json(p.r) order by p.ord) from page p), '[]'),
    'total', (select count(*) from matching), 'page', p_page, 'per_page', p_per_page)
  into v_result;
  return v_result;
end;
$$;
comment on function api.list_clients is 'The caller''s clients: search (name, email, exact phone), active filter, sort, paging.';

create or replace function api.create_client(p_name text, p_email text, p_phone_encrypted bytea, p_phone_hash bytea,
                                             p_notes text)
returns jsonb
language plpgsql volatile security invoker
set search_path = ''
as $$
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
comment on function api.create_client is 'Add a client (409 client_exists when the email is already a client).';

create or replace function api.get_client(p_client_id uuid)
returns jsonb
language plpgsql stable security invoker
set search_path = ''
as $$
declare
  v_c app.clients;
begin
  perform api.require_approved();
  select * into v_c from app.clients where id = p_client_id;
  if v_c.id is null then
    raise exception using errcode = 'NK404', message = 'not_found', detail = 'No such client.';
  end if;
  return api.client_json(v_c) || jsonb_build_object('sessions', coalesce((
    select jsonb_agg(api.session_json(s) order by s.starts_at desc) from app.sessions s where s.client_id = v_c.id), '[]'));
end;
$$;
comment on function api.get_client is 'A client''s profile with their session history and totals.';

create or replace function api.update_client(p_client_id uuid, p_patch jsonb, p_phone_encrypted bytea, p_phone_hash bytea)
returns jsonb
language plpgsql volatile security invoker
set search_path = ''
as $$
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
comment on function api.update_client is 'Change a client (the keys present in the patch).';

create or replace function api.export_client(p_client_id uuid)
returns jsonb
language plpgsql stable security invoker
set search_path = ''
as $$
declare
  v_c app.clients;
begin
  perform api.require_approved();
  select * into v_c from app.clients where id = p_client_id;
  if v_c.id is null then
    raise exception using errcode = 'NK404', message = 'not_found', detail = 'No such client.';
  end if;
  -- Everything held on the client (their data rights go through their consultant).
  return jsonb_build_object('exported_at', now(), 'client', api.client_json(v_c),
    'sessions', coalesce((select jsonb_agg(api.session_json(s) order by s.starts_at) from app.sessions s where s.client_id = v_c.id), '[]'),
    'payments', coalesce((select jsonb_agg(jsonb_build_object('id', p.id, 'amount', p.amount, 'currency', p.currency,
                    'status', p.status, 'amount_refunded', p.amount_refunded, 'paid_at', p.paid_at, 'created_at', p.created_at)
                    order by p.created_at) from app.payment_transactions p where p.client_id = v_c.id), '[]'),
    'quotations', coalesce((select jsonb_agg(jsonb_build_object('id', q.id, 'quotation_name', q.quotation_name,
                    'final_amount', q.final_amount, 'status', q.status, 'created_at', q.created_at) order by q.created_at)
                    from app.quotations q where q.client_id = v_c.id), '[]'),
    'emails', coalesce((select jsonb_agg(jsonb_build_object('type', e.email_type, 'status', e.status,
                    'queued_at', e.queued_at) order by e.queued_at) from app.email_logs e where e.client_id = v_c.id), '[]'));
end;
$$;
comment on function api.export_client is 'Everything held on one client, as JSON.';

grant execute on function api.client_json(app.clients),
  api.list_clients(text, bytea, boolean, text, integer, integer), api.create_client(text, text, bytea, bytea, text),
  api.get_client(uuid), api.update_client(uuid, jsonb, bytea, bytea), api.export_client(uuid) to nakksha_app;

-- Test: pytest tests/http/test_sessions.py tests/http/test_anonymise.py tests/db/test_erasure.py
