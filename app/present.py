# app/present.py — shaping rows from SQL into API answers: the consultant's account with bank details masked.
from __future__ import annotations

import base64

from app.crypto import DecryptionError, decrypt

BANK_PURPOSE = "bank_details"


def mask_account_number(number: str) -> str:
    return "X" * max(len(number) - 4, 0) + number[-4:]


def mask_ifsc(ifsc: str) -> str:
    # The bank code (first four letters) says which bank; the branch stays hidden.
    return ifsc[:4] + "0" + "X" * (len(ifsc) - 5)


def _decrypt_b64(data_key: str, value: str | None) -> str | None:
    if not value:
        return None
    try:
        return decrypt(data_key, BANK_PURPOSE, base64.b64decode(value))
    except (DecryptionError, ValueError):
        return None


def consultant(account: dict, data_key: str) -> dict:
    """The consultant's own account for the API: bank fields decrypted only to be masked."""
    out = dict(account)
    bank = out.pop("bank_details", None) or {}
    number = _decrypt_b64(data_key, bank.get("account_number_encrypted"))
    ifsc = _decrypt_b64(data_key, bank.get("ifsc_code_encrypted"))
    out["bank_details"] = {
        "bank_name": bank.get("bank_name"),
        "account_number_masked": mask_account_number(number) if number else None,
        "ifsc_code_masked": mask_ifsc(ifsc) if ifsc else None,
        "is_set": bool(number),
    }
    return out

# Test: pytest tests/http/test_profile.py
