-- db/views/analytics.sql — the analysts' views (schema analytics, documented in docs/analytics.md): run as their owner, no personal data.

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

-- Daily views are read from app.daily_analytics, which the refresh_daily_analytics job rebuilds from the base
-- tables every minute: a write shows here within about a minute. Days are local dates in the consultant's
-- time zone; definitions are those of docs/metrics.md.
create view analytics.revenue_daily (consultant_id, day, gross_received, refunds_processed, net_received,
                                     personal_revenue, webinar_revenue, quotation_revenue, session_payments,
                                     updated_at) as
  select d.consultant_id, d.date, d.total_revenue, d.refunded_amount, d.total_revenue - d.refunded_amount,
         d.personal_revenue, d.webinar_revenue, d.quotation_revenue, d.session_payments, d.updated_at
  from app.daily_analytics d
  where d.total_revenue <> 0 or d.refunded_amount <> 0;
comment on view analytics.revenue_daily is 'Money received from clients per consultant and local day: payments by paid_at (personal + webinar + quotation = gross), processed refunds by processed_at, net. Lags the job by about a minute.';

create view analytics.consultant_daily_stats (consultant_id, day, total_sessions, completed_sessions,
                                              cancelled_sessions, abandoned_sessions, no_show_sessions,
                                              gross_received, refunds_processed, net_received, new_clients,
                                              returning_clients, quotations_sent, quotations_accepted,
                                              updated_at) as
  select d.consultant_id, d.date, d.total_sessions, d.completed_sessions, d.cancelled_sessions,
         d.abandoned_sessions, d.no_show_sessions, d.total_revenue, d.refunded_amount,
         d.total_revenue - d.refunded_amount, d.new_clients, d.returning_clients, d.quotations_sent,
         d.quotations_accepted, d.updated_at
  from app.daily_analytics d;
comment on view analytics.consultant_daily_stats is 'Per consultant and local day: sessions by outcome, money, new and returning clients, quotations (app.daily_analytics; lags about a minute).';

create view analytics.clients (id, consultant_id, created_at, first_session_at, last_session_at, total_sessions,
                               is_repeat_client, total_amount_paid, is_active) as
  select k.id, k.consultant_id, k.created_at, k.first_session_at, k.last_session_at, k.total_sessions,
         app.is_repeat_client(k.total_sessions), k.total_amount_paid, k.is_active
  from app.clients k;
comment on view analytics.clients is 'One row per client with the totals the database keeps; no name, email, phone or notes.';

create view analytics.quotations (id, consultant_id, client_id, status, base_amount, discount_percentage,
                                  final_amount, currency, created_at, sent_at, last_viewed_at, view_count,
                                  responded_at, paid_at, expires_at) as
  select q.id, q.consultant_id, q.client_id, q.status, q.base_amount, q.discount_percentage, q.final_amount,
         q.currency, q.created_at, q.sent_at, q.last_viewed_at, q.view_count, q.responded_at, q.paid_at,
         q.expires_at
  from app.quotations q;
comment on view analytics.quotations is 'Every quotation: amounts, status and its dates; no client name or email, title, description, notes or response reason.';

create view analytics.quotation_funnel (consultant_id, month, sent, viewed, accepted, rejected, expired, paid,
                                        value_sent, value_accepted, conversion_rate) as
  select q.consultant_id, date_trunc('month', q.sent_at at time zone c.timezone)::date,
         count(*), count(*) filter (where q.view_count > 0),
         count(*) filter (where q.status = 'accepted'), count(*) filter (where q.status = 'rejected'),
         count(*) filter (where q.status = 'expired'), count(*) filter (where q.paid_at is not null),
         coalesce(sum(q.final_amount), 0), coalesce(sum(q.final_amount) filter (where q.status = 'accepted'), 0),
         api.rate(count(*) filter (where q.status = 'accepted'), count(*))
  from app.quotations q
  join app.consultants c on c.id = q.consultant_id
  where q.sent_at is not null
  group by q.consultant_id, date_trunc('month', q.sent_at at time zone c.timezone)::date;
comment on view analytics.quotation_funnel is 'Quotations per consultant and local month sent: sent, viewed, accepted, rejected, expired, paid, values and conversion %.';

create view analytics.session_funnel (consultant_id, month, booked, abandoned, confirmed_or_later, cancelled,
                                      completed) as
  select s.consultant_id, date_trunc('month', s.created_at at time zone c.timezone)::date,
         count(*), count(*) filter (where s.status = 'abandoned'),
         count(*) filter (where s.status in ('confirmed', 'completed', 'no_show')),
         count(*) filter (where s.status in ('cancelled', 'returned')), count(*) filter (where s.status = 'completed')
  from app.sessions s
  join app.consultants c on c.id = s.consultant_id
  group by s.consultant_id, date_trunc('month', s.created_at at time zone c.timezone)::date;
comment on view analytics.session_funnel is 'Sessions per consultant and local month booked (created_at): booked, abandoned, confirmed or later, cancelled (refunded ones too), completed.';

-- GST documents (docs/gst.md): numbers, types, States and amounts; never a name, an address or a GSTIN (a
-- consultant's or an individual client's GSTIN carries their PAN). Months are India's (GST returns are).
create view analytics.invoices (id, consultant_id, issuer, document_type, number, financial_year, issued_at, month,
                                payment_id, refund_id, original_document_id, purpose, supplier_state_code,
                                recipient_registered, recipient_state_code, recipient_country,
                                place_of_supply_state_code, place_of_supply_country, sac, taxable_value, cgst_rate,
                                cgst, sgst_rate, sgst, igst_rate, igst, round_off, total, zero_rated) as
  select d.id, d.consultant_id, d.issuer, d.document_type, d.number, d.financial_year, d.issued_at,
         date_trunc('month', d.issued_at at time zone 'Asia/Kolkata')::date, d.payment_id, d.refund_id,
         d.original_document_id, d.purpose, d.supplier_state_code, d.recipient_gstin is not null,
         d.recipient_state_code, d.recipient_country, d.place_of_supply_state_code, d.place_of_supply_country, d.sac,
         d.taxable_value, d.cgst_rate, d.cgst, d.sgst_rate, d.sgst, d.igst_rate, d.igst, d.round_off, d.total,
         d.lut_reference is not null
  from app.tax_documents d;
comment on view analytics.invoices is 'Every GST document (invoice, bill of supply, receipt, credit note; the platform''s commission invoices): type, number, States and amounts, no names, addresses or GSTINs.';

create view analytics.gst_summary_monthly (month, consultant_id, issuer, place_of_supply_state_code, document_type,
                                           documents, taxable_value, cgst, sgst, igst, round_off, total) as
  select date_trunc('month', d.issued_at at time zone 'Asia/Kolkata')::date, d.consultant_id, d.issuer,
         d.place_of_supply_state_code, d.document_type, count(*), sum(d.taxable_value), sum(d.cgst), sum(d.sgst),
         sum(d.igst), sum(d.round_off), sum(d.total)
  from app.tax_documents d
  group by 1, d.consultant_id, d.issuer, d.place_of_supply_state_code, d.document_type;
comment on view analytics.gst_summary_monthly is 'GST documents per month (India), consultant, issuer, place of supply and type: their count, taxable value and each tax.';

grant select on analytics.consultants, analytics.sessions, analytics.payments, analytics.revenue_daily,
  analytics.consultant_daily_stats, analytics.clients, analytics.quotations, analytics.quotation_funnel,
  analytics.session_funnel, analytics.invoices, analytics.gst_summary_monthly to nakksha_analyst;

-- Test: pytest tests/db/test_analytics_views.py tests/db/test_rls.py
