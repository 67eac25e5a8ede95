# app/routes/plans.py — the plans: GET /api/v1/plans (public), GET /api/v1/consultants/me/plan, and the consultant's plan page (/dashboard/plan).
"""One list of plans (api.plan_catalogue: app.plans' rows) answers the API, the pricing page (app/routes/pages.py)
and the plan page, so none of them can disagree with what the limits enforce (db/functions/app/plans.sql).
Upgrading is the billing part of issue 22; until it lands an admin sets the plan and the page says so."""
from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from app.answers_plans import MyPlan, PlanList
from app.endpoints import endpoint
from app.jsonio import JSONResponse
from app.sql import PUBLIC, run
from app.web import render, signed_in


@endpoint(named="plan_catalogue", tags=("plans",), responses={200: PlanList})
async def list_plans(request: Request) -> JSONResponse:
    return JSONResponse(await run(request.app.state.pool, "plan_catalogue", PUBLIC))


@endpoint(named="my_plan", tags=("plans",), auth="consultant", responses={200: MyPlan})
async def get_my_plan(request: Request) -> JSONResponse:
    return JSONResponse(await run(request.app.state.pool, "my_plan", request.state.caller))


@endpoint(summary="Your plan: what it unlocks, this month's usage, and the other plans.", tags=("pages",),
          auth="readable", include=False)
async def plan_page(request: Request) -> Response:
    subject, caller = signed_in(request)
    pool = request.app.state.pool
    mine = await run(pool, "my_plan", caller)
    site = await run(pool, "public_plans", PUBLIC)
    return render(request, "dashboard/plan.html", {"mine": mine, "support_email": site.get("support_email")})


api_routes = [
    Route("/plans", list_plans, methods=["GET"], name="list_plans"),
    Route("/consultants/me/plan", get_my_plan, methods=["GET"], name="get_my_plan"),
]
dashboard_routes = [Route("/plan", plan_page, methods=["GET"], name="plan_page")]

# Test: pytest tests/http/test_plans.py
