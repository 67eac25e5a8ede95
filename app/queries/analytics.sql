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
