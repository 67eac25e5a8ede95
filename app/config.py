# app/config.py — settings read once from the environment; every other module takes a Settings.
from __future__ import annotations

import ipaddress
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
ROLE_OWNER = "nakksha_owner"
ROLE_APP = "nakksha_app"
ROLE_ADMIN = "nakksha_admin"
ROLE_ANALYST = "nakksha_analyst"
# No login: the app takes this role for a transaction that acts for a signed-in admin (app/sql.py, SET_CALLER).
ROLE_APP_ADMIN = "nakksha_app_admin"
# The job worker's login: the steps only jobs take (claiming mail, settling refunds, syncing calendars, sweeps)
# are granted to it alone, so the web role (and SQL injected through it) cannot take them.
ROLE_WORKER = "nakksha_worker"
# What an admin's role allows, in the words the 403 page and `nakksha create-admin` use (the rule itself is the
# SQL's: api.require_admin(true) guards the super admins' functions).
ADMIN_CAN = ("An admin approves, rejects, suspends and reactivates consultants, changes their plans, and sees every "
             "session and the platform's figures.")
SUPER_ADMIN_ONLY = ("Only a super admin adds or deactivates admins, edits email templates and changes platform "
                    "settings (plans and limits).")
DATABASE_NAME = "nakksha"


def _seconds(value: str | None, default: float) -> float:
    try:
        seconds = float(value or default)
    except ValueError:
        return default
    return seconds if seconds > 0 and seconds != float("inf") else default


def _csv(value: str | None) -> tuple[str, ...]:
    return tuple(v.strip() for v in (value or "").split(",") if v.strip())


@dataclass(frozen=True)
class Settings:
    """Everything configurable. DATABASE_URL is the administrative URL (migrations, CLI); the app and the
    worker connect as their own roles, derived from it unless APP_DATABASE_URL / WORKER_DATABASE_URL is given. DATABASE_POOLER_URL
    sends the app's and the worker's queries through a transaction pooler (PgBouncer) while every LISTEN
    connection keeps the direct URL; ANALYTICS_DATABASE_URL sends dashboard and analytics reads to a replica."""

    # production unless told otherwise: development serves /dev/outbox and /dev/checkout (issue 16).
    env: str = "production"
    allow_dev_on_network: bool = False
    database_url: str | None = None
    app_database_url: str | None = None
    worker_database_url: str | None = None
    pooler_url: str | None = None
    analytics_database_url: str | None = None
    data_dir: Path = REPO_ROOT / ".data"
    host: str = "127.0.0.1"
    port: int = 8000
    cors_origins: tuple[str, ...] = ()
    max_body_bytes: int = 1024 * 1024
    pool_min_size: int = 0
    pool_max_size: int = 10
    statement_cache_size: int = 100
    command_timeout: float = 30.0
    # /readyz wants a job worker whose heartbeat is younger than this (NAKKSHA_STALLED_AFTER_SECONDS, the worker's
    # own stall threshold; the worker refuses a bad value, so here an unreadable one falls back to the default).
    worker_stale_seconds: float = 60.0
    log_level: str = "INFO"
    public_base_url: str = "http://127.0.0.1:8000"
    # Razorpay: with no key the local test gateway serves (development only has its checkout page).
    razorpay_key_id: str | None = None
    razorpay_key_secret: str | None = field(default=None, repr=False)
    razorpay_webhook_secret: str | None = field(default=None, repr=False)
    razorpay_api_url: str | None = None
    razorpay_timeout: float = 10.0
    # Google Calendar/Meet and Microsoft Graph/Teams: a provider without a client id is not offered.
    # The URLs default to the providers' own and are pointed at fakes in the tests.
    google_client_id: str | None = None
    google_client_secret: str | None = field(default=None, repr=False)
    google_auth_url: str = "https://accounts.google.com/o/oauth2/v2/auth"
    google_token_url: str = "https://oauth2.googleapis.com/token"
    google_revoke_url: str = "https://oauth2.googleapis.com/revoke"
    google_api_url: str = "https://www.googleapis.com"
    microsoft_client_id: str | None = None
    microsoft_client_secret: str | None = field(default=None, repr=False)
    microsoft_auth_url: str = "https://login.microsoftonline.com/common/oauth2/v2.0/authorize"
    microsoft_token_url: str = "https://login.microsoftonline.com/common/oauth2/v2.0/token"
    microsoft_graph_url: str = "https://graph.microsoft.com/v1.0"
    calendar_timeout: float = 10.0
    # Proxies (addresses or networks) whose X-Forwarded-For is believed; none by default (app/auth.py client_ip).
    trusted_proxies: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = ()
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def is_development(self) -> bool:
        return self.env in ("development", "test")

    @staticmethod
    def parse_trusted_proxies(value: str | None) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
        """TRUSTED_PROXIES: comma-separated addresses or CIDR networks; anything else stops the start."""
        try:
            return tuple(ipaddress.ip_network(v, strict=False) for v in _csv(value))
        except ValueError as exc:
            raise ValueError(f"TRUSTED_PROXIES: {exc} (give IP addresses or networks, comma-separated)") from exc

    @staticmethod
    def parse_cors_origins(value: str | None) -> tuple[str, ...]:
        """CORS_ORIGINS: the frontends' origins (scheme://host[:port]), comma-separated. "*" is refused: with
        credentials allowed, Starlette answers any origin with itself, so any site could act as a signed-in user."""
        origins = _csv(value)
        for origin in origins:
            if "*" in origin:
                raise ValueError("CORS_ORIGINS: '*' is not allowed (credentials are sent cross-origin, so it would let "
                                 "any site act for a signed-in user); list the frontends' origins, comma-separated")
            if not re.fullmatch(r"https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?", origin):
                raise ValueError(f"CORS_ORIGINS: {origin!r} is not an origin (scheme://host[:port], no path)")
        return origins

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides) -> Settings:
        e = dict(os.environ if environ is None else environ)
        host = e.get("HOST", "127.0.0.1")
        port = int(e.get("PORT", "8000"))
        values = dict(
            env=e.get("NAKKSHA_ENV") or "production",
            allow_dev_on_network=e.get("NAKKSHA_ALLOW_DEV_ON_NETWORK", "") == "1",
            database_url=e.get("DATABASE_URL") or None,
            app_database_url=e.get("APP_DATABASE_URL") or None,
            worker_database_url=e.get("WORKER_DATABASE_URL") or None,
            pooler_url=e.get("DATABASE_POOLER_URL") or None,
            analytics_database_url=e.get("ANALYTICS_DATABASE_URL") or None,
            data_dir=Path(e.get("NAKKSHA_DATA_DIR", str(REPO_ROOT / ".data"))).resolve(),
            host=host,
            port=port,
            cors_origins=cls.parse_cors_origins(e.get("CORS_ORIGINS")),
            max_body_bytes=int(e.get("MAX_BODY_BYTES", str(1024 * 1024))),
            pool_min_size=int(e.get("DB_POOL_MIN", "0")),
            pool_max_size=int(e.get("DB_POOL_MAX", "10")),
            statement_cache_size=int(e.get("DB_STATEMENT_CACHE_SIZE", "100")),
            worker_stale_seconds=_seconds(e.get("NAKKSHA_STALLED_AFTER_SECONDS"), 60.0),
            log_level=e.get("LOG_LEVEL", "INFO").upper(),
            public_base_url=e.get("PUBLIC_BASE_URL", f"http://{host}:{port}").rstrip("/"),
            razorpay_key_id=e.get("RAZORPAY_KEY_ID") or None,
            razorpay_key_secret=e.get("RAZORPAY_KEY_SECRET") or None,
            razorpay_webhook_secret=e.get("RAZORPAY_WEBHOOK_SECRET") or None,
            razorpay_api_url=e.get("RAZORPAY_API_URL") or None,
            razorpay_timeout=float(e.get("RAZORPAY_TIMEOUT", "10")),
            google_client_id=e.get("GOOGLE_CLIENT_ID") or None,
            google_client_secret=e.get("GOOGLE_CLIENT_SECRET") or None,
            microsoft_client_id=e.get("MICROSOFT_CLIENT_ID") or None,
            microsoft_client_secret=e.get("MICROSOFT_CLIENT_SECRET") or None,
            calendar_timeout=float(e.get("CALENDAR_TIMEOUT", "10")),
            trusted_proxies=cls.parse_trusted_proxies(e.get("TRUSTED_PROXIES")),
        )
        for name in ("google_auth_url", "google_token_url", "google_revoke_url", "google_api_url",
                     "microsoft_auth_url", "microsoft_token_url", "microsoft_graph_url"):
            if e.get(name.upper()):
                values[name] = e[name.upper()].rstrip("/")
        values.update(overrides)
        return cls(**values)

# Test: pytest tests/http/test_app.py
