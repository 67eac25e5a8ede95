# tests/db/test_worker_role.py — the job worker's own login (nakksha_worker): the worker steps are its alone, and it reaches only what they touch.
"""Issue 17: worker steps (claiming and marking mail, settling refunds, syncing calendars, the sweeps) were security
definer functions granted to the app role, so SQL run as the web app (an injection, a compromised process) could
take them. They are security invoker now, granted to nakksha_worker alone, which the worker logs in as; it works
across tenants by design (a `using (true)` policy per table it touches) and its grants bound what it may do."""
from __future__ import annotations

import uuid

from app.config import ROLE_ADMIN, ROLE_ANALYST, ROLE_APP, ROLE_APP_ADMIN, ROLE_WORKER
from tests.db import factories
from tests.db.assertions import raises_sqlstate

WEB_ROLES = (ROLE_APP, ROLE_APP_ADMIN, ROLE_ADMIN, ROLE_ANALYST)


async def test_the_worker_role_is_no_web_role_and_no_web_role_is_the_worker(owner):
    row = await owner.fetchrow("select rolcanlogin, rolsuper, rolbypassrls, rolcreaterole from pg_roles "
                               "where rolname = $1", ROLE_WORKER)
    assert row["rolcanlogin"] and not (row["rolsuper"] or row["rolbypassrls"] or row["rolcreaterole"])
    members = await owner.fetch("select r.rolname, w.rolname as worker from pg_roles r cross join pg_roles w "
                                "where w.rolname = $1 and r.rolname = any($2::text[]) "
                                "and (pg_has_role(r.oid, w.oid, 'member') or pg_has_role(w.oid, r.oid, 'member'))",
                                ROLE_WORKER, list(WEB_ROLES))
    assert members == [], "the worker role and a web role must not share grants through membership"
    assert await owner.fetchval("select rolconfig from pg_roles where rolname = $1", ROLE_WORKER) == [
        "statement_timeout=5s"]


async def test_no_web_role_may_call_a_worker_step(owner):
    steps = await owner.fetch("""
        select p.oid::regprocedure::text as f from pg_proc p join pg_namespace n on n.oid = p.pronamespace
        where n.nspname = 'api' and has_function_privilege($1, p.oid, 'execute')
          and not has_function_privilege($2, p.oid, 'execute')""", ROLE_WORKER, ROLE_APP)
    names = {r["f"].split("(")[0] for r in steps}
    # The worker's own steps (a sample that must be among them, so the query cannot pass empty).
    assert {"api.worker_claim_email", "api.worker_settle_refund", "api.reconcile_due_payments",
            "api.refresh_views", "api.cancel_runaway_analyst_queries", "api.rematerialise_consultant_slots"} <= names
    leaked = await owner.fetch("""
        select p.oid::regprocedure::text as f, r.role from pg_proc p join pg_namespace n on n.oid = p.pronamespace
        cross join unnest($1::text[]) r(role)
        where n.nspname = 'api' and (p.proname like 'worker\\_%' or p.oid::regprocedure::text = any($2::text[]))
          and has_function_privilege(r.role, p.oid, 'execute')""", list(WEB_ROLES), [r["f"] for r in steps])
    assert leaked == [], f"worker steps a web role may call: {leaked}"


async def test_the_app_role_is_refused_a_worker_step_and_the_worker_takes_it(db, owner):
    consultant = await factories.consultant(owner)
    log_id = await owner.fetchval(
        "insert into app.email_logs (consultant_id, email_type, recipient_email, status) "
        "values ($1, 'booking_confirmation', 'client@example.com', 'queued') returning id", consultant)
    app = await db.connect("app")
    try:
        await raises_sqlstate(app, "42501", "select api.worker_claim_email($1)", log_id)
        await raises_sqlstate(app, "42501", "select api.prune_rate_limits()")
    finally:
        await app.close()
    worker = await db.connect("worker")
    try:
        claimed = await worker.fetchval("select api.worker_claim_email($1)", log_id)
        assert claimed is not None
        await worker.execute("select api.worker_mark_email_sent($1, 'Hello', 'local', $2)", log_id, str(uuid.uuid4()))
    finally:
        await worker.close()
    assert await owner.fetchval("select status from app.email_logs where id = $1", log_id) == "sent"


async def test_the_worker_reaches_no_credentials_and_writes_nothing_it_only_reads(db, owner):
    consultant = await factories.consultant(owner)
    worker = await db.connect("worker")
    try:
        for table in ("refresh_tokens", "refresh_token_families", "one_time_tokens", "admins", "oauth_states",
                      "webhook_events", "admin_audit_log"):
            await raises_sqlstate(worker, "42501", f"select count(*) from app.{table}")
        await raises_sqlstate(worker, "42501", "update app.consultants set email = 'x@example.com' where id = $1",
                              consultant)
        await raises_sqlstate(worker, "42501", "delete from app.sessions")
        # A consultant's row, but not their credentials (an outside review read every password hash with the
        # first grant); what the worker's steps read of it stays readable — since payouts (issue 21) the bank
        # details' ciphertext too, which onboarding sends to Razorpay as the linked account's settlement account.
        for column in ("password_hash", "token_epoch"):
            assert not await owner.fetchval("select has_column_privilege($1, 'app.consultants', $2, 'select')",
                                            ROLE_WORKER, column), column
            await raises_sqlstate(worker, "42501", f"select {column} from app.consultants")
        assert await worker.fetchval("select timezone from app.consultants where id = $1", consultant) is not None
        # It writes only the columns its steps write: never who a row belongs to, an amount or a time.
        for statement in ("update app.payment_transactions set consultant_id = consultant_id",
                          "update app.payment_transactions set amount = amount",
                          "update app.sessions set consultant_id = consultant_id",
                          "update app.sessions set starts_at = starts_at",
                          "update app.quotations set base_amount = base_amount",
                          "update app.calendar_connections set consultant_id = consultant_id"):
            await raises_sqlstate(worker, "42501", statement)
        # The sign-in and booking entry points are the app's, not the worker's.
        await raises_sqlstate(worker, "42501", "select api.consultant_credentials('a@example.com')")
    finally:
        await worker.close()

async def test_the_app_role_reads_the_job_queue_and_cannot_work_it(db, owner):
    """Jobs are queued by the definer functions whose writes cause them and run by the worker: SQL run as the web
    app could otherwise mark queued mails and refunds done, delete them, or register a fake worker so /readyz
    said ready while nothing ran (the outside review found it)."""
    job = await owner.fetchval("insert into procrastinate_jobs (queue_name, task_name, args) "
                               "values ('emails', 'send_email', '{}') returning id")
    boss = await factories.admin(owner)
    for caller in ({}, {"admin_id": boss}):  # the app role, and the admin role it takes for an admin
        async with db.as_caller("app", **caller) as conn:
            assert await conn.fetchval("select count(*) from procrastinate_workers") == 0  # what /readyz reads
            assert await conn.fetchval("select count(*) from procrastinate_jobs") == 1  # the admin system page
            await raises_sqlstate(conn, "42501", "select procrastinate_register_worker_v1()")
            await raises_sqlstate(conn, "42501", "select * from procrastinate_fetch_job_v2('{emails}', null)")
            await raises_sqlstate(conn, "42501", "update procrastinate_jobs set status = 'succeeded' where id = $1",
                                  job)
            await raises_sqlstate(conn, "42501", "delete from procrastinate_jobs where id = $1", job)
            await raises_sqlstate(conn, "42501", "insert into procrastinate_workers default values")
    worker = await db.connect("worker")
    try:
        assert await worker.fetchval("select procrastinate_register_worker_v1()") is not None
    finally:
        await worker.close()


# Test: pytest tests/db/test_worker_role.py tests/meta/test_definer_functions.py
