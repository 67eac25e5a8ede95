-- app/queries/analytics.sql — the analytics jobs' steps (jobs/analytics.py).

-- name: refresh_daily_analytics(limit)$
-- Recompute a batch of the days writes have marked dirty.
select api.refresh_daily_analytics(:limit);
