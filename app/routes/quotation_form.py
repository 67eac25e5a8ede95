# app/routes/quotation_form.py — the quotation builder's form: its fields and line rows read from a post, checked all at once through the API's schema, every error beside its field.
"""The builder posts the API's fields plus its lines as repeated `item_description`, `item_quantity` and
`item_unit_price` inputs (one per row, in order; a row left blank is no line, so clearing a row removes it without
JavaScript). The body goes through the API's own QuotationBody, but every error is kept (not only the first), keyed
by the form's own names: `items.1.unit_price` is the second row's price input, `expires_at` the date input."""
from __future__ import annotations

import json
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from pydantic import ValidationError
from starlette.datastructures import FormData

from app.routes.quotations import QuotationBody

FIELDS = ("client_id", "client_name", "client_email", "quotation_name", "description", "discount_percentage",
          "validity_period", "expires_on", "notes")
LINE = ("description", "quantity", "unit_price")
# The schema's words for what was left out or mistyped, as the builder says them.
PLAIN = {"missing": "Fill this in.", "too_short": "Add at least one line: a description and a price.",
         "too_long": "A quotation has at most 100 lines.", "string_type": "Fill this in.",
         "extra_forbidden": "This is not a field of the form."}
WHOLE = {"give client_id, or client_name and client_email": (
    "client_name", "Type the client's name and email, or choose an existing client.")}


def read(form: FormData) -> dict:
    """The builder's values as typed: the fields, and the line rows that hold anything."""
    values: dict = {k: str(form.get(k) or "").strip() for k in FIELDS}
    columns = [[str(v).strip() for v in form.getlist(f"item_{name}")] for name in LINE]
    rows = max((len(c) for c in columns), default=0)
    lines = [{name: (columns[i][r] if r < len(columns[i]) else "") for i, name in enumerate(LINE)}
             for r in range(min(rows, 200))]
    values["items"] = [line for line in lines if any(line.values())]
    return values


def body_of(values: dict, tz: str) -> tuple[dict, dict[str, str]]:
    """The API's body from the builder (the expiry date as the end of that day in the consultant's zone), or the
    errors of every field at once."""
    body = {k: v for k, v in values.items() if k not in ("expires_on", "items") and v != ""}
    if values.get("client_id"):
        body.pop("client_name", None)
        body.pop("client_email", None)
    body["items"] = [{k: v for k, v in line.items() if v != ""} for line in values["items"]]
    errors: dict[str, str] = {}
    if not values.get("client_id"):  # said here too: the schema checks it only once every field is valid
        for name, what in (("client_name", "name"), ("client_email", "email")):
            if not values.get(name):
                errors[name] = f"Type the client's {what}, or choose an existing client above."
    if values.get("expires_on"):
        try:
            day = date.fromisoformat(values["expires_on"])
            body["expires_at"] = datetime.combine(day, time(23, 59, 59), ZoneInfo(tz)).isoformat()
        except ValueError:
            errors["expires_on"] = "Give the expiry as a date."
    try:
        QuotationBody.model_validate_json(json.dumps(body))
    except ValidationError as exc:
        for field, message in plain_errors(exc).items():
            errors.setdefault(field, message)
    return body, errors


def plain_errors(exc: ValidationError) -> dict[str, str]:
    """Every error of the schema, by the form's field name, in plain words (the first per field)."""
    errors: dict[str, str] = {}
    for err in exc.errors(include_url=False):
        loc = [str(p) for p in err.get("loc", ())]
        kind, message = err.get("type", ""), err.get("msg", "")
        message = message.removeprefix("Value error, ")
        if message in WHOLE:
            field, message = WHOLE[message]
        else:
            field = ".".join(loc) or ""
            message = PLAIN.get(kind, message)
        field = {"expires_at": "expires_on"}.get(field, field)
        if loc[:1] == ["items"] and len(loc) == 1 and kind not in PLAIN:
            message = PLAIN["too_short"]
        message = message.replace("Input should", "It should", 1)
        errors.setdefault(field, message[:1].upper() + message[1:])
    return errors


def field_of(api_field: str | None) -> str:
    """The builder's input for a field the API or the database named."""
    field = api_field or ""
    return {"expires_at": "expires_on", "client": "client_name", "base_amount": "items"}.get(field, field)


def values_of(q: dict, tz: str) -> dict:
    """A saved quotation as the builder's values."""
    values: dict = {k: "" if q.get(k) is None else str(q[k]) for k in FIELDS if k != "expires_on"}
    values["discount_percentage"] = f"{q['discount_percentage']:g}"  # 12.5, not 12.50 or 12.5000
    values["expires_on"] = (datetime.fromisoformat(q["expires_at"]).astimezone(ZoneInfo(tz)).date().isoformat()
                            if q.get("expires_at") else "")
    values["items"] = [{"description": i["description"], "quantity": i["quantity"], "unit_price": i["unit_price"]}
                       for i in q.get("items", [])]
    return values

# Test: pytest tests/http/test_quotation_pages_forms.py tests/e2e/test_quotation_items.py
