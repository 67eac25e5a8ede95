# app/adapters/meetings.py — Google Calendar/Meet and Microsoft Graph/Teams: OAuth, events with meetings, free/busy; tokens kept fresh.
"""Both providers speak plain OAuth 2 (authorisation code with PKCE) and JSON over HTTPS, so they share one
small client on httpx rather than two vendor SDKs (google-api-python-client and msgraph-sdk pull in dozens of
packages for the five calls made here). With no client id configured a provider is simply not offered, and
sessions keep the consultant's saved personal link (the local adapter of DESIGN.md).

Errors are sorted by what the caller should do: `ProviderUnavailable` (timeouts, 5xx, 429) is retried by
the job with backoff; `GrantRevoked` (the consultant withdrew access, or the refresh token is dead) marks
the connection and stops using it; `ProviderRefused` (any other 4xx) is a bug or bad data, not retried.

Keeping a connection's tokens fresh for these calls: app/adapters/calendar_tokens.py."""
from __future__ import annotations

import base64
import hashlib
import logging
import secrets
import uuid
from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import httpx

from app.config import Settings

log = logging.getLogger("nakksha.meetings")

BUSY_STATUSES = {"busy", "oof", "tentative", "workingElsewhere"}


class CalendarError(Exception):
    pass


class ProviderUnavailable(CalendarError):
    """Try again later (down, slow, rate-limited, or a meeting still being created)."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class GrantRevoked(CalendarError):
    """Our access is gone: the consultant must connect again."""


class ProviderRefused(CalendarError):
    """The provider said no to this request; repeating it will not help."""


class Unauthorized(CalendarError):
    """401 from an API call: the access token is not (or no longer) accepted."""


@dataclass(frozen=True)
class Tokens:
    access_token: str
    refresh_token: str | None
    expires_at: datetime
    scope: str | None = None


@dataclass(frozen=True)
class EventSpec:
    key: str  # s:<session id> or w:<slot id>
    summary: str
    description: str
    starts_at: datetime
    ends_at: datetime
    timezone: str
    with_meeting: bool


@dataclass(frozen=True)
class Event:
    event_id: str
    meeting_link: str | None = None
    meeting_id: str | None = None
    meeting_password: str | None = None
    meeting_pending: bool = False


def pkce_pair() -> tuple[str, str]:
    """(verifier, S256 challenge), RFC 7636."""
    verifier = secrets.token_urlsafe(64)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def _retry_after(response: httpx.Response) -> float | None:
    try:
        return float(response.headers.get("retry-after", ""))
    except ValueError:
        return None


def _json(response: httpx.Response) -> dict:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _https(url: Any) -> str | None:
    return url if isinstance(url, str) and url.startswith("https://") else None


class Provider(ABC):
    """One OAuth + calendar provider: the shared token plumbing here, the API calls in each subclass."""

    name: str
    label: str
    scopes: str

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    # --- plumbing shared by both -----------------------------------------------------------------------
    async def _send(self, http: httpx.AsyncClient, method: str, url: str, **kw: Any) -> httpx.Response:
        try:
            return await http.request(method, url, **kw)
        except (httpx.TimeoutException, httpx.TransportError) as exc:
            raise ProviderUnavailable(f"{self.label} did not answer: {type(exc).__name__}") from exc

    async def _api(self, http: httpx.AsyncClient, method: str, url: str, token: str, *,
                   allow: tuple[int, ...] = (), **kw: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}", **kw.pop("headers", {})}
        r = await self._send(http, method, url, headers=headers, **kw)
        if r.status_code in allow or r.is_success:
            return r
        if r.status_code == 401:
            raise Unauthorized(f"{self.label} refused the access token")
        if r.status_code == 429 or r.status_code >= 500:
            raise ProviderUnavailable(f"{self.label} answered {r.status_code}", _retry_after(r))
        raise ProviderRefused(f"{self.label} answered {r.status_code}: {r.text[:300]}")

    async def _token(self, http: httpx.AsyncClient, data: dict[str, str]) -> Tokens:
        r = await self._send(http, "POST", self.token_url, data={
            **data, "client_id": self.client_id or "", "client_secret": self.client_secret or ""})
        body = _json(r)
        if r.status_code == 429 or r.status_code >= 500:
            raise ProviderUnavailable(f"{self.label} token endpoint answered {r.status_code}", _retry_after(r))
        if not r.is_success:
            if body.get("error") == "invalid_grant":
                raise GrantRevoked(body.get("error_description") or "invalid_grant")
            raise ProviderRefused(f"{self.label} token endpoint: {body.get('error') or r.status_code}")
        if not isinstance(body.get("access_token"), str):
            raise ProviderRefused(f"{self.label} token endpoint sent no access token")
        lifetime = body.get("expires_in") if isinstance(body.get("expires_in"), int) else 3600
        return Tokens(body["access_token"], body.get("refresh_token") or None,
                      datetime.now(UTC) + timedelta(seconds=lifetime), body.get("scope"))

    @property
    def configured(self) -> bool:
        return bool(self.client_id and self.client_secret)

    def redirect_uri(self) -> str:
        return f"{self.settings.public_base_url}/integrations/{self.name}/callback"

    async def exchange_code(self, http: httpx.AsyncClient, code: str, verifier: str) -> Tokens:
        return await self._token(http, {"grant_type": "authorization_code", "code": code, "code_verifier": verifier,
                                        "redirect_uri": self.redirect_uri()})

    async def refresh(self, http: httpx.AsyncClient, refresh_token: str) -> Tokens:
        return await self._token(http, {"grant_type": "refresh_token", "refresh_token": refresh_token})

    # --- what each provider implements (Google and Microsoft below; there is no third) --------------
    client_id: str | None
    client_secret: str | None
    token_url: str

    @abstractmethod
    def authorization_url(self, state: str, challenge: str) -> str:
        """The consent page to send the browser to, with our state and PKCE challenge."""

    @abstractmethod
    async def account_email(self, http: httpx.AsyncClient, token: str) -> str | None:
        """The connected account's address."""

    @abstractmethod
    async def upsert_event(self, http: httpx.AsyncClient, token: str, spec: EventSpec, existing_id: str | None) -> Event:
        """Create the event (idempotently, keyed by spec.key) or move the existing one; with its meeting if asked."""

    @abstractmethod
    async def delete_event(self, http: httpx.AsyncClient, token: str, event_id: str) -> None:
        """Remove the event; one already gone is not an error."""

    @abstractmethod
    async def busy(self, http: httpx.AsyncClient, token: str, start: datetime, end: datetime,
                   account_email: str | None) -> list[tuple[datetime, datetime]]:
        """Busy intervals of the account's calendar between two instants."""

    @abstractmethod
    async def revoke(self, http: httpx.AsyncClient, token: str) -> None:
        """Withdraw the grant at the provider, where the provider allows it."""


class Google(Provider):
    name, label = "google", "Google"
    scopes = ("openid email https://www.googleapis.com/auth/calendar.events "
              "https://www.googleapis.com/auth/calendar.freebusy")

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self.client_id, self.client_secret = settings.google_client_id, settings.google_client_secret
        self.token_url, self.api = settings.google_token_url, settings.google_api_url

    def authorization_url(self, state: str, challenge: str) -> str:
        # offline + consent: a refresh token every time, so a reconnect repairs a revoked grant.
        return self.settings.google_auth_url + "?" + urlencode({
            "client_id": self.client_id, "redirect_uri": self.redirect_uri(), "response_type": "code",
            "scope": self.scopes, "access_type": "offline", "prompt": "consent", "include_granted_scopes": "true",
            "state": state, "code_challenge": challenge, "code_challenge_method": "S256"})

    async def account_email(self, http: httpx.AsyncClient, token: str) -> str | None:
        r = await self._api(http, "GET", f"{self.api}/oauth2/v3/userinfo", token)
        return _json(r).get("email")

    @staticmethod
    def event_id(key: str) -> str:
        # Our own id (base32hex: 0-9 and a-v), so a create retried after a lost answer finds its event (409).
        kind, ident = key.split(":", 1)
        return "nk" + ("0" if kind == "s" else "1") + uuid.UUID(ident).hex

    def _body(self, spec: EventSpec) -> dict:
        body: dict[str, Any] = {
            "summary": spec.summary, "description": spec.description,
            "start": {"dateTime": spec.starts_at.isoformat(), "timeZone": spec.timezone},
            "end": {"dateTime": spec.ends_at.isoformat(), "timeZone": spec.timezone},
            "extendedProperties": {"private": {"nakksha_key": spec.key}}, "status": "confirmed"}
        if spec.with_meeting:
            body["conferenceData"] = {"createRequest": {
                "requestId": spec.key.replace(":", "-"), "conferenceSolutionKey": {"type": "hangoutsMeet"}}}
        return body

    @staticmethod
    def _event(body: dict) -> Event:
        conference = body.get("conferenceData") or {}
        video = next((e for e in conference.get("entryPoints") or [] if e.get("entryPointType") == "video"), {})
        status = ((conference.get("createRequest") or {}).get("status") or {}).get("statusCode")
        return Event(event_id=body["id"], meeting_link=_https(body.get("hangoutLink") or video.get("uri")),
                     meeting_id=conference.get("conferenceId"), meeting_password=video.get("password") or None,
                     meeting_pending=status == "pending")

    async def upsert_event(self, http: httpx.AsyncClient, token: str, spec: EventSpec, existing_id: str | None) -> Event:
        events = f"{self.api}/calendar/v3/calendars/primary/events"
        params = {"conferenceDataVersion": "1", "sendUpdates": "none"}
        if existing_id:
            r = await self._api(http, "PATCH", f"{events}/{existing_id}", token, params=params, json=self._body(spec),
                                allow=(404, 410))
            if r.is_success:
                return self._event(_json(r))
        body = self._body(spec) | {"id": self.event_id(spec.key)}
        r = await self._api(http, "POST", events, token, params=params, json=body, allow=(409,))
        if r.status_code == 409:  # created by an earlier attempt whose answer we never got
            r = await self._api(http, "PATCH", f"{events}/{body['id']}", token, params=params, json=self._body(spec))
        return self._event(_json(r))

    async def delete_event(self, http: httpx.AsyncClient, token: str, event_id: str) -> None:
        await self._api(http, "DELETE", f"{self.api}/calendar/v3/calendars/primary/events/{event_id}", token,
                        params={"sendUpdates": "none"}, allow=(404, 410))

    async def busy(self, http: httpx.AsyncClient, token: str, start: datetime, end: datetime,
                   account_email: str | None) -> list[tuple[datetime, datetime]]:
        r = await self._api(http, "POST", f"{self.api}/calendar/v3/freeBusy", token, json={
            "timeMin": start.isoformat(), "timeMax": end.isoformat(), "items": [{"id": "primary"}]})
        calendar = (_json(r).get("calendars") or {}).get("primary") or {}
        if calendar.get("errors"):
            raise ProviderRefused(f"Google free/busy: {calendar['errors']}")
        return [(datetime.fromisoformat(b["start"]), datetime.fromisoformat(b["end"])) for b in calendar.get("busy", [])]

    async def revoke(self, http: httpx.AsyncClient, token: str) -> None:
        r = await self._send(http, "POST", self.settings.google_revoke_url, data={"token": token})
        if r.status_code == 429 or r.status_code >= 500:
            raise ProviderUnavailable(f"Google revoke answered {r.status_code}", _retry_after(r))
        # 400 means the token is already invalid: revoked is what we wanted.


class Microsoft(Provider):
    name, label = "microsoft", "Microsoft"
    scopes = "offline_access openid email User.Read Calendars.ReadWrite OnlineMeetings.ReadWrite"

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self.client_id, self.client_secret = settings.microsoft_client_id, settings.microsoft_client_secret
        self.token_url, self.graph = settings.microsoft_token_url, settings.microsoft_graph_url

    def authorization_url(self, state: str, challenge: str) -> str:
        return self.settings.microsoft_auth_url + "?" + urlencode({
            "client_id": self.client_id, "redirect_uri": self.redirect_uri(), "response_type": "code",
            "response_mode": "query", "scope": self.scopes, "state": state, "code_challenge": challenge,
            "code_challenge_method": "S256", "prompt": "select_account"})

    async def _token(self, http: httpx.AsyncClient, data: dict[str, str]) -> Tokens:
        return await super()._token(http, {**data, "scope": self.scopes})

    async def account_email(self, http: httpx.AsyncClient, token: str) -> str | None:
        me = _json(await self._api(http, "GET", f"{self.graph}/me", token))
        return me.get("mail") or me.get("userPrincipalName")

    @staticmethod
    def _utc(at: datetime) -> dict:
        return {"dateTime": at.astimezone(UTC).replace(tzinfo=None).isoformat(), "timeZone": "UTC"}

    async def _meeting(self, http: httpx.AsyncClient, token: str, spec: EventSpec) -> Event:
        # createOrGet with our key as externalId: a retry gets the same meeting, never a second one.
        r = await self._api(http, "POST", f"{self.graph}/me/onlineMeetings/createOrGet", token, json={
            "externalId": spec.key, "subject": spec.summary,
            "startDateTime": spec.starts_at.astimezone(UTC).isoformat(),
            "endDateTime": spec.ends_at.astimezone(UTC).isoformat()})
        m = _json(r)
        ids = m.get("joinMeetingIdSettings") or {}
        return Event(event_id="", meeting_link=_https(m.get("joinWebUrl")),
                     meeting_id=ids.get("joinMeetingId") or m.get("id"), meeting_password=ids.get("passcode"))

    async def upsert_event(self, http: httpx.AsyncClient, token: str, spec: EventSpec, existing_id: str | None) -> Event:
        meeting = await self._meeting(http, token, spec) if spec.with_meeting else Event(event_id="")
        description = spec.description + (f"\n\nJoin: {meeting.meeting_link}" if meeting.meeting_link else "")
        body = {"subject": spec.summary, "body": {"contentType": "text", "content": description},
                "start": self._utc(spec.starts_at), "end": self._utc(spec.ends_at)}
        if meeting.meeting_link:
            body["location"] = {"displayName": "Microsoft Teams", "locationUri": meeting.meeting_link}
        r = None
        if existing_id:
            r = await self._api(http, "PATCH", f"{self.graph}/me/events/{existing_id}", token, json=body, allow=(404,))
        if r is None or r.status_code == 404:
            # transactionId makes a retried create return the event already made.
            r = await self._api(http, "POST", f"{self.graph}/me/events", token, json=body | {"transactionId": spec.key})
        return Event(event_id=_json(r)["id"], meeting_link=meeting.meeting_link, meeting_id=meeting.meeting_id,
                     meeting_password=meeting.meeting_password)

    async def delete_event(self, http: httpx.AsyncClient, token: str, event_id: str) -> None:
        await self._api(http, "DELETE", f"{self.graph}/me/events/{event_id}", token, allow=(404,))

    async def busy(self, http: httpx.AsyncClient, token: str, start: datetime, end: datetime,
                   account_email: str | None) -> list[tuple[datetime, datetime]]:
        r = await self._api(http, "POST", f"{self.graph}/me/calendar/getSchedule", token, json={
            "schedules": [account_email], "startTime": self._utc(start), "endTime": self._utc(end),
            "availabilityViewInterval": 15}, headers={"Prefer": 'outlook.timezone="UTC"'})
        busy = []
        for schedule in _json(r).get("value") or []:
            for item in schedule.get("scheduleItems") or []:
                if item.get("status") in BUSY_STATUSES:
                    busy.append((datetime.fromisoformat(item["start"]["dateTime"]).replace(tzinfo=UTC),
                                 datetime.fromisoformat(item["end"]["dateTime"]).replace(tzinfo=UTC)))
        return busy

    async def revoke(self, http: httpx.AsyncClient, token: str) -> None:
        # Microsoft identity has no endpoint revoking one refresh token (only every session of the user, which
        # would sign them out everywhere). Forgetting it is all we can do; it lapses after 90 days unused.
        return None


def providers(settings: Settings) -> dict[str, Provider]:
    """The providers this deployment can offer (those with a client id and secret)."""
    return {p.name: p for p in (Google(settings), Microsoft(settings)) if p.configured}


def all_providers(settings: Settings) -> dict[str, Provider]:
    return {p.name: p for p in (Google(settings), Microsoft(settings))}


# Test: pytest tests/jobs/test_calendar.py tests/http/test_calendar_connect.py
