-- db/functions/quotations_public.sql — a quotation as its client meets it through the link: viewing (counted), accepting with its payment order, declining.

-- Public (the client, through the link) ------------------------------------------------------------------

create or replace function app_private.public_quotation_row(p_token_hash bytea, p_lock boolean)
returns app.quotations
language plpgsql volatile
set search_path = ''
as $$
declare
  v_q app.quotations;
begin
  if p_lock then
    select * into v_q from app.quotations where public_token_hash = p_token_hash for update;
  else
    select * into v_q from app.quotations where public_token_hash = p_token_hash;
  end if;
  if v_q.id is null or v_q.status = 'draft' then
    raise exception using errcode = 'NK404', message = 'not_found', detail = 'No such quotation.';
  end if;
  return v_q;
end;
$$;
comment on function app_private.public_quotation_row is 'The quotation behind a public link (optionally locked), else NK404.';

create or replace function app_private.public_quotation_json(p_q app.quotations)
returns jsonb
language sql stable
set search_path = ''
as $$
  select jsonb_build_object(
    'quotation_name', p_q.quotation_name, 'description', p_q.description, 'client_name', p_q.client_name,
    'items', api.quotation_items_json(p_q.id),
    'base_amount', api.money(p_q.base_amount), 'discount_percentage', p_q.discount_percentage,
    'discount_amount', api.money(p_q.base_amount - p_q.final_amount), 'final_amount', api.money(p_q.final_amount),
    'currency', p_q.currency, 'validity_period', p_q.validity_period, 'expires_at', p_q.expires_at,
    'status', case when p_q.status in ('sent', 'viewed') and p_q.expires_at <= now() then 'expired' else p_q.status end,
    'notes', p_q.notes, 'quotation_image_url', p_q.quotation_image_url, 'sent_at', p_q.sent_at,
    'responded_at', p_q.responded_at, 'paid_at', p_q.paid_at, 'gst', api.quotation_gst(p_q),
    'consultant', jsonb_build_object('first_name', c.first_name, 'last_name', c.last_name, 'slug', c.slug,
                                     'consultancy_sector', c.consultancy_sector, 'timezone', c.timezone),
    -- Whether Checkout may take the money: accepted, its order unpaid (the app builds Checkout only then).
    'payable', p_q.status = 'accepted' and p_q.paid_at is null
               and coalesce((select t.status in ('pending', 'failed') from app.payment_transactions t
                             where t.quotation_id = p_q.id and not coalesce((t.metadata->>'duplicate')::boolean, false)
                             order by t.created_at desc limit 1), false),
    'payment', (select jsonb_build_object('status', t.status, 'order_id', t.gateway_order_id, 'gateway', t.gateway,
                                          'amount', api.money(t.amount), 'amount_paise', (t.amount * 100)::bigint,
                                          'currency', t.currency)
                from app.payment_transactions t
                where t.quotation_id = p_q.id and not coalesce((t.metadata->>'duplicate')::boolean, false)
                order by t.created_at desc limit 1),
    -- The GST documents issued to the client for it (invoice, bill of supply or receipt; credit notes), as issued.
    'documents', app_private.client_documents(null, p_q.id))
  from app.consultants c where c.id = p_q.consultant_id
$$;
comment on function app_private.public_quotation_json is 'A quotation as its client sees it (no internal ids, no view counts), with its payment and the GST documents issued to the client.';

create or replace function api.public_quotation(p_token_hash bytea, p_user_agent text)
returns jsonb
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_q app.quotations := app_private.public_quotation_row(p_token_hash, true);
  v_first boolean;
begin
  -- An opening counts unless the same browser (its User-Agent) was counted on this quotation in the last ten
  -- minutes: a client reloading or coming back to the tab is one view, not several. Under the row lock, so two
  -- reloads at once cannot both count.
  if exists (select 1 from app.quotation_views v
             where v.quotation_id = v_q.id and v.user_agent is not distinct from left(p_user_agent, 300)
               and v.viewed_at > now() - interval '10 minutes') then
    return app_private.public_quotation_json(v_q);
  end if;
  -- The first counted opening moves sent → viewed and tells the consultant, exactly once.
  update app.quotations set view_count = view_count + 1, last_viewed_at = now()
  where id = v_q.id returning * into v_q;
  -- The history keeps the first thousand openings (the count keeps counting): a link passed around or
  -- hammered cannot grow the table without bound.
  if v_q.view_count <= 1000 then
    insert into app.quotation_views (consultant_id, quotation_id, user_agent)
    values (v_q.consultant_id, v_q.id, left(p_user_agent, 300));
  end if;
  if v_q.status = 'sent' and coalesce(v_q.expires_at > now(), true) then
    update app.quotations set status = 'viewed' where id = v_q.id and status = 'sent' returning * into v_q;
    v_first := found;
    if v_first then
      perform app_private.notify_consultant_of_quotation(v_q, 'quotation_viewed');
    end if;
  end if;
  return app_private.public_quotation_json(v_q);
end;
$$;
comment on function api.public_quotation is 'The client opens the link: counted (not again for the same browser within ten minutes), sent → viewed on the first view (consultant told once). Definer: a visitor holding a link''s token: the row is found by the token''s hash with no signed-in caller, and its status changes are the function''s alone.';

create or replace function api.public_quotation_peek(p_token_hash bytea, p_billing jsonb default null)
returns jsonb
language plpgsql stable security definer
set search_path = ''
as $$
declare
  v_q app.quotations := app_private.public_quotation_row(p_token_hash, false);
  v_needs_order boolean;
begin
  -- Before an order is made for an acceptance: would it be accepted, and is there an order already?
  -- needs_order: an acceptance would record a payment order — a first acceptance of an amount, or an accepted,
  -- unpaid quotation whose order was given up (the same condition public_accept_quotation applies).
  v_needs_order := v_q.final_amount > 0 and (
      (v_q.status in ('sent', 'viewed') and coalesce(v_q.expires_at > now(), true))
      or (v_q.status = 'accepted' and v_q.paid_at is null and not exists (
            select 1 from app.payment_transactions t where t.quotation_id = v_q.id
              and t.status in ('pending', 'failed', 'completed', 'partially_refunded', 'refunded'))));
  -- The billing details an acceptance would record, checked before any order is made (a 422 naming the field);
  -- what the tax invoice needs only when an order would be made. A NULL p_billing is a page's read, not an
  -- acceptance (the API and the form pass an object, empty when nothing was given).
  if p_billing is not null then
    perform app_private.billing_details(p_billing, v_q.consultant_id,
                                        case when v_needs_order then v_q.final_amount end);
  end if;
  return app_private.public_quotation_json(v_q) || jsonb_build_object('quotation_id', v_q.id,
    'consultant_id', v_q.consultant_id, 'amount_paise', (v_q.final_amount * 100)::bigint,
    'transfer', app.order_transfer(v_q.consultant_id, v_q.final_amount), 'needs_order', v_needs_order);
end;
$$;
comment on function api.public_quotation_peek is 'A quotation behind a link without counting a view (the accept step reads it before making an order). Definer: a visitor holding a link''s token: the row is found by the token''s hash with no signed-in caller, and its status changes are the function''s alone.';

create or replace function app_private.respondable(p_q app.quotations)
returns void
language plpgsql stable
set search_path = ''
as $$
begin
  if p_q.status in ('sent', 'viewed') and p_q.expires_at <= now() or p_q.status = 'expired' then
    raise exception using errcode = 'NK409', message = 'quotation_expired',
      detail = 'This quotation has expired; ask for a new one.';
  end if;
end;
$$;
comment on function app_private.respondable is 'NK409 quotation_expired for a quotation past its expiry.';

create or replace function api.public_accept_quotation(p_token_hash bytea, p_gateway text, p_order_id text,
                                                       p_billing jsonb default null)
returns jsonb
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_q app.quotations := app_private.public_quotation_row(p_token_hash, true);
  -- The client's billing details for the invoice (docs/gst.md), as at booking: kept on the payment order.
  v_billing record := app_private.billing_details(p_billing);
begin
  if v_q.status = 'accepted' then
    -- A repeated click answers the same payment. An order given up unpaid (reconciliation cancels orders
    -- nobody paid) is replaced by the fresh one, so an accepted quotation can always still be paid.
    if p_order_id is not null and v_q.paid_at is null and not exists (
        select 1 from app.payment_transactions t
        where t.quotation_id = v_q.id and t.status in ('pending', 'failed', 'completed', 'partially_refunded', 'refunded')) then
      -- A new order: the tax invoice's recipient details are required now (as the peek required them).
      v_billing := app_private.billing_details(p_billing, v_q.consultant_id, v_q.final_amount);
      insert into app.payment_transactions (consultant_id, purpose, quotation_id, client_id, amount, currency, gateway,
                                            gateway_order_id, status, billing_state_code, billing_country,
                                            billing_gstin, billing_name, billing_address, billing_postal_code)
      values (v_q.consultant_id, 'quotation', v_q.id, v_q.client_id, v_q.final_amount, v_q.currency, p_gateway,
              p_order_id, 'pending', v_billing.state_code, v_billing.country, v_billing.gstin, v_billing.billing_name,
              v_billing.address, v_billing.postal_code);
    elsif p_billing is not null and jsonb_typeof(p_billing) = 'object' and p_billing <> '{}' then
      -- New billing details on an accepted quotation: the invoice is issued when the payment is captured, so an
      -- order still unpaid takes them (checked as on acceptance); once paid they can no longer change it.
      v_billing := app_private.billing_details(p_billing, v_q.consultant_id, v_q.final_amount);
      update app.payment_transactions t
      set billing_state_code = v_billing.state_code, billing_country = v_billing.country, billing_gstin = v_billing.gstin,
          billing_name = v_billing.billing_name, billing_address = v_billing.address,
          billing_postal_code = v_billing.postal_code
      where t.quotation_id = v_q.id and t.status = 'pending';
      if not found and exists (
          select 1 from app.payment_transactions t
          where t.quotation_id = v_q.id and t.status in ('completed', 'partially_refunded', 'refunded')
            and (t.billing_state_code, t.billing_country, t.billing_gstin, t.billing_name, t.billing_address,
                 t.billing_postal_code) is distinct from (v_billing.state_code, v_billing.country, v_billing.gstin,
                 v_billing.billing_name, v_billing.address, v_billing.postal_code)) then
        raise exception using errcode = 'NK409', message = 'quotation_already_paid',
          detail = 'This quotation is paid and its invoice issued with the details given then.';
      end if;
    end if;
    return app_private.public_quotation_json(v_q);
  end if;
  -- Under the row lock: the expiry job and this cannot both win.
  perform app_private.respondable(v_q);
  update app.quotations set status = 'accepted', responded_at = now(), response_reason = null
  where id = v_q.id returning * into v_q;
  if v_q.final_amount > 0 then
    if p_order_id is null then
      raise exception using errcode = 'NK422', message = 'order_required', detail = 'A paid quotation needs its order.';
    end if;
    v_billing := app_private.billing_details(p_billing, v_q.consultant_id, v_q.final_amount);
    insert into app.payment_transactions (consultant_id, purpose, quotation_id, client_id, amount, currency, gateway,
                                          gateway_order_id, status, billing_state_code, billing_country,
                                          billing_gstin, billing_name, billing_address, billing_postal_code)
    values (v_q.consultant_id, 'quotation', v_q.id, v_q.client_id, v_q.final_amount, v_q.currency, p_gateway,
            p_order_id, 'pending', v_billing.state_code, v_billing.country, v_billing.gstin, v_billing.billing_name,
              v_billing.address, v_billing.postal_code);
  end if;
  perform app_private.notify_consultant_of_quotation(v_q, 'quotation_responded');
  return app_private.public_quotation_json(v_q);
end;
$$;
comment on function api.public_accept_quotation is 'The client accepts: sent|viewed → accepted, its payment order recorded, the consultant told; NK409 if expired. Definer: a visitor holding a link''s token: the row is found by the token''s hash with no signed-in caller, and its status changes are the function''s alone.';

create or replace function api.public_reject_quotation(p_token_hash bytea, p_reason text)
returns jsonb
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_q app.quotations := app_private.public_quotation_row(p_token_hash, true);
begin
  if v_q.status = 'rejected' then
    return app_private.public_quotation_json(v_q);
  end if;
  perform app_private.respondable(v_q);
  update app.quotations set status = 'rejected', responded_at = now(), response_reason = nullif(btrim(p_reason), '')
  where id = v_q.id returning * into v_q;
  perform app_private.notify_consultant_of_quotation(v_q, 'quotation_responded');
  return app_private.public_quotation_json(v_q);
end;
$$;
comment on function api.public_reject_quotation is 'The client declines (with an optional reason): sent|viewed → rejected, the consultant told. Definer: a visitor holding a link''s token: the row is found by the token''s hash with no signed-in caller, and its status changes are the function''s alone.';

grant execute on function api.public_quotation(bytea, text), api.public_quotation_peek(bytea, jsonb),
  api.public_accept_quotation(bytea, text, text, jsonb), api.public_reject_quotation(bytea, text) to nakksha_app;

-- Test: pytest tests/http/test_quotations.py tests/db/test_quotations.py
