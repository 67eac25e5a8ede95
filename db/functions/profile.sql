-- db/functions/profile.sql — a consultant's own account: profile and settings, bank details, photo, export, deletion.

create or replace function app_private.caller_consultant()
returns app.consultants
language plpgsql stable
set search_path = ''
as $$
declare
  v_c app.consultants;
begin
  select * into v_c from app.consultants where id = app.current_consultant_id() and deleted_at is null;
  if v_c.id is null then
    raise exception using errcode = 'NK401', message = 'unauthorized', detail = 'Log in first.';
  end if;
  return v_c;
end;
$$;
comment on function app_private.caller_consultant is 'The calling consultant''s row, or NK401.';

-- For invoker code: the calling consultant's id, or NK401 (a deleted account, or none). The consultants policy
-- shows the caller their own row only.
create or replace function api.caller_consultant_id()
returns uuid
language plpgsql stable security invoker
set search_path = ''
as $$
declare
  v_id uuid;
begin
  select c.id into v_id from app.consultants c where c.id = app.current_consultant_id() and c.deleted_at is null;
  if v_id is null then
    raise exception using errcode = 'NK401', message = 'unauthorized', detail = 'Log in first.';
  end if;
  return v_id;
end;
$$;
comment on function api.caller_consultant_id is 'The calling consultant''s id (not deleted), or NK401; for invoker functions.';
grant execute on function api.caller_consultant_id() to nakksha_app;

create or replace function api.update_my_profile(p_patch jsonb)
returns jsonb
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_c app.consultants := app_private.caller_consultant();
  v_new app.consultants;
begin
  -- A patch: only the keys present change (a JSON null clears an optional field). Shapes and formats were
  -- checked by the request schema; the table's constraints have the last word (slug, timezone, ranges).
  update app.consultants c set
    first_name = case when p_patch ? 'first_name' then p_patch->>'first_name' else c.first_name end,
    last_name = case when p_patch ? 'last_name' then p_patch->>'last_name' else c.last_name end,
    phone_country_code = case when p_patch ? 'phone_country_code' then p_patch->>'phone_country_code' else c.phone_country_code end,
    phone_number = case when p_patch ? 'phone_number' then p_patch->>'phone_number' else c.phone_number end,
    consultancy_sector = case when p_patch ? 'consultancy_sector' then p_patch->>'consultancy_sector' else c.consultancy_sector end,
    personal_session_title = case when p_patch ? 'personal_session_title' then p_patch->>'personal_session_title' else c.personal_session_title end,
    webinar_session_title = case when p_patch ? 'webinar_session_title' then p_patch->>'webinar_session_title' else c.webinar_session_title end,
    personal_session_price = case when p_patch ? 'personal_session_price' then (p_patch->>'personal_session_price')::numeric else c.personal_session_price end,
    webinar_session_price = case when p_patch ? 'webinar_session_price' then (p_patch->>'webinar_session_price')::numeric else c.webinar_session_price end,
    description = case when p_patch ? 'description' then p_patch->>'description' else c.description end,
    experience_months = case when p_patch ? 'experience_months' then (p_patch->>'experience_months')::integer else c.experience_months end,
    instagram_url = case when p_patch ? 'instagram_url' then p_patch->>'instagram_url' else c.instagram_url end,
    linkedin_url = case when p_patch ? 'linkedin_url' then p_patch->>'linkedin_url' else c.linkedin_url end,
    twitter_url = case when p_patch ? 'twitter_url' then p_patch->>'twitter_url' else c.twitter_url end,
    slug = case when p_patch ? 'slug' then p_patch->>'slug' else c.slug end,
    timezone = case when p_patch ? 'timezone' then p_patch->>'timezone' else c.timezone end,
    min_notice_minutes = case when p_patch ? 'min_notice_minutes' then (p_patch->>'min_notice_minutes')::integer else c.min_notice_minutes end,
    max_days_ahead = case when p_patch ? 'max_days_ahead' then (p_patch->>'max_days_ahead')::integer else c.max_days_ahead end,
    buffer_minutes = case when p_patch ? 'buffer_minutes' then (p_patch->>'buffer_minutes')::integer else c.buffer_minutes end,
    hold_minutes = case when p_patch ? 'hold_minutes' then (p_patch->>'hold_minutes')::integer else c.hold_minutes end,
    cancellation_policy = case when p_patch ? 'cancellation_policy' then p_patch->'cancellation_policy' else c.cancellation_policy end,
    default_meeting_platform = case when p_patch ? 'default_meeting_platform' then p_patch->>'default_meeting_platform' else c.default_meeting_platform end,
    zoom_link = case when p_patch ? 'zoom_link' then p_patch->>'zoom_link' else c.zoom_link end,
    meet_link = case when p_patch ? 'meet_link' then p_patch->>'meet_link' else c.meet_link end,
    teams_link = case when p_patch ? 'teams_link' then p_patch->>'teams_link' else c.teams_link end,
    notification_preferences = case when p_patch ? 'notification_preferences'
      then c.notification_preferences || (p_patch->'notification_preferences') else c.notification_preferences end,
    -- The client reminder schedule (PUT /consultants/me/reminders), kept largest first; NULL: the platform's.
    -- An empty array is no schedule at all (the table's check refuses it), not the platform's (JSON null).
    reminder_minutes_before = case when not p_patch ? 'reminder_minutes_before' then c.reminder_minutes_before
      when jsonb_typeof(p_patch->'reminder_minutes_before') = 'array'
      then coalesce((select array_agg(m::integer order by m::integer desc)
                     from jsonb_array_elements_text(p_patch->'reminder_minutes_before') m), '{}') end
  where c.id = v_c.id
  returning * into v_new;
  -- Saving a schedule of one's own is the plan's (custom_reminders); going back to the platform's is always allowed,
  -- and a downgrade keeps a saved one (unused until a plan includes it again: app.reminder_schedule).
  if v_new.reminder_minutes_before is not null and p_patch ? 'reminder_minutes_before' then
    perform app.require_plan(v_new.id, 'custom_reminders', null, 'minutes_before');
  end if;
  if v_new.reminder_minutes_before is distinct from v_c.reminder_minutes_before then
    perform app_private.rewake_reminders(v_new.id);
  end if;
  -- A horizon that grew or shrank: bring the slots in line now rather than at the next daily run (booked
  -- slots stay where they are). A new timezone re-makes them in its trigger (app.rederive_local_times), with
  -- the new horizon already in the row.
  if v_new.max_days_ahead <> v_c.max_days_ahead and v_new.timezone = v_c.timezone then
    perform app_private.rematerialise_slots(v_new.id);
  end if;
  return api.consultant_json(v_new.id);
end;
$$;
comment on function api.update_my_profile is 'Change the calling consultant''s profile and settings (the keys present in the patch). Definer: writes the slug and the hold time, which no web role may write directly (the slug is the public page''s address).';

create or replace function api.set_my_bank_details(p_bank_name text, p_account_number_encrypted bytea,
                                                   p_ifsc_code_encrypted bytea)
returns jsonb
language plpgsql volatile security invoker
set search_path = ''
as $$
declare
  v_id uuid := api.caller_consultant_id();
begin
  -- The consultants policy lets the caller update their own row only; the grant, these three columns.
  update app.consultants set bank_name = p_bank_name, bank_account_number_encrypted = p_account_number_encrypted,
    ifsc_code_encrypted = p_ifsc_code_encrypted
  where id = v_id;
  return api.consultant_json(v_id);
end;
$$;
comment on function api.set_my_bank_details is 'Store the calling consultant''s bank details (account number and IFSC as ciphertext).';

create or replace function api.set_my_photo(p_url text)
returns jsonb
language plpgsql volatile security invoker
set search_path = ''
as $$
declare
  v_id uuid := api.caller_consultant_id();
  v_replaced text;
begin
  -- The row is locked before the photo it shows is read: of two uploads at once, the second waits for the
  -- first to commit and then replaces (and lets the app delete) the first one's photo, never its own or the
  -- one that ends up recorded. (FOR UPDATE needs the caller's UPDATE grant on the row: the policy's own row.)
  select profile_photo_url into v_replaced from app.consultants where id = v_id for update;
  update app.consultants set profile_photo_url = p_url where id = v_id;
  return api.consultant_json(v_id) || jsonb_build_object('replaced_photo_url',
    case when v_replaced is distinct from p_url then v_replaced end);
end;
$$;
comment on function api.set_my_photo is 'Point the calling consultant''s profile photo at a stored image. replaced_photo_url: the photo it replaced (null when none), for the app to delete.';

create or replace function api.export_my_data()
returns jsonb
language plpgsql stable security definer
set search_path = ''
as $$
declare
  v_c app.consultants := app_private.caller_consultant();
begin
  -- Everything held about the consultant and their business (GDPR portability). Secrets stay out:
  -- no password hash, no token hashes; bank details masked by the app from the account section.
  return jsonb_build_object(
    'exported_at', now(),
    'account', api.consultant_json(v_c.id),
    'availability_rules', coalesce((select jsonb_agg(to_jsonb(r) order by r.created_at) from app.availability_rules r where r.consultant_id = v_c.id), '[]'),
    'availability_blocks', coalesce((select jsonb_agg(to_jsonb(b) order by b.starts_at) from app.availability_blocks b where b.consultant_id = v_c.id), '[]'),
    'availability_slots', coalesce((select jsonb_agg(to_jsonb(s) order by s.starts_at) from app.availability_slots s where s.consultant_id = v_c.id), '[]'),
    'clients', coalesce((select jsonb_agg(to_jsonb(cl) - 'phone_encrypted' - 'phone_hash' order by cl.created_at) from app.clients cl where cl.consultant_id = v_c.id), '[]'),
    'sessions', coalesce((select jsonb_agg(to_jsonb(s) - 'manage_token_hash' - 'occupied_during' - 'client_phone_encrypted' - 'client_ip_hash' order by s.starts_at) from app.sessions s where s.consultant_id = v_c.id), '[]'),
    'quotations', coalesce((select jsonb_agg(to_jsonb(q) - 'public_token_hash' order by q.created_at) from app.quotations q where q.consultant_id = v_c.id), '[]'),
    'payments', coalesce((select jsonb_agg(to_jsonb(p) order by p.created_at) from app.payment_transactions p where p.consultant_id = v_c.id), '[]'),
    'refunds', coalesce((select jsonb_agg(to_jsonb(r) order by r.created_at) from app.payment_refunds r where r.consultant_id = v_c.id), '[]'),
    'emails', coalesce((select jsonb_agg(to_jsonb(e) - 'template_data' order by e.queued_at) from app.email_logs e where e.consultant_id = v_c.id), '[]'),
    'sessions_log', coalesce((select jsonb_agg(jsonb_build_object('created_at', f.created_at, 'user_agent', f.user_agent,
                                'ip', f.ip, 'revoked_at', f.revoked_at, 'revoked_reason', f.revoked_reason) order by f.created_at)
                              from app.refresh_token_families f where f.consultant_id = v_c.id), '[]'),
    'daily_analytics', coalesce((select jsonb_agg(to_jsonb(d) order by d.date) from app.daily_analytics d where d.consultant_id = v_c.id), '[]'));
end;
$$;
comment on function api.export_my_data is 'All of the calling consultant''s data as one JSON document (data portability). Definer: includes the caller''s own sign-in history from the refresh-token families, which no web role reads.';

create or replace function api.delete_my_account()
returns void
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_c app.consultants := app_private.caller_consultant();
  v_tag text := replace(v_c.id::text, '-', '');
  v_s app.sessions;
  v_refund numeric(10, 2);
  v_open boolean;
begin
  -- Nobody who booked is stranded. Every session still to come (pending or confirmed) is cancelled by the
  -- consultant, what was paid for it is refunded in full (a job through the gateway, as when a consultant
  -- cancels one) and its client is told (a job), all in this transaction, before the consultant's name is
  -- erased from what that mail will say. Reminders go with the confirmation (the status trigger withdraws them).
  -- Bookings wait for this (the lock book_slot takes), and find the page gone after it: none lands unseen.
  perform pg_advisory_xact_lock(hashtextextended('book_slot:' || v_c.id::text, 0));
  perform app_private.abandon_expired_holds(v_c.id);
  for v_s in select * from app.sessions
             where consultant_id = v_c.id and status in ('pending', 'confirmed') and starts_at > now()
             order by starts_at, id
             for update loop
    update app.sessions set status = 'cancelled', cancelled_by = 'consultant',
      cancellation_reason = 'The consultant closed their account.'
    where id = v_s.id returning * into v_s;
    v_refund := app_private.refund_for_cancellation(v_s, 100, 'The consultant closed their account', 'consultant');
    perform app_private.queue_session_emails(v_s, 'cancelled_for_client', jsonb_build_object('refund_amount', v_refund::text));
  end loop;
  -- A quotation still open can no longer be accepted (and paid for) with nobody to deliver it.
  update app.quotations set status = 'expired' where consultant_id = v_c.id and status in ('sent', 'viewed');

  -- Erasure by anonymisation: personal data goes, the business records (sessions, payments, refunds,
  -- quotations) stay for the tax years they must be kept. The account can no longer log in, its page is
  -- gone (not approved, inactive), and its slug and email are free for others. Money still owed to (or by)
  -- them keeps the bank details it is paid with until it is settled (app.payout_open; the transfer jobs go on
  -- paying a deleted account, and api.worker_erase_settled_bank_details erases them after); their tax profile is
  -- kept for the TDS and TCS returns that name their PAN (docs/gst.md §13).
  v_open := app.payout_open(v_c.id);
  update app.consultants set
    email = 'deleted-' || v_tag || '@deleted.invalid', password_hash = null,
    first_name = 'Deleted', last_name = 'Consultant', phone_country_code = null, phone_number = null,
    consultancy_sector = null, bank_name = case when v_open then bank_name end,
    bank_account_number_encrypted = case when v_open then bank_account_number_encrypted end,
    ifsc_code_encrypted = case when v_open then ifsc_code_encrypted end,
    description = null, instagram_url = null, linkedin_url = null, twitter_url = null, profile_photo_url = null,
    zoom_link = null, meet_link = null, teams_link = null, personal_session_title = null, webinar_session_title = null,
    slug = 'deleted-' || left(v_tag, 20), is_active = false, deleted_at = now()
  where id = v_c.id;
  -- The images attached to quotations go with the photo (the app deletes their stored files).
  update app.quotations set quotation_image_url = null where consultant_id = v_c.id and quotation_image_url is not null;
  delete from app.one_time_tokens where consultant_id = v_c.id;
  perform app_private.revoke_families(v_c.id, null, 'deleted');
  update app.refresh_token_families set user_agent = null, ip = null where consultant_id = v_c.id;
  -- Mail sent to the consultant keeps its log line (what, when, how it went), not their address, name or
  -- links; mail still queued to them is not sent. Mail to their clients is the business's record and stays.
  delete from app.email_outbox o using app.email_logs l
  where o.email_log_id = l.id and l.consultant_id = v_c.id and l.recipient_email = v_c.email;
  update app.email_logs set
    recipient_email = 'deleted-' || v_tag || '@deleted.invalid', recipient_name = null, template_data = '{}',
    status = case when status = 'queued' then 'failed' else status end,
    error_message = case when status = 'queued' then 'account_deleted' else error_message end,
    failed_at = case when status = 'queued' then now() else failed_at end
  where consultant_id = v_c.id and recipient_email = v_c.email;
  -- Free slots disappear; booked ones stay with their sessions.
  delete from app.availability_slots where consultant_id = v_c.id and booked_count = 0;
  update app.availability_rules set is_active = false where consultant_id = v_c.id;
end;
$$;
comment on function api.delete_my_account is 'Delete the calling consultant''s account: upcoming sessions cancelled, refunded in full and their clients told (jobs), open quotations expired, then personal data anonymised and quotation images dropped (the app deletes the stored photo and images); financial records are kept, and bank details too while money is still owed to or by them. Definer: closes the account across tables no web role writes (tokens, refunds, sessions'' status).';

grant execute on function api.update_my_profile(jsonb), api.set_my_bank_details(text, bytea, bytea),
  api.set_my_photo(text), api.export_my_data(), api.delete_my_account() to nakksha_app;

-- Test: pytest tests/http/test_profile.py tests/db/test_profile_photo.py
