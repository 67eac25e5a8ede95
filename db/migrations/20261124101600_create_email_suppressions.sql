-- db/migrations/20261124101600_create_email_suppressions.sql — addresses that bounced or complained: later mail to them is not sent.

-- migrate:up
create table app.email_suppressions (
  email public.citext primary key,
  reason text not null,
  email_log_id uuid,
  created_at timestamptz not null default now(),
  constraint email_suppressions_reason_valid check (reason in ('bounced', 'complained')),
  constraint email_suppressions_email_lowercase check (email::text = lower(email::text)),
  constraint email_suppressions_email_log_id_fkey foreign key (email_log_id) references app.email_logs (id) on delete set null
);
comment on table app.email_suppressions is 'Addresses the provider reported as bounced or complaining; mail to them is logged as failed, not sent.';
alter table app.email_suppressions enable row level security;
create policy admin_reads_email_suppressions on app.email_suppressions for select to nakksha_app
  using ((select app.current_admin_id()) is not null);
grant select on app.email_suppressions to nakksha_app;

-- migrate:down
drop table app.email_suppressions;
