# app/routes/quotations.py — quotations over HTTP: the consultant's CRUD, duplicate, send, stats and image (the client's side: quotations_public.py).
"""Rules live in db/functions/quotations.sql (and the state machine in its trigger); this maps requests to
them. Two things happen here because they need Python: the public link's token (random, only its SHA-256
stored, the link itself kept encrypted so the consultant can copy it again), and on acceptance the
Razorpay order for the final amount, made before the acceptance is written (like a booking: if the
gateway is down, nothing is accepted and the client can try again). And one thing happens here because it
needs the storage adapter: an uploaded image that no quotation shows any more (replaced, removed, its draft
deleted, its client anonymised) is deleted from storage, as the database says (`forgotten_images`)."""
from __future__ import annotations

import logging
import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field, model_validator
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.routing import Route

from app.adapters.storage import StorageError
from app.answers import Page, Payment, Quotation
from app.auth import new_token, token_hash
from app.crypto import DecryptionError, decrypt_text, encrypt_text
from app.devices import describe
from app.endpoints import endpoint
from app.errors import ApiError
from app.images import clean_photo, off_loop, upload_errors
from app.jsonio import JSONResponse
from app.ratelimit import rate_limit
from app.schemas import (
    Amount,
    Email,
    Id,
    Instant,
    Money,
    Name,
    Percent,
    PlausibleDate,
    Price,
    Quantity,
    SecureUrl,
    ShortText,
    trimmed,
)
from app.sql import run
from app.validation import Answer, QuerySchema, Schema, parse_body, parse_query

log = logging.getLogger("nakksha.quotations")

LINK_PURPOSE = "email_link"  # the same purpose the mail worker decrypts `*_encrypted` fields with
Status = Literal["draft", "sent", "viewed", "accepted", "rejected", "expired"]
# The quotation's name: printed on its page, in mail subjects and as the GST document's line (one printable line).
Title = trimmed(200, 1)
LineText = trimmed(500, 1, "What this line is for, as the client reads it.")
LEGACY_AMOUNT = ("The quotation's single amount, from before lines: accepted instead of `items` and made one line "
                 "named after the quotation (quantity 1). Deprecated: send `items`.")


class QuotationItemBody(Schema):
    description: LineText  # type: ignore[valid-type]
    quantity: Quantity = Decimal("1")  # type: ignore[valid-type]
    unit_price: Money  # type: ignore[valid-type]


Items = Annotated[list[QuotationItemBody], Field(min_length=1, max_length=100, description=(
    "The lines, in order (1 to 100): the whole list each time. Their amounts (quantity × unit price, rounded half up "
    "to the paisa) add up to base_amount; the discount applies to that sum."))]


class QuotationBody(Schema):
    client_id: Id | None = None
    client_name: Name | None = None
    client_email: Email | None = None
    quotation_name: Title
    description: str | None = Field(default=None, max_length=20000)
    items: Items | None = None
    base_amount: Price | None = Field(default=None, description=LEGACY_AMOUNT, json_schema_extra={"deprecated": True})  # type: ignore[valid-type]
    discount_percentage: Percent = Decimal("0")
    currency: Literal["INR"] = "INR"
    validity_period: ShortText | None = None
    expires_at: Instant | None = None
    notes: str | None = Field(default=None, max_length=5000)
    quotation_image_url: SecureUrl | None = None

    @model_validator(mode="after")
    def names_a_client(self) -> QuotationBody:
        if self.client_id is None and not (self.client_name and self.client_email):
            raise ValueError("give client_id, or client_name and client_email")
        if self.items is not None and self.base_amount is not None:  # neither: the database names `items`
            raise ValueError("give the lines as items (or, from before lines, one base_amount), not both")
        return self


class QuotationPatch(Schema):
    client_id: Id = None  # type: ignore[assignment]
    client_name: Name = None  # type: ignore[assignment]
    client_email: Email = None  # type: ignore[assignment]
    quotation_name: Title = None  # type: ignore[assignment]
    description: str | None = Field(default=None, max_length=20000)
    items: Items = None  # type: ignore[assignment]
    base_amount: Price = Field(default=None, description=LEGACY_AMOUNT, json_schema_extra={"deprecated": True})  # type: ignore[assignment]
    discount_percentage: Percent = None  # type: ignore[assignment]
    currency: Literal["INR"] = None  # type: ignore[assignment]
    validity_period: ShortText | None = None
    expires_at: Instant | None = None
    notes: str | None = Field(default=None, max_length=5000)
    quotation_image_url: SecureUrl | None = None

    @model_validator(mode="after")
    def one_way_to_price(self) -> QuotationPatch:
        if "items" in self.model_fields_set and "base_amount" in self.model_fields_set:
            raise ValueError("give the lines as items (or, from before lines, one base_amount), not both")
        return self


class QuotationQuery(QuerySchema):
    status: Status | None = None
    q: str | None = Field(default=None, max_length=200)
    from_: Instant | None = Field(default=None, alias="from")
    to: Instant | None = None
    page: int = Field(default=1, ge=1, le=100000)
    per_page: int = Field(default=25, ge=1, le=100)


class StatsQuery(QuerySchema):
    timeframe: Literal["today", "week", "month", "quarter", "year", "fy", "all", "custom"] = "month"
    from_: PlausibleDate | None = Field(default=None, alias="from")
    to: PlausibleDate | None = None


def _qid(request: Request) -> uuid.UUID:
    return request.path_params["quotation_id"]


def public_url(request: Request, token: str) -> str:
    return f"{request.app.state.settings.public_base_url}/q/{token}"


def present(request: Request, quotation: dict) -> dict:
    """The public link, decrypted for its owner (absent while draft); each view's device in words."""
    for view in quotation.get("views", ()):
        view["device"] = describe(view.get("user_agent"))
    sealed = quotation.pop("public_link_encrypted", None)
    if sealed:
        try:
            quotation["public_url"] = decrypt_text(request.app.state.secrets.data_key, LINK_PURPOSE, sealed)
        except DecryptionError:
            quotation["public_url"] = None
    return quotation


def image_prefix(consultant_id) -> str:
    return f"quotations/{consultant_id}/"


async def forget_images(request: Request, consultant_id, urls: list[str]) -> None:
    """Delete the stored files of images no quotation shows any more (the database said which)."""
    await forget_stored(request, image_prefix(consultant_id), urls)


async def forget_stored(request: Request, prefix: str, urls: list[str]) -> None:
    """Delete the stored files of `urls` (quotation images, a replaced profile photo). Only files this store
    keeps under `prefix` (the consultant's own): an https URL typed into a quotation is not ours to delete.
    Best effort: the change is already committed; a failure is logged, and deleting the account deletes
    every file under the consultant's prefixes."""
    storage = request.app.state.storage
    for url in urls:
        key = storage.key_of(url)
        if not key or not key.startswith(prefix) or ".." in key:
            continue
        try:
            await storage.delete(key)
        except StorageError:
            log.warning("could not delete the stored file %s", key, exc_info=True)


async def change(request: Request, caller, query: str, **params) -> dict:
    """update_quotation or delete_quotation (API and pages), then the files of the images it let go."""
    result = await run(request.app.state.pool, query, caller, **params)
    await forget_images(request, caller.consultant_id, result.pop("forgotten_images", []))
    return result


class SentQuotation(Quotation):
    public_url: str = Field(description="The client's link (mailed to them).")


class QuotationView(Answer):
    viewed_at: datetime
    user_agent: str | None
    device: str = Field(description="The device and browser in words, read from user_agent: \"iPhone · Safari\", "
                                    "\"Windows PC · Edge\", \"Bot or link preview (WhatsApp)\", \"Unknown browser\".")


class QuotationEmail(Answer):
    email_type: str
    status: str
    recipient_email: str
    queued_at: datetime
    sent_at: datetime | None


class QuotationDetail(Quotation):
    public_url: str | None = Field(default=None, description="The client's link, once sent.")
    views: list[QuotationView] = Field(description="The latest 200 counted openings, newest first (the same browser "
                                                   "again within ten minutes is not counted).")
    payments: list[Payment]
    emails: list[QuotationEmail]


class QuotationPage(Page):
    items: list[Quotation]


class Deleted(Answer):
    id: uuid.UUID
    deleted: Literal[True]


class QuotationStats(Answer):
    sent: int
    viewed: int
    accepted: int
    rejected: int
    expired: int
    pending: int
    conversion_rate: float | None = Field(ge=0, le=100, description="Accepted ÷ sent, a percentage; null when none "
                                                                    "were sent (docs/metrics.md).")
    value_sent: Amount
    value_accepted: Amount
    value_paid: Amount
    timeframe: str | None
    from_: date | None = Field(alias="from", description="The first local day counted.")
    to: date | None = Field(description="The last local day counted.")


@endpoint(named="create_quotation",
          tags=("quotations",), auth="approved", body=QuotationBody, responses={201: Quotation, 404: None, 422: None})
async def create_quotation(request: Request) -> JSONResponse:
    body = await parse_body(request, QuotationBody)
    quotation = await run(request.app.state.pool, "create_quotation", request.state.caller,
                          body=body.model_dump(mode="json"))
    return JSONResponse(quotation, status_code=201)


@endpoint(named="list_quotations", tags=("quotations",), auth="approved", query=QuotationQuery,
          responses={200: QuotationPage})
async def list_quotations(request: Request) -> JSONResponse:
    q = parse_query(request, QuotationQuery)
    return JSONResponse(await run(request.app.state.pool, "list_quotations", request.state.caller, q,
                                  date_from=q.from_, date_to=q.to))


@endpoint(summary="One quotation with its view history, payments, emails and (once sent) its public link.",
          tags=("quotations",), auth="approved", responses={200: QuotationDetail, 404: None})
async def get_quotation(request: Request) -> JSONResponse:
    q = await run(request.app.state.pool, "get_quotation", request.state.caller, quotation_id=_qid(request))
    return JSONResponse(present(request, q))


@endpoint(summary="Change a draft (only the fields sent); 409 quotation_not_editable once sent.",
          tags=("quotations",), auth="approved", body=QuotationPatch, responses={200: Quotation, 404: None, 409: None})
async def update_quotation(request: Request) -> JSONResponse:
    body = await parse_body(request, QuotationPatch)
    patch = body.model_dump(mode="json", exclude_unset=True)
    for required in ("client_id", "client_name", "client_email", "quotation_name", "items", "base_amount",
                     "discount_percentage", "currency"):
        if required in patch and patch[required] is None:
            raise ApiError(422, "validation_error", f"{required} cannot be null.", required)
    return JSONResponse(await change(request, request.state.caller, "update_quotation", quotation_id=_qid(request),
                                     patch=patch))


@endpoint(summary="Delete a draft; 409 quotation_not_editable once sent.", tags=("quotations",), auth="approved",
          responses={200: Deleted, 404: None, 409: None})
async def delete_quotation(request: Request) -> JSONResponse:
    return JSONResponse(await change(request, request.state.caller, "delete_quotation", quotation_id=_qid(request)))


@endpoint(named="duplicate_quotation", tags=("quotations",), auth="approved",
          responses={201: Quotation, 404: None})
async def duplicate_quotation(request: Request) -> JSONResponse:
    return JSONResponse(await run(request.app.state.pool, "duplicate_quotation", request.state.caller,
                                  quotation_id=_qid(request)), status_code=201)


async def send(request: Request, caller, quotation_id: uuid.UUID) -> dict:
    """draft → sent with a fresh link, mailed to the client (quotation_received). Shared with the dashboard page."""
    token = new_token("qt")
    sealed = encrypt_text(request.app.state.secrets.data_key, LINK_PURPOSE, public_url(request, token))
    quotation = await run(request.app.state.pool, "send_quotation", caller, quotation_id=quotation_id,
                          token_hash=token_hash(token), link_encrypted=sealed)
    return {**quotation, "public_url": public_url(request, token)}


@endpoint(summary="Send a draft: draft → sent, the client mailed a link with an unguessable token "
                  "(quotation_received); 409 invalid_transition if already sent.",
          tags=("quotations",), auth="approved", responses={200: SentQuotation, 404: None, 409: None, 422: None})
async def send_quotation(request: Request) -> JSONResponse:
    return JSONResponse(await send(request, request.state.caller, _qid(request)))


@endpoint(named="quotation_stats",
          tags=("quotations",), auth="approved", query=StatsQuery, responses={200: QuotationStats, 422: None})
async def quotation_stats(request: Request) -> JSONResponse:
    q = parse_query(request, StatsQuery)
    return JSONResponse(await run(request.app.state.pool, "quotation_stats", request.state.caller,
                                  timeframe=q.timeframe, date_from=q.from_, date_to=q.to))


IMAGE_LIMIT = 900 * 1024  # inside the app's 1 MB body limit, with room for the multipart framing
IMAGE_FORM = {"type": "object", "required": ["image"], "additionalProperties": False,
              "properties": {"image": {"type": "string", "format": "binary",
                                       "description": "JPEG, PNG or WebP, at most 900 kB."}}}


@endpoint(summary="Attach an image to a draft (multipart field 'image': JPEG, PNG or WebP, at most 900 kB and 16.8 "
                  "megapixels; 422 image_too_complex when decoding it would cost far more than its pixels; "
                  "re-encoded without metadata in the decoder threads, kept by the storage adapter; the image it "
                  "replaces is deleted unless another quotation shows it). One budget with profile photos: "
                  "photo_uploads_per_hour image uploads per account (429 with Retry-After beyond); 503 busy with "
                  "Retry-After while the decoders are full.",
          tags=("quotations",), auth="approved", form=IMAGE_FORM,
          responses={200: Quotation, 404: None, 409: None, 413: None, 415: None, 422: None, 429: None, 502: None,
                     503: None})
async def upload_quotation_image(request: Request) -> JSONResponse:
    caller, qid = request.state.caller, _qid(request)
    # Someone else's (or no) quotation is 404 whatever was sent; a sent one is refused before storing anything.
    current = await run(request.app.state.pool, "get_quotation", caller, quotation_id=qid)
    if current["status"] != "draft":
        raise ApiError(409, "quotation_not_editable", "Only a draft can be changed; duplicate it to make a new version.")
    if request.headers.get("content-type", "").split(";")[0].strip().lower() != "multipart/form-data":
        raise ApiError(415, "unsupported_media_type", "Send the image as multipart/form-data.")
    # Every attempt counts (each may cost a decode), in the one budget of the account's image uploads.
    await rate_limit(request, "photo_upload", str(caller.consultant_id))
    async with request.form(max_files=1, max_fields=2, max_part_size=IMAGE_LIMIT + 1) as form:
        upload = form.get("image")
        if not isinstance(upload, UploadFile):
            raise ApiError(422, "missing_field", "Attach the image as the 'image' field.", "image")
        if extra := sorted(set(form.keys()) - {"image"}):  # the document allows no other field
            raise ApiError(422, "unknown_field", f"{extra[0]}: not a field of this form.", extra[0])
        data = await upload.read(IMAGE_LIMIT + 1)
    if len(data) > IMAGE_LIMIT:
        raise ApiError(413, "payload_too_large", "The image must be at most 900 kB.", "image")
    with upload_errors("image"):
        cleaned, content_type, ext = await off_loop(clean_photo, data)
    try:
        url = await request.app.state.storage.put(f"{image_prefix(caller.consultant_id)}{qid}/{uuid.uuid4().hex}.{ext}",
                                                  cleaned, content_type)
    except StorageError as exc:
        raise ApiError(502, "storage_unavailable", "The image could not be stored; try again.", "image") from exc
    try:
        quotation = await change(request, caller, "update_quotation", quotation_id=qid,
                                 patch={"quotation_image_url": url})
    except Exception:
        await forget_images(request, caller.consultant_id, [url])  # sent or deleted meanwhile: nobody shows it
        raise
    return JSONResponse(quotation)


api_routes = [
    Route("/quotations", create_quotation, methods=["POST"], name="create_quotation"),
    Route("/quotations", list_quotations, methods=["GET"], name="list_quotations"),
    Route("/quotations/stats", quotation_stats, methods=["GET"], name="quotation_stats"),
    Route("/quotations/{quotation_id:uuid}", get_quotation, methods=["GET"], name="get_quotation"),
    Route("/quotations/{quotation_id:uuid}", update_quotation, methods=["PATCH"], name="update_quotation"),
    Route("/quotations/{quotation_id:uuid}", delete_quotation, methods=["DELETE"], name="delete_quotation"),
    Route("/quotations/{quotation_id:uuid}/duplicate", duplicate_quotation, methods=["POST"],
          name="duplicate_quotation"),
    Route("/quotations/{quotation_id:uuid}/send", send_quotation, methods=["POST"], name="send_quotation"),
    Route("/quotations/{quotation_id:uuid}/image", upload_quotation_image, methods=["POST"],
          name="upload_quotation_image"),
]

# Test: pytest tests/http/test_quotations.py
