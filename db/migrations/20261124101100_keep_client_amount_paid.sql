-- db/migrations/20261124101100_keep_client_amount_paid.sql — clients.total_amount_paid follows their payments and refunds.

-- migrate:up
create function app.refresh_client_amount_paid() returns trigger
language plpgsql security definer
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
revoke execute on function app.refresh_client_amount_paid() from public;

create trigger payment_transactions_refresh_client_paid
  after insert or delete or update of status, amount, amount_refunded, client_id on app.payment_transactions
  for each row execute function app.refresh_client_amount_paid();

-- migrate:down
drop trigger payment_transactions_refresh_client_paid on app.payment_transactions;
drop function app.refresh_client_amount_paid();
