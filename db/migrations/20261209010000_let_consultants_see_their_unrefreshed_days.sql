-- db/migrations/20261209010000_let_consultants_see_their_unrefreshed_days.sql — a consultant reads which of their days wait for the analytics job, so the dashboard computes only those live.
-- Issue 20: the dashboard computed today from the base tables on every call (five tables under their policies,
-- two thirds of a live day's cost) although the job had usually stored it already. A write marks its days in
-- analytics_dirty in its own transaction and the job deletes the mark in the transaction that stores the day, so
-- a day without a mark is stored exactly (api.live_day). The consultant's own marks are all they need to see.

-- migrate:up
grant select on app.analytics_dirty to nakksha_app;
create policy consultant_reads_own_analytics_dirty on app.analytics_dirty for select to nakksha_app
  using (consultant_id = (select app.current_reading_consultant_id()));
-- live_day asks for one (consultant, day); the job claims by id (the primary key).
create index analytics_dirty_consultant_day_idx on app.analytics_dirty (consultant_id, day);
drop index app.analytics_dirty_consultant;

-- migrate:down
create index analytics_dirty_consultant on app.analytics_dirty (consultant_id);
drop index app.analytics_dirty_consultant_day_idx;
drop policy consultant_reads_own_analytics_dirty on app.analytics_dirty;
revoke select on app.analytics_dirty from nakksha_app;

-- Test: pytest tests/db/test_daily_analytics.py tests/db/test_rls.py tests/meta/test_migrations.py
