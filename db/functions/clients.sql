-- db/functions/clients.sql — the consultant's clients: their JSON, create, edit, deactivate (the list, profile and export: app/queries/sessions.sql; anonymising: erasure.sql).

create or replace function api.client_json(p_c app.clients)
returns jsonb
language sql stable
set search_path = ''
as $$
  -- The phone leaves as ciphertext (base64) for the app to decrypt for its consultant.
  select jsonb_build_object('id', p_c.id, 'name', p_c.name, 'email', p_c.email::text,
    'phone_encrypted', encode(p_c.phone_encrypted, 'base64'), 'notes', p_c.notes, 'is_active', p_c.is_active,
    'total_sessions', p_c.total_sessions, 'total_amount_paid', api.money(p_c.total_amount_paid),
    'first_session_at', p_c.first_session_at, 'last_session_at', p_c.last_session_at,
    'is_repeat_client', app.is_repeat_client(p_c.total_sessions), 'anonymised_at', p_c.anonymised_at,
    'created_at', p_c.created_at, 'updated_at', p_c.updated_at)
$$;
comment on function api.client_json is 'A client as their consultant sees them.';

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

grant execute on function api.client_json(app.clients), api.create_client(text, text, bytea, bytea, text),
  api.update_client(uuid, jsonb, bytea, bytea) to nakksha_app;

-- Test: pytest tests/http/test_sessions.py tests/http/test_anonymise.py tests/db/test_erasure.py
