-- db/migrations/20261124100300_create_booking.sql — availability (rules, blocks, slots), clients and sessions, with the no-overlap rule.

-- migrate:up
-- Touch updated_at on every update; one trigger function for every table that has the column.
create function app.touch_updated_at() returns trigger
language plpgsql
as $$
begin
  new.updated_at := now();
  return new;
end;
$$;
comment on function app.touch_updated_at() is 'Trigger: stamps updated_at.';

create trigger admins_touch_updated_at before update on app.admins
  for each row execute function app.touch_updated_at();
create trigger consultants_touch_updated_at before update on app.consultants
  for each row execute function app.touch_updated_at();

create table app.availability_rules (
  id uuid primary key default gen_random_uuid(),
  consultant_id uuid not null,
  session_type text not null,
  weekday smallint not null,
  start_time time not null,
  end_time time not null,
  slot_minutes integer not null,
  capacity integer not null default 1,
  is_active boolean not null default true,
  valid_from date,
  valid_until date,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint availability_rules_session_type_valid check (session_type in ('personal', 'webinar')),
  constraint availability_rules_weekday_range check (weekday between 1 and 7),
  constraint availability_rules_end_after_start check (end_time > start_time),
  constraint availability_rules_slot_minutes_range check (slot_minutes between 5 and 480),
  constraint availability_rules_capacity_range check (capacity between 1 and 10000),
  constraint availability_rules_personal_single check (session_type = 'webinar' or capacity = 1),
  constraint availability_rules_validity_order check (valid_until is null or valid_from is null or valid_until >= valid_from),
  constraint availability_rules_consultant_id_fkey foreign key (consultant_id) references app.consultants (id) on delete cascade,
  constraint availability_rules_tenant_key unique (consultant_id, id)
);
comment on table app.availability_rules is 'Weekly schedule per session type: weekday (ISO, 1 = Monday) and local start/end in the consultant''s timezone.';
create trigger availability_rules_touch_updated_at before update on app.availability_rules
  for each row execute function app.touch_updated_at();

create table app.availability_blocks (
  id uuid primary key default gen_random_uuid(),
  consultant_id uuid not null,
  starts_at timestamptz not null,
  ends_at timestamptz not null,
  reason text,
  created_at timestamptz not null default now(),
  constraint availability_blocks_end_after_start check (ends_at > starts_at),
  constraint availability_blocks_reason_length check (length(reason) <= 500),
  constraint availability_blocks_consultant_id_fkey foreign key (consultant_id) references app.consultants (id) on delete cascade
);
comment on table app.availability_blocks is 'Blocked dates or ranges (holidays): no slot is offered inside them.';
create index availability_blocks_consultant_id_idx on app.availability_blocks using gist (consultant_id, tstzrange(starts_at, ends_at));

create table app.availability_slots (
  id uuid primary key default gen_random_uuid(),
  consultant_id uuid not null,
  session_type text not null,
  starts_at timestamptz not null,
  ends_at timestamptz not null,
  -- The brief's local columns, derived from the instants in the consultant's timezone by a trigger.
  date date not null,
  start_time time not null,
  end_time time not null,
  capacity integer not null default 1,
  booked_count integer not null default 0,
  is_available boolean not null default true,
  source text not null default 'manual',
  rule_id uuid,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint availability_slots_session_type_valid check (session_type in ('personal', 'webinar')),
  constraint availability_slots_end_after_start check (ends_at > starts_at),
  constraint availability_slots_capacity_range check (capacity between 1 and 10000),
  constraint availability_slots_personal_single check (session_type = 'webinar' or capacity = 1),
  constraint availability_slots_booked_count_range check (booked_count between 0 and capacity),
  constraint availability_slots_source_valid check (source in ('rule', 'manual')),
  -- A local-time key repeats when clocks go back, so uniqueness is on the instant.
  constraint availability_slots_unique_start unique (consultant_id, session_type, starts_at),
  constraint availability_slots_tenant_key unique (consultant_id, id),
  constraint availability_slots_consultant_id_fkey foreign key (consultant_id) references app.consultants (id) on delete cascade,
  constraint availability_slots_rule_id_fkey foreign key (consultant_id, rule_id)
    references app.availability_rules (consultant_id, id) on delete set null (rule_id)
);
comment on table app.availability_slots is 'Bookable times. starts_at/ends_at are the truth; date/start_time/end_time are derived local values. Webinar slots take capacity clients.';
create index availability_slots_consultant_starts_idx on app.availability_slots (consultant_id, starts_at);
create trigger availability_slots_touch_updated_at before update on app.availability_slots
  for each row execute function app.touch_updated_at();

create table app.clients (
  id uuid primary key default gen_random_uuid(),
  consultant_id uuid not null,
  name text not null,
  email public.citext not null,
  -- Phone: AES-GCM ciphertext plus a keyed hash (HMAC-SHA256) for exact-match search.
  phone_encrypted bytea,
  phone_hash bytea,
  notes text,
  is_active boolean not null default true,
  total_sessions integer not null default 0,
  total_amount_paid numeric(12, 2) not null default 0,
  first_session_at timestamptz,
  last_session_at timestamptz,
  anonymised_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint clients_consultant_email_key unique (consultant_id, email),
  constraint clients_tenant_key unique (consultant_id, id),
  constraint clients_name_length check (length(btrim(name)) between 1 and 200),
  constraint clients_email_lowercase check (email::text = lower(email::text)),
  constraint clients_email_format check (email::text ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$' and length(email::text) <= 254),
  constraint clients_phone_hash_length check (length(phone_hash) = 32),
  constraint clients_phone_pair check ((phone_encrypted is null) = (phone_hash is null)),
  constraint clients_notes_length check (length(notes) <= 10000),
  constraint clients_total_sessions_range check (total_sessions >= 0),
  constraint clients_total_amount_paid_range check (total_amount_paid >= 0),
  constraint clients_session_dates_order check (last_session_at >= first_session_at),
  constraint clients_consultant_id_fkey foreign key (consultant_id) references app.consultants (id) on delete cascade
);
comment on table app.clients is 'A consultant''s clients, unique per consultant and email. Totals are kept by the database.';
create index clients_consultant_phone_hash_idx on app.clients (consultant_id, phone_hash) where phone_hash is not null;
create index clients_consultant_created_idx on app.clients (consultant_id, created_at);
create trigger clients_touch_updated_at before update on app.clients
  for each row execute function app.touch_updated_at();

create table app.sessions (
  id uuid primary key default gen_random_uuid(),
  consultant_id uuid not null,
  client_id uuid not null,
  slot_id uuid,
  session_type text not null,
  title text,
  starts_at timestamptz not null,
  ends_at timestamptz not null,
  -- The brief's local columns, derived from starts_at/ends_at in the consultant's timezone.
  scheduled_date date not null,
  scheduled_time time not null,
  duration_minutes integer not null,
  -- The buffer applied on this row and the time it occupies (start - buffer, end + buffer).
  buffer_minutes integer not null default 0,
  occupied_during tstzrange not null,
  -- Seats of one webinar slot share a key, so they never exclude each other; anything else is its own key.
  occupancy_key uuid generated always as (
    case when session_type = 'webinar' and slot_id is not null then slot_id else id end) stored,
  amount numeric(10, 2) not null default 0,
  currency text not null default 'INR',
  status text not null default 'pending',
  payment_status text not null default 'pending',
  payment_method text,
  hold_expires_at timestamptz,
  meeting_platform text,
  meeting_link text,
  meeting_id text,
  meeting_password text,
  notes text,
  consultant_notes text,
  booked_via text not null default 'public',
  is_repeat_client boolean not null default false,
  manage_token_hash bytea,
  reschedule_count integer not null default 0,
  confirmed_at timestamptz,
  completed_at timestamptz,
  cancelled_at timestamptz,
  cancelled_by text,
  cancellation_reason text,
  client_rating smallint,
  client_feedback text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint sessions_tenant_key unique (consultant_id, id),
  constraint sessions_manage_token_hash_key unique (manage_token_hash),
  constraint sessions_session_type_valid check (session_type in ('personal', 'webinar')),
  constraint sessions_end_after_start check (ends_at > starts_at),
  constraint sessions_duration_minutes_range check (duration_minutes between 1 and 1440),
  constraint sessions_buffer_minutes_range check (buffer_minutes between 0 and 240),
  constraint sessions_amount_range check (amount >= 0),
  constraint sessions_currency_format check (currency ~ '^[A-Z]{3}$'),
  constraint sessions_status_valid check (status in
    ('pending', 'confirmed', 'completed', 'cancelled', 'abandoned', 'no_show', 'returned')),
  constraint sessions_payment_status_valid check (payment_status in
    ('pending', 'paid', 'failed', 'refunded', 'partially_refunded', 'not_required')),
  constraint sessions_pending_has_hold check (status <> 'pending' or hold_expires_at is not null),
  constraint sessions_meeting_platform_valid check (meeting_platform in ('zoom', 'meet', 'teams')),
  constraint sessions_meeting_link_format check (meeting_link ~ '^https://'),
  constraint sessions_booked_via_valid check (booked_via in ('public', 'consultant')),
  constraint sessions_manage_token_hash_length check (length(manage_token_hash) = 32),
  constraint sessions_reschedule_count_range check (reschedule_count >= 0),
  constraint sessions_cancelled_by_valid check (cancelled_by in ('client', 'consultant', 'system')),
  constraint sessions_client_rating_range check (client_rating between 1 and 5),
  constraint sessions_notes_length check (length(notes) <= 10000 and length(consultant_notes) <= 10000),
  -- The rule of the product: a consultant's occupied time never overlaps, buffer included.
  constraint sessions_no_overlap exclude using gist (
    consultant_id with =, occupied_during with &&, occupancy_key with <>)
    where (status in ('pending', 'confirmed', 'completed', 'no_show')),
  constraint sessions_consultant_id_fkey foreign key (consultant_id) references app.consultants (id) on delete restrict,
  constraint sessions_client_id_fkey foreign key (consultant_id, client_id)
    references app.clients (consultant_id, id) on delete restrict,
  constraint sessions_slot_id_fkey foreign key (consultant_id, slot_id)
    references app.availability_slots (consultant_id, id) on delete set null (slot_id)
);
comment on table app.sessions is 'Booked sessions. starts_at/ends_at are the truth; an exclusion constraint forbids overlapping occupancy.';
comment on constraint sessions_no_overlap on app.sessions is 'Live personal sessions and webinar slots with seats taken never overlap for one consultant (buffer included).';
create index sessions_consultant_starts_idx on app.sessions (consultant_id, starts_at);
create index sessions_consultant_status_idx on app.sessions (consultant_id, status);
create index sessions_client_idx on app.sessions (consultant_id, client_id);
create index sessions_slot_idx on app.sessions (slot_id) where slot_id is not null;
create index sessions_hold_expiry_idx on app.sessions (hold_expires_at) where status = 'pending';
create trigger sessions_touch_updated_at before update on app.sessions
  for each row execute function app.touch_updated_at();

-- Derived local columns and the occupied range. Security definer: the consultant's timezone must be
-- read whoever writes (a public booking runs as a narrow definer function, a dashboard write as the app).
create function app.derive_slot_local_times() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  v_tz text;
begin
  select c.timezone into strict v_tz from app.consultants c where c.id = new.consultant_id;
  new.date := (new.starts_at at time zone v_tz)::date;
  new.start_time := (new.starts_at at time zone v_tz)::time;
  new.end_time := (new.ends_at at time zone v_tz)::time;
  return new;
end;
$$;
comment on function app.derive_slot_local_times() is 'Trigger: availability_slots local date/start/end from the instants in the consultant''s timezone.';
revoke execute on function app.derive_slot_local_times() from public;

create trigger availability_slots_derive_local before insert or update of starts_at, ends_at, consultant_id
  on app.availability_slots for each row execute function app.derive_slot_local_times();

create function app.derive_session_times() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  v_tz text;
begin
  select c.timezone into strict v_tz from app.consultants c where c.id = new.consultant_id;
  new.scheduled_date := (new.starts_at at time zone v_tz)::date;
  new.scheduled_time := (new.starts_at at time zone v_tz)::time;
  new.duration_minutes := (extract(epoch from new.ends_at - new.starts_at) / 60)::integer;
  new.occupied_during := tstzrange(
    new.starts_at - make_interval(mins => new.buffer_minutes),
    new.ends_at + make_interval(mins => new.buffer_minutes), '[)');
  return new;
end;
$$;
comment on function app.derive_session_times() is 'Trigger: sessions local date/time, duration and occupied range (buffer applied) from the instants.';
revoke execute on function app.derive_session_times() from public;

create trigger sessions_derive_times before insert or update of starts_at, ends_at, buffer_minutes, consultant_id
  on app.sessions for each row execute function app.derive_session_times();

-- Re-derive local columns when a consultant moves timezone.
create function app.rederive_local_times() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  update app.availability_slots set starts_at = starts_at where consultant_id = new.id;
  update app.sessions set starts_at = starts_at where consultant_id = new.id;
  return null;
end;
$$;
comment on function app.rederive_local_times() is 'Trigger: a consultant''s timezone changed, so their slots'' and sessions'' local columns are recomputed.';
revoke execute on function app.rederive_local_times() from public;

create trigger consultants_rederive_local_times after update of timezone on app.consultants
  for each row when (old.timezone is distinct from new.timezone) execute function app.rederive_local_times();

-- Seats: a webinar slot's booked_count is the number of its seat-holding sessions, adjusted under the
-- slot's row lock (the UPDATE takes it), so racing bookings serialise on that one row and the check
-- booked_count <= capacity refuses the one too many. Personal slots count their single booking the same way.
create function app.sync_slot_seats() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  v_old_holds boolean := tg_op <> 'INSERT' and old.slot_id is not null
    and old.status in ('pending', 'confirmed', 'completed', 'no_show');
  v_new_holds boolean := tg_op <> 'DELETE' and new.slot_id is not null
    and new.status in ('pending', 'confirmed', 'completed', 'no_show');
begin
  if v_old_holds and (not v_new_holds or old.slot_id is distinct from new.slot_id) then
    update app.availability_slots set booked_count = booked_count - 1 where id = old.slot_id;
  end if;
  if v_new_holds and (not v_old_holds or old.slot_id is distinct from new.slot_id) then
    update app.availability_slots set booked_count = booked_count + 1 where id = new.slot_id;
  end if;
  return null;
end;
$$;
comment on function app.sync_slot_seats() is 'Trigger: keeps availability_slots.booked_count equal to the seat-holding sessions of the slot.';
revoke execute on function app.sync_slot_seats() from public;

create trigger sessions_sync_slot_seats after insert or delete or update of status, slot_id on app.sessions
  for each row execute function app.sync_slot_seats();

-- migrate:down
drop table app.sessions, app.clients, app.availability_slots, app.availability_blocks, app.availability_rules;
drop trigger consultants_rederive_local_times on app.consultants;
drop trigger consultants_touch_updated_at on app.consultants;
drop trigger admins_touch_updated_at on app.admins;
drop function app.sync_slot_seats(), app.rederive_local_times(), app.derive_session_times(),
  app.derive_slot_local_times(), app.touch_updated_at();
