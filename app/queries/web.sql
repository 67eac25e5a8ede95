-- app/queries/web.sql — what the pages need beyond the API's queries (db/functions/web.sql).

-- name: web_session_subject(token_hash)$
-- The consultant or admin behind a page session cookie.
select api.web_session_subject(:token_hash);

-- name: public_plans()$
-- Plans for the pricing page.
select api.public_plans();
