# app/secrets.py — secrets from the environment; in development one is generated once and kept under .data/.
from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from app.config import Settings


def get_secret(settings: Settings, name: str, *, nbytes: int = 32) -> str:
    """The secret named NAME from the environment. Outside development a missing secret is a start-up
    error (never a silent default); in development it is generated on first use and stored in
    .data/secrets.json (mode 0600) so restarts keep sessions and hashes valid."""
    value = os.environ.get(name)
    if value:
        return value
    if not settings.is_development:
        raise RuntimeError(f"{name} must be set in the environment (NAKKSHA_ENV={settings.env})")
    path: Path = settings.data_dir / "secrets.json"
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    stored = json.loads(path.read_text()) if path.exists() else {}
    if name not in stored:
        stored[name] = secrets.token_urlsafe(nbytes)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(stored, indent=2))
        tmp.chmod(0o600)
        tmp.replace(path)
    return stored[name]


# What production will not start without (app/cli.py checks before binding). The secrets have no safe default;
# without Razorpay's keys the local gateway would take bookings nobody can pay (its checkout page is development
# only), and without Resend's every email (verification, password reset, booking confirmations) would stay in
# the database's outbox, which only development shows: silently lost mail, so refused rather than warned about.
PRODUCTION_SECRETS = ("JWT_SECRET", "PASSWORD_PEPPER", "DATA_ENCRYPTION_KEY")
PRODUCTION_PROVIDERS = ("RAZORPAY_KEY_ID", "RAZORPAY_KEY_SECRET", "RAZORPAY_WEBHOOK_SECRET", "RESEND_API_KEY",
                        "EMAIL_FROM")


# The job worker signs no token and hashes no password: it holds the data key only (calendar tokens, links in
# mails), so a compromised worker cannot forge a session or attack the password hashes with the pepper.
WORKER_SECRETS = ("DATA_ENCRYPTION_KEY",)


def missing_for_production(environ: dict[str, str] | None = None, *, worker: bool = False) -> list[str]:
    """Every variable production needs (the worker: WORKER_SECRETS) that the environment lacks (empty counts as
    missing), in order."""
    e = os.environ if environ is None else environ
    needed = (*(WORKER_SECRETS if worker else PRODUCTION_SECRETS), *PRODUCTION_PROVIDERS)
    return [name for name in needed if not (e.get(name) or "").strip()]


# A production secret is a long random string (`python3 -c 'import secrets; print(secrets.token_hex(32))'`): one
# that is short or made of a few characters repeated ("a", "changeme", "x" * 40) can be guessed, and with it
# every access token forged (JWT_SECRET) or every password hash attacked offline (PASSWORD_PEPPER).
MIN_SECRET_LENGTH = 32
MIN_SECRET_DISTINCT = 12


def weak_for_production(environ: dict[str, str] | None = None, *, worker: bool = False) -> list[str]:
    """The production secrets (the worker's) that are set but too short or too repetitive to be random, in order."""
    e = os.environ if environ is None else environ
    weak = []
    for name in WORKER_SECRETS if worker else PRODUCTION_SECRETS:
        value = (e.get(name) or "").strip()
        if value and (len(value) < MIN_SECRET_LENGTH or len(set(value)) < MIN_SECRET_DISTINCT or _repeats(value)):
            weak.append(name)
    return weak


def _repeats(value: str) -> bool:
    """A short pattern written several times ("0123456789abcdef" twice): as guessable as the pattern alone."""
    return any(value == (value[:n] * (len(value) // n + 1))[:len(value)] for n in range(1, len(value) // 2 + 1))


def data_key(settings: Settings) -> str:
    """DATA_ENCRYPTION_KEY alone: what the worker needs (Secrets.load would ask the web app's secrets too)."""
    return get_secret(settings, "DATA_ENCRYPTION_KEY")


@dataclass(frozen=True)
class Secrets:
    jwt: str
    pepper: str
    data_key: str

    @classmethod
    def load(cls, settings: Settings) -> Secrets:
        return cls(jwt=get_secret(settings, "JWT_SECRET", nbytes=48), pepper=get_secret(settings, "PASSWORD_PEPPER"),
                   data_key=get_secret(settings, "DATA_ENCRYPTION_KEY"))

# Test: pytest tests/meta/test_cli.py tests/meta/test_modes.py
