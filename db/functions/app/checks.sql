-- db/functions/app/checks.sql — values the tables' checks accept: IANA time zones, and the instants and dates the platform stores (the years 1970–2200, as app/schemas.py takes them).

create or replace function app.is_valid_timezone(p_tz text) returns boolean
language plpgsql immutable parallel safe
as $$
begin
  if p_tz is null or p_tz !~ '^(UTC|[A-Z][A-Za-z_]+(/[A-Za-z0-9_+-]+){1,2})$' then
    return false;
  end if;
  perform timestamptz '2000-01-01 00:00:00+00' at time zone p_tz;
  return true;
exception when invalid_parameter_value then
  return false;
end;
$$;
comment on function app.is_valid_timezone(text) is 'True for an IANA time zone name PostgreSQL knows.';

create or replace function app.is_plausible_instant(p_at timestamptz)
returns boolean
language sql immutable parallel safe
set search_path = ''
as $$
  -- 1970-01-01T00:00Z up to 2201-01-01T00:00Z (epoch 7289654400): an instant whose year in UTC is 1970–2200,
  -- exactly what the API's Instant accepts. Year 9999 is a valid timestamptz but has no local time east of
  -- UTC in Python (a 500 on the page showing it) and its local date is in the year 10000.
  select p_at is null or (p_at >= pg_catalog.to_timestamp(0) and p_at < pg_catalog.to_timestamp(7289654400))
$$;
comment on function app.is_plausible_instant(timestamptz) is 'True for NULL or an instant in the years 1970–2200 (UTC): the range the API takes and the tables keep.';
create or replace function app.is_plausible_date(p_day date)
returns boolean
language sql immutable parallel safe
set search_path = ''
as $$
  select p_day is null or p_day between date '1970-01-01' and date '2200-12-31'
$$;
comment on function app.is_plausible_date(date) is 'True for NULL or a date in the years 1970–2200 (asyncpg sends 9999-12-31 as infinity).';
grant execute on function app.is_plausible_instant(timestamptz), app.is_plausible_date(date) to nakksha_app, nakksha_admin,
  nakksha_worker;
grant execute on function app.is_valid_timezone(text) to nakksha_app, nakksha_admin, nakksha_worker;

-- Test: pytest tests/http/test_instant_bounds.py tests/db/test_local_times.py
