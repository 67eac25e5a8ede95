# app/routes/tax.py — a consultant's tax settings: the API (/api/v1/consultants/me/tax-profile, /api/v1/gst-states) and the settings page (/dashboard/settings/tax).
"""Every rule is the SQL's (db/functions/tax_profiles.sql): the schema here only refuses what is not even the
right kind of value, so the API and the page say the same things. The PAN is encrypted here, the only place
that holds the key, and reaches SQL in clear only to be checked; it is never shown back, not even masked in a
form field. A PUT replaces the whole profile, except that an omitted PAN keeps the one on file."""
from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import Field
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from app.crypto import encrypt, keyed_hash
from app.endpoints import endpoint
from app.jsonio import JSONResponse
from app.routes.form_errors import Problems
from app.routes.forms import done_redirect, form_page
from app.schemas import PlausibleDate, matching, trimmed
from app.sql import Caller, run
from app.validation import Answer, Schema, parse_body, parse_form

PAN_PURPOSE = "pan"  # app/crypto.py derives the key per purpose


def _squeezed_upper(value: str) -> str:
    return value.replace(" ", "").upper()


Gstin = matching(r"^ *([0-9A-Za-z] *){15} *$", _squeezed_upper,
                 "15 characters, like 29AAAPL1234C1ZA (spaces are dropped; either case).", 40)
Pan = matching(r"^ *([0-9A-Za-z] *){10} *$", _squeezed_upper, "10 characters, like AAAPL1234C.", 30)
StateCode = matching(r"^[0-9]{2}$", str, "The two-digit GST State code (GET /api/v1/gst-states).", 2)
PinCode = matching(r"^ *[1-9][0-9]{5} *$", str.strip, "Six digits.", 10)
LutReference = matching(r"^ *[0-9A-Za-z]{6,20} *$", _squeezed_upper, "The letter of undertaking's ARN.", 30)


class TaxProfileBody(Schema):
    gst_scheme: Literal["unregistered", "regular", "composition"] = Field(
        description="regular: you issue tax invoices; composition: bills of supply; unregistered: receipts without GST.")
    gstin: Gstin | None = None  # type: ignore[valid-type]
    legal_name: trimmed(200, 2) | None = None  # type: ignore[valid-type]
    state_code: StateCode | None = None  # type: ignore[valid-type]
    address_line1: trimmed(100, 1) | None = None  # type: ignore[valid-type]
    address_line2: trimmed(100) | None = None  # type: ignore[valid-type]
    city: trimmed(100, 1) | None = None  # type: ignore[valid-type]
    postal_code: PinCode | None = None  # type: ignore[valid-type]
    pan: Pan | None = Field(default=None, description="Omit to keep the PAN on file; it is never answered in clear.")  # type: ignore[valid-type]
    lut_reference: LutReference | None = None  # type: ignore[valid-type]
    lut_valid_until: PlausibleDate | None = None


class TaxProfile(Answer):
    gst_scheme: Literal["unregistered", "regular", "composition"]
    gstin: str | None
    legal_name: str | None
    state_code: str | None
    state_name: str | None
    address_line1: str | None
    address_line2: str | None
    city: str | None
    postal_code: str | None
    pan: str | None = Field(description="Masked: XXXXXX and the last four characters.")
    pan_holder: Literal["individual", "huf", "company", "firm", "other"] | None
    lut_reference: str | None
    lut_valid_until: date | None
    document: Literal["tax_invoice", "bill_of_supply", "receipt"] = Field(
        description="What your clients get for a payment: a tax invoice, a bill of supply, or a receipt without GST.")
    tcs_basis_points: int = Field(description="GST TCS withheld from each payment, hundredths of a percent of its "
                                              "taxable value (CGST Act s.52).")
    tds_basis_points: int = Field(description="Income-tax TDS withheld from each payment, hundredths of a percent of "
                                              "it (s.194-O; the higher no-PAN rate without a PAN).")
    tds_threshold_applies: bool = Field(description="A person or HUF with a PAN pays no TDS while this financial "
                                                    "year's gross stays within the threshold.")
    tds_threshold_rupees: int
    updated_at: datetime | None


class GstState(Answer):
    code: str = Field(description="The two-digit GST State code (the first two characters of a GSTIN there).")
    name: str


class GstStates(Answer):
    items: list[GstState]


async def save(request: Request, caller: Caller, body: TaxProfileBody) -> dict:
    profile = body.model_dump(mode="json", exclude={"pan"})
    pan = body.pan
    key = request.app.state.secrets.data_key
    return await run(request.app.state.pool, "set_my_tax_profile", caller, profile=profile, pan=pan,
                     pan_encrypted=encrypt(key, PAN_PURPOSE, pan) if pan else None,
                     pan_hash=keyed_hash(key, PAN_PURPOSE, pan) if pan else None)


@endpoint(named="my_tax_profile", tags=("profile",), auth="readable", responses={200: TaxProfile})
async def get_tax_profile(request: Request) -> JSONResponse:
    # Personal tax data: never kept by a shared cache or the browser's back-forward store.
    return JSONResponse(await run(request.app.state.pool, "my_tax_profile", request.state.caller),
                        headers={"cache-control": "no-store"})


@endpoint(named="set_my_tax_profile", tags=("profile",), auth="consultant", body=TaxProfileBody,
          responses={200: TaxProfile, 403: None})
async def put_tax_profile(request: Request) -> JSONResponse:
    return JSONResponse(await save(request, request.state.caller, await parse_body(request, TaxProfileBody)))


@endpoint(named="gst_states", tags=("public",), responses={200: GstStates})
async def gst_states(request: Request) -> JSONResponse:
    return JSONResponse(await run(request.app.state.pool, "gst_states"))


# --- the settings page ---------------------------------------------------------------------------------

FIELDS = ("gst_scheme", "gstin", "legal_name", "state_code", "address_line1", "address_line2", "city", "postal_code",
          "pan", "lut_reference", "lut_valid_until")


async def _load(request: Request, subject: dict, caller: Caller) -> dict:
    pool = request.app.state.pool
    states = await run(pool, "gst_states")
    return {"tax": await run(pool, "my_tax_profile", caller),
            "state_options": [("", "Choose…")] + [(s["code"], s["name"]) for s in states["items"]]}


@endpoint(summary="Tax settings: GST scheme and GSTIN, legal name, State and address, PAN (never shown back), "
                  "letter of undertaking.", tags=("pages",), auth="consultant", include=False)
async def tax_page(request: Request) -> Response:
    async def submit(form: dict[str, str], subject: dict, caller: Caller) -> Response:
        # An empty field is null (the PAN: keep the one on file); the SQL says what a scheme needs.
        problems = Problems()
        body = problems.check(parse_form, {k: form.get(k, "").strip() for k in FIELDS}, TaxProfileBody)
        problems.raise_any()
        await save(request, caller, body)
        return done_redirect("/tax", "tax")

    response = await form_page(request, "dashboard/settings_tax.html", _load, submit)
    response.headers["cache-control"] = "no-store"
    return response


api_routes = [
    Route("/consultants/me/tax-profile", get_tax_profile, methods=["GET"], name="get_my_tax_profile"),
    Route("/consultants/me/tax-profile", put_tax_profile, methods=["PUT"], name="set_my_tax_profile"),
    Route("/gst-states", gst_states, methods=["GET"], name="gst_states"),
]
dashboard_routes = [Route("/settings/tax", tax_page, methods=["GET", "POST"], name="settings_tax")]

# Test: pytest tests/http/test_tax_profile.py
