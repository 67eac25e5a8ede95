# app/auth.py — access tokens (JWT, HS256 pinned), opaque refresh and one-time tokens, and the route guard.
from __future__ import annotations

import hashlib
import ipaddress
import secrets
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import jwt
from starlette.requests import Request

from app.errors import ApiError
from app.sql import Caller, run

ISSUER = "nakksha"
AUDIENCE = "nakksha-api"
ACCESS_TTL = timedelta(minutes=15)
REFRESH_TTL = timedelta(days=30)
ALGORITHM = "HS256"  # pinned: decode() accepts nothing else, so alg=none or RS/HS confusion fails

# Who may call an endpoint. "approved" is a consultant whose account an admin approved.
# "readable": an approved consultant, or a suspended one reading their records (every write needs "approved").
AUTH_LEVELS = ("public", "consultant", "approved", "readable", "admin", "super_admin")


def new_token(prefix: str) -> str:
    """An opaque, unguessable token (256 bits); only its SHA-256 is ever stored."""
    return f"{prefix}_{secrets.token_urlsafe(32)}"


def token_hash(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


def refresh_expiry() -> datetime:
    return datetime.now(UTC) + REFRESH_TTL


def issue_access_token(secret: str, *, subject: uuid.UUID | str, email: str, role: str,
                       consultant_slug: str | None = None, epoch: int = 0) -> str:
    """`ep` is the account's token epoch at issue: ending every session moves it on, and the guard refuses a
    token of another epoch (api.consultant_access, api.admin_access)."""
    now = int(time.time())
    claims = {"sub": str(subject), "email": email, "role": role, "iat": now,
              "exp": now + int(ACCESS_TTL.total_seconds()), "iss": ISSUER, "aud": AUDIENCE,
              "jti": secrets.token_hex(8), "ep": epoch}
    if role == "consultant":
        claims["consultantSlug"] = consultant_slug  # informational only: slugs change, never authorises
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def token_pair(secret: str, *, subject: uuid.UUID | str, email: str, role: str, refresh_token: str,
               consultant_slug: str | None = None, epoch: int = 0) -> dict:
    return {"access_token": issue_access_token(secret, subject=subject, email=email, role=role,
                                               consultant_slug=consultant_slug, epoch=epoch),
            "refresh_token": refresh_token, "token_type": "bearer",
            "expires_in": int(ACCESS_TTL.total_seconds())}


@dataclass(frozen=True)
class Claims:
    subject: uuid.UUID
    role: str
    email: str
    epoch: int = 0


def _unauthorized(code: str, message: str) -> ApiError:
    return ApiError(401, code, message, None, {"WWW-Authenticate": 'Bearer realm="nakksha"'})


def decode_access_token(secret: str, token: str) -> Claims:
    try:
        claims = jwt.decode(token, secret, algorithms=[ALGORITHM], audience=AUDIENCE, issuer=ISSUER,
                            options={"require": ["exp", "iat", "sub", "aud", "iss"]})
    except jwt.ExpiredSignatureError as exc:
        raise _unauthorized("token_expired", "The access token has expired; refresh it.") from exc
    except jwt.PyJWTError as exc:
        raise _unauthorized("invalid_token", "The access token is not valid.") from exc
    try:
        subject = uuid.UUID(str(claims["sub"]))
    except ValueError as exc:
        raise _unauthorized("invalid_token", "The access token is not valid.") from exc
    role = claims.get("role")
    epoch = claims.get("ep", 0)  # tokens issued before epochs existed carry none: the first epoch
    if role not in ("consultant", "admin") or type(epoch) is not int:
        raise _unauthorized("invalid_token", "The access token is not valid.")
    return Claims(subject, role, str(claims.get("email", "")), epoch)


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return None


async def authenticate(request: Request, level: str) -> Caller:
    """The caller of a request at the given level, or 401 (no or bad token, or a token of an older epoch) /
    403 (wrong role, not approved, not a super admin). Approval, admin status and the token epoch are read
    from the database on each request (one query), so a suspension, a deactivation, a logout everywhere or a
    password change takes effect at once, not when the token expires."""
    if level == "public":
        return Caller()
    token = bearer_token(request)
    if token is None:
        raise _unauthorized("unauthorized", "Log in first: send an access token as 'Authorization: Bearer …'.")
    claims = decode_access_token(request.app.state.secrets.jwt, token)
    pool = request.app.state.pool
    if level in ("consultant", "approved", "readable"):
        if claims.role != "consultant":
            raise ApiError(403, "forbidden", "This endpoint is for consultants.")
        state = await run(pool, "consultant_access", consultant_id=claims.subject, token_epoch=claims.epoch)
        if state == "gone":
            raise _unauthorized("invalid_token", "This account no longer exists.")
        if state == "revoked":
            raise _unauthorized("invalid_token", "This session has ended; log in again.")
        if (level == "approved" and state != "approved") or (level == "readable"
                                                              and state not in ("approved", "suspended")):
            raise ApiError(403, "consultant_not_approved",
                           "Your account is awaiting approval." if state == "pending"
                           else f"Your account is {state}.")
        return Caller(consultant_id=claims.subject)
    if claims.role != "admin":
        raise ApiError(403, "forbidden", "This endpoint is for admins.")
    role = await run(pool, "admin_access", admin_id=claims.subject, token_epoch=claims.epoch)
    if role == "inactive":
        raise _unauthorized("invalid_token", "This admin account is not active.")
    if role == "revoked":
        raise _unauthorized("invalid_token", "This session has ended; log in again.")
    if level == "super_admin" and role != "super_admin":
        raise ApiError(403, "super_admin_required", "Only super admins may do this.")
    return Caller(admin_id=claims.subject)


def forwarded_client(peer: str | None, forwarded_for: list[str], trusted: tuple) -> str | None:
    """The client's address: the peer, unless the peer is a trusted proxy; then X-Forwarded-For is read from
    the right (each proxy appends the address it saw) and the first hop that is not a trusted proxy is the
    client. Hops left of it are whatever the client claimed and are never believed. A hop that is not an
    address stops the walk at the nearest address a trusted proxy vouched for. A peer that is not an address (a
    test transport's "testclient", a server that names its peer) is no address at all: None, never text the
    database would refuse as an inet."""
    def is_trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
        return any(address in network for network in trusted)

    try:
        nearest = ipaddress.ip_address(peer) if peer else None
    except ValueError:
        return None
    if nearest is None or not trusted or not is_trusted(nearest):
        return peer
    hops = [hop.strip() for header in forwarded_for for hop in header.split(",") if hop.strip()]
    for hop in reversed(hops):
        try:
            address = ipaddress.ip_address(_without_port(hop))
        except ValueError:
            break
        nearest = address
        if not is_trusted(address):
            break
    return str(nearest)


def _without_port(hop: str) -> str:
    """A hop as some proxies write it, port and all: 198.51.100.1:4321, [2001:db8::5]:443, [2001:db8::5]. Read
    with the port, the hop was not an address, and every client behind that proxy counted as the proxy itself."""
    if hop.startswith("["):
        return hop[1:hop.find("]")] if "]" in hop else hop
    if hop.count(":") == 1:
        return hop.split(":", 1)[0]
    return hop


def client_ip(request: Request) -> str | None:
    """Where the request comes from (rate limits, the session log): see forwarded_client and TRUSTED_PROXIES."""
    peer = request.client.host if request.client else None
    return forwarded_client(peer, request.headers.getlist("x-forwarded-for"),
                            request.app.state.settings.trusted_proxies)


def client_network(request: Request) -> str | None:
    """The address a per-IP limit counts: client_ip, with an IPv6 address folded to its /64 (one household,
    phone or server is given a whole /64 and can pick any address in it) and an IPv4-mapped one to IPv4. Every
    limiter (sign-in, signup, uploads, public bookings) counts this, so rotating addresses inside one
    allocation buys nothing."""
    ip = client_ip(request)
    if not ip:
        return None
    try:
        addr = ipaddress.ip_address(ip)
    except ValueError:
        return ip
    if isinstance(addr, ipaddress.IPv6Address):
        if addr.ipv4_mapped is not None:
            return str(addr.ipv4_mapped)
        return str(ipaddress.ip_network(f"{addr}/64", strict=False))
    return str(addr)

# Test: pytest tests/http/test_auth.py tests/http/test_client_ip.py
