-- db/migrations/20261124102400_count_clients_per_consultant.sql — each consultant's client count kept by the database, so dashboards never count the whole history.

-- migrate:up
-- bench/dashboard.py found the dashboard's only reads that grew with history: counting every client of the
-- consultant (total clients, and the clients chart's starting total). A counter kept by a trigger makes
-- both O(1) (the chart counts back only the clients added within its period). The counter row is locked
-- briefly by a transaction that adds a client: two first-time bookings for one consultant take turns on it
-- for the rest of their (short) transactions, nothing more.
create table app.consultant_client_counts (
  consultant_id uuid primary key,
  clients bigint not null default 0,
  constraint consultant_client_counts_not_negative check (clients >= 0),
  constraint consultant_client_counts_consultant_id_fkey foreign key (consultant_id)
    references app.consultants (id) on delete cascade
);
comment on table app.consultant_client_counts is 'How many clients each consultant has (kept by a trigger on clients).';
alter table app.consultant_client_counts enable row level security;

insert into app.consultant_client_counts (consultant_id, clients)
select consultant_id, count(*) from app.clients group by consultant_id;

create function app.count_clients() returns trigger
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
comment on function app.count_clients() is 'Trigger: keep app.consultant_client_counts in step with app.clients.';
revoke execute on function app.count_clients() from public;
create trigger clients_count after insert or delete on app.clients
  for each row execute function app.count_clients();

-- migrate:down
drop trigger clients_count on app.clients;
drop function app.count_clients();
drop table app.consultant_client_counts;
