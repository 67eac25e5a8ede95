# tests/e2e/conftest.py — the app served by uvicorn on loopback (fresh database, local gateway), one Chromium per worker, a page per test.
from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from playwright.async_api import Browser, Page, async_playwright

from app.routes import all_routes
from tests.contract_check import contract_hook, contract_of_app
from tests.http.conftest import make_app

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(os.environ.get("E2E_ARTIFACTS", REPO / "test-artifacts" / "e2e"))
# Debian's Chromium, headless, without the background services a test has no use for (FACTS.md).
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    if not os.path.exists(CHROMIUM):  # noqa: ASYNC240 (once per session)
        pytest.fail(f"Chromium is not at {CHROMIUM}: `make test` installs Debian's chromium package")
    async with async_playwright() as pw:
        b = await pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield b
        await b.close()


@pytest.fixture
def site(db, monkeypatch) -> str:
    """The app on a loopback port, as a browser reaches it: the local gateway, links pointing at itself."""
    for name in ("RAZORPAY_KEY_ID", "RAZORPAY_KEY_SECRET", "RAZORPAY_WEBHOOK_SECRET", "RAZORPAY_API_URL"):
        monkeypatch.delenv(name, raising=False)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    monkeypatch.setenv("PUBLIC_BASE_URL", base)
    server = uvicorn.Server(uvicorn.Config(make_app(db, public_base_url=base), host="127.0.0.1", port=port,
                                          log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "the app did not start"
    yield base
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
async def api(site) -> AsyncIterator[httpx.AsyncClient]:
    """Arranges through the API, every answer checked against the OpenAPI document (tests/contract_check.py)."""
    hook = contract_hook(contract_of_app(all_routes(development=False)))
    async with httpx.AsyncClient(base_url=site, timeout=15, event_hooks={"response": [hook]}) as client:
        yield client


async def new_page(browser: Browser, site: str, **context) -> Page:
    ctx = await browser.new_context(base_url=site, locale="en-IN", timezone_id=context.pop("timezone_id", "Asia/Kolkata"),
                                    **context)
    ctx.set_default_timeout(10_000)
    return await ctx.new_page()


@pytest.fixture
async def page(browser, site) -> AsyncIterator[Page]:
    p = await new_page(browser, site)
    yield p
    await p.context.close()


async def shot(page: Page, name: str) -> None:
    """A screenshot of the page as a test artifact (test-artifacts/e2e/, or $E2E_ARTIFACTS)."""
    os.makedirs(ARTIFACTS, exist_ok=True)  # noqa: ASYNC240 (a local directory, once)
    await page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

# Test: pytest tests/e2e/
