# app/demo_seed.py — what `nakksha seed-demo` finishes in Python after app_private.seed_demo: the demo's photo and bank details (the setup checklist done honestly) and its payments in the local gateway.
"""The SQL seed writes the demo consultant's page and history; three things need the app's own machinery:

* a profile photo: a generated portrait card, cleaned by app/images.py's clean_photo and stored in the media
  storage under the consultant's photo prefix, exactly as an upload is (app/routes/profile.py store_photo);
* bank details: encrypted with the data key (app/crypto.py, present.BANK_PURPOSE), as the bank settings page
  stores them;
* her PAN, encrypted (app/routes/tax.py PAN_PURPOSE) in place of the SQL seed's placeholder;
* in development and tests (schema dev exists), the seeded local-gateway payments and refunds recorded in the
  local gateway (dev.local_gateway_record_seed), so the admin's refunds of seeded sessions go through, and her
  payout account submitted, so the worker onboards her to the local Route and pays her past sessions out.
"""
from __future__ import annotations

import asyncio
import io
import uuid

import psycopg
from PIL import Image, ImageDraw, ImageFont

from app import present
from app.adapters.storage import storage_from_env
from app.config import Settings
from app.crypto import encrypt
from app.images import clean_photo
from app.routes.tax import PAN_PURPOSE
from app.secrets import data_key

# Demo values only: a made-up account at a real bank's IFSC shape.
DEMO_BANK = {"bank_name": "HDFC Bank", "account_number": "50100123456789", "ifsc_code": "HDFC0001234"}
DEMO_PAN = "ABCPV1234K"  # made up, of a person's shape (its last four are in the SQL seed)


def portrait(initials: str, size: int = 480) -> bytes:
    """A square portrait card (initials on a warm background), as PNG."""
    img = Image.new("RGB", (size, size), (38, 70, 83))
    draw = ImageDraw.Draw(img)
    draw.ellipse((size * 0.08, size * 0.08, size * 0.92, size * 0.92), fill=(231, 111, 81))
    font = ImageFont.load_default(size=size // 3)
    draw.text((size / 2, size / 2), initials, fill=(255, 255, 255), font=font, anchor="mm")
    out = io.BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()


def finish_demo(conn: psycopg.Connection, consultant_id: str, settings: Settings) -> None:
    """Photo, bank details and local-gateway payments of the just-seeded demo consultant (the caller commits)."""
    from app.routes.profile import photo_prefix

    cleaned, content_type, ext = clean_photo(portrait("AV"))
    key = f"{photo_prefix(consultant_id)}{uuid.uuid4().hex}.{ext}"
    url = asyncio.run(storage_from_env(settings.data_dir).put(key, cleaned, content_type))
    secret = data_key(settings)
    conn.execute(
        "update app.consultants set profile_photo_url = %s, bank_name = %s, bank_account_number_encrypted = %s,"
        " ifsc_code_encrypted = %s where id = %s",
        (url, DEMO_BANK["bank_name"], encrypt(secret, present.BANK_PURPOSE, DEMO_BANK["account_number"]),
         encrypt(secret, present.BANK_PURPOSE, DEMO_BANK["ifsc_code"]), consultant_id))
    conn.execute("update app.consultant_tax_profiles set pan_encrypted = %s where consultant_id = %s",
                 (encrypt(secret, PAN_PURPOSE, DEMO_PAN), consultant_id))
    if conn.execute("select to_regprocedure('dev.local_gateway_record_seed(uuid)') is not null").fetchone()[0]:
        conn.execute("select dev.local_gateway_record_seed(%s)", (consultant_id,))
        # Offline (the local gateway): her payout account submitted with the terms accepted, as the bank page
        # does; the worker onboards it to the local Route within a minute or two, it activates itself, and the
        # transfer sweep then moves her past payments to it (held, released after the sessions, settled).
        conn.execute("insert into app.payout_accounts (consultant_id, business_type, contact_name, beneficiary_name, "
                     "terms_accepted_at) values (%s, 'individual', 'Asha Verma', 'Asha Verma', now()) "
                     "on conflict (consultant_id) do nothing", (consultant_id,))

# Test: pytest tests/meta/test_demo_seed.py tests/meta/test_cli.py
