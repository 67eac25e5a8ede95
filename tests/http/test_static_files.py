# tests/http/test_static_files.py — static files: the favicon, fingerprinted URLs cached for a year, the plain names still served briefly, gzip for text.
from __future__ import annotations

import io
import re

from PIL import Image

from app.static_files import IMMUTABLE, SHORT, STATIC_DIR, static_url

HTML = {"accept": "text/html"}


async def test_the_favicon_is_served_and_linked_from_every_page(client):
    r = await client.get("/favicon.ico")
    assert r.status_code == 200 and r.headers["content-type"] == "image/x-icon"
    icon = Image.open(io.BytesIO(r.content))
    assert icon.format == "ICO" and {(16, 16), (32, 32)} <= set(icon.info["sizes"])
    assert "max-age" in r.headers["cache-control"]
    page = (await client.get("/auth/login", headers=HTML)).text
    svg = static_url("favicon.svg")
    assert '<link rel="icon" href="/favicon.ico"' in page and f'<link rel="icon" href="{svg}" type="image/svg+xml">' in page
    r = await client.get(svg)
    assert r.status_code == 200 and r.headers["content-type"].startswith("image/svg+xml")


async def test_pages_link_fingerprinted_files_cached_for_a_year(client):
    page = (await client.get("/auth/login", headers=HTML)).text
    assert '"/static/app.css"' not in page
    url = re.search(r'<link rel="stylesheet" href="(/static/app\.[0-9a-f]{12}\.css)">', page)[1]
    assert url == static_url("app.css")
    r = await client.get(url)
    assert r.status_code == 200 and r.headers["cache-control"] == IMMUTABLE == "public, max-age=31536000, immutable"
    assert r.content == (STATIC_DIR / "app.css").read_bytes()
    assert r.headers["content-type"].startswith("text/css")
    # A revalidation (no browser should need one, but proxies do) answers 304 and keeps the long cache.
    again = await client.get(url, headers={"if-none-match": r.headers["etag"]})
    assert again.status_code == 304 and again.headers["cache-control"] == IMMUTABLE


async def test_old_names_are_still_served_with_a_short_cache(client):
    for old in ("/static/app.css", "/static/app.000000000000.css"):  # unfingerprinted; a fingerprint of the past
        r = await client.get(old)
        assert r.status_code == 200, old
        assert r.headers["cache-control"] == SHORT and "immutable" not in SHORT
        assert r.content == (STATIC_DIR / "app.css").read_bytes()
    assert (await client.get("/static/nothing.0123456789ab.css")).status_code == 404
    assert (await client.get("/static/../main.py")).status_code == 404


async def test_text_is_gzipped_for_browsers_that_accept_it(client):
    url = static_url("app.css")
    r = await client.get(url, headers={"accept-encoding": "gzip"})
    assert r.headers.get("content-encoding") == "gzip"
    assert int(r.headers["content-length"]) < (STATIC_DIR / "app.css").stat().st_size / 2
    assert r.content == (STATIC_DIR / "app.css").read_bytes()  # httpx undoes it: the same file
    assert r.headers["cache-control"] == IMMUTABLE and "accept-encoding" in r.headers["vary"].lower()
    plain = await client.get(url, headers={"accept-encoding": "identity"})
    assert "content-encoding" not in plain.headers


def test_a_changed_file_gets_a_new_url(tmp_path, monkeypatch):
    from app import static_files

    (tmp_path / "x.css").write_text("a { color: red }")
    monkeypatch.setattr(static_files, "STATIC_DIR", tmp_path)
    first = static_files.static_url("x.css")
    assert re.fullmatch(r"/static/x\.[0-9a-f]{12}\.css", first)
    (tmp_path / "x.css").write_text("a { color: blue; }")
    assert static_files.static_url("x.css") != first

# Test: pytest tests/http/test_static_files.py
