# tests/fake_calendar.py — fake Google (OAuth, Calendar, Meet, free/busy) and Microsoft (identity, Graph events, Teams, schedule) on loopback.
"""One stdlib HTTP server on 127.0.0.1 with both providers under /google and /microsoft, stateful enough to
catch real mistakes: authorisation codes are single-use and bound to the redirect URI and the PKCE
challenge; access tokens expire and are checked on every API call; Microsoft rotates refresh tokens (a
spent one is `invalid_grant`, as is a revoked grant); Google refuses an event id it already has (409) and
Graph dedupes creates by transactionId and meetings by externalId. Free/busy includes the account's own
events, as the real ones do. Failures can be injected per call: "down" (503), "hang", "rate" (429)."""
from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlparse

CLIENTS = {"google": ("google-client", "google-secret"), "microsoft": ("ms-client", "ms-secret")}


def _dt(value: str) -> datetime:
    at = datetime.fromisoformat(value)
    return at if at.tzinfo else at.replace(tzinfo=UTC)


class FakeCalendar:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.requests: list[dict] = []
        self.failures: list[str] = []
        self.hang_seconds = 3.0
        self.token_lifetime = 3600
        self.refresh_delay = 0.0  # seconds a refresh takes (to widen races)
        self.codes: dict[str, dict] = {}
        self.access: dict[str, dict] = {}  # token -> {provider, account, expires, grant}
        self.refresh_tokens: dict[str, dict] = {}  # token -> {provider, account, grant, spent}
        self.revoked_grants: set[str] = set()
        self.accounts = {"google": "asha@gmail.example", "microsoft": "asha@outlook.example"}
        self.busy: dict[str, list[tuple[datetime, datetime]]] = {"google": [], "microsoft": []}
        self.events: dict[str, dict[str, dict]] = {"google": {}, "microsoft": {}}
        self.meetings: dict[str, dict] = {}
        self.refreshes = 0
        self.deny = False
        self.granted_scope: str | None = None  # what the consultant left ticked (default: all asked for)
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self, status: int, payload: dict | None, headers: dict | None = None) -> None:
                data = json.dumps(payload).encode() if payload is not None else b""
                self.send_response(status)
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                if payload is not None:
                    self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _handle(self, method: str) -> None:
                length = int(self.headers.get("content-length", 0) or 0)
                raw = self.rfile.read(length) if length else b""
                url = urlparse(self.path)
                ctype = self.headers.get("content-type", "")
                if "x-www-form-urlencoded" in ctype:
                    body = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
                else:
                    body = json.loads(raw or b"{}") if raw else {}
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                with fake.lock:
                    fake.requests.append({"method": method, "path": url.path, "query": query, "body": body,
                                          "headers": dict(self.headers)})
                    mode = fake.failures.pop(0) if fake.failures and not url.path.endswith("/authorize") else "ok"
                if mode == "hang":
                    time.sleep(fake.hang_seconds)
                elif mode == "down":
                    return self._answer(503, {"error": {"message": "Backend Error"}})
                elif mode == "rate":
                    return self._answer(429, {"error": {"message": "Rate limit"}}, {"retry-after": "1"})
                status, payload, headers = fake.route(method, url.path, query, body, dict(self.headers))
                self._answer(status, payload, headers)

            def do_GET(self):  # noqa: N802
                self._handle("GET")

            def do_POST(self):  # noqa: N802
                self._handle("POST")

            def do_PATCH(self):  # noqa: N802
                self._handle("PATCH")

            def do_DELETE(self):  # noqa: N802
                self._handle("DELETE")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def env(self) -> dict[str, str]:
        """The settings pointing the app at this fake."""
        return {
            "GOOGLE_CLIENT_ID": CLIENTS["google"][0], "GOOGLE_CLIENT_SECRET": CLIENTS["google"][1],
            "GOOGLE_AUTH_URL": f"{self.url}/google/authorize", "GOOGLE_TOKEN_URL": f"{self.url}/google/token",
            "GOOGLE_REVOKE_URL": f"{self.url}/google/revoke", "GOOGLE_API_URL": f"{self.url}/google",
            "MICROSOFT_CLIENT_ID": CLIENTS["microsoft"][0], "MICROSOFT_CLIENT_SECRET": CLIENTS["microsoft"][1],
            "MICROSOFT_AUTH_URL": f"{self.url}/microsoft/authorize", "MICROSOFT_TOKEN_URL": f"{self.url}/microsoft/token",
            "MICROSOFT_GRAPH_URL": f"{self.url}/microsoft", "CALENDAR_TIMEOUT": "2"}

    # The consultant at the consent screen --------------------------------------------------------------
    def consent(self, authorization_url: str, *, allow: bool = True) -> str:
        """Where the provider sends the browser back: the redirect URI with a code (or an error) and the state."""
        url = urlparse(authorization_url)
        q = {k: v[0] for k, v in parse_qs(url.query).items()}
        provider = url.path.split("/")[1]
        assert q["client_id"] == CLIENTS[provider][0] and q["code_challenge_method"] == "S256"
        if not allow:
            return q["redirect_uri"] + "?" + urlencode({"error": "access_denied", "state": q["state"]})
        code = secrets.token_urlsafe(16)
        with self.lock:
            self.codes[code] = {"provider": provider, "redirect_uri": q["redirect_uri"], "challenge": q["code_challenge"],
                                "used": False, "scope": self.granted_scope or q["scope"]}
        return q["redirect_uri"] + "?" + urlencode({"code": code, "state": q["state"], "scope": q["scope"]})

    def revoke_all(self, provider: str) -> None:
        """The consultant removes our access in their account settings."""
        with self.lock:
            for token in list(self.refresh_tokens.values()) + list(self.access.values()):
                if token["provider"] == provider:
                    self.revoked_grants.add(token["grant"])

    def expire_access_tokens(self) -> None:
        with self.lock:
            for token in self.access.values():
                token["expires"] = time.time() - 1

    def live_events(self, provider: str) -> list[dict]:
        return [e for e in self.events[provider].values() if not e.get("deleted")]

    def calls(self, method: str, path_part: str) -> list[dict]:
        return [r for r in self.requests if r["method"] == method and path_part in r["path"]]

    # Routing -----------------------------------------------------------------------------------------
    def _issue(self, provider: str, grant: str, with_refresh: bool) -> dict:
        access = "at-" + secrets.token_urlsafe(16)
        self.access[access] = {"provider": provider, "expires": time.time() + self.token_lifetime, "grant": grant}
        out = {"access_token": access, "expires_in": self.token_lifetime, "token_type": "Bearer", "scope": "calendar"}
        if with_refresh:
            refresh = "rt-" + secrets.token_urlsafe(16)
            self.refresh_tokens[refresh] = {"provider": provider, "grant": grant, "spent": False}
            out["refresh_token"] = refresh
        return out

    def _token(self, provider: str, body: dict) -> tuple[int, dict, dict]:
        if (body.get("client_id"), body.get("client_secret")) != CLIENTS[provider]:
            return 401, {"error": "invalid_client"}, {}
        if body.get("grant_type") == "authorization_code":
            with self.lock:
                code = self.codes.get(body.get("code", ""))
                challenge = base64.urlsafe_b64encode(hashlib.sha256(body.get("code_verifier", "").encode()).digest())
                if (code is None or code["used"] or code["provider"] != provider
                        or code["redirect_uri"] != body.get("redirect_uri")
                        or challenge.rstrip(b"=").decode() != code["challenge"]):
                    return 400, {"error": "invalid_grant", "error_description": "Bad code or verifier."}, {}
                code["used"] = True
                return 200, {**self._issue(provider, secrets.token_hex(8), True), "scope": code["scope"]}, {}
        if body.get("grant_type") == "refresh_token":
            if self.refresh_delay:
                time.sleep(self.refresh_delay)
            with self.lock:
                token = self.refresh_tokens.get(body.get("refresh_token", ""))
                if token is None or token["spent"] or token["grant"] in self.revoked_grants:
                    return 400, {"error": "invalid_grant", "error_description": "Token has been expired or revoked."}, {}
                self.refreshes += 1
                rotate = provider == "microsoft"  # Microsoft hands out a new refresh token and spends the old one
                if rotate:
                    token["spent"] = True
                return 200, self._issue(provider, token["grant"], rotate), {}
        return 400, {"error": "unsupported_grant_type"}, {}

    def _authorised(self, provider: str, headers: dict) -> bool:
        token = (headers.get("Authorization") or headers.get("authorization") or "").removeprefix("Bearer ")
        with self.lock:
            info = self.access.get(token)
            return (info is not None and info["provider"] == provider and info["expires"] > time.time()
                    and info["grant"] not in self.revoked_grants)

    def route(self, method: str, path: str, query: dict, body: dict, headers: dict) -> tuple[int, dict | None, dict]:
        provider, _, rest = path.strip("/").partition("/")
        if provider not in CLIENTS:
            return 404, {"error": "no such provider"}, {}
        if rest == "authorize" and method == "GET":
            # The consent screen, as a browser meets it: answers at once (allowed, unless self.deny).
            back = self.consent(f"{self.url}{path}?{urlencode(query)}", allow=not self.deny)
            return 302, None, {"location": back}
        if rest == "token" and method == "POST":
            return self._token(provider, body)
        if rest == "revoke" and method == "POST":
            with self.lock:
                token = self.refresh_tokens.get(body.get("token", "")) or self.access.get(body.get("token", ""))
                if token is None:
                    return 400, {"error": "invalid_token"}, {}
                self.revoked_grants.add(token["grant"])
            return 200, {}, {}
        if not self._authorised(provider, headers):
            return 401, {"error": {"code": 401, "message": "Invalid Credentials"}}, {}
        return (self._google if provider == "google" else self._microsoft)(method, rest, query, body)

    def _google(self, method: str, rest: str, query: dict, body: dict) -> tuple[int, dict | None, dict]:
        events = self.events["google"]
        if rest == "oauth2/v3/userinfo":
            return 200, {"email": self.accounts["google"], "email_verified": True}, {}
        if rest == "calendar/v3/freeBusy" and method == "POST":
            lo, hi = _dt(body["timeMin"]), _dt(body["timeMax"])
            spans = list(self.busy["google"]) + [(_dt(e["start"]["dateTime"]), _dt(e["end"]["dateTime"]))
                                                 for e in self.live_events("google")]
            busy = [{"start": s.astimezone(UTC).isoformat().replace("+00:00", "Z"),
                     "end": e.astimezone(UTC).isoformat().replace("+00:00", "Z")}
                    for s, e in sorted(spans) if e > lo and s < hi]
            return 200, {"kind": "calendar#freeBusy", "calendars": {"primary": {"busy": busy}}}, {}
        prefix = "calendar/v3/calendars/primary/events"
        if not rest.startswith(prefix):
            return 404, {"error": {"code": 404, "message": "Not Found"}}, {}
        event_id = rest[len(prefix):].strip("/")
        with self.lock:
            if method == "POST" and not event_id:
                eid = body.get("id") or secrets.token_hex(10)
                if eid in events:
                    return 409, {"error": {"code": 409, "message": "The requested identifier already exists."}}, {}
                event = {**body, "id": eid}
                self._google_conference(event, body, query)
                events[eid] = event
                return 200, event, {}
            event = events.get(event_id)
            if event is None:
                return 404, {"error": {"code": 404, "message": "Not Found"}}, {}
            if method == "PATCH":
                if event.get("deleted"):
                    return 410, {"error": {"code": 410, "message": "Resource has been deleted"}}, {}
                event.update({k: v for k, v in body.items() if k != "conferenceData"})
                self._google_conference(event, body, query)
                return 200, event, {}
            if method == "DELETE":
                if event.get("deleted"):
                    return 410, {"error": {"code": 410, "message": "Resource has been deleted"}}, {}
                event["deleted"] = True
                return 204, None, {}
            return 200, event, {}

    @staticmethod
    def _google_conference(event: dict, body: dict, query: dict) -> None:
        request = (body.get("conferenceData") or {}).get("createRequest")
        if request and query.get("conferenceDataVersion") == "1" and not event.get("hangoutLink"):
            code = "-".join(secrets.token_hex(2)[:3] for _ in range(3))
            link = f"https://meet.google.com/{code}"
            event["hangoutLink"] = link
            event["conferenceData"] = {"conferenceId": code, "createRequest": {**request, "status": {"statusCode": "success"}},
                                       "entryPoints": [{"entryPointType": "video", "uri": link}]}

    def _microsoft(self, method: str, rest: str, query: dict, body: dict) -> tuple[int, dict | None, dict]:
        events = self.events["microsoft"]
        with self.lock:
            if rest == "me":
                return 200, {"mail": self.accounts["microsoft"], "userPrincipalName": self.accounts["microsoft"]}, {}
            if rest == "me/onlineMeetings/createOrGet" and method == "POST":
                meeting = self.meetings.get(body["externalId"])
                if meeting is None:
                    mid = secrets.token_hex(8)
                    meeting = self.meetings[body["externalId"]] = {
                        "id": mid, "externalId": body["externalId"], "subject": body.get("subject"),
                        "joinWebUrl": f"https://teams.microsoft.com/l/meetup-join/{mid}",
                        "joinMeetingIdSettings": {"joinMeetingId": str(int(mid, 16))[:12], "passcode": "Xy3" + mid[:3]}}
                    return 201, meeting, {}
                return 200, meeting, {}
            if rest == "me/calendar/getSchedule" and method == "POST":
                lo, hi = _dt(body["startTime"]["dateTime"]), _dt(body["endTime"]["dateTime"])
                spans = list(self.busy["microsoft"]) + [(_dt(e["start"]["dateTime"]), _dt(e["end"]["dateTime"]))
                                                        for e in self.live_events("microsoft")]
                items = [{"status": "busy", "start": {"dateTime": s.astimezone(UTC).replace(tzinfo=None).isoformat(),
                                                      "timeZone": "UTC"},
                          "end": {"dateTime": e.astimezone(UTC).replace(tzinfo=None).isoformat(), "timeZone": "UTC"}}
                         for s, e in sorted(spans) if e > lo and s < hi]
                return 200, {"value": [{"scheduleId": body["schedules"][0], "scheduleItems": items}]}, {}
            if rest == "me/events" and method == "POST":
                for e in events.values():
                    if body.get("transactionId") and e.get("transactionId") == body["transactionId"] and not e.get("deleted"):
                        return 201, e, {}
                eid = "AAMk" + secrets.token_hex(12)
                events[eid] = {**body, "id": eid}
                return 201, events[eid], {}
            if rest.startswith("me/events/"):
                event = events.get(rest.removeprefix("me/events/"))
                if event is None or event.get("deleted"):
                    return 404, {"error": {"code": "ErrorItemNotFound", "message": "Not found"}}, {}
                if method == "PATCH":
                    event.update(body)
                    return 200, event, {}
                if method == "DELETE":
                    event["deleted"] = True
                    return 204, None, {}
                return 200, event, {}
        return 404, {"error": {"code": "NotFound"}}, {}

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def soon(hours: float) -> datetime:
    return datetime.now(UTC) + timedelta(hours=hours)

# Test: pytest tests/jobs/test_calendar.py tests/http/test_calendar_connect.py
