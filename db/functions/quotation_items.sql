-- db/functions/quotation_items.sql — a quotation's line items: reading them as the API answers them, and replacing a draft's lines (the total follows by trigger).
-- The lines' sum is the quotation's base_amount (app.total_quotation_items, db/functions/app/quotation_items.sql);
-- only a draft's lines change (app.guard_quotation_item). The API's callers send the whole list each time.

create or replace function api.quotation_items_json(p_quotation_id uuid)
returns jsonb
language sql stable
set search_path = ''
as $$
  -- Quantities as people write them ("1", "2.5"), amounts as every amount in the API ("1499.50").
  select coalesce(jsonb_agg(jsonb_build_object(
           'description', i.description, 'quantity', trim_scale(i.quantity)::text,
           'unit_price', api.money(i.unit_price), 'amount', api.money(i.amount)) order by i.position), '[]')
  from app.quotation_items i where i.quotation_id = p_quotation_id
$$;
comment on function api.quotation_items_json is 'A quotation''s lines in order: description, quantity, unit_price, amount (quantity × unit price). Runs with its caller''s rights: the policies decide.';

create or replace function api.quotation_items_from(p_body jsonb, p_name text)
returns jsonb
language plpgsql immutable
set search_path = ''
as $$
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
comment on function api.quotation_items_from is 'The lines a create or patch body asks for: its items, or its base_amount as one line named after the quotation (the API before lines), or null.';

create or replace function api.set_quotation_items(p_quotation app.quotations, p_items jsonb)
returns void
language plpgsql volatile security invoker
set search_path = ''
as $$
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
comment on function api.set_quotation_items is 'Replace a draft''s lines with these (description, quantity (default 1), unit_price); the base amount becomes their sum.';

grant execute on function api.quotation_items_json(uuid), api.quotation_items_from(jsonb, text),
  api.set_quotation_items(app.quotations, jsonb) to nakksha_app;

-- Test: pytest tests/db/test_quotation_items.py tests/http/test_quotations.py
