# app/routes/form_errors.py — the one turn of an API error into what a form shows: {form field: a plain sentence}, every problem at once.
"""A schema reports every field it refuses (`ApiError.details`, app/validation.py); the database reports one
(`ApiError.field`, app/errors.py). `field_errors(err, rename)` gives them as `{input name: sentence}` in words
a consultant understands: never a dotted path, never pydantic's own text ("Input should be …", "Value error,
…"). A problem with no field of its own is under "" (the summary shows it without a link). The sentences
say what to do, in the units the form asks in (years, hours), whatever the API stores (months, minutes).
Templates show the result with the macros in app/templates/_form.html."""
from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from app.errors import ApiError

# What a field is called in a sentence of its own ("First name can be at most …").
LABELS = {
    "first_name": "First name", "last_name": "Last name", "consultancy_sector": "Field of consulting",
    "description": "About you", "experience_years": "Experience", "personal_session_title": "One-to-one title",
    "personal_session_price": "One-to-one price", "webinar_session_title": "Webinar title",
    "webinar_session_price": "Webinar price", "instagram_url": "Instagram", "linkedin_url": "LinkedIn",
    "twitter_url": "X (Twitter)", "phone_country_code": "Country code", "phone_number": "Mobile number",
    "timezone": "Time zone", "slug": "Page address", "photo": "Photo", "session_type": "Type of session",
    "weekday": "Days", "start_time": "Start time", "end_time": "End time", "slot_minutes": "Slot length",
    "capacity": "Seats", "valid_from": "From date", "valid_until": "Until date", "date": "Date",
    "start_date": "Date", "end_date": "To", "reason": "Reason", "min_notice_hours": "Minimum notice",
    "max_days_ahead": "How far ahead", "buffer_minutes": "Buffer", "hold_minutes": "Payment hold",
    "client_cutoff_hours": "Cut-off for changes", "max_reschedules": "Reschedules allowed",
    "refund_ladder": "Refunds", "bank_name": "Bank name", "account_number": "Account number",
    "account_number_confirm": "Account number again", "ifsc_code": "IFSC", "default_meeting_platform": "Default platform",
    "zoom_link": "Zoom link", "meet_link": "Google Meet link", "teams_link": "Microsoft Teams link",
    "current_password": "Current password", "new_password": "New password", "password": "Password",
    "new_password_confirm": "New password again", "confirm_email": "Email address", "email": "Email address",
    "client_name": "Client's name", "client_email": "Client's email", "client_phone": "Client's mobile",
    "name": "Name", "phone": "Mobile number", "notes": "Notes", "amount": "Amount", "duration": "Length",
    "subject": "Subject", "html_body": "HTML body", "text_body": "Text body", "role": "Role",
}

# What an empty required field asks for.
MISSING = {
    "email": "Enter an email address, like name@example.com.", "password": "Enter your password.",
    "first_name": "Enter your first name.", "last_name": "Enter your last name.",
    "phone_country_code": "Enter the country code, like +91.",
    "phone_number": "Enter your mobile number, without the country code.",
    "current_password": "Enter your current password.", "new_password": "Choose a new password.",
    "slug": "Choose a page address, like asha-verma.", "client_name": "Enter the client's name.",
    "client_email": "Enter the client's email address, like name@example.com.", "name": "Enter the name.",
    "slot_id": "Choose one of your free slots.", "start_date": "Choose a date.", "start_time": "Choose a start time.",
    "duration": "Enter the length in minutes.", "client_id": "Choose a client.", "when": "Choose when: a free slot "
    "or another date and time.", "client_mode": "Choose an existing client or add a new one.",
    "subject": "Enter a subject.", "html_body": "Enter the HTML body.", "text_body": "Enter the plain-text body.",
    "token": "This link is not complete. Open the link from the email again, or ask for a new one.",
}

# What a field takes, said once: shown for any way the value is refused (a type, a range, a pattern).
RULES = {
    "email": "Enter an email address like name@example.com.",
    "client_email": "Enter the client's email address, like name@example.com.",
    "first_name": "First name can be at most 100 characters.", "last_name": "Last name can be at most 100 characters.",
    "phone_country_code": "Enter the country code as + and 1 to 4 digits, like +91.",
    "phone_number": "Enter a mobile number of 6 to 14 digits, without the country code.",
    "phone": "Enter a phone number of 6 to 15 digits; a leading +, spaces and hyphens are fine.",
    "client_phone": "Enter a phone number of 6 to 15 digits; a leading +, spaces and hyphens are fine.",
    "slug": "Page address can use lowercase letters, digits and single hyphens (not at the start or end), "
            "3–60 characters, like asha-verma.",
    "experience_years": "Experience must be a number of years from 0 to 100, like 7 or 2.5.",
    "personal_session_price": "Enter the price in rupees, like 1499 or 1499.50; 0 for free.",
    "webinar_session_price": "Enter the price in rupees, like 1499 or 1499.50; 0 for free.",
    "amount": "Enter the amount in rupees, like 1499 or 1499.50; 0 for free.",
    "linkedin_url": "Enter your LinkedIn link, like https://www.linkedin.com/in/your-name.",
    "instagram_url": "Enter your Instagram link, like https://www.instagram.com/your-name.",
    "twitter_url": "Enter your X link, like https://x.com/your-name (twitter.com links work too).",
    "zoom_link": "Enter your Zoom link, like https://zoom.us/j/1234567890.",
    "meet_link": "Enter your Google Meet link, like https://meet.google.com/abc-defg-hij.",
    "teams_link": "Enter your Teams link, starting https://teams.microsoft.com/ or https://teams.live.com/.",
    "timezone": "Choose a time zone from the list.",
    "default_meeting_platform": "Choose Zoom, Google Meet or Microsoft Teams.",
    "min_notice_hours": "Minimum notice must be between 0 and 720 hours (30 days); minutes from 0 to 59.",
    "max_days_ahead": "How far ahead must be a whole number of days, from 1 to 365.",
    "buffer_minutes": "Buffer must be a whole number of minutes, from 0 to 240.",
    "hold_minutes": "Payment hold must be a whole number of minutes from 5 to 120, or empty for the platform default.",
    "client_cutoff_hours": "Cut-off for changes must be a whole number of hours, from 0 to 720 (30 days).",
    "max_reschedules": "Reschedules allowed must be a whole number, from 0 to 20.",
    "refund_N_hours": "Hours before must be a whole number from 0 to 8760 (a year).",
    "refund_N_percent": "Refund must be a whole percentage, from 0 to 100.",
    "bank_name": "Enter the bank's name, 2 to 200 characters.",
    "account_number": "Enter the account number: 9 to 18 digits (spaces are fine).",
    "ifsc_code": "Enter the IFSC: 11 characters, like HDFC0001234 — four letters, a zero, then six letters or digits.",
    "slot_id": "Choose one of your free slots.", "client_id": "Choose one of your clients.",
    "session_type": "Choose one-to-one or webinar.", "payment_method": "Choose how the client paid: cash, bank "
    "transfer or UPI.", "payment_status": "Choose whether the client has paid.",
    "duration": "Enter the length in whole minutes, from 5 to 600.",
    "start_time": "Enter a time like 09:30.", "end_time": "Enter a time like 17:30.",
    "role": "Choose admin or super admin.",
    # The admin's platform settings.
    "plans": "Keep 1 to 10 plans. Each has a code (a lowercase letter, then lowercase letters, digits or underscores, "
             "up to 30), a name (up to 60 characters) and a price per month in rupees from 0 to 10,00,000, at most "
             "two decimals, like 499 or 499.50.",
    "support_email": "Enter the support email address, like support@example.com.",
    "platform_name": "Enter the platform's name, 1 to 100 characters.",
}

# The schemas' whole-form checks, in words, and the input each concerns.
WHOLE_FORM = {
    "end_time must be after start_time": ("The end time must be after the start time.", "end_time"),
    "the window is shorter than one slot": ("From start to end is shorter than one slot.", "slot_minutes"),
    "valid_until must not be before valid_from": ("The until date must not be before the from date.", "valid_until"),
    "ends_at must be after starts_at": ("The end must be after the start.", "end_time"),
    "give either client_id or client": ("Choose an existing client or add a new one.", "client_mode"),
    "give slot_id, or session_type with starts_at and ends_at": ("Choose a free slot or another date and time.",
                                                                 "when"),
    "refund_ladder steps must go from most hours before to fewest, refunds not increasing": (
        "Refund rows go from the most hours before to the fewest, and the refund must not rise from one row "
        "to the next.", "refund_ladder"),
}

# Error types whose message is already the app's own words for a person (app/schemas.py's custom errors).
OWN_WORDS = {"weak_password", "amount_below_minimum"}
# Words that mark pydantic's (or the JSON schema's) own text, never shown as they are.
PYDANTIC = re.compile(r"^(Input should|String should|Value should|Field required|Extra inputs|Decimal input|Invalid|"
                      r"value is not|List should|Object has|Dictionary should|Unable to|URL|Tuple should|Date should|"
                      r"Datetime should|Timezone)")
# In a schema's message, a snake_case name is a field path too (the app's own messages may name a template variable).
MACHINE = re.compile(PYDANTIC.pattern + "|_")

Rename = Mapping[str, str] | Callable[[str], str | None]


def label(field: str) -> str:
    return LABELS.get(field) or field.replace("_", " ").capitalize()


def _rule_key(field: str) -> str:
    return re.sub(r"_\d+_", "_N_", field)


def _sentence(text: str) -> str:
    text = text.strip()
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "?", "!")) else text + "."


# The database's generic answers (app/errors.py's SQLSTATE table): the field's rule says more.
GENERIC = {"invalid_value", "out_of_range", "too_long", "invalid_input", "validation_error"}


def plain(field: str | None, kind: str, message: str, ctx: Mapping | None = None, schema: bool = True) -> str:
    """One problem in words, for the input it concerns. A schema's problem is said by the field's rule; the
    database's or the page's own (schema=False) keeps its words, which say more than the rule ("This page
    address is taken.")."""
    ctx = ctx or {}
    if not schema and kind not in GENERIC and not PYDANTIC.search(message) and message != "This cannot be left empty.":
        return _sentence(message)  # the database's or the page's own words
    if field and (kind in ("missing", "missing_field") or (kind == "string_too_short" and ctx.get("min") == 1)
                  or message in ("Field required", "This cannot be left empty.")):
        return MISSING.get(field) or RULES.get(_rule_key(field)) or f"Fill in {label(field).lower()}."
    if kind in OWN_WORDS:
        length = re.fullmatch(r"Use at (least|most) (\d+) characters\.?", message)
        if field and length:  # beside the field and in the summary alike, it says which field
            return f"{label(field)} must have at {length[1]} {length[2]} characters."
        return _sentence(message)
    if field and _rule_key(field) in RULES and (schema or kind in GENERIC or PYDANTIC.search(message)):
        step = re.fullmatch(r"refund_(\d+)_\w+", field)
        return (f"Step {int(step[1]) + 1}: " if step else "") + RULES[_rule_key(field)]
    if field and kind == "string_too_long" and ctx.get("max_length", ctx.get("max")):
        return f"{label(field)} can be at most {ctx.get('max_length', ctx.get('max')):,} characters."
    if not (MACHINE if schema else PYDANTIC).search(message):
        return _sentence(message)  # the app's own words (a custom check, the database's detail)
    return f"Check {label(field).lower()}." if field else "Check the form and try again."


def _renamed(field: str | None, rename: Rename | None) -> str | None:
    if not field:
        return None
    if callable(rename):
        found = rename(field)
        if found is not None:
            return found
    elif rename and field in rename:
        return rename[field]
    return field.replace(".", "_")


def field_errors(err: ApiError, rename: Rename | None = None, order: list[str] | None = None) -> dict[str, str]:
    """Every problem `err` reports as {input name: sentence}, the first per input; one with no input of its
    own under "", first. In the order of `order` (the posted form's names: a browser sends them in the page's
    order, so the summary reads top to bottom), else as found."""
    found: dict[str, str] = {}
    problems = err.details or [{"field": err.field, "type": err.code, "message": err.message, "ctx": {},
                                "own": True}]
    for problem in problems:
        message = problem["message"]
        if problem["field"] and message.startswith(problem["field"] + ": "):  # "name: what is wrong"
            message = message[len(problem["field"]) + 2:]
        if message in WHOLE_FORM:
            message, field = WHOLE_FORM[message]
            found.setdefault(field, message)
            continue
        field = _renamed(problem["field"], rename)
        found.setdefault(field or "", plain(field, problem["type"], message, problem.get("ctx"),
                                                   not problem.get("own")))
    if order:
        place = {name: i for i, name in enumerate(order)}
        found = dict(sorted(found.items(), key=lambda kv: -1 if not kv[0] else place.get(kv[0], len(place))))
    return found

class Problems:
    """A form's problems gathered before it is sent on, so a page can report its own checks (a choice not made,
    a date not given) together with the schema's: add them, run the parse through `check`, then `raise_any`."""

    def __init__(self) -> None:
        self.items: list[dict] = []

    def add(self, field: str | None, message: str, kind: str = "validation_error") -> None:
        self.items.append({"field": field, "type": kind, "message": message, "ctx": {}, "own": True})

    def check(self, fn: Callable, *args, **kwargs):
        """fn's result, or None with its problems kept."""
        try:
            return fn(*args, **kwargs)
        except ApiError as err:
            self.items += err.details or [{"field": err.field, "type": err.code, "message": err.message, "ctx": {},
                                           "own": True}]
            return None

    def raise_any(self) -> None:
        if self.items:
            first = self.items[0]
            raise ApiError(422, "missing_field" if first["type"] == "missing" else "validation_error",
                           first["message"], first["field"], details=self.items)


# Test: pytest tests/http/test_form_errors.py
