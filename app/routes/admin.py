# app/routes/admin.py — admins (/api/v1/admin/*): their own auth, consultant approval and subscriptions, the admins list.
from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import Field
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from app.answers import Page
from app.answers_account import AdminAccount, AdminAnswer, Tokens
from app.auth import client_ip, new_token, refresh_expiry, token_hash, token_pair
from app.endpoints import endpoint
from app.jsonio import JSONResponse
from app.ratelimit import rate_limit
from app.routes.auth import (
    LoginBody,
    RefreshBody,
    checked_credentials,
    hash_new_password,
    refresh_failure,
)
from app.routes.publishing import SetupStepOut
from app.schemas import Amount, Email, Instant, NewPassword, trimmed
from app.sql import run
from app.validation import Answer, QuerySchema, Schema, parse_body, parse_query

ADMIN_ERRORS = {401: None, 403: None}


class AdminConsultant(Answer):
    """A consultant as admins see them: no bank details, no password."""

    id: uuid.UUID
    email: str
    first_name: str
    last_name: str
    slug: str
    phone_country_code: str | None
    phone_number: str | None
    consultancy_sector: str | None
    approval_status: Literal["pending", "approved", "rejected", "suspended"]
    approved_at: datetime | None
    approved_by: uuid.UUID | None
    rejection_reason: str | None
    is_email_verified: bool
    is_active: bool
    subscription_plan: str
    subscription_expires_at: datetime | None
    timezone: str
    published_at: datetime | None = Field(description="When they published their page (null: not public).")
    last_login_at: datetime | None
    created_at: datetime
    updated_at: datetime


class AdminProfile(Answer):
    """The page an applicant prepared, for the admin reviewing them."""

    description: str | None
    experience_months: int | None
    profile_photo_url: str | None
    personal_session_title: str | None
    personal_session_price: Amount
    webinar_session_title: str | None
    webinar_session_price: Amount
    linkedin_url: str | None
    instagram_url: str | None
    twitter_url: str | None
    email_verified_at: datetime | None


class UpcomingPaidSession(Answer):
    id: uuid.UUID
    title: str
    starts_at: datetime
    amount: Amount
    payment_status: str
    client_name: str | None


class AdminRefund(Answer):
    id: uuid.UUID
    amount: Amount
    status: str = Field(description="pending (sent or being sent to the gateway), processed, or failed.")
    failure_reason: str | None = Field(description="Why the gateway refused it (failed refunds).")
    created_at: datetime
    processed_at: datetime | None
    session_id: uuid.UUID | None
    title: str | None
    starts_at: datetime | None
    client_name: str | None


class AuditEntry(Answer):
    action: str
    admin_id: uuid.UUID | None
    actor_label: str | None
    details: dict | None
    created_at: datetime


class SubscriptionChange(Answer):
    """One row of the consultant's subscription history (app.subscription_history)."""

    at: datetime
    subscription_id: uuid.UUID
    plan: str
    period: Literal["monthly", "yearly"]
    from_status: str | None
    to_status: str
    status_words: str = Field(description="The new status in plain words.")
    paid_until: datetime | None
    source: Literal["webhook", "fetch", "checkout", "admin", "job"]


class AdminConsultantDetail(AdminConsultant):
    profile: AdminProfile
    setup: list[SetupStepOut] = Field(description="The setup checklist publishing needs, in order.")
    upcoming_paid_sessions: list[UpcomingPaidSession] = Field(
        description="Confirmed sessions still to come that a client paid for (what suspending may cancel and refund).")
    refunds: list[AdminRefund] = Field(
        description="Refunds an admin's action started (suspending with cancel and refund), newest first, with their state.")
    audit: list[AuditEntry] = Field(description="What admins did to this account, newest first.")
    subscription_history: list[SubscriptionChange] = Field(
        description="The latest 10 observed changes of their subscriptions (status, paid until), newest first.")


class StatusCounts(Answer):
    pending: int
    approved: int
    rejected: int
    suspended: int


class AdminConsultantPage(Page):
    items: list[AdminConsultant]
    counts: StatusCounts = Field(description="Consultants matching the search, per approval status.")


class AdminList(Answer):
    items: list[AdminAccount]


class NewAdmin(Answer):
    id: uuid.UUID
    email: str
    name: str
    role: Literal["admin", "super_admin"]
    is_active: bool


def admin_tokens(request: Request, admin: dict, refresh: str) -> dict:
    return {**token_pair(request.app.state.secrets.jwt, subject=admin["id"], email=admin["email"], role="admin",
                         refresh_token=refresh, epoch=admin.get("token_epoch", 0)),
            "admin": {k: v for k, v in admin.items() if k != "token_epoch"}}


# --- admin auth -----------------------------------------------------------------------------------------

@endpoint(named="start_admin_session", tags=("admin auth",), body=LoginBody, responses={200: Tokens, 401: None, 429: None})
async def admin_login(request: Request) -> JSONResponse:
    body = await parse_body(request, LoginBody)
    creds = await checked_credentials(request, "admin", body)
    refresh = new_token("rta")
    admin = await run(request.app.state.pool, "start_admin_session", admin_id=creds["id"],
                      refresh_hash=token_hash(refresh), expires_at=refresh_expiry(),
                      user_agent=request.headers.get("user-agent"), ip=client_ip(request))
    return JSONResponse(admin_tokens(request, admin, refresh))


@endpoint(summary="Admin token refresh (the old refresh token is spent).", tags=("admin auth",), body=RefreshBody,
          responses={200: Tokens, 401: None, 429: None})
async def admin_refresh(request: Request) -> JSONResponse:
    body = await parse_body(request, RefreshBody)
    await rate_limit(request, "refresh")
    new = new_token("rta")
    result = await run(request.app.state.pool, "rotate_refresh_token", token_hash=token_hash(body.refresh_token),
                       new_hash=token_hash(new), new_expires_at=refresh_expiry(), subject="admin")
    if result["status"] != "ok":
        raise refresh_failure(result["status"])
    return JSONResponse(admin_tokens(request, result["admin"], new))


@endpoint(summary="Admin logout (revokes the refresh token's family).", tags=("admin auth",), body=RefreshBody,
          responses={204: None})
async def admin_logout(request: Request) -> Response:
    body = await parse_body(request, RefreshBody)
    await run(request.app.state.pool, "revoke_refresh_family", token_hash=token_hash(body.refresh_token), subject="admin")
    return Response(status_code=204)


@endpoint(summary="The logged-in admin.", tags=("admin auth",), auth="admin", responses={200: AdminAnswer})
async def admin_me(request: Request) -> JSONResponse:
    return JSONResponse({"admin": await run(request.app.state.pool, "get_my_account", request.state.caller)})


# --- consultants ------------------------------------------------------------------------------------------

class ConsultantListQuery(QuerySchema):
    status: Literal["pending", "approved", "rejected", "suspended"] | None = None
    q: str | None = Field(default=None, max_length=200)
    page: int = Field(default=1, ge=1, le=100000)
    per_page: int = Field(default=25, ge=1, le=100)


class ReasonBody(Schema):
    reason: str = Field(min_length=1, max_length=2000)


class SubscriptionBody(Schema):
    plan: str = Field(min_length=1, max_length=40)
    expires_at: Instant | None


@endpoint(named="admin_list_consultants",
          tags=("admin",), auth="admin", query=ConsultantListQuery, responses={200: AdminConsultantPage, **ADMIN_ERRORS})
async def admin_list_consultants(request: Request) -> JSONResponse:
    q = parse_query(request, ConsultantListQuery)
    result = await run(request.app.state.pool, "admin_list_consultants", request.state.caller, q)
    return JSONResponse(result)


@endpoint(named="admin_get_consultant", tags=("admin",),
          auth="admin", responses={200: AdminConsultantDetail, 404: None, **ADMIN_ERRORS})
async def admin_get_consultant(request: Request) -> JSONResponse:
    return JSONResponse(await run(request.app.state.pool, "admin_get_consultant", request.state.caller,
                                  consultant_id=request.path_params["consultant_id"]))


@endpoint(named="approve_consultant", tags=("admin",),
          auth="admin", responses={200: AdminConsultant, 404: None, 409: None, **ADMIN_ERRORS})
async def approve_consultant(request: Request) -> JSONResponse:
    return JSONResponse(await run(request.app.state.pool, "approve_consultant", request.state.caller,
                                  consultant_id=request.path_params["consultant_id"]))


@endpoint(named="reject_consultant", tags=("admin",), auth="admin", body=ReasonBody,
          responses={200: AdminConsultant, 404: None, 409: None, **ADMIN_ERRORS})
async def reject_consultant(request: Request) -> JSONResponse:
    body = await parse_body(request, ReasonBody)
    return JSONResponse(await run(request.app.state.pool, "reject_consultant", request.state.caller,
                                  consultant_id=request.path_params["consultant_id"], reason=body.reason))


@endpoint(named="suspend_consultant", tags=("admin",), auth="admin",
          body=ReasonBody, responses={200: AdminConsultant, 404: None, 409: None, **ADMIN_ERRORS})
async def suspend_consultant(request: Request) -> JSONResponse:
    body = await parse_body(request, ReasonBody)
    return JSONResponse(await run(request.app.state.pool, "suspend_consultant", request.state.caller,
                                  consultant_id=request.path_params["consultant_id"], reason=body.reason))


@endpoint(named="reactivate_consultant", tags=("admin",), auth="admin",
          responses={200: AdminConsultant, 404: None, 409: None, **ADMIN_ERRORS})
async def reactivate_consultant(request: Request) -> JSONResponse:
    return JSONResponse(await run(request.app.state.pool, "reactivate_consultant", request.state.caller,
                                  consultant_id=request.path_params["consultant_id"]))


@endpoint(named="admin_set_subscription", tags=("admin",), auth="admin",
          body=SubscriptionBody, responses={200: AdminConsultant, 404: None, **ADMIN_ERRORS})
async def admin_set_subscription(request: Request) -> JSONResponse:
    body = await parse_body(request, SubscriptionBody)
    return JSONResponse(await run(request.app.state.pool, "admin_set_subscription", request.state.caller,
                                  consultant_id=request.path_params["consultant_id"], plan=body.plan,
                                  expires_at=body.expires_at))


# --- admins (super admins) ----------------------------------------------------------------------------------

class CreateAdminBody(Schema):
    email: Email
    name: trimmed(200, 1)  # type: ignore[valid-type]
    password: NewPassword
    role: Literal["admin", "super_admin"] = "admin"


@endpoint(named="admin_list_admins", tags=("admin",), auth="super_admin",
          responses={200: AdminList, **ADMIN_ERRORS})
async def admin_list_admins(request: Request) -> JSONResponse:
    return JSONResponse({"items": await run(request.app.state.pool, "admin_list_admins", request.state.caller)})


@endpoint(named="create_admin", tags=("admin",), auth="super_admin", body=CreateAdminBody,
          responses={201: NewAdmin, 409: None, **ADMIN_ERRORS})
async def admin_create_admin(request: Request) -> JSONResponse:
    body = await parse_body(request, CreateAdminBody)
    password_hash = await hash_new_password(request, body.password, body.email, body.name)
    admin_id = await run(request.app.state.pool, "create_admin", request.state.caller, body,
                         password_hash=password_hash)
    return JSONResponse({"id": str(admin_id), "email": body.email, "name": body.name.strip(), "role": body.role,
                         "is_active": True}, status_code=201)


@endpoint(named="deactivate_admin", tags=("admin",), auth="super_admin",
          responses={200: AdminAccount, 404: None, 409: None, **ADMIN_ERRORS})
async def admin_deactivate_admin(request: Request) -> JSONResponse:
    return JSONResponse(await run(request.app.state.pool, "deactivate_admin", request.state.caller,
                                  admin_id=request.path_params["admin_id"]))


api_routes = [
    Route("/admin/auth/login", admin_login, methods=["POST"], name="admin_login"),
    Route("/admin/auth/refresh", admin_refresh, methods=["POST"], name="admin_refresh"),
    Route("/admin/auth/logout", admin_logout, methods=["POST"], name="admin_logout"),
    Route("/admin/auth/me", admin_me, methods=["GET"], name="admin_me"),
    Route("/admin/consultants", admin_list_consultants, methods=["GET"], name="admin_list_consultants"),
    Route("/admin/consultants/{consultant_id:uuid}", admin_get_consultant, methods=["GET"],
          name="admin_get_consultant"),
    Route("/admin/consultants/{consultant_id:uuid}/approve", approve_consultant, methods=["POST"],
          name="approve_consultant"),
    Route("/admin/consultants/{consultant_id:uuid}/reject", reject_consultant, methods=["POST"],
          name="reject_consultant"),
    Route("/admin/consultants/{consultant_id:uuid}/suspend", suspend_consultant, methods=["POST"],
          name="suspend_consultant"),
    Route("/admin/consultants/{consultant_id:uuid}/reactivate", reactivate_consultant, methods=["POST"],
          name="reactivate_consultant"),
    Route("/admin/consultants/{consultant_id:uuid}/subscription", admin_set_subscription, methods=["PATCH"],
          name="admin_set_subscription"),
    Route("/admin/admins", admin_list_admins, methods=["GET"], name="admin_list_admins"),
    Route("/admin/admins", admin_create_admin, methods=["POST"], name="admin_create_admin"),
    Route("/admin/admins/{admin_id:uuid}/deactivate", admin_deactivate_admin, methods=["POST"],
          name="admin_deactivate_admin"),
]

# Test: pytest tests/http/test_admin_api.py
