-- app/queries/admin.sql — admins managing consultants and admins (db/functions/admins.sql).

-- name: approve_consultant(consultant_id)$
-- Approve a consultant (their email must be confirmed: else 409 email_unverified).
select api.approve_consultant(:consultant_id);

-- name: reject_consultant(consultant_id, reason)$
-- Reject a consultant, with a reason.
select api.reject_consultant(:consultant_id, :reason);

-- name: suspend_consultant(consultant_id, reason)$
-- Suspend a consultant: page hidden, dashboard read-only, signed out everywhere.
select api.suspend_consultant(:consultant_id, :reason);

-- name: suspend_consultant_and_cancel(consultant_id, reason)$
-- Suspend a consultant and cancel every upcoming paid session with a full refund (the refund job sends it; each client is emailed).
select api.suspend_consultant(:consultant_id, :reason, null, true);

-- name: reactivate_consultant(consultant_id)$
-- Reactivate a suspended consultant.
select api.reactivate_consultant(:consultant_id);

-- name: admin_list_consultants(status, q, page, per_page)$
-- Consultants, pending first: filter by status, search name/email/slug, paged, with counts.
select api.admin_list_consultants(:status, :q, :page, :per_page);

-- name: admin_get_consultant(consultant_id)$
-- One consultant with verification state, subscription and approval history.
select api.admin_get_consultant(:consultant_id);

-- name: admin_list_subscriptions(status, page, per_page)$
-- Consultants with a subscription or a comp in force: plan in force, subscription state in words, next charge, paid until, failures, comp; past due first, filter by status, paged.
select api.admin_list_subscriptions(:status, :page, :per_page);

-- name: admin_set_subscription(consultant_id, plan, expires_at)$
-- Set a consultant's subscription plan and expiry (audited).
select api.admin_set_subscription(:consultant_id, :plan, :expires_at);

-- name: admin_list_admins()$
-- Every admin (super admins).
select api.admin_list_admins();

-- name: create_admin(email, name, password_hash, role)$
-- Create an admin (super admins).
select api.create_admin(:email, :name, :password_hash, :role);

-- name: deactivate_admin(admin_id)$
-- Deactivate an admin (super admins; ends their sessions).
select api.deactivate_admin(:admin_id);

-- name: admin_email_template_overrides()$
-- Super admins: every overridden email template.
select api.admin_email_template_overrides();

-- name: admin_set_email_template(email_type, subject, html_body, text_body)$
-- Override an email type's subject and bodies (Jinja2, sandboxed); refused (422) unless it renders on the sample data.
select api.admin_set_email_template(:email_type, :subject, :html_body, :text_body);

-- name: admin_reset_email_template(email_type)$
-- Drop an override: the built-in template applies again.
select api.admin_reset_email_template(:email_type);
