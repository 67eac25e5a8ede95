-- app/queries/email.sql — the send_email job's steps (jobs/email.py).

-- name: worker_claim_email(email_log_id)$
-- The queued email to send (counts the attempt), or NULL when it was already sent or failed.
select api.worker_claim_email(:email_log_id);

-- name: worker_store_outbox_message(email_log_id, idempotency_key, to_email, to_name, subject, html_body, text_body, attachments)$
-- Local adapter: store the rendered message once per idempotency key.
select api.worker_store_outbox_message(:email_log_id, :idempotency_key, :to_email, :to_name, :subject, :html_body, :text_body, :attachments);

-- name: worker_paid_document(session_id, quotation_id)$
-- The consultant's GST document of the payment that confirmed a session or paid a quotation (its snapshot), or NULL: the client's mail's PDF.
select api.worker_paid_document(:session_id, :quotation_id);

-- name: worker_mark_email_sent(email_log_id, subject, provider, external_id)!
-- The provider accepted the message.
select api.worker_mark_email_sent(:email_log_id, :subject, :provider, :external_id);

-- name: worker_mark_email_failed(email_log_id, error, final)!
-- Record a send error; final marks the message failed.
select api.worker_mark_email_failed(:email_log_id, :error, :final);

-- name: worker_queue_due_reminders(limit)$
-- Queue the reminder jobs of the sessions with a reminder falling due within the minute, at most limit (every minute).
select api.worker_queue_due_reminders(:limit);

-- name: worker_session_reminder(session_id, starts_at, minutes_before)$
-- Queue one of a session's reminders (minutes_before: its offset; null: the platform's) if it still applies.
select api.worker_session_reminder(:session_id, :starts_at, :minutes_before);

-- name: handle_resend_webhook(event_id, payload)$
-- Resend's delivery reports (Svix-signed): delivered, bounced and complained move the email log; bounces and complaints suppress the address. Once per svix-id.
select api.handle_resend_webhook(:event_id, :payload);
