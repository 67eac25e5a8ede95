# app/routes/reminders.py — a consultant's client reminder schedule: the API (/api/v1/consultants/me/reminders) and the settings page (/dashboard/settings/reminders).
"""Plans with custom_reminders (docs/payments.md "Plans and limits") let a consultant choose when their clients are
reminded of a session: up to three reminders, each 15 minutes to 7 days before the start. Every rule is the SQL's
(db/functions/app/reminders.sql, api.update_my_profile): the schema refuses what is not even the right shape
(lengths, bounds, repeats), the database checks the plan (403 plan_limit) and keeps a saved schedule through a
downgrade, unused while the plan lacks the feature. `minutes_before: null` goes back to the platform's schedule,
which any plan may do."""
from __future__ import annotations

from typing import Annotated

from pydantic import Field, field_validator
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from app.endpoints import endpoint
from app.jsonio import JSONResponse
from app.routes.form_errors import Problems
from app.routes.forms import SETTINGS, done_redirect, form_page, whole_number
from app.sql import Caller, run
from app.validation import Answer, Schema, parse_body

MIN_MINUTES, MAX_MINUTES, MAX_REMINDERS = 15, 10080, 3  # app.reminder_schedule_is_valid says the same
Minutes = Annotated[int, Field(ge=MIN_MINUTES, le=MAX_MINUTES)]


class ReminderScheduleBody(Schema):
    minutes_before: Annotated[list[Minutes], Field(
        min_length=1, max_length=MAX_REMINDERS, json_schema_extra={"uniqueItems": True})] | None = Field(
        description="When each client reminder goes, in minutes before the session starts (15 to 10,080: 7 days), "
                    "one to three, no two the same, in any order; null: the platform's schedule.")

    @field_validator("minutes_before")
    @classmethod
    def _distinct(cls, value: list[int] | None) -> list[int] | None:
        if value is not None and len(set(value)) != len(value):
            raise ValueError("Two reminders are at the same time; give each a different one.")
        return value


class ReminderSchedule(Answer):
    minutes_before: list[int] | None = Field(
        description="Your saved schedule, minutes before the start, earliest first; null: none (the platform's).")
    in_force: list[int] = Field(description="The schedule your sessions' reminders follow now: your saved one while "
                                            "your plan includes custom_reminders, else the platform's.")
    platform_minutes_before: list[int] = Field(description="The platform's schedule (reminder_hours_before).")
    custom_reminders: bool = Field(description="Whether your plan in force lets you set your own schedule.")
    plan: str | None = Field(description="The name of your plan in force.")
    upgrade_plan: str | None = Field(description="When your plan does not include it: the cheapest plan that does.")


@endpoint(named="my_reminder_schedule", tags=("profile",), auth="consultant", responses={200: ReminderSchedule})
async def get_reminders(request: Request) -> JSONResponse:
    return JSONResponse(await run(request.app.state.pool, "my_reminder_schedule", request.state.caller))


@endpoint(named="set_my_reminder_schedule", tags=("profile",), auth="consultant", body=ReminderScheduleBody,
          responses={200: ReminderSchedule, 403: None})
async def put_reminders(request: Request) -> JSONResponse:
    body = await parse_body(request, ReminderScheduleBody)
    return JSONResponse(await run(request.app.state.pool, "set_my_reminder_schedule", request.state.caller,
                                  minutes_before=body.minutes_before))


# --- the settings page ---------------------------------------------------------------------------------

UNITS = {"minutes": 1, "hours": 60, "days": 1440}


def split_minutes(minutes: int) -> tuple[int, str]:
    """An offset in the largest unit that says it exactly: 1440 is (1, "days"), 90 is (90, "minutes")."""
    for unit in ("days", "hours"):
        if minutes % UNITS[unit] == 0:
            return minutes // UNITS[unit], unit
    return minutes, "minutes"


def reminder_label(minutes: int) -> str:
    n, unit = split_minutes(minutes)
    return f"{n} {unit[:-1] if n == 1 else unit} before"


def reminder_input(field: str) -> str | None:
    """The page's input for an API field: the schedule as a whole (the database's refusal) is the first row's."""
    return "reminder_0_amount" if field == "minutes_before" else None


async def _load(request: Request, subject: dict, caller: Caller) -> dict:
    schedule = await run(request.app.state.pool, "my_reminder_schedule", caller)
    saved = schedule["minutes_before"] or []
    rows = [split_minutes(m) for m in saved] + [("", "hours")] * (MAX_REMINDERS - len(saved))
    return {"schedule": schedule, "rows": rows, "label": reminder_label, "units": list(UNITS)}


@endpoint(summary="Client reminders: when your clients are reminded of a session (your own schedule on plans "
                  "that include it, else the platform's).", tags=("pages",), auth="consultant", include=False)
async def reminders_page(request: Request) -> Response:
    async def submit(form: dict[str, str], subject: dict, caller: Caller) -> Response:
        if form.get("action") == "platform":  # back to the platform's schedule: any plan may
            await run(request.app.state.pool, "set_my_reminder_schedule", caller, minutes_before=None)
            return done_redirect("/reminders", "reminders_platform")
        problems, minutes = Problems(), []
        for i in range(MAX_REMINDERS):
            amount, unit = form.get(f"reminder_{i}_amount", "").strip(), form.get(f"reminder_{i}_unit", "hours")
            if not amount:
                continue  # a row left empty is no reminder
            n = whole_number(amount)
            if not isinstance(n, int) or unit not in UNITS:
                problems.add(f"reminder_{i}_amount", "A whole number of minutes, hours or days.")
                continue
            total = n * UNITS[unit]
            if not MIN_MINUTES <= total <= MAX_MINUTES:
                problems.add(f"reminder_{i}_amount", "Between 15 minutes and 7 days before the start.")
            elif total in minutes:
                problems.add(f"reminder_{i}_amount", "Another reminder is already at that time.")
            else:
                minutes.append(total)
        if not minutes and not problems.items:
            problems.add("reminder_0_amount", "Give at least one reminder, or use the platform's schedule.")
        problems.raise_any()
        await run(request.app.state.pool, "set_my_reminder_schedule", caller,
                  minutes_before=sorted(minutes, reverse=True))
        return done_redirect("/reminders", "reminders")

    return await form_page(request, "dashboard/settings_reminders.html", _load, submit, renames=reminder_input)


api_routes = [
    Route("/consultants/me/reminders", get_reminders, methods=["GET"], name="my_reminder_schedule"),
    Route("/consultants/me/reminders", put_reminders, methods=["PUT"], name="set_my_reminder_schedule"),
]
dashboard_routes = [Route(f"{SETTINGS}/reminders", reminders_page, methods=["GET", "POST"], name="settings_reminders")]

# Test: pytest tests/http/test_reminder_schedules.py tests/e2e/test_settings_pages.py
