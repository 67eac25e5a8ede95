-- db/functions/app/clients.sql — the clients table's totals (sessions, amount paid) and the consultant's client count, kept by triggers.

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

-- Test: pytest tests/db/test_lifecycle.py tests/db/test_payments.py
