-- db/migrations/20261207010000_add_daily_analytics_revenue_split.sql — daily_analytics keeps quotation revenue and the number of session payments, so revenue splits add up and averages divide like by like.
-- Issue 19: "Revenue by session type" left out quotation payments, so the split did not add up to revenue
-- received; "Average session value" divided payments (by paid date) by sessions (by start date). The day now
-- keeps quotation payments received (so personal + webinar + quotation = total_revenue) and how many session
-- payments were received (the average's denominator, on the same paid date as its numerator).
-- Every stored day is marked for the refresh_daily_analytics job, which recomputes it with the new definitions
-- (db/functions/analytics.sql: a cancelled session that was refunded, status `returned`, now counts as cancelled;
-- the consultant's own subscription payments are not revenue).

-- migrate:up
alter table app.daily_analytics
  add column quotation_revenue numeric(12,2) default 0 not null,
  add column session_payments integer default 0 not null,
  add constraint daily_analytics_session_payments_range check (session_payments >= 0);
comment on column app.daily_analytics.quotation_revenue is 'Quotation payments received that local day (gross, by paid_at); personal + webinar + quotation = total_revenue.';
comment on column app.daily_analytics.session_payments is 'Session payments received that local day (by paid_at): the denominator of the average session value.';
insert into app.analytics_dirty (consultant_id, day)
select d.consultant_id, d.date from app.daily_analytics d;

-- migrate:down
alter table app.daily_analytics
  drop constraint daily_analytics_session_payments_range,
  drop column session_payments,
  drop column quotation_revenue;

-- Test: pytest tests/db/test_daily_analytics.py tests/db/test_metrics_property.py
