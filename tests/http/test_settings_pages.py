# tests/http/test_settings_pages.py — the consultant's settings pages over HTTP: every page for a pending and an approved consultant, each form changing the database, CSRF, errors shown again with the typed values, bank details never in clear, photo checks.
from __future__ import annotations

import io
import json
import uuid
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from PIL import Image

from app.static_files import static_url
from tests.http.helpers import PASSWORD, auth, signup_consultant
from tests.http.test_booking import approved_consultant
from tests.http.test_pages import HTML, csrf_of, sign_in

S = "/dashboard/settings"
NOBODY = "00000000-0000-4000-8000-000000000000"  # an id nothing has (fixed: xdist workers must collect the same tests)
PAGES = ["", "/profile", "/availability", "/policy", "/bank", "/tax", "/meetings", "/reminders", "/notifications",
         "/account"]


async def pending(client) -> dict:
    """A consultant just signed up (awaiting approval), signed in on the pages."""
    account = await signup_consultant(client)
    me = account["consultant"]
    assert (await sign_in(client, me["email"], PASSWORD)).status_code == 303
    return {**me, "headers": auth(account["access_token"]), "refresh": account["refresh_token"]}


async def approved(client, db) -> dict:
    c = await approved_consultant(client, db)
    me = (await client.get("/api/v1/auth/me", headers=c["headers"])).json()["consultant"]
    assert (await sign_in(client, me["email"], PASSWORD)).status_code == 303
    return {**me, **c}


async def owner_row(db, sql: str, *args):
    conn = await db.connect("owner")
    try:
        return await conn.fetchrow(sql, *args)
    finally:
        await conn.close()


async def submit(client, path: str, data: dict, *, page: str | None = None, files=None):
    """Open the page the form is on (for its CSRF token), then post the form as a browser would."""
    shown = await client.get(S + (path if page is None else page), headers=HTML)
    assert shown.status_code == 200, shown.text
    return await client.post(S + path, data={"csrf_token": csrf_of(shown.text), **data}, files=files, headers=HTML)


def consultant_row(db, cid):
    return owner_row(db, "select * from app.consultants where id = $1", uuid.UUID(cid))


def tomorrow(zone: str = "Asia/Kolkata") -> date:
    return datetime.now(ZoneInfo(zone)).date() + timedelta(days=1)


PROFILE = {"first_name": "Asha", "last_name": "Verma", "consultancy_sector": "GST for small firms",
           "experience_years": "2.5", "description": "Line one\r\nLine two", "personal_session_title": "Tax review",
           "personal_session_price": "₹1,999.50", "webinar_session_title": "", "webinar_session_price": "499",
           "linkedin_url": "https://www.linkedin.com/in/asha", "instagram_url": "", "twitter_url": "",
           "phone_country_code": "+91", "phone_number": "9876543210", "timezone": "Asia/Dubai"}


# --- every page ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("status", ["pending", "approved"])
async def test_every_settings_page_opens_for_a_pending_and_an_approved_consultant(client, db, status):
    me = await pending(client) if status == "pending" else await approved(client, db)
    for path in PAGES:
        r = await client.get(S + path, headers=HTML)
        assert r.status_code == 200, (path, r.text)
        assert static_url("settings.css") in r.text and 'aria-label="Settings"' in r.text and "<h1" in r.text, path
        assert f'<a href="{S + path}" aria-current="page"' in r.text, path
    profile = (await client.get(S + "/profile", headers=HTML)).text
    if status == "pending":
        assert "Not public yet" in profile and "View my page" not in profile
        assert "awaiting approval" in (await client.get(S, headers=HTML)).text
        assert "/dashboard/sessions" not in profile  # still nothing but the approval screen and settings
    else:
        assert "Not public yet" not in profile and f'href="/{me["slug"]}"' in profile and "View my page" in profile
    assert "₹" in profile  # prices in rupees


async def test_settings_need_a_signed_in_consultant(client, db):
    for path in PAGES:
        r = await client.get(S + path, headers=HTML)
        assert r.status_code == 303 and r.headers["location"] == f"/auth/login?next={S + path}", path
    r = await client.post(S + "/profile", data={"first_name": "X"}, headers=HTML)
    assert r.status_code == 303 and r.headers["location"].startswith("/auth/login")


@pytest.mark.parametrize("path", ["/profile", "/profile/photo", "/availability/rules", "/availability/slots",
                                  "/availability/blocks", f"/availability/rules/{NOBODY}/delete",
                                  f"/availability/slots/{NOBODY}/delete",
                                  f"/availability/blocks/{NOBODY}/delete", "/policy", "/bank", "/tax", "/meetings",
                                  "/reminders", "/notifications", "/account/password", "/account/export", "/account/delete"])
async def test_every_settings_form_refuses_a_post_without_its_csrf_token(client, db, path):
    me = await pending(client)
    await client.get(S, headers=HTML)  # the browser holds a CSRF cookie…
    for token in (None, "x" * 32):  # …but the post carries no token, or another one
        data = {"first_name": "Forged", "confirm_email": me["email"], "current_password": PASSWORD,
                **({"csrf_token": token} if token else {})}
        files = None
        if path == "/profile/photo":  # a multipart form with the photo, as the page sends it
            data, files = {k: v for k, v in data.items() if k == "csrf_token"}, {"photo": ("me.png", image_bytes(), "image/png")}
        r = await client.post(S + path, data=data, files=files, headers=HTML)
        assert r.status_code == 403 and "did not come from this site" in r.text, path
    row = await consultant_row(db, me["id"])
    assert row["first_name"] == "Asha" and row["deleted_at"] is None and row["profile_photo_url"] is None


# --- profile and photo --------------------------------------------------------------------------------

async def test_the_profile_form_saves_and_an_emptied_optional_field_is_cleared(client, db):
    me = await pending(client)
    slug = f"asha-gst-{uuid.uuid4().hex[:6]}"
    r = await submit(client, "/profile", {**PROFILE, "slug": slug})
    assert r.status_code == 303 and r.headers["location"] == f"{S}/profile?done=profile"
    row = await consultant_row(db, me["id"])
    assert (row["consultancy_sector"], row["experience_months"], row["slug"], row["timezone"]) == (
        "GST for small firms", 30, slug, "Asia/Dubai")
    assert row["personal_session_price"] == Decimal("1999.50") and row["webinar_session_price"] == Decimal("499")
    assert row["linkedin_url"] == "https://www.linkedin.com/in/asha" and row["description"] == "Line one\r\nLine two"
    page = (await client.get(f"{S}/profile?done=profile", headers=HTML)).text
    assert "Your profile is saved." in page and "₹1,999.50" in page and f"/{slug}" in page and 'value="2.5"' in page
    # Emptying an optional field clears it; the others stay.
    r = await submit(client, "/profile", {**PROFILE, "slug": slug, "consultancy_sector": "", "linkedin_url": ""})
    assert r.status_code == 303
    row = await consultant_row(db, me["id"])
    assert row["consultancy_sector"] is None and row["linkedin_url"] is None and row["experience_months"] == 30


async def test_profile_errors_show_the_form_again_with_the_message_and_what_was_typed(client, db):
    other = await signup_consultant(client)
    me = await pending(client)
    r = await submit(client, "/profile", {**PROFILE, "slug": me["slug"], "first_name": "Typed Name",
                                          "linkedin_url": "https://evil.example/in/asha"})
    assert r.status_code == 422 and 'role="alert"' in r.text
    assert "Enter your LinkedIn link, like https://www.linkedin.com/in/your-name." in r.text
    assert 'value="Typed Name"' in r.text and 'value="https://evil.example/in/asha"' in r.text
    assert 'id="main-linkedin_url" name="linkedin_url" type="url" value="https://evil.example/in/asha" inputmode="url" aria-invalid="true" aria-describedby="main-linkedin_url-error main-linkedin_url-hint"' in r.text
    assert (await consultant_row(db, me["id"]))["first_name"] == "Asha"  # nothing saved
    # Taken by someone else: the database's answer, on the form.
    r = await submit(client, "/profile", {**PROFILE, "slug": other["consultant"]["slug"]})
    assert r.status_code == 409 and "This page address is taken." in r.text
    r = await submit(client, "/profile", {**PROFILE, "slug": "Not A Slug"})
    assert r.status_code == 422 and "Page address can use lowercase letters, digits and single hyphens" in r.text
    r = await submit(client, "/profile", {**PROFILE, "slug": me["slug"], "first_name": "  "})
    assert r.status_code == 422 and "Enter your first name." in r.text
    r = await submit(client, "/profile", {**PROFILE, "slug": me["slug"], "experience_years": "lots"})
    assert r.status_code == 422 and "Experience must be a number of years from 0 to 100" in r.text
    assert 'value="lots"' in r.text


def image_bytes(fmt: str = "PNG") -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 90)).save(buf, format=fmt)
    return buf.getvalue()


async def test_the_photo_form_takes_an_image_and_refuses_anything_else(client, db):
    me = await pending(client)
    r = await submit(client, "/profile/photo", {}, page="/profile",
                     files={"photo": ("me.png", b"<svg xmlns='http://www.w3.org/2000/svg'/>", "image/png")})
    assert r.status_code == 415 and "Upload a JPEG, PNG or WebP image." in r.text and 'role="alert"' in r.text
    assert "Save profile" in r.text  # the profile page again, not an error page
    r = await submit(client, "/profile/photo", {}, page="/profile", files={"photo": ("", b"", "application/octet-stream")})
    assert r.status_code == 422 and "Choose a photo to upload." in r.text
    assert (await consultant_row(db, me["id"]))["profile_photo_url"] is None
    r = await submit(client, "/profile/photo", {}, page="/profile", files={"photo": ("me.jpg", image_bytes("PNG"), "image/jpeg")})
    assert r.status_code == 303 and r.headers["location"] == f"{S}/profile?done=photo"
    url = (await consultant_row(db, me["id"]))["profile_photo_url"]
    assert url.startswith(f"/media/photos/{me['id']}/") and url.endswith(".png")  # sniffed, not the name
    page = (await client.get(f"{S}/profile?done=photo", headers=HTML)).text
    assert f'src="{url}"' in page and "Your new photo is up." in page
    served = await client.get(url)
    assert served.status_code == 200 and Image.open(io.BytesIO(served.content)).format == "PNG"


# --- availability -------------------------------------------------------------------------------------

async def rule_count(db, cid) -> int:
    return (await owner_row(db, "select count(*) from app.availability_rules where consultant_id = $1",
                            uuid.UUID(cid)))[0]


async def test_weekly_hours_are_added_for_each_day_chosen_and_deleted_after_a_confirmation(client, db):
    me = await pending(client)
    r = await submit(client, "/availability/rules", {"weekday_1": "1", "weekday_3": "1", "session_type": "personal",
                                                    "start_time": "09:00", "end_time": "12:00", "slot_minutes": "60"},
                     page="/availability")
    assert r.status_code == 303 and r.headers["location"] == f"{S}/availability?done=rules_added&n=2"
    assert await rule_count(db, me["id"]) == 2
    slots = await owner_row(db, "select count(*) from app.availability_slots where consultant_id = $1 and source = 'rule'",
                            uuid.UUID(me["id"]))
    assert slots[0] > 0  # materialised at once, as through the API
    page = (await client.get(r.headers["location"], headers=HTML)).text
    assert "Weekly hours added for 2 day(s)." in page and "9:00 AM – 12:00 PM" in page
    assert "Asia/Kolkata (IST, UTC+05:30)" in page
    rule = await owner_row(db, "select id from app.availability_rules where consultant_id = $1 and weekday = 1",
                           uuid.UUID(me["id"]))
    path = f"{S}/availability/rules/{rule['id']}/delete"
    assert path in page
    confirm = await client.get(path, headers=HTML)
    assert confirm.status_code == 200 and "Delete these weekly hours?" in confirm.text and "Monday" in confirm.text
    assert await rule_count(db, me["id"]) == 2  # asking does nothing
    r = await client.post(path, data={"csrf_token": csrf_of(confirm.text)}, headers=HTML)
    assert r.status_code == 303 and r.headers["location"] == f"{S}/availability?done=rule_deleted"
    assert await rule_count(db, me["id"]) == 1
    assert "The weekly rule is deleted." in (await client.get(r.headers["location"], headers=HTML)).text
    r = await client.post(path, data={"csrf_token": csrf_of(confirm.text)}, headers=HTML)  # a second click
    assert r.status_code == 303 and r.headers["location"] == f"{S}/availability?done=gone"


async def test_weekly_hours_errors_keep_what_was_typed(client, db):
    me = await pending(client)
    typed = {"weekday_2": "1", "session_type": "personal", "start_time": "10:00", "end_time": "09:30",
             "slot_minutes": "45"}
    r = await submit(client, "/availability/rules", typed, page="/availability")
    assert r.status_code == 422 and "The end time must be after the start time." in r.text
    assert 'name="weekday_2" value="1" checked' in r.text and 'name="weekday_1" value="1">' in r.text
    assert 'value="10:00"' in r.text and 'value="09:30"' in r.text and 'value="45"' in r.text
    r = await submit(client, "/availability/rules", {**typed, "end_time": "12:00", "capacity": "5"}, page="/availability")
    assert r.status_code == 422 and "A personal session takes one client" in r.text  # the database's rule
    r = await submit(client, "/availability/rules", {**typed, "weekday_2": "", "end_time": "12:00"}, page="/availability")
    assert r.status_code == 422 and "Choose at least one day." in r.text
    assert await rule_count(db, me["id"]) == 0


async def test_weekly_hours_too_short_for_the_platform_are_refused_beside_the_field(client, db):
    me = await pending(client)
    r = await submit(client, "/availability/rules", {"weekday_1": "1", "session_type": "personal",
                                                    "start_time": "09:00", "end_time": "12:00", "slot_minutes": "5"},
                     page="/availability")
    assert r.status_code == 422 and "Slots are at least 15 minutes long." in r.text
    assert 'value="5"' in r.text and await rule_count(db, me["id"]) == 0


async def test_weekly_hours_for_several_days_are_added_all_or_none(client, db):
    # With room for two more rules, asking for seven added two and then showed the refusal (an outside check).
    me = await pending(client)
    conn = await db.connect("owner")
    try:
        await conn.execute("update app.platform_settings set value = '10' where key = 'max_availability_rules'")
    finally:
        await conn.close()
    for day in range(1, 9):
        r = await submit(client, "/availability/rules", {f"weekday_{(day - 1) % 7 + 1}": "1", "session_type": "personal",
                                                        "start_time": f"{day + 8:02d}:00", "end_time": f"{day + 9:02d}:00",
                                                        "slot_minutes": "60"}, page="/availability")
        assert r.status_code == 303, r.text
    every = {f"weekday_{d}": "1" for d in range(1, 8)}
    r = await submit(client, "/availability/rules", {**every, "session_type": "personal", "start_time": "18:00",
                                                    "end_time": "19:00", "slot_minutes": "60"}, page="/availability")
    assert r.status_code == 422 and "at most 10 weekly rules" in r.text
    assert await rule_count(db, me["id"]) == 8


async def test_one_off_slots_are_added_listed_and_deleted_in_the_consultants_zone(client, db):
    me = await pending(client)
    day = tomorrow()
    r = await submit(client, "/availability/slots", {"date": day.isoformat(), "start_time": "15:00",
                                                    "end_time": "16:30", "session_type": "personal"},
                     page="/availability")
    assert r.status_code == 303 and r.headers["location"] == f"{S}/availability?done=slot_added"
    slot = await owner_row(db, "select * from app.availability_slots where consultant_id = $1 and source = 'manual'",
                           uuid.UUID(me["id"]))
    assert slot["starts_at"] == datetime.combine(day, datetime.min.time().replace(hour=15), ZoneInfo("Asia/Kolkata"))
    page = (await client.get(r.headers["location"], headers=HTML)).text
    assert day.strftime("%d %b %Y") + ", 03:00 PM IST" in page and "1 hour 30 minutes" in page
    path = f"{S}/availability/slots/{slot['id']}/delete"
    confirm = await client.get(path, headers=HTML)
    assert confirm.status_code == 200 and "Delete this one-off slot?" in confirm.text
    r = await client.post(path, data={"csrf_token": csrf_of(confirm.text)}, headers=HTML)
    assert r.status_code == 303 and r.headers["location"] == f"{S}/availability?done=slot_deleted"
    assert await owner_row(db, "select 1 from app.availability_slots where id = $1", slot["id"]) is None
    yesterday = day - timedelta(days=2)
    r = await submit(client, "/availability/slots", {"date": yesterday.isoformat(), "start_time": "15:00",
                                                    "end_time": "16:00", "session_type": "personal"},
                     page="/availability")
    assert r.status_code == 422 and "A slot must start in the future." in r.text
    assert f'value="{yesterday.isoformat()}"' in r.text


async def test_blocked_dates_are_added_with_a_reason_and_unblocked_after_a_confirmation(client, db):
    me = await pending(client)
    day = tomorrow()
    r = await submit(client, "/availability/blocks", {"start_date": day.isoformat(), "reason": "Diwali"},
                     page="/availability")
    assert r.status_code == 303 and r.headers["location"] == f"{S}/availability?done=block_added"
    block = await owner_row(db, "select * from app.availability_blocks where consultant_id = $1", uuid.UUID(me["id"]))
    zone = ZoneInfo("Asia/Kolkata")
    assert block["starts_at"] == datetime.combine(day, datetime.min.time(), zone)
    assert block["ends_at"] == datetime.combine(day + timedelta(days=1), datetime.min.time(), zone)  # the whole day
    page = (await client.get(r.headers["location"], headers=HTML)).text
    assert "Diwali" in page and day.strftime("%a, %d %b %Y") + " (whole day)" in page
    path = f"{S}/availability/blocks/{block['id']}/delete"
    confirm = await client.get(path, headers=HTML)
    assert confirm.status_code == 200 and "Unblock these dates?" in confirm.text and "Diwali" in confirm.text
    r = await client.post(path, data={"csrf_token": csrf_of(confirm.text)}, headers=HTML)
    assert r.headers["location"] == f"{S}/availability?done=block_deleted"
    assert await owner_row(db, "select 1 from app.availability_blocks where id = $1", block["id"]) is None
    r = await submit(client, "/availability/blocks", {"start_date": day.isoformat(), "end_date": (day - timedelta(days=1)).isoformat(),
                                                     "reason": "Typo"}, page="/availability")
    assert r.status_code == 422 and "The end must be after the start." in r.text and 'value="Typo"' in r.text


# --- policy, bank, meetings, notifications ------------------------------------------------------------

POLICY = {"min_notice_hours": "4", "min_notice_mins": "0", "max_days_ahead": "90", "buffer_minutes": "15", "hold_minutes": "",
          "client_cutoff_hours": "6", "max_reschedules": "1", "refund_0_hours": "48", "refund_0_percent": "100",
          "refund_1_hours": "12", "refund_1_percent": "50", "refund_2_hours": "", "refund_2_percent": ""}


async def test_the_policy_form_saves_the_booking_rules_and_the_refund_ladder(client, db):
    me = await approved(client, db)
    r = await submit(client, "/policy", POLICY)
    assert r.status_code == 303 and r.headers["location"] == f"{S}/policy?done=policy"
    row = await consultant_row(db, me["id"])
    assert (row["min_notice_minutes"], row["max_days_ahead"], row["buffer_minutes"], row["hold_minutes"]) == (240, 90, 15, None)
    assert json.loads(row["cancellation_policy"]) == {
        "client_cutoff_hours": 6, "max_reschedules": 1,
        "refund_ladder": [{"min_hours_before": 48, "percent": 100}, {"min_hours_before": 12, "percent": 50}]}
    page = (await client.get(r.headers["location"], headers=HTML)).text
    assert "4 hours" in page and "Cancel at least 48 hours before: 100% refunded" in page
    assert "Cancel at least 48 hours before: 100% refunded" in (await client.get(f"/{me['slug']}", headers=HTML)).text


async def test_policy_errors_name_the_row_and_keep_what_was_typed(client, db):
    me = await pending(client)
    before = (await consultant_row(db, me["id"]))["cancellation_policy"]
    r = await submit(client, "/policy", {**POLICY, "refund_0_hours": "2", "refund_1_hours": "24"})
    assert r.status_code == 422 and "Refund rows go from the most hours before to the fewest" in r.text
    assert 'name="refund_1_hours" type="number" min="0" max="8760" inputmode="numeric" value="24"' in r.text
    r = await submit(client, "/policy", {**POLICY, "refund_1_percent": "150"})
    assert r.status_code == 422 and "Step 2: Refund must be a whole percentage, from 0 to 100." in r.text
    assert 'value="150" aria-invalid="true"' in r.text
    # Every problem at once, each beside its field, in the units the form asks in.
    r = await submit(client, "/policy", {**POLICY, "max_days_ahead": "0", "client_cutoff_hours": "",
                                         "min_notice_hours": "721"})
    assert r.status_code == 422
    for text in ("How far ahead must be a whole number of days, from 1 to 365.",
                 "Cut-off for changes must be a whole number of hours, from 0 to 720",
                 "Minimum notice must be between 0 and 720 hours"):
        assert r.text.count(text) == 2, text  # in the summary and beside the field
    assert 'href="#main-min_notice_hours"' in r.text and 'value="721"' in r.text
    r = await submit(client, "/policy", {**POLICY, "min_notice_hours": "2", "min_notice_mins": "30"})
    assert r.status_code == 303 and (await consultant_row(db, me["id"]))["min_notice_minutes"] == 150
    before = (await consultant_row(db, me["id"]))["cancellation_policy"]
    assert (await consultant_row(db, me["id"]))["cancellation_policy"] == before


async def test_bank_details_are_saved_encrypted_and_never_shown_in_clear(client, db):
    me = await pending(client)
    number, ifsc = "123456789012", "HDFC0001234"
    page = (await client.get(S + "/bank", headers=HTML)).text
    assert "Not set" in page
    # A typo in the second entry: nothing saved, and neither number nor IFSC is sent back.
    r = await submit(client, "/bank", {"bank_name": "HDFC Bank", "account_number": number,
                                      "account_number_confirm": "123456789013", "ifsc_code": ifsc})
    assert r.status_code == 422 and "The two account numbers are not the same." in r.text
    assert number not in r.text and "123456789013" not in r.text and ifsc not in r.text and 'value="HDFC Bank"' in r.text
    r = await submit(client, "/bank", {"bank_name": "HDFC Bank", "account_number": number,
                                      "account_number_confirm": "1234 5678 9012", "ifsc_code": "hdfc0001234"})
    assert r.status_code == 303 and r.headers["location"] == f"{S}/bank?done=bank"
    row = await consultant_row(db, me["id"])
    assert row["bank_name"] == "HDFC Bank"
    assert number.encode() not in row["bank_account_number_encrypted"] and ifsc.encode() not in row["ifsc_code_encrypted"]
    for path in ("/bank?done=bank", "", "/account"):
        shown = (await client.get(S + path, headers=HTML)).text
        assert number not in shown and ifsc not in shown
    shown = (await client.get(S + "/bank", headers=HTML)).text
    assert "XXXXXXXX9012" in shown and "HDFC0XXXXXX" in shown
    r = await submit(client, "/bank", {"bank_name": "HDFC Bank", "account_number": "12", "account_number_confirm": "12",
                                      "ifsc_code": ifsc})
    assert r.status_code == 422 and "Enter the account number: 9 to 18 digits" in r.text and ifsc not in r.text
    export = await submit(client, "/account/export", {"current_password": PASSWORD}, page="/account")
    assert number not in export.text and "XXXXXXXX9012" in export.text


async def test_meeting_settings_are_saved_and_a_plain_http_link_is_refused(client, db):
    me = await approved(client, db)
    r = await submit(client, "/meetings", {"default_meeting_platform": "meet", "zoom_link": "",
                                          "meet_link": "https://meet.google.com/abc-defg-hij", "teams_link": ""})
    assert r.status_code == 303 and r.headers["location"] == f"{S}/meetings?done=meetings"
    row = await consultant_row(db, me["id"])
    assert (row["default_meeting_platform"], row["meet_link"], row["zoom_link"]) == (
        "meet", "https://meet.google.com/abc-defg-hij", None)
    r = await submit(client, "/meetings", {"default_meeting_platform": "teams", "teams_link": "http://teams.example/x"})
    assert r.status_code == 422 and "Enter your Teams link, starting https://teams.microsoft.com/" in r.text
    assert 'value="teams" checked' in r.text and 'value="http://teams.example/x"' in r.text
    page = (await client.get(S + "/meetings", headers=HTML)).text
    assert "its link is empty" not in page  # Meet is the default and has its link
    await submit(client, "/meetings", {"default_meeting_platform": "zoom", "meet_link": "https://meet.google.com/abc-defg-hij"})
    assert "Your default is Zoom but its link is empty" in (await client.get(S + "/meetings", headers=HTML)).text


async def test_notification_preferences_are_saved_unticked_as_off(client, db):
    me = await pending(client)
    r = await submit(client, "/notifications", {"session_booked": "true"})
    assert r.status_code == 303 and r.headers["location"] == f"{S}/notifications?done=notifications"
    prefs = json.loads((await consultant_row(db, me["id"]))["notification_preferences"])
    assert prefs == {"session_booked": True, "session_cancelled": False, "quotation_viewed": False,
                     "quotation_responded": False, "session_rescheduled": False}
    page = (await client.get(r.headers["location"], headers=HTML)).text
    assert 'name="session_booked" value="true" checked' in page and 'name="session_cancelled" value="true" aria' in page


# --- account ------------------------------------------------------------------------------------------

NEW_PASSWORD = "a brand new passphrase for 2027"


async def test_changing_the_password_keeps_this_browser_signed_in_and_ends_every_other_session(client, db):
    me = await pending(client)
    r = await submit(client, "/account/password", {"current_password": "not my password at all",
                                                  "new_password": NEW_PASSWORD, "new_password_confirm": NEW_PASSWORD},
                     page="/account")
    assert r.status_code == 400 and "Current password: The current password is not right." not in r.text
    assert "The current password is not right." in r.text and NEW_PASSWORD not in r.text
    r = await submit(client, "/account/password", {"current_password": PASSWORD, "new_password": NEW_PASSWORD,
                                                  "new_password_confirm": NEW_PASSWORD + "x"}, page="/account")
    assert r.status_code == 422 and "The two new passwords are not the same." in r.text and PASSWORD not in r.text
    r = await submit(client, "/account/password", {"current_password": PASSWORD, "new_password": "Asha",
                                                  "new_password_confirm": "Asha"}, page="/account")
    assert r.status_code == 422 and 'id="password-new_password-error"' in r.text  # the API's password policy
    old_cookie = client.cookies.get("nk_session")
    r = await submit(client, "/account/password", {"current_password": PASSWORD, "new_password": NEW_PASSWORD,
                                                  "new_password_confirm": NEW_PASSWORD}, page="/account")
    assert r.status_code == 303 and r.headers["location"] == f"{S}/account?done=password"
    assert client.cookies.get("nk_session") not in (None, old_cookie)  # a fresh session for this browser
    page = await client.get(r.headers["location"], headers=HTML)
    assert page.status_code == 200 and "Password changed. You are still signed in here" in page.text
    # Every other session ended: the API's refresh token from sign-up, and the old cookie.
    refresh = await client.post("/api/v1/auth/refresh", json={"refresh_token": me["refresh"]})
    assert refresh.status_code == 401
    stale = await client.get(S, headers={**HTML, "cookie": f"nk_session={old_cookie}"})
    assert stale.status_code == 303
    login = await client.post("/api/v1/auth/login", json={"email": me["email"], "password": NEW_PASSWORD})
    assert login.status_code == 200


async def test_exporting_downloads_the_apis_json(client, db):
    me = await approved(client, db)
    # A browser left signed in does not hand everything over: the password is asked for.
    r = await submit(client, "/account/export", {}, page="/account")
    assert r.status_code == 422 and r.headers["content-type"].startswith("text/html")
    r = await submit(client, "/account/export", {"current_password": "not my password at all"}, page="/account")
    assert r.status_code == 403 and "The current password is not right." in r.text
    assert 'id="export-current_password"' in r.text and "not my password at all" not in r.text
    r = await submit(client, "/account/export", {"current_password": PASSWORD}, page="/account")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    assert r.headers["content-disposition"].startswith('attachment; filename="nakksha-export-')
    data = r.json()
    assert data["account"]["email"] == me["email"] and data["account"]["bank_details"]["is_set"] is False
    assert {"availability_rules", "sessions", "payments"} <= set(data)


async def test_deleting_the_account_needs_the_email_typed_and_the_password_then_signs_out_and_says_so(client, db):
    me = await pending(client)
    r = await submit(client, "/account/delete", {"confirm_email": "someone.else@example.com"}, page="/account")
    assert r.status_code == 422 and "Type your email address exactly as shown to confirm." in r.text
    assert (await consultant_row(db, me["id"]))["deleted_at"] is None
    r = await submit(client, "/account/delete", {"confirm_email": me["email"], "current_password": "a wrong one 12"},
                     page="/account")
    assert r.status_code == 403 and "The current password is not right." in r.text
    assert (await consultant_row(db, me["id"]))["deleted_at"] is None
    r = await submit(client, "/account/delete", {"confirm_email": "  " + me["email"].upper(), "current_password": PASSWORD},
                     page="/account")
    assert r.status_code == 303 and r.headers["location"] == f"{S}/account/deleted"
    assert "nk_session=" in r.headers["set-cookie"] and "Max-Age=0" in r.headers["set-cookie"]
    row = await consultant_row(db, me["id"])
    assert row["deleted_at"] is not None and row["email"].endswith("@deleted.invalid")
    done = await client.get(r.headers["location"], headers=HTML)
    assert done.status_code == 200 and "Your account is deleted" in done.text and "You are signed out" in done.text
    assert 'href="/auth/login"' in done.text  # the public header: nobody is signed in
    assert (await client.get(S, headers=HTML)).status_code == 303
    login = await client.post("/api/v1/auth/login", json={"email": me["email"], "password": PASSWORD})
    assert login.status_code == 401

# Test: pytest tests/http/test_settings_pages.py
