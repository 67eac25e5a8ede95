-- app/queries/quotations.sql — quotations: the consultant's builder and list, sending, the client's public link, expiry, stats.

-- name: create_quotation(body)$
-- A new draft (client by id, or by name and email).
select api.create_quotation(:body);

-- name: update_quotation(quotation_id, patch)$
-- Change a draft.
select api.update_quotation(:quotation_id, :patch);

-- name: delete_quotation(quotation_id)$
-- Delete a draft.
select api.delete_quotation(:quotation_id);

-- name: duplicate_quotation(quotation_id)$
-- Copy into a new draft.
select api.duplicate_quotation(:quotation_id);

-- name: get_quotation(quotation_id)$
-- One quotation with views, payments and emails.
select api.get_quotation(:quotation_id);

-- name: list_quotations(status, q, date_from, date_to, page, per_page)$
-- The caller's quotations, filtered and paged.
select api.list_quotations(:status, :q, :date_from, :date_to, :page, :per_page);

-- name: send_quotation(quotation_id, token_hash, link_encrypted)$
-- draft → sent, mailing the client the link.
select api.send_quotation(:quotation_id, :token_hash, :link_encrypted);

-- name: quotation_stats(timeframe, date_from, date_to)$
-- Counts, conversion and values of quotations sent in a timeframe (periods as the dashboard's).
select api.quotation_stats(:timeframe, :date_from, :date_to);

-- name: public_quotation(token_hash, user_agent)$
-- The client opens the link (counted).
select api.public_quotation(:token_hash, :user_agent);

-- name: public_quotation_peek(token_hash)$
-- The quotation behind a link, not counted (before making an order).
select api.public_quotation_peek(:token_hash);

-- name: public_accept_quotation(token_hash, gateway, order_id)$
-- The client accepts (with the payment order, when there is an amount).
select api.public_accept_quotation(:token_hash, :gateway, :order_id);

-- name: public_reject_quotation(token_hash, reason)$
-- The client declines.
select api.public_reject_quotation(:token_hash, :reason);

-- name: expire_quotations()$
-- Periodic: move quotations past their expiry to expired.
select api.expire_quotations();
