-- app/queries/web.sql — what the pages need beyond the API's queries (db/functions/web.sql).

-- name: web_session_subject(token_hash)$
-- The consultant or admin behind a page session cookie.
select api.web_session_subject(:token_hash);

-- name: public_plans()$
-- The subscription plans (app.plans: prices, commission, what each unlocks) and the platform's name, for the pricing page.
select jsonb_build_object(
  'platform_name', (select s.value #>> '{}' from app.platform_settings s where s.key = 'platform_name'),
  'support_email', (select s.value #>> '{}' from app.platform_settings s where s.key = 'support_email'),
  'commission_gst_percent', (select s.value #>> '{}' from app.platform_settings s where s.key = 'commission_gst_percent'),
  'payout_hold_hours', app.payout_setting('payout_hold_hours_after_session'),
  'plans', api.plan_catalogue());
