# tests/http/test_profile.py — the consultant's own account: profile and settings, bank details, photo upload, export, deletion.
from __future__ import annotations

import io
import json
import os
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import asyncpg
import pytest
from PIL import ExifTags, Image

from app.crypto import decrypt
from app.openapi import iter_routes
from app.present import BANK_PURPOSE
from app.sql import _init_connection
from tests.db import factories
from tests.http.helpers import PASSWORD, auth, make_admin, mark_email_verified, signup_consultant

ME = "/api/v1/consultants/me"
PHOTO = "/api/v1/consultants/me/photo"


async def owner(db) -> asyncpg.Connection:
    conn = await db.connect("owner")
    await _init_connection(conn)
    return conn


@pytest.fixture
async def account(client) -> dict:
    """A freshly signed-up consultant: still pending, which must not matter for anything in this file."""
    return await signup_consultant(client, email="asha@example.com")


@pytest.fixture
def headers(account) -> dict[str, str]:
    return auth(account["access_token"])


REAUTH = {"current_password": PASSWORD}


async def export(client, headers, body=REAUTH):
    return await client.post(f"{ME}/export", headers=headers, json=body)


async def delete_account(client, headers, body=REAUTH):
    return await client.request("DELETE", ME, headers=headers, json=body)


def code_of(r) -> str:
    return r.json()["error"]["code"]


async def patch(client, headers, body: dict):
    return await client.patch(ME, headers=headers, json=body)


# --- GET / PATCH ------------------------------------------------------------------------------------------------

# field -> (value sent, where it shows in the answer). Every editable field, each read back.
ROUND_TRIPS = {
    "first_name": ("Ashwini", ("first_name",)),
    "last_name": ("Verma-Rao", ("last_name",)),
    "phone_country_code": ("+44", ("phone_country_code",)),
    "phone_number": ("7700900123", ("phone_number",)),
    "consultancy_sector": ("Career coaching", ("consultancy_sector",)),
    "personal_session_title": ("1:1 career review", ("personal_session_title",)),
    "webinar_session_title": ("Interview bootcamp", ("webinar_session_title",)),
    "description": ("Ten years in hiring.\nAsk me anything. नमस्ते", ("description",)),
    "experience_months": (126, ("experience_months",)),
    "instagram_url": ("https://www.instagram.com/asha.coach", ("instagram_url",)),
    "linkedin_url": ("https://in.linkedin.com/in/asha", ("linkedin_url",)),
    "twitter_url": ("https://x.com/asha", ("twitter_url",)),
    "slug": ("asha-careers", ("slug",)),
    "timezone": ("America/New_York", ("timezone",)),
    "min_notice_minutes": (240, ("booking_policy", "min_notice_minutes")),
    "max_days_ahead": (30, ("booking_policy", "max_days_ahead")),
    "buffer_minutes": (15, ("booking_policy", "buffer_minutes")),
    "hold_minutes": (20, ("booking_policy", "hold_minutes")),
    "cancellation_policy": ({"client_cutoff_hours": 6, "max_reschedules": 1,
                             "refund_ladder": [{"min_hours_before": 48, "percent": 100},
                                               {"min_hours_before": 12, "percent": 50},
                                               {"min_hours_before": 0, "percent": 0}]},
                            ("booking_policy", "cancellation_policy")),
    "default_meeting_platform": ("teams", ("default_meeting_platform",)),
    "zoom_link": ("https://us02web.zoom.us/j/123456789", ("meeting_links", "zoom")),
    "meet_link": ("https://meet.google.com/abc-defg-hij", ("meeting_links", "meet")),
    "teams_link": ("https://teams.microsoft.com/l/meetup-join/xyz", ("meeting_links", "teams")),
}


def at(doc: dict, path: tuple[str, ...]):
    for key in path:
        doc = doc[key]
    return doc


@pytest.mark.parametrize("field", sorted(ROUND_TRIPS))
async def test_each_field_round_trips_while_pending(client, headers, field):
    value, path = ROUND_TRIPS[field]
    before = (await client.get(ME, headers=headers)).json()["consultant"]
    assert before["approval_status"] == "pending"
    r = await patch(client, headers, {field: value})
    assert r.status_code == 200, r.text
    assert at(r.json()["consultant"], path) == value
    after = (await client.get(ME, headers=headers)).json()["consultant"]
    assert at(after, path) == value
    # Nothing else moved.
    for other, (_, other_path) in ROUND_TRIPS.items():
        if other != field and other_path[:1] != path[:1]:
            assert at(after, other_path) == at(before, other_path), other


async def test_a_patch_changes_only_the_fields_sent(client, headers):
    r = await patch(client, headers, {"consultancy_sector": "Tax", "experience_months": 12,
                                      "notification_preferences": {"quotation_viewed": False}})
    assert r.status_code == 200
    body = r.json()["consultant"]
    assert body["first_name"] == "Asha" and body["consultancy_sector"] == "Tax"
    # Preferences merge: the one sent changes, the others keep their values.
    assert body["notification_preferences"] == {"session_booked": True, "session_cancelled": True,
                                                "quotation_viewed": False, "quotation_responded": True,
                                                "session_rescheduled": True}
    r = await patch(client, headers, {})
    assert r.status_code == 200 and r.json()["consultant"]["consultancy_sector"] == "Tax"


async def test_null_clears_optional_fields(client, headers):
    optional = ["phone_country_code", "phone_number", "consultancy_sector", "personal_session_title",
                "webinar_session_title", "description", "experience_months", "instagram_url", "linkedin_url",
                "twitter_url", "hold_minutes", "zoom_link", "meet_link", "teams_link"]
    r = await patch(client, headers, {f: ROUND_TRIPS[f][0] for f in optional})
    assert r.status_code == 200, r.text
    r = await patch(client, headers, {f: None for f in optional})
    assert r.status_code == 200, r.text
    body = (await client.get(ME, headers=headers)).json()["consultant"]
    for f in optional:
        assert at(body, ROUND_TRIPS[f][1]) is None, f
    assert body["first_name"] == "Asha" and body["slug"]


@pytest.mark.parametrize("field", ["first_name", "last_name", "slug", "timezone", "personal_session_price",
                                   "webinar_session_price", "min_notice_minutes", "max_days_ahead", "buffer_minutes",
                                   "cancellation_policy", "default_meeting_platform", "notification_preferences"])
async def test_null_for_a_required_field_is_refused(client, headers, field):
    before = (await client.get(ME, headers=headers)).json()["consultant"]
    r = await patch(client, headers, {field: None, "consultancy_sector": "Should not land"})
    assert r.status_code == 422, r.text
    assert r.json()["error"]["field"] == field
    assert (await client.get(ME, headers=headers)).json()["consultant"] == before


@pytest.mark.parametrize("body, field", [
    ({"timezone": "Mars/Base"}, "timezone"),
    ({"timezone": "EST"}, "timezone"),
    ({"timezone": "+05:30"}, "timezone"),
    ({"timezone": "asia/kolkata"}, "timezone"),
    ({"slug": "Bad_Slug"}, "slug"),
    ({"slug": "ab"}, "slug"),
    ({"slug": "-asha"}, "slug"),
    ({"slug": "asha--verma"}, "slug"),
    ({"slug": "asha verma"}, "slug"),
    ({"slug": "x" * 61}, "slug"),
    ({"first_name": "   "}, "first_name"),
    ({"first_name": "x" * 101}, "first_name"),
    ({"phone_number": "12ab"}, "phone_number"),
    ({"phone_country_code": "91"}, "phone_country_code"),
    ({"instagram_url": "https://evil.com/asha"}, "instagram_url"),
    ({"instagram_url": "https://instagram.com.evil.com/asha"}, "instagram_url"),
    ({"instagram_url": "https://instagram.com@evil.com/asha"}, "instagram_url"),
    ({"instagram_url": "javascript:alert(1)//instagram.com"}, "instagram_url"),
    ({"linkedin_url": "https://evil.com/in/asha"}, "linkedin_url"),
    ({"twitter_url": "https://nottwitter.com/asha"}, "twitter_url"),
    ({"zoom_link": "http://zoom.us/j/1"}, "zoom_link"),
    ({"personal_session_price": 1499.555}, "personal_session_price"),
    ({"personal_session_price": -1}, "personal_session_price"),
    ({"personal_session_price": 100000000}, "personal_session_price"),
    ({"webinar_session_price": "free"}, "webinar_session_price"),
    ({"experience_months": "12"}, "experience_months"),
    ({"experience_months": -1}, "experience_months"),
    ({"min_notice_minutes": 43201}, "min_notice_minutes"),
    ({"buffer_minutes": 241}, "buffer_minutes"),
    ({"hold_minutes": 4}, "hold_minutes"),
    ({"default_meeting_platform": "skype"}, "default_meeting_platform"),
    ({"notification_preferences": {"session_booked": "yes"}}, "notification_preferences.session_booked"),
    ({"notification_preferences": {"marketing": True}}, "notification_preferences.marketing"),
    ({"approval_status": "approved"}, "approval_status"),
    ({"email": "new@example.com"}, "email"),
    ({"subscription_plan": "enterprise"}, "subscription_plan"),
    ({"profile_photo_url": "https://evil.com/x.png"}, "profile_photo_url"),
])
async def test_bad_values_are_refused_naming_the_field(client, headers, body, field):
    before = (await client.get(ME, headers=headers)).json()["consultant"]
    r = await patch(client, headers, body)
    assert r.status_code == 422, (body, r.text)
    assert r.json()["error"]["field"] == field
    assert (await client.get(ME, headers=headers)).json()["consultant"] == before


async def test_unknown_fields_are_refused(client, headers):
    r = await patch(client, headers, {"first_name": "Asha", "is_admin": True})
    assert r.status_code == 422 and code_of(r) == "unknown_field" and r.json()["error"]["field"] == "is_admin"
    r = await client.patch(ME, headers={**headers, "content-type": "application/x-www-form-urlencoded"},
                           content=b"first_name=Asha")
    assert r.status_code == 415


async def test_prices_keep_their_paise_exactly(client, headers, db, account):
    for price in ("1499.50", "1.01", "99999999.99", "0", "250"):
        r = await client.patch(ME, headers={**headers, "content-type": "application/json"},
                               content=f'{{"personal_session_price": {price}, "webinar_session_price": {price}}}')
        assert r.status_code == 200, (price, r.text)
        got = r.json()["consultant"]
        assert Decimal(str(got["personal_session_price"])) == Decimal(price)
        assert Decimal(str(got["webinar_session_price"])) == Decimal(price)
        conn = await owner(db)
        try:
            stored = await conn.fetchval("select personal_session_price from app.consultants where id = $1",
                                         uuid.UUID(account["consultant"]["id"]))
        finally:
            await conn.close()
        assert stored == Decimal(price)
    # Razorpay's smallest order is ₹1.00: a price between nothing and that could never be paid.
    for price in ("0.10", "0.99", '"0.50"'):
        r = await client.patch(ME, headers={**headers, "content-type": "application/json"},
                               content=f'{{"personal_session_price": {price}}}')
        assert (r.status_code, code_of(r)) == (422, "amount_below_minimum"), (price, r.text)


@pytest.mark.parametrize("ladder", [
    [{"min_hours_before": 2, "percent": 50}, {"min_hours_before": 24, "percent": 100}],   # hours rising
    [{"min_hours_before": 24, "percent": 50}, {"min_hours_before": 24, "percent": 40}],   # hours repeated
    [{"min_hours_before": 48, "percent": 50}, {"min_hours_before": 24, "percent": 80}],   # refund rising late
    [{"min_hours_before": 24, "percent": 101}],
    [{"min_hours_before": -1, "percent": 10}],
])
async def test_the_refund_ladder_must_descend(client, headers, ladder):
    r = await patch(client, headers, {"cancellation_policy": {"client_cutoff_hours": 2, "max_reschedules": 1,
                                                              "refund_ladder": ladder}})
    assert r.status_code == 422, r.text
    assert r.json()["error"]["field"].startswith("cancellation_policy")


async def test_cancellation_policy_needs_every_part(client, headers):
    r = await patch(client, headers, {"cancellation_policy": {"refund_ladder": []}})
    assert r.status_code == 422 and r.json()["error"]["field"].startswith("cancellation_policy.")
    r = await patch(client, headers, {"cancellation_policy": {"client_cutoff_hours": 0, "max_reschedules": 0,
                                                              "refund_ladder": []}})
    assert r.status_code == 200
    assert r.json()["consultant"]["booking_policy"]["cancellation_policy"]["refund_ladder"] == []


@pytest.mark.parametrize("slug", ["admin", "dashboard", "api", "pricing", "healthz", "auth"])
async def test_reserved_slugs_are_refused(client, headers, slug):
    r = await patch(client, headers, {"slug": slug})
    assert r.status_code == 422 and code_of(r) == "slug_reserved" and r.json()["error"]["field"] == "slug"


async def test_another_consultant_cannot_take_a_deleted_accounts_address(client, db, headers):
    """Deleting an account renames its page to deleted-<its id>: a live consultant taking that address first
    would keep the owner from ever deleting their account (an outside review found it)."""
    victim = await signup_consultant(client, email="victim@example.com")
    tag = victim["consultant"]["id"].replace("-", "")[:20]
    r = await patch(client, headers, {"slug": f"deleted-{tag}"})
    assert r.status_code == 422 and code_of(r) == "slug_reserved" and r.json()["error"]["field"] == "slug"
    r = await client.request("DELETE", "/api/v1/consultants/me", headers=auth(victim["access_token"]),
                             json={"current_password": PASSWORD})
    assert r.status_code in (200, 204), r.text
    owner = await asyncpg.connect(db.admin_url)
    try:
        assert await owner.fetchval("select slug from app.consultants where id = $1",
                                    uuid.UUID(victim["consultant"]["id"])) == f"deleted-{tag}"
    finally:
        await owner.close()
    # A name that reads "Deleted …" still signs up, under another address.
    other = await signup_consultant(client, email="deleted.person@example.com", first_name="Deleted",
                                    last_name="Person")
    assert other["consultant"]["slug"].startswith("consultant-deleted-person")


async def test_no_slug_can_shadow_a_path_the_app_routes(client, app, headers):
    # Walks the route table, so a future top-level route cannot be forgotten in the reserved list.
    segments = {path.strip("/").split("/")[0] for path, _ in iter_routes(app.routes)}
    segments |= {"static", "media"}
    checked = 0
    for segment in sorted(segments):
        if not (3 <= len(segment) <= 60 and segment.replace("-", "").isalnum() and segment == segment.lower()):
            continue
        checked += 1
        r = await patch(client, headers, {"slug": segment})
        assert r.status_code == 422, f"/{segment} is routed by the app but accepted as a slug"
    assert checked >= 4


async def test_a_taken_slug_is_409_and_a_free_one_moves(client, headers):
    other = await signup_consultant(client, first_name="Ravi", last_name="Kumar")
    r = await patch(client, headers, {"slug": other["consultant"]["slug"]})
    assert r.status_code == 409 and code_of(r) == "slug_taken" and r.json()["error"]["field"] == "slug"
    r = await patch(client, headers, {"slug": "asha-new"})
    assert r.status_code == 200 and r.json()["consultant"]["slug"] == "asha-new"
    # The old slug is free again for anyone.
    r = await client.patch(ME, headers=auth(other["access_token"]), json={"slug": "asha-verma"})
    assert r.status_code == 200


# --- bank details ------------------------------------------------------------------------------------------------

BANK = {"bank_name": "HDFC Bank", "account_number": "50100123451234", "ifsc_code": "HDFC0001234"}


async def test_bank_details_are_stored_encrypted_and_always_answered_masked(client, headers, db, account):
    r = await client.put(f"{ME}/bank-details", headers=headers, json=BANK)
    assert r.status_code == 200, r.text
    expected = {"bank_name": "HDFC Bank", "account_number_masked": "XXXXXXXXXX1234",
                "ifsc_code_masked": "HDFC0XXXXXX", "is_set": True}
    assert r.json()["consultant"]["bank_details"] == expected
    for text in (r.text, (await client.get(ME, headers=headers)).text,
                 (await export(client, headers)).text,
                 (await client.post("/api/v1/auth/login", json={"email": "asha@example.com",
                                                                "password": PASSWORD})).text,
                 (await client.get("/api/v1/auth/me", headers=headers)).text):
        assert "50100123451234" not in text and "HDFC0001234" not in text and "encrypted" not in text
    assert (await client.get(ME, headers=headers)).json()["consultant"]["bank_details"] == expected
    exported = (await export(client, headers)).json()
    assert exported["account"]["bank_details"] == expected

    conn = await owner(db)
    try:
        row = await conn.fetchrow("select bank_name, bank_account_number_encrypted, ifsc_code_encrypted, "
                                  "pg_typeof(bank_account_number_encrypted)::text as t from app.consultants "
                                  "where id = $1", uuid.UUID(account["consultant"]["id"]))
    finally:
        await conn.close()
    assert row["t"] == "bytea"
    number, ifsc = bytes(row["bank_account_number_encrypted"]), bytes(row["ifsc_code_encrypted"])
    for blob in (number, ifsc):
        assert b"50100123451234" not in blob and b"HDFC0001234" not in blob and b"1234" not in blob
    # Real ciphertext under the environment's key, not a scrambled copy.
    key = os.environ["DATA_ENCRYPTION_KEY"]
    assert decrypt(key, BANK_PURPOSE, number) == "50100123451234"
    assert decrypt(key, BANK_PURPOSE, ifsc) == "HDFC0001234"
    # Admins never see bank details at all.
    admin = await make_admin(db, client)
    r = await client.get(f"/api/v1/admin/consultants/{account['consultant']['id']}", headers=auth(admin))
    # (Only whether they are set, as a step of the setup checklist: tests/db/test_publishing.py.)
    body = r.json()
    assert "bank_details" not in body and "bank_name" not in r.text and "HDFC" not in r.text
    assert "1234" not in r.text.replace(account["consultant"]["id"], "")
    assert {s["item"]: s["done"] for s in body["setup"]}["bank"] is True


async def test_bank_details_are_normalised_and_replaced(client, headers):
    r = await client.put(f"{ME}/bank-details", headers=headers,
                         json={"bank_name": "State Bank", "account_number": "1234 5678 9012", "ifsc_code": " sbin0005678 "})
    assert r.status_code == 200, r.text
    assert r.json()["consultant"]["bank_details"]["account_number_masked"] == "XXXXXXXX9012"
    assert r.json()["consultant"]["bank_details"]["ifsc_code_masked"] == "SBIN0XXXXXX"
    r = await client.put(f"{ME}/bank-details", headers=headers, json=BANK)
    assert r.json()["consultant"]["bank_details"]["account_number_masked"].endswith("1234")


@pytest.mark.parametrize("change, field", [
    ({"ifsc_code": "HDFC1001234"}, "ifsc_code"),
    ({"ifsc_code": "HDF0001234"}, "ifsc_code"),
    ({"ifsc_code": "HDFC00012345"}, "ifsc_code"),
    ({"ifsc_code": "1234056789A"}, "ifsc_code"),
    ({"account_number": "12345678"}, "account_number"),
    ({"account_number": "1234567890123456789"}, "account_number"),
    ({"account_number": "12345ABC90"}, "account_number"),
    ({"account_number": 50100123451234}, "account_number"),
    ({"bank_name": ""}, "bank_name"),
    ({"bank_name": None}, "bank_name"),
    ({"branch": "Fort"}, "branch"),
])
async def test_bad_bank_details_are_refused(client, headers, change, field):
    r = await client.put(f"{ME}/bank-details", headers=headers, json={**BANK, **change})
    assert r.status_code == 422, r.text
    assert r.json()["error"]["field"] == field
    assert (await client.get(ME, headers=headers)).json()["consultant"]["bank_details"]["is_set"] is False


# --- photo -----------------------------------------------------------------------------------------------------------

def image_bytes(fmt: str, size=(64, 48), color=(200, 30, 90), **save) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, format=fmt, **save)
    return buf.getvalue()


async def upload(client, headers, data: bytes, filename: str = "me.png", content_type: str = "image/png",
                 field: str = "photo"):
    return await client.post(PHOTO, headers=headers, files={field: (filename, data, content_type)})


async def served(client, url: str) -> tuple[bytes, str]:
    assert url.startswith("/media/")
    r = await client.get(url)
    assert r.status_code == 200
    return r.content, r.headers["content-type"]


@pytest.mark.parametrize("fmt, ext, mime", [("PNG", "png", "image/png"), ("JPEG", "jpg", "image/jpeg"),
                                            ("WEBP", "webp", "image/webp")])
async def test_a_real_image_is_stored_and_served(client, headers, account, fmt, ext, mime):
    r = await upload(client, headers, image_bytes(fmt), f"me.{ext}", mime)
    assert r.status_code == 200, r.text
    url = r.json()["consultant"]["profile_photo_url"]
    assert url.startswith(f"/media/photos/{account['consultant']['id']}/") and url.endswith(f".{ext}")
    assert (await client.get(ME, headers=headers)).json()["consultant"]["profile_photo_url"] == url
    content, content_type = await served(client, url)
    assert content_type == mime
    with Image.open(io.BytesIO(content)) as img:
        assert img.format == fmt and img.size == (64, 48)


async def test_the_format_comes_from_the_content_not_the_name(client, headers):
    r = await upload(client, headers, image_bytes("JPEG"), "me.png", "image/png")
    assert r.status_code == 200
    url = r.json()["consultant"]["profile_photo_url"]
    assert url.endswith(".jpg")
    content, _ = await served(client, url)
    assert Image.open(io.BytesIO(content)).format == "JPEG"


async def test_exif_gps_and_camera_data_are_stripped_and_orientation_applied(client, headers):
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "SpyCam"
    exif[ExifTags.Base.Orientation] = 6  # rotate 90° when shown
    exif[ExifTags.Base.GPSInfo] = {ExifTags.GPS.GPSLatitudeRef: "N", ExifTags.GPS.GPSLatitude: (19.0, 4.0, 35.0),
                                   ExifTags.GPS.GPSLongitudeRef: "E", ExifTags.GPS.GPSLongitude: (72.0, 52.0, 40.0)}
    data = image_bytes("JPEG", size=(80, 40), exif=exif)
    with Image.open(io.BytesIO(data)) as original:  # the test image really carries the data
        assert original.getexif().get_ifd(ExifTags.IFD.GPSInfo)
        assert original.getexif()[ExifTags.Base.Make] == "SpyCam"
    r = await upload(client, headers, data, "holiday.jpg", "image/jpeg")
    assert r.status_code == 200, r.text
    content, _ = await served(client, r.json()["consultant"]["profile_photo_url"])
    with Image.open(io.BytesIO(content)) as img:
        exif_out = img.getexif()
        assert not exif_out.get_ifd(ExifTags.IFD.GPSInfo)
        assert ExifTags.Base.GPSInfo not in exif_out and ExifTags.Base.Make not in exif_out
        assert img.size == (40, 80)  # the orientation was applied, then dropped
    assert b"SpyCam" not in content


@pytest.mark.parametrize("data", [
    b"hello, I am a text file\n" * 20,
    b"\x89PNG\r\n\x1a\n" + os.urandom(2000),
    image_bytes("PNG")[:60],                                     # truncated
    b"GIF89a" + image_bytes("PNG")[6:],
    b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
], ids=["text", "png-header-junk", "truncated", "gif", "svg"])
async def test_files_that_are_not_a_supported_image_are_415(client, headers, data):
    r = await upload(client, headers, data, "me.png", "image/png")
    assert r.status_code == 415, r.text
    assert code_of(r) == "unsupported_media_type"
    assert (await client.get(ME, headers=headers)).json()["consultant"]["profile_photo_url"] is None


async def test_a_gif_made_by_pillow_is_415(client, headers):
    r = await upload(client, headers, image_bytes("GIF"), "me.gif", "image/gif")
    assert r.status_code == 415


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
async def test_decompression_bombs_are_refused(client, headers):
    # Tiny on the wire, 50 million pixels once decoded.
    buf = io.BytesIO()
    Image.new("L", (10000, 5000)).save(buf, format="PNG", optimize=True)
    assert len(buf.getvalue()) < 1024 * 1024
    r = await upload(client, headers, buf.getvalue())
    assert r.status_code in (413, 415), r.text
    assert (await client.get(ME, headers=headers)).json()["consultant"]["profile_photo_url"] is None


@pytest.mark.parametrize("size", [5 * 1024 * 1024 + 1, 6 * 1024 * 1024])
async def test_photos_over_5_mb_are_413(client, headers, size):
    data = image_bytes("PNG")
    data += b"\0" * (size - len(data))
    r = await upload(client, headers, data)
    assert r.status_code == 413, r.text
    assert code_of(r) == "payload_too_large"


async def test_the_photo_field_must_be_a_file_in_a_multipart_body(client, headers):
    r = await upload(client, headers, image_bytes("PNG"), field="image")
    assert r.status_code == 422 and code_of(r) == "missing_field" and r.json()["error"]["field"] == "photo"
    r = await client.post(PHOTO, headers=headers, data={"photo": "not a file"})
    assert r.status_code in (415, 422)
    r = await client.post(PHOTO, headers=headers, data={"photo": "not a file"},
                          files={"other": ("x.txt", b"x", "text/plain")})
    assert r.status_code == 422 and r.json()["error"]["field"] == "photo"
    r = await client.post(PHOTO, headers=headers, json={"photo": "aGVsbG8="})
    assert r.status_code == 415 and code_of(r) == "unsupported_media_type"
    r = await client.post(PHOTO, headers={**headers, "content-type": "image/png"}, content=image_bytes("PNG"))
    assert r.status_code == 415
    assert (await client.post(PHOTO, files={"photo": ("me.png", image_bytes("PNG"), "image/png")})).status_code == 401


# --- export ------------------------------------------------------------------------------------------------------------

async def test_export_holds_the_consultants_own_data_and_no_secrets(client, headers, db, account):
    cid = uuid.UUID(account["consultant"]["id"])
    # Another consultant's business must not leak into this export.
    stranger = await signup_consultant(client, email="stranger@example.com")
    conn = await owner(db)
    try:
        client_id = await factories.client(conn, cid, email="priya@example.com")
        session_id = await factories.session(conn, cid, client_id, amount="2499.50")
        await conn.execute("update app.sessions set manage_token_hash = $1 where id = $2", os.urandom(32), session_id)
        payment_id = await factories.payment(conn, cid, session_id=session_id, client_id=client_id, amount="2499.50")
        refund_id = await factories.refund(conn, cid, payment_id, amount="500.00")
        quotation_id = await factories.quotation(conn, cid, client_id=client_id)
        rule_id = await factories.availability_rule(conn, cid)
        await factories.daily_analytics(conn, cid)
        other_id = uuid.UUID(stranger["consultant"]["id"])
        other_client = await factories.client(conn, other_id, email="not-mine@example.com")
        await factories.session(conn, other_id, other_client)
        password_hash = await conn.fetchval("select password_hash from app.consultants where id = $1", cid)
        token_hashes = [bytes(r[0]) for r in await conn.fetch(
            "select t.token_hash from app.refresh_tokens t join app.refresh_token_families f on f.id = t.family_id "
            "where f.consultant_id = $1 union all select token_hash from app.one_time_tokens where consultant_id = $1",
            cid)]
    finally:
        await conn.close()
    assert token_hashes

    r = await export(client, headers)
    assert r.status_code == 200, r.text
    assert "attachment" in r.headers["content-disposition"]
    data = r.json()
    for key in ("account", "sessions", "clients", "payments", "refunds", "quotations", "availability_rules",
                "availability_slots", "availability_blocks", "emails", "sessions_log", "daily_analytics"):
        assert key in data, key
    assert data["account"]["id"] == str(cid) and data["account"]["email"] == "asha@example.com"
    assert [c["id"] for c in data["clients"]] == [str(client_id)]
    assert [s["id"] for s in data["sessions"]] == [str(session_id)]
    assert [p["id"] for p in data["payments"]] == [str(payment_id)]
    assert Decimal(str(data["payments"][0]["amount"])) == Decimal("2499.50")
    assert [p["id"] for p in data["refunds"]] == [str(refund_id)]
    assert [q["id"] for q in data["quotations"]] == [str(quotation_id)]
    assert [a["id"] for a in data["availability_rules"]] == [str(rule_id)]
    assert len(data["daily_analytics"]) == 1
    assert any(e["email_type"] == "verify_email" for e in data["emails"])
    assert len(data["sessions_log"]) == 1

    text = r.text
    assert "not-mine@example.com" not in text and "stranger@example.com" not in text
    for secret in ("password_hash", "token_hash", "phone_hash", "phone_encrypted", "verify_url", "template_data",
                   "account_number_encrypted", password_hash):
        assert secret not in text, secret
    for h in token_hashes:
        assert h.hex() not in text and h.hex().upper() not in text
        assert json.dumps(h.hex()) not in text


async def test_export_needs_a_consultant(client, db):
    assert (await export(client, {})).status_code == 401
    admin = await make_admin(db, client)
    assert (await export(client, auth(admin))).status_code == 403


async def test_export_is_a_post_with_the_current_password(client, headers):
    # A stolen access token alone no longer takes everything away (clients, payments, emails).
    assert (await client.get(f"{ME}/export", headers=headers)).status_code == 405
    assert (await export(client, headers, {})).status_code == 422
    wrong = await export(client, headers, {"current_password": "not my password at all"})
    assert wrong.status_code == 403 and code_of(wrong) == "wrong_password"
    assert wrong.json()["error"]["field"] == "current_password" and "clients" not in wrong.text
    r = await export(client, headers)
    assert r.status_code == 200 and r.json()["account"]["email"] == "asha@example.com"


async def test_guesses_at_the_current_password_share_one_budget_per_account(client, headers):
    wrong = {"current_password": "a wrong guess 1"}
    answers = [(await export(client, headers, wrong)).status_code, (await delete_account(client, headers, wrong)).status_code,
               (await client.post("/api/v1/auth/change-password", headers=headers,
                                  json={**wrong, "new_password": "a brand new secret 9"})).status_code,
               (await export(client, headers, wrong)).status_code, (await delete_account(client, headers, wrong)).status_code]
    assert answers == [403, 403, 400, 403, 403]
    # The sixth guess waits, whichever door it knocks on, even with the right password.
    r = await delete_account(client, headers)
    assert r.status_code == 429 and int(r.headers["retry-after"]) > 0
    assert (await client.get(ME, headers=headers)).status_code == 200


# --- deletion ----------------------------------------------------------------------------------------------------------

async def test_delete_anonymises_the_account_keeps_payments_and_frees_the_email(client, headers, db, account):
    cid = uuid.UUID(account["consultant"]["id"])
    old_slug = account["consultant"]["slug"]
    await client.put(f"{ME}/bank-details", headers=headers, json=BANK)
    await patch(client, headers, {"description": "About me", "instagram_url": "https://instagram.com/asha"})
    await mark_email_verified(db, cid)
    psql_admin = await db.connect("admin")
    try:  # approved by an administrator from psql: the approval mail is queued to the consultant
        await psql_admin.execute("select api.approve_consultant($1)", cid)
    finally:
        await psql_admin.close()
    conn = await owner(db)
    try:
        client_id = await factories.client(conn, cid, email="priya@example.com")
        await factories.email_log(conn, cid, email_type="session_booked", recipient_email="priya@example.com",
                                  recipient_name="Priya", client_id=client_id)
        # A session that already happened: its records stay as they are (upcoming ones are cancelled and
        # refunded: tests/jobs/test_account_deletion.py).
        session_id = await factories.session(conn, cid, client_id, starts_at=datetime.now(UTC) - timedelta(days=2),
                                             status="completed")
        payment_id = await factories.payment(conn, cid, session_id=session_id, client_id=client_id, amount="1499.50")
        await factories.refund(conn, cid, payment_id, amount="100.00")
        payments_before = [dict(r) for r in await conn.fetch(
            "select * from app.payment_transactions where consultant_id = $1 order by id", cid)]
        refunds_before = [dict(r) for r in await conn.fetch(
            "select * from app.payment_refunds where consultant_id = $1 order by id", cid)]
    finally:
        await conn.close()

    for body in (None, {}, {"current_password": "not my password at all"}):
        r = await client.request("DELETE", ME, headers=headers, json=body)
        assert r.status_code in (403, 415, 422), body  # a bearer token alone deletes nothing
    assert (await client.get(ME, headers=headers)).status_code == 200
    r = await delete_account(client, headers)
    assert r.status_code == 204 and r.content == b""

    login = await client.post("/api/v1/auth/login", json={"email": "asha@example.com", "password": PASSWORD})
    assert login.status_code == 401 and code_of(login) == "invalid_credentials"
    r = await client.post("/api/v1/auth/refresh", json={"refresh_token": account["refresh_token"]})
    assert r.status_code == 401
    for method, path in (("GET", ME), ("POST", f"{ME}/export"), ("DELETE", ME), ("GET", "/api/v1/auth/me")):
        assert (await client.request(method, path, headers=headers, json=REAUTH)).status_code == 401, path

    conn = await owner(db)
    try:
        row = dict(await conn.fetchrow("select * from app.consultants where id = $1", cid))
        payments_after = [dict(r) for r in await conn.fetch(
            "select * from app.payment_transactions where consultant_id = $1 order by id", cid)]
        refunds_after = [dict(r) for r in await conn.fetch(
            "select * from app.payment_refunds where consultant_id = $1 order by id", cid)]
        sessions = await conn.fetchval("select count(*) from app.sessions where consultant_id = $1", cid)
        live_families = await conn.fetchval("select count(*) from app.refresh_token_families "
                                            "where consultant_id = $1 and revoked_at is null", cid)
        family_meta = await conn.fetchval("select count(*) from app.refresh_token_families "
                                          "where consultant_id = $1 and (ip is not null or user_agent is not null)", cid)
        mail = [dict(r) for r in await conn.fetch(
            "select email_type, recipient_email::text, recipient_name, template_data, status "
            "from app.email_logs where consultant_id = $1", cid)]
        mail_to_client = await conn.fetchval("select count(*) from app.email_logs where consultant_id = $1 "
                                             "and recipient_email = 'priya@example.com'", cid)
    finally:
        await conn.close()
    assert row["password_hash"] is None and row["deleted_at"] is not None and row["is_active"] is False
    assert "asha" not in str(row["email"]).lower() and str(row["email"]).endswith(".invalid")
    assert (row["first_name"], row["last_name"]) == ("Deleted", "Consultant")
    personal = ("phone_country_code", "phone_number", "description", "instagram_url", "profile_photo_url")
    assert {k: row[k] for k in personal} == dict.fromkeys(personal)
    # Money is still open (a payment owed to them, a refund pending): the bank details it is paid with stay
    # until it is settled (tests/jobs/test_route_transfers.py erases them after).
    assert row["bank_name"] == "HDFC Bank" and row["bank_account_number_encrypted"] is not None
    assert row["slug"] != old_slug
    assert payments_after == payments_before and len(payments_after) == 1
    assert refunds_after == refunds_before and len(refunds_after) == 1
    assert sessions == 1 and live_families == 0 and family_meta == 0
    # The mail log keeps what was sent to the account, not who it was: no address, name or links, and
    # nothing still queued goes out. Mail to the consultant's clients is the business's record and stays.
    assert {m["email_type"] for m in mail} >= {"verify_email", "account_approved"}
    for m in mail:
        if m["email_type"] != "session_booked":
            assert "asha" not in json.dumps(m, default=str).lower(), m
            assert m["status"] != "queued"
    assert mail_to_client == 1

    # The address (and the page address) are free for a new account.
    again = await signup_consultant(client, email="asha@example.com")
    assert again["consultant"]["id"] != str(cid)
    assert again["consultant"]["slug"] == old_slug
    login = await client.post("/api/v1/auth/login", json={"email": "asha@example.com", "password": PASSWORD})
    assert login.status_code == 200 and login.json()["consultant"]["id"] == again["consultant"]["id"]
    # Admins no longer list the deleted account.
    admin = await make_admin(db, client)
    listed = (await client.get("/api/v1/admin/consultants", headers=auth(admin))).json()
    assert str(cid) not in {i["id"] for i in listed["items"]}
    assert (await client.get(f"/api/v1/admin/consultants/{cid}", headers=auth(admin))).status_code == 404


async def test_replaced_and_deleted_photos_stop_being_served(client, headers):
    first = (await upload(client, headers, image_bytes("PNG"))).json()["consultant"]["profile_photo_url"]
    second = (await upload(client, headers, image_bytes("JPEG"), "me.jpg", "image/jpeg")).json()["consultant"]["profile_photo_url"]
    assert first != second
    assert (await client.get(first)).status_code == 404
    assert (await client.get(second)).status_code == 200
    assert (await delete_account(client, headers)).status_code == 204
    assert (await client.get(second)).status_code == 404

# Test: pytest tests/http/test_profile.py
