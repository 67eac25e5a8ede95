-- db/migrations/20261207070000_create_quotation_items.sql — a quotation's line items (description, quantity, unit price); its base amount becomes their sum, kept by SQL.
-- The total stays where every reader already finds it: quotations.base_amount is the items' sum (statement triggers
-- on quotation_items, app.total_quotation_items, db/functions/app/quotation_items.sql), the discount and the
-- generated final_amount apply to it as before. A tax line (GST, with the money issue) is a later column beside the
-- discount, applied to the same sum; the items stay what the client is charged before tax.
-- Existing quotations get one item equal to their amount (named after the quotation), so no total changes. A
-- quotation with no items (written directly, as seeds and old tests do) keeps its single base_amount; once it has
-- items, only they move it (app.guard_quotation refuses a direct write then).
-- Tenancy as on quotations: the row carries consultant_id, its foreign key is (consultant_id, quotation_id), the
-- policies are the quotations table's (approved consultant reads and writes their own; the admin role reads).

-- migrate:up
create table app.quotation_items (
  id uuid primary key default gen_random_uuid(),
  consultant_id uuid not null,
  quotation_id uuid not null,
  position smallint not null,
  description text not null,
  quantity numeric(7,2) not null default 1,
  unit_price numeric(10,2) not null,
  amount numeric(12,2) generated always as (round(quantity * unit_price, 2)) stored,
  created_at timestamptz not null default now(),
  constraint quotation_items_quotation_fkey foreign key (consultant_id, quotation_id)
    references app.quotations (consultant_id, id) on delete cascade,
  constraint quotation_items_position_key unique (quotation_id, position),
  constraint quotation_items_position_range check (position between 1 and 100),
  constraint quotation_items_description_length check (length(btrim(description)) between 1 and 500),
  constraint quotation_items_quantity_positive check (quantity > 0),
  constraint quotation_items_unit_price_range check (unit_price >= 0)
);
comment on table app.quotation_items is 'A quotation''s lines: description, quantity and unit price, in order (position 1–100). Their amounts'' sum is the quotation''s base_amount (kept by trigger); the discount, and later a tax line, apply to that sum.';
comment on column app.quotation_items.amount is 'quantity × unit_price, rounded half up to the paisa.';
create index quotation_items_consultant_idx on app.quotation_items (consultant_id);

-- Existing quotations: one item each, equal to their amount, so nothing they show or charge changes.
insert into app.quotation_items (consultant_id, quotation_id, position, description, quantity, unit_price, created_at)
select q.consultant_id, q.id, 1, q.quotation_name, 1, q.base_amount, q.created_at from app.quotations q;

create trigger quotation_items_guard before insert or update or delete on app.quotation_items
  for each row execute function app.guard_quotation_item();
create trigger quotation_items_total_insert after insert on app.quotation_items
  referencing new table as changed for each statement execute function app.total_quotation_items();
create trigger quotation_items_total_update after update on app.quotation_items
  referencing new table as changed for each statement execute function app.total_quotation_items();
create trigger quotation_items_total_delete after delete on app.quotation_items
  referencing old table as changed for each statement execute function app.total_quotation_items();

alter table app.quotation_items enable row level security;
create policy consultant_reads_own_quotation_items on app.quotation_items for select to nakksha_app
  using (consultant_id = (select app.current_approved_consultant_id()));
create policy consultant_inserts_own_quotation_items on app.quotation_items for insert to nakksha_app
  with check (consultant_id = (select app.current_approved_consultant_id()));
create policy consultant_updates_own_quotation_items on app.quotation_items for update to nakksha_app
  using (consultant_id = (select app.current_approved_consultant_id()))
  with check (consultant_id = (select app.current_approved_consultant_id()));
create policy consultant_deletes_own_quotation_items on app.quotation_items for delete to nakksha_app
  using (consultant_id = (select app.current_approved_consultant_id()));
create policy admin_reads_quotation_items on app.quotation_items for select to nakksha_app_admin
  using ((select app.acts_as_admin()));
-- (nakksha migrate mirrors the app role's grants to nakksha_app_admin.)
grant select, delete on app.quotation_items to nakksha_app;
grant insert (consultant_id, quotation_id, position, description, quantity, unit_price)
  on app.quotation_items to nakksha_app;
grant update (position, description, quantity, unit_price) on app.quotation_items to nakksha_app;

-- migrate:down
drop table app.quotation_items;

-- Test: pytest tests/db/test_quotation_items.py tests/db/test_rls.py
