-- app/queries/admin.sql — admins managing consultants and admins (db/functions/admins.sql).

-- name: approve_consultant(consultant_id)$
-- Approve a consultant.
select api.approve_consultant(:consultant_id);

-- name: reject_consultant(consultant_id, reason)$
-- Reject a consultant with a reason.
select api.reject_consultant(:consultant_id, :reason);

-- name: suspend_consultant(consultant_id, reason)$
-- Suspend a consultant.
select api.suspend_consultant(:consultant_id, :reason);

-- name: reactivate_consultant(consultant_id)$
-- Reactivate a suspended consultant.
select api.reactivate_consultant(:consultant_id);

-- name: admin_list_consultants(status, q, page, per_page)$
-- Consultants by status and search, paged, with counts.
select api.admin_list_consultants(:status, :q, :page, :per_page);

-- name: admin_get_consultant(consultant_id)$
-- One consultant with their approval history.
select api.admin_get_consultant(:consultant_id);

-- name: admin_set_subscription(consultant_id, plan, expires_at)$
-- Set a consultant's plan and expiry.
select api.admin_set_subscription(:consultant_id, :plan, :expires_at);

-- name: admin_list_admins()$
-- Every admin (super admins).
select api.admin_list_admins();

-- name: create_admin(email, name, password_hash, role)$
-- Create an admin (super admins).
select api.create_admin(:email, :name, :password_hash, :role);

-- name: deactivate_admin(admin_id)$
-- Deactivate an admin (super admins).
select api.deactivate_admin(:admin_id);

-- name: admin_email_template_overrides()$
-- Super admins: every overridden email template.
select api.admin_email_template_overrides();

-- name: admin_set_email_template(email_type, subject, html_body, text_body)$
-- Super admins: override an email template.
select api.admin_set_email_template(:email_type, :subject, :html_body, :text_body);

-- name: admin_reset_email_template(email_type)$
-- Super admins: drop an override.
select api.admin_reset_email_template(:email_type);
