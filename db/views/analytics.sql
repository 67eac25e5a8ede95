-- db/views/analytics.sql — the analysts' views (schema analytics): run as their owner, no personal data.

create view analytics.consultants (id, approval_status, subscription_plan, subscription_expires_at, timezone,
                                   is_email_verified, is_active, created_at, approved_at) as
  select c.id, c.approval_status, c.subscription_plan, c.subscription_expires_at, c.timezone,
         c.is_email_verified, c.is_active, c.created_at, c.approved_at
  from app.consultants c
  where c.deleted_at is null;
comment on view analytics.consultants is 'Consultants without personal data: plan, approval, timezone, dates.';

create view analytics.sessions (id, consultant_id, client_id, session_type, status, payment_status, starts_at,
                                ends_at, duration_minutes, amount, currency, booked_via, is_repeat_client,
                                created_at, cancelled_at) as
  select s.id, s.consultant_id, s.client_id, s.session_type, s.status, s.payment_status, s.starts_at,
         s.ends_at, s.duration_minutes, s.amount, s.currency, s.booked_via, s.is_repeat_client,
         s.created_at, s.cancelled_at
  from app.sessions s;
comment on view analytics.sessions is 'Every session: type, status, time, amount. Client identity only as an opaque id.';

create view analytics.payments (id, consultant_id, purpose, session_id, quotation_id, amount, amount_refunded,
                                currency, gateway, status, paid_at, created_at) as
  select p.id, p.consultant_id, p.purpose, p.session_id, p.quotation_id, p.amount, p.amount_refunded,
         p.currency, p.gateway, p.status, p.paid_at, p.created_at
  from app.payment_transactions p;
comment on view analytics.payments is 'Payments and how much of each was refunded.';

grant select on analytics.consultants, analytics.sessions, analytics.payments to nakksha_analyst;

-- Test: pytest tests/db/test_rls.py
