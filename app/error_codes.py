# app/error_codes.py — the error codes each operation can answer, by status: what the document lists (x-codes) and the suite holds every answer to.
"""Every error is {"error": {"code", "message", "field"}}; `code` is what a program branches on, so each
operation's responses list the codes they carry. Two parts:

* generic(): the codes of the layers every request passes (the body parser, the schema, the sign-in guard, the
  limiter, the database's availability), by status and by what the operation takes (a body, a token, a level);
* SPECIFIC: what each operation adds (its own conflicts, its own refusals).

tests/contract_check.py fails any answer whose code is not listed here for its operation and status, so a new
code cannot reach a client undocumented while a test exercises it. SPECIFIC began as the codes the whole suite
saw (NAKKSHA_RECORD_CODES=<folder> make test records them again); add a code here with the test that makes it."""
from __future__ import annotations

AUTH_401 = ("unauthorized", "invalid_token", "token_expired")
# A suspended consultant's write to their own row or availability is refused in SQL (consultant_suspended).
LEVEL_403 = {"consultant": ("forbidden", "consultant_suspended"), "approved": ("forbidden", "consultant_not_approved"),
             "readable": ("forbidden", "consultant_not_approved"),
             "admin": ("forbidden",), "super_admin": ("forbidden", "super_admin_required")}


def generic(status: int, *, auth: str, has_body: bool, has_input: bool) -> tuple[str, ...]:
    """The codes any operation of this kind may answer with `status`."""
    if status == 400:  # a Content-Length that is no length; unreadable JSON; a multipart body that is not one
        return ("bad_request", *(("malformed_json", "invalid_input") if has_body else ()))
    if status == 401:
        return AUTH_401 if auth != "public" else ()
    if status == 403:
        return LEVEL_403.get(auth, ())
    if status == 422:
        return ("validation_error", "missing_field", "unknown_field", "out_of_range", "invalid_text") if has_input else ()
    return {404: ("not_found",), 413: ("payload_too_large",), 415: ("unsupported_media_type",),
            429: ("rate_limited",), 503: ("busy", "timeout", "database_unavailable")}.get(status, ())


SPECIFIC: dict[str, dict[int, tuple[str, ...]]] = {
    "admin_create_admin": {409: ("email_taken",), 422: ("weak_password",)},
    "admin_deactivate_admin": {409: ("cannot_deactivate_self",)},
    "admin_login": {401: ("invalid_credentials",)},
    "admin_put_settings": {422: ("unknown_setting",), 409: ("plan_in_use", "in_use")},
    "admin_record_hand_payment": {409: ("not_flagged", "nothing_due", "duplicate_reference"),
                                  422: ("amount_exceeds_due", "paid_on_in_future", "invalid_paid_on")},
    "admin_refresh": {401: ("invalid_refresh_token",)},
    "put_payout_account": {409: ("payout_account_in_progress",)},
    "start_subscription": {409: ("already_subscribed", "subscription_in_progress"), 422: ("unknown_plan", "free_plan"),
                           502: ("payment_gateway_unavailable",)},
    "cancel_subscription": {502: ("payment_gateway_unavailable",)},
    "admin_set_subscription": {422: ("unknown_plan",)},
    "approve_consultant": {409: ("email_unverified", "invalid_transition")},
    "book_slot": {400: ("invalid_idempotency_key",), 409: ("slot_full", "slot_taken", "idempotency_key_in_use"),
                  422: ("idempotency_key_reused",), 502: ("payment_gateway_unavailable",)},
    "cancel_session": {409: ("invalid_transition",)},
    "change_password": {400: ("wrong_password",), 422: ("weak_password",)},
    "complete_session": {409: ("session_not_started",)},
    "confirm_session": {409: ("payment_required",)},
    "connect_integration": {409: ("calendar_not_configured",)},
    "create_availability_rule": {403: ("plan_limit",), 422: ("invalid_capacity", "slot_too_short", "too_many_slots")},
    "update_availability_rule": {403: ("plan_limit",), 422: ("invalid_capacity", "slot_too_short", "too_many_slots")},
    "create_client": {409: ("client_exists",)},
    "create_quotation": {404: ("client_not_found",), 422: ("amount_below_minimum",)},
    "create_session": {404: ("client_not_found",), 409: ("slot_taken",),
                       422: ("session_in_past", "session_too_far_ahead")},
    "create_slot": {403: ("plan_limit",), 409: ("slot_exists",), 422: ("invalid_capacity", "slot_in_past")},
    "delete_my_account": {403: ("wrong_password",)},
    "delete_quotation": {409: ("quotation_not_editable",)},
    "delete_slot": {409: ("slot_booked",)},
    "export_my_data": {403: ("wrong_password",)},
    "login": {401: ("invalid_credentials",)},
    "payment_webhook": {400: ("invalid_payload", "invalid_signature", "malformed_json"),
                        422: ("out_of_range", "invalid_text")},
    "preview_email_template": {422: ("template_invalid", "template_too_large", "template_too_slow")},
    "public_accept_quotation": {409: ("invalid_transition", "quotation_expired", "quotation_already_paid"), 502: ("payment_gateway_unavailable",)},
    "public_cancel_booking": {409: ("cancellation_window_closed", "invalid_transition")},
    "public_reject_quotation": {409: ("invalid_transition", "quotation_expired")},
    "public_reschedule_booking": {409: ("reschedule_not_allowed", "slot_taken", "slot_full")},
    "put_email_template": {422: ("template_invalid", "template_too_large", "template_too_slow")},
    "reactivate_consultant": {409: ("invalid_transition",)},
    "readyz": {503: ("migrations_pending", "no_worker")},
    "refresh": {401: ("invalid_refresh_token",)},
    "refund_payment": {400: ("invalid_idempotency_key",), 409: ("payment_not_refundable", "refund_exceeds_remaining"),
                       422: ("idempotency_key_reused",)},
    "reject_consultant": {409: ("invalid_transition",), 422: ("reason_required",)},
    "reschedule_session": {422: ("session_in_past", "session_too_far_ahead")},
    "resend_verification": {409: ("already_verified",)},
    "resend_webhook": {400: ("invalid_payload", "invalid_signature", "malformed_json"), 404: ("email_not_found",),
                       422: ("out_of_range", "invalid_text")},
    "reset_password": {400: ("invalid_token",), 422: ("weak_password",)},
    # A plan's limit (app.require_plan: NK403 plan_limit, naming the plan that lifts it).
    "set_my_reminder_schedule": {403: ("plan_limit",)},
    "send_quotation": {403: ("plan_limit",), 409: ("invalid_transition",), 422: ("quotation_expired",)},
    "signup": {409: ("email_taken",), 422: ("weak_password",)},
    "suspend_consultant": {409: ("invalid_transition",), 422: ("reason_required",)},
    "publish_my_page": {403: ("consultant_not_approved", "consultant_suspended"), 409: ("setup_incomplete",)},
    "update_my_profile": {409: ("slug_taken",), 422: ("slug_reserved", "too_many_slots", "amount_below_minimum")},
    "update_quotation": {409: ("quotation_not_editable",), 422: ("amount_below_minimum",)},
    "update_slot": {403: ("plan_limit",), 409: ("slot_booked", "slot_full"), 422: ("invalid_value", "invalid_capacity")},
    "upload_my_photo": {413: ("image_too_large",), 422: ("image_too_complex",), 502: ("storage_unavailable",),
                        503: ("shutting_down",)},
    "upload_quotation_image": {409: ("quotation_not_editable",), 413: ("image_too_large",),
                               422: ("image_too_complex",), 502: ("storage_unavailable",), 503: ("shutting_down",)},
    "verify_email": {400: ("invalid_token",)},
    "verify_payment": {400: ("invalid_signature",), 402: ("payment_failed",)},
}


def codes(operation_id: str, status: int, *, auth: str, has_body: bool, has_input: bool) -> list[str]:
    """Every code operation_id may answer with `status`, generic first."""
    own = SPECIFIC.get(operation_id, {}).get(status, ())
    return list(dict.fromkeys((*generic(status, auth=auth, has_body=has_body, has_input=has_input), *own)))

# Test: pytest tests/meta/test_contract.py tests/http/test_openapi.py
