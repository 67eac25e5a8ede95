-- db/functions/app/quotations.sql — the quotation status machine (a trigger), the one place a quotation's move is allowed or refused.

create or replace function app.guard_quotation()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if tg_op = 'DELETE' then
    if old.status <> 'draft' then
      raise exception using errcode = 'NK409', message = 'quotation_not_editable',
        detail = 'Only a draft can be deleted; a sent quotation is kept as a record.';
    end if;
    return old;
  end if;
  if new.status is distinct from old.status and (old.status, new.status) not in (
      ('draft', 'sent'), ('sent', 'viewed'), ('sent', 'accepted'), ('viewed', 'accepted'), ('sent', 'rejected'),
      ('viewed', 'rejected'), ('sent', 'expired'), ('viewed', 'expired')) then
    raise exception using errcode = 'NK409', message = 'invalid_transition',
      detail = format('A %s quotation cannot become %s.', old.status, new.status);
  end if;
  -- A draft with lines: its base amount is their sum, written only by app.total_quotation_items (the nested
  -- update, trigger depth 2); a direct write would leave the lines and the total disagreeing.
  -- (Nested: a role that never writes the amount, the worker's, never reads the lines.)
  if new.base_amount is distinct from old.base_amount and pg_trigger_depth() < 2 then
    if exists (select 1 from app.quotation_items i where i.quotation_id = new.id) then
      raise exception using errcode = 'NK409', message = 'quotation_not_editable',
        detail = 'The base amount is the sum of the quotation''s lines: change the lines.', hint = 'field:items';
    end if;
  end if;
  if old.status <> 'draft' and (new.client_id, new.client_name, new.client_email, new.quotation_name,
      new.description, new.base_amount, new.discount_percentage, new.currency, new.validity_period, new.expires_at,
      new.notes, new.quotation_image_url) is distinct from (old.client_id, old.client_name, old.client_email,
      old.quotation_name, old.description, old.base_amount, old.discount_percentage, old.currency,
      old.validity_period, old.expires_at, old.notes, old.quotation_image_url)
      -- a client record deleted later unlinks itself (on delete set null): that is not an edit
      and not (new.client_id is null and old.client_id is not null
               and (new.client_name, new.client_email) = (old.client_name, old.client_email))
      -- nor is erasing an anonymised client's personal data from it (api.anonymise_client): the terms stay,
      -- the image may only go
      and not (new.client_id is not null and (old.client_id is null or old.client_id = new.client_id)
               and exists (select 1 from app.clients c where c.id = new.client_id and c.anonymised_at is not null)
               and (new.base_amount, new.discount_percentage, new.currency, new.validity_period, new.expires_at)
                   is not distinct from (old.base_amount, old.discount_percentage, old.currency,
                                         old.validity_period, old.expires_at)
               and (new.quotation_image_url is null or new.quotation_image_url = old.quotation_image_url))
      -- nor is removing the image of a deleted account's quotation (api.delete_my_account), and nothing else
      and not (new.quotation_image_url is null
               and (new.client_id, new.client_name, new.client_email, new.quotation_name, new.description,
                    new.base_amount, new.discount_percentage, new.currency, new.validity_period, new.expires_at,
                    new.notes) is not distinct from (old.client_id, old.client_name, old.client_email,
                    old.quotation_name, old.description, old.base_amount, old.discount_percentage, old.currency,
                    old.validity_period, old.expires_at, old.notes)
               and exists (select 1 from app.consultants c where c.id = new.consultant_id and c.deleted_at is not null)) then
    raise exception using errcode = 'NK409', message = 'quotation_not_editable',
      detail = 'Only a draft can be changed; duplicate it to make a new version.';
  end if;
  return new;
end;
$$;
comment on function app.guard_quotation() is 'Trigger: the quotation state machine, no edit or delete after sending (erasing an anonymised client''s data, or a deleted account''s images, is no edit), and a base amount with lines is their sum.';

-- Test: pytest tests/db/test_quotations.py tests/db/test_quotation_items.py
