-- db/dev/local_route_updates.sql — corrections on the local gateway's Route: updating a linked account and its stakeholder, as Razorpay's PATCH endpoints do; schema dev only.
-- Behind app/adapters/route.py's LocalRoute (update_linked_account, update_stakeholder). Applied after
-- db/dev/local_route.sql (files run in name order), only when NAKKSHA_ENV is development or test. Razorpay refuses
-- a change of business_type or email (its update page); a field sent clears the requirements naming it
-- (field_reference equal to it or under it), and a product needing clarification with none left activates at once
-- when its settlements are set (there is no reviewer here, as in dev.local_route_update_product).

create or replace function dev.local_route_clear_requirements(p_account_id text, p_fields text[])
returns void language plpgsql volatile set search_path = '' as $$
declare
  v_p dev.local_route_products;
begin
  update dev.local_route_products p set requirements = coalesce((
      select jsonb_agg(r order by n) from jsonb_array_elements(p.requirements) with ordinality x(r, n)
      where not exists (select from unnest(p_fields) f
                        where r->>'field_reference' = f or r->>'field_reference' like f || '.%')), '[]')
  where p.account_id = p_account_id returning * into v_p;
  if v_p.id is not null and v_p.activation_status = 'needs_clarification' and v_p.requirements = '[]'
     and v_p.settlements is not null then
    update dev.local_route_products set activation_status = 'activated' where id = v_p.id;
    perform dev.local_route_webhook(p_account_id, 'product.route.activated', 'merchant_product',
      jsonb_build_object('id', v_p.id, 'merchant_id', p_account_id, 'activation_status', 'activated'), '[]');
  end if;
end;
$$;
comment on function dev.local_route_clear_requirements is 'Local Route: drop the requirements the fields just sent answer; none left (settlements set) activates the product.';

create or replace function dev.local_route_update_account(p_account_id text, p_data jsonb)
returns jsonb language plpgsql volatile security definer set search_path = '' as $$
declare
  v_a dev.local_route_accounts;
begin
  perform dev.local_route_account(p_account_id);
  if p_data ? 'business_type' or p_data ? 'email' then
    perform dev.local_route_refuse('input_validation_failed', 'The business type and email of a linked account cannot be updated.');
  elsif p_data ? 'legal_business_name' and length(coalesce(p_data->>'legal_business_name', '')) not between 4 and 200 then
    perform dev.local_route_refuse('invalid_legal_business_name', 'The legal business name must be between 4 and 200 characters.');
  end if;
  update dev.local_route_accounts set data = data || (p_data - 'id' - 'status' - 'reference_id')
  where id = p_account_id returning * into v_a;
  perform dev.local_route_clear_requirements(p_account_id, array(select jsonb_object_keys(p_data)));
  return dev.local_route_account_json(v_a);
end;
$$;
comment on function dev.local_route_update_account is 'Local Route: update a linked account (not its business type or email); clears the requirements it answers.';

create or replace function dev.local_route_update_stakeholder(p_account_id text, p_stakeholder_id text, p_data jsonb)
returns jsonb language plpgsql volatile security definer set search_path = '' as $$
declare
  v_data jsonb;
begin
  update dev.local_route_stakeholders set data = data || (p_data - 'id')
  where id = p_stakeholder_id and account_id = p_account_id returning data into v_data;
  if v_data is null then
    perform dev.local_route_refuse('not_found', 'The id provided does not exist');
  end if;
  perform dev.local_route_clear_requirements(p_account_id, array(select jsonb_object_keys(p_data)));
  return v_data || jsonb_build_object('id', p_stakeholder_id, 'entity', 'stakeholder');
end;
$$;
comment on function dev.local_route_update_stakeholder is 'Local Route: update a stakeholder of a linked account; clears the requirements it answers.';

revoke execute on all functions in schema dev from public;
grant execute on function dev.local_route_update_account(text, jsonb),
  dev.local_route_update_stakeholder(text, text, jsonb) to nakksha_app, nakksha_worker;

-- Test: pytest tests/http/test_route_adapter.py tests/meta/test_migrations.py
