-- db/functions/app/reminders.sql — a consultant's client reminder schedule: what a saved one may be (the table's check) and the one in force (their own while the plan includes custom_reminders, else the platform's).
-- Applied before the migrations: app.consultants' check constraint calls app.reminder_schedule_is_valid. The
-- sweep, the sessions trigger, the settings API and page all read app.reminder_schedule, so they never disagree
-- about which schedule applies (docs/payments.md "Plans and limits").

create or replace function app.reminder_schedule_is_valid(p_minutes integer[])
returns boolean
language sql immutable
set search_path = ''
as $$
  -- One to three reminders, each 15 minutes to 7 days (10,080 minutes) before the start, no two the same, kept
  -- earliest first (the largest offset first) so one schedule has one spelling.
  select array_ndims(p_minutes) = 1 and cardinality(p_minutes) between 1 and 3
    and (select count(m) = cardinality(p_minutes) and count(distinct m) = count(m)
                and coalesce(bool_and(m between 15 and 10080), false)
         from unnest(p_minutes) m)
    and p_minutes = array(select m from unnest(p_minutes) m order by m desc)
$$;
comment on function app.reminder_schedule_is_valid(integer[]) is 'Whether a saved reminder schedule is one to three distinct offsets of 15 to 10,080 minutes, largest first (the check on app.consultants.reminder_minutes_before).';

create or replace function app.platform_reminder_schedule()
returns integer[]
language sql stable
set search_path = ''
as $$
  -- The platform's one reminder (reminder_hours_before, 1 to 168 hours; its low end when the row is missing, as
  -- app_private.setting_integer reads it).
  select array[coalesce((select (s.value #>> '{}')::integer from app.platform_settings s
                         where s.key = 'reminder_hours_before'), 1) * 60]
$$;
comment on function app.platform_reminder_schedule() is 'The platform''s reminder schedule in minutes before the start: one reminder, reminder_hours_before hours ahead.';

create or replace function app.reminder_schedule(p_consultant_id uuid, p_at timestamptz default now())
returns integer[]
language sql stable
set search_path = ''
as $$
  -- Invoker: the consultant's own row for the settings API, any row for the worker's sweep and the owner's
  -- triggers. A schedule saved under a plan that no longer includes custom_reminders (a downgrade, a lapse) is
  -- kept, and the platform's applies until a plan includes it again. p_at: the plan in force then (the sweep's
  -- instant).
  select case when c.reminder_minutes_before is not null
                   and coalesce((select p.custom_reminders from app.plans p
                                 where p.code = app.effective_plan_code(c.id, p_at)), false)
              then c.reminder_minutes_before else app.platform_reminder_schedule() end
  from app.consultants c where c.id = p_consultant_id
$$;
comment on function app.reminder_schedule(uuid, timestamptz) is 'The minutes before the start each client reminder of a consultant''s sessions goes, largest first: their saved schedule while the plan in force at p_at includes custom_reminders, else the platform''s.';

create or replace function app.reminder_wake_at(p_saved integer[], p_starts_at timestamptz, p_after timestamptz)
returns timestamptz
language sql stable
set search_path = ''
as $$
  -- When the sweep must next look at a session starting then: the first due time after p_after of any reminder
  -- that may be in force by then — the consultant's saved schedule p_saved, whatever the plan (a plan can be
  -- regained), and the platform's (a plan can lapse). Waking for one that turns out not to apply costs a look;
  -- missing one would lose a reminder. NULL: nothing left before the start.
  select min(p_starts_at - make_interval(mins => m))
  from unnest(coalesce(p_saved, '{}') || app.platform_reminder_schedule()) m
  where p_starts_at - make_interval(mins => m) > p_after
$$;
comment on function app.reminder_wake_at(integer[], timestamptz, timestamptz) is 'The first due time after p_after of any reminder a session starting then may get (the consultant''s saved schedule p_saved, or the platform''s): when the every-minute sweep looks at it next; NULL for none.';

grant execute on function app.reminder_schedule_is_valid(integer[]), app.platform_reminder_schedule(),
  app.reminder_schedule(uuid, timestamptz), app.reminder_wake_at(integer[], timestamptz, timestamptz)
  to nakksha_app, nakksha_worker;

-- Test: pytest tests/jobs/test_reminders.py tests/jobs/test_reminder_schedules.py
