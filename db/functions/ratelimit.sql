-- db/functions/ratelimit.sql — counting requests per bucket in fixed windows, shared by every app process.

create or replace function api.hit_rate_limit(p_bucket text, p_limit integer, p_window_seconds integer,
                                              p_setting text default null)
returns integer
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_window timestamptz := to_timestamp(floor(extract(epoch from now()) / p_window_seconds) * p_window_seconds);
  v_hits integer;
  -- A limit a super admin tunes (a platform setting) wins over the caller's built-in number.
  v_limit integer := coalesce(app_private.setting_integer(p_setting), p_limit);
begin
  -- One upsert: concurrent requests from several processes serialise on the counter row, so the limit
  -- is exact. Returns 0 when allowed, else the seconds until the window ends (for Retry-After).
  insert into app.rate_limit_hits as h (bucket, window_start, hits) values (p_bucket, v_window, 1)
  on conflict (bucket, window_start) do update set hits = h.hits + 1
  returning h.hits into v_hits;
  if v_hits <= v_limit then
    return 0;
  end if;
  return greatest(1, ceil(extract(epoch from v_window + make_interval(secs => p_window_seconds) - now()))::integer);
end;
$$;
comment on function api.hit_rate_limit is 'Count one request in the bucket''s current window; 0 if within the limit (p_setting''s value when given, else p_limit), else seconds to wait.';

create or replace function api.prune_rate_limits()
returns integer
language sql volatile security definer
set search_path = ''
as $$
  with gone as (delete from app.rate_limit_hits where window_start < now() - interval '1 day' returning 1)
  select count(*)::integer from gone
$$;
comment on function api.prune_rate_limits is 'Delete counters of windows that ended more than a day ago.';

grant execute on function api.hit_rate_limit(text, integer, integer, text), api.prune_rate_limits() to nakksha_app;

-- Test: pytest tests/http/test_rate_limits.py
