-- app/queries/quotations.sql — quotations: the consultant's builder and list, sending, the client's public link, expiry, stats.

-- name: create_quotation(body)$
-- A new draft quotation. The client is an existing client_id, or client_name and client_email (linked to the client with that email when there is one). final_amount is computed by the database: base less discount, rounded half up to the paisa.
select api.create_quotation(:body);

-- name: update_quotation(quotation_id, patch)$
-- Change a draft.
select api.update_quotation(:quotation_id, :patch);

-- name: delete_quotation(quotation_id)$
-- Delete a draft.
select api.delete_quotation(:quotation_id);

-- name: duplicate_quotation(quotation_id)$
-- Copy a quotation (any status) into a new draft.
select api.duplicate_quotation(:quotation_id);

-- name: get_quotation(quotation_id)$
-- One of the caller's quotations with its view history (the latest 200), payments and emails.
with me as materialized (select api.require_approved() as id)
select coalesce((
  select api.quotation_json(q) || jsonb_build_object(
    'public_link_encrypted', q.public_link_encrypted,
    'views', coalesce((select jsonb_agg(jsonb_build_object('viewed_at', v.viewed_at, 'user_agent', v.user_agent)
                                        order by v.viewed_at desc)
                       from (select * from app.quotation_views where quotation_id = q.id
                             order by viewed_at desc limit 200) v), '[]'),
    'payments', coalesce((select jsonb_agg(api.payment_json(t) order by t.created_at)
                          from app.payment_transactions t where t.quotation_id = q.id), '[]'),
    'emails', coalesce((select jsonb_agg(jsonb_build_object('email_type', l.email_type, 'status', l.status,
                                                            'recipient_email', l.recipient_email::text,
                                                            'queued_at', l.queued_at, 'sent_at', l.sent_at)
                                         order by l.queued_at)
                        from app.email_logs l where l.quotation_id = q.id), '[]'))
  from app.quotations q where q.id = :quotation_id), api.not_found('No such quotation.'))
from me;

-- name: list_quotations(status, q, date_from, date_to, page, per_page)$
-- Quotations: filter by status (as the client sees it), search name or client, created from/to; paged, newest first.
with me as materialized (select api.require_approved() as id),  -- 403 unless an approved consultant calls
p as (
  select :status::text as status, api.like_pattern(nullif(btrim(coalesce(:q::text, '')), '')) as pattern,
         :date_from::timestamptz as from_, :date_to::timestamptz as to_, :page::integer as page,
         :per_page::integer as per_page
), matching as (
  select q, q.created_at, q.id from app.quotations q, p
  where (p.status is null or (case when q.status in ('sent', 'viewed') and q.expires_at <= now() then 'expired'
                                    else q.status end) = p.status)
    and (p.pattern is null or q.quotation_name ilike p.pattern or q.client_name ilike p.pattern
         or q.client_email::text ilike p.pattern)
    and (p.from_ is null or q.created_at >= p.from_) and (p.to_ is null or q.created_at < p.to_)
), page as (
  select m.q, row_number() over (order by m.created_at desc, m.id) as ord from matching m
  order by ord
  limit (select per_page from p) offset (select (page - 1) * per_page from p)
)
select jsonb_build_object(
  'items', coalesce((select jsonb_agg(api.quotation_json(pg.q) order by pg.ord) from page pg), '[]'),
  'total', (select count(*) from matching), 'page', p.page, 'per_page', p.per_page)
from p, me;

-- name: send_quotation(quotation_id, token_hash, link_encrypted)$
-- draft → sent, mailing the client the link.
select api.send_quotation(:quotation_id, :token_hash, :link_encrypted);

-- name: quotation_stats(timeframe, date_from, date_to)$
-- Quotation stats for quotations sent in a timeframe (today, week, month, quarter, year, fy, all, custom with from/to dates, inclusive; periods in the consultant's zone as on the dashboard): sent, viewed, accepted, rejected, expired, pending, conversion rate (% of sent accepted), values sent, accepted and paid.
select api.quotation_stats(:timeframe, :date_from, :date_to);

-- name: public_quotation(token_hash, user_agent)$
-- The client's view of a quotation through its link. Each opening is counted; the first moves it from sent to viewed and tells the consultant once.
select api.public_quotation(:token_hash, :user_agent);

-- name: public_quotation_peek(token_hash, billing)$
-- The quotation behind a link, not counted (before making an order).
select api.public_quotation_peek(:token_hash, :billing);

-- name: public_accept_quotation(token_hash, gateway, order_id, billing)$
-- The client accepts (with the payment order, when there is an amount).
select api.public_accept_quotation(:token_hash, :gateway, :order_id, :billing);

-- name: public_reject_quotation(token_hash, reason)$
-- Decline the quotation with an optional reason: the consultant is told.
select api.public_reject_quotation(:token_hash, :reason);

-- name: expire_quotations()$
-- Periodic: move quotations past their expiry to expired.
select api.expire_quotations();
