-- db/views/materialized/consultant_dashboard_stats.sql — all-time totals per consultant, refreshed concurrently every few minutes.
-- materialized view: analytics.consultant_dashboard_stats
-- Each total is aggregated from its own table and joined on the consultant afterwards: joining sessions,
-- payments and clients first and summing after would count a payment once per client row (and a client
-- once per session), multiplying revenue. Revenue is money received from clients: session and quotation
-- payments less their processed refunds. Definitions: docs/metrics.md (cancelled includes `returned`; a repeat
-- client is app.is_repeat_client, as on the Clients page).
create materialized view analytics.consultant_dashboard_stats as
select c.id as consultant_id,
       coalesce(s.total_sessions, 0) as total_sessions,
       coalesce(s.completed_sessions, 0) as completed_sessions,
       coalesce(s.cancelled_sessions, 0) as cancelled_sessions,
       coalesce(s.upcoming_sessions, 0) as upcoming_sessions,
       coalesce(p.gross_revenue, 0) - coalesce(r.refunded, 0) as total_revenue,
       coalesce(p.gross_revenue, 0) as gross_revenue,
       coalesce(r.refunded, 0) as refunded_amount,
       coalesce(k.total_clients, 0) as total_clients,
       coalesce(k.repeat_clients, 0) as repeat_clients,
       coalesce(q.quotations_sent, 0) as quotations_sent,
       coalesce(q.quotations_accepted, 0) as quotations_accepted,
       s.last_session_at,
       now() as refreshed_at
from app.consultants c
left join (
  select consultant_id,
         count(*) filter (where status <> 'abandoned') as total_sessions,
         count(*) filter (where status = 'completed') as completed_sessions,
         count(*) filter (where status in ('cancelled', 'returned')) as cancelled_sessions,
         count(*) filter (where status in ('pending', 'confirmed') and starts_at > now()) as upcoming_sessions,
         max(starts_at) filter (where status in ('confirmed', 'completed', 'no_show')) as last_session_at
  from app.sessions group by consultant_id) s on s.consultant_id = c.id
left join (
  select consultant_id, sum(amount) as gross_revenue from app.payment_transactions
  where status in ('completed', 'partially_refunded', 'refunded') and purpose in ('session', 'quotation')
  group by consultant_id) p on p.consultant_id = c.id
left join (
  select r.consultant_id, sum(r.amount) as refunded from app.payment_refunds r
  join app.payment_transactions t on t.id = r.transaction_id
  where r.status = 'processed' and t.purpose in ('session', 'quotation') group by r.consultant_id) r on r.consultant_id = c.id
left join (
  select consultant_id, count(*) as total_clients,
         count(*) filter (where app.is_repeat_client(total_sessions)) as repeat_clients
  from app.clients group by consultant_id) k on k.consultant_id = c.id
left join (
  select consultant_id, count(*) filter (where sent_at is not null) as quotations_sent,
         count(*) filter (where status = 'accepted') as quotations_accepted
  from app.quotations group by consultant_id) q on q.consultant_id = c.id
where c.deleted_at is null;

create unique index consultant_dashboard_stats_consultant on analytics.consultant_dashboard_stats (consultant_id);
comment on materialized view analytics.consultant_dashboard_stats is 'All-time totals per consultant (sessions, money received, clients, quotations); refreshed concurrently by refresh_views.';
grant select on analytics.consultant_dashboard_stats to nakksha_analyst;
