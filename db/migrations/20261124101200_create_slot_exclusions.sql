-- db/migrations/20261124101200_create_slot_exclusions.sql — rule occurrences a consultant removed by hand stay removed.

-- migrate:up
create table app.availability_slot_exclusions (
  consultant_id uuid not null,
  session_type text not null,
  starts_at timestamptz not null,
  created_at timestamptz not null default now(),
  constraint availability_slot_exclusions_pkey primary key (consultant_id, session_type, starts_at),
  constraint availability_slot_exclusions_session_type_valid check (session_type in ('personal', 'webinar')),
  constraint availability_slot_exclusions_consultant_id_fkey foreign key (consultant_id)
    references app.consultants (id) on delete cascade
);
comment on table app.availability_slot_exclusions is 'Occurrences of weekly rules the consultant deleted or moved: re-materialising never brings them back.';
alter table app.availability_slot_exclusions enable row level security;
create policy consultant_reads_own_slot_exclusions on app.availability_slot_exclusions for select to nakksha_app
  using (consultant_id = (select app.current_consultant_id()));
create policy admin_reads_slot_exclusions on app.availability_slot_exclusions for select to nakksha_app
  using ((select app.current_admin_is_active()));
grant select on app.availability_slot_exclusions to nakksha_app;

-- migrate:down
drop table app.availability_slot_exclusions;
