# app/passwords.py — password hashing: HMAC-SHA256 under a server-side pepper, then bcrypt (cost from BCRYPT_ROUNDS).
"""bcrypt reads only 72 bytes, so a long password would be silently truncated. Pre-hashing with
HMAC-SHA256 (base64, 44 bytes) keeps every character significant, and the pepper (kept outside the
database) means a stolen table alone cannot be brute-forced. Passwords longer than 128 characters are
refused with a clear error rather than accepted partially."""
from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import os

import bcrypt

MIN_LENGTH = 10
MAX_LENGTH = 128


class PasswordError(ValueError):
    pass


def check_policy(password: str, user_inputs: tuple[str, ...] = ()) -> None:
    """At least 10 and at most 128 characters (any script), not a common password, not guessable from
    the person's own name or email (zxcvbn score 2 or more)."""
    if len(password) < MIN_LENGTH:
        raise PasswordError(f"Use at least {MIN_LENGTH} characters.")
    if len(password) > MAX_LENGTH:
        raise PasswordError(f"Use at most {MAX_LENGTH} characters.")
    if password.lower() in _common_passwords():
        raise PasswordError("This is one of the most common passwords; choose another.")
    from zxcvbn import zxcvbn

    if zxcvbn(password, user_inputs=[u for u in user_inputs if u], max_length=MAX_LENGTH)["score"] < 2:
        raise PasswordError("This password is too easy to guess; add more unrelated words or characters.")


@functools.lru_cache(maxsize=1)
def _common_passwords() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def _prehash(password: str, pepper: str) -> bytes:
    digest = hmac.new(pepper.encode(), password.encode("utf-8"), hashlib.sha256).digest()
    return base64.b64encode(digest)


def rounds() -> int:
    return int(os.environ.get("BCRYPT_ROUNDS", "12"))


def hash_password(password: str, pepper: str) -> str:
    """bcrypt of the peppered password; the caller checks the policy first (check_policy)."""
    if len(password) > MAX_LENGTH:
        raise PasswordError(f"Use at most {MAX_LENGTH} characters.")
    return bcrypt.hashpw(_prehash(password, pepper), bcrypt.gensalt(rounds())).decode()


def verify_password(password: str, hashed: str | None, pepper: str) -> bool:
    if hashed is None or len(password) > MAX_LENGTH:
        return False
    return bcrypt.checkpw(_prehash(password, pepper), hashed.encode())

# Test: pytest tests/meta/test_cli.py
