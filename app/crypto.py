# app/crypto.py — encryption at rest (AES-256-GCM) and keyed hashes, under keys derived from DATA_ENCRYPTION_KEY.
"""One secret from the environment; a separate key per purpose is derived from it with HKDF, and the
purpose is also bound as associated data, so a bank-account ciphertext can never be passed off as an
email link or a phone number. Ciphertext layout: version byte, 12-byte nonce, AES-GCM output."""
from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

VERSION = b"\x01"


class DecryptionError(ValueError):
    pass


@functools.lru_cache(maxsize=32)
def _key(secret: str, purpose: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"nakksha", info=purpose.encode()).derive(secret.encode())


def encrypt(secret: str, purpose: str, plaintext: str) -> bytes:
    nonce = os.urandom(12)
    return VERSION + nonce + AESGCM(_key(secret, purpose)).encrypt(nonce, plaintext.encode(), purpose.encode())


def decrypt(secret: str, purpose: str, blob: bytes) -> str:
    if len(blob) < 1 + 12 + 16 or blob[:1] != VERSION:
        raise DecryptionError("not a Nakksha ciphertext")
    try:
        return AESGCM(_key(secret, purpose)).decrypt(blob[1:13], blob[13:], purpose.encode()).decode()
    except InvalidTag as exc:
        raise DecryptionError("ciphertext does not verify") from exc


def encrypt_text(secret: str, purpose: str, plaintext: str) -> str:
    return base64.urlsafe_b64encode(encrypt(secret, purpose, plaintext)).decode()


def decrypt_text(secret: str, purpose: str, text: str) -> str:
    try:
        blob = base64.urlsafe_b64decode(text.encode())
    except ValueError as exc:
        raise DecryptionError("not base64") from exc
    return decrypt(secret, purpose, blob)


def keyed_hash(secret: str, purpose: str, value: str) -> bytes:
    """HMAC-SHA256: equal inputs give equal hashes (exact-match search) without storing the value."""
    return hmac.new(_key(secret, "hash:" + purpose), value.encode(), hashlib.sha256).digest()

# Test: pytest tests/http/test_profile.py
