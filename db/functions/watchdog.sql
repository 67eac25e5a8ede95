-- db/functions/watchdog.sql — the analysts' statement bound made real: a statement that ran far past it is cancelled, whatever the session set.

create or replace function api.cancel_runaway_analyst_queries(p_after interval default interval '2 minutes',
                                                               p_terminate_after interval default interval '3 minutes')
returns integer
language sql volatile security definer
set search_path = ''
as $$
  -- nakksha_analyst starts every session with statement_timeout = 1min (set on the role by `nakksha migrate`),
  -- but PostgreSQL lets any session change its own: `set statement_timeout = 0` would let a BI tool's runaway
  -- query hold the server for hours. The worker calls this every minute. Analysts are nakksha_analyst and every
  -- login that is a member of it (a person's own role: role settings do not pass through membership, so this is
  -- their only bound). A statement still running p_after after it started is cancelled; one still running
  -- p_terminate_after after it started trapped the cancel (a PL/pgSQL handler can), and its session is ended,
  -- which cannot be trapped. The owner may see and signal those backends: `migrate` gives it the analyst role
  -- and, as a superuser, pg_read_all_stats and pg_signal_backend.
  with runaway as materialized (  -- chosen first: no signal is ever evaluated for anyone else's backend
    select a.pid, a.query_start < now() - p_terminate_after as trapped
    from pg_catalog.pg_stat_activity a join pg_catalog.pg_roles r on r.oid = a.usesysid
    where a.state = 'active' and a.query_start < now() - p_after and not r.rolsuper
      and r.rolname not in ('nakksha_owner', 'nakksha_app', 'nakksha_admin')
      and pg_catalog.pg_has_role(r.oid, 'nakksha_analyst', 'MEMBER'))
  select count(*) filter (where case when r.trapped then pg_catalog.pg_terminate_backend(r.pid)
                                     else pg_catalog.pg_cancel_backend(r.pid) end)::integer
  from runaway r
$$;
comment on function api.cancel_runaway_analyst_queries is 'Worker step (every minute): cancel analysts'' statements running longer than p_after (2 minutes), end the sessions of those still running after p_terminate_after (3 minutes), even if their session lifted its timeout or is a member role; returns how many. Definer: signalling another role''s backends needs the owner''s pg_signal_backend and analyst membership; granted to the worker role alone.';

grant execute on function api.cancel_runaway_analyst_queries(interval, interval) to nakksha_worker;

-- Test: pytest tests/db/test_watchdog.py
