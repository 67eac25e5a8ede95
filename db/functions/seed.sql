-- db/functions/seed.sql — the demo consultant `nakksha seed-demo` loads into an empty database.

create or replace function app_private.seed_demo(p_email text, p_password_hash text)
returns jsonb
language plpgsql volatile
set search_path = ''
as $$
declare
  v_id uuid;
  v_slots integer;
begin
  -- Only into an empty database: demo data never mixes with real consultants.
  if exists (select 1 from app.consultants) then
    return null;
  end if;
  insert into app.consultants (
    email, password_hash, first_name, last_name, phone_country_code, phone_number, consultancy_sector,
    personal_session_title, webinar_session_title, description, experience_months,
    personal_session_price, webinar_session_price, slug, is_email_verified, email_verified_at,
    approval_status, approved_at, zoom_link, linkedin_url)
  values (
    lower(p_email), p_password_hash, 'Asha', 'Verma', '+91', '9876543210', 'Career coaching',
    'One-to-one career consultation', 'Cracking product interviews (group webinar)',
    'Fifteen years hiring product managers in Bengaluru. I help you plan the next step and prepare for it.',
    180, 1499.00, 499.00, 'demo', true, now(), 'approved', now(),
    'https://zoom.us/j/1234567890', 'https://www.linkedin.com/in/asha-verma-demo')
  returning id into v_id;

  insert into app.availability_rules (consultant_id, session_type, weekday, start_time, end_time, slot_minutes, capacity)
  select v_id, 'personal', wd, time '10:00', time '13:00', 60, 1 from generate_series(1, 5) as wd
  union all
  select v_id, 'personal', 6, time '11:00', time '13:00', 60, 1
  union all
  select v_id, 'webinar', wd, time '18:00', time '19:30', 90, 25 from (values (2), (4)) as w(wd);

  -- The slots up to the horizon, as the daily roll-forward keeps them; the banner counts this week's.
  perform app_private.rematerialise_slots(v_id);
  select count(*) into v_slots from app.availability_slots s
  where s.consultant_id = v_id and s.starts_at < now() + interval '7 days';
  return jsonb_build_object('consultant_id', v_id, 'email', lower(p_email), 'slug', 'demo', 'slots', v_slots);
end;
$$;
comment on function app_private.seed_demo is 'Load the approved demo consultant with prices and a week of availability, if no consultant exists.';

-- Test: pytest tests/meta/test_cli.py
