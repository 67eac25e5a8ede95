# app/static_files.py — the site's static files: fingerprinted URLs for templates (static_url), a year's caching for them, gzip for text.
"""`static_url("app.css")` answers `/static/app.<hash>.css`, the hash being the first 12 hex digits of the file's
SHA-256, so a changed file gets a new URL and a browser may keep each URL for a year (`immutable`). The plain
name (`/static/app.css`, from an old page, a bookmark or an email) is still served, with a short cache, and so is
a fingerprint that no longer matches (a page rendered before a deploy): both revalidate with their ETag. Text
files are gzipped when the browser accepts it (Starlette's GZipMiddleware, text types above 500 bytes)."""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

from starlette.middleware.gzip import GZipMiddleware
from starlette.responses import Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

STATIC_DIR = Path(__file__).parent / "static"
IMMUTABLE = "public, max-age=31536000, immutable"
SHORT = "public, max-age=300, must-revalidate"
FINGERPRINTED = re.compile(r"^(?P<stem>.+)\.(?P<digest>[0-9a-f]{12})(?P<ext>\.[A-Za-z0-9]+)$")
_digests: dict[tuple[str, int, int], str] = {}


def digest(name: str) -> str:
    """The fingerprint of a file under app/static/, recomputed when it changes (size or modification time)."""
    path = STATIC_DIR / name
    st = path.stat()  # a missing file is a template bug: FileNotFoundError, never a broken link
    key = (name, st.st_mtime_ns, st.st_size)
    if key not in _digests:
        _digests[key] = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    return _digests[key]


def static_url(name: str) -> str:
    """The fingerprinted URL of app/static/<name>: static_url("app.css") -> /static/app.3f2a9c0d1e4b.css."""
    stem, dot, ext = name.rpartition(".")
    return f"/static/{stem}.{digest(name)}.{ext}" if dot else f"/static/{name}"


class FingerprintedStatic(StaticFiles):
    """StaticFiles that resolves `name.<digest>.ext` to `name.ext` and says how long each may be cached."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        match = FINGERPRINTED.match(path)
        real = match["stem"] + match["ext"] if match else path
        response = await super().get_response(real, scope)
        if response.status_code in (200, 304):
            current = match is not None and (STATIC_DIR / real).is_file() and digest(real) == match["digest"]
            response.headers["cache-control"] = IMMUTABLE if current else SHORT
        return response


def static_mount() -> Mount:
    return Mount("/static", app=GZipMiddleware(FingerprintedStatic(directory=STATIC_DIR), minimum_size=500),
                 name="static")


# Test: pytest tests/http/test_static_files.py
