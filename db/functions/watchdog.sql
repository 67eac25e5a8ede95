-- db/functions/watchdog.sql — the analysts' statement bound made real: a statement that ran far past it is cancelled, whatever the session set.

create or replace function api.cancel_runaway_analyst_queries(p_after interval default interval '2 minutes')
returns integer
language sql volatile security definer
set search_path = ''
as $$
  -- nakksha_analyst starts every session with statement_timeout = 1min (set on the role by `nakksha migrate`),
  -- but PostgreSQL lets any session change its own: `set statement_timeout = 0` would let a BI tool's runaway
  -- query hold the server for hours. The worker calls this every minute: an analyst's statement still running
  -- p_after after it started is cancelled (the session stays; the statement ends with "canceling statement due
  -- to user request"). The owner may see and signal analysts' backends because `migrate` made it a member of
  -- that role.
  with runaway as materialized (  -- chosen first: the cancel is never evaluated for anyone else's backend
    select a.pid from pg_catalog.pg_stat_activity a
    where a.usename = 'nakksha_analyst' and a.state = 'active' and a.query_start < now() - p_after)
  select count(*) filter (where pg_catalog.pg_cancel_backend(r.pid))::integer from runaway r
$$;
comment on function api.cancel_runaway_analyst_queries is 'Worker step (every minute): cancel analysts'' statements running longer than p_after (default 2 minutes), even if their session lifted its timeout; returns how many.';

grant execute on function api.cancel_runaway_analyst_queries(interval) to nakksha_app;

-- Test: pytest tests/db/test_watchdog.py
