# app/routes/profile.py — the consultant's own account (/api/v1/consultants/me…): profile and settings, bank details, photo, export, deletion.
from __future__ import annotations

import logging
import uuid
from datetime import datetime
from typing import Literal

from pydantic import Field, model_validator
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from app import present
from app.adapters.storage import StorageError
from app.answers_account import Account, AccountAnswer
from app.crypto import encrypt
from app.endpoints import endpoint
from app.errors import ApiError
from app.images import MAX_PHOTO_BYTES, clean_photo, off_loop, upload_errors
from app.jsonio import JSONResponse
from app.ratelimit import rate_limit
from app.routes.auth import CurrentPasswordBody, confirm_current_password
from app.routes.quotations import forget_stored, image_prefix
from app.schemas import (
    InstagramUrl,
    LinkedinUrl,
    MeetUrl,
    Name,
    PhoneCountryCode,
    PhoneNumber,
    Price,
    ShortText,
    Slug,
    TeamsUrl,
    Text,
    Timezone,
    TwitterUrl,
    ZoomUrl,
    matching,
    trimmed,
)
from app.sql import run
from app.validation import Answer, Schema, parse_body
from app.web import API

log = logging.getLogger("nakksha.profile")

PHOTO_ROUTE = "/consultants/me/photo"  # under the /api/v1 mount
PHOTO_PATH = API + PHOTO_ROUTE  # the full path, for the body-size limit
PHOTO_BODY_LIMIT = MAX_PHOTO_BYTES + 256 * 1024  # the image plus multipart framing


class RefundStep(Schema):
    min_hours_before: int = Field(ge=0, le=8760)
    percent: int = Field(ge=0, le=100)


class CancellationPolicy(Schema):
    client_cutoff_hours: int = Field(ge=0, le=720)
    max_reschedules: int = Field(ge=0, le=20)
    refund_ladder: list[RefundStep] = Field(max_length=10)

    @model_validator(mode="after")
    def ladder_descends(self) -> CancellationPolicy:
        # Steps from the earliest cancellation to the latest: hours strictly falling, refunds never rising.
        steps = self.refund_ladder
        for earlier, later in zip(steps, steps[1:], strict=False):
            if later.min_hours_before >= earlier.min_hours_before or later.percent > earlier.percent:
                raise ValueError("refund_ladder steps must go from most hours before to fewest, refunds not increasing")
        return self


class NotificationPreferences(Schema):
    session_booked: bool = None  # type: ignore[assignment]
    session_cancelled: bool = None  # type: ignore[assignment]
    session_rescheduled: bool = None  # type: ignore[assignment]
    quotation_viewed: bool = None  # type: ignore[assignment]
    quotation_responded: bool = None  # type: ignore[assignment]


# In a PATCH, absent keys stay as they are. Fields typed without None refuse an explicit null; the
# defaults below are never validated, they only mark "not sent".
class ProfilePatch(Schema):
    first_name: Name = None  # type: ignore[assignment]
    last_name: Name = None  # type: ignore[assignment]
    phone_country_code: PhoneCountryCode | None = None
    phone_number: PhoneNumber | None = None
    consultancy_sector: ShortText | None = None
    personal_session_title: ShortText | None = None
    webinar_session_title: ShortText | None = None
    personal_session_price: Price = None  # type: ignore[assignment]
    webinar_session_price: Price = None  # type: ignore[assignment]
    description: Text | None = None
    experience_months: int | None = Field(default=None, ge=0, le=1200)
    instagram_url: InstagramUrl | None = None
    linkedin_url: LinkedinUrl | None = None
    twitter_url: TwitterUrl | None = None
    slug: Slug = None  # type: ignore[assignment]
    timezone: Timezone = None  # type: ignore[assignment]
    min_notice_minutes: int = Field(default=None, ge=0, le=43200)  # type: ignore[assignment]
    max_days_ahead: int = Field(default=None, ge=1, le=365)  # type: ignore[assignment]
    buffer_minutes: int = Field(default=None, ge=0, le=240)  # type: ignore[assignment]
    hold_minutes: int | None = Field(default=None, ge=5, le=120)
    cancellation_policy: CancellationPolicy = None  # type: ignore[assignment]
    default_meeting_platform: Literal["zoom", "meet", "teams"] = None  # type: ignore[assignment]
    zoom_link: ZoomUrl | None = None
    meet_link: MeetUrl | None = None
    teams_link: TeamsUrl | None = None
    notification_preferences: NotificationPreferences = None  # type: ignore[assignment]


def _upper(value: str) -> str:
    return value.strip(" ").upper()


def _digits(value: str) -> str:
    return value.replace(" ", "")


# As people copy them: an account number with spaces between digits, an IFSC in either case, spaces around.
BankName = trimmed(200, 2)
AccountNumber = matching(r"^ *([0-9] *){9,18}$", _digits, "Use 9 to 18 digits; spaces between them are dropped.", 60)
Ifsc = matching(r"^ *[A-Za-z]{4}0[A-Za-z0-9]{6} *$", _upper,
                "11 characters, like HDFC0001234: four letters, a zero, then six letters or digits.", 40)


class BankDetails(Schema):
    bank_name: BankName
    account_number: AccountNumber
    ifsc_code: Ifsc


class SignIn(Answer):
    created_at: datetime
    user_agent: str | None
    ip: str | None
    revoked_at: datetime | None
    revoked_reason: str | None


class DataExport(Answer):
    """Everything held on the account (data portability): the account, then each table's rows as stored, less
    hashes, tokens and ciphertext."""

    exported_at: datetime
    account: Account
    availability_rules: list[dict]
    availability_blocks: list[dict]
    availability_slots: list[dict]
    clients: list[dict]
    sessions: list[dict]
    quotations: list[dict]
    payments: list[dict]
    refunds: list[dict]
    emails: list[dict]
    sessions_log: list[SignIn] = Field(description="Every sign-in (refresh-token family) of the account.")
    daily_analytics: list[dict]


def _answer(request: Request, account: dict, status: int = 200) -> JSONResponse:
    return JSONResponse({"consultant": present.consultant(account, request.app.state.secrets.data_key)},
                        status_code=status)


@endpoint(summary="The consultant's profile and settings.", tags=("profile",), auth="consultant",
          responses={200: AccountAnswer})
async def get_my_profile(request: Request) -> JSONResponse:
    return _answer(request, await run(request.app.state.pool, "get_my_account", request.state.caller))


@endpoint(named="update_my_profile", tags=("profile",), auth="consultant",
          body=ProfilePatch, responses={200: AccountAnswer, 409: None})
async def update_my_profile(request: Request) -> JSONResponse:
    body = await parse_body(request, ProfilePatch)
    patch = body.model_dump(mode="json", exclude_unset=True)
    if "notification_preferences" in patch:
        patch["notification_preferences"] = {k: v for k, v in patch["notification_preferences"].items() if v is not None}
    return _answer(request, await run(request.app.state.pool, "update_my_profile", request.state.caller, patch=patch))


@endpoint(named="set_my_bank_details", tags=("profile",),
          auth="consultant", body=BankDetails, responses={200: AccountAnswer})
async def set_my_bank_details(request: Request) -> JSONResponse:
    body = await parse_body(request, BankDetails)
    key = request.app.state.secrets.data_key
    account = await run(request.app.state.pool, "set_my_bank_details", request.state.caller, bank_name=body.bank_name,
                        account_number_encrypted=encrypt(key, present.BANK_PURPOSE, body.account_number),
                        ifsc_code_encrypted=encrypt(key, present.BANK_PURPOSE, body.ifsc_code))
    return _answer(request, account)


PHOTO_FORM = {"type": "object", "required": ["photo"], "additionalProperties": False,
              "properties": {"photo": {"type": "string", "format": "binary",
                                       "description": "JPEG, PNG or WebP, at most 5 MB."}}}


@endpoint(summary="Upload the profile photo (multipart field 'photo': JPEG, PNG or WebP, at most 5 MB and 16.8 "
                  "megapixels; 422 image_too_complex when decoding it would cost far more than its pixels); "
                  "photo_uploads_per_hour image uploads per account (429 with Retry-After beyond).",
          tags=("profile",), auth="consultant",
          responses={200: AccountAnswer, 413: None, 415: None, 422: None, 429: None, 502: None, 503: None}, form=PHOTO_FORM)
async def upload_my_photo(request: Request) -> JSONResponse:
    if request.headers.get("content-type", "").split(";")[0].strip().lower() != "multipart/form-data":
        raise ApiError(415, "unsupported_media_type", "Send the photo as multipart/form-data.")
    async with request.form(max_files=1, max_fields=2, max_part_size=PHOTO_BODY_LIMIT) as form:
        upload = form.get("photo")
        if not isinstance(upload, UploadFile):
            raise ApiError(422, "missing_field", "Attach the image as the 'photo' field.", "photo")
        if extra := sorted(set(form.keys()) - {"photo"}):  # the document allows no other field
            raise ApiError(422, "unknown_field", f"{extra[0]}: not a field of this form.", extra[0])
        account = await store_photo(request, request.state.caller, upload)
    return _answer(request, account)


async def store_photo(request: Request, caller, upload: UploadFile) -> dict:
    """The one way a profile photo is taken (API and settings page): photo_uploads_per_hour per account, one
    budget with quotation images (every attempt counts: each may cost a decode), at most 5 MB, MAX_PIXELS and
    the decoding work app/images.py bounds, content-sniffed and re-encoded (no EXIF) in the decoder threads,
    stored under the consultant's prefix, recorded, and the photo it replaced deleted (only that one: of two
    uploads at once, the database orders them and each deletes only what its own change replaced)."""
    await rate_limit(request, "photo_upload", str(caller.consultant_id))
    data = await upload.read(MAX_PHOTO_BYTES + 1)
    if len(data) > MAX_PHOTO_BYTES:
        raise ApiError(413, "payload_too_large", "The photo must be at most 5 MB.", "photo")
    with upload_errors("photo"):
        cleaned, content_type, ext = await off_loop(clean_photo, data)
    key = f"{photo_prefix(caller.consultant_id)}{uuid.uuid4().hex}.{ext}"
    try:
        url = await request.app.state.storage.put(key, cleaned, content_type)
    except StorageError as exc:
        raise ApiError(502, "storage_unavailable", "The photo could not be stored; try again.", "photo") from exc
    try:
        account = await run(request.app.state.pool, "set_my_photo", caller, url=url)
    except Exception:
        await forget_stored(request, photo_prefix(caller.consultant_id), [url])  # never recorded: nobody shows it
        raise
    replaced = account.pop("replaced_photo_url", None)
    await forget_stored(request, photo_prefix(caller.consultant_id), [replaced] if replaced else [])
    return account


def photo_prefix(consultant_id) -> str:
    return f"photos/{consultant_id}/"


async def forget_photos(request: Request, consultant_id) -> None:
    """Every photo of a deleted account stops being served. Best effort: the database change already
    happened; a store that fails here is logged."""
    await _forget(request, photo_prefix(consultant_id))


async def _forget(request: Request, prefix: str) -> None:
    try:
        await request.app.state.storage.delete_prefix(prefix)
    except StorageError:
        log.warning("could not remove the files under %s", prefix, exc_info=True)


@endpoint(named="export_my_data", tags=("profile",), auth="consultant", body=CurrentPasswordBody,
          responses={200: DataExport, 403: None, 429: None})
async def export_my_data(request: Request) -> JSONResponse:
    body = await parse_body(request, CurrentPasswordBody)
    await confirm_current_password(request, request.state.caller, body.current_password)
    data = await run(request.app.state.pool, "export_my_data", request.state.caller)
    data["account"] = present.consultant(data["account"], request.app.state.secrets.data_key)
    return JSONResponse(data, headers={"content-disposition": 'attachment; filename="nakksha-export.json"',
                                       "cache-control": "no-store"})


@endpoint(named="delete_my_account", tags=("profile",), auth="consultant", body=CurrentPasswordBody,
          responses={204: None, 403: None, 429: None})
async def delete_my_account(request: Request) -> Response:
    body = await parse_body(request, CurrentPasswordBody)
    await confirm_current_password(request, request.state.caller, body.current_password)
    await run(request.app.state.pool, "delete_my_account", request.state.caller)
    await forget_photos(request, request.state.caller.consultant_id)
    await _forget(request, image_prefix(request.state.caller.consultant_id))  # every quotation's image
    return Response(status_code=204)


api_routes = [
    Route("/consultants/me", get_my_profile, methods=["GET"], name="get_my_profile"),
    Route("/consultants/me", update_my_profile, methods=["PATCH"], name="update_my_profile"),
    Route("/consultants/me", delete_my_account, methods=["DELETE"], name="delete_my_account"),
    Route("/consultants/me/bank-details", set_my_bank_details, methods=["PUT"], name="set_my_bank_details"),
    Route(PHOTO_ROUTE, upload_my_photo, methods=["POST"], name="upload_my_photo"),
    Route("/consultants/me/export", export_my_data, methods=["POST"], name="export_my_data"),
]


# Test: pytest tests/http/test_profile.py tests/http/test_photo_uploads.py tests/db/test_profile_photo.py tests/fuzz/test_abuse_uploads.py
