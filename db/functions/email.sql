-- db/functions/email.sql — the email outbox: queue a message with its job, and the worker's steps to send it.

create or replace function app_private.queue_email(
  p_email_type text,
  p_recipient_email text,
  p_recipient_name text,
  p_template_data jsonb default '{}',
  p_consultant_id uuid default null,
  p_admin_id uuid default null,
  p_client_id uuid default null,
  p_session_id uuid default null,
  p_quotation_id uuid default null,
  p_scheduled_at timestamptz default null
) returns uuid
language plpgsql volatile
set search_path = ''
as $$
declare
  v_id uuid;
begin
  -- An address under .invalid (RFC 2606: an anonymised client's, a deleted account's) can never receive mail:
  -- nothing is queued to it.
  if lower(btrim(p_recipient_email)) like '%.invalid' then
    return null;
  end if;
  -- The log row and the job are written together: a rolled-back cause sends nothing, a committed one
  -- always has its job.
  insert into app.email_logs (consultant_id, admin_id, client_id, session_id, quotation_id, email_type,
                              recipient_email, recipient_name, template_data)
  values (p_consultant_id, p_admin_id, p_client_id, p_session_id, p_quotation_id, p_email_type,
          lower(btrim(p_recipient_email)), p_recipient_name, coalesce(p_template_data, '{}'))
  returning id into v_id;
  perform app_private.defer_job('send_email', jsonb_build_object('email_log_id', v_id), 'emails', p_scheduled_at);
  return v_id;
end;
$$;
comment on function app_private.queue_email is 'Insert a queued email_logs row and defer its send_email job in the same transaction (nothing for an address under .invalid); its id, or NULL.';

create or replace function api.worker_claim_email(p_email_log_id uuid)
returns jsonb
language plpgsql volatile security invoker
set search_path = ''
as $$
declare
  v_l app.email_logs;
  v_reason text;
begin
  -- Only a queued message is sent; a retried job for a message already sent or failed gets NULL and stops.
  select * into v_l from app.email_logs where id = p_email_log_id and status = 'queued' for update;
  if v_l.id is null then
    return null;
  end if;
  -- An address that bounced or complained gets nothing more: logged as failed with the reason, never sent.
  select s.reason into v_reason from app.email_suppressions s where s.email = v_l.recipient_email;
  if v_reason is not null then
    update app.email_logs set status = 'failed', failed_at = now(),
      error_message = format('suppressed: %s earlier', v_reason)
    where id = v_l.id;
    return null;
  end if;
  update app.email_logs set attempts = attempts + 1 where id = v_l.id returning * into v_l;
  return jsonb_build_object(
    'id', v_l.id, 'email_type', v_l.email_type, 'recipient_email', v_l.recipient_email::text,
    'recipient_name', v_l.recipient_name, 'template_data', v_l.template_data,
    'idempotency_key', v_l.idempotency_key, 'attempts', v_l.attempts,
    -- How the mail is signed (email/_layout.html): the platform's own mails are Nakksha's; a mail to a client on a
    -- consultant's behalf says "Powered by Nakksha" unless the consultant's plan in force removes the branding.
    'branding', case when v_l.consultant_id is null
                       or v_l.email_type not in ('session_confirmation', 'session_reminder', 'session_cancelled_client',
                                                 'session_rescheduled', 'refund_processed', 'quotation_received',
                                                 'quotation_paid') then 'nakksha'
                     when coalesce(app.plan_allows(v_l.consultant_id, 'remove_branding'), false) then 'none'
                     else 'powered_by' end,
    -- A super admin's override of this type's template, if any (checked to render when it was saved).
    'override', (select jsonb_build_object('subject', t.subject, 'html_body', t.html_body, 'text_body', t.text_body)
                 from app.email_templates t where t.email_type = v_l.email_type));
end;
$$;
comment on function api.worker_claim_email is 'Worker: the queued email to send (counting the attempt), or NULL when it is no longer queued.';

create or replace function api.worker_store_outbox_message(
  p_email_log_id uuid, p_idempotency_key text, p_to_email text, p_to_name text,
  p_subject text, p_html_body text, p_text_body text, p_attachments jsonb default '[]'
) returns uuid
language sql volatile security invoker
set search_path = ''
as $$
  -- The local adapter's "provider": one message per idempotency key, like a real provider honouring the key.
  with ins as (
    insert into app.email_outbox (email_log_id, idempotency_key, to_email, to_name, subject, html_body, text_body, attachments)
    values (p_email_log_id, p_idempotency_key, lower(p_to_email), p_to_name, p_subject, p_html_body, p_text_body,
            coalesce(p_attachments, '[]'))
    on conflict (idempotency_key) do nothing
    returning id)
  select id from ins
  union all
  select o.id from app.email_outbox o where o.idempotency_key = p_idempotency_key
  limit 1
$$;
comment on function api.worker_store_outbox_message is 'Local email adapter: store the rendered message once per idempotency key; returns its id.';

create or replace function api.worker_mark_email_sent(
  p_email_log_id uuid, p_subject text, p_provider text, p_external_id text
) returns void
language sql volatile security invoker
set search_path = ''
as $$
  update app.email_logs
  set status = 'sent', subject = p_subject, provider = p_provider, external_id = p_external_id,
      sent_at = now(), error_message = null
  where id = p_email_log_id and status = 'queued'
$$;
comment on function api.worker_mark_email_sent is 'Worker: the provider accepted the message.';

create or replace function api.worker_mark_email_failed(p_email_log_id uuid, p_error text, p_final boolean)
returns void
language sql volatile security invoker
set search_path = ''
as $$
  -- A failure that will be retried only records the error; the last one moves the log to failed.
  update app.email_logs
  set error_message = left(p_error, 2000),
      status = case when p_final then 'failed' else status end,
      failed_at = case when p_final then now() else failed_at end
  where id = p_email_log_id and status = 'queued'
$$;
comment on function api.worker_mark_email_failed is 'Worker: record a send error; p_final marks the message failed for good.';

grant execute on function api.worker_claim_email(uuid),
  api.worker_store_outbox_message(uuid, text, text, text, text, text, text, jsonb),
  api.worker_mark_email_sent(uuid, text, text, text),
  api.worker_mark_email_failed(uuid, text, boolean) to nakksha_worker;

-- Delivery reports (Resend's webhook) ----------------------------------------------------------------

create or replace function api.handle_resend_webhook(p_event_id text, p_payload jsonb)
returns jsonb
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_type text := p_payload->>'type';
  v_l app.email_logs;
  v_inserted uuid;
begin
  -- Once per event id (Svix's message id): a redelivery is acknowledged and does nothing.
  insert into app.webhook_events (provider, event_id, event_type, payload)
  values ('resend', p_event_id, coalesce(v_type, 'unknown'), p_payload)
  on conflict (provider, event_id) do nothing
  returning id into v_inserted;
  if v_inserted is null then
    return jsonb_build_object('outcome', 'duplicate');
  end if;
  if v_type not in ('email.delivered', 'email.bounced', 'email.complained') then
    update app.webhook_events set processed_at = now() where id = v_inserted;
    return jsonb_build_object('outcome', 'ignored_event');
  end if;
  select * into v_l from app.email_logs
  where provider = 'resend' and external_id = p_payload #>> '{data,email_id}' for update;
  if v_l.id is null then
    -- Reported before our worker recorded the send (or not ours): refuse, so Resend retries it later.
    raise exception using errcode = 'NK404', message = 'email_not_found', detail = 'No email with that id (yet).';
  end if;
  -- Statuses only move forward: a late "delivered" never hides a bounce or a complaint.
  if v_type = 'email.delivered' and v_l.status = 'sent' then
    update app.email_logs set status = 'delivered', delivered_at = now() where id = v_l.id;
  elsif v_type = 'email.bounced' and v_l.status in ('sent', 'delivered') then
    update app.email_logs set status = 'bounced', bounced_at = now(),
      error_message = left(coalesce(p_payload #>> '{data,bounce,message}', 'bounced'), 2000)
    where id = v_l.id;
  elsif v_type = 'email.complained' and v_l.status in ('sent', 'delivered') then
    update app.email_logs set status = 'complained' where id = v_l.id;
  end if;
  if v_type in ('email.bounced', 'email.complained') then
    insert into app.email_suppressions (email, reason, email_log_id)
    values (lower(v_l.recipient_email::text), case v_type when 'email.bounced' then 'bounced' else 'complained' end, v_l.id)
    on conflict (email) do nothing;
  end if;
  update app.webhook_events set processed_at = now() where id = v_inserted;
  return jsonb_build_object('outcome', replace(v_type, 'email.', ''));
end;
$$;
comment on function api.handle_resend_webhook is 'A verified Resend delivery report: the email log moves forward, bounces and complaints are suppressed; once per event. Definer: a provider''s verified webhook: no caller, any tenant''s payment or email, recorded once per event.';

grant execute on function api.handle_resend_webhook(text, jsonb) to nakksha_app;

-- Template overrides (super admins) ------------------------------------------------------------------

create or replace function api.admin_email_template_overrides()
returns jsonb
language plpgsql stable security invoker
set search_path = ''
as $$
begin
  perform api.require_admin(true);
  return coalesce((select jsonb_agg(jsonb_build_object('email_type', t.email_type, 'subject', t.subject,
                     'html_body', t.html_body, 'text_body', t.text_body, 'updated_at', t.updated_at,
                     'updated_by', t.updated_by) order by t.email_type)
                   from app.email_templates t), '[]');
end;
$$;
comment on function api.admin_email_template_overrides is 'Super admins: every overridden email template.';

create or replace function api.admin_set_email_template(p_email_type text, p_subject text, p_html_body text,
                                                        p_text_body text)
returns jsonb
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_actor uuid := app_private.require_admin(null, true);
  v_t app.email_templates;
begin
  -- The app renders the override on sample data before calling this: one that fails is refused on save.
  insert into app.email_templates (email_type, subject, html_body, text_body, updated_by)
  values (p_email_type, p_subject, p_html_body, p_text_body, v_actor)
  on conflict (email_type) do update set subject = excluded.subject, html_body = excluded.html_body,
    text_body = excluded.text_body, updated_by = excluded.updated_by
  returning * into v_t;
  perform app_private.audit(v_actor, 'email_template_overridden', 'email_template', null,
                            jsonb_build_object('email_type', p_email_type));
  return jsonb_build_object('email_type', v_t.email_type, 'subject', v_t.subject, 'html_body', v_t.html_body,
                            'text_body', v_t.text_body, 'updated_at', v_t.updated_at, 'updated_by', v_t.updated_by);
end;
$$;
comment on function api.admin_set_email_template is 'Super admins: override an email type''s subject and bodies (audited). Definer: an admin action across tenants: checks the acting admin and writes the audit log (no write policy names an admin role).';

create or replace function api.admin_reset_email_template(p_email_type text)
returns boolean
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_actor uuid := app_private.require_admin(null, true);
begin
  delete from app.email_templates where email_type = p_email_type;
  if not found then
    return false;
  end if;
  perform app_private.audit(v_actor, 'email_template_reset', 'email_template', null,
                            jsonb_build_object('email_type', p_email_type));
  return true;
end;
$$;
comment on function api.admin_reset_email_template is 'Super admins: drop an override; the built-in template applies again (audited). Definer: an admin action across tenants: checks the acting admin and writes the audit log (no write policy names an admin role).';

grant execute on function api.admin_email_template_overrides(), api.admin_set_email_template(text, text, text, text),
  api.admin_reset_email_template(text) to nakksha_app;

-- Test: pytest tests/jobs/test_outbox.py tests/http/test_email_templates.py
