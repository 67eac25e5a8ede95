-- db/functions/ratelimit.sql — counting requests per bucket in fixed windows, shared by every app process.

create or replace function app_private.count_hit(p_bucket text, p_limit integer, p_window_seconds integer)
returns integer
language plpgsql volatile
set search_path = ''
as $$
declare
  v_window timestamptz := to_timestamp(floor(extract(epoch from now()) / p_window_seconds) * p_window_seconds);
  v_hits integer;
begin
  -- One upsert: concurrent requests from several processes serialise on the counter row, so the limit
  -- is exact. Returns 0 when allowed, else the seconds until the window ends (for Retry-After).
  insert into app.rate_limit_hits as h (bucket, window_start, hits) values (p_bucket, v_window, 1)
  on conflict (bucket, window_start) do update set hits = h.hits + 1
  returning h.hits into v_hits;
  if v_hits <= p_limit then
    return 0;
  end if;
  return greatest(1, ceil(extract(epoch from v_window + make_interval(secs => p_window_seconds) - now()))::integer);
end;
$$;
comment on function app_private.count_hit is 'Count one hit in the bucket''s current fixed window; 0 if within p_limit, else seconds to wait.';

create or replace function api.hit_rate_limit(p_bucket text, p_limit integer, p_window_seconds integer,
                                              p_setting text default null)
returns integer
language sql volatile security definer
set search_path = ''
as $$
  -- A limit a super admin tunes (a platform setting) wins over the caller's built-in number.
  select app_private.count_hit(p_bucket, coalesce(app_private.setting_integer(p_setting), p_limit), p_window_seconds)
$$;
comment on function api.hit_rate_limit is 'Count one request in the bucket''s current window; 0 if within the limit (p_setting''s value when given, else p_limit), else seconds to wait. Definer: the public page and booking: an anonymous visitor reads or books a published consultant''s page by slug, across tenants, and writes what no web role may (seats, holds, payments, counters).';

-- Sign-in throttling --------------------------------------------------------------------------------------
-- Failed sign-ins are counted per (account, IP), per IP and per account (a looser ceiling), each limit a
-- platform setting. Failures from one address never stop the owner signing in from another. An attempt is
-- counted before its password is checked (so racing guesses cannot overshoot a bucket) and forgiven when
-- the password was right: only failures remain counted. Unknown accounts are counted exactly like known ones.

create or replace function app_private.account_key(p_account text)
returns text
language sql immutable
set search_path = ''
as $$
  -- Counters name an account by a hash of its address, never the address: rate_limit_hits then holds nothing an
  -- erasure would have to find (an anonymised client's address typed at the sign-in form stayed there).
  select encode(pg_catalog.sha256(convert_to('account:' || lower(btrim(p_account)), 'UTF8')), 'hex')
$$;
comment on function app_private.account_key is 'The hash a rate-limit bucket names an account by (case and spaces folded).';

create or replace function app_private.sign_in_buckets(p_kind text, p_account text, p_ip text)
returns table (bucket text, setting text, window_seconds integer, ceiling boolean)
language sql immutable
set search_path = ''
as $$
  -- Always in this order (the lock order of begin_sign_in and forgive_sign_in: no deadlock between them).
  -- A space separates the account from the address: neither may contain one.
  select 'sign_in:' || p_kind || ':' || b.scope, b.setting, b.window_seconds, b.ord = 3
  from (values
    (1, 'account_ip:' || app_private.account_key(p_account) || ' ' || coalesce(nullif(btrim(p_ip), ''), 'unknown'),
        'login_failures_per_account_ip', 900),
    (2, 'ip:' || coalesce(nullif(btrim(p_ip), ''), 'unknown'), 'login_failures_per_ip', 900),
    (3, 'account:' || app_private.account_key(p_account), 'login_failures_per_account', 3600)
  ) as b(ord, scope, setting, window_seconds)
  order by b.ord
$$;
comment on function app_private.sign_in_buckets is 'The three failed-sign-in buckets of an attempt (account and IP, IP, account ceiling), in lock order, with their setting and window.';

create or replace function app_private.known_sign_in_address(p_kind text, p_account text, p_ip text)
returns boolean
language sql stable
set search_path = ''
as $$
  -- The account has signed in from this address (its IPv4 address or IPv6 /64, as the app counts it) in the last
  -- 90 days: a login recorded it. Someone guessing cannot have that, the owner at home or at the office does.
  -- No address ("unknown": a peer that named no IP) is never known. The cast sits behind the CASE, not beside an
  -- AND, which SQL may evaluate in either order ('unknown'::inet was once cast first and answered 400).
  select exists (
    select 1 from app.refresh_token_families f
    where f.created_at > now() - interval '90 days'
      and f.ip <<= (case when pg_catalog.pg_input_is_valid(p_ip, 'inet') then p_ip end)::inet
      and case p_kind
            when 'consultant' then f.consultant_id = (select c.id from app.consultants c
                                                      where c.email = lower(btrim(p_account))::public.citext)
            else f.admin_id = (select a.id from app.admins a where a.email = lower(btrim(p_account))::public.citext) end)
$$;
comment on function app_private.known_sign_in_address is 'Whether an account signed in from this address (or IPv6 /64) in the last 90 days.';

create or replace function api.begin_sign_in(p_kind text, p_account text, p_ip text)
returns void
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_b record;
  v_wait integer;
  v_known boolean;
begin
  if p_kind is null or p_kind not in ('consultant', 'admin') then
    raise exception using errcode = 'NK400', message = 'bad_request', detail = 'Unknown kind of account.';
  end if;
  -- Count the attempt in every bucket; if one is already full, raise: the transaction rolls back, so a
  -- refused attempt counts nowhere (an address over its (account, IP) limit cannot fill the account's ceiling).
  -- The account's ceiling (failures from everywhere together) does not bind an address the account has signed in
  -- from before: guessers spread over twenty addresses could otherwise lock the owner out everywhere, every hour.
  -- Such an address still meets its own (account, IP) and IP limits.
  v_known := app_private.known_sign_in_address(p_kind, p_account, p_ip);
  for v_b in select * from app_private.sign_in_buckets(p_kind, p_account, p_ip) loop
    continue when v_b.ceiling and v_known;
    v_wait := app_private.count_hit(v_b.bucket, app_private.setting_integer(v_b.setting), v_b.window_seconds);
    if v_wait > 0 then
      raise exception using errcode = 'NK429', message = 'rate_limited',
        detail = 'Too many attempts; wait a little and try again.', hint = 'retry_after:' || v_wait;
    end if;
  end loop;
end;
$$;
comment on function api.begin_sign_in is 'Before a password check: count the attempt per (account, IP), IP and account (the ceiling, not for an address the account signed in from before), or NK429 (counting nothing) when one bucket is full. Definer: sign-in and its sessions: credentials, password hashes and refresh tokens, which no web role reads or writes.';

create or replace function api.forgive_sign_in(p_kind text, p_account text, p_ip text)
returns void
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_b record;
begin
  -- The password was right: the attempt begin_sign_in counted was no failure. Row by row, in lock order (the
  -- ceiling was not counted for a known address, so it is not taken back either).
  for v_b in select * from app_private.sign_in_buckets(p_kind, p_account, p_ip) loop
    continue when v_b.ceiling and app_private.known_sign_in_address(p_kind, p_account, p_ip);
    update app.rate_limit_hits set hits = greatest(hits - 1, 0)
    where bucket = v_b.bucket
      and window_start = to_timestamp(floor(extract(epoch from now()) / v_b.window_seconds) * v_b.window_seconds);
  end loop;
end;
$$;
comment on function api.forgive_sign_in is 'After a right password: take back the attempt begin_sign_in counted, so only failures count. Definer: sign-in and its sessions: credentials, password hashes and refresh tokens, which no web role reads or writes.';

create or replace function api.prune_rate_limits()
returns integer
language sql volatile security invoker
set search_path = ''
as $$
  with gone as (delete from app.rate_limit_hits where window_start < now() - interval '1 day' returning 1)
  select count(*)::integer from gone
$$;
comment on function api.prune_rate_limits is 'Delete counters of windows that ended more than a day ago.';

grant execute on function api.hit_rate_limit(text, integer, integer, text), api.begin_sign_in(text, text, text),
  api.forgive_sign_in(text, text, text) to nakksha_app;
grant execute on function api.prune_rate_limits() to nakksha_worker;
grant execute on function api.hit_rate_limit(text, integer, integer, text) to nakksha_worker;

-- Test: pytest tests/http/test_rate_limits.py tests/db/test_sign_in_limits.py
