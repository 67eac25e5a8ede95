-- db/functions/paging.sql — keyset pages, one shape for every list read a page at a time (ledger, transfers, documents).
-- A page is newest first by (a time, the row's id); `next` is the page's last (oldest) id, the `before` of the
-- following page, which starts strictly after that row. A list function reads
--   v_limit := api.page_limit(p_limit);
--   v_at := api.page_after((select b.<time> from <table> b where b.id = p_before), p_before);
--   ... where p_before is null or (x.<time>, x.id) < (v_at, p_before) order by x.<time> desc, x.id desc limit v_limit
--   return api.page(<items as a jsonb array, each with its id, in that order>, v_limit);
-- The lookup of `before` runs under the caller's policies: another consultant's row is as unknown as a made-up id.

create or replace function api.page_limit(p_limit integer)
returns integer
language sql immutable parallel safe
set search_path = ''
as $$
  -- A page holds 1 to 200 items, 50 when unsaid.
  select least(greatest(coalesce(p_limit, 50), 1), 200)
$$;
comment on function api.page_limit is 'A page''s size: 1 to 200 items, 50 when unsaid.';

create or replace function api.page_after(p_at timestamptz, p_before anyelement)
returns timestamptz
language plpgsql volatile
set search_path = ''
as $$
begin
  -- p_at: the time of the row whose id is p_before, as the caller can read it. A cursor naming no row the caller
  -- can see is refused (422 on `before`), not answered with an empty page a client would take for the end.
  -- Volatile, so it is called once, not folded while planning.
  if p_before is not null and p_at is null then
    raise exception using errcode = 'NK422', message = 'validation_error',
      detail = 'before: not an item of this list (pass the `next` of the previous page).', hint = 'field:before';
  end if;
  return p_at;
end;
$$;
comment on function api.page_after is 'Where a page starts: the time of its cursor''s row; a cursor naming no row the caller can read is refused (NK422 on before).';

create or replace function api.page(p_items jsonb, p_limit integer)
returns jsonb
language sql immutable parallel safe
set search_path = ''
as $$
  -- A full page may have more after it: its last item's id is `next`; a short page is the last (next null).
  select pg_catalog.jsonb_build_object('items', coalesce(p_items, '[]'),
                                       'next', case when pg_catalog.jsonb_array_length(coalesce(p_items, '[]')) = p_limit
                                                    then p_items -> -1 -> 'id' end)
$$;
comment on function api.page is 'A page as the API answers it: {items, next}, next the last item''s id when the page is full (the following page''s before), else null.';

grant execute on function api.page_limit(integer), api.page_after(timestamptz, anyelement), api.page(jsonb, integer)
  to nakksha_app;

-- Test: pytest tests/db/test_ledger.py tests/http/test_payouts.py tests/http/test_documents.py
