-- app/queries/maintenance.sql — the worker's housekeeping of the database itself (db/functions/watchdog.sql).

-- name: cancel_runaway_analyst_queries()$
-- Cancel analysts' statements running far past their bound, even if their session lifted its timeout.
select api.cancel_runaway_analyst_queries();

-- Test: pytest tests/db/test_watchdog.py tests/jobs/test_maintenance.py
