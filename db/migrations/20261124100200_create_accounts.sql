-- db/migrations/20261124100200_create_accounts.sql — admins, consultants (profile, approval, policy), auth token tables.

-- migrate:up
create table app.admins (
  id uuid primary key default gen_random_uuid(),
  email public.citext not null,
  password_hash text not null,
  name text not null,
  role text not null default 'admin',
  is_active boolean not null default true,
  last_login_at timestamptz,
  created_by uuid,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint admins_email_key unique (email),
  constraint admins_email_lowercase check (email::text = lower(email::text)),
  constraint admins_email_format check (email::text ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$' and length(email::text) <= 254),
  constraint admins_name_length check (length(btrim(name)) between 1 and 200),
  constraint admins_role_valid check (role in ('admin', 'super_admin')),
  constraint admins_created_by_fkey foreign key (created_by) references app.admins (id) on delete set null
);
comment on table app.admins is 'Platform staff. A separate identity from consultants; role admin manages consultants, super_admin also settings, templates and admins.';

create table app.consultants (
  id uuid primary key default gen_random_uuid(),
  email public.citext not null,
  password_hash text,
  first_name text not null,
  last_name text not null,
  phone_country_code text,
  phone_number text,
  consultancy_sector text,
  -- Bank details: ciphertext (AES-GCM, key from the environment), never plaintext; the API masks them.
  bank_name text,
  bank_account_number_encrypted bytea,
  ifsc_code_encrypted bytea,
  personal_session_title text,
  webinar_session_title text,
  description text,
  experience_months integer,
  personal_session_price numeric(10, 2) not null default 0,
  webinar_session_price numeric(10, 2) not null default 0,
  currency text not null default 'INR',
  instagram_url text,
  linkedin_url text,
  twitter_url text,
  profile_photo_url text,
  slug text not null,
  timezone text not null default 'Asia/Kolkata',
  is_active boolean not null default true,
  is_email_verified boolean not null default false,
  email_verified_at timestamptz,
  subscription_plan text not null default 'free',
  subscription_expires_at timestamptz,
  approval_status text not null default 'pending',
  approved_at timestamptz,
  approved_by uuid,
  rejection_reason text,
  -- Booking policy, enforced by the booking SQL.
  min_notice_minutes integer not null default 120,
  max_days_ahead integer not null default 60,
  buffer_minutes integer not null default 0,
  hold_minutes integer,
  cancellation_policy jsonb not null default
    '{"client_cutoff_hours": 2, "max_reschedules": 2, "refund_ladder": [{"min_hours_before": 24, "percent": 100}, {"min_hours_before": 2, "percent": 50}]}',
  default_meeting_platform text not null default 'zoom',
  zoom_link text,
  meet_link text,
  teams_link text,
  notification_preferences jsonb not null default
    '{"session_booked": true, "session_cancelled": true, "quotation_viewed": true, "quotation_responded": true}',
  last_login_at timestamptz,
  deleted_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint consultants_email_key unique (email),
  constraint consultants_slug_key unique (slug),
  constraint consultants_email_lowercase check (email::text = lower(email::text)),
  constraint consultants_email_format check (email::text ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$' and length(email::text) <= 254),
  constraint consultants_first_name_length check (length(btrim(first_name)) between 1 and 100),
  constraint consultants_last_name_length check (length(btrim(last_name)) between 1 and 100),
  constraint consultants_phone_country_code_format check (phone_country_code ~ '^\+[1-9][0-9]{0,3}$'),
  constraint consultants_phone_number_format check (phone_number ~ '^[0-9]{6,14}$'),
  constraint consultants_slug_format check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and length(slug) between 3 and 60),
  -- First path segments the web app routes itself; a consultant page must never shadow them.
  constraint consultants_slug_not_reserved check (slug not in (
    'admin', 'api', 'auth', 'dashboard', 'pricing', 'healthz', 'readyz', 'dev', 'static', 'media', 'booking',
    'q', 'docs', 'login', 'logout', 'signup', 'register', 'settings', 'help', 'support', 'about', 'terms',
    'privacy', 'contact', 'blog', 'favicon.ico', 'robots.txt', 'sitemap.xml', 'www', 'nakksha')),
  constraint consultants_experience_months_range check (experience_months between 0 and 1200),
  constraint consultants_personal_session_price_range check (personal_session_price >= 0),
  constraint consultants_webinar_session_price_range check (webinar_session_price >= 0),
  constraint consultants_currency_format check (currency ~ '^[A-Z]{3}$'),
  constraint consultants_url_format check (
    coalesce(instagram_url, 'https://x') ~ '^https?://' and coalesce(linkedin_url, 'https://x') ~ '^https?://'
    and coalesce(twitter_url, 'https://x') ~ '^https?://' and coalesce(profile_photo_url, '/x') ~ '^(https?://|/)'
    and coalesce(zoom_link, 'https://x') ~ '^https://' and coalesce(meet_link, 'https://x') ~ '^https://'
    and coalesce(teams_link, 'https://x') ~ '^https://'),
  constraint consultants_timezone_valid check (app.is_valid_timezone(timezone)),
  constraint consultants_subscription_plan_valid check (subscription_plan in ('free', 'basic', 'pro', 'enterprise')),
  constraint consultants_approval_status_valid check (approval_status in ('pending', 'approved', 'rejected', 'suspended')),
  constraint consultants_approval_consistent check (approval_status <> 'approved' or approved_at is not null),
  constraint consultants_rejection_reason_present check (approval_status <> 'rejected' or rejection_reason is not null),
  constraint consultants_min_notice_minutes_range check (min_notice_minutes between 0 and 43200),
  constraint consultants_max_days_ahead_range check (max_days_ahead between 1 and 365),
  constraint consultants_buffer_minutes_range check (buffer_minutes between 0 and 240),
  constraint consultants_hold_minutes_range check (hold_minutes between 5 and 120),
  constraint consultants_cancellation_policy_shape check (jsonb_typeof(cancellation_policy) = 'object'),
  constraint consultants_notification_preferences_shape check (jsonb_typeof(notification_preferences) = 'object'),
  constraint consultants_default_meeting_platform_valid check (default_meeting_platform in ('zoom', 'meet', 'teams')),
  constraint consultants_approved_by_fkey foreign key (approved_by) references app.admins (id) on delete set null
);
comment on table app.consultants is 'Consultants: identity, public profile, approval state, booking policy and settings. The tenant root.';
comment on column app.consultants.approval_status is 'pending until an admin approves; only approved consultants see dashboard data and are published.';
create index consultants_approval_status_idx on app.consultants (approval_status, created_at);

-- Refresh tokens rotate within a family; presenting a spent token revokes the family (reuse detection).
create table app.refresh_token_families (
  id uuid primary key default gen_random_uuid(),
  consultant_id uuid,
  admin_id uuid,
  user_agent text,
  ip inet,
  created_at timestamptz not null default now(),
  revoked_at timestamptz,
  revoked_reason text,
  constraint refresh_token_families_one_subject check (num_nonnulls(consultant_id, admin_id) = 1),
  constraint refresh_token_families_revoked_reason_valid check (revoked_reason in
    ('logout', 'logout_all', 'reuse_detected', 'password_reset', 'password_changed', 'suspended', 'deleted', 'deactivated')),
  constraint refresh_token_families_revocation_consistent check ((revoked_at is null) = (revoked_reason is null)),
  constraint refresh_token_families_consultant_id_fkey foreign key (consultant_id) references app.consultants (id) on delete cascade,
  constraint refresh_token_families_admin_id_fkey foreign key (admin_id) references app.admins (id) on delete cascade
);
comment on table app.refresh_token_families is 'One login (device) of a consultant or an admin; revoking it kills every token it issued.';
create index refresh_token_families_consultant_id_idx on app.refresh_token_families (consultant_id) where consultant_id is not null;
create index refresh_token_families_admin_id_idx on app.refresh_token_families (admin_id) where admin_id is not null;

create table app.refresh_tokens (
  id uuid primary key default gen_random_uuid(),
  family_id uuid not null,
  token_hash bytea not null,
  issued_at timestamptz not null default now(),
  expires_at timestamptz not null,
  used_at timestamptz,
  replaced_by uuid,
  constraint refresh_tokens_token_hash_key unique (token_hash),
  constraint refresh_tokens_token_hash_length check (length(token_hash) = 32),
  constraint refresh_tokens_expiry_after_issue check (expires_at > issued_at),
  constraint refresh_tokens_family_id_fkey foreign key (family_id) references app.refresh_token_families (id) on delete cascade,
  constraint refresh_tokens_replaced_by_fkey foreign key (replaced_by) references app.refresh_tokens (id) on delete set null
);
comment on table app.refresh_tokens is 'Refresh tokens, stored only as SHA-256 hashes; single use (used_at), rotated into replaced_by.';
create index refresh_tokens_family_id_idx on app.refresh_tokens (family_id);

create table app.one_time_tokens (
  id uuid primary key default gen_random_uuid(),
  consultant_id uuid,
  admin_id uuid,
  purpose text not null,
  token_hash bytea not null,
  email public.citext not null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  used_at timestamptz,
  constraint one_time_tokens_token_hash_key unique (token_hash),
  constraint one_time_tokens_token_hash_length check (length(token_hash) = 32),
  constraint one_time_tokens_one_subject check (num_nonnulls(consultant_id, admin_id) = 1),
  constraint one_time_tokens_purpose_valid check (purpose in ('verify_email', 'password_reset')),
  constraint one_time_tokens_expiry_after_creation check (expires_at > created_at),
  constraint one_time_tokens_consultant_id_fkey foreign key (consultant_id) references app.consultants (id) on delete cascade,
  constraint one_time_tokens_admin_id_fkey foreign key (admin_id) references app.admins (id) on delete cascade
);
comment on table app.one_time_tokens is 'Email-verification and password-reset tokens: hashed, expiring, single use.';
create index one_time_tokens_consultant_id_idx on app.one_time_tokens (consultant_id, purpose) where consultant_id is not null;
create index one_time_tokens_admin_id_idx on app.one_time_tokens (admin_id, purpose) where admin_id is not null;

-- migrate:down
drop table app.one_time_tokens, app.refresh_tokens, app.refresh_token_families, app.consultants, app.admins;
