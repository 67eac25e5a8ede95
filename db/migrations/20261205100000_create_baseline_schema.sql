-- db/migrations/20261205100000_create_baseline_schema.sql — the schema up to 2026-12-05 in one migration: tables, types, constraints, indexes, triggers, RLS policies, grants and the platform settings' rows (no function bodies).
-- Squashed from the 36 migrations before it (issue 17; no production database existed yet), generated with
-- pg_dump from a database the old chain built, so objects read as pg_dump writes them (in its order: types,
-- tables, defaults, constraints, indexes, triggers, foreign keys, policies, grants). The functions the tables,
-- triggers and policies use live in db/functions/app/ and exist before this runs: `nakksha migrate` applies
-- them first (app/migrate.py, apply_rules). From here on, migrations are append-only again.

-- migrate:up
revoke create on schema public from public;

-- schema: app
CREATE SCHEMA IF NOT EXISTS app;  -- made first by `nakksha migrate`, for db/functions/app

-- extension: btree_gist
CREATE EXTENSION IF NOT EXISTS btree_gist WITH SCHEMA public;

-- comment: EXTENSION btree_gist
COMMENT ON EXTENSION btree_gist IS 'support for indexing common datatypes in GiST';

-- extension: citext
CREATE EXTENSION IF NOT EXISTS citext WITH SCHEMA public;

-- comment: EXTENSION citext
COMMENT ON EXTENSION citext IS 'data type for case-insensitive character strings';

-- table: clients (app)
CREATE TABLE app.clients (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    consultant_id uuid NOT NULL,
    name text NOT NULL,
    email public.citext NOT NULL,
    phone_encrypted bytea,
    phone_hash bytea,
    notes text,
    is_active boolean DEFAULT true NOT NULL,
    total_sessions integer DEFAULT 0 NOT NULL,
    total_amount_paid numeric(12,2) DEFAULT 0 NOT NULL,
    first_session_at timestamp with time zone,
    last_session_at timestamp with time zone,
    anonymised_at timestamp with time zone,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT clients_email_format CHECK ((((email)::text ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$'::text) AND (length((email)::text) <= 254))),
    CONSTRAINT clients_email_lowercase CHECK (((email)::text = lower((email)::text))),
    CONSTRAINT clients_name_length CHECK (((length(btrim(name)) >= 1) AND (length(btrim(name)) <= 200))),
    CONSTRAINT clients_notes_length CHECK ((length(notes) <= 10000)),
    CONSTRAINT clients_phone_hash_length CHECK ((length(phone_hash) = 32)),
    CONSTRAINT clients_phone_pair CHECK (((phone_encrypted IS NULL) = (phone_hash IS NULL))),
    CONSTRAINT clients_session_dates_order CHECK ((last_session_at >= first_session_at)),
    CONSTRAINT clients_total_amount_paid_range CHECK ((total_amount_paid >= (0)::numeric)),
    CONSTRAINT clients_total_sessions_range CHECK ((total_sessions >= 0))
);

-- comment: TABLE clients (app)
COMMENT ON TABLE app.clients IS 'A consultant''s clients, unique per consultant and email. Totals are kept by the database.';

-- table: payment_transactions (app)
CREATE TABLE app.payment_transactions (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    consultant_id uuid NOT NULL,
    purpose text NOT NULL,
    session_id uuid,
    quotation_id uuid,
    client_id uuid,
    amount numeric(10,2) NOT NULL,
    currency text DEFAULT 'INR'::text NOT NULL,
    amount_refunded numeric(10,2) DEFAULT 0 NOT NULL,
    gateway text NOT NULL,
    gateway_order_id text,
    gateway_payment_id text,
    gateway_signature text,
    payment_method text,
    status text DEFAULT 'pending'::text NOT NULL,
    failure_reason text,
    paid_at timestamp with time zone,
    metadata jsonb DEFAULT '{}'::jsonb NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    last_checked_at timestamp with time zone,
    CONSTRAINT payment_transactions_amount_range CHECK ((amount >= (0)::numeric)),
    CONSTRAINT payment_transactions_amount_refunded_range CHECK (((amount_refunded >= (0)::numeric) AND (amount_refunded <= amount))),
    CONSTRAINT payment_transactions_completed_paid_at CHECK (((status <> ALL (ARRAY['completed'::text, 'refunded'::text, 'partially_refunded'::text])) OR (paid_at IS NOT NULL))),
    CONSTRAINT payment_transactions_currency_format CHECK ((currency ~ '^[A-Z]{3}$'::text)),
    CONSTRAINT payment_transactions_gateway_valid CHECK ((gateway = ANY (ARRAY['razorpay'::text, 'local'::text, 'cash'::text, 'bank_transfer'::text, 'upi_direct'::text]))),
    CONSTRAINT payment_transactions_metadata_shape CHECK ((jsonb_typeof(metadata) = 'object'::text)),
    CONSTRAINT payment_transactions_purpose_target CHECK ((((purpose = 'session'::text) AND (session_id IS NOT NULL) AND (quotation_id IS NULL)) OR ((purpose = 'quotation'::text) AND (quotation_id IS NOT NULL) AND (session_id IS NULL)) OR ((purpose = 'subscription'::text) AND (session_id IS NULL) AND (quotation_id IS NULL)))),
    CONSTRAINT payment_transactions_purpose_valid CHECK ((purpose = ANY (ARRAY['session'::text, 'quotation'::text, 'subscription'::text]))),
    CONSTRAINT payment_transactions_status_valid CHECK ((status = ANY (ARRAY['pending'::text, 'completed'::text, 'failed'::text, 'refunded'::text, 'partially_refunded'::text, 'cancelled'::text])))
);

-- comment: TABLE payment_transactions (app)
COMMENT ON TABLE app.payment_transactions IS 'Money in: one row per gateway order (or offline payment). Amounts in rupees; paise only at Razorpay''s edge.';

-- table: quotations (app)
CREATE TABLE app.quotations (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    consultant_id uuid NOT NULL,
    client_id uuid,
    client_name text NOT NULL,
    client_email public.citext NOT NULL,
    quotation_name text NOT NULL,
    description text,
    base_amount numeric(10,2) NOT NULL,
    discount_percentage numeric(5,2) DEFAULT 0 NOT NULL,
    final_amount numeric(10,2) GENERATED ALWAYS AS (round(((base_amount * ((100)::numeric - discount_percentage)) / (100)::numeric), 2)) STORED,
    currency text DEFAULT 'INR'::text NOT NULL,
    validity_period text,
    expires_at timestamp with time zone,
    status text DEFAULT 'draft'::text NOT NULL,
    notes text,
    quotation_image_url text,
    public_token_hash bytea,
    view_count integer DEFAULT 0 NOT NULL,
    last_viewed_at timestamp with time zone,
    sent_at timestamp with time zone,
    responded_at timestamp with time zone,
    response_reason text,
    paid_at timestamp with time zone,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    public_link_encrypted text,
    CONSTRAINT quotations_base_amount_range CHECK ((base_amount >= (0)::numeric)),
    CONSTRAINT quotations_client_email_format CHECK (((client_email)::text ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$'::text)),
    CONSTRAINT quotations_client_email_lowercase CHECK (((client_email)::text = lower((client_email)::text))),
    CONSTRAINT quotations_client_name_length CHECK (((length(btrim(client_name)) >= 1) AND (length(btrim(client_name)) <= 200))),
    CONSTRAINT quotations_currency_format CHECK ((currency ~ '^[A-Z]{3}$'::text)),
    CONSTRAINT quotations_description_length CHECK ((length(description) <= 20000)),
    CONSTRAINT quotations_discount_range CHECK (((discount_percentage >= (0)::numeric) AND (discount_percentage <= (100)::numeric))),
    CONSTRAINT quotations_public_token_hash_length CHECK ((length(public_token_hash) = 32)),
    CONSTRAINT quotations_quotation_name_length CHECK (((length(btrim(quotation_name)) >= 1) AND (length(btrim(quotation_name)) <= 200))),
    CONSTRAINT quotations_sent_has_token CHECK (((status = 'draft'::text) OR ((sent_at IS NOT NULL) AND (public_token_hash IS NOT NULL)))),
    CONSTRAINT quotations_status_valid CHECK ((status = ANY (ARRAY['draft'::text, 'sent'::text, 'viewed'::text, 'accepted'::text, 'rejected'::text, 'expired'::text]))),
    CONSTRAINT quotations_view_count_range CHECK ((view_count >= 0))
);

-- comment: TABLE quotations (app)
COMMENT ON TABLE app.quotations IS 'Priced proposals to a client; final_amount is derived from base_amount and discount_percentage.';

-- comment: COLUMN quotations.public_link_encrypted (app)
COMMENT ON COLUMN app.quotations.public_link_encrypted IS 'The client''s link (encrypted with DATA_ENCRYPTION_KEY); its token''s SHA-256 is public_token_hash.';

-- table: sessions (app)
CREATE TABLE app.sessions (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    consultant_id uuid NOT NULL,
    client_id uuid NOT NULL,
    slot_id uuid,
    session_type text NOT NULL,
    title text,
    starts_at timestamp with time zone NOT NULL,
    ends_at timestamp with time zone NOT NULL,
    scheduled_date date NOT NULL,
    scheduled_time time without time zone NOT NULL,
    duration_minutes integer NOT NULL,
    buffer_minutes integer DEFAULT 0 NOT NULL,
    occupied_during tstzrange NOT NULL,
    occupancy_key uuid GENERATED ALWAYS AS (
CASE
    WHEN ((session_type = 'webinar'::text) AND (slot_id IS NOT NULL)) THEN slot_id
    ELSE id
END) STORED,
    amount numeric(10,2) DEFAULT 0 NOT NULL,
    currency text DEFAULT 'INR'::text NOT NULL,
    status text DEFAULT 'pending'::text NOT NULL,
    payment_status text DEFAULT 'pending'::text NOT NULL,
    payment_method text,
    hold_expires_at timestamp with time zone,
    meeting_platform text,
    meeting_link text,
    meeting_id text,
    meeting_password text,
    notes text,
    consultant_notes text,
    booked_via text DEFAULT 'public'::text NOT NULL,
    is_repeat_client boolean DEFAULT false NOT NULL,
    manage_token_hash bytea,
    reschedule_count integer DEFAULT 0 NOT NULL,
    confirmed_at timestamp with time zone,
    completed_at timestamp with time zone,
    cancelled_at timestamp with time zone,
    cancelled_by text,
    cancellation_reason text,
    client_rating smallint,
    client_feedback text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    manage_link_encrypted text,
    reminder_sent_for timestamp with time zone,
    client_timezone text,
    meeting_source text,
    client_name text,
    client_email public.citext,
    client_phone_encrypted bytea,
    client_ip_hash bytea,
    CONSTRAINT sessions_amount_range CHECK ((amount >= (0)::numeric)),
    CONSTRAINT sessions_booked_via_valid CHECK ((booked_via = ANY (ARRAY['public'::text, 'consultant'::text]))),
    CONSTRAINT sessions_buffer_minutes_range CHECK (((buffer_minutes >= 0) AND (buffer_minutes <= 240))),
    CONSTRAINT sessions_cancelled_by_valid CHECK ((cancelled_by = ANY (ARRAY['client'::text, 'consultant'::text, 'system'::text]))),
    CONSTRAINT sessions_client_email_format CHECK (((client_email IS NULL) OR (((client_email)::text ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$'::text) AND (length((client_email)::text) <= 254) AND ((client_email)::text = lower((client_email)::text))))),
    CONSTRAINT sessions_client_ip_hash_length CHECK ((length(client_ip_hash) = 32)),
    CONSTRAINT sessions_client_name_length CHECK (((client_name IS NULL) OR ((length(btrim(client_name)) >= 1) AND (length(btrim(client_name)) <= 200)))),
    CONSTRAINT sessions_client_rating_range CHECK (((client_rating >= 1) AND (client_rating <= 5))),
    CONSTRAINT sessions_client_timezone_valid CHECK (((client_timezone IS NULL) OR app.is_valid_timezone(client_timezone))),
    CONSTRAINT sessions_currency_format CHECK ((currency ~ '^[A-Z]{3}$'::text)),
    CONSTRAINT sessions_duration_minutes_range CHECK (((duration_minutes >= 1) AND (duration_minutes <= 1440))),
    CONSTRAINT sessions_end_after_start CHECK ((ends_at > starts_at)),
    CONSTRAINT sessions_manage_token_hash_length CHECK ((length(manage_token_hash) = 32)),
    CONSTRAINT sessions_meeting_link_format CHECK ((meeting_link ~ '^https://'::text)),
    CONSTRAINT sessions_meeting_platform_valid CHECK ((meeting_platform = ANY (ARRAY['zoom'::text, 'meet'::text, 'teams'::text]))),
    CONSTRAINT sessions_meeting_source_valid CHECK ((meeting_source = ANY (ARRAY['personal'::text, 'google'::text, 'microsoft'::text]))),
    CONSTRAINT sessions_notes_length CHECK (((length(notes) <= 10000) AND (length(consultant_notes) <= 10000))),
    CONSTRAINT sessions_payment_status_valid CHECK ((payment_status = ANY (ARRAY['pending'::text, 'paid'::text, 'failed'::text, 'refunded'::text, 'partially_refunded'::text, 'not_required'::text]))),
    CONSTRAINT sessions_pending_has_hold CHECK (((status <> 'pending'::text) OR (hold_expires_at IS NOT NULL))),
    CONSTRAINT sessions_reschedule_count_range CHECK ((reschedule_count >= 0)),
    CONSTRAINT sessions_session_type_valid CHECK ((session_type = ANY (ARRAY['personal'::text, 'webinar'::text]))),
    CONSTRAINT sessions_status_valid CHECK ((status = ANY (ARRAY['pending'::text, 'confirmed'::text, 'completed'::text, 'cancelled'::text, 'abandoned'::text, 'no_show'::text, 'returned'::text])))
);

-- comment: TABLE sessions (app)
COMMENT ON TABLE app.sessions IS 'Booked sessions. starts_at/ends_at are the truth; an exclusion constraint forbids overlapping occupancy.';

-- comment: COLUMN sessions.manage_link_encrypted (app)
COMMENT ON COLUMN app.sessions.manage_link_encrypted IS 'The client''s manage link, AES-GCM encrypted for the mails that carry it; only the worker decrypts it.';

-- comment: COLUMN sessions.reminder_sent_for (app)
COMMENT ON COLUMN app.sessions.reminder_sent_for IS 'The start time the reminder went out for (a moved session gets a new one).';

-- comment: COLUMN sessions.client_timezone (app)
COMMENT ON COLUMN app.sessions.client_timezone IS 'The IANA zone the client''s browser was in when booking; their mail shows times in it (else the consultant''s).';

-- comment: COLUMN sessions.meeting_source (app)
COMMENT ON COLUMN app.sessions.meeting_source IS 'Where the meeting link came from: the consultant''s saved link, or a meeting created on their Google or Microsoft account.';

-- comment: COLUMN sessions.client_name (app)
COMMENT ON COLUMN app.sessions.client_name IS 'The name the client typed when booking publicly (the client record keeps its own).';

-- comment: COLUMN sessions.client_email (app)
COMMENT ON COLUMN app.sessions.client_email IS 'The email the client typed when booking publicly (lower case).';

-- comment: COLUMN sessions.client_phone_encrypted (app)
COMMENT ON COLUMN app.sessions.client_phone_encrypted IS 'The phone the client typed when booking publicly, encrypted like clients.phone_encrypted.';

-- comment: COLUMN sessions.client_ip_hash (app)
COMMENT ON COLUMN app.sessions.client_ip_hash IS 'HMAC-SHA256 of the booking visitor''s address (an IPv6 /64) under the server key: counts open holds per address.';

-- table: consultants (app)
CREATE TABLE app.consultants (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    email public.citext NOT NULL,
    password_hash text,
    first_name text NOT NULL,
    last_name text NOT NULL,
    phone_country_code text,
    phone_number text,
    consultancy_sector text,
    bank_name text,
    bank_account_number_encrypted bytea,
    ifsc_code_encrypted bytea,
    personal_session_title text,
    webinar_session_title text,
    description text,
    experience_months integer,
    personal_session_price numeric(10,2) DEFAULT 0 NOT NULL,
    webinar_session_price numeric(10,2) DEFAULT 0 NOT NULL,
    currency text DEFAULT 'INR'::text NOT NULL,
    instagram_url text,
    linkedin_url text,
    twitter_url text,
    profile_photo_url text,
    slug text NOT NULL,
    timezone text DEFAULT 'Asia/Kolkata'::text NOT NULL,
    is_active boolean DEFAULT true NOT NULL,
    is_email_verified boolean DEFAULT false NOT NULL,
    email_verified_at timestamp with time zone,
    subscription_plan text DEFAULT 'free'::text NOT NULL,
    subscription_expires_at timestamp with time zone,
    approval_status text DEFAULT 'pending'::text NOT NULL,
    approved_at timestamp with time zone,
    approved_by uuid,
    rejection_reason text,
    min_notice_minutes integer DEFAULT 120 NOT NULL,
    max_days_ahead integer DEFAULT 60 NOT NULL,
    buffer_minutes integer DEFAULT 0 NOT NULL,
    hold_minutes integer,
    cancellation_policy jsonb DEFAULT '{"refund_ladder": [{"percent": 100, "min_hours_before": 24}, {"percent": 50, "min_hours_before": 2}], "max_reschedules": 2, "client_cutoff_hours": 2}'::jsonb NOT NULL,
    default_meeting_platform text DEFAULT 'zoom'::text NOT NULL,
    zoom_link text,
    meet_link text,
    teams_link text,
    notification_preferences jsonb DEFAULT '{"session_booked": true, "quotation_viewed": true, "session_cancelled": true, "quotation_responded": true}'::jsonb NOT NULL,
    last_login_at timestamp with time zone,
    deleted_at timestamp with time zone,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    token_epoch integer DEFAULT 0 NOT NULL,
    CONSTRAINT consultants_approval_consistent CHECK (((approval_status <> 'approved'::text) OR (approved_at IS NOT NULL))),
    CONSTRAINT consultants_approval_status_valid CHECK ((approval_status = ANY (ARRAY['pending'::text, 'approved'::text, 'rejected'::text, 'suspended'::text]))),
    CONSTRAINT consultants_buffer_minutes_range CHECK (((buffer_minutes >= 0) AND (buffer_minutes <= 240))),
    CONSTRAINT consultants_cancellation_policy_shape CHECK ((jsonb_typeof(cancellation_policy) = 'object'::text)),
    CONSTRAINT consultants_currency_format CHECK ((currency ~ '^[A-Z]{3}$'::text)),
    CONSTRAINT consultants_default_meeting_platform_valid CHECK ((default_meeting_platform = ANY (ARRAY['zoom'::text, 'meet'::text, 'teams'::text]))),
    CONSTRAINT consultants_email_format CHECK ((((email)::text ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$'::text) AND (length((email)::text) <= 254))),
    CONSTRAINT consultants_email_lowercase CHECK (((email)::text = lower((email)::text))),
    CONSTRAINT consultants_experience_months_range CHECK (((experience_months >= 0) AND (experience_months <= 1200))),
    CONSTRAINT consultants_first_name_length CHECK (((length(btrim(first_name)) >= 1) AND (length(btrim(first_name)) <= 100))),
    CONSTRAINT consultants_hold_minutes_range CHECK (((hold_minutes >= 5) AND (hold_minutes <= 120))),
    CONSTRAINT consultants_last_name_length CHECK (((length(btrim(last_name)) >= 1) AND (length(btrim(last_name)) <= 100))),
    CONSTRAINT consultants_max_days_ahead_range CHECK (((max_days_ahead >= 1) AND (max_days_ahead <= 365))),
    CONSTRAINT consultants_min_notice_minutes_range CHECK (((min_notice_minutes >= 0) AND (min_notice_minutes <= 43200))),
    CONSTRAINT consultants_notification_preferences_shape CHECK ((jsonb_typeof(notification_preferences) = 'object'::text)),
    CONSTRAINT consultants_personal_session_price_range CHECK ((personal_session_price >= (0)::numeric)),
    CONSTRAINT consultants_phone_country_code_format CHECK ((phone_country_code ~ '^\+[1-9][0-9]{0,3}$'::text)),
    CONSTRAINT consultants_phone_number_format CHECK ((phone_number ~ '^[0-9]{6,14}$'::text)),
    CONSTRAINT consultants_rejection_reason_present CHECK (((approval_status <> 'rejected'::text) OR (rejection_reason IS NOT NULL))),
    CONSTRAINT consultants_slug_format CHECK (((slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'::text) AND ((length(slug) >= 3) AND (length(slug) <= 60)))),
    CONSTRAINT consultants_slug_not_reserved CHECK ((slug <> ALL (ARRAY['admin'::text, 'api'::text, 'auth'::text, 'dashboard'::text, 'pricing'::text, 'healthz'::text, 'readyz'::text, 'dev'::text, 'static'::text, 'media'::text, 'booking'::text, 'q'::text, 'docs'::text, 'login'::text, 'logout'::text, 'signup'::text, 'register'::text, 'settings'::text, 'help'::text, 'support'::text, 'about'::text, 'terms'::text, 'privacy'::text, 'contact'::text, 'blog'::text, 'favicon.ico'::text, 'robots.txt'::text, 'sitemap.xml'::text, 'www'::text, 'nakksha'::text, 'integrations'::text]))),
    CONSTRAINT consultants_subscription_plan_valid CHECK ((subscription_plan = ANY (ARRAY['free'::text, 'basic'::text, 'pro'::text, 'enterprise'::text]))),
    CONSTRAINT consultants_timezone_valid CHECK (app.is_valid_timezone(timezone)),
    CONSTRAINT consultants_url_format CHECK (((COALESCE(instagram_url, 'https://x'::text) ~ '^https?://'::text) AND (COALESCE(linkedin_url, 'https://x'::text) ~ '^https?://'::text) AND (COALESCE(twitter_url, 'https://x'::text) ~ '^https?://'::text) AND (COALESCE(profile_photo_url, '/x'::text) ~ '^(https?://|/)'::text) AND (COALESCE(zoom_link, 'https://x'::text) ~ '^https://'::text) AND (COALESCE(meet_link, 'https://x'::text) ~ '^https://'::text) AND (COALESCE(teams_link, 'https://x'::text) ~ '^https://'::text))),
    CONSTRAINT consultants_webinar_session_price_range CHECK ((webinar_session_price >= (0)::numeric))
);

-- comment: TABLE consultants (app)
COMMENT ON TABLE app.consultants IS 'Consultants: identity, public profile, approval state, booking policy and settings. The tenant root.';

-- comment: COLUMN consultants.approval_status (app)
COMMENT ON COLUMN app.consultants.approval_status IS 'pending until an admin approves; only approved consultants see dashboard data and are published.';

-- comment: COLUMN consultants.token_epoch (app)
COMMENT ON COLUMN app.consultants.token_epoch IS 'Access tokens carrying another epoch are refused; moved on by logout-all, password change and reset, deletion.';

-- table: admins (app)
CREATE TABLE app.admins (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    email public.citext NOT NULL,
    password_hash text NOT NULL,
    name text NOT NULL,
    role text DEFAULT 'admin'::text NOT NULL,
    is_active boolean DEFAULT true NOT NULL,
    last_login_at timestamp with time zone,
    created_by uuid,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    token_epoch integer DEFAULT 0 NOT NULL,
    CONSTRAINT admins_email_format CHECK ((((email)::text ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$'::text) AND (length((email)::text) <= 254))),
    CONSTRAINT admins_email_lowercase CHECK (((email)::text = lower((email)::text))),
    CONSTRAINT admins_name_length CHECK (((length(btrim(name)) >= 1) AND (length(btrim(name)) <= 200))),
    CONSTRAINT admins_role_valid CHECK ((role = ANY (ARRAY['admin'::text, 'super_admin'::text])))
);

-- comment: TABLE admins (app)
COMMENT ON TABLE app.admins IS 'Platform staff. A separate identity from consultants; role admin manages consultants, super_admin also settings, templates and admins.';

-- comment: COLUMN admins.token_epoch (app)
COMMENT ON COLUMN app.admins.token_epoch IS 'Access tokens carrying another epoch are refused; moved on when every session of the admin ends.';

-- table: availability_slots (app)
CREATE TABLE app.availability_slots (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    consultant_id uuid NOT NULL,
    session_type text NOT NULL,
    starts_at timestamp with time zone NOT NULL,
    ends_at timestamp with time zone NOT NULL,
    date date NOT NULL,
    start_time time without time zone NOT NULL,
    end_time time without time zone NOT NULL,
    capacity integer DEFAULT 1 NOT NULL,
    booked_count integer DEFAULT 0 NOT NULL,
    is_available boolean DEFAULT true NOT NULL,
    source text DEFAULT 'manual'::text NOT NULL,
    rule_id uuid,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT availability_slots_booked_count_range CHECK (((booked_count >= 0) AND (booked_count <= capacity))),
    CONSTRAINT availability_slots_capacity_range CHECK (((capacity >= 1) AND (capacity <= 10000))),
    CONSTRAINT availability_slots_end_after_start CHECK ((ends_at > starts_at)),
    CONSTRAINT availability_slots_personal_single CHECK (((session_type = 'webinar'::text) OR (capacity = 1))),
    CONSTRAINT availability_slots_session_type_valid CHECK ((session_type = ANY (ARRAY['personal'::text, 'webinar'::text]))),
    CONSTRAINT availability_slots_source_valid CHECK ((source = ANY (ARRAY['rule'::text, 'manual'::text])))
);

-- comment: TABLE availability_slots (app)
COMMENT ON TABLE app.availability_slots IS 'Bookable times. starts_at/ends_at are the truth; date/start_time/end_time are derived local values. Webinar slots take capacity clients.';

-- table: daily_analytics (app)
CREATE TABLE app.daily_analytics (
    consultant_id uuid NOT NULL,
    date date NOT NULL,
    total_sessions integer DEFAULT 0 NOT NULL,
    completed_sessions integer DEFAULT 0 NOT NULL,
    cancelled_sessions integer DEFAULT 0 NOT NULL,
    abandoned_sessions integer DEFAULT 0 NOT NULL,
    no_show_sessions integer DEFAULT 0 NOT NULL,
    total_revenue numeric(12,2) DEFAULT 0 NOT NULL,
    refunded_amount numeric(12,2) DEFAULT 0 NOT NULL,
    personal_revenue numeric(12,2) DEFAULT 0 NOT NULL,
    webinar_revenue numeric(12,2) DEFAULT 0 NOT NULL,
    new_clients integer DEFAULT 0 NOT NULL,
    returning_clients integer DEFAULT 0 NOT NULL,
    quotations_sent integer DEFAULT 0 NOT NULL,
    quotations_accepted integer DEFAULT 0 NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT daily_analytics_counts_range CHECK (((total_sessions >= 0) AND (completed_sessions >= 0) AND (cancelled_sessions >= 0) AND (abandoned_sessions >= 0) AND (no_show_sessions >= 0) AND (new_clients >= 0) AND (returning_clients >= 0) AND (quotations_sent >= 0) AND (quotations_accepted >= 0))),
    CONSTRAINT daily_analytics_money_range CHECK ((refunded_amount >= (0)::numeric))
);

-- comment: TABLE daily_analytics (app)
COMMENT ON TABLE app.daily_analytics IS 'Per consultant and local day: sessions by outcome, money received and refunded, clients, quotations.';

-- table: payment_refunds (app)
CREATE TABLE app.payment_refunds (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    consultant_id uuid NOT NULL,
    transaction_id uuid NOT NULL,
    amount numeric(10,2) NOT NULL,
    reason text,
    initiated_by text NOT NULL,
    status text DEFAULT 'pending'::text NOT NULL,
    gateway_refund_id text,
    idempotency_key text DEFAULT (gen_random_uuid())::text NOT NULL,
    failure_reason text,
    processed_at timestamp with time zone,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT payment_refunds_amount_range CHECK ((amount > (0)::numeric)),
    CONSTRAINT payment_refunds_initiated_by_valid CHECK ((initiated_by = ANY (ARRAY['consultant'::text, 'client_policy'::text, 'system'::text, 'admin'::text]))),
    CONSTRAINT payment_refunds_processed_at CHECK (((status <> 'processed'::text) OR (processed_at IS NOT NULL))),
    CONSTRAINT payment_refunds_status_valid CHECK ((status = ANY (ARRAY['pending'::text, 'processed'::text, 'failed'::text])))
);

-- comment: TABLE payment_refunds (app)
COMMENT ON TABLE app.payment_refunds IS 'Each refund of a payment, full or partial, with its gateway id and status.';

-- table: idempotency_keys (app)
CREATE TABLE app.idempotency_keys (
    scope text NOT NULL,
    key text NOT NULL,
    request_sha256 bytea NOT NULL,
    response jsonb,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    consultant_id uuid NOT NULL,
    status_code smallint,
    manage_link_encrypted text,
    claimed_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT idempotency_keys_answered CHECK (((response IS NULL) = (status_code IS NULL))),
    CONSTRAINT idempotency_keys_key_length CHECK (((length(key) >= 1) AND (length(key) <= 200))),
    CONSTRAINT idempotency_keys_request_sha256_length CHECK ((length(request_sha256) = 32)),
    CONSTRAINT idempotency_keys_status_code_range CHECK (((status_code >= 200) AND (status_code <= 299)))
);

-- comment: TABLE idempotency_keys (app)
COMMENT ON TABLE app.idempotency_keys IS 'Idempotency-Keys per consultant and operation: claimed by the first request, then its answer (status, body, the manage link encrypted); 24 hours.';

-- comment: COLUMN idempotency_keys.claimed_at (app)
COMMENT ON COLUMN app.idempotency_keys.claimed_at IS 'When a request last claimed the key; an unanswered claim older than a minute may be taken over.';

-- table: local_gateway_payments (app)
CREATE TABLE app.local_gateway_payments (
    id text NOT NULL,
    order_id text NOT NULL,
    amount_paise bigint NOT NULL,
    currency text NOT NULL,
    status text NOT NULL,
    method text NOT NULL,
    error_code text,
    error_description text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT local_gateway_payments_id_format CHECK ((id ~ '^pay_[A-Za-z0-9]{14}$'::text)),
    CONSTRAINT local_gateway_payments_status_valid CHECK ((status = ANY (ARRAY['captured'::text, 'failed'::text])))
);

-- comment: TABLE local_gateway_payments (app)
COMMENT ON TABLE app.local_gateway_payments IS 'The local test gateway''s payments: one row per attempt on the checkout page.';

-- table: availability_rules (app)
CREATE TABLE app.availability_rules (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    consultant_id uuid NOT NULL,
    session_type text NOT NULL,
    weekday smallint NOT NULL,
    start_time time without time zone NOT NULL,
    end_time time without time zone NOT NULL,
    slot_minutes integer NOT NULL,
    capacity integer DEFAULT 1 NOT NULL,
    is_active boolean DEFAULT true NOT NULL,
    valid_from date,
    valid_until date,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT availability_rules_capacity_range CHECK (((capacity >= 1) AND (capacity <= 10000))),
    CONSTRAINT availability_rules_end_after_start CHECK ((end_time > start_time)),
    CONSTRAINT availability_rules_personal_single CHECK (((session_type = 'webinar'::text) OR (capacity = 1))),
    CONSTRAINT availability_rules_session_type_valid CHECK ((session_type = ANY (ARRAY['personal'::text, 'webinar'::text]))),
    CONSTRAINT availability_rules_slot_minutes_range CHECK (((slot_minutes >= 5) AND (slot_minutes <= 480))),
    CONSTRAINT availability_rules_validity_order CHECK (((valid_until IS NULL) OR (valid_from IS NULL) OR (valid_until >= valid_from))),
    CONSTRAINT availability_rules_weekday_range CHECK (((weekday >= 1) AND (weekday <= 7)))
);

-- comment: TABLE availability_rules (app)
COMMENT ON TABLE app.availability_rules IS 'Weekly schedule per session type: weekday (ISO, 1 = Monday) and local start/end in the consultant''s timezone.';

-- table: admin_audit_log (app)
CREATE TABLE app.admin_audit_log (
    id bigint NOT NULL,
    admin_id uuid,
    db_user text DEFAULT SESSION_USER NOT NULL,
    actor_label text,
    action text NOT NULL,
    target_type text,
    target_id uuid,
    details jsonb DEFAULT '{}'::jsonb NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT admin_audit_log_action_format CHECK ((action ~ '^[a-z][a-z_.]{1,80}$'::text)),
    CONSTRAINT admin_audit_log_details_shape CHECK ((jsonb_typeof(details) = 'object'::text))
);

-- comment: TABLE admin_audit_log (app)
COMMENT ON TABLE app.admin_audit_log IS 'Who did what to whom: the acting admin (or the command line), the database login, the action and its target.';

-- sequence: admin_audit_log_id_seq (app)
ALTER TABLE app.admin_audit_log ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME app.admin_audit_log_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- table: analytics_dirty (app)
CREATE TABLE app.analytics_dirty (
    id bigint NOT NULL,
    consultant_id uuid NOT NULL,
    day date NOT NULL,
    marked_at timestamp with time zone DEFAULT now() NOT NULL
);

-- comment: TABLE analytics_dirty (app)
COMMENT ON TABLE app.analytics_dirty IS 'Marks: days of daily_analytics that a committed write has changed since they were last recomputed.';

-- sequence: analytics_dirty_id_seq (app)
ALTER TABLE app.analytics_dirty ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME app.analytics_dirty_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- table: availability_blocks (app)
CREATE TABLE app.availability_blocks (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    consultant_id uuid NOT NULL,
    starts_at timestamp with time zone NOT NULL,
    ends_at timestamp with time zone NOT NULL,
    reason text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT availability_blocks_end_after_start CHECK ((ends_at > starts_at)),
    CONSTRAINT availability_blocks_reason_length CHECK ((length(reason) <= 500))
);

-- comment: TABLE availability_blocks (app)
COMMENT ON TABLE app.availability_blocks IS 'Blocked dates or ranges (holidays): no slot is offered inside them.';

-- table: availability_slot_exclusions (app)
CREATE TABLE app.availability_slot_exclusions (
    consultant_id uuid NOT NULL,
    session_type text NOT NULL,
    starts_at timestamp with time zone NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT availability_slot_exclusions_session_type_valid CHECK ((session_type = ANY (ARRAY['personal'::text, 'webinar'::text])))
);

-- comment: TABLE availability_slot_exclusions (app)
COMMENT ON TABLE app.availability_slot_exclusions IS 'Occurrences of weekly rules the consultant deleted or moved: re-materialising never brings them back.';

-- table: calendar_busy (app)
CREATE TABLE app.calendar_busy (
    consultant_id uuid NOT NULL,
    connection_id uuid NOT NULL,
    during tstzrange NOT NULL,
    CONSTRAINT calendar_busy_not_empty CHECK ((NOT isempty(during)))
);

-- comment: TABLE calendar_busy (app)
COMMENT ON TABLE app.calendar_busy IS 'Cached busy intervals from connected calendars; public slots and bookings overlapping them are refused.';

-- table: calendar_connections (app)
CREATE TABLE app.calendar_connections (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    consultant_id uuid NOT NULL,
    provider text NOT NULL,
    status text DEFAULT 'connected'::text NOT NULL,
    account_email text,
    scopes text,
    access_token_encrypted text NOT NULL,
    refresh_token_encrypted text,
    access_expires_at timestamp with time zone NOT NULL,
    token_refreshed_at timestamp with time zone,
    last_error text,
    busy_synced_at timestamp with time zone,
    connected_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT calendar_connections_provider_valid CHECK ((provider = ANY (ARRAY['google'::text, 'microsoft'::text]))),
    CONSTRAINT calendar_connections_status_valid CHECK ((status = ANY (ARRAY['connected'::text, 'revoked'::text, 'error'::text])))
);

-- comment: TABLE calendar_connections (app)
COMMENT ON TABLE app.calendar_connections IS 'A consultant''s connected Google or Microsoft account: encrypted OAuth tokens, state, last busy-time sync.';

-- table: calendar_events (app)
CREATE TABLE app.calendar_events (
    consultant_id uuid NOT NULL,
    event_key text NOT NULL,
    provider text NOT NULL,
    external_event_id text NOT NULL,
    starts_at timestamp with time zone NOT NULL,
    ends_at timestamp with time zone NOT NULL,
    meeting_link text,
    meeting_id text,
    meeting_password text,
    synced_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT calendar_events_key_format CHECK ((event_key ~ '^[sw]:[0-9a-f-]{36}$'::text)),
    CONSTRAINT calendar_events_meeting_link_format CHECK ((meeting_link ~ '^https://'::text)),
    CONSTRAINT calendar_events_provider_valid CHECK ((provider = ANY (ARRAY['google'::text, 'microsoft'::text])))
);

-- comment: TABLE calendar_events (app)
COMMENT ON TABLE app.calendar_events IS 'Events (and their online meetings) created on consultants'' connected calendars for confirmed sessions.';

-- table: consultant_client_counts (app)
CREATE TABLE app.consultant_client_counts (
    consultant_id uuid NOT NULL,
    clients bigint DEFAULT 0 NOT NULL,
    CONSTRAINT consultant_client_counts_not_negative CHECK ((clients >= 0))
);

-- comment: TABLE consultant_client_counts (app)
COMMENT ON TABLE app.consultant_client_counts IS 'How many clients each consultant has (kept by a trigger on clients).';

-- table: email_logs (app)
CREATE TABLE app.email_logs (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    consultant_id uuid,
    admin_id uuid,
    client_id uuid,
    session_id uuid,
    quotation_id uuid,
    email_type text NOT NULL,
    recipient_email public.citext NOT NULL,
    recipient_name text,
    subject text,
    template_data jsonb DEFAULT '{}'::jsonb NOT NULL,
    status text DEFAULT 'queued'::text NOT NULL,
    provider text,
    external_id text,
    error_message text,
    attempts integer DEFAULT 0 NOT NULL,
    idempotency_key text DEFAULT (gen_random_uuid())::text NOT NULL,
    queued_at timestamp with time zone DEFAULT now() NOT NULL,
    sent_at timestamp with time zone,
    delivered_at timestamp with time zone,
    bounced_at timestamp with time zone,
    failed_at timestamp with time zone,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT email_logs_attempts_range CHECK ((attempts >= 0)),
    CONSTRAINT email_logs_email_type_format CHECK ((email_type ~ '^[a-z][a-z_]{1,62}$'::text)),
    CONSTRAINT email_logs_failed_has_reason CHECK (((status <> 'failed'::text) OR (error_message IS NOT NULL))),
    CONSTRAINT email_logs_recipient_email_format CHECK (((recipient_email)::text ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$'::text)),
    CONSTRAINT email_logs_sent_has_time CHECK (((status <> ALL (ARRAY['sent'::text, 'delivered'::text, 'bounced'::text, 'complained'::text])) OR (sent_at IS NOT NULL))),
    CONSTRAINT email_logs_status_valid CHECK ((status = ANY (ARRAY['queued'::text, 'sent'::text, 'delivered'::text, 'bounced'::text, 'complained'::text, 'failed'::text]))),
    CONSTRAINT email_logs_template_data_shape CHECK ((jsonb_typeof(template_data) = 'object'::text))
);

-- comment: TABLE email_logs (app)
COMMENT ON TABLE app.email_logs IS 'Every email the product sends: queued -> sent -> delivered | bounced | failed, with provider ids and errors.';

-- table: email_outbox (app)
CREATE TABLE app.email_outbox (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    email_log_id uuid NOT NULL,
    idempotency_key text NOT NULL,
    to_email public.citext NOT NULL,
    to_name text,
    subject text NOT NULL,
    html_body text NOT NULL,
    text_body text NOT NULL,
    attachments jsonb DEFAULT '[]'::jsonb NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT email_outbox_attachments_shape CHECK ((jsonb_typeof(attachments) = 'array'::text))
);

-- comment: TABLE email_outbox (app)
COMMENT ON TABLE app.email_outbox IS 'Messages "sent" by the local email adapter; one per idempotency key, viewable at /dev/outbox.';

-- table: email_suppressions (app)
CREATE TABLE app.email_suppressions (
    email public.citext NOT NULL,
    reason text NOT NULL,
    email_log_id uuid,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT email_suppressions_email_lowercase CHECK (((email)::text = lower((email)::text))),
    CONSTRAINT email_suppressions_reason_valid CHECK ((reason = ANY (ARRAY['bounced'::text, 'complained'::text])))
);

-- comment: TABLE email_suppressions (app)
COMMENT ON TABLE app.email_suppressions IS 'Addresses the provider reported as bounced or complaining; mail to them is logged as failed, not sent.';

-- table: email_templates (app)
CREATE TABLE app.email_templates (
    email_type text NOT NULL,
    subject text NOT NULL,
    html_body text NOT NULL,
    text_body text NOT NULL,
    updated_by uuid,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT email_templates_body_length CHECK (((length(html_body) <= 200000) AND (length(text_body) <= 200000))),
    CONSTRAINT email_templates_email_type_format CHECK ((email_type ~ '^[a-z][a-z_]{1,62}$'::text)),
    CONSTRAINT email_templates_subject_length CHECK (((length(subject) >= 1) AND (length(subject) <= 500)))
);

-- comment: TABLE email_templates (app)
COMMENT ON TABLE app.email_templates IS 'Super admins'' overrides of the built-in email templates, by email type.';

-- table: local_gateway_orders (app)
CREATE TABLE app.local_gateway_orders (
    id text NOT NULL,
    amount_paise bigint NOT NULL,
    currency text NOT NULL,
    receipt text,
    notes jsonb DEFAULT '{}'::jsonb NOT NULL,
    status text DEFAULT 'created'::text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT local_gateway_orders_amount_range CHECK ((amount_paise > 0)),
    CONSTRAINT local_gateway_orders_id_format CHECK ((id ~ '^order_[A-Za-z0-9]{14}$'::text)),
    CONSTRAINT local_gateway_orders_status_valid CHECK ((status = ANY (ARRAY['created'::text, 'attempted'::text, 'paid'::text])))
);

-- comment: TABLE local_gateway_orders (app)
COMMENT ON TABLE app.local_gateway_orders IS 'The local test gateway''s orders (development without Razorpay keys).';

-- table: local_gateway_refunds (app)
CREATE TABLE app.local_gateway_refunds (
    id text NOT NULL,
    payment_id text NOT NULL,
    amount_paise bigint NOT NULL,
    idempotency_key text NOT NULL,
    notes jsonb DEFAULT '{}'::jsonb NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT local_gateway_refunds_amount_range CHECK ((amount_paise > 0)),
    CONSTRAINT local_gateway_refunds_id_format CHECK ((id ~ '^rfnd_[A-Za-z0-9]{14}$'::text))
);

-- comment: TABLE local_gateway_refunds (app)
COMMENT ON TABLE app.local_gateway_refunds IS 'The local test gateway''s refunds, unique by idempotency key like Razorpay''s X-Refund-Idempotency.';

-- table: materialized_view_versions (app)
CREATE TABLE app.materialized_view_versions (
    view_name text NOT NULL,
    definition_sha256 text NOT NULL,
    applied_at timestamp with time zone DEFAULT now() NOT NULL
);

-- comment: TABLE materialized_view_versions (app)
COMMENT ON TABLE app.materialized_view_versions IS 'Definition hash of each managed materialized view (maintained by nakksha migrate).';

-- table: oauth_states (app)
CREATE TABLE app.oauth_states (
    state_hash bytea NOT NULL,
    consultant_id uuid NOT NULL,
    provider text NOT NULL,
    code_verifier text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    expires_at timestamp with time zone DEFAULT (now() + '00:10:00'::interval) NOT NULL,
    browser_hash bytea NOT NULL,
    CONSTRAINT oauth_states_browser_hash_length CHECK ((length(browser_hash) = 32)),
    CONSTRAINT oauth_states_provider_valid CHECK ((provider = ANY (ARRAY['google'::text, 'microsoft'::text])))
);

-- comment: TABLE oauth_states (app)
COMMENT ON TABLE app.oauth_states IS 'OAuth authorisations in flight (hashed state, PKCE verifier), used once within ten minutes.';

-- comment: COLUMN oauth_states.browser_hash (app)
COMMENT ON COLUMN app.oauth_states.browser_hash IS 'SHA-256 of the nonce cookie given to the browser that started the attempt.';

-- table: one_time_tokens (app)
CREATE TABLE app.one_time_tokens (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    consultant_id uuid,
    admin_id uuid,
    purpose text NOT NULL,
    token_hash bytea NOT NULL,
    email public.citext NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    used_at timestamp with time zone,
    CONSTRAINT one_time_tokens_expiry_after_creation CHECK ((expires_at > created_at)),
    CONSTRAINT one_time_tokens_one_subject CHECK ((num_nonnulls(consultant_id, admin_id) = 1)),
    CONSTRAINT one_time_tokens_purpose_valid CHECK ((purpose = ANY (ARRAY['verify_email'::text, 'password_reset'::text]))),
    CONSTRAINT one_time_tokens_token_hash_length CHECK ((length(token_hash) = 32))
);

-- comment: TABLE one_time_tokens (app)
COMMENT ON TABLE app.one_time_tokens IS 'Email-verification and password-reset tokens: hashed, expiring, single use.';

-- table: platform_settings (app)
CREATE TABLE app.platform_settings (
    key text NOT NULL,
    value jsonb NOT NULL,
    description text,
    updated_by uuid,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT platform_settings_key_format CHECK ((key ~ '^[a-z][a-z0-9_.]{1,62}$'::text))
);

-- comment: TABLE platform_settings (app)
COMMENT ON TABLE app.platform_settings IS 'Platform configuration edited by super admins (hold minutes, booking horizon, plans...).';

-- table: quotation_views (app)
CREATE TABLE app.quotation_views (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    consultant_id uuid NOT NULL,
    quotation_id uuid NOT NULL,
    viewed_at timestamp with time zone DEFAULT now() NOT NULL,
    user_agent text,
    CONSTRAINT quotation_views_user_agent_length CHECK ((length(user_agent) <= 300))
);

-- comment: TABLE quotation_views (app)
COMMENT ON TABLE app.quotation_views IS 'Each opening of a quotation''s public link: when, and by what browser.';

-- table: rate_limit_hits (app)
CREATE TABLE app.rate_limit_hits (
    bucket text NOT NULL,
    window_start timestamp with time zone NOT NULL,
    hits integer DEFAULT 0 NOT NULL,
    CONSTRAINT rate_limit_hits_bucket_length CHECK (((length(bucket) >= 1) AND (length(bucket) <= 300))),
    CONSTRAINT rate_limit_hits_hits_range CHECK ((hits >= 0))
);

-- comment: TABLE rate_limit_hits (app)
COMMENT ON TABLE app.rate_limit_hits IS 'Fixed-window request counters per bucket (action + IP or account); old windows are pruned.';

-- table: refresh_token_families (app)
CREATE TABLE app.refresh_token_families (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    consultant_id uuid,
    admin_id uuid,
    user_agent text,
    ip inet,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    revoked_at timestamp with time zone,
    revoked_reason text,
    CONSTRAINT refresh_token_families_one_subject CHECK ((num_nonnulls(consultant_id, admin_id) = 1)),
    CONSTRAINT refresh_token_families_revocation_consistent CHECK (((revoked_at IS NULL) = (revoked_reason IS NULL))),
    CONSTRAINT refresh_token_families_revoked_reason_valid CHECK ((revoked_reason = ANY (ARRAY['logout'::text, 'logout_all'::text, 'reuse_detected'::text, 'password_reset'::text, 'password_changed'::text, 'suspended'::text, 'deleted'::text, 'deactivated'::text])))
);

-- comment: TABLE refresh_token_families (app)
COMMENT ON TABLE app.refresh_token_families IS 'One login (device) of a consultant or an admin; revoking it kills every token it issued.';

-- table: refresh_tokens (app)
CREATE TABLE app.refresh_tokens (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    family_id uuid NOT NULL,
    token_hash bytea NOT NULL,
    issued_at timestamp with time zone DEFAULT now() NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    used_at timestamp with time zone,
    replaced_by uuid,
    CONSTRAINT refresh_tokens_expiry_after_issue CHECK ((expires_at > issued_at)),
    CONSTRAINT refresh_tokens_token_hash_length CHECK ((length(token_hash) = 32))
);

-- comment: TABLE refresh_tokens (app)
COMMENT ON TABLE app.refresh_tokens IS 'Refresh tokens, stored only as SHA-256 hashes; single use (used_at), rotated into replaced_by.';

-- table: view_refreshes (app)
CREATE TABLE app.view_refreshes (
    view_name text NOT NULL,
    refreshed_at timestamp with time zone NOT NULL,
    duration_ms integer NOT NULL,
    CONSTRAINT view_refreshes_duration_range CHECK ((duration_ms >= 0))
);

-- comment: TABLE view_refreshes (app)
COMMENT ON TABLE app.view_refreshes IS 'The last refresh of each materialized view (written by api.refresh_views).';

-- table: webhook_events (app)
CREATE TABLE app.webhook_events (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    provider text NOT NULL,
    event_id text NOT NULL,
    event_type text NOT NULL,
    payload jsonb NOT NULL,
    received_at timestamp with time zone DEFAULT now() NOT NULL,
    processed_at timestamp with time zone,
    processing_error text,
    CONSTRAINT webhook_events_event_id_length CHECK (((length(event_id) >= 1) AND (length(event_id) <= 200))),
    CONSTRAINT webhook_events_provider_valid CHECK ((provider = ANY (ARRAY['razorpay'::text, 'resend'::text, 'local'::text])))
);

-- comment: TABLE webhook_events (app)
COMMENT ON TABLE app.webhook_events IS 'Provider webhook deliveries, unique by (provider, event_id): a replay is recognised and does nothing.';

-- constraint: admin_audit_log admin_audit_log_pkey (app)
ALTER TABLE ONLY app.admin_audit_log
    ADD CONSTRAINT admin_audit_log_pkey PRIMARY KEY (id);

-- check constraint: admins admins_email_ascii (app)
ALTER TABLE app.admins
    ADD CONSTRAINT admins_email_ascii CHECK ((octet_length((email)::text) = length((email)::text))) NOT VALID;

-- constraint: admins admins_email_key (app)
ALTER TABLE ONLY app.admins
    ADD CONSTRAINT admins_email_key UNIQUE (email);

-- constraint: admins admins_pkey (app)
ALTER TABLE ONLY app.admins
    ADD CONSTRAINT admins_pkey PRIMARY KEY (id);

-- constraint: analytics_dirty analytics_dirty_pkey (app)
ALTER TABLE ONLY app.analytics_dirty
    ADD CONSTRAINT analytics_dirty_pkey PRIMARY KEY (id);

-- check constraint: availability_blocks availability_blocks_ends_at_range (app)
ALTER TABLE app.availability_blocks
    ADD CONSTRAINT availability_blocks_ends_at_range CHECK (app.is_plausible_instant(ends_at)) NOT VALID;

-- constraint: availability_blocks availability_blocks_pkey (app)
ALTER TABLE ONLY app.availability_blocks
    ADD CONSTRAINT availability_blocks_pkey PRIMARY KEY (id);

-- check constraint: availability_blocks availability_blocks_starts_at_range (app)
ALTER TABLE app.availability_blocks
    ADD CONSTRAINT availability_blocks_starts_at_range CHECK (app.is_plausible_instant(starts_at)) NOT VALID;

-- constraint: availability_rules availability_rules_pkey (app)
ALTER TABLE ONLY app.availability_rules
    ADD CONSTRAINT availability_rules_pkey PRIMARY KEY (id);

-- constraint: availability_rules availability_rules_tenant_key (app)
ALTER TABLE ONLY app.availability_rules
    ADD CONSTRAINT availability_rules_tenant_key UNIQUE (consultant_id, id);

-- check constraint: availability_rules availability_rules_valid_from_range (app)
ALTER TABLE app.availability_rules
    ADD CONSTRAINT availability_rules_valid_from_range CHECK (app.is_plausible_date(valid_from)) NOT VALID;

-- check constraint: availability_rules availability_rules_valid_until_range (app)
ALTER TABLE app.availability_rules
    ADD CONSTRAINT availability_rules_valid_until_range CHECK (app.is_plausible_date(valid_until)) NOT VALID;

-- constraint: availability_slot_exclusions availability_slot_exclusions_pkey (app)
ALTER TABLE ONLY app.availability_slot_exclusions
    ADD CONSTRAINT availability_slot_exclusions_pkey PRIMARY KEY (consultant_id, session_type, starts_at);

-- check constraint: availability_slots availability_slots_ends_at_range (app)
ALTER TABLE app.availability_slots
    ADD CONSTRAINT availability_slots_ends_at_range CHECK (app.is_plausible_instant(ends_at)) NOT VALID;

-- constraint: availability_slots availability_slots_pkey (app)
ALTER TABLE ONLY app.availability_slots
    ADD CONSTRAINT availability_slots_pkey PRIMARY KEY (id);

-- check constraint: availability_slots availability_slots_starts_at_range (app)
ALTER TABLE app.availability_slots
    ADD CONSTRAINT availability_slots_starts_at_range CHECK (app.is_plausible_instant(starts_at)) NOT VALID;

-- constraint: availability_slots availability_slots_tenant_key (app)
ALTER TABLE ONLY app.availability_slots
    ADD CONSTRAINT availability_slots_tenant_key UNIQUE (consultant_id, id);

-- constraint: availability_slots availability_slots_unique_start (app)
ALTER TABLE ONLY app.availability_slots
    ADD CONSTRAINT availability_slots_unique_start UNIQUE (consultant_id, session_type, starts_at);

-- constraint: calendar_connections calendar_connections_one_per_provider (app)
ALTER TABLE ONLY app.calendar_connections
    ADD CONSTRAINT calendar_connections_one_per_provider UNIQUE (consultant_id, provider);

-- constraint: calendar_connections calendar_connections_pkey (app)
ALTER TABLE ONLY app.calendar_connections
    ADD CONSTRAINT calendar_connections_pkey PRIMARY KEY (id);

-- constraint: calendar_events calendar_events_pkey (app)
ALTER TABLE ONLY app.calendar_events
    ADD CONSTRAINT calendar_events_pkey PRIMARY KEY (event_key, provider);

-- constraint: clients clients_consultant_email_key (app)
ALTER TABLE ONLY app.clients
    ADD CONSTRAINT clients_consultant_email_key UNIQUE (consultant_id, email);

-- check constraint: clients clients_email_ascii (app)
ALTER TABLE app.clients
    ADD CONSTRAINT clients_email_ascii CHECK ((octet_length((email)::text) = length((email)::text))) NOT VALID;

-- constraint: clients clients_pkey (app)
ALTER TABLE ONLY app.clients
    ADD CONSTRAINT clients_pkey PRIMARY KEY (id);

-- constraint: clients clients_tenant_key (app)
ALTER TABLE ONLY app.clients
    ADD CONSTRAINT clients_tenant_key UNIQUE (consultant_id, id);

-- constraint: consultant_client_counts consultant_client_counts_pkey (app)
ALTER TABLE ONLY app.consultant_client_counts
    ADD CONSTRAINT consultant_client_counts_pkey PRIMARY KEY (consultant_id);

-- check constraint: consultants consultants_email_ascii (app)
ALTER TABLE app.consultants
    ADD CONSTRAINT consultants_email_ascii CHECK ((octet_length((email)::text) = length((email)::text))) NOT VALID;

-- constraint: consultants consultants_email_key (app)
ALTER TABLE ONLY app.consultants
    ADD CONSTRAINT consultants_email_key UNIQUE (email);

-- check constraint: consultants consultants_instagram_url_link (app)
ALTER TABLE app.consultants
    ADD CONSTRAINT consultants_instagram_url_link CHECK (((instagram_url IS NULL) OR (instagram_url ~* '^https://([a-z0-9-]+\.)*instagram\.com(:[0-9]{1,5})?([/?#][^[:space:][:cntrl:]\\]*)?$'::text))) NOT VALID;

-- check constraint: consultants consultants_linkedin_url_link (app)
ALTER TABLE app.consultants
    ADD CONSTRAINT consultants_linkedin_url_link CHECK (((linkedin_url IS NULL) OR (linkedin_url ~* '^https://([a-z0-9-]+\.)*linkedin\.com(:[0-9]{1,5})?([/?#][^[:space:][:cntrl:]\\]*)?$'::text))) NOT VALID;

-- check constraint: consultants consultants_meet_link_link (app)
ALTER TABLE app.consultants
    ADD CONSTRAINT consultants_meet_link_link CHECK (((meet_link IS NULL) OR (meet_link ~* '^https://([a-z0-9-]+\.)*meet\.google\.com(:[0-9]{1,5})?([/?#][^[:space:][:cntrl:]\\]*)?$'::text))) NOT VALID;

-- constraint: consultants consultants_pkey (app)
ALTER TABLE ONLY app.consultants
    ADD CONSTRAINT consultants_pkey PRIMARY KEY (id);

-- constraint: consultants consultants_slug_key (app)
ALTER TABLE ONLY app.consultants
    ADD CONSTRAINT consultants_slug_key UNIQUE (slug);

-- check constraint: consultants consultants_subscription_expires_at_range (app)
ALTER TABLE app.consultants
    ADD CONSTRAINT consultants_subscription_expires_at_range CHECK (app.is_plausible_instant(subscription_expires_at)) NOT VALID;

-- check constraint: consultants consultants_teams_link_link (app)
ALTER TABLE app.consultants
    ADD CONSTRAINT consultants_teams_link_link CHECK (((teams_link IS NULL) OR (teams_link ~* '^https://([a-z0-9-]+\.)*(teams\.microsoft\.com|teams\.live\.com)(:[0-9]{1,5})?([/?#][^[:space:][:cntrl:]\\]*)?$'::text))) NOT VALID;

-- check constraint: consultants consultants_twitter_url_link (app)
ALTER TABLE app.consultants
    ADD CONSTRAINT consultants_twitter_url_link CHECK (((twitter_url IS NULL) OR (twitter_url ~* '^https://([a-z0-9-]+\.)*(twitter\.com|x\.com)(:[0-9]{1,5})?([/?#][^[:space:][:cntrl:]\\]*)?$'::text))) NOT VALID;

-- check constraint: consultants consultants_zoom_link_link (app)
ALTER TABLE app.consultants
    ADD CONSTRAINT consultants_zoom_link_link CHECK (((zoom_link IS NULL) OR (zoom_link ~* '^https://([a-z0-9-]+\.)*(zoom\.us|zoom\.com|zoomgov\.com)(:[0-9]{1,5})?([/?#][^[:space:][:cntrl:]\\]*)?$'::text))) NOT VALID;

-- constraint: daily_analytics daily_analytics_pkey (app)
ALTER TABLE ONLY app.daily_analytics
    ADD CONSTRAINT daily_analytics_pkey PRIMARY KEY (consultant_id, date);

-- constraint: email_logs email_logs_idempotency_key_key (app)
ALTER TABLE ONLY app.email_logs
    ADD CONSTRAINT email_logs_idempotency_key_key UNIQUE (idempotency_key);

-- constraint: email_logs email_logs_pkey (app)
ALTER TABLE ONLY app.email_logs
    ADD CONSTRAINT email_logs_pkey PRIMARY KEY (id);

-- constraint: email_outbox email_outbox_idempotency_key_key (app)
ALTER TABLE ONLY app.email_outbox
    ADD CONSTRAINT email_outbox_idempotency_key_key UNIQUE (idempotency_key);

-- constraint: email_outbox email_outbox_pkey (app)
ALTER TABLE ONLY app.email_outbox
    ADD CONSTRAINT email_outbox_pkey PRIMARY KEY (id);

-- constraint: email_suppressions email_suppressions_pkey (app)
ALTER TABLE ONLY app.email_suppressions
    ADD CONSTRAINT email_suppressions_pkey PRIMARY KEY (email);

-- constraint: email_templates email_templates_pkey (app)
ALTER TABLE ONLY app.email_templates
    ADD CONSTRAINT email_templates_pkey PRIMARY KEY (email_type);

-- constraint: idempotency_keys idempotency_keys_pkey (app)
ALTER TABLE ONLY app.idempotency_keys
    ADD CONSTRAINT idempotency_keys_pkey PRIMARY KEY (consultant_id, scope, key);

-- constraint: local_gateway_orders local_gateway_orders_pkey (app)
ALTER TABLE ONLY app.local_gateway_orders
    ADD CONSTRAINT local_gateway_orders_pkey PRIMARY KEY (id);

-- constraint: local_gateway_payments local_gateway_payments_pkey (app)
ALTER TABLE ONLY app.local_gateway_payments
    ADD CONSTRAINT local_gateway_payments_pkey PRIMARY KEY (id);

-- constraint: local_gateway_refunds local_gateway_refunds_idempotency_key_key (app)
ALTER TABLE ONLY app.local_gateway_refunds
    ADD CONSTRAINT local_gateway_refunds_idempotency_key_key UNIQUE (idempotency_key);

-- constraint: local_gateway_refunds local_gateway_refunds_pkey (app)
ALTER TABLE ONLY app.local_gateway_refunds
    ADD CONSTRAINT local_gateway_refunds_pkey PRIMARY KEY (id);

-- constraint: materialized_view_versions materialized_view_versions_pkey (app)
ALTER TABLE ONLY app.materialized_view_versions
    ADD CONSTRAINT materialized_view_versions_pkey PRIMARY KEY (view_name);

-- constraint: oauth_states oauth_states_pkey (app)
ALTER TABLE ONLY app.oauth_states
    ADD CONSTRAINT oauth_states_pkey PRIMARY KEY (state_hash);

-- constraint: one_time_tokens one_time_tokens_pkey (app)
ALTER TABLE ONLY app.one_time_tokens
    ADD CONSTRAINT one_time_tokens_pkey PRIMARY KEY (id);

-- constraint: one_time_tokens one_time_tokens_token_hash_key (app)
ALTER TABLE ONLY app.one_time_tokens
    ADD CONSTRAINT one_time_tokens_token_hash_key UNIQUE (token_hash);

-- constraint: payment_refunds payment_refunds_gateway_refund_id_key (app)
ALTER TABLE ONLY app.payment_refunds
    ADD CONSTRAINT payment_refunds_gateway_refund_id_key UNIQUE (gateway_refund_id);

-- constraint: payment_refunds payment_refunds_idempotency_key_key (app)
ALTER TABLE ONLY app.payment_refunds
    ADD CONSTRAINT payment_refunds_idempotency_key_key UNIQUE (idempotency_key);

-- constraint: payment_refunds payment_refunds_pkey (app)
ALTER TABLE ONLY app.payment_refunds
    ADD CONSTRAINT payment_refunds_pkey PRIMARY KEY (id);

-- constraint: payment_transactions payment_transactions_gateway_order_id_key (app)
ALTER TABLE ONLY app.payment_transactions
    ADD CONSTRAINT payment_transactions_gateway_order_id_key UNIQUE (gateway, gateway_order_id);

-- constraint: payment_transactions payment_transactions_gateway_payment_id_key (app)
ALTER TABLE ONLY app.payment_transactions
    ADD CONSTRAINT payment_transactions_gateway_payment_id_key UNIQUE (gateway, gateway_payment_id);

-- constraint: payment_transactions payment_transactions_pkey (app)
ALTER TABLE ONLY app.payment_transactions
    ADD CONSTRAINT payment_transactions_pkey PRIMARY KEY (id);

-- constraint: payment_transactions payment_transactions_tenant_key (app)
ALTER TABLE ONLY app.payment_transactions
    ADD CONSTRAINT payment_transactions_tenant_key UNIQUE (consultant_id, id);

-- constraint: platform_settings platform_settings_pkey (app)
ALTER TABLE ONLY app.platform_settings
    ADD CONSTRAINT platform_settings_pkey PRIMARY KEY (key);

-- constraint: quotation_views quotation_views_pkey (app)
ALTER TABLE ONLY app.quotation_views
    ADD CONSTRAINT quotation_views_pkey PRIMARY KEY (id);

-- check constraint: quotations quotations_client_email_ascii (app)
ALTER TABLE app.quotations
    ADD CONSTRAINT quotations_client_email_ascii CHECK ((octet_length((client_email)::text) = length((client_email)::text))) NOT VALID;

-- check constraint: quotations quotations_expires_at_range (app)
ALTER TABLE app.quotations
    ADD CONSTRAINT quotations_expires_at_range CHECK (app.is_plausible_instant(expires_at)) NOT VALID;

-- constraint: quotations quotations_pkey (app)
ALTER TABLE ONLY app.quotations
    ADD CONSTRAINT quotations_pkey PRIMARY KEY (id);

-- constraint: quotations quotations_public_token_hash_key (app)
ALTER TABLE ONLY app.quotations
    ADD CONSTRAINT quotations_public_token_hash_key UNIQUE (public_token_hash);

-- constraint: quotations quotations_tenant_key (app)
ALTER TABLE ONLY app.quotations
    ADD CONSTRAINT quotations_tenant_key UNIQUE (consultant_id, id);

-- constraint: rate_limit_hits rate_limit_hits_pkey (app)
ALTER TABLE ONLY app.rate_limit_hits
    ADD CONSTRAINT rate_limit_hits_pkey PRIMARY KEY (bucket, window_start);

-- constraint: refresh_token_families refresh_token_families_pkey (app)
ALTER TABLE ONLY app.refresh_token_families
    ADD CONSTRAINT refresh_token_families_pkey PRIMARY KEY (id);

-- constraint: refresh_tokens refresh_tokens_pkey (app)
ALTER TABLE ONLY app.refresh_tokens
    ADD CONSTRAINT refresh_tokens_pkey PRIMARY KEY (id);

-- constraint: refresh_tokens refresh_tokens_token_hash_key (app)
ALTER TABLE ONLY app.refresh_tokens
    ADD CONSTRAINT refresh_tokens_token_hash_key UNIQUE (token_hash);

-- check constraint: sessions sessions_client_email_ascii (app)
ALTER TABLE app.sessions
    ADD CONSTRAINT sessions_client_email_ascii CHECK ((octet_length((client_email)::text) = length((client_email)::text))) NOT VALID;

-- check constraint: sessions sessions_ends_at_range (app)
ALTER TABLE app.sessions
    ADD CONSTRAINT sessions_ends_at_range CHECK (app.is_plausible_instant(ends_at)) NOT VALID;

-- constraint: sessions sessions_manage_token_hash_key (app)
ALTER TABLE ONLY app.sessions
    ADD CONSTRAINT sessions_manage_token_hash_key UNIQUE (manage_token_hash);

-- constraint: sessions sessions_no_overlap (app)
ALTER TABLE ONLY app.sessions
    ADD CONSTRAINT sessions_no_overlap EXCLUDE USING gist (consultant_id WITH =, occupied_during WITH &&, occupancy_key WITH <>) WHERE ((status = ANY (ARRAY['pending'::text, 'confirmed'::text, 'completed'::text, 'no_show'::text])));

-- comment: CONSTRAINT sessions_no_overlap ON sessions (app)
COMMENT ON CONSTRAINT sessions_no_overlap ON app.sessions IS 'Live personal sessions and webinar slots with seats taken never overlap for one consultant (buffer included).';

-- constraint: sessions sessions_pkey (app)
ALTER TABLE ONLY app.sessions
    ADD CONSTRAINT sessions_pkey PRIMARY KEY (id);

-- check constraint: sessions sessions_starts_at_range (app)
ALTER TABLE app.sessions
    ADD CONSTRAINT sessions_starts_at_range CHECK (app.is_plausible_instant(starts_at)) NOT VALID;

-- constraint: sessions sessions_tenant_key (app)
ALTER TABLE ONLY app.sessions
    ADD CONSTRAINT sessions_tenant_key UNIQUE (consultant_id, id);

-- constraint: view_refreshes view_refreshes_pkey (app)
ALTER TABLE ONLY app.view_refreshes
    ADD CONSTRAINT view_refreshes_pkey PRIMARY KEY (view_name);

-- constraint: webhook_events webhook_events_pkey (app)
ALTER TABLE ONLY app.webhook_events
    ADD CONSTRAINT webhook_events_pkey PRIMARY KEY (id);

-- constraint: webhook_events webhook_events_provider_event_key (app)
ALTER TABLE ONLY app.webhook_events
    ADD CONSTRAINT webhook_events_provider_event_key UNIQUE (provider, event_id);

-- index: admin_audit_log_target_idx (app)
CREATE INDEX admin_audit_log_target_idx ON app.admin_audit_log USING btree (target_type, target_id, created_at);

-- index: analytics_dirty_consultant (app)
CREATE INDEX analytics_dirty_consultant ON app.analytics_dirty USING btree (consultant_id);

-- index: availability_blocks_consultant_id_idx (app)
CREATE INDEX availability_blocks_consultant_id_idx ON app.availability_blocks USING gist (consultant_id, tstzrange(starts_at, ends_at));

-- index: availability_slots_consultant_starts_idx (app)
CREATE INDEX availability_slots_consultant_starts_idx ON app.availability_slots USING btree (consultant_id, starts_at);

-- index: calendar_busy_connection (app)
CREATE INDEX calendar_busy_connection ON app.calendar_busy USING btree (connection_id);

-- index: calendar_busy_consultant_during (app)
CREATE INDEX calendar_busy_consultant_during ON app.calendar_busy USING gist (consultant_id, during);

-- index: calendar_events_consultant (app)
CREATE INDEX calendar_events_consultant ON app.calendar_events USING btree (consultant_id);

-- index: clients_consultant_created_idx (app)
CREATE INDEX clients_consultant_created_idx ON app.clients USING btree (consultant_id, created_at);

-- index: clients_consultant_phone_hash_idx (app)
CREATE INDEX clients_consultant_phone_hash_idx ON app.clients USING btree (consultant_id, phone_hash) WHERE (phone_hash IS NOT NULL);

-- index: consultants_approval_status_idx (app)
CREATE INDEX consultants_approval_status_idx ON app.consultants USING btree (approval_status, created_at);

-- index: email_logs_consultant_idx (app)
CREATE INDEX email_logs_consultant_idx ON app.email_logs USING btree (consultant_id, queued_at) WHERE (consultant_id IS NOT NULL);

-- index: email_logs_status_idx (app)
CREATE INDEX email_logs_status_idx ON app.email_logs USING btree (status, queued_at);

-- index: email_outbox_created_idx (app)
CREATE INDEX email_outbox_created_idx ON app.email_outbox USING btree (created_at DESC);

-- index: idempotency_keys_created_idx (app)
CREATE INDEX idempotency_keys_created_idx ON app.idempotency_keys USING btree (created_at);

-- index: local_gateway_payments_order_idx (app)
CREATE INDEX local_gateway_payments_order_idx ON app.local_gateway_payments USING btree (order_id);

-- index: local_gateway_refunds_payment_idx (app)
CREATE INDEX local_gateway_refunds_payment_idx ON app.local_gateway_refunds USING btree (payment_id);

-- index: one_time_tokens_admin_id_idx (app)
CREATE INDEX one_time_tokens_admin_id_idx ON app.one_time_tokens USING btree (admin_id, purpose) WHERE (admin_id IS NOT NULL);

-- index: one_time_tokens_consultant_id_idx (app)
CREATE INDEX one_time_tokens_consultant_id_idx ON app.one_time_tokens USING btree (consultant_id, purpose) WHERE (consultant_id IS NOT NULL);

-- index: payment_refunds_consultant_processed_idx (app)
CREATE INDEX payment_refunds_consultant_processed_idx ON app.payment_refunds USING btree (consultant_id, processed_at) WHERE (processed_at IS NOT NULL);

-- index: payment_refunds_pending_idx (app)
CREATE INDEX payment_refunds_pending_idx ON app.payment_refunds USING btree (updated_at) WHERE (status = 'pending'::text);

-- index: payment_refunds_transaction_idx (app)
CREATE INDEX payment_refunds_transaction_idx ON app.payment_refunds USING btree (consultant_id, transaction_id);

-- index: payment_transactions_consultant_created_idx (app)
CREATE INDEX payment_transactions_consultant_created_idx ON app.payment_transactions USING btree (consultant_id, created_at);

-- index: payment_transactions_consultant_paid_idx (app)
CREATE INDEX payment_transactions_consultant_paid_idx ON app.payment_transactions USING btree (consultant_id, paid_at) WHERE (paid_at IS NOT NULL);

-- index: payment_transactions_pending_idx (app)
CREATE INDEX payment_transactions_pending_idx ON app.payment_transactions USING btree (created_at) WHERE (status = 'pending'::text);

-- index: payment_transactions_reconcile_idx (app)
CREATE INDEX payment_transactions_reconcile_idx ON app.payment_transactions USING btree (last_checked_at NULLS FIRST) WHERE ((status = ANY (ARRAY['pending'::text, 'failed'::text, 'cancelled'::text])) AND (gateway_order_id IS NOT NULL));

-- index: payment_transactions_session_idx (app)
CREATE INDEX payment_transactions_session_idx ON app.payment_transactions USING btree (consultant_id, session_id) WHERE (session_id IS NOT NULL);

-- index: quotation_views_quotation (app)
CREATE INDEX quotation_views_quotation ON app.quotation_views USING btree (quotation_id, viewed_at);

-- index: quotations_consultant_responded_idx (app)
CREATE INDEX quotations_consultant_responded_idx ON app.quotations USING btree (consultant_id, responded_at) WHERE (responded_at IS NOT NULL);

-- index: quotations_consultant_sent_idx (app)
CREATE INDEX quotations_consultant_sent_idx ON app.quotations USING btree (consultant_id, sent_at) WHERE (sent_at IS NOT NULL);

-- index: quotations_consultant_status_idx (app)
CREATE INDEX quotations_consultant_status_idx ON app.quotations USING btree (consultant_id, status, created_at);

-- index: quotations_expiry_idx (app)
CREATE INDEX quotations_expiry_idx ON app.quotations USING btree (expires_at) WHERE (status = ANY (ARRAY['sent'::text, 'viewed'::text]));

-- index: rate_limit_hits_window_idx (app)
CREATE INDEX rate_limit_hits_window_idx ON app.rate_limit_hits USING btree (window_start);

-- index: refresh_token_families_admin_id_idx (app)
CREATE INDEX refresh_token_families_admin_id_idx ON app.refresh_token_families USING btree (admin_id) WHERE (admin_id IS NOT NULL);

-- index: refresh_token_families_consultant_id_idx (app)
CREATE INDEX refresh_token_families_consultant_id_idx ON app.refresh_token_families USING btree (consultant_id) WHERE (consultant_id IS NOT NULL);

-- index: refresh_tokens_family_id_idx (app)
CREATE INDEX refresh_tokens_family_id_idx ON app.refresh_tokens USING btree (family_id);

-- index: sessions_client_idx (app)
CREATE INDEX sessions_client_idx ON app.sessions USING btree (consultant_id, client_id);

-- index: sessions_consultant_starts_idx (app)
CREATE INDEX sessions_consultant_starts_idx ON app.sessions USING btree (consultant_id, starts_at);

-- index: sessions_consultant_status_idx (app)
CREATE INDEX sessions_consultant_status_idx ON app.sessions USING btree (consultant_id, status);

-- index: sessions_hold_expiry_idx (app)
CREATE INDEX sessions_hold_expiry_idx ON app.sessions USING btree (hold_expires_at) WHERE (status = 'pending'::text);

-- index: sessions_pending_ip_idx (app)
CREATE INDEX sessions_pending_ip_idx ON app.sessions USING btree (consultant_id, client_ip_hash) WHERE ((status = 'pending'::text) AND (client_ip_hash IS NOT NULL));

-- index: sessions_slot_idx (app)
CREATE INDEX sessions_slot_idx ON app.sessions USING btree (slot_id) WHERE (slot_id IS NOT NULL);

-- index: webhook_events_email_idx (app)
CREATE INDEX webhook_events_email_idx ON app.webhook_events USING btree (((payload #>> '{data,email_id}'::text[]))) WHERE (provider = 'resend'::text);

-- index: webhook_events_payment_order_idx (app)
CREATE INDEX webhook_events_payment_order_idx ON app.webhook_events USING btree (((payload #>> '{payload,payment,entity,order_id}'::text[]))) WHERE (provider <> 'resend'::text);

-- index: webhook_events_refund_payment_idx (app)
CREATE INDEX webhook_events_refund_payment_idx ON app.webhook_events USING btree (((payload #>> '{payload,refund,entity,payment_id}'::text[]))) WHERE (provider <> 'resend'::text);

-- trigger: admin_audit_log admin_audit_log_append_only (app)
CREATE TRIGGER admin_audit_log_append_only BEFORE DELETE OR UPDATE ON app.admin_audit_log FOR EACH ROW EXECUTE FUNCTION app.forbid_audit_change();

-- trigger: admin_audit_log admin_audit_log_no_truncate (app)
CREATE TRIGGER admin_audit_log_no_truncate BEFORE TRUNCATE ON app.admin_audit_log FOR EACH STATEMENT EXECUTE FUNCTION app.forbid_audit_change();

-- trigger: admins admins_touch_updated_at (app)
CREATE TRIGGER admins_touch_updated_at BEFORE UPDATE ON app.admins FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();

-- trigger: availability_rules availability_rules_check_limits (app)
CREATE TRIGGER availability_rules_check_limits AFTER INSERT OR UPDATE ON app.availability_rules FOR EACH ROW EXECUTE FUNCTION app.check_availability_rule();

-- trigger: availability_rules availability_rules_touch_updated_at (app)
CREATE TRIGGER availability_rules_touch_updated_at BEFORE UPDATE ON app.availability_rules FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();

-- trigger: availability_slots availability_slots_check_manual_budget (app)
CREATE TRIGGER availability_slots_check_manual_budget AFTER INSERT ON app.availability_slots FOR EACH ROW WHEN ((new.source = 'manual'::text)) EXECUTE FUNCTION app.check_slot_budget();

-- trigger: availability_slots availability_slots_derive_local (app)
CREATE TRIGGER availability_slots_derive_local BEFORE INSERT OR UPDATE OF starts_at, ends_at, consultant_id ON app.availability_slots FOR EACH ROW EXECUTE FUNCTION app.derive_slot_local_times();

-- trigger: availability_slots availability_slots_protect_booked (app)
CREATE TRIGGER availability_slots_protect_booked BEFORE DELETE OR UPDATE ON app.availability_slots FOR EACH ROW EXECUTE FUNCTION app.protect_booked_slot();

-- trigger: availability_slots availability_slots_touch_updated_at (app)
CREATE TRIGGER availability_slots_touch_updated_at BEFORE UPDATE ON app.availability_slots FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();

-- trigger: calendar_connections calendar_connections_touch_updated_at (app)
CREATE TRIGGER calendar_connections_touch_updated_at BEFORE UPDATE ON app.calendar_connections FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();

-- trigger: clients clients_count (app)
CREATE TRIGGER clients_count AFTER INSERT OR DELETE ON app.clients FOR EACH ROW EXECUTE FUNCTION app.count_clients();

-- trigger: clients clients_mark_analytics (app)
CREATE TRIGGER clients_mark_analytics AFTER INSERT ON app.clients FOR EACH ROW EXECUTE FUNCTION app.mark_analytics_dirty();

-- trigger: clients clients_touch_updated_at (app)
CREATE TRIGGER clients_touch_updated_at BEFORE UPDATE ON app.clients FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();

-- trigger: consultants consultants_check_slot_horizon (app)
CREATE TRIGGER consultants_check_slot_horizon AFTER UPDATE OF max_days_ahead ON app.consultants FOR EACH ROW WHEN ((new.max_days_ahead > old.max_days_ahead)) EXECUTE FUNCTION app.check_slot_budget();

-- trigger: consultants consultants_rederive_local_times (app)
CREATE TRIGGER consultants_rederive_local_times AFTER UPDATE OF timezone ON app.consultants FOR EACH ROW WHEN ((old.timezone IS DISTINCT FROM new.timezone)) EXECUTE FUNCTION app.rederive_local_times();

-- trigger: consultants consultants_timezone_analytics (app)
CREATE TRIGGER consultants_timezone_analytics AFTER UPDATE OF timezone ON app.consultants FOR EACH ROW WHEN ((new.timezone IS DISTINCT FROM old.timezone)) EXECUTE FUNCTION app.mark_all_analytics_dirty();

-- trigger: consultants consultants_touch_updated_at (app)
CREATE TRIGGER consultants_touch_updated_at BEFORE UPDATE ON app.consultants FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();

-- trigger: email_logs email_logs_touch_updated_at (app)
CREATE TRIGGER email_logs_touch_updated_at BEFORE UPDATE ON app.email_logs FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();

-- trigger: email_templates email_templates_touch_updated_at (app)
CREATE TRIGGER email_templates_touch_updated_at BEFORE UPDATE ON app.email_templates FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();

-- trigger: payment_refunds payment_refunds_apply_totals (app)
CREATE TRIGGER payment_refunds_apply_totals AFTER INSERT OR UPDATE OF status, amount ON app.payment_refunds FOR EACH ROW EXECUTE FUNCTION app.apply_refund_totals();

-- trigger: payment_refunds payment_refunds_guard (app)
CREATE TRIGGER payment_refunds_guard BEFORE INSERT OR UPDATE OF amount, status ON app.payment_refunds FOR EACH ROW EXECUTE FUNCTION app.guard_refund();

-- trigger: payment_refunds payment_refunds_mark_analytics (app)
CREATE TRIGGER payment_refunds_mark_analytics AFTER INSERT OR UPDATE OF status, processed_at, amount ON app.payment_refunds FOR EACH ROW EXECUTE FUNCTION app.mark_analytics_dirty();

-- trigger: payment_refunds payment_refunds_touch_updated_at (app)
CREATE TRIGGER payment_refunds_touch_updated_at BEFORE UPDATE ON app.payment_refunds FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();

-- trigger: payment_transactions payment_transactions_enforce_transition (app)
CREATE TRIGGER payment_transactions_enforce_transition BEFORE UPDATE OF status ON app.payment_transactions FOR EACH ROW EXECUTE FUNCTION app.enforce_payment_transition();

-- trigger: payment_transactions payment_transactions_mark_analytics (app)
CREATE TRIGGER payment_transactions_mark_analytics AFTER INSERT OR DELETE OR UPDATE OF status, paid_at, amount ON app.payment_transactions FOR EACH ROW EXECUTE FUNCTION app.mark_analytics_dirty();

-- trigger: payment_transactions payment_transactions_refresh_client_paid (app)
CREATE TRIGGER payment_transactions_refresh_client_paid AFTER INSERT OR DELETE OR UPDATE OF status, amount, amount_refunded, client_id ON app.payment_transactions FOR EACH ROW EXECUTE FUNCTION app.refresh_client_amount_paid();

-- trigger: payment_transactions payment_transactions_touch_updated_at (app)
CREATE TRIGGER payment_transactions_touch_updated_at BEFORE UPDATE ON app.payment_transactions FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();

-- trigger: platform_settings platform_settings_touch_updated_at (app)
CREATE TRIGGER platform_settings_touch_updated_at BEFORE UPDATE ON app.platform_settings FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();

-- trigger: quotations quotations_guard (app)
CREATE TRIGGER quotations_guard BEFORE DELETE OR UPDATE ON app.quotations FOR EACH ROW EXECUTE FUNCTION app.guard_quotation();

-- trigger: quotations quotations_mark_analytics (app)
CREATE TRIGGER quotations_mark_analytics AFTER UPDATE OF status, sent_at, responded_at ON app.quotations FOR EACH ROW EXECUTE FUNCTION app.mark_analytics_dirty();

-- trigger: quotations quotations_touch_updated_at (app)
CREATE TRIGGER quotations_touch_updated_at BEFORE UPDATE ON app.quotations FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();

-- trigger: sessions sessions_derive_times (app)
CREATE TRIGGER sessions_derive_times BEFORE INSERT OR UPDATE OF starts_at, ends_at, buffer_minutes, consultant_id ON app.sessions FOR EACH ROW EXECUTE FUNCTION app.derive_session_times();

-- trigger: sessions sessions_enforce_transition (app)
CREATE TRIGGER sessions_enforce_transition BEFORE UPDATE OF status ON app.sessions FOR EACH ROW EXECUTE FUNCTION app.enforce_session_transition();

-- trigger: sessions sessions_mark_analytics (app)
CREATE TRIGGER sessions_mark_analytics AFTER INSERT OR DELETE OR UPDATE OF status, starts_at, amount, session_type, is_repeat_client ON app.sessions FOR EACH ROW EXECUTE FUNCTION app.mark_analytics_dirty();

-- trigger: sessions sessions_refresh_client_totals (app)
CREATE TRIGGER sessions_refresh_client_totals AFTER INSERT OR DELETE OR UPDATE OF status, starts_at, client_id ON app.sessions FOR EACH ROW EXECUTE FUNCTION app.refresh_client_session_totals();

-- trigger: sessions sessions_schedule_reminder (app)
CREATE TRIGGER sessions_schedule_reminder AFTER INSERT OR UPDATE OF status, starts_at ON app.sessions FOR EACH ROW EXECUTE FUNCTION app.schedule_session_reminder();

-- trigger: sessions sessions_sync_calendar (app)
CREATE TRIGGER sessions_sync_calendar AFTER INSERT OR UPDATE OF status, starts_at, ends_at ON app.sessions FOR EACH ROW EXECUTE FUNCTION app.sync_session_calendar();

-- trigger: sessions sessions_sync_slot_seats (app)
CREATE TRIGGER sessions_sync_slot_seats AFTER INSERT OR DELETE OR UPDATE OF status, slot_id ON app.sessions FOR EACH ROW EXECUTE FUNCTION app.sync_slot_seats();

-- trigger: sessions sessions_touch_updated_at (app)
CREATE TRIGGER sessions_touch_updated_at BEFORE UPDATE ON app.sessions FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();

-- trigger: procrastinate_jobs procrastinate_jobs_keep_worker_registered (public)
CREATE TRIGGER procrastinate_jobs_keep_worker_registered BEFORE UPDATE OF worker_id ON public.procrastinate_jobs FOR EACH ROW WHEN (((new.worker_id IS NOT NULL) AND (new.worker_id IS DISTINCT FROM old.worker_id))) EXECUTE FUNCTION app.keep_worker_registered();

-- fk constraint: admin_audit_log admin_audit_log_admin_id_fkey (app)
ALTER TABLE ONLY app.admin_audit_log
    ADD CONSTRAINT admin_audit_log_admin_id_fkey FOREIGN KEY (admin_id) REFERENCES app.admins(id) ON DELETE RESTRICT;

-- fk constraint: admins admins_created_by_fkey (app)
ALTER TABLE ONLY app.admins
    ADD CONSTRAINT admins_created_by_fkey FOREIGN KEY (created_by) REFERENCES app.admins(id) ON DELETE SET NULL;

-- fk constraint: analytics_dirty analytics_dirty_consultant_id_fkey (app)
ALTER TABLE ONLY app.analytics_dirty
    ADD CONSTRAINT analytics_dirty_consultant_id_fkey FOREIGN KEY (consultant_id) REFERENCES app.consultants(id) ON DELETE CASCADE;

-- fk constraint: availability_blocks availability_blocks_consultant_id_fkey (app)
ALTER TABLE ONLY app.availability_blocks
    ADD CONSTRAINT availability_blocks_consultant_id_fkey FOREIGN KEY (consultant_id) REFERENCES app.consultants(id) ON DELETE CASCADE;

-- fk constraint: availability_rules availability_rules_consultant_id_fkey (app)
ALTER TABLE ONLY app.availability_rules
    ADD CONSTRAINT availability_rules_consultant_id_fkey FOREIGN KEY (consultant_id) REFERENCES app.consultants(id) ON DELETE CASCADE;

-- fk constraint: availability_slot_exclusions availability_slot_exclusions_consultant_id_fkey (app)
ALTER TABLE ONLY app.availability_slot_exclusions
    ADD CONSTRAINT availability_slot_exclusions_consultant_id_fkey FOREIGN KEY (consultant_id) REFERENCES app.consultants(id) ON DELETE CASCADE;

-- fk constraint: availability_slots availability_slots_consultant_id_fkey (app)
ALTER TABLE ONLY app.availability_slots
    ADD CONSTRAINT availability_slots_consultant_id_fkey FOREIGN KEY (consultant_id) REFERENCES app.consultants(id) ON DELETE CASCADE;

-- fk constraint: availability_slots availability_slots_rule_id_fkey (app)
ALTER TABLE ONLY app.availability_slots
    ADD CONSTRAINT availability_slots_rule_id_fkey FOREIGN KEY (consultant_id, rule_id) REFERENCES app.availability_rules(consultant_id, id) ON DELETE SET NULL (rule_id);

-- fk constraint: calendar_busy calendar_busy_connection_id_fkey (app)
ALTER TABLE ONLY app.calendar_busy
    ADD CONSTRAINT calendar_busy_connection_id_fkey FOREIGN KEY (connection_id) REFERENCES app.calendar_connections(id) ON DELETE CASCADE;

-- fk constraint: calendar_busy calendar_busy_consultant_id_fkey (app)
ALTER TABLE ONLY app.calendar_busy
    ADD CONSTRAINT calendar_busy_consultant_id_fkey FOREIGN KEY (consultant_id) REFERENCES app.consultants(id) ON DELETE CASCADE;

-- fk constraint: calendar_connections calendar_connections_consultant_id_fkey (app)
ALTER TABLE ONLY app.calendar_connections
    ADD CONSTRAINT calendar_connections_consultant_id_fkey FOREIGN KEY (consultant_id) REFERENCES app.consultants(id) ON DELETE CASCADE;

-- fk constraint: calendar_events calendar_events_consultant_id_fkey (app)
ALTER TABLE ONLY app.calendar_events
    ADD CONSTRAINT calendar_events_consultant_id_fkey FOREIGN KEY (consultant_id) REFERENCES app.consultants(id) ON DELETE CASCADE;

-- fk constraint: clients clients_consultant_id_fkey (app)
ALTER TABLE ONLY app.clients
    ADD CONSTRAINT clients_consultant_id_fkey FOREIGN KEY (consultant_id) REFERENCES app.consultants(id) ON DELETE CASCADE;

-- fk constraint: consultant_client_counts consultant_client_counts_consultant_id_fkey (app)
ALTER TABLE ONLY app.consultant_client_counts
    ADD CONSTRAINT consultant_client_counts_consultant_id_fkey FOREIGN KEY (consultant_id) REFERENCES app.consultants(id) ON DELETE CASCADE;

-- fk constraint: consultants consultants_approved_by_fkey (app)
ALTER TABLE ONLY app.consultants
    ADD CONSTRAINT consultants_approved_by_fkey FOREIGN KEY (approved_by) REFERENCES app.admins(id) ON DELETE SET NULL;

-- fk constraint: daily_analytics daily_analytics_consultant_id_fkey (app)
ALTER TABLE ONLY app.daily_analytics
    ADD CONSTRAINT daily_analytics_consultant_id_fkey FOREIGN KEY (consultant_id) REFERENCES app.consultants(id) ON DELETE CASCADE;

-- fk constraint: email_logs email_logs_admin_id_fkey (app)
ALTER TABLE ONLY app.email_logs
    ADD CONSTRAINT email_logs_admin_id_fkey FOREIGN KEY (admin_id) REFERENCES app.admins(id) ON DELETE SET NULL;

-- fk constraint: email_logs email_logs_client_id_fkey (app)
ALTER TABLE ONLY app.email_logs
    ADD CONSTRAINT email_logs_client_id_fkey FOREIGN KEY (client_id) REFERENCES app.clients(id) ON DELETE SET NULL;

-- fk constraint: email_logs email_logs_consultant_id_fkey (app)
ALTER TABLE ONLY app.email_logs
    ADD CONSTRAINT email_logs_consultant_id_fkey FOREIGN KEY (consultant_id) REFERENCES app.consultants(id) ON DELETE SET NULL;

-- fk constraint: email_logs email_logs_quotation_id_fkey (app)
ALTER TABLE ONLY app.email_logs
    ADD CONSTRAINT email_logs_quotation_id_fkey FOREIGN KEY (quotation_id) REFERENCES app.quotations(id) ON DELETE SET NULL;

-- fk constraint: email_logs email_logs_session_id_fkey (app)
ALTER TABLE ONLY app.email_logs
    ADD CONSTRAINT email_logs_session_id_fkey FOREIGN KEY (session_id) REFERENCES app.sessions(id) ON DELETE SET NULL;

-- fk constraint: email_outbox email_outbox_email_log_id_fkey (app)
ALTER TABLE ONLY app.email_outbox
    ADD CONSTRAINT email_outbox_email_log_id_fkey FOREIGN KEY (email_log_id) REFERENCES app.email_logs(id) ON DELETE CASCADE;

-- fk constraint: email_suppressions email_suppressions_email_log_id_fkey (app)
ALTER TABLE ONLY app.email_suppressions
    ADD CONSTRAINT email_suppressions_email_log_id_fkey FOREIGN KEY (email_log_id) REFERENCES app.email_logs(id) ON DELETE SET NULL;

-- fk constraint: email_templates email_templates_updated_by_fkey (app)
ALTER TABLE ONLY app.email_templates
    ADD CONSTRAINT email_templates_updated_by_fkey FOREIGN KEY (updated_by) REFERENCES app.admins(id) ON DELETE SET NULL;

-- fk constraint: idempotency_keys idempotency_keys_consultant_id_fkey (app)
ALTER TABLE ONLY app.idempotency_keys
    ADD CONSTRAINT idempotency_keys_consultant_id_fkey FOREIGN KEY (consultant_id) REFERENCES app.consultants(id) ON DELETE CASCADE;

-- fk constraint: local_gateway_payments local_gateway_payments_order_id_fkey (app)
ALTER TABLE ONLY app.local_gateway_payments
    ADD CONSTRAINT local_gateway_payments_order_id_fkey FOREIGN KEY (order_id) REFERENCES app.local_gateway_orders(id) ON DELETE CASCADE;

-- fk constraint: local_gateway_refunds local_gateway_refunds_payment_id_fkey (app)
ALTER TABLE ONLY app.local_gateway_refunds
    ADD CONSTRAINT local_gateway_refunds_payment_id_fkey FOREIGN KEY (payment_id) REFERENCES app.local_gateway_payments(id) ON DELETE CASCADE;

-- fk constraint: oauth_states oauth_states_consultant_id_fkey (app)
ALTER TABLE ONLY app.oauth_states
    ADD CONSTRAINT oauth_states_consultant_id_fkey FOREIGN KEY (consultant_id) REFERENCES app.consultants(id) ON DELETE CASCADE;

-- fk constraint: one_time_tokens one_time_tokens_admin_id_fkey (app)
ALTER TABLE ONLY app.one_time_tokens
    ADD CONSTRAINT one_time_tokens_admin_id_fkey FOREIGN KEY (admin_id) REFERENCES app.admins(id) ON DELETE CASCADE;

-- fk constraint: one_time_tokens one_time_tokens_consultant_id_fkey (app)
ALTER TABLE ONLY app.one_time_tokens
    ADD CONSTRAINT one_time_tokens_consultant_id_fkey FOREIGN KEY (consultant_id) REFERENCES app.consultants(id) ON DELETE CASCADE;

-- fk constraint: payment_refunds payment_refunds_transaction_id_fkey (app)
ALTER TABLE ONLY app.payment_refunds
    ADD CONSTRAINT payment_refunds_transaction_id_fkey FOREIGN KEY (consultant_id, transaction_id) REFERENCES app.payment_transactions(consultant_id, id) ON DELETE RESTRICT;

-- fk constraint: payment_transactions payment_transactions_client_id_fkey (app)
ALTER TABLE ONLY app.payment_transactions
    ADD CONSTRAINT payment_transactions_client_id_fkey FOREIGN KEY (consultant_id, client_id) REFERENCES app.clients(consultant_id, id) ON DELETE RESTRICT;

-- fk constraint: payment_transactions payment_transactions_consultant_id_fkey (app)
ALTER TABLE ONLY app.payment_transactions
    ADD CONSTRAINT payment_transactions_consultant_id_fkey FOREIGN KEY (consultant_id) REFERENCES app.consultants(id) ON DELETE RESTRICT;

-- fk constraint: payment_transactions payment_transactions_quotation_id_fkey (app)
ALTER TABLE ONLY app.payment_transactions
    ADD CONSTRAINT payment_transactions_quotation_id_fkey FOREIGN KEY (consultant_id, quotation_id) REFERENCES app.quotations(consultant_id, id) ON DELETE RESTRICT;

-- fk constraint: payment_transactions payment_transactions_session_id_fkey (app)
ALTER TABLE ONLY app.payment_transactions
    ADD CONSTRAINT payment_transactions_session_id_fkey FOREIGN KEY (consultant_id, session_id) REFERENCES app.sessions(consultant_id, id) ON DELETE RESTRICT;

-- fk constraint: platform_settings platform_settings_updated_by_fkey (app)
ALTER TABLE ONLY app.platform_settings
    ADD CONSTRAINT platform_settings_updated_by_fkey FOREIGN KEY (updated_by) REFERENCES app.admins(id) ON DELETE SET NULL;

-- fk constraint: quotation_views quotation_views_consultant_id_fkey (app)
ALTER TABLE ONLY app.quotation_views
    ADD CONSTRAINT quotation_views_consultant_id_fkey FOREIGN KEY (consultant_id) REFERENCES app.consultants(id) ON DELETE CASCADE;

-- fk constraint: quotation_views quotation_views_quotation_id_fkey (app)
ALTER TABLE ONLY app.quotation_views
    ADD CONSTRAINT quotation_views_quotation_id_fkey FOREIGN KEY (consultant_id, quotation_id) REFERENCES app.quotations(consultant_id, id) ON DELETE CASCADE;

-- fk constraint: quotations quotations_client_id_fkey (app)
ALTER TABLE ONLY app.quotations
    ADD CONSTRAINT quotations_client_id_fkey FOREIGN KEY (consultant_id, client_id) REFERENCES app.clients(consultant_id, id) ON DELETE SET NULL (client_id);

-- fk constraint: quotations quotations_consultant_id_fkey (app)
ALTER TABLE ONLY app.quotations
    ADD CONSTRAINT quotations_consultant_id_fkey FOREIGN KEY (consultant_id) REFERENCES app.consultants(id) ON DELETE RESTRICT;

-- fk constraint: refresh_token_families refresh_token_families_admin_id_fkey (app)
ALTER TABLE ONLY app.refresh_token_families
    ADD CONSTRAINT refresh_token_families_admin_id_fkey FOREIGN KEY (admin_id) REFERENCES app.admins(id) ON DELETE CASCADE;

-- fk constraint: refresh_token_families refresh_token_families_consultant_id_fkey (app)
ALTER TABLE ONLY app.refresh_token_families
    ADD CONSTRAINT refresh_token_families_consultant_id_fkey FOREIGN KEY (consultant_id) REFERENCES app.consultants(id) ON DELETE CASCADE;

-- fk constraint: refresh_tokens refresh_tokens_family_id_fkey (app)
ALTER TABLE ONLY app.refresh_tokens
    ADD CONSTRAINT refresh_tokens_family_id_fkey FOREIGN KEY (family_id) REFERENCES app.refresh_token_families(id) ON DELETE CASCADE;

-- fk constraint: refresh_tokens refresh_tokens_replaced_by_fkey (app)
ALTER TABLE ONLY app.refresh_tokens
    ADD CONSTRAINT refresh_tokens_replaced_by_fkey FOREIGN KEY (replaced_by) REFERENCES app.refresh_tokens(id) ON DELETE SET NULL;

-- fk constraint: sessions sessions_client_id_fkey (app)
ALTER TABLE ONLY app.sessions
    ADD CONSTRAINT sessions_client_id_fkey FOREIGN KEY (consultant_id, client_id) REFERENCES app.clients(consultant_id, id) ON DELETE RESTRICT;

-- fk constraint: sessions sessions_consultant_id_fkey (app)
ALTER TABLE ONLY app.sessions
    ADD CONSTRAINT sessions_consultant_id_fkey FOREIGN KEY (consultant_id) REFERENCES app.consultants(id) ON DELETE RESTRICT;

-- fk constraint: sessions sessions_slot_id_fkey (app)
ALTER TABLE ONLY app.sessions
    ADD CONSTRAINT sessions_slot_id_fkey FOREIGN KEY (consultant_id, slot_id) REFERENCES app.availability_slots(consultant_id, id) ON DELETE SET NULL (slot_id);

-- row security: admin_audit_log (app)
ALTER TABLE app.admin_audit_log ENABLE ROW LEVEL SECURITY;

-- policy: admins admin_reads_admins (app)
CREATE POLICY admin_reads_admins ON app.admins FOR SELECT TO nakksha_app USING (( SELECT app.current_admin_is_active() AS current_admin_is_active));

-- policy: admin_audit_log admin_reads_audit_log (app)
CREATE POLICY admin_reads_audit_log ON app.admin_audit_log FOR SELECT TO nakksha_app USING (( SELECT app.current_admin_is_active() AS current_admin_is_active));

-- policy: availability_blocks admin_reads_availability_blocks (app)
CREATE POLICY admin_reads_availability_blocks ON app.availability_blocks FOR SELECT TO nakksha_app USING (( SELECT app.current_admin_is_active() AS current_admin_is_active));

-- policy: availability_rules admin_reads_availability_rules (app)
CREATE POLICY admin_reads_availability_rules ON app.availability_rules FOR SELECT TO nakksha_app USING (( SELECT app.current_admin_is_active() AS current_admin_is_active));

-- policy: availability_slots admin_reads_availability_slots (app)
CREATE POLICY admin_reads_availability_slots ON app.availability_slots FOR SELECT TO nakksha_app USING (( SELECT app.current_admin_is_active() AS current_admin_is_active));

-- policy: calendar_events admin_reads_calendar_events (app)
CREATE POLICY admin_reads_calendar_events ON app.calendar_events FOR SELECT TO nakksha_app USING (( SELECT app.current_admin_is_active() AS current_admin_is_active));

-- policy: clients admin_reads_clients (app)
CREATE POLICY admin_reads_clients ON app.clients FOR SELECT TO nakksha_app USING (( SELECT app.current_admin_is_active() AS current_admin_is_active));

-- policy: consultants admin_reads_consultants (app)
CREATE POLICY admin_reads_consultants ON app.consultants FOR SELECT TO nakksha_app USING (( SELECT app.current_admin_is_active() AS current_admin_is_active));

-- policy: daily_analytics admin_reads_daily_analytics (app)
CREATE POLICY admin_reads_daily_analytics ON app.daily_analytics FOR SELECT TO nakksha_app USING (( SELECT app.current_admin_is_active() AS current_admin_is_active));

-- policy: email_logs admin_reads_email_logs (app)
CREATE POLICY admin_reads_email_logs ON app.email_logs FOR SELECT TO nakksha_app USING (( SELECT app.current_admin_is_active() AS current_admin_is_active));

-- policy: email_suppressions admin_reads_email_suppressions (app)
CREATE POLICY admin_reads_email_suppressions ON app.email_suppressions FOR SELECT TO nakksha_app USING ((( SELECT app.current_admin_id() AS current_admin_id) IS NOT NULL));

-- policy: email_templates admin_reads_email_templates (app)
CREATE POLICY admin_reads_email_templates ON app.email_templates FOR SELECT TO nakksha_app USING (( SELECT app.current_admin_is_active() AS current_admin_is_active));

-- policy: payment_refunds admin_reads_payment_refunds (app)
CREATE POLICY admin_reads_payment_refunds ON app.payment_refunds FOR SELECT TO nakksha_app USING (( SELECT app.current_admin_is_active() AS current_admin_is_active));

-- policy: payment_transactions admin_reads_payment_transactions (app)
CREATE POLICY admin_reads_payment_transactions ON app.payment_transactions FOR SELECT TO nakksha_app USING (( SELECT app.current_admin_is_active() AS current_admin_is_active));

-- policy: quotation_views admin_reads_quotation_views (app)
CREATE POLICY admin_reads_quotation_views ON app.quotation_views FOR SELECT TO nakksha_app USING (( SELECT app.current_admin_is_active() AS current_admin_is_active));

-- policy: quotations admin_reads_quotations (app)
CREATE POLICY admin_reads_quotations ON app.quotations FOR SELECT TO nakksha_app USING (( SELECT app.current_admin_is_active() AS current_admin_is_active));

-- policy: sessions admin_reads_sessions (app)
CREATE POLICY admin_reads_sessions ON app.sessions FOR SELECT TO nakksha_app USING (( SELECT app.current_admin_is_active() AS current_admin_is_active));

-- policy: availability_slot_exclusions admin_reads_slot_exclusions (app)
CREATE POLICY admin_reads_slot_exclusions ON app.availability_slot_exclusions FOR SELECT TO nakksha_app USING (( SELECT app.current_admin_is_active() AS current_admin_is_active));

-- policy: view_refreshes admin_reads_view_refreshes (app)
CREATE POLICY admin_reads_view_refreshes ON app.view_refreshes FOR SELECT TO nakksha_app USING (( SELECT app.current_admin_is_active() AS current_admin_is_active));

-- policy: webhook_events admin_reads_webhook_events (app)
CREATE POLICY admin_reads_webhook_events ON app.webhook_events FOR SELECT TO nakksha_app USING (( SELECT app.current_admin_is_active() AS current_admin_is_active));

-- row security: admins (app)
ALTER TABLE app.admins ENABLE ROW LEVEL SECURITY;

-- row security: analytics_dirty (app)
ALTER TABLE app.analytics_dirty ENABLE ROW LEVEL SECURITY;

-- policy: platform_settings anyone_reads_platform_settings (app)
CREATE POLICY anyone_reads_platform_settings ON app.platform_settings FOR SELECT TO nakksha_app USING (true);

-- row security: availability_blocks (app)
ALTER TABLE app.availability_blocks ENABLE ROW LEVEL SECURITY;

-- row security: availability_rules (app)
ALTER TABLE app.availability_rules ENABLE ROW LEVEL SECURITY;

-- row security: availability_slot_exclusions (app)
ALTER TABLE app.availability_slot_exclusions ENABLE ROW LEVEL SECURITY;

-- row security: availability_slots (app)
ALTER TABLE app.availability_slots ENABLE ROW LEVEL SECURITY;

-- row security: calendar_busy (app)
ALTER TABLE app.calendar_busy ENABLE ROW LEVEL SECURITY;

-- row security: calendar_connections (app)
ALTER TABLE app.calendar_connections ENABLE ROW LEVEL SECURITY;

-- row security: calendar_events (app)
ALTER TABLE app.calendar_events ENABLE ROW LEVEL SECURITY;

-- row security: clients (app)
ALTER TABLE app.clients ENABLE ROW LEVEL SECURITY;

-- row security: consultant_client_counts (app)
ALTER TABLE app.consultant_client_counts ENABLE ROW LEVEL SECURITY;

-- policy: availability_blocks consultant_manages_own_availability_blocks (app)
CREATE POLICY consultant_manages_own_availability_blocks ON app.availability_blocks TO nakksha_app USING ((consultant_id = ( SELECT app.current_consultant_id() AS current_consultant_id))) WITH CHECK ((consultant_id = ( SELECT app.current_consultant_id() AS current_consultant_id)));

-- policy: availability_rules consultant_manages_own_availability_rules (app)
CREATE POLICY consultant_manages_own_availability_rules ON app.availability_rules TO nakksha_app USING ((consultant_id = ( SELECT app.current_consultant_id() AS current_consultant_id))) WITH CHECK ((consultant_id = ( SELECT app.current_consultant_id() AS current_consultant_id)));

-- policy: availability_slots consultant_manages_own_availability_slots (app)
CREATE POLICY consultant_manages_own_availability_slots ON app.availability_slots TO nakksha_app USING ((consultant_id = ( SELECT app.current_consultant_id() AS current_consultant_id))) WITH CHECK ((consultant_id = ( SELECT app.current_consultant_id() AS current_consultant_id)));

-- policy: clients consultant_manages_own_clients (app)
CREATE POLICY consultant_manages_own_clients ON app.clients TO nakksha_app USING ((consultant_id = ( SELECT app.current_approved_consultant_id() AS current_approved_consultant_id))) WITH CHECK ((consultant_id = ( SELECT app.current_approved_consultant_id() AS current_approved_consultant_id)));

-- policy: quotations consultant_manages_own_quotations (app)
CREATE POLICY consultant_manages_own_quotations ON app.quotations TO nakksha_app USING ((consultant_id = ( SELECT app.current_approved_consultant_id() AS current_approved_consultant_id))) WITH CHECK ((consultant_id = ( SELECT app.current_approved_consultant_id() AS current_approved_consultant_id)));

-- policy: sessions consultant_manages_own_sessions (app)
CREATE POLICY consultant_manages_own_sessions ON app.sessions TO nakksha_app USING ((consultant_id = ( SELECT app.current_approved_consultant_id() AS current_approved_consultant_id))) WITH CHECK ((consultant_id = ( SELECT app.current_approved_consultant_id() AS current_approved_consultant_id)));

-- policy: calendar_events consultant_reads_own_calendar_events (app)
CREATE POLICY consultant_reads_own_calendar_events ON app.calendar_events FOR SELECT TO nakksha_app USING ((consultant_id = ( SELECT app.current_approved_consultant_id() AS current_approved_consultant_id)));

-- policy: daily_analytics consultant_reads_own_daily_analytics (app)
CREATE POLICY consultant_reads_own_daily_analytics ON app.daily_analytics FOR SELECT TO nakksha_app USING ((consultant_id = ( SELECT app.current_approved_consultant_id() AS current_approved_consultant_id)));

-- policy: email_logs consultant_reads_own_email_logs (app)
CREATE POLICY consultant_reads_own_email_logs ON app.email_logs FOR SELECT TO nakksha_app USING ((consultant_id = ( SELECT app.current_approved_consultant_id() AS current_approved_consultant_id)));

-- policy: payment_refunds consultant_reads_own_payment_refunds (app)
CREATE POLICY consultant_reads_own_payment_refunds ON app.payment_refunds FOR SELECT TO nakksha_app USING ((consultant_id = ( SELECT app.current_approved_consultant_id() AS current_approved_consultant_id)));

-- policy: payment_transactions consultant_reads_own_payment_transactions (app)
CREATE POLICY consultant_reads_own_payment_transactions ON app.payment_transactions FOR SELECT TO nakksha_app USING ((consultant_id = ( SELECT app.current_approved_consultant_id() AS current_approved_consultant_id)));

-- policy: quotation_views consultant_reads_own_quotation_views (app)
CREATE POLICY consultant_reads_own_quotation_views ON app.quotation_views FOR SELECT TO nakksha_app USING ((consultant_id = ( SELECT app.current_approved_consultant_id() AS current_approved_consultant_id)));

-- policy: consultants consultant_reads_own_row (app)
CREATE POLICY consultant_reads_own_row ON app.consultants FOR SELECT TO nakksha_app USING ((id = ( SELECT app.current_consultant_id() AS current_consultant_id)));

-- policy: availability_slot_exclusions consultant_reads_own_slot_exclusions (app)
CREATE POLICY consultant_reads_own_slot_exclusions ON app.availability_slot_exclusions FOR SELECT TO nakksha_app USING ((consultant_id = ( SELECT app.current_consultant_id() AS current_consultant_id)));

-- policy: consultants consultant_updates_own_row (app)
CREATE POLICY consultant_updates_own_row ON app.consultants FOR UPDATE TO nakksha_app USING ((id = ( SELECT app.current_consultant_id() AS current_consultant_id))) WITH CHECK ((id = ( SELECT app.current_consultant_id() AS current_consultant_id)));

-- row security: consultants (app)
ALTER TABLE app.consultants ENABLE ROW LEVEL SECURITY;

-- row security: daily_analytics (app)
ALTER TABLE app.daily_analytics ENABLE ROW LEVEL SECURITY;

-- row security: email_logs (app)
ALTER TABLE app.email_logs ENABLE ROW LEVEL SECURITY;

-- row security: email_outbox (app)
ALTER TABLE app.email_outbox ENABLE ROW LEVEL SECURITY;

-- row security: email_suppressions (app)
ALTER TABLE app.email_suppressions ENABLE ROW LEVEL SECURITY;

-- row security: email_templates (app)
ALTER TABLE app.email_templates ENABLE ROW LEVEL SECURITY;

-- row security: idempotency_keys (app)
ALTER TABLE app.idempotency_keys ENABLE ROW LEVEL SECURITY;

-- row security: local_gateway_orders (app)
ALTER TABLE app.local_gateway_orders ENABLE ROW LEVEL SECURITY;

-- row security: local_gateway_payments (app)
ALTER TABLE app.local_gateway_payments ENABLE ROW LEVEL SECURITY;

-- row security: local_gateway_refunds (app)
ALTER TABLE app.local_gateway_refunds ENABLE ROW LEVEL SECURITY;

-- row security: materialized_view_versions (app)
ALTER TABLE app.materialized_view_versions ENABLE ROW LEVEL SECURITY;

-- row security: oauth_states (app)
ALTER TABLE app.oauth_states ENABLE ROW LEVEL SECURITY;

-- row security: one_time_tokens (app)
ALTER TABLE app.one_time_tokens ENABLE ROW LEVEL SECURITY;

-- row security: payment_refunds (app)
ALTER TABLE app.payment_refunds ENABLE ROW LEVEL SECURITY;

-- row security: payment_transactions (app)
ALTER TABLE app.payment_transactions ENABLE ROW LEVEL SECURITY;

-- row security: platform_settings (app)
ALTER TABLE app.platform_settings ENABLE ROW LEVEL SECURITY;

-- row security: quotation_views (app)
ALTER TABLE app.quotation_views ENABLE ROW LEVEL SECURITY;

-- row security: quotations (app)
ALTER TABLE app.quotations ENABLE ROW LEVEL SECURITY;

-- row security: rate_limit_hits (app)
ALTER TABLE app.rate_limit_hits ENABLE ROW LEVEL SECURITY;

-- row security: refresh_token_families (app)
ALTER TABLE app.refresh_token_families ENABLE ROW LEVEL SECURITY;

-- row security: refresh_tokens (app)
ALTER TABLE app.refresh_tokens ENABLE ROW LEVEL SECURITY;

-- row security: sessions (app)
ALTER TABLE app.sessions ENABLE ROW LEVEL SECURITY;

-- row security: view_refreshes (app)
ALTER TABLE app.view_refreshes ENABLE ROW LEVEL SECURITY;

-- row security: webhook_events (app)
ALTER TABLE app.webhook_events ENABLE ROW LEVEL SECURITY;

-- acl: SCHEMA app
GRANT USAGE ON SCHEMA app TO nakksha_app;
GRANT USAGE ON SCHEMA app TO nakksha_admin;

-- acl: SCHEMA public
GRANT USAGE ON SCHEMA public TO nakksha_app;
GRANT USAGE ON SCHEMA public TO nakksha_admin;

-- acl: TABLE clients (app)
GRANT SELECT ON TABLE app.clients TO nakksha_app;

-- acl: COLUMN clients.consultant_id (app)
GRANT INSERT(consultant_id) ON TABLE app.clients TO nakksha_app;

-- acl: COLUMN clients.name (app)
GRANT INSERT(name),UPDATE(name) ON TABLE app.clients TO nakksha_app;

-- acl: COLUMN clients.email (app)
GRANT INSERT(email),UPDATE(email) ON TABLE app.clients TO nakksha_app;

-- acl: COLUMN clients.phone_encrypted (app)
GRANT INSERT(phone_encrypted),UPDATE(phone_encrypted) ON TABLE app.clients TO nakksha_app;

-- acl: COLUMN clients.phone_hash (app)
GRANT INSERT(phone_hash),UPDATE(phone_hash) ON TABLE app.clients TO nakksha_app;

-- acl: COLUMN clients.notes (app)
GRANT INSERT(notes),UPDATE(notes) ON TABLE app.clients TO nakksha_app;

-- acl: COLUMN clients.is_active (app)
GRANT INSERT(is_active),UPDATE(is_active) ON TABLE app.clients TO nakksha_app;

-- acl: TABLE payment_transactions (app)
GRANT SELECT ON TABLE app.payment_transactions TO nakksha_app;

-- acl: TABLE quotations (app)
GRANT SELECT,DELETE ON TABLE app.quotations TO nakksha_app;

-- acl: COLUMN quotations.consultant_id (app)
GRANT INSERT(consultant_id) ON TABLE app.quotations TO nakksha_app;

-- acl: COLUMN quotations.client_id (app)
GRANT INSERT(client_id),UPDATE(client_id) ON TABLE app.quotations TO nakksha_app;

-- acl: COLUMN quotations.client_name (app)
GRANT INSERT(client_name),UPDATE(client_name) ON TABLE app.quotations TO nakksha_app;

-- acl: COLUMN quotations.client_email (app)
GRANT INSERT(client_email),UPDATE(client_email) ON TABLE app.quotations TO nakksha_app;

-- acl: COLUMN quotations.quotation_name (app)
GRANT INSERT(quotation_name),UPDATE(quotation_name) ON TABLE app.quotations TO nakksha_app;

-- acl: COLUMN quotations.description (app)
GRANT INSERT(description),UPDATE(description) ON TABLE app.quotations TO nakksha_app;

-- acl: COLUMN quotations.base_amount (app)
GRANT INSERT(base_amount),UPDATE(base_amount) ON TABLE app.quotations TO nakksha_app;

-- acl: COLUMN quotations.discount_percentage (app)
GRANT INSERT(discount_percentage),UPDATE(discount_percentage) ON TABLE app.quotations TO nakksha_app;

-- acl: COLUMN quotations.currency (app)
GRANT INSERT(currency),UPDATE(currency) ON TABLE app.quotations TO nakksha_app;

-- acl: COLUMN quotations.validity_period (app)
GRANT INSERT(validity_period),UPDATE(validity_period) ON TABLE app.quotations TO nakksha_app;

-- acl: COLUMN quotations.expires_at (app)
GRANT INSERT(expires_at),UPDATE(expires_at) ON TABLE app.quotations TO nakksha_app;

-- acl: COLUMN quotations.notes (app)
GRANT INSERT(notes),UPDATE(notes) ON TABLE app.quotations TO nakksha_app;

-- acl: COLUMN quotations.quotation_image_url (app)
GRANT INSERT(quotation_image_url),UPDATE(quotation_image_url) ON TABLE app.quotations TO nakksha_app;

-- acl: TABLE sessions (app)
GRANT SELECT ON TABLE app.sessions TO nakksha_app;

-- acl: COLUMN sessions.meeting_platform (app)
GRANT UPDATE(meeting_platform) ON TABLE app.sessions TO nakksha_app;

-- acl: COLUMN sessions.meeting_link (app)
GRANT UPDATE(meeting_link) ON TABLE app.sessions TO nakksha_app;

-- acl: COLUMN sessions.meeting_id (app)
GRANT UPDATE(meeting_id) ON TABLE app.sessions TO nakksha_app;

-- acl: COLUMN sessions.meeting_password (app)
GRANT UPDATE(meeting_password) ON TABLE app.sessions TO nakksha_app;

-- acl: COLUMN sessions.notes (app)
GRANT UPDATE(notes) ON TABLE app.sessions TO nakksha_app;

-- acl: COLUMN sessions.consultant_notes (app)
GRANT UPDATE(consultant_notes) ON TABLE app.sessions TO nakksha_app;

-- acl: COLUMN consultants.id (app)
GRANT SELECT(id) ON TABLE app.consultants TO nakksha_app;

-- acl: COLUMN consultants.email (app)
GRANT SELECT(email) ON TABLE app.consultants TO nakksha_app;

-- acl: COLUMN consultants.first_name (app)
GRANT SELECT(first_name),UPDATE(first_name) ON TABLE app.consultants TO nakksha_app;

-- acl: COLUMN consultants.last_name (app)
GRANT SELECT(last_name),UPDATE(last_name) ON TABLE app.consultants TO nakksha_app;

-- acl: COLUMN consultants.phone_country_code (app)
GRANT SELECT(phone_country_code),UPDATE(phone_country_code) ON TABLE app.consultants TO nakksha_app;

-- acl: COLUMN consultants.phone_number (app)
GRANT SELECT(phone_number),UPDATE(phone_number) ON TABLE app.consultants TO nakksha_app;

-- acl: COLUMN consultants.consultancy_sector (app)
GRANT SELECT(consultancy_sector),UPDATE(consultancy_sector) ON TABLE app.consultants TO nakksha_app;

-- acl: COLUMN consultants.bank_name (app)
GRANT SELECT(bank_name) ON TABLE app.consultants TO nakksha_app;

-- acl: COLUMN consultants.bank_account_number_encrypted (app)
GRANT SELECT(bank_account_number_encrypted) ON TABLE app.consultants TO nakksha_app;

-- acl: COLUMN consultants.ifsc_code_encrypted (app)
GRANT SELECT(ifsc_code_encrypted) ON TABLE app.consultants TO nakksha_app;

-- acl: COLUMN consultants.personal_session_title (app)
GRANT SELECT(personal_session_title),UPDATE(personal_session_title) ON TABLE app.consultants TO nakksha_app;

-- acl: COLUMN consultants.webinar_session_title (app)
GRANT SELECT(webinar_session_title),UPDATE(webinar_session_title) ON TABLE app.consultants TO nakksha_app;

-- acl: COLUMN consultants.description (app)
GRANT SELECT(description),UPDATE(description) ON TABLE app.consultants TO nakksha_app;

-- acl: COLUMN consultants.experience_months (app)
GRANT SELECT(experience_months),UPDATE(experience_months) ON TABLE app.consultants TO nakksha_app;

-- acl: COLUMN consultants.personal_session_price (app)
GRANT SELECT(personal_session_price),UPDATE(personal_session_price) ON TABLE app.consultants TO nakksha_app;

-- acl: COLUMN consultants.webinar_session_price (app)
GRANT SELECT(webinar_session_price),UPDATE(webinar_session_price) ON TABLE app.consultants TO nakksha_app;

-- acl: COLUMN consultants.currency (app)
GRANT SELECT(currency) ON TABLE app.consultants TO nakksha_app;

-- acl: COLUMN consultants.instagram_url (app)
GRANT SELECT(instagram_url),UPDATE(instagram_url) ON TABLE app.consultants TO nakksha_app;

-- acl: COLUMN consultants.linkedin_url (app)
GRANT SELECT(linkedin_url),UPDATE(linkedin_url) ON TABLE app.consultants TO nakksha_app;

-- acl: COLUMN consultants.twitter_url (app)
GRANT SELECT(twitter_url),UPDATE(twitter_url) ON TABLE app.consultants TO nakksha_app;

-- acl: COLUMN consultants.profile_photo_url (app)
GRANT SELECT(profile_photo_url) ON TABLE app.consultants TO nakksha_app;

-- acl: COLUMN consultants.slug (app)
GRANT SELECT(slug) ON TABLE app.consultants TO nakksha_app;

-- acl: COLUMN consultants.timezone (app)
GRANT SELECT(timezone),UPDATE(timezone) ON TABLE app.consultants TO nakksha_app;

-- acl: COLUMN consultants.is_active (app)
GRANT SELECT(is_active) ON TABLE app.consultants TO nakksha_app;

-- acl: COLUMN consultants.is_email_verified (app)
GRANT SELECT(is_email_verified) ON TABLE app.consultants TO nakksha_app;

-- acl: COLUMN consultants.email_verified_at (app)
GRANT SELECT(email_verified_at) ON TABLE app.consultants TO nakksha_app;

-- acl: COLUMN consultants.subscription_plan (app)
GRANT SELECT(subscription_plan) ON TABLE app.consultants TO nakksha_app;

-- acl: COLUMN consultants.subscription_expires_at (app)
GRANT SELECT(subscription_expires_at) ON TABLE app.consultants TO nakksha_app;

-- acl: COLUMN consultants.approval_status (app)
GRANT SELECT(approval_status) ON TABLE app.consultants TO nakksha_app;

-- acl: COLUMN consultants.approved_at (app)
GRANT SELECT(approved_at) ON TABLE app.consultants TO nakksha_app;

-- acl: COLUMN consultants.approved_by (app)
GRANT SELECT(approved_by) ON TABLE app.consultants TO nakksha_app;

-- acl: COLUMN consultants.rejection_reason (app)
GRANT SELECT(rejection_reason) ON TABLE app.consultants TO nakksha_app;

-- acl: COLUMN consultants.min_notice_minutes (app)
GRANT SELECT(min_notice_minutes),UPDATE(min_notice_minutes) ON TABLE app.consultants TO nakksha_app;

-- acl: COLUMN consultants.max_days_ahead (app)
GRANT SELECT(max_days_ahead),UPDATE(max_days_ahead) ON TABLE app.consultants TO nakksha_app;

-- acl: COLUMN consultants.buffer_minutes (app)
GRANT SELECT(buffer_minutes),UPDATE(buffer_minutes) ON TABLE app.consultants TO nakksha_app;

-- acl: COLUMN consultants.hold_minutes (app)
GRANT SELECT(hold_minutes) ON TABLE app.consultants TO nakksha_app;

-- acl: COLUMN consultants.cancellation_policy (app)
GRANT SELECT(cancellation_policy),UPDATE(cancellation_policy) ON TABLE app.consultants TO nakksha_app;

-- acl: COLUMN consultants.default_meeting_platform (app)
GRANT SELECT(default_meeting_platform),UPDATE(default_meeting_platform) ON TABLE app.consultants TO nakksha_app;

-- acl: COLUMN consultants.zoom_link (app)
GRANT SELECT(zoom_link),UPDATE(zoom_link) ON TABLE app.consultants TO nakksha_app;

-- acl: COLUMN consultants.meet_link (app)
GRANT SELECT(meet_link),UPDATE(meet_link) ON TABLE app.consultants TO nakksha_app;

-- acl: COLUMN consultants.teams_link (app)
GRANT SELECT(teams_link),UPDATE(teams_link) ON TABLE app.consultants TO nakksha_app;

-- acl: COLUMN consultants.notification_preferences (app)
GRANT SELECT(notification_preferences),UPDATE(notification_preferences) ON TABLE app.consultants TO nakksha_app;

-- acl: COLUMN consultants.last_login_at (app)
GRANT SELECT(last_login_at) ON TABLE app.consultants TO nakksha_app;

-- acl: COLUMN consultants.deleted_at (app)
GRANT SELECT(deleted_at) ON TABLE app.consultants TO nakksha_app;

-- acl: COLUMN consultants.created_at (app)
GRANT SELECT(created_at) ON TABLE app.consultants TO nakksha_app;

-- acl: COLUMN consultants.updated_at (app)
GRANT SELECT(updated_at) ON TABLE app.consultants TO nakksha_app;

-- acl: COLUMN admins.id (app)
GRANT SELECT(id) ON TABLE app.admins TO nakksha_app;

-- acl: COLUMN admins.email (app)
GRANT SELECT(email) ON TABLE app.admins TO nakksha_app;

-- acl: COLUMN admins.name (app)
GRANT SELECT(name) ON TABLE app.admins TO nakksha_app;

-- acl: COLUMN admins.role (app)
GRANT SELECT(role) ON TABLE app.admins TO nakksha_app;

-- acl: COLUMN admins.is_active (app)
GRANT SELECT(is_active) ON TABLE app.admins TO nakksha_app;

-- acl: COLUMN admins.last_login_at (app)
GRANT SELECT(last_login_at) ON TABLE app.admins TO nakksha_app;

-- acl: COLUMN admins.created_by (app)
GRANT SELECT(created_by) ON TABLE app.admins TO nakksha_app;

-- acl: COLUMN admins.created_at (app)
GRANT SELECT(created_at) ON TABLE app.admins TO nakksha_app;

-- acl: COLUMN admins.updated_at (app)
GRANT SELECT(updated_at) ON TABLE app.admins TO nakksha_app;

-- acl: TABLE availability_slots (app)
GRANT SELECT,DELETE ON TABLE app.availability_slots TO nakksha_app;

-- acl: COLUMN availability_slots.consultant_id (app)
GRANT INSERT(consultant_id) ON TABLE app.availability_slots TO nakksha_app;

-- acl: COLUMN availability_slots.session_type (app)
GRANT INSERT(session_type) ON TABLE app.availability_slots TO nakksha_app;

-- acl: COLUMN availability_slots.starts_at (app)
GRANT INSERT(starts_at),UPDATE(starts_at) ON TABLE app.availability_slots TO nakksha_app;

-- acl: COLUMN availability_slots.ends_at (app)
GRANT INSERT(ends_at),UPDATE(ends_at) ON TABLE app.availability_slots TO nakksha_app;

-- acl: COLUMN availability_slots.capacity (app)
GRANT INSERT(capacity),UPDATE(capacity) ON TABLE app.availability_slots TO nakksha_app;

-- acl: COLUMN availability_slots.is_available (app)
GRANT INSERT(is_available),UPDATE(is_available) ON TABLE app.availability_slots TO nakksha_app;

-- acl: COLUMN availability_slots.source (app)
GRANT INSERT(source) ON TABLE app.availability_slots TO nakksha_app;

-- acl: COLUMN availability_slots.rule_id (app)
GRANT INSERT(rule_id) ON TABLE app.availability_slots TO nakksha_app;

-- acl: TABLE daily_analytics (app)
GRANT SELECT ON TABLE app.daily_analytics TO nakksha_app;

-- acl: TABLE payment_refunds (app)
GRANT SELECT ON TABLE app.payment_refunds TO nakksha_app;

-- acl: TABLE availability_rules (app)
GRANT SELECT,DELETE ON TABLE app.availability_rules TO nakksha_app;

-- acl: COLUMN availability_rules.consultant_id (app)
GRANT INSERT(consultant_id) ON TABLE app.availability_rules TO nakksha_app;

-- acl: COLUMN availability_rules.session_type (app)
GRANT INSERT(session_type),UPDATE(session_type) ON TABLE app.availability_rules TO nakksha_app;

-- acl: COLUMN availability_rules.weekday (app)
GRANT INSERT(weekday),UPDATE(weekday) ON TABLE app.availability_rules TO nakksha_app;

-- acl: COLUMN availability_rules.start_time (app)
GRANT INSERT(start_time),UPDATE(start_time) ON TABLE app.availability_rules TO nakksha_app;

-- acl: COLUMN availability_rules.end_time (app)
GRANT INSERT(end_time),UPDATE(end_time) ON TABLE app.availability_rules TO nakksha_app;

-- acl: COLUMN availability_rules.slot_minutes (app)
GRANT INSERT(slot_minutes),UPDATE(slot_minutes) ON TABLE app.availability_rules TO nakksha_app;

-- acl: COLUMN availability_rules.capacity (app)
GRANT INSERT(capacity),UPDATE(capacity) ON TABLE app.availability_rules TO nakksha_app;

-- acl: COLUMN availability_rules.is_active (app)
GRANT INSERT(is_active),UPDATE(is_active) ON TABLE app.availability_rules TO nakksha_app;

-- acl: COLUMN availability_rules.valid_from (app)
GRANT INSERT(valid_from),UPDATE(valid_from) ON TABLE app.availability_rules TO nakksha_app;

-- acl: COLUMN availability_rules.valid_until (app)
GRANT INSERT(valid_until),UPDATE(valid_until) ON TABLE app.availability_rules TO nakksha_app;

-- acl: FUNCTION procrastinate_cancel_job_v1(job_id bigint, abort boolean, delete_job boolean) (public)
GRANT ALL ON FUNCTION public.procrastinate_cancel_job_v1(job_id bigint, abort boolean, delete_job boolean) TO nakksha_app;

-- acl: FUNCTION procrastinate_defer_jobs_v1(jobs public.procrastinate_job_to_defer_v1[]) (public)
GRANT ALL ON FUNCTION public.procrastinate_defer_jobs_v1(jobs public.procrastinate_job_to_defer_v1[]) TO nakksha_app;

-- acl: FUNCTION procrastinate_defer_periodic_job_v2(_queue_name character varying, _lock character varying, _queueing_lock character varying, _task_name character varying, _priority integer, _periodic_id character varying, _defer_timestamp bigint, _args jsonb) (public)
GRANT ALL ON FUNCTION public.procrastinate_defer_periodic_job_v2(_queue_name character varying, _lock character varying, _queueing_lock character varying, _task_name character varying, _priority integer, _periodic_id character varying, _defer_timestamp bigint, _args jsonb) TO nakksha_app;

-- acl: TABLE procrastinate_jobs (public)
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.procrastinate_jobs TO nakksha_app;

-- acl: FUNCTION procrastinate_fetch_job_v2(target_queue_names character varying[], p_worker_id bigint) (public)
GRANT ALL ON FUNCTION public.procrastinate_fetch_job_v2(target_queue_names character varying[], p_worker_id bigint) TO nakksha_app;

-- acl: FUNCTION procrastinate_finish_job_v1(job_id bigint, end_status public.procrastinate_job_status, delete_job boolean) (public)
GRANT ALL ON FUNCTION public.procrastinate_finish_job_v1(job_id bigint, end_status public.procrastinate_job_status, delete_job boolean) TO nakksha_app;

-- acl: FUNCTION procrastinate_notify_queue_abort_job_v1() (public)
GRANT ALL ON FUNCTION public.procrastinate_notify_queue_abort_job_v1() TO nakksha_app;

-- acl: FUNCTION procrastinate_notify_queue_job_inserted_v1() (public)
GRANT ALL ON FUNCTION public.procrastinate_notify_queue_job_inserted_v1() TO nakksha_app;

-- acl: FUNCTION procrastinate_prune_stalled_workers_v1(seconds_since_heartbeat double precision) (public)
GRANT ALL ON FUNCTION public.procrastinate_prune_stalled_workers_v1(seconds_since_heartbeat double precision) TO nakksha_app;

-- acl: FUNCTION procrastinate_register_worker_v1() (public)
GRANT ALL ON FUNCTION public.procrastinate_register_worker_v1() TO nakksha_app;

-- acl: FUNCTION procrastinate_retry_job_v1(job_id bigint, retry_at timestamp with time zone, new_priority integer, new_queue_name character varying, new_lock character varying) (public)
GRANT ALL ON FUNCTION public.procrastinate_retry_job_v1(job_id bigint, retry_at timestamp with time zone, new_priority integer, new_queue_name character varying, new_lock character varying) TO nakksha_app;

-- acl: FUNCTION procrastinate_retry_job_v2(job_id bigint, retry_at timestamp with time zone, new_priority integer, new_queue_name character varying, new_lock character varying) (public)
GRANT ALL ON FUNCTION public.procrastinate_retry_job_v2(job_id bigint, retry_at timestamp with time zone, new_priority integer, new_queue_name character varying, new_lock character varying) TO nakksha_app;

-- acl: FUNCTION procrastinate_trigger_abort_requested_events_procedure_v1() (public)
GRANT ALL ON FUNCTION public.procrastinate_trigger_abort_requested_events_procedure_v1() TO nakksha_app;

-- acl: FUNCTION procrastinate_trigger_function_scheduled_events_v1() (public)
GRANT ALL ON FUNCTION public.procrastinate_trigger_function_scheduled_events_v1() TO nakksha_app;

-- acl: FUNCTION procrastinate_trigger_function_status_events_insert_v1() (public)
GRANT ALL ON FUNCTION public.procrastinate_trigger_function_status_events_insert_v1() TO nakksha_app;

-- acl: FUNCTION procrastinate_trigger_function_status_events_update_v1() (public)
GRANT ALL ON FUNCTION public.procrastinate_trigger_function_status_events_update_v1() TO nakksha_app;

-- acl: FUNCTION procrastinate_unlink_periodic_defers_v1() (public)
GRANT ALL ON FUNCTION public.procrastinate_unlink_periodic_defers_v1() TO nakksha_app;

-- acl: FUNCTION procrastinate_unregister_worker_v1(worker_id bigint) (public)
GRANT ALL ON FUNCTION public.procrastinate_unregister_worker_v1(worker_id bigint) TO nakksha_app;

-- acl: FUNCTION procrastinate_update_heartbeat_v1(worker_id bigint) (public)
GRANT ALL ON FUNCTION public.procrastinate_update_heartbeat_v1(worker_id bigint) TO nakksha_app;

-- acl: TABLE admin_audit_log (app)
GRANT SELECT ON TABLE app.admin_audit_log TO nakksha_app;

-- acl: TABLE availability_blocks (app)
GRANT SELECT,DELETE ON TABLE app.availability_blocks TO nakksha_app;

-- acl: COLUMN availability_blocks.consultant_id (app)
GRANT INSERT(consultant_id) ON TABLE app.availability_blocks TO nakksha_app;

-- acl: COLUMN availability_blocks.starts_at (app)
GRANT INSERT(starts_at) ON TABLE app.availability_blocks TO nakksha_app;

-- acl: COLUMN availability_blocks.ends_at (app)
GRANT INSERT(ends_at) ON TABLE app.availability_blocks TO nakksha_app;

-- acl: COLUMN availability_blocks.reason (app)
GRANT INSERT(reason) ON TABLE app.availability_blocks TO nakksha_app;

-- acl: TABLE availability_slot_exclusions (app)
GRANT SELECT ON TABLE app.availability_slot_exclusions TO nakksha_app;

-- acl: TABLE calendar_events (app)
GRANT SELECT ON TABLE app.calendar_events TO nakksha_app;

-- acl: TABLE email_logs (app)
GRANT SELECT ON TABLE app.email_logs TO nakksha_app;

-- acl: TABLE email_suppressions (app)
GRANT SELECT ON TABLE app.email_suppressions TO nakksha_app;

-- acl: TABLE email_templates (app)
GRANT SELECT ON TABLE app.email_templates TO nakksha_app;

-- acl: TABLE platform_settings (app)
GRANT SELECT ON TABLE app.platform_settings TO nakksha_app;

-- acl: TABLE quotation_views (app)
GRANT SELECT ON TABLE app.quotation_views TO nakksha_app;

-- acl: TABLE view_refreshes (app)
GRANT SELECT ON TABLE app.view_refreshes TO nakksha_app;

-- acl: TABLE webhook_events (app)
GRANT SELECT ON TABLE app.webhook_events TO nakksha_app;

-- acl: TABLE procrastinate_events (public)
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.procrastinate_events TO nakksha_app;

-- acl: SEQUENCE procrastinate_events_id_seq (public)
GRANT SELECT,USAGE ON SEQUENCE public.procrastinate_events_id_seq TO nakksha_app;

-- acl: SEQUENCE procrastinate_jobs_id_seq (public)
GRANT SELECT,USAGE ON SEQUENCE public.procrastinate_jobs_id_seq TO nakksha_app;

-- acl: TABLE procrastinate_periodic_defers (public)
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.procrastinate_periodic_defers TO nakksha_app;

-- acl: SEQUENCE procrastinate_periodic_defers_id_seq (public)
GRANT SELECT,USAGE ON SEQUENCE public.procrastinate_periodic_defers_id_seq TO nakksha_app;

-- acl: TABLE procrastinate_workers (public)
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.procrastinate_workers TO nakksha_app;

-- acl: SEQUENCE procrastinate_workers_id_seq (public)
GRANT SELECT,USAGE ON SEQUENCE public.procrastinate_workers_id_seq TO nakksha_app;

-- The platform settings and their defaults (the rows the squashed migrations inserted, as they last stood; the
-- admin settings page changes values, app_private.setting_bounds() holds their bounds).
insert into app.platform_settings (key, value, description) values
  ('booking_emails_per_recipient_per_day', '10', 'Mails anonymous visitors may cause one address to receive per day: verification at signup and on resend, password resets, free bookings'' confirmations and reminders, moves through the manage link (no one can mail-bomb a stranger).'),
  ('booking_horizon_days', '60', 'How far ahead slots are materialised.'),
  ('calendar_busy_refresh_minutes', '5', 'How old cached calendar busy times may get before the periodic job fetches them again.'),
  ('default_hold_minutes', '15', 'Minutes a pending paid booking holds its slot.'),
  ('login_failures_per_account', '200', 'Failed sign-ins to one account per hour from all addresses together (a ceiling against distributed guessing).'),
  ('login_failures_per_account_ip', '10', 'Failed sign-ins to one account from one IP address per 15 minutes before that address must wait.'),
  ('login_failures_per_ip', '50', 'Failed sign-ins from one IP address per 15 minutes, to any account.'),
  ('max_availability_rules', '100', 'Most weekly availability rules one consultant may keep (active or not).'),
  ('max_future_slots', '20000', 'Most future slots one consultant''s rules and one-off slots may create.'),
  ('meeting_link_wait_seconds', '120', 'How long a confirmation email waits for a generated Meet or Teams link before it goes with the personal link.'),
  ('min_slot_minutes', '15', 'Shortest slot (minutes) a weekly availability rule may offer.'),
  ('photo_uploads_per_hour', '20', 'Image uploads one account may make per hour: profile photos and quotation images together.'),
  ('plans', '[{"code": "free", "name": "Free", "price_monthly": 0}, {"code": "basic", "name": "Basic", "price_monthly": 499}, {"code": "pro", "name": "Pro", "price_monthly": 1499}, {"code": "enterprise", "name": "Enterprise", "price_monthly": 4999}]', 'Subscription plans, prices in INR per month.'),
  ('platform_name', '"Nakksha"', 'Name shown in pages and emails.'),
  ('public_bookings_per_email_per_hour', '10', 'Public bookings one client email may make per hour, across all pages.'),
  ('public_bookings_per_ip_per_hour', '30', 'Public bookings one IP address may make per hour, across all pages.'),
  ('reminder_hours_before', '24', 'Hours before a confirmed session that its reminder goes out (at once if it is sooner).'),
  ('support_email', '"support@nakksha.in"', 'Where users can write to.'),
  ('unpaid_holds_per_email', '2', 'Unpaid holds one client email may keep open at a time on one consultant''s page.'),
  ('unpaid_holds_per_ip', '5', 'Unpaid holds one IP address may keep open at a time on one consultant''s page.'),
  ('view_refresh_minutes', '5', 'How often the periodic job refreshes the dashboard materialized views.');

-- migrate:down
-- The schema takes its tables, types, triggers and policies, the functions of db/functions/app, and the trigger
-- on procrastinate_jobs with it.
drop schema app cascade;
revoke all on all tables in schema public from nakksha_app;
revoke all on all sequences in schema public from nakksha_app;
revoke all on all functions in schema public from nakksha_app;
revoke usage on schema public from nakksha_app, nakksha_admin;
