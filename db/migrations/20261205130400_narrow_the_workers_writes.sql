-- db/migrations/20261205130400_narrow_the_workers_writes.sql — the worker role updates only the columns its steps and the triggers they fire write.
-- 20261205130000 granted it UPDATE on whole tables, under `worker_steps` policies that span tenants: it could have
-- moved a payment or a session to another consultant, or changed an amount (an outside review found it). The
-- columns below are every one a worker step writes (db/functions: the api.worker_* steps, the reconciliation, the
-- sweeps, app_private.settle_refund / queue_session_emails / prepare_meeting / abandon_expired_holds) or a
-- trigger its writes fire (apply_refund_totals, refresh_client_*, sync_slot_seats); a BEFORE trigger's own
-- changes (updated_at, derived times) need no grant. Tables the worker alone keeps (calendar events and busy
-- times, the analytics tables) keep their grants.

-- migrate:up
revoke update on app.sessions, app.payment_transactions, app.payment_refunds, app.quotations,
  app.calendar_connections, app.email_logs, app.clients, app.consultant_client_counts, app.availability_slots
  from nakksha_worker;
grant update (status, payment_status, client_ip_hash, reminder_sent_for, meeting_link, meeting_id, meeting_password,
  meeting_source) on app.sessions to nakksha_worker;
grant update (status, amount_refunded, last_checked_at) on app.payment_transactions to nakksha_worker;
grant update (status, gateway_refund_id, failure_reason, updated_at) on app.payment_refunds to nakksha_worker;
grant update (status) on app.quotations to nakksha_worker;
grant update (status, last_error, busy_synced_at, access_token_encrypted, refresh_token_encrypted, access_expires_at,
  token_refreshed_at) on app.calendar_connections to nakksha_worker;
grant update (status, attempts, subject, provider, external_id, sent_at, failed_at, error_message, template_data)
  on app.email_logs to nakksha_worker;
grant update (total_amount_paid, total_sessions, first_session_at, last_session_at) on app.clients to nakksha_worker;
grant update (clients) on app.consultant_client_counts to nakksha_worker;
grant update (booked_count) on app.availability_slots to nakksha_worker;

-- migrate:down
revoke update on app.sessions, app.payment_transactions, app.payment_refunds, app.quotations,
  app.calendar_connections, app.email_logs, app.clients, app.consultant_client_counts, app.availability_slots
  from nakksha_worker;
grant update on app.sessions, app.payment_transactions, app.payment_refunds, app.quotations,
  app.calendar_connections, app.email_logs, app.clients, app.consultant_client_counts, app.availability_slots
  to nakksha_worker;
