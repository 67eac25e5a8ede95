# app/beyond_schema.py — the one list of request rules JSON Schema cannot state, by operation: documented, and the only exemptions from schemathesis's "every schema-valid request is accepted".
"""Everything else a request must satisfy is in the OpenAPI document (lengths, patterns, ranges, enums, required
fields), and tests/fuzz/test_schemathesis.py holds the server to it: a schema-valid request is never refused
with 400/422 — except on the operations below, for exactly these rules. They compare two fields, or need a
secret or the database to judge (a password's strength against the person's own name, a link's token, a
signature). build_document writes each operation's rules into its description and into `x-beyond-schema`
({code, rule}); docs/api.md ("Rules the schema cannot state") is checked against this list."""
from __future__ import annotations

from typing import NamedTuple


class Rule(NamedTuple):
    code: str   # the error code the answer carries when the rule is broken
    rule: str   # the rule, in words a frontend developer can code against


TO_AFTER_FROM = Rule("validation_error", "When both are given, `to` must be after `from` (422, field `to`).")
PERIOD = Rule("validation_error", "timeframe=custom needs `from` and `to` (422, field `timeframe`); `to` on or after "
                                  "`from`, at most ten years later (422, field `to`).")
STRONG_PASSWORD = Rule("weak_password", "The new password must be neither a common one nor guessable from the "
                                        "person's own name or email (zxcvbn; 422 weak_password).")
LINK_TOKEN = Rule("invalid_token", "The token must be one this server issued, unused and unexpired "
                                   "(400 invalid_token).")
STARTS_ENDS = Rule("validation_error", "`ends_at` must be after `starts_at` (422).")
WINDOW = Rule("validation_error", "`end_time` must be after `start_time`, the window at least `slot_minutes` long, "
                                  "and `valid_until` not before `valid_from` (422).")
CAPACITY = Rule("invalid_capacity", "A `personal` session takes one client: its `capacity` is 1 (422).")
SLOT_LENGTH = Rule("slot_too_short", "`slot_minutes` is at least the `min_slot_minutes` setting (15 by default; "
                                     "422).")
SLOT_BUDGET = Rule("too_many_slots", "All of a consultant's rules together offer at most the `max_future_slots` "
                                     "setting's slots within the booking horizon (422).")
PAYABLE = Rule("amount_below_minimum", "The final amount (the lines' sum, `base_amount`, less "
                                       "`discount_percentage`) is 0 or at least 1.00, Razorpay's smallest order "
                                       "(422); a single line may cost less.")
LINES_SUM = Rule("out_of_range", "Each line's amount (quantity × unit price) and the lines' sum are at most "
                                 "99,999,999.99 (422).")
ONE_PRICE = Rule("validation_error", "Give the lines as `items`, or (from before lines, deprecated) one "
                                     "`base_amount`, not both (422).")
# A consultant's session (offline booking or move, ad hoc or into a slot) starts in this window (db/functions/sessions.sql).
SESSION_START = (Rule("session_in_past", "The session starts no earlier than 10 minutes ago (422, field "
                                         "`starts_at`)."),
                 Rule("session_too_far_ahead", "The session starts at most 2 years ahead (422, field `starts_at`)."))
TEMPLATE = Rule("template_invalid", "Each template must compile in the sandbox, use only the variables its email "
                                    "type offers, and render within the size and time limits (422 "
                                    "template_invalid, template_too_large, template_too_slow).")
IMAGE = Rule("unsupported_media_type", "The file must be a JPEG, PNG or WebP image that decodes (415), of at most "
                                      "16.8 megapixels (413 image_too_large) and bounded decoding work (422 "
                                      "image_too_complex).")

BILLING = Rule("validation_error", "`billing`: a GSTIN's check character and its State; a `state_code` consultants "
                                   "supply to (GET /gst-states); a State or GSTIN means `country` IN; a six-digit PIN "
                                   "`postal_code` in India; a paid booking or quotation of a consultant whose "
                                   "`gst_invoice` is true needs `state_code`, `address` and `postal_code` (abroad: "
                                   "`country` and `address`) (422, the field named billing.<field>).")

# An Idempotency-Key names one request: the database remembers which (app.idempotency_keys, 24 hours).
KEY_REUSED = Rule("idempotency_key_reused", "An `Idempotency-Key` answers one request only: sent again within 24 "
                                            "hours with another body (or, for a refund, another payment) it is "
                                            "refused (422 idempotency_key_reused).")

# A keyset list's cursor (app/paging.py): the database judges whether the caller can read the row it names.
CURSOR = Rule("validation_error", "`before` is the `next` of a page of this list: an item you can read (422, field "
                                  "`before`), not an empty page.")

# What the consultant's plan in force allows (app.require_plan; docs/payments.md, "Plans and limits").
WEBINAR_SEATS = Rule("plan_limit", "A webinar's `capacity` is at most the plan's `webinar_seats` (GET "
                                   "/consultants/me/plan); a rule or slot kept over it after a downgrade may be paused, "
                                   "lowered or deleted but not raised or moved (403 plan_limit, field `capacity`).")
QUOTATIONS_A_MONTH = Rule("plan_limit", "At most the plan's `quotations_per_month` quotations are sent in a calendar "
                                        "month of the consultant's time zone (403 plan_limit, naming the plan that "
                                        "allows more).")

CUSTOM_REMINDERS = Rule("plan_limit", "A schedule of your own (`minutes_before` not null) needs a plan that includes "
                                      "`custom_reminders` (GET /consultants/me/plan; 403 plan_limit, field "
                                      "`minutes_before`); null, the platform's schedule, is always allowed.")


def _signed(header: str, secret: str) -> Rule:
    return Rule("invalid_signature", f"{header} must sign the raw body with the {secret} (400 invalid_signature).")


BEYOND_SCHEMA: dict[str, tuple[Rule, ...]] = {
    # Two fields compared, or one of two sets of fields required.
    "public_slots": (TO_AFTER_FROM,),
    "session_calendar": (Rule("validation_error", "Give `month`, or `from` and `to` with `to` after `from` and at "
                                                  "most 62 days later (422)."),),
    "dashboard_metrics": (PERIOD,),
    "dashboard_charts": (PERIOD,),
    "quotation_stats": (PERIOD,),
    "admin_analytics": (PERIOD,),
    "admin_consultant_analytics": (PERIOD,),
    "admin_consultant_charts": (PERIOD,),
    "create_slot": (STARTS_ENDS, CAPACITY, Rule("slot_in_past", "A slot starts in the future (422)."), WEBINAR_SEATS),
    "update_slot": (Rule("invalid_capacity", "A personal slot's `capacity` stays 1 (422)."), WEBINAR_SEATS),
    "create_availability_block": (STARTS_ENDS,),
    "create_availability_rule": (WINDOW, CAPACITY, SLOT_LENGTH, SLOT_BUDGET, WEBINAR_SEATS),
    "update_availability_rule": (WINDOW, CAPACITY, SLOT_LENGTH, SLOT_BUDGET, WEBINAR_SEATS),
    "create_session": (Rule("validation_error", "Give `client_id` or `client` (not both), and `slot_id` or "
                                                "`session_type` with `starts_at` and `ends_at`, `ends_at` after "
                                                "`starts_at` (422)."), *SESSION_START),
    "reschedule_session": (Rule("validation_error", "Give `slot_id`, or `starts_at` and `ends_at` with `ends_at` "
                                                    "after `starts_at` (422)."), *SESSION_START),
    # A secret, a person's own details or the database judges.
    "signup": (STRONG_PASSWORD,),
    "admin_create_admin": (STRONG_PASSWORD,),
    "reset_password": (LINK_TOKEN, STRONG_PASSWORD),
    "change_password": (STRONG_PASSWORD,),
    "verify_email": (LINK_TOKEN,),
    "verify_payment": (Rule("invalid_signature", "`razorpay_signature` must be the HMAC-SHA256 of "
                                                 "`order_id|payment_id` under the gateway's key secret "
                                                 "(400 invalid_signature)."),),
    "payment_webhook": (_signed("X-Razorpay-Signature", "Razorpay webhook secret"),),
    "resend_webhook": (_signed("The svix-id, svix-timestamp and svix-signature headers", "Resend webhook secret"),),
    "create_quotation": (Rule("validation_error", "Give `client_id`, or `client_name` with `client_email` (422)."),
                         ONE_PRICE, LINES_SUM, PAYABLE),
    "update_quotation": (ONE_PRICE, LINES_SUM, PAYABLE),
    "send_quotation": (QUOTATIONS_A_MONTH,),
    "set_my_reminder_schedule": (CUSTOM_REMINDERS,),
    "update_my_profile": (Rule("validation_error", "`cancellation_policy.refund_ladder` runs from most hours before "
                                                   "to fewest, its refunds never rising (422)."),
                          Rule("slug_reserved", "`slug` is not one of the addresses the site uses itself (admin, "
                                                "api, dev, static, …) nor starts with `deleted-` (422)."),
                          SLOT_BUDGET),
    "put_email_template": (TEMPLATE,),
    "preview_email_template": (TEMPLATE,),
    "admin_set_subscription": (Rule("unknown_plan", "`plan` must be one of the plan codes in the `plans` setting "
                                                    "(422 unknown_plan)."),),
    "start_subscription": (Rule("unknown_plan", "`plan` must be one of the plan codes (GET /plans; 422 "
                                                "unknown_plan)."),
                           Rule("free_plan", "`plan` must be a paid plan: the free plan needs no subscription "
                                             "(422 free_plan; DELETE the subscription instead)."),),
    "upload_my_photo": (IMAGE,),
    "upload_quotation_image": (IMAGE,),
    "admin_put_settings": (Rule("validation_error", "Each key must be a known setting and its value of that "
                                                    "setting's type and range (GET /admin/settings lists them; "
                                                    "422)."),),
    # Tax identities (issue 21, docs/gst.md): fields judged together, against the law's check character, the
    # database (a PAN on one account only) and the financial year.
    "set_my_tax_profile": (Rule("validation_error", "A registered scheme needs a GSTIN (its check character, a "
                                                    "State consultants supply from, that State being `state_code`, "
                                                    "and the PAN inside it the consultant's), a legal name and an "
                                                    "address (line, city, PIN); an unregistered one has no GSTIN; a "
                                                    "PAN is on one account only; a letter of undertaking is for the "
                                                    "regular scheme, with its ARN, and runs to this or the next 31 "
                                                    "March; names and addresses hold no control characters (422, "
                                                    "the field named)."),),
    "book_slot": (BILLING, KEY_REUSED),
    "refund_payment": (KEY_REUSED,),
    "public_accept_quotation": (BILLING,),
    # The database judges: what the payment still owes, and the calendar in India.
    "admin_record_hand_payment": (Rule("amount_exceeds_due", "`amount` is at most what the payment still owes the "
                                                             "consultant (`due` in GET /admin/payouts; 422, field "
                                                             "`amount`)."),
                                  Rule("paid_on_in_future", "`paid_on` is not after today in India (422, field "
                                                            "`paid_on`)."),
                                  Rule("invalid_paid_on", "`paid_on` is not before 2024-01-01 (422, field "
                                                          "`paid_on`).")),
    "payouts_ledger": (CURSOR,),
    "payouts_transfers": (CURSOR,),
    "my_documents": (CURSOR,),
    "put_payout_account": (Rule("validation_error", "`accept_terms` submits the details only when the checklist "
                                                    "is complete: a PAN, address and State in the tax profile, a "
                                                    "phone number and bank details (422, the missing field "
                                                    "named); once the linked account exists, `business_type` stays "
                                                    "the one it was opened with (422, business_type named)."),),
}


# Rules of a field type, wherever it is used. Not exemptions: the fuzzer's generator keeps to the first (its
# "email" format draws deliverable addresses); the others concern one character of all Unicode and instants
# within a day of the edges.
EVERYWHERE: tuple[Rule, ...] = (
    Rule("validation_error", "An `email` is an address that can receive mail: ASCII before the @ and not quoted "
                             "(\"x y\"@…), and a public domain, not .test, .invalid, .local, .localhost, .onion "
                             "or .arpa (422)."),
    Rule("invalid_text", "Text cannot hold the NUL character (U+0000), which PostgreSQL cannot store (422, the "
                         "field named)."),
    Rule("validation_error", "An integer is written without a fraction: 60, not 60.0 (422)."),
    Rule("validation_error", "An instant's year is 1970–2200 both as written (the pattern says so) and in UTC: "
                             "2200-12-31T23:00:00-05:00 is already 2201 in UTC and is refused (422)."),
)


def markdown_table() -> str:
    """The list as docs/api.md shows it (a test checks the page holds exactly this)."""
    rows = ["| operation | code | rule |", "| --- | --- | --- |"]
    rows += [f"| `{op}` | `{r.code}` | {r.rule} |" for op, rules in BEYOND_SCHEMA.items() for r in rules]
    rows += [f"| every operation | `{r.code}` | {r.rule} |" for r in EVERYWHERE]
    return "\n".join(rows)


def describe(operation_id: str) -> str:
    """The operation's rules as a paragraph of its description ("" when it has none)."""
    rules = BEYOND_SCHEMA.get(operation_id, ())
    return "" if not rules else "Rules the schema cannot state:\n" + "\n".join(f"- {r.rule}" for r in rules)

# Test: pytest tests/http/test_openapi.py tests/fuzz/test_schemathesis.py
