-- app/queries/analytics.sql — the analytics jobs' steps (jobs/analytics.py).

-- name: refresh_daily_analytics(limit)$
-- Recompute a batch of the days writes have marked dirty.
select api.refresh_daily_analytics(:limit);

-- name: dashboard_metrics(timeframe, date_from, date_to)$
-- The caller's dashboard metrics for a timeframe (stored days plus today live).
select api.dashboard_metrics(:timeframe, :date_from, :date_to);

-- name: dashboard_charts(timeframe, date_from, date_to)$
-- The caller's charts for a timeframe.
select api.dashboard_charts(:timeframe, :date_from, :date_to);

-- name: refresh_views()$
-- Refresh the analytics materialized views concurrently.
select api.refresh_views();

-- name: admin_analytics(timeframe, date_from, date_to)$
-- Admins: the platform's figures for a timeframe.
select api.admin_analytics(:timeframe, :date_from, :date_to);

-- name: admin_consultant_analytics(consultant_id, timeframe, date_from, date_to)$
-- Admins: one consultant's dashboard metrics.
select api.admin_consultant_analytics(:consultant_id, :timeframe, :date_from, :date_to);

-- name: admin_consultant_charts(consultant_id, timeframe, date_from, date_to)$
-- Admins: one consultant's dashboard charts.
select api.admin_consultant_charts(:consultant_id, :timeframe, :date_from, :date_to);

-- name: admin_list_sessions(status, consultant_id, date_from, date_to, page, per_page)$
-- Admins: sessions across the platform.
select api.admin_list_sessions(:status, :consultant_id, :date_from, :date_to, :page, :per_page);

-- name: admin_system()$
-- Admins: queues, failures, view ages, database facts.
select api.admin_system();

-- name: admin_settings()$
-- Super admins: the platform settings.
select api.admin_settings();

-- name: admin_update_settings(patch)$
-- Super admins: change platform settings (audited).
select api.admin_update_settings(:patch);
