-- app/queries/sessions.sql — the consultant's sessions and clients: the reads as selects, the writes through db/functions/sessions.sql and clients.sql.
-- Reads run as the app role with the caller set: the policies show an approved consultant their own rows and
-- nobody else anything, so no query here filters by consultant.

-- name: list_sessions(status, session_type, from_, to_, client_id, q, sort, page, per_page)$
-- Sessions: filter by status, type, dates, client; search; sort; page. With totals.
with me as materialized (select api.require_reader() as id),  -- 403 unless an approved (or suspended: read-only) consultant calls
p as (
  select :status::text as status, :session_type::text as session_type, :from_::timestamptz as from_,
         :to_::timestamptz as to_, :client_id::uuid as client_id, :sort::text as sort, :page::integer as page,
         :per_page::integer as per_page, api.like_pattern(nullif(btrim(coalesce(:q::text, '')), '')) as pattern
), matching as (
  -- Whole typed rows travel as `r` (a CTE's own row cannot be cast back to app.sessions).
  select s as r, s.id, s.status, s.amount, s.starts_at, s.created_at
  from app.sessions s, p
  where (p.status is null or s.status = p.status)
    and (p.session_type is null or s.session_type = p.session_type)
    and (p.from_ is null or s.starts_at >= p.from_) and (p.to_ is null or s.starts_at < p.to_)
    and (p.client_id is null or s.client_id = p.client_id)
    and (p.pattern is null or s.title ilike p.pattern or s.notes ilike p.pattern
         or s.client_name ilike p.pattern or s.client_email::text ilike p.pattern
         or exists (select 1 from app.clients c where c.id = s.client_id
                      and (c.name ilike p.pattern or c.email::text ilike p.pattern)))
), page as (
  select m.r, row_number() over (
           order by case when p.sort = 'starts_at' then extract(epoch from m.starts_at) end asc nulls last,
                    case when p.sort = '-starts_at' or p.sort is null then extract(epoch from m.starts_at) end desc nulls last,
                    case when p.sort = 'created_at' then extract(epoch from m.created_at) end asc nulls last,
                    case when p.sort = '-created_at' then extract(epoch from m.created_at) end desc nulls last,
                    case when p.sort = 'amount' then m.amount end asc nulls last,
                    case when p.sort = '-amount' then m.amount end desc nulls last,
                    m.id) as ord
  from matching m, p
  order by ord
  limit (select per_page from p) offset (select (page - 1) * per_page from p)
)
select jsonb_build_object(
  'items', coalesce((select jsonb_agg(api.session_json(pg.r) order by pg.ord) from page pg), '[]'),
  'total', (select count(*) from matching),
  'page', p.page, 'per_page', p.per_page,
  'totals', (select jsonb_build_object(
      'count', coalesce(sum(n), 0), 'amount', api.money(coalesce(sum(amount), 0)),
      'by_status', coalesce(jsonb_object_agg(status, n), '{}'))
    from (select status, count(*) as n, sum(amount) as amount from matching group by status) t))
from p, me;

-- name: get_session(session_id)$
-- One session (with `booked_as`: the name, email and phone the client typed when booking on the public page, which never change their client record).
with me as materialized (select api.require_reader() as id)
select coalesce((
  select case when s.client_name is null then api.session_json(s)
              else jsonb_set(api.session_json(s), '{booked_as,phone_encrypted}',
                             coalesce(to_jsonb(encode(s.client_phone_encrypted, 'base64')), 'null')) end
  from app.sessions s where s.id = :session_id), api.not_found('No such session.'))
from me;

-- name: update_session(session_id, patch)$
-- Change a session's notes and meeting details.
select api.update_session(:session_id, :patch);

-- name: create_session(client_id, client_name, client_email, client_phone_encrypted, client_phone_hash, slot_id, session_type, starts_at, ends_at, amount, payment_status, payment_method, notes)$
-- Book an offline client into a free slot or an ad-hoc time (confirmed at once).
select api.create_session(:client_id, :client_name, :client_email, :client_phone_encrypted, :client_phone_hash, :slot_id, :session_type, :starts_at, :ends_at, :amount, :payment_status, :payment_method, :notes);

-- name: set_session_status(session_id, to_status, reason)$
-- Confirm, complete, no-show or cancel.
select api.set_session_status(:session_id, :to_status, :reason);

-- name: reschedule_session(session_id, slot_id, starts_at, ends_at)$
-- Move a session to a slot or an ad-hoc time.
select api.reschedule_session(:session_id, :slot_id, :starts_at, :ends_at);

-- name: session_calendar(from_, to_, month)$
-- Sessions and free slots per local day (a month is the consultant's local month).
select api.session_calendar(:from_, :to_, :month);

-- name: list_clients(q, phone_hash, active, sort, page, per_page)$
-- Clients: search name, email or phone; filter active; sort; page.
with me as materialized (select api.require_reader() as id),  -- 403 unless an approved (or suspended: read-only) consultant calls
p as (
  select api.like_pattern(nullif(btrim(coalesce(:q::text, '')), '')) as pattern, :phone_hash::bytea as phone_hash,
         :active::boolean as active, :sort::text as sort, :page::integer as page, :per_page::integer as per_page
), matching as (
  select c as r, c.id, c.name, c.last_session_at, c.total_amount_paid, c.total_sessions, c.created_at
  from app.clients c, p
  where (p.active is null or c.is_active = p.active)
    and (p.pattern is null or c.name ilike p.pattern or c.email::text ilike p.pattern
         or (p.phone_hash is not null and c.phone_hash = p.phone_hash))
), page as (
  select m.r, row_number() over (
           order by case when p.sort = 'name' then lower(m.name) end asc nulls last,
                    case when p.sort = '-last_session_at' or p.sort is null then m.last_session_at end desc nulls last,
                    case when p.sort = '-total_amount_paid' then m.total_amount_paid end desc nulls last,
                    case when p.sort = '-total_sessions' then m.total_sessions end desc nulls last,
                    case when p.sort = '-created_at' then m.created_at end desc nulls last,
                    m.created_at desc, m.id) as ord
  from matching m, p
  order by ord
  limit (select per_page from p) offset (select (page - 1) * per_page from p)
)
select jsonb_build_object(
  'items', coalesce((select jsonb_agg(api.client_json(pg.r) order by pg.ord) from page pg), '[]'),
  'total', (select count(*) from matching), 'page', p.page, 'per_page', p.per_page)
from p, me;

-- name: create_client(name, email, phone_encrypted, phone_hash, notes)$
-- Add a client.
select api.create_client(:name, :email, :phone_encrypted, :phone_hash, :notes);

-- name: get_client(client_id)$
-- A client's profile with session history, totals and repeat-client flag.
with me as materialized (select api.require_reader() as id)
select coalesce((
  select api.client_json(c) || jsonb_build_object('sessions', coalesce((
    select jsonb_agg(api.session_json(s) order by s.starts_at desc) from app.sessions s where s.client_id = c.id), '[]'))
  from app.clients c where c.id = :client_id), api.not_found('No such client.'))
from me;

-- name: update_client(client_id, patch, phone_encrypted, phone_hash)$
-- Change a client.
select api.update_client(:client_id, :patch, :phone_encrypted, :phone_hash);

-- name: export_client(client_id)$
-- Everything held on a client, as JSON (their data rights).
with me as materialized (select api.require_reader() as id)
select coalesce((
  select jsonb_build_object('exported_at', now(), 'client', api.client_json(c),
    'sessions', coalesce((select jsonb_agg(api.session_json(s) order by s.starts_at)
                          from app.sessions s where s.client_id = c.id), '[]'),
    'payments', coalesce((select jsonb_agg(jsonb_build_object('id', t.id, 'amount', api.money(t.amount), 'currency', t.currency,
                    'status', t.status, 'amount_refunded', api.money(t.amount_refunded), 'paid_at', t.paid_at,
                    'created_at', t.created_at) order by t.created_at)
                          from app.payment_transactions t where t.client_id = c.id), '[]'),
    'quotations', coalesce((select jsonb_agg(jsonb_build_object('id', q.id, 'quotation_name', q.quotation_name,
                    'final_amount', api.money(q.final_amount), 'status', q.status, 'created_at', q.created_at) order by q.created_at)
                            from app.quotations q where q.client_id = c.id), '[]'),
    'emails', coalesce((select jsonb_agg(jsonb_build_object('type', e.email_type, 'status', e.status,
                    'queued_at', e.queued_at) order by e.queued_at)
                        from app.email_logs e where e.client_id = c.id), '[]'))
  from app.clients c where c.id = :client_id), api.not_found('No such client.'))
from me;

-- name: client_phone(client_id)$
-- A client's phone ciphertext (base64), for anonymise_client to find the phone written down.
select encode(c.phone_encrypted, 'base64') from app.clients c where c.id = :client_id;

-- name: anonymise_client(client_id, phone)$
-- Erase a client's personal data everywhere (phone: theirs in clear).
select api.anonymise_client(:client_id, :phone);
