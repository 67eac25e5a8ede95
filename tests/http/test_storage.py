# tests/http/test_storage.py — the Cloudinary storage adapter: the official SDK against a fake Cloudinary API on loopback.
from __future__ import annotations

import io
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from PIL import Image

from tests.http.conftest import make_app
from tests.http.helpers import PASSWORD, auth, signup_consultant


class FakeCloudinary:
    """Answers POST /v1_1/<cloud>/image/upload like Cloudinary (or fails on demand); records each request."""

    def __init__(self):
        self.requests: list[dict] = []
        self.stored: list[str] = []  # public ids the Admin API lists
        self.pages: list[dict] = []  # else: listings to answer in turn (with next_cursor)
        self.fail = False
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's naming)
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                fake.requests.append({"method": "POST", "path": self.path,
                                      "content_type": self.headers.get("content-type"), "body": body})
                if fake.fail:
                    self.send_response(500)
                    payload = {"error": {"message": "Internal error"}}
                else:  # the public id asked for, delivered as PNG
                    self.send_response(200)
                    found = re.search(rb'name="public_id"\r\n\r\n([^\r]+)\r\n', body)
                    pid = found[1].decode() if found else "x"
                    payload = {"public_id": pid, "secure_url": f"https://res.cloudinary.com/demo/image/upload/v1/{pid}.png"}
                data = json.dumps(payload).encode()
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):  # noqa: N802 — Admin API: list resources by prefix
                fake.requests.append({"method": "GET", "path": self.path})
                self._json(200, fake.pages.pop(0) if fake.pages else
                           {"resources": [{"public_id": pid} for pid in fake.stored]})

            def do_DELETE(self):  # noqa: N802 — Admin API: delete resources
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                fake.requests.append({"method": "DELETE", "path": self.path, "body": body})
                self._json(200, {"deleted": {}})

            def _json(self, status, payload):
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()


@pytest.fixture
def cloudinary_fake(monkeypatch):
    fake = FakeCloudinary()
    monkeypatch.setenv("CLOUDINARY_URL", "cloudinary://123456:abcdef@demo")
    monkeypatch.setenv("CLOUDINARY_UPLOAD_PREFIX", fake.url)
    yield fake
    fake.close()


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (32, 24), (200, 40, 40)).save(out, format="PNG")
    return out.getvalue()


async def test_photos_go_to_cloudinary_when_configured(db, cloudinary_fake):
    application = make_app(db)
    async with application.router.lifespan_context(application), httpx.AsyncClient(
            transport=httpx.ASGITransport(app=application), base_url="http://testserver") as client:
        account = await signup_consultant(client)
        r = await client.post("/api/v1/consultants/me/photo", headers=auth(account["access_token"]),
                              files={"photo": ("me.png", png(), "image/png")})
        assert r.status_code == 200, r.text
        first = r.json()["consultant"]["profile_photo_url"]
        assert re.fullmatch(rf"https://res\.cloudinary\.com/demo/image/upload/v1/photos/{account['consultant']['id']}/"
                            r"[0-9a-f]{32}\.png", first)
        request = cloudinary_fake.requests[0]
        assert (request["method"], request["path"]) == ("POST", "/v1_1/demo/image/upload")
        # A signed upload with our key and the re-encoded PNG, under the consultant's folder.
        assert b'name="api_key"' in request["body"] and b"123456" in request["body"]
        assert b'name="signature"' in request["body"] and b"\x89PNG" in request["body"]
        assert f"photos/{account['consultant']['id']}/".encode() in request["body"]

        # A second upload deletes the photo it replaced through the Admin API, that one only (nothing listed).
        cloudinary_fake.requests.clear()
        r = await client.post("/api/v1/consultants/me/photo", headers=auth(account["access_token"]),
                              files={"photo": ("me.png", png(), "image/png")})
        assert r.status_code == 200 and r.json()["consultant"]["profile_photo_url"] != first
        assert [r["method"] for r in cloudinary_fake.requests] == ["POST", "DELETE"]
        deleted = cloudinary_fake.requests[1]
        assert first.split("/v1/")[1].removesuffix(".png").encode() in deleted["body"] + deleted["path"].encode()

        cloudinary_fake.stored = [f"photos/{account['consultant']['id']}/old", "photos/x"]
        cloudinary_fake.requests.clear()
        r = await client.request("DELETE", "/api/v1/consultants/me", headers=auth(account["access_token"]),
                                 json={"current_password": PASSWORD})
        assert r.status_code == 204, r.text
        deletes = [r for r in cloudinary_fake.requests if r["method"] == "DELETE"]
        assert deletes and b"old" in deletes[0]["body"] + deletes[0]["path"].encode()

        account = await signup_consultant(client)
        cloudinary_fake.fail = True
        failed = await client.post("/api/v1/consultants/me/photo", headers=auth(account["access_token"]),
                                   files={"photo": ("me.png", png(), "image/png")})
        assert failed.status_code == 502 and failed.json()["error"]["code"] == "storage_unavailable"
        me = await client.get("/api/v1/consultants/me", headers=auth(account["access_token"]))
        assert me.json()["consultant"]["profile_photo_url"] is None  # nothing half-written

# Test: pytest tests/http/test_storage.py
