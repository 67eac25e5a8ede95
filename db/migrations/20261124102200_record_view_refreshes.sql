-- db/migrations/20261124102200_record_view_refreshes.sql — when each materialized view was last refreshed, and how long it took.

-- migrate:up
create table app.view_refreshes (
  view_name text primary key,
  refreshed_at timestamptz not null,
  duration_ms integer not null,
  constraint view_refreshes_duration_range check (duration_ms >= 0)
);
comment on table app.view_refreshes is 'The last refresh of each materialized view (written by api.refresh_views).';
alter table app.view_refreshes enable row level security;
create policy admin_reads_view_refreshes on app.view_refreshes for select to nakksha_app
  using ((select app.current_admin_is_active()));
grant select on app.view_refreshes to nakksha_app;

insert into app.platform_settings (key, value, description) values
  ('view_refresh_minutes', '5', 'How often the periodic job refreshes the dashboard materialized views.')
on conflict (key) do nothing;

-- migrate:down
delete from app.platform_settings where key = 'view_refresh_minutes';
drop table app.view_refreshes;
