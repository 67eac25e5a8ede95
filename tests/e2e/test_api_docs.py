# tests/e2e/test_api_docs.py — /api/docs in Chromium: Swagger UI renders the OpenAPI 3.1 document, and "Authorize" with a bearer token makes a signed-in call.
from __future__ import annotations

from playwright.async_api import expect

from tests.e2e.conftest import new_page, shot
from tests.http.helpers import signup_consultant


async def test_the_docs_page_renders_every_operation_and_authorizes_a_call(browser, site, api):
    account = await signup_consultant(api, email="docs.reader@example.com")
    document = (await api.get("/api/v1/openapi.json")).json()
    operations = sum(len(item) for item in document["paths"].values())
    for width, height in ((1366, 900), (390, 844)):
        page = await new_page(browser, site, viewport={"width": width, "height": height})
        problems: list[str] = []
        page.on("console", lambda m, seen=problems: seen.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e, seen=problems: seen.append(str(e)))
        await page.goto("/api/docs")
        blocks = page.locator(".opblock")
        # Swagger UI parses and lays out the whole document (over a hundred operations) before the first block
        # shows: on a loaded 2-core machine that passed the default 5 s once in CI, so wait longer (not a timing).
        await expect(blocks.first).to_be_visible(timeout=30_000)
        assert await blocks.count() == operations
        await expect(page.get_by_text("Unable to render this definition")).to_have_count(0)
        await shot(page, f"api-docs-{width}")
        if width == 1366:
            # Authorize with the consultant's token, then call GET /api/v1/consultants/me from the page.
            await page.locator("button.authorize").first.click()
            await page.locator(".modal-ux input").first.fill(account["access_token"])
            await page.locator(".modal-ux button.authorize").click()
            await page.locator(".modal-ux button.btn-done").click()
            operation = page.locator("#operations-profile-get_my_profile")
            await operation.locator(".opblock-summary").click()
            await operation.get_by_role("button", name="Try it out").click()
            await operation.get_by_role("button", name="Execute").click()
            live = operation.locator(".live-responses-table tbody .response-col_status").first
            await expect(live).to_have_text("200")
            await expect(operation.locator(".live-responses-table")).to_contain_text("docs.reader@example.com")
            await shot(page, "api-docs-authorized")
        assert problems == [], problems
        await page.context.close()

# Test: pytest tests/e2e/test_api_docs.py
