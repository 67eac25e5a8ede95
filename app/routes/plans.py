# app/routes/plans.py — the plans: GET /api/v1/plans (public), GET /api/v1/consultants/me/plan, and the consultant's plan page (/dashboard/plan) where they subscribe, change and cancel.
"""One list of plans (api.plan_catalogue: app.plans' rows) answers the API, the pricing page (app/routes/pages.py)
and the plan page, so none of them can disagree with what the limits enforce (db/functions/app/plans.sql).
Subscribing (issue 22, docs/payments.md "Billing as built"): POST /consultants/me/subscription makes (or reuses)
the Razorpay plan for the price and a subscription, answered with what Razorpay Checkout needs; the plan changes only
when the subscription job records a charge it fetched, never on the browser's return. A plan change is
cancel-and-create (a subscription paid by UPI cannot be updated): the old one is cancelled at its cycle's end, not
refunded, and its plan holds until its paid period ends (the higher of the two is in force). DELETE cancels at the
cycle's end: the plan stays until the paid period ends. The plan page's forms run the same two (subscribe, cancel)
and come back to the page, which shows the subscription's state in words and the way to authorise it (Razorpay
Checkout, or the local gateway's stand-in at /dev/subscriptions/<id>); back from it, the page says the payment is
being confirmed until the job has recorded it (app/static/plan.js)."""
from __future__ import annotations

import logging
import uuid
from typing import Literal
from urllib.parse import urlencode

import asyncpg
from pydantic import Field
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from app.adapters.payments import GatewayRefused, GatewayUnavailable
from app.adapters.subscriptions import cancels_at_cycle_end
from app.answers_plans import MyPlan, NewSubscription, PlanList, Subscription
from app.endpoints import endpoint
from app.errors import ApiError
from app.jsonio import JSONResponse
from app.routes.booking_pages import RAZORPAY_CSP
from app.routes.forms import form_page
from app.sql import PUBLIC, Caller, run
from app.validation import Schema, parse_body, parse_form
from app.web import DASHBOARD

log = logging.getLogger("nakksha.routes.plans")

# Razorpay needs a number of billing cycles (total_count): ten years of either.
TOTAL_COUNT = {"monthly": 120, "yearly": 10}


class StartSubscriptionBody(Schema):
    plan: str = Field(min_length=1, max_length=40)
    period: Literal["monthly", "yearly"]


def _unavailable(exc: Exception) -> ApiError:
    return ApiError(502, "payment_gateway_unavailable",
                    "Payments are unavailable just now; nothing was changed. Please try again.")


async def _cancel_quietly(gw, subscription_id: str, at_cycle_end: bool) -> None:
    try:
        await gw.cancel_subscription(subscription_id, at_cycle_end=at_cycle_end)
    except (GatewayRefused, GatewayUnavailable) as exc:  # the sweep's fetch finds what Razorpay has
        log.warning("subscription %s: cancel not confirmed by Razorpay: %s", subscription_id, exc)


def checkout(request: Request, q: dict, sub: dict) -> dict:
    """Razorpay Checkout's options for a subscription (key and subscription_id; no amount or order)."""
    gw = request.app.state.payments
    out = {"key_id": gw.key_id, "subscription_id": sub["gateway_subscription_id"], "name": "Nakksha",
           "description": f"{q['plan_name']} ({q['period']})", "prefill": {"name": q["name"], "email": q["email"]},
           "notes": {"consultant_id": str(q["consultant_id"]), "plan": q["plan"], "period": q["period"]}}
    if gw.name == "local":  # the stand-in page on this server, relative as the bookings' (/dev/checkout/…): the
        out["checkout_url"] = f"/dev/subscriptions/{sub['gateway_subscription_id']}"  # short_url names no port
    return out


@endpoint(named="plan_catalogue", tags=("plans",), responses={200: PlanList})
async def list_plans(request: Request) -> JSONResponse:
    return JSONResponse(await run(request.app.state.pool, "plan_catalogue", PUBLIC))


@endpoint(named="my_plan", tags=("plans",), auth="consultant", responses={200: MyPlan})
async def get_my_plan(request: Request) -> JSONResponse:
    return JSONResponse(await run(request.app.state.pool, "my_plan", request.state.caller))


PLAN_PAGE = DASHBOARD + "/plan"
CONFIRMING = PLAN_PAGE + "?confirming=1"  # where Checkout (or the local authorise step) comes back to
WAITING = ("created", "authenticated")  # nothing charged yet: the plan has not changed


async def _load_plan(request: Request, subject: dict, caller: Caller) -> dict:
    """The plan page: the plan in force, the live subscription in words and the way to authorise it, the plans."""
    pool, gw = request.app.state.pool, request.app.state.payments
    mine = await run(pool, "my_plan", caller)
    site = await run(pool, "public_plans", PUBLIC)
    sub, authorise = mine["subscription"], None
    if sub and sub["status"] == "created" and sub["cancel_requested_at"] is None:
        sid = sub["gateway_subscription_id"]
        if gw.name == "local":  # the local gateway's stand-in for Checkout (app/routes/dev.py), back here after
            authorise = {"url": f"/dev/subscriptions/{sid}?" + urlencode({"return_to": CONFIRMING})}
        else:  # Razorpay Checkout with the subscription (app/static/plan.js), or its hosted page without script
            plan = next((p for p in mine["plans"] if p["code"] == sub["plan"]), {"name": sub["plan"]})
            authorise = {"url": sub["short_url"], "key_id": gw.key_id, "subscription_id": sid,
                         "description": f"{plan['name']} ({sub['period']})", "email": subject.get("email") or ""}
    return {"mine": mine, "support_email": site.get("support_email"), "tz": subject["timezone"],
            "authorise": authorise, "razorpay": gw.name == "razorpay", "approved": subject["approval_status"] == "approved",
            "confirming": bool(request.query_params.get("confirming") and sub and sub["status"] in WAITING)}


def _page_csp(request: Request, response: Response) -> Response:
    if request.app.state.payments.name == "razorpay":
        response.headers["content-security-policy"] = RAZORPAY_CSP  # Checkout's script and frames
    return response


@endpoint(summary="Your plan: what it unlocks, this month's usage, your subscription, and the other plans to "
                  "subscribe to (any signed-in consultant may read it: the nav links it for all; subscribing "
                  "needs an approved account).", tags=("pages",), auth="consultant", include=False)
async def plan_page(request: Request) -> Response:
    return _page_csp(request, await form_page(request, "dashboard/plan.html", _load_plan))


@endpoint(summary="Subscribe to (or change to) a plan from the plan page; then authorise it.", tags=("pages",),
          auth="approved", include=False)
async def plan_subscribe(request: Request) -> Response:
    async def submit(form: dict[str, str], subject: dict, caller: Caller) -> Response:
        await subscribe(request, caller, parse_form(form, StartSubscriptionBody, required=("plan", "period")))
        return RedirectResponse(f"{PLAN_PAGE}?done=plan_subscribed", status_code=303)
    return _page_csp(request, await form_page(request, "dashboard/plan.html", _load_plan, submit, form="subscribe"))


@endpoint(summary="Cancel the subscription from the plan page (at the end of the paid period); a suspended "
                  "consultant may too (the outside review: they went on being charged and could not stop it).",
          tags=("pages",), auth="readable", include=False)
async def plan_cancel(request: Request) -> Response:
    async def submit(form: dict[str, str], subject: dict, caller: Caller) -> Response:
        await cancel(request, caller)
        return RedirectResponse(f"{PLAN_PAGE}?done=plan_cancelled", status_code=303)
    return _page_csp(request, await form_page(request, "dashboard/plan.html", _load_plan, submit, form="cancel"))


@endpoint(summary="Subscribe to a plan (monthly or yearly): answers the subscription (created; 200 with the same "
                  "one while it is not authorised yet) and what Razorpay Checkout needs to authorise it; the plan "
                  "changes once its first charge is recorded. Another plan "
                  "while subscribed starts this one; the current subscription is cancelled at its cycle's end (no "
                  "refund; its plan holds until then) once this one is authorised, and not at all if it never is.",
          tags=("plans",), auth="approved", body=StartSubscriptionBody,
          responses={200: NewSubscription, 201: NewSubscription, 409: None, 422: None, 502: None})
async def start_subscription(request: Request) -> JSONResponse:
    body = await parse_body(request, StartSubscriptionBody)
    answer, status = await subscribe(request, request.state.caller, body)
    return JSONResponse(answer, status_code=status)


async def subscribe(request: Request, caller, body: StartSubscriptionBody) -> tuple[dict, int]:
    """Start (or change to) a plan: the API's POST and the plan page's form. 201 made, 200 the one awaiting
    authorisation answered again."""
    pool, gw = request.app.state.pool, request.app.state.payments
    q = await run(pool, "subscription_checkout", caller, plan=body.plan, period=body.period, gateway=gw.name)
    live = q["live"]
    if q["reuse"]:
        return {"subscription": live, "checkout": checkout(request, q, live)}, 200
    try:
        plan_id = q["gateway_plan_id"]
        if plan_id is None:
            made = await gw.create_plan(body.period, 1, q["amount_paise"], f"Nakksha {q['plan_name']} ({body.period})",
                                        notes={"plan": q["plan"], "period": body.period})  # checked by verify_gateway_plan
            # Kept as this consultant's own until the worker verified it at Razorpay (then shared): the answer is
            # the plan their checkout uses (the verified one, or their own first stored).
            plan_id = await run(pool, "record_gateway_plan", caller, plan=q["plan"], period=body.period,
                                amount=q["amount"], gateway=gw.name, gateway_plan_id=made["id"])
        made = await gw.create_subscription(plan_id, TOTAL_COUNT[body.period], notes={
            "consultant_id": str(q["consultant_id"]), "plan": q["plan"], "period": body.period})
    except (GatewayRefused, GatewayUnavailable) as exc:
        # Said in the log: the consultant's answer is only "unavailable" (a refusal here is ours to mend, e.g. a
        # stored plan the gateway does not have; the outside review found a 502 with nothing logged).
        log.log(logging.ERROR if isinstance(exc, GatewayRefused) else logging.WARNING,
                "subscription checkout (%s, %s): the gateway %s: %s", body.plan, body.period,
                "refused" if isinstance(exc, GatewayRefused) else "was unavailable", exc)
        raise _unavailable(exc) from exc
    # Another checkout still awaiting authorisation is withdrawn (nothing was charged on it). A paid subscription is
    # left alone: it is cancelled (at its cycle's end) only once this one is authorised, by the worker that records
    # it, so an abandoned checkout costs the consultant nothing (the outside review found the paid plan cancelled here).
    awaiting = live if live and live["status"] == "created" else None
    if awaiting:
        await _cancel_quietly(gw, awaiting["gateway_subscription_id"], False)
    try:
        sub = await run(pool, "store_subscription", caller, plan=q["plan"], period=body.period, amount=q["amount"],
                        gateway=gw.name, gateway_plan_id=plan_id, gateway_subscription_id=made["id"],
                        short_url=made.get("short_url"), replaces=uuid.UUID(awaiting["id"]) if awaiting else None)
    except (ApiError, asyncpg.PostgresError):
        await _cancel_quietly(gw, made["id"], False)  # a concurrent checkout stored its own: this one is orphaned
        raise
    return {"subscription": sub, "checkout": checkout(request, q, sub)}, 201


@endpoint(summary="Cancel your subscription at the end of the paid period (at once when nothing was charged yet, "
                  "or when a renewal failed: the paid period is over): the plan stays until then; nothing is refunded. "
                  "A suspended consultant may cancel too.",
          tags=("plans",), auth="readable", responses={200: Subscription, 404: None, 502: None})
async def cancel_subscription(request: Request) -> JSONResponse:
    return JSONResponse(await cancel(request, request.state.caller))


async def cancel(request: Request, caller) -> dict:
    """Cancel the live subscription at its cycle's end (at once when nothing was charged or a renewal failed): the API
    and the page."""
    pool, gw = request.app.state.pool, request.app.state.payments
    live = await run(pool, "my_subscription", caller)
    if live is None:
        raise ApiError(404, "not_found", "You have no subscription to cancel.")
    if live["cancel_requested_at"] is None:
        try:
            await gw.cancel_subscription(live["gateway_subscription_id"], at_cycle_end=cancels_at_cycle_end(live["status"]))
        except (GatewayRefused, GatewayUnavailable) as exc:
            raise _unavailable(exc) from exc
    return await run(pool, "record_subscription_cancel", caller, subscription_id=uuid.UUID(live["id"]))


api_routes = [
    Route("/plans", list_plans, methods=["GET"], name="list_plans"),
    Route("/consultants/me/plan", get_my_plan, methods=["GET"], name="get_my_plan"),
    Route("/consultants/me/subscription", start_subscription, methods=["POST"], name="start_subscription"),
    Route("/consultants/me/subscription", cancel_subscription, methods=["DELETE"], name="cancel_subscription"),
]
dashboard_routes = [
    Route("/plan", plan_page, methods=["GET"], name="plan_page"),
    Route("/plan/subscribe", plan_subscribe, methods=["POST"], name="plan_subscribe"),
    Route("/plan/cancel", plan_cancel, methods=["POST"], name="plan_cancel"),
]

# Test: pytest tests/http/test_plans.py tests/http/test_billing.py tests/http/test_plan_page.py tests/e2e/test_plan_page.py
