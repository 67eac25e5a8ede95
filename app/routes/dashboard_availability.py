# app/routes/dashboard_availability.py — the consultant's availability pages (/dashboard/settings/availability…): weekly hours, one-off slots and blocked dates.
"""The forms run the availability API's own schemas and named queries (forms.py shows their errors beside
the fields); deleting a rule or a slot and unblocking go through a confirmation page."""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import asyncpg
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from app.endpoints import endpoint
from app.errors import ApiError
from app.routes.availability import BlockBody, RuleBody, SlotBody
from app.routes.form_errors import Problems
from app.routes.forms import (
    BASE,
    SETTINGS,
    WEEKDAYS,
    clock_label,
    done_redirect,
    duration_label,
    form_day,
    form_page,
    form_time,
    masked_account,
    page_error,
    whole_number,
    zone_label,
)
from app.sql import Caller, call, run, transaction
from app.validation import parse_form
from app.web import form_with_csrf, render, signed_in

# --- availability -------------------------------------------------------------------------------------

def _rule_view(rule: dict, account: dict) -> dict:
    return {**rule, "hours": f"{clock_label(rule['start_time'])} – {clock_label(rule['end_time'])}",
            "type_label": _type_label(rule["session_type"], account), "length": duration_label(rule["slot_minutes"]),
            "day": WEEKDAYS[rule["weekday"]]}


def _type_label(session_type: str, account: dict) -> str:
    if session_type == "webinar":
        return account.get("webinar_session_title") or "Webinar"
    return account.get("personal_session_title") or "One-to-one session"


def _block_view(block: dict, zone: ZoneInfo) -> dict:
    try:
        starts = datetime.fromisoformat(block["starts_at"]).astimezone(zone)
        ends = datetime.fromisoformat(block["ends_at"]).astimezone(zone)
    except OverflowError:
        # Stored before instants were bounded to the years 1970–2200 (year 9999 has no local time east of UTC):
        # shown as stored, so the page opens and the block can be removed.
        return {**block, "when": f"{block['starts_at']} – {block['ends_at']}"}
    fmt = "%a, %d %b %Y"
    if starts.time() == time(0) and ends.time() == time(0):  # whole days: the last day is the one before the end
        last = ends - timedelta(days=1)
        when = starts.strftime(fmt) if last.date() == starts.date() else f"{starts.strftime(fmt)} – {last.strftime(fmt)}"
        when += " (whole day)" if last.date() == starts.date() else " (whole days)"
    else:
        clock = "%a, %d %b %Y, %I:%M %p"
        when = f"{starts.strftime(clock)} – {ends.strftime(clock)} {ends.tzname()}"
    return {**block, "when": when}


async def _one_off_slots(request: Request, caller: Caller) -> list[dict]:
    now = datetime.now(UTC)
    return await run(request.app.state.pool, "my_one_off_slots", caller, from_=now, to_=now + timedelta(days=400))


async def _load_availability(request: Request, subject: dict, caller: Caller) -> dict:
    pool = request.app.state.pool
    account = await masked_account(request, caller)
    availability = await run(pool, "get_my_availability", caller)
    zone = ZoneInfo(availability["timezone"])
    now = datetime.now(UTC)
    week = await run(pool, "list_my_slots", caller, from_=now, to_=now + timedelta(days=7), session_type=None)
    today = now.astimezone(zone).date()
    days = []
    for offset in range(7):
        day = today + timedelta(days=offset)
        mine = [s for s in week if datetime.fromisoformat(s["starts_at"]).astimezone(zone).date() == day]
        days.append({"label": day.strftime("%a, %d %b"), "open": sum(1 for s in mine if s["is_available"] and s["remaining"] > 0),
                     "booked": sum(s["booked_count"] for s in mine)})
    rules = [_rule_view(r, account) for r in availability["rules"]]
    weekly = [(n, name, [r for r in rules if r["weekday"] == n]) for n, name in WEEKDAYS.items()]
    slots = [{**s, "type_label": _type_label(s["session_type"], account),
              "length": duration_label(int((datetime.fromisoformat(s["ends_at"]) - datetime.fromisoformat(s["starts_at"]))
                                      .total_seconds() // 60))}
             for s in await _one_off_slots(request, caller)]
    return {"account": account, "tz": availability["timezone"], "zone_label": zone_label(availability["timezone"]),
            "weekly": weekly, "rule_count": len(rules), "week": days, "slots": slots,
            "blocks": [_block_view(b, zone) for b in availability["blocks"]], "weekdays": WEEKDAYS,
            "today": today.isoformat()}


@endpoint(summary="Availability: weekly hours, one-off slots and blocked dates, in the consultant's time zone.",
          tags=("pages",), auth="consultant", include=False)
async def availability_page(request: Request) -> Response:
    return await form_page(request, "dashboard/settings_availability.html", _load_availability)


@endpoint(summary="Add weekly hours (one rule per chosen day) from the availability page.", tags=("pages",),
          auth="consultant", include=False)
async def add_rules(request: Request) -> Response:
    async def submit(form: dict[str, str], subject: dict, caller: Caller) -> Response:
        days = [d for d in WEEKDAYS if form.get(f"weekday_{d}")]
        problems = Problems()  # no day chosen is said with whatever else is wrong
        if not days:
            problems.add("weekday", "Choose at least one day.", "missing_field")
        base = {k: form.get(k, "") for k in ("session_type", "start_time", "end_time", "valid_from", "valid_until")}
        base.update(slot_minutes=whole_number(form.get("slot_minutes", "")), capacity=whole_number(form.get("capacity", "")))
        rules = [problems.check(parse_form, {**base, "weekday": d}, RuleBody) for d in days or [1]]
        problems.raise_any()  # all checked before any is added
        # One transaction for the days chosen: a refusal on the fifth day (too many rules, too many slots) leaves
        # none of them added, not four.
        async with transaction(request.app.state.pool, caller) as conn:
            for b in rules:
                await call(conn, "create_availability_rule", session_type=b.session_type, weekday=b.weekday,
                           start_time=b.start_time, end_time=b.end_time, slot_minutes=b.slot_minutes,
                           capacity=b.capacity, valid_from=b.valid_from, valid_until=b.valid_until)
        return done_redirect("/availability", "rules_added", n=len(rules))

    return await form_page(request, "dashboard/settings_availability.html", _load_availability, submit, form="rule")


@endpoint(summary="Add a one-off slot from the availability page (date and times in the consultant's zone).",
          tags=("pages",), auth="consultant", include=False)
async def add_slot(request: Request) -> Response:
    async def submit(form: dict[str, str], subject: dict, caller: Caller) -> Response:
        zone = ZoneInfo(subject["timezone"])
        problems = Problems()  # every field typed wrong, at once
        day, start, end = (problems.check(form_day, form, "date"), problems.check(form_time, form, "start_time"),
                           problems.check(form_time, form, "end_time"))
        problems.raise_any()
        starts, ends = datetime.combine(day, start, zone), datetime.combine(day, end, zone)
        b = parse_form({"session_type": form.get("session_type", ""), "starts_at": starts.isoformat(),
                        "ends_at": ends.isoformat(), "capacity": whole_number(form.get("capacity", ""))}, SlotBody)
        await run(request.app.state.pool, "create_slot", caller, b)
        return done_redirect("/availability", "slot_added")

    return await form_page(request, "dashboard/settings_availability.html", _load_availability, submit, form="slot",
                       renames={"starts_at": "start_time", "ends_at": "end_time"})


@endpoint(summary="Block dates or a time range (a holiday) from the availability page.", tags=("pages",),
          auth="consultant", include=False)
async def add_block(request: Request) -> Response:
    async def submit(form: dict[str, str], subject: dict, caller: Caller) -> Response:
        zone = ZoneInfo(subject["timezone"])
        first = form_day(form, "start_date")
        last = form_day(form, "end_date", default=first)
        starts = datetime.combine(first, form_time(form, "start_time", default=time(0)), zone)
        if form.get("end_time", "").strip():
            ends = datetime.combine(last, form_time(form, "end_time"), zone)
        else:  # no end time: the whole of the last day
            ends = datetime.combine(last + timedelta(days=1), time(0), zone)
        b = parse_form({"starts_at": starts.isoformat(), "ends_at": ends.isoformat(),
                        "reason": form.get("reason", "").strip()}, BlockBody)
        await run(request.app.state.pool, "create_availability_block", caller, b)
        return done_redirect("/availability", "block_added")

    return await form_page(request, "dashboard/settings_availability.html", _load_availability, submit, form="block",
                       renames={"starts_at": "start_date", "ends_at": "end_date", "end_time": "end_date"})


async def _confirm(request: Request, describe: Callable[[Caller], Awaitable[dict]],
                   act: Callable[[Caller], Awaitable[object]], done: str) -> Response:
    """GET: what will happen, and a button to do it. POST: do it and go back with a notice (something
    already gone, a second click say, is said so rather than shown as an error)."""
    _, caller = signed_in(request)  # the page's endpoint(auth=…) let it run
    if request.method == "POST":
        await form_with_csrf(request)
        try:
            await act(caller)
        except ApiError as err:
            if err.status != 404:
                raise
            return done_redirect("/availability", "gone")
        except asyncpg.PostgresError as exc:
            err = page_error(exc)
            if err.status != 404:
                raise err from exc
            return done_redirect("/availability", "gone")
        return done_redirect("/availability", done)
    return render(request, "dashboard/settings_confirm.html", {**await describe(caller), "back": f"{BASE}/availability"})


@endpoint(summary="Delete a weekly rule, after a confirmation page.", tags=("pages",), auth="consultant", include=False)
async def delete_rule(request: Request) -> Response:
    rule_id = request.path_params["rule_id"]

    async def describe(caller: Caller) -> dict:
        account = await masked_account(request, caller)
        availability = await run(request.app.state.pool, "get_my_availability", caller)
        rule = next((r for r in availability["rules"] if r["id"] == str(rule_id)), None)
        if rule is None:
            raise ApiError(404, "not_found", "There is no such weekly rule; it may have been deleted already.")
        r = _rule_view(rule, account)
        return {"title": "Delete these weekly hours?",
                "facts": [("Day", r["day"]), ("Hours", f"{r['hours']} ({availability['timezone']})"),
                          ("Type", r["type_label"]), ("Slots", r["length"])],
                "consequence": "Free times this rule made from now on disappear from your page. Sessions already "
                               "booked in them stay booked.",
                "button": "Yes, delete these hours"}

    async def act(caller: Caller) -> None:
        await run(request.app.state.pool, "delete_availability_rule", caller, rule_id=rule_id)

    return await _confirm(request, describe, act, "rule_deleted")


@endpoint(summary="Delete an unbooked one-off slot, after a confirmation page.", tags=("pages",), auth="consultant", include=False)
async def delete_slot(request: Request) -> Response:
    slot_id = request.path_params["slot_id"]

    async def describe(caller: Caller) -> dict:
        account = await masked_account(request, caller)
        slot = next((s for s in await _one_off_slots(request, caller) if s["id"] == str(slot_id)), None)
        if slot is None:
            raise ApiError(404, "not_found", "There is no such one-off slot; it may have been deleted already.")
        if slot["booked_count"]:
            raise ApiError(409, "slot_booked", "This slot is booked: cancel the session first, then delete the slot.")
        when = datetime.fromisoformat(slot["starts_at"]).astimezone(ZoneInfo(account["timezone"]))
        return {"title": "Delete this one-off slot?",
                "facts": [("When", when.strftime("%a, %d %b %Y, %I:%M %p ") + (when.tzname() or "")),
                          ("Type", _type_label(slot["session_type"], account))],
                "consequence": "Clients will no longer be able to book this time.", "button": "Yes, delete the slot"}

    async def act(caller: Caller) -> None:
        await run(request.app.state.pool, "delete_slot", caller, slot_id=slot_id)

    return await _confirm(request, describe, act, "slot_deleted")


@endpoint(summary="Unblock a blocked range, after a confirmation page.", tags=("pages",), auth="consultant", include=False)
async def delete_block(request: Request) -> Response:
    block_id = request.path_params["block_id"]

    async def describe(caller: Caller) -> dict:
        availability = await run(request.app.state.pool, "get_my_availability", caller)
        block = next((b for b in availability["blocks"] if b["id"] == str(block_id)), None)
        if block is None:
            raise ApiError(404, "not_found", "There is no such blocked range; it may have been unblocked already.")
        b = _block_view(block, ZoneInfo(availability["timezone"]))
        return {"title": "Unblock these dates?",
                "facts": [("Blocked", b["when"]), ("Reason", b["reason"] or "—")],
                "consequence": "Times from your weekly hours in this range open for booking again at once.",
                "button": "Yes, unblock"}

    async def act(caller: Caller) -> None:
        await run(request.app.state.pool, "delete_availability_block", caller, block_id=block_id)

    return await _confirm(request, describe, act, "block_deleted")


dashboard_routes = [
    Route(f"{SETTINGS}/availability", availability_page, methods=["GET"], name="settings_availability"),
    Route(f"{SETTINGS}/availability/rules", add_rules, methods=["POST"], name="settings_add_rules"),
    Route(SETTINGS + "/availability/rules/{rule_id:uuid}/delete", delete_rule, methods=["GET", "POST"],
          name="settings_delete_rule"),
    Route(f"{SETTINGS}/availability/slots", add_slot, methods=["POST"], name="settings_add_slot"),
    Route(SETTINGS + "/availability/slots/{slot_id:uuid}/delete", delete_slot, methods=["GET", "POST"],
          name="settings_delete_slot"),
    Route(f"{SETTINGS}/availability/blocks", add_block, methods=["POST"], name="settings_add_block"),
    Route(SETTINGS + "/availability/blocks/{block_id:uuid}/delete", delete_block, methods=["GET", "POST"],
          name="settings_delete_block"),
]

# Test: pytest tests/http/test_settings_pages.py tests/e2e/test_settings_pages.py
