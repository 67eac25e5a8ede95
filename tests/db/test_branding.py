# tests/db/test_branding.py — the plan's remove_branding switch: "Powered by Nakksha" on the public page and on mails to clients, and gone when the plan in force removes it (and back when it lapses).
from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from app.email_samples import sample
from app.emails import in_layout, render
from tests.db import factories
from tests.db.test_plans import set_plan

CLIENT_MAILS = ("session_confirmation", "session_reminder", "session_cancelled_client", "session_rescheduled",
                "refund_processed", "quotation_received", "quotation_paid")


async def claimed_branding(db, owner, cid, email_type: str) -> str:
    log_id = await owner.fetchval(
        "select app_private.queue_email($1, 'client@example.com', 'Asha', '{}'::jsonb, $2, null, null)", email_type, cid)
    worker = await db.connect("worker")
    try:
        async with worker.transaction():
            return json.loads(await worker.fetchval("select api.worker_claim_email($1)", log_id))["branding"]
    finally:
        await worker.close()


async def public_branded(db, slug: str) -> bool:
    app = await db.connect("app")
    try:
        return json.loads(await app.fetchval("select api.public_consultant($1)", slug))["branded"]
    finally:
        await app.close()


async def test_client_mails_and_the_page_carry_nakksha_unless_the_plan_removes_it(db, owner):
    slug = "brand-" + datetime.now(UTC).strftime("%H%M%S%f")
    cid = await factories.consultant(owner, slug=slug, published_at=datetime.now(UTC))
    # Free: the page says "Powered by Nakksha", a client's mail too, the consultant's own mails are Nakksha's.
    assert await public_branded(db, slug) is True
    assert await claimed_branding(db, owner, cid, "session_confirmation") == "powered_by"
    assert await claimed_branding(db, owner, cid, "session_booked") == "nakksha"  # to the consultant
    # Pro removes it from both; the consultant's own notices stay Nakksha's.
    await set_plan(owner, cid, "pro", datetime.now(UTC) + timedelta(days=30))
    assert await public_branded(db, slug) is False
    for email_type in CLIENT_MAILS:
        assert await claimed_branding(db, owner, cid, email_type) == "none", email_type
    assert await claimed_branding(db, owner, cid, "quotation_viewed") == "nakksha"
    # Lapsed: the free plan's branding is back (the plan in force decides, not the plan once bought).
    await set_plan(owner, cid, "pro", datetime.now(UTC) - timedelta(minutes=1))
    assert await public_branded(db, slug) is True
    assert await claimed_branding(db, owner, cid, "session_reminder") == "powered_by"


def test_the_mail_layout_and_signature_follow_the_branding():
    for email_type in CLIENT_MAILS:
        data = sample(email_type)
        plain = render(email_type, {**data, "branding": "none"})
        assert "Nakksha" not in plain.html and "Nakksha" not in plain.text, email_type
        assert data["consultant_name"] in plain.text.splitlines()[-1] or data["consultant_name"] in plain.text
        powered = render(email_type, {**data, "branding": "powered_by"})
        assert "Powered by Nakksha" in powered.html and powered.text.rstrip().endswith("— Nakksha"), email_type
    # The platform's own mails (the default) keep their wording.
    own = render("account_approved", sample("account_approved"))
    assert "because of an action on Nakksha" in own.html and "Powered by" not in own.html
    # An admin's override is framed and signed the same way.
    framed = in_layout("<p>Hi</p>", "Hello", {"branding": "none", "consultant_name": "Dr Rao"})
    assert "Nakksha" not in framed and "with Dr Rao" in framed


async def test_the_worker_signs_a_client_mail_as_the_plan_says(db, owner):
    from app.sql import _init_connection
    from tests.jobs.test_outbox import run_worker

    await _init_connection(owner)
    cid = await factories.consultant(owner)
    await set_plan(owner, cid, "pro", datetime.now(UTC) + timedelta(days=30))
    data = sample("session_reminder")
    await owner.fetchval("select app_private.queue_email('session_reminder', 'client@example.com', 'Asha', $1, $2, "
                         "null, null)", data, cid)
    await run_worker(db)
    sent = await owner.fetchrow("select html_body, text_body from app.email_outbox")
    assert "Nakksha" not in sent["html_body"] and "Nakksha" not in sent["text_body"]
    assert sent["text_body"].rstrip().endswith("— " + data["consultant_name"])

# Test: pytest tests/db/test_branding.py
