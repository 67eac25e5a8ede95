-- db/migrations/20261213060000_let_suspended_consultants_cancel_their_plan.sql — a suspended consultant may cancel their subscription (the outside review: they went on being charged and could not stop it).
-- Suspension makes an account read-only, but paying for a plan is the consultant's own money: cancelling (a mark on
-- their own row, and Razorpay asked first by the app) stays open to them. Starting or changing a plan does not.

-- migrate:up
drop policy consultant_cancels_own_subscriptions on app.subscriptions;
create policy consultant_cancels_own_subscriptions on app.subscriptions for update to nakksha_app
  using (consultant_id = (select app.current_reading_consultant_id()))
  with check (consultant_id = (select app.current_reading_consultant_id()));

-- migrate:down
drop policy consultant_cancels_own_subscriptions on app.subscriptions;
create policy consultant_cancels_own_subscriptions on app.subscriptions for update to nakksha_app
  using (consultant_id = (select app.current_approved_consultant_id()))
  with check (consultant_id = (select app.current_approved_consultant_id()));
