# tests/http/conftest.py — the app, with its lifespan, on a fresh database, driven through httpx's ASGI transport.
"""With NAKKSHA_TEST_PGBOUNCER=1 (a second run in `make test`) every app made here sends its queries through
a PgBouncer in transaction mode started for the session (DATABASE_POOLER_URL, statement cache off), while
its LISTEN connection stays direct, as in production behind PgBouncer."""
from __future__ import annotations

import os
import re
from collections.abc import AsyncIterator

import httpx
import pytest
from starlette.applications import Starlette

from app.config import ROLE_APP, Settings
from app.database import role_url
from app.main import create_app
from tests.conftest import TEST_DATA_DIR
from tests.contract_check import contract_hook, contract_of_app

THROUGH_PGBOUNCER = os.environ.get("NAKKSHA_TEST_PGBOUNCER", "") not in ("", "0")
_bouncer = None  # the session's PgBouncer, when THROUGH_PGBOUNCER


def make_app(db, **overrides) -> Starlette:
    overrides.setdefault("env", "test")
    overrides.setdefault("data_dir", TEST_DATA_DIR)
    if _bouncer is not None:
        overrides.setdefault("pooler_url", _bouncer.url(role_url(db.admin_url, ROLE_APP)))
    settings = Settings.from_env({}, database_url=db.admin_url, **overrides)
    return create_app(settings)


# Tests whose premise does not hold through PgBouncer, with the reason and where the behaviour is covered.
NOT_THROUGH_PGBOUNCER = {
    "test_health.py::test_database_outage_is_503_and_the_pool_recovers":
        "PgBouncer 1.18 turns away the first clients after its server logins failed (server_login_retry) until "
        "a new login succeeds, so readiness returns a request later; tests/scaling/test_pgbouncer.py checks "
        "recovery through it",
}


# The PgBouncer pass is for the API (issue 10: "the API tests run through it"): its point is the pooled path —
# transaction-local caller settings, no prepared statements, LISTEN kept direct — which every API test's queries take.
# Pages (HTML over the same named queries and the same pool), PDFs, the adapters against their fakes and pure-Python
# modules add minutes to make test and nothing about the pooler, so that pass leaves them out (deselected, not
# skipped). `PGBOUNCER_ALL=1 make test-pgbouncer` runs every module through it.
NOT_API = re.compile(r"(_pages?|^test_pages|^test_charts|^test_form_errors|^test_static_files|^test_document_pdfs"
                     r"|^test_routing|^test_indexed_router|^test_jsonio|_adapter)\.py$")


def pytest_collection_modifyitems(config, items):
    if not THROUGH_PGBOUNCER:
        return
    if os.environ.get("PGBOUNCER_ALL", "") in ("", "0"):
        api = [i for i in items if not NOT_API.search(i.path.name)]
        if len(api) < len(items):
            config.hook.pytest_deselected(items=[i for i in items if NOT_API.search(i.path.name)])
            items[:] = api
    for item in items:
        reason = NOT_THROUGH_PGBOUNCER.get(item.nodeid.split("/")[-1])
        if reason:
            item.add_marker(pytest.mark.skip(reason=f"through PgBouncer: {reason}"))


@pytest.fixture(scope="session", autouse=True)
def pgbouncer(request):
    """The session's PgBouncer in front of the session's server (only with NAKKSHA_TEST_PGBOUNCER=1)."""
    global _bouncer
    if not THROUGH_PGBOUNCER:
        yield None
        return
    from tests.scaling.pgbouncer import available, start_pgbouncer

    if not available():
        pytest.fail("NAKKSHA_TEST_PGBOUNCER=1 needs /usr/sbin/pgbouncer (apt-get install -y pgbouncer)")
    bouncer = start_pgbouncer(request.getfixturevalue("pg_server").server_url)
    _bouncer = bouncer
    try:
        yield bouncer
    finally:
        _bouncer = None
        bouncer.stop()


@pytest.fixture
async def app(db) -> AsyncIterator[Starlette]:
    application = make_app(db)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def client(app) -> AsyncIterator[httpx.AsyncClient]:
    """The app in process; every answer is checked against the OpenAPI document (tests/contract_check.py)."""
    transport = httpx.ASGITransport(app=app)
    hook = contract_hook(contract_of_app(app.routes))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver",
                                 event_hooks={"response": [hook]}) as c:
        yield c

# Test: pytest tests/http/
