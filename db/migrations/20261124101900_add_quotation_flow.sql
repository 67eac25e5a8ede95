-- db/migrations/20261124101900_add_quotation_flow.sql — quotations: one state machine, edits only while draft, view history, the public link.

-- migrate:up
-- Who opened a sent quotation and when (the consultant's detail page shows the history).
create table app.quotation_views (
  id uuid primary key default gen_random_uuid(),
  consultant_id uuid not null,
  quotation_id uuid not null,
  viewed_at timestamptz not null default now(),
  user_agent text,
  constraint quotation_views_user_agent_length check (length(user_agent) <= 300),
  constraint quotation_views_quotation_id_fkey foreign key (consultant_id, quotation_id)
    references app.quotations (consultant_id, id) on delete cascade,
  constraint quotation_views_consultant_id_fkey foreign key (consultant_id)
    references app.consultants (id) on delete cascade
);
comment on table app.quotation_views is 'Each opening of a quotation''s public link: when, and by what browser.';
create index quotation_views_quotation on app.quotation_views (quotation_id, viewed_at);
alter table app.quotation_views enable row level security;
create policy consultant_reads_own_quotation_views on app.quotation_views for select to nakksha_app
  using (consultant_id = (select app.current_approved_consultant_id()));
create policy admin_reads_quotation_views on app.quotation_views for select to nakksha_app
  using ((select app.current_admin_is_active()));
grant select on app.quotation_views to nakksha_app;

-- The public link, kept encrypted so the consultant can copy it again (only its hash finds the quotation).
alter table app.quotations add column public_link_encrypted text;
comment on column app.quotations.public_link_encrypted is 'The client''s link (encrypted with DATA_ENCRYPTION_KEY); its token''s SHA-256 is public_token_hash.';

-- Every change of status, from every path (API, jobs, psql), goes through this one table of moves:
--   draft → sent → viewed;  sent | viewed → accepted | rejected | expired.
-- Anything else is NK409 invalid_transition. Content is frozen once sent: the client accepts what they read.
create function app.guard_quotation() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if tg_op = 'DELETE' then
    if old.status <> 'draft' then
      raise exception using errcode = 'NK409', message = 'quotation_not_editable',
        detail = 'Only a draft can be deleted; a sent quotation is kept as a record.';
    end if;
    return old;
  end if;
  if new.status is distinct from old.status and (old.status, new.status) not in (
      ('draft', 'sent'), ('sent', 'viewed'), ('sent', 'accepted'), ('viewed', 'accepted'), ('sent', 'rejected'),
      ('viewed', 'rejected'), ('sent', 'expired'), ('viewed', 'expired')) then
    raise exception using errcode = 'NK409', message = 'invalid_transition',
      detail = format('A %s quotation cannot become %s.', old.status, new.status);
  end if;
  if old.status <> 'draft' and (new.client_id, new.client_name, new.client_email, new.quotation_name,
      new.description, new.base_amount, new.discount_percentage, new.currency, new.validity_period, new.expires_at,
      new.notes, new.quotation_image_url) is distinct from (old.client_id, old.client_name, old.client_email,
      old.quotation_name, old.description, old.base_amount, old.discount_percentage, old.currency,
      old.validity_period, old.expires_at, old.notes, old.quotation_image_url)
      -- a client record deleted later unlinks itself (on delete set null): that is not an edit
      and not (new.client_id is null and old.client_id is not null
               and (new.client_name, new.client_email) = (old.client_name, old.client_email)) then
    raise exception using errcode = 'NK409', message = 'quotation_not_editable',
      detail = 'Only a draft can be changed; duplicate it to make a new version.';
  end if;
  return new;
end;
$$;
comment on function app.guard_quotation() is 'Trigger: the quotation state machine, and no edit or delete after sending.';
revoke execute on function app.guard_quotation() from public;
create trigger quotations_guard before update or delete on app.quotations
  for each row execute function app.guard_quotation();

-- migrate:down
drop trigger quotations_guard on app.quotations;
drop function app.guard_quotation();
alter table app.quotations drop column public_link_encrypted;
drop table app.quotation_views;
