-- db/functions/app/quotation_items.sql — a quotation's line items: only a draft's may change, and their sum is its base amount (triggers on app.quotation_items).

create or replace function app.guard_quotation_item()
returns trigger
language plpgsql
set search_path = ''
as $$
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
comment on function app.guard_quotation_item() is 'Trigger: a quotation''s lines change only while it is a draft, and never move to another quotation.';

create or replace function app.total_quotation_items()
returns trigger
language plpgsql
set search_path = ''
as $$
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
comment on function app.total_quotation_items() is 'Trigger (per statement): each changed quotation''s base_amount becomes the sum of its lines.';

-- Test: pytest tests/db/test_quotation_items.py
