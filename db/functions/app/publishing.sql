-- db/functions/app/publishing.sql — the setup checklist: the one definition of a consultant page ready to publish (the dashboard shows it, api.publish_my_page requires it, a migration used it).
-- In schema `app` (applied before the migrations): 20261207060000 marks as published every approved consultant
-- whose checklist is complete, and a migration may only call what exists when it runs.

create or replace function app.setup_checklist(p_consultant_id uuid) returns jsonb
language sql stable
set search_path = ''
as $$
  -- One entry per step, in the order the dashboard lists them: {item, label, done}. Read as the caller: a
  -- consultant sees their own row and weekly hours, an admin every one (their read policies).
  select coalesce(jsonb_agg(jsonb_build_object('item', s.item, 'label', s.label, 'done', s.done) order by s.n), '[]')
  from app.consultants c
  cross join lateral (values
    (1, 'profile', 'Describe what you do (a bio and your sector)',
     coalesce(btrim(c.description), '') <> '' and coalesce(btrim(c.consultancy_sector), '') <> ''),
    (2, 'photo', 'Add a photo', c.profile_photo_url is not null),
    (3, 'price', 'Set the price of a one-to-one session', c.personal_session_price > 0),
    (4, 'availability', 'Set your weekly hours',
     exists (select 1 from app.availability_rules r where r.consultant_id = c.id and r.is_active)),
    (5, 'meeting_link', 'Add your ' || case c.default_meeting_platform when 'zoom' then 'Zoom'
                                          when 'meet' then 'Google Meet' else 'Microsoft Teams' end || ' link',
     case c.default_meeting_platform when 'zoom' then c.zoom_link when 'meet' then c.meet_link
                                     else c.teams_link end is not null),
    (6, 'bank', 'Add bank details for payouts', c.bank_account_number_encrypted is not null)
  ) as s(n, item, label, done)
  where c.id = p_consultant_id
$$;
comment on function app.setup_checklist(uuid) is 'The setup checklist of a consultant''s page: [{item, label, done}] in order; publishing needs every step done (api.publish_my_page).';

create or replace function app.setup_missing(p_consultant_id uuid) returns text[]
language sql stable
set search_path = ''
as $$
  select coalesce(array_agg(e->>'item' order by o), '{}')
  from jsonb_array_elements(app.setup_checklist(p_consultant_id)) with ordinality as x(e, o)
  where not (e->>'done')::boolean
$$;
comment on function app.setup_missing(uuid) is 'The steps of the setup checklist not done yet (empty: ready to publish).';

create or replace function app.guard_publication() returns trigger
language plpgsql
set search_path = ''
as $$
declare
  v_missing text;
begin
  -- A consultant publishes their own page only when approved and with every step of the checklist done; the
  -- refusal says which steps are left. (The owner, an admin function or a migration acting for nobody is not
  -- held by it: the migration that introduced publishing published pages already live.)
  if new.published_at is not null and old.published_at is null and app.current_consultant_id() is not null then
    if new.approval_status <> 'approved' then
      raise exception using errcode = 'NK403',
        message = case new.approval_status when 'suspended' then 'consultant_suspended' else 'consultant_not_approved' end,
        detail = case new.approval_status when 'suspended' then 'Your account is suspended, so your page cannot be published.'
                      else 'Your page can be published once your account is approved.' end;
    end if;
    select string_agg(e->>'label', '; ' order by o) into v_missing
    from jsonb_array_elements(app.setup_checklist(new.id)) with ordinality as x(e, o)
    where not (e->>'done')::boolean;
    if v_missing is not null then
      raise exception using errcode = 'NK409', message = 'setup_incomplete',
        detail = 'Finish setting up before publishing: ' || v_missing || '.',
        hint = 'missing:' || array_to_string(app.setup_missing(new.id), ',');
    end if;
  end if;
  return new;
end;
$$;
comment on function app.guard_publication() is 'Trigger: a consultant may publish their page only when approved and with the setup checklist complete (NK409 setup_incomplete lists what is missing).';

grant execute on function app.setup_checklist(uuid), app.setup_missing(uuid) to nakksha_app, nakksha_admin;

-- Test: pytest tests/db/test_publishing.py
