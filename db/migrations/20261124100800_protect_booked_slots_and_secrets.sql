-- db/migrations/20261124100800_protect_booked_slots_and_secrets.sql — booked slots cannot be deleted or moved; admins with history cannot be deleted; the app role never reads password hashes.

-- migrate:up
-- A slot with seats taken is part of a booking: deleting it would orphan the session, moving it would
-- leave the session at the old time. Refuse both (409 slot_booked); capacity may still change, and the
-- booked_count check keeps it at or above the seats taken.
create function app.protect_booked_slot() returns trigger
language plpgsql
as $$
begin
  if old.booked_count > 0 and (tg_op = 'DELETE' or new.starts_at <> old.starts_at or new.ends_at <> old.ends_at
                               or new.consultant_id <> old.consultant_id or new.session_type <> old.session_type) then
    raise exception using errcode = 'NK409', message = 'slot_booked',
      detail = 'This slot has bookings; cancel or reschedule them first.', hint = 'field:slot_id';
  end if;
  return case when tg_op = 'DELETE' then old else new end;
end;
$$;
comment on function app.protect_booked_slot() is 'Trigger: a slot with seats taken is neither deleted nor moved.';

create trigger availability_slots_protect_booked before update or delete on app.availability_slots
  for each row execute function app.protect_booked_slot();

-- The audit log is append-only, so an admin who acted can only be deactivated, never deleted.
alter table app.admin_audit_log drop constraint admin_audit_log_admin_id_fkey;
alter table app.admin_audit_log add constraint admin_audit_log_admin_id_fkey
  foreign key (admin_id) references app.admins (id) on delete restrict;

-- Password hashes are read only by the security definer login functions.
revoke select on app.admins, app.consultants from nakksha_app;
grant select (id, email, name, role, is_active, last_login_at, created_by, created_at, updated_at)
  on app.admins to nakksha_app;
grant select (id, email, first_name, last_name, phone_country_code, phone_number, consultancy_sector, bank_name,
  bank_account_number_encrypted, ifsc_code_encrypted, personal_session_title, webinar_session_title, description,
  experience_months, personal_session_price, webinar_session_price, currency, instagram_url, linkedin_url,
  twitter_url, profile_photo_url, slug, timezone, is_active, is_email_verified, email_verified_at,
  subscription_plan, subscription_expires_at, approval_status, approved_at, approved_by, rejection_reason,
  min_notice_minutes, max_days_ahead, buffer_minutes, hold_minutes, cancellation_policy, default_meeting_platform,
  zoom_link, meet_link, teams_link, notification_preferences, last_login_at, deleted_at, created_at, updated_at)
  on app.consultants to nakksha_app;

-- migrate:down
revoke select on app.admins, app.consultants from nakksha_app;
grant select on app.admins, app.consultants to nakksha_app;
alter table app.admin_audit_log drop constraint admin_audit_log_admin_id_fkey;
alter table app.admin_audit_log add constraint admin_audit_log_admin_id_fkey
  foreign key (admin_id) references app.admins (id) on delete set null;
drop trigger availability_slots_protect_booked on app.availability_slots;
drop function app.protect_booked_slot();
