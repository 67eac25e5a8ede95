-- db/migrations/20261205110100_let_consultants_read_their_client_count.sql — consultant_client_counts readable under the policies, so the dashboard's reads run as security invoker.
-- The count a trigger keeps per consultant (app.count_clients) was read only by definer functions; the
-- dashboard functions now run as the caller, so the caller reads their own count (and an active admin every
-- one), by the same policy as the other tenant tables.

-- migrate:up
grant select on app.consultant_client_counts to nakksha_app;
create policy tenant_reads_consultant_client_counts on app.consultant_client_counts for select to nakksha_app
  using (consultant_id = any ((select app.readable_consultants(true))::uuid[]));

-- migrate:down
drop policy tenant_reads_consultant_client_counts on app.consultant_client_counts;
revoke select on app.consultant_client_counts from nakksha_app;
