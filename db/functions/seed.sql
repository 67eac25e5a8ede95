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
    approval_status, approved_at, published_at, zoom_link, linkedin_url)
  values (
    lower(p_email), p_password_hash, 'Asha', 'Verma', '+91', '9876543210', 'Career coaching',
    'One-to-one career consultation', 'Cracking product interviews (group webinar)',
    'Fifteen years hiring product managers in Bengaluru. I help you plan the next step and prepare for it.',
    180, 1499.00, 499.00, 'demo', true, now(), 'approved', now(), now(),
    'https://zoom.us/j/1234567890', 'https://www.linkedin.com/in/asha-verma-demo')
  returning id into v_id;
  -- Her tax profile before her history, so its payments withhold what hers would (a person with a PAN, under the
  -- TDS threshold; not registered for GST: receipts). The PAN's ciphertext is the app's to make (app/demo_seed.py
  -- replaces this placeholder); the rules read only its last four and holder type.
  insert into app.consultant_tax_profiles (consultant_id, gst_scheme, legal_name, state_code, address_line1, city,
                                           postal_code, pan_encrypted, pan_last4, pan_holder_type)
  values (v_id, 'unregistered', 'Asha Verma', '29', '12, 4th Cross, Indiranagar', 'Bengaluru', '560038',
          '\x00'::bytea, '234K', 'P');

  insert into app.availability_rules (consultant_id, session_type, weekday, start_time, end_time, slot_minutes, capacity)
  select v_id, 'personal', wd, time '10:00', time '13:00', 60, 1 from generate_series(1, 5) as wd
  union all
  select v_id, 'personal', 6, time '11:00', time '13:00', 60, 1
  union all
  select v_id, 'webinar', wd, time '18:00', time '19:30', 90, 25 from (values (2), (4)) as w(wd);

  -- The slots up to the horizon, as the daily roll-forward keeps them; the banner counts this week's.
  perform app_private.rematerialise_slots(v_id);
  -- Her old subscription before her history: each charge issues the platform's tax invoice dated when it was
  -- charged, in the series the history's commission invoices continue, so numbers follow dates.
  perform app_private.seed_demo_subscription(v_id);
  perform app_private.seed_demo_history(v_id);
  select count(*) into v_slots from app.availability_slots s
  where s.consultant_id = v_id and s.starts_at > now() and s.starts_at < now() + interval '7 days';
  return jsonb_build_object('consultant_id', v_id, 'email', lower(p_email), 'slug', 'demo', 'slots', v_slots);
end;
$$;
comment on function app_private.seed_demo is 'Load the approved demo consultant with prices, availability and 90 days of history, if no consultant exists.';

-- Ninety days of a believable practice, written through the tables' own triggers (derived times, client totals,
-- seat counts, refund totals, analytics marks), so the dashboard, the analysts' views and their documented
-- examples all show data on a fresh `make run`: one-to-one hours on most weekdays (a few cancelled and refunded,
-- a few no-shows, a few unpaid holds that lapsed), a Tuesday and Thursday webinar with a handful of attendees, a
-- few sessions coming up this week on the real slots, and quotations at every stage. Deterministic (hashes of the
-- date and hour, not random()), so every fresh demo looks the same.
create or replace function app_private.seed_demo_history(p_consultant uuid)
returns integer
language plpgsql volatile
set search_path = ''
as $$
declare
  v_tz text := (select timezone from app.consultants where id = p_consultant);
  v_today date := (now() at time zone (select timezone from app.consultants where id = p_consultant))::date;
  v_clients uuid[];
  v_sessions integer;
begin
  with names(name, i) as (
    select n, i from unnest(array['Rohan Mehta', 'Priya Nair', 'Arjun Iyer', 'Sneha Kulkarni', 'Vikram Rao',
      'Ananya Das', 'Karthik Menon', 'Meera Joshi', 'Aditya Singh', 'Kavya Reddy', 'Nikhil Bansal', 'Ishita Gupta',
      'Siddharth Jain', 'Pooja Pillai', 'Rahul Chatterjee', 'Divya Krishnan', 'Amit Deshpande', 'Neha Agarwal'])
      with ordinality as t(n, i)
  ), added as (
    insert into app.clients (consultant_id, name, email, created_at)
    select p_consultant, name, lower(replace(name, ' ', '.')) || '@example.in', now() - make_interval(days => 100 - i::integer * 4)
    from names
    returning id, created_at
  )
  select array_agg(id order by created_at) into v_clients from added;

  -- One-to-one hours: Monday to Saturday at 10, 11 and 12 (local), about two in five taken.
  create temporary table demo_s on commit drop as
  select d::date as day, h, abs(hashtext(d::date::text || h::text)) % 100 as roll,
         v_clients[1 + abs(hashtext('c' || d::date::text || h::text)) % array_length(v_clients, 1)] as client_id,
         (d::date + make_time(h, 0, 0)) at time zone v_tz as starts_at
  from generate_series(v_today - 90, v_today - 1, interval '1 day') as d, unnest(array[10, 11, 12]) as h
  where extract(isodow from d) between 1 and 6 and abs(hashtext(d::date::text || h::text)) % 100 < 42;

  insert into app.sessions (consultant_id, client_id, session_type, title, starts_at, ends_at, amount, status,
    payment_status, payment_method, meeting_platform, meeting_link, booked_via, hold_expires_at, confirmed_at,
    completed_at, cancelled_at, cancelled_by, cancellation_reason, client_timezone, created_at)
  select p_consultant, s.client_id, 'personal', 'One-to-one career consultation', s.starts_at,
         s.starts_at + interval '1 hour', 1499.00,
         case when s.roll < 34 then 'completed' when s.roll < 37 then 'cancelled' when s.roll < 39 then 'no_show'
              else 'abandoned' end,
         case when s.roll < 34 then 'paid' when s.roll < 37 then 'refunded' when s.roll < 39 then 'paid' else 'failed' end,
         case when s.roll < 39 then 'upi' end, 'zoom', 'https://zoom.us/j/1234567890', 'public',
         case when s.roll >= 39 then s.starts_at - interval '3 days' + interval '15 minutes' end,
         case when s.roll < 39 then s.starts_at - interval '3 days' end,
         case when s.roll < 34 then s.starts_at + interval '1 hour' end,
         case when s.roll between 34 and 36 then s.starts_at - interval '1 day' end,
         case when s.roll between 34 and 36 then 'client' end,
         case when s.roll between 34 and 36 then 'Something came up at work' end, v_tz, s.starts_at - interval '3 days'
  from demo_s s order by s.starts_at;

  -- Webinars: Tuesdays and Thursdays at 18:00 (local), on a slot of 25 seats, three to nine attendees each.
  create temporary table demo_w on commit drop as
  select gen_random_uuid() as slot_id, (d::date + time '18:00') at time zone v_tz as starts_at,
         3 + abs(hashtext('w' || d::date::text)) % 7 as seats
  from generate_series(v_today - 90, v_today - 1, interval '1 day') as d
  where extract(isodow from d) in (2, 4);
  insert into app.availability_slots (id, consultant_id, session_type, starts_at, ends_at, capacity, source, rule_id)
  select w.slot_id, p_consultant, 'webinar', w.starts_at, w.starts_at + interval '90 minutes', 25, 'rule',
         (select r.id from app.availability_rules r where r.consultant_id = p_consultant and r.session_type = 'webinar'
          and r.weekday = extract(isodow from w.starts_at at time zone v_tz) limit 1)
  from demo_w w;
  insert into app.sessions (consultant_id, client_id, slot_id, session_type, title, starts_at, ends_at, amount, status,
    payment_status, payment_method, meeting_platform, meeting_link, booked_via, confirmed_at, completed_at,
    client_timezone, created_at)
  select p_consultant, v_clients[1 + (abs(hashtext(w.slot_id::text)) + n * 5) % array_length(v_clients, 1)], w.slot_id,
         'webinar', 'Cracking product interviews (group webinar)', w.starts_at, w.starts_at + interval '90 minutes',
         499.00, 'completed', 'paid', 'upi', 'zoom', 'https://zoom.us/j/1234567890', 'public',
         w.starts_at - interval '2 days', w.starts_at + interval '90 minutes', v_tz, w.starts_at - interval '2 days'
  from demo_w w, generate_series(1, w.seats) as n;

  -- Coming up: a few of this week's free one-to-one slots, booked and paid.
  insert into app.sessions (consultant_id, client_id, slot_id, session_type, title, starts_at, ends_at, amount, status,
    payment_status, payment_method, meeting_platform, meeting_link, booked_via, confirmed_at, client_timezone, created_at)
  select p_consultant, v_clients[1 + (row_number() over (order by sl.starts_at))::integer * 3 % array_length(v_clients, 1)],
         sl.id, 'personal', 'One-to-one career consultation', sl.starts_at, sl.ends_at, 1499.00, 'confirmed', 'paid', 'upi',
         'zoom', 'https://zoom.us/j/1234567890', 'public', now() - interval '1 day', v_tz, now() - interval '1 day'
  from (select * from app.availability_slots sl
        where sl.consultant_id = p_consultant and sl.session_type = 'personal' and sl.booked_count = 0
          and sl.starts_at > now() + interval '1 day' and sl.starts_at < now() + interval '7 days'
        order by sl.starts_at limit 4) sl;

  -- A repeat client, as a booking decides it: the client had a session (confirmed, held or missed) before this one.
  update app.sessions s set is_repeat_client = true
  where s.consultant_id = p_consultant and exists (
    select 1 from app.sessions e where e.consultant_id = p_consultant and e.client_id = s.client_id
      and e.starts_at < s.starts_at and e.status in ('confirmed', 'completed', 'no_show'));

  -- Quotations at every stage, for bigger engagements.
  insert into app.quotations (consultant_id, client_id, client_name, client_email, quotation_name, description,
    base_amount, discount_percentage, validity_period, expires_at, status, public_token_hash, view_count,
    last_viewed_at, sent_at, responded_at, response_reason, paid_at, created_at)
  select p_consultant, c.id, c.name, c.email, q.name, q.description, q.amount, q.discount, '30 days',
         now() - make_interval(days => q.ago) + interval '30 days', q.status,
         case when q.status <> 'draft' then sha256(convert_to(c.id::text || q.name, 'UTF8')) end,
         case when q.status in ('draft', 'sent') then 0 else 2 end,
         case when q.status not in ('draft', 'sent') then now() - make_interval(days => q.ago - 1) end,
         case when q.status <> 'draft' then now() - make_interval(days => q.ago) end,
         case when q.status in ('accepted', 'rejected') then now() - make_interval(days => q.ago - 2) end,
         case when q.status = 'rejected' then 'We went with an in-house programme this quarter.' end,
         case when q.paid then now() - make_interval(days => q.ago - 3) end,
         now() - make_interval(days => q.ago + 1)
  from (values
      (1, 'Career transition programme (6 sessions)', 'Six weekly sessions with a plan, mock interviews and CV reviews.', 8999.00, 10.00, 'accepted', 80, true),
      (4, 'Interview bootcamp for a team of four', 'Two group workshops and one-to-one mock interviews for each.', 21874.00, 0.00, 'accepted', 52, true),
      (7, 'Leadership coaching, three months', 'Fortnightly sessions for a newly promoted engineering manager.', 18000.00, 5.00, 'accepted', 30, false),
      (9, 'Resume and LinkedIn overhaul', 'Two working sessions and written feedback.', 3499.00, 0.00, 'rejected', 40, false),
      (11, 'Product sense workshop', 'A half-day workshop for a product team.', 12000.00, 15.00, 'viewed', 6, false),
      (13, 'Salary negotiation prep', 'One session and an email review of the offer.', 2499.00, 0.00, 'sent', 3, false),
      (15, 'Quarterly mentoring retainer', 'Monthly calls and async reviews for a quarter.', 15000.00, 0.00, 'draft', 1, false)
    ) as q(client_no, name, description, amount, discount, status, ago, paid)
  join lateral (select cl.id, cl.name, cl.email from app.clients cl where cl.id = v_clients[q.client_no]) c on true;
  -- Their lines: the working sessions and the written follow-up, adding up to each amount.
  insert into app.quotation_items (consultant_id, quotation_id, position, description, quantity, unit_price)
  select q.consultant_id, q.id, l.position, l.description, l.quantity, l.unit_price
  from app.quotations q
  cross join lateral (values
      (1, 'Working sessions, with preparation', 4::numeric, round(q.base_amount * 0.8 / 4, 2)),
      (2, 'Written plan and follow-up review', 1::numeric, q.base_amount - 4 * round(q.base_amount * 0.8 / 4, 2))
    ) as l(position, description, quantity, unit_price)
  where q.consultant_id = p_consultant;

  -- Their payments (every booked session paid ahead, lapsed holds left none; the paid quotations), then the refunds
  -- of cancellations. Each capture issues its GST documents with the next gapless number of its series, so they are
  -- inserted in the order they were captured (and the refunds in the order they were processed): a document's
  -- number follows its date within the financial year, as a real history's would. Ids in Razorpay's shape: in
  -- development `nakksha seed-demo` records them in the local gateway too (app/demo_seed.py), so a refund of a
  -- seeded payment goes through like any other.
  insert into app.payment_transactions (consultant_id, purpose, session_id, quotation_id, client_id, amount, gateway,
    gateway_order_id, gateway_payment_id, payment_method, status, paid_at, created_at)
  select p.consultant_id, p.purpose, p.session_id, p.quotation_id, p.client_id, p.amount, 'local',
         'order_' || left(replace(p.id::text, '-', ''), 14), 'pay_' || left(replace(p.id::text, '-', ''), 14),
         p.method, 'completed', p.paid_at, p.paid_at
  from (select s.consultant_id, 'session' as purpose, s.id as session_id, null::uuid as quotation_id, s.client_id,
               s.amount, s.id, 'upi' as method, s.confirmed_at as paid_at
        from app.sessions s where s.consultant_id = p_consultant and s.status <> 'abandoned'
        union all
        select q.consultant_id, 'quotation', null, q.id, q.client_id, q.final_amount, q.id, 'netbanking', q.paid_at
        from app.quotations q where q.consultant_id = p_consultant and q.paid_at is not null) p
  order by p.paid_at, p.id;
  insert into app.payment_refunds (consultant_id, transaction_id, amount, reason, initiated_by, status,
    gateway_refund_id, processed_at, created_at)
  select t.consultant_id, t.id, t.amount, 'Cancelled by the client a day ahead', 'client_policy', 'processed',
         'rfnd_' || left(replace(t.id::text, '-', ''), 14), s.cancelled_at, s.cancelled_at
  from app.payment_transactions t join app.sessions s on s.id = t.session_id where s.status = 'cancelled'
    and s.consultant_id = p_consultant
  order by s.cancelled_at, t.id;

  -- The dashboard's daily figures and the views, as the jobs would have left them.
  perform api.refresh_daily_analytics();
  select count(*) into v_sessions from app.sessions where consultant_id = p_consultant;
  return v_sessions;
end;
$$;
comment on function app_private.seed_demo_history is 'Ninety days of the demo consultant''s practice (sessions, webinars, payments, refunds, clients, quotations), written through the tables'' triggers; the daily analytics rebuilt.';

-- The demo consultant tried Basic for two months before her ninety days of history and cancelled (her plan now is
-- free, so nothing she does on a fresh `make run` is unlocked by it, and none of her history's commission or payout
-- release was decided by it): the subscription, its two charges (each issues its tax invoice) and its history, so the
-- admin's subscription page and the analysts' analytics.subscriptions and MRR views have rows. Cancelled: no job
-- ever fetches it.
create or replace function app_private.seed_demo_subscription(p_consultant uuid)
returns void
language plpgsql volatile
set search_path = ''
as $$
declare
  v_start timestamptz := date_trunc('day', now()) - interval '160 days';
  v_price numeric := (select p.price_monthly from app.plans p where p.code = 'basic');
  v_sub uuid;
begin
  -- Verified: the seed's own, shared like any checked plan (recorded_by NULL) — so it must exist at the local gateway
  -- too, or every Basic monthly checkout of a seeded `make run` is refused there (the outside review: 502). Made in
  -- schema dev when it is there (development and test), with the notes the checkout writes.
  insert into app.gateway_plans (plan_code, period, amount, gateway, gateway_plan_id, verified_at)
  values ('basic', 'monthly', v_price, 'local', 'plan_DemoBasicMonth', v_start)
  on conflict do nothing;
  if to_regclass('dev.local_sub_plans') is not null then
    execute 'insert into dev.local_sub_plans (id, period, "interval", item, notes, created_at)
             values ($1, ''monthly'', 1, $2, $3, $4) on conflict (id) do nothing'
    using 'plan_DemoBasicMonth',
          jsonb_build_object('name', 'Nakksha Basic (monthly)', 'amount', (v_price * 100)::bigint, 'currency', 'INR'),
          jsonb_build_object('plan', 'basic', 'period', 'monthly'), v_start;
  end if;
  insert into app.subscriptions (consultant_id, plan_code, period, amount, gateway, gateway_plan_id,
    gateway_subscription_id, status, current_start, current_end, paid_from, paid_until, paid_count, payment_method,
    cancel_requested_at, fetched_at, created_at)
  values (p_consultant, 'basic', 'monthly', v_price, 'local', 'plan_DemoBasicMonth', 'sub_DemoBasicMonth',
    'cancelled', v_start + interval '30 days', v_start + interval '60 days', v_start, v_start + interval '60 days', 2,
    'upi', v_start + interval '45 days', v_start + interval '60 days', v_start)
  returning id into v_sub;
  insert into app.subscription_charges (subscription_id, consultant_id, plan_code, gateway, gateway_payment_id,
    amount, cycle_start, cycle_end, charged_at, payment_method)
  select v_sub, p_consultant, 'basic', 'local', 'pay_DemoBasicPaid' || n, v_price,
         v_start + (n - 1) * interval '30 days', v_start + n * interval '30 days', v_start + (n - 1) * interval '30 days',
         'upi'
  from generate_series(1, 2) n;
  insert into app.subscription_history (subscription_id, consultant_id, from_status, to_status, paid_until, source, at)
  values (v_sub, p_consultant, null, 'created', null, 'checkout', v_start),
         (v_sub, p_consultant, 'created', 'active', v_start + interval '30 days', 'webhook', v_start),
         (v_sub, p_consultant, 'active', 'active', v_start + interval '60 days', 'webhook', v_start + interval '30 days'),
         (v_sub, p_consultant, 'active', 'cancelled', v_start + interval '60 days', 'webhook', v_start + interval '60 days');
end;
$$;
comment on function app_private.seed_demo_subscription is 'The demo consultant''s past Basic subscription (two monthly charges, cancelled): rows for the admin''s subscription page and the analysts'' subscription views; her plan now is free.';

-- Test: pytest tests/meta/test_cli.py
