-- db/functions/app/clients.sql — the clients table's totals (sessions, amount paid) and the consultant's client count, kept by triggers; the mailbox an address reaches (indexed on clients).

create or replace function app.count_clients() returns trigger
language plpgsql security definer
set search_path = ''
as $$
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
comment on function app.count_clients() is 'Trigger: keep app.consultant_client_counts in step with app.clients. Definer: it fires on the app role''s client writes and keeps app.consultant_client_counts, which the app role only reads.';

create or replace function app.refresh_client_session_totals() returns trigger
language plpgsql
set search_path = ''
as $$
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
comment on function app.refresh_client_session_totals() is 'Trigger: clients.total_sessions and first/last session follow their confirmed, completed and no-show sessions.';

create or replace function app.refresh_client_amount_paid() returns trigger
language plpgsql
set search_path = ''
as $$
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
comment on function app.refresh_client_amount_paid() is 'Trigger: clients.total_amount_paid is the net money received from them.';

create or replace function app.is_repeat_client(p_total_sessions integer) returns boolean
language sql immutable parallel safe
-- No `set search_path`: a function with one is never inlined, and the dashboard calls this once per active
-- client (issue 20). It names nothing but coalesce and an operator.
as $$
  -- THE definition of a repeat client (docs/metrics.md), used by the Clients page (api.client_json), the
  -- dashboard's repeat rate (api.dashboard_metrics_for) and the analysts' all-time totals
  -- (analytics.consultant_dashboard_stats): more than one live session (confirmed, completed or no-show:
  -- clients.total_sessions, kept by app.refresh_client_session_totals).
  select coalesce(p_total_sessions, 0) > 1;
$$;
comment on function app.is_repeat_client(integer) is 'A client is a repeat client when they have had more than one live session (confirmed, completed or no-show) with their consultant: the one definition the Clients page, the dashboard and the analysts'' views share.';
grant execute on function app.is_repeat_client(integer) to nakksha_app, nakksha_admin, nakksha_worker, nakksha_analyst;

create or replace function app.mailbox_key(p_email text)
returns text
language sql immutable parallel safe
set search_path = ''
as $$
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
$$;
comment on function app.mailbox_key(text) is 'A hash naming the mailbox an address reaches (case, +tags and Gmail dots folded): what per-email limits count. Indexed on app.clients (clients_consultant_mailbox_idx).';
grant execute on function app.mailbox_key(text) to nakksha_app, nakksha_admin, nakksha_worker;

-- Test: pytest tests/http/test_booking_limits.py tests/db/test_lifecycle.py tests/db/test_payments.py tests/db/test_metrics_property.py
