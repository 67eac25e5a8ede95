-- db/migrations/20261124100900_create_rate_limits.sql — rate-limit counters kept in PostgreSQL so limits hold across app processes.

-- migrate:up
create table app.rate_limit_hits (
  bucket text not null,
  window_start timestamptz not null,
  hits integer not null default 0,
  constraint rate_limit_hits_pkey primary key (bucket, window_start),
  constraint rate_limit_hits_bucket_length check (length(bucket) between 1 and 300),
  constraint rate_limit_hits_hits_range check (hits >= 0)
);
comment on table app.rate_limit_hits is 'Fixed-window request counters per bucket (action + IP or account); old windows are pruned.';
create index rate_limit_hits_window_idx on app.rate_limit_hits (window_start);
alter table app.rate_limit_hits enable row level security;

-- migrate:down
drop table app.rate_limit_hits;
