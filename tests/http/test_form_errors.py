# tests/http/test_form_errors.py — forms that help: every problem at once, in plain words, beside its field and in the summary, the typed values kept and passwords never echoed (sign-up, sign-in, password pages, profile).
from __future__ import annotations

import html
import re

from app.errors import ApiError
from app.routes.auth import SignupBody
from app.routes.form_errors import field_errors
from app.routes.profile import ProfilePatch
from app.validation import parse_form
from tests.http.helpers import PASSWORD, signup_consultant
from tests.http.test_pages import HTML, form
from tests.http.test_settings_pages import PROFILE, S, consultant_row, pending, submit

# What must never reach a consultant: a dotted field path or pydantic's own words.
MACHINE = re.compile(r"Input should|String should|Value error|Field required|value is not a valid|client\.email|"
                     r"[a-z]+_[a-z_]+: |Extra inputs|Decimal input")


def shown_errors(page: str) -> tuple[list[str], dict[str, str]]:
    """The summary's items and the messages beside fields ({input id: message})."""
    summary = re.search(r'<div class="error-summary".*?</div>', page, re.S)
    items = [html.unescape(re.sub(r"<[^>]+>", "", li)).strip()
             for li in re.findall(r"<li>(.*?)</li>", summary.group(0), re.S)] if summary else []
    beside = {m[0]: html.unescape(m[1]) for m in re.findall(
        r'<p class="field-error" id="([^"]+)-error"><span class="visually-hidden">Error: </span>(.*?)</p>', page)}
    return items, beside


def assert_plain(page: str) -> None:
    items, beside = shown_errors(page)
    for text in [*items, *beside.values()]:
        assert not MACHINE.search(text), text


def input_tag(page: str, name: str) -> str:
    match = re.search(rf'<(?:input|textarea|select)[^>]*\bname="{name}"[^>]*>', page)
    assert match, name
    return match.group(0)


# --- the helper ---------------------------------------------------------------------------------------------

def test_every_schema_problem_becomes_one_plain_sentence_per_field():
    try:
        parse_form({"email": "not-an-email", "password": "short", "first_name": "", "last_name": "x" * 101,
                    "phone_country_code": "91", "phone_number": "12"}, SignupBody)
    except ApiError as err:
        errors = field_errors(err)
    assert errors == {
        "email": "Enter an email address like name@example.com.",
        "password": "Password must have at least 10 characters.",
        "first_name": "Enter your first name.",
        "last_name": "Last name can be at most 100 characters.",
        "phone_country_code": "Enter the country code as + and 1 to 4 digits, like +91.",
        "phone_number": "Enter a mobile number of 6 to 14 digits, without the country code.",
    }


def test_a_form_s_required_fields_are_reported_with_the_rest_and_renamed_to_its_inputs():
    try:
        parse_form({"slug": "Not A Slug", "experience_months": 1300, "linkedin_url": "https://evil.example/x"},
                   ProfilePatch, required=["first_name"])
    except ApiError as err:
        errors = field_errors(err, {"experience_months": "experience_years"})
        ordered = list(field_errors(err, order=["slug", "first_name"]))
    assert set(errors) == {"first_name", "slug", "experience_years", "linkedin_url"}
    assert ordered == ["slug", "first_name", "experience_months", "linkedin_url"]  # the page's order, the rest after
    assert errors["experience_years"] == "Experience must be a number of years from 0 to 100, like 7 or 2.5."
    assert errors["slug"].startswith("Page address can use lowercase letters, digits and single hyphens")
    # The database's own words stay (they say more than the field's rule); one without a field is the form's.
    assert field_errors(ApiError(409, "slug_taken", "This page address is taken.", "slug")) == {
        "slug": "This page address is taken."}
    assert field_errors(ApiError(401, "invalid_credentials", "Wrong email or password.")) == {
        "": "Wrong email or password."}


# --- sign-up, sign-in, password pages --------------------------------------------------------------------

async def test_sign_up_shows_every_problem_beside_its_field_and_keeps_what_was_typed(client):
    token = await form(client, "/auth/signup")
    r = await client.post("/auth/signup", headers=HTML, data={
        "csrf_token": token, "first_name": "", "last_name": "Verma", "email": "asha@example",
        "phone_country_code": "+91", "phone_number": "12", "password": "hunter2"})
    assert r.status_code == 422
    items, beside = shown_errors(r.text)
    assert items == ["Enter your first name.", "Enter an email address like name@example.com.",
                     "Enter a mobile number of 6 to 14 digits, without the country code.",
                     "Password must have at least 10 characters."]
    assert beside == {"first_name": items[0], "email": items[1], "phone_number": items[2], "password": items[3]}
    assert_plain(r.text)
    # The summary links to each field; each field is marked and described by its message.
    for name in ("first_name", "email", "phone_number", "password"):
        assert f'href="#{name}"' in r.text
        tag = input_tag(r.text, name)
        assert 'aria-invalid="true"' in tag and f"{name}-error" in tag, tag
    assert 'aria-invalid' not in input_tag(r.text, "last_name")
    assert 'value="Verma"' in r.text and 'value="asha@example"' in r.text and 'value="12"' in r.text
    assert "hunter2" not in r.text and "value" not in input_tag(r.text, "password")
    assert "<title>Error: " in r.text


async def test_sign_up_with_a_taken_email_says_so_beside_the_email(client):
    taken = (await signup_consultant(client))["consultant"]["email"]
    token = await form(client, "/auth/signup")
    r = await client.post("/auth/signup", headers=HTML, data={
        "csrf_token": token, "first_name": "Asha", "last_name": "Verma", "email": taken,
        "phone_country_code": "+91", "phone_number": "9876543210", "password": "a quite unusual phrase 7"})
    assert r.status_code == 409
    items, beside = shown_errors(r.text)
    assert items == ["An account with this email already exists."] and beside == {"email": items[0]}
    assert "a quite unusual phrase 7" not in r.text and 'value="Asha"' in r.text


async def test_sign_in_reports_both_empty_fields_and_a_wrong_password_without_echoing_it(client):
    token = await form(client, "/auth/login")
    r = await client.post("/auth/login", headers=HTML, data={"csrf_token": token, "email": "", "password": ""})
    assert r.status_code == 422
    assert shown_errors(r.text) == (["Enter an email address, like name@example.com.", "Enter your password."],
                                    {"email": "Enter an email address, like name@example.com.",
                                     "password": "Enter your password."})
    me = (await signup_consultant(client))["consultant"]
    r = await client.post("/auth/login", headers=HTML, data={"csrf_token": token, "email": me["email"],
                                                             "password": PASSWORD + "x"})
    assert r.status_code == 401
    assert shown_errors(r.text) == (["Wrong email or password."], {})
    assert f'value="{me["email"]}"' in r.text and PASSWORD not in r.text


async def test_forgot_and_reset_pages_say_what_to_do(client):
    token = await form(client, "/auth/forgot-password")
    r = await client.post("/auth/forgot-password", headers=HTML, data={"csrf_token": token, "email": "nope"})
    assert r.status_code == 422 and shown_errors(r.text)[1] == {"email": "Enter an email address like name@example.com."}
    assert 'value="nope"' in r.text
    token = await form(client, "/auth/reset-password?token=pr_not_a_real_token_at_all")
    r = await client.post("/auth/reset-password", headers=HTML, data={
        "csrf_token": token, "token": "pr_not_a_real_token_at_all", "password": "short"})
    assert r.status_code == 422 and shown_errors(r.text)[1] == {"password": "Password must have at least 10 characters."}
    assert "short" not in input_tag(r.text, "password")
    assert_plain(r.text)


# --- the profile --------------------------------------------------------------------------------------------

async def test_the_profile_refuses_a_bad_slug_links_and_numbers_visibly_all_at_once(client, db):
    me = await pending(client)
    bad = {**PROFILE, "slug": "Asha Verma!", "linkedin_url": "linkedin.com/in/asha", "instagram_url": "http://x.y",
           "twitter_url": "https://facebook.com/asha", "experience_years": "150", "personal_session_price": "0.50",
           "webinar_session_price": "lots", "first_name": ""}
    r = await submit(client, "/profile", bad)
    assert r.status_code == 422
    items, beside = shown_errors(r.text)
    assert set(beside) == {"main-first_name", "main-slug", "main-linkedin_url", "main-instagram_url",
                           "main-twitter_url", "main-experience_years", "main-personal_session_price",
                           "main-webinar_session_price"}
    assert sorted(items) == sorted(beside.values())
    assert beside["main-experience_years"] == "Experience must be a number of years from 0 to 100, like 7 or 2.5."
    assert beside["main-personal_session_price"].startswith("Use 0 for free, or at least 1.00")
    assert_plain(r.text)
    for name in ("slug", "linkedin_url", "experience_years"):
        assert f'href="#main-{name}"' in r.text and 'aria-invalid="true"' in input_tag(r.text, name)
    assert 'value="Asha Verma!"' in r.text and 'value="150"' in r.text and 'value="linkedin.com/in/asha"' in r.text
    row = await consultant_row(db, me["id"])
    assert row["slug"] == me["slug"] and row["linkedin_url"] is None and row["experience_months"] is None
    # Years are what the form speaks; months are what is stored.
    r = await submit(client, "/profile", {**PROFILE, "slug": me["slug"], "experience_years": "7"})
    assert r.status_code == 303 and (await consultant_row(db, me["id"]))["experience_months"] == 84
    assert 'value="7"' in (await client.get(S + "/profile", headers=HTML)).text



async def test_settings_forms_report_every_problem_and_never_echo_secrets(client, db):
    await pending(client)
    r = await submit(client, "/account/password", {"current_password": "", "new_password": "tiny",
                                                   "new_password_confirm": "tinier"}, page="/account")
    assert r.status_code == 422
    items, beside = shown_errors(r.text)
    assert beside == {"password-current_password": "Enter your current password.",
                      "password-new_password": "New password must have at least 10 characters.",
                      "password-new_password_confirm": "The two new passwords are not the same."}
    assert "tiny" not in r.text and 'href="#password-new_password"' in r.text
    number = "123456789012"
    r = await submit(client, "/bank", {"bank_name": "H", "account_number": number,
                                       "account_number_confirm": "123456789013", "ifsc_code": "HDFC1234"})
    assert r.status_code == 422
    assert list(shown_errors(r.text)[1]) == ["main-bank_name", "main-account_number_confirm", "main-ifsc_code"]
    assert number not in r.text and "HDFC1234" not in r.text and 'value="H"' in r.text
    r = await submit(client, "/availability/rules", {"start_time": "25:00", "end_time": "17:00",
                                                     "session_type": "personal", "slot_minutes": "lots"},
                     page="/availability")
    assert r.status_code == 422
    beside = shown_errors(r.text)[1]
    assert {"rule-weekday", "rule-start_time", "rule-slot_minutes"} <= set(beside), beside
    assert beside["rule-weekday"] == "Choose at least one day." and 'href="#rule-weekday"' in r.text
    assert_plain(r.text)
    r = await submit(client, "/meetings", {"default_meeting_platform": "skype", "zoom_link": "http://zoom.us/j/1",
                                           "meet_link": "", "teams_link": ""})
    assert r.status_code == 422
    assert shown_errors(r.text)[1] == {
        "main-default_meeting_platform": "Choose Zoom, Google Meet or Microsoft Teams.",
        "main-zoom_link": "Enter your Zoom link, like https://zoom.us/j/1234567890."}


# --- sessions and clients -----------------------------------------------------------------------------------

async def test_a_new_session_reports_every_problem_at_once_with_the_client_s_typed_details(client, db):
    from tests.http.test_dashboard_sessions_pages import consultant_on_pages, post

    c, made, _ = await consultant_on_pages(client, db, n=1)
    r = await post(client, "/dashboard/sessions/new", {
        "client_mode": "new", "client_name": "", "client_email": "ravi@", "client_phone": "12",
        "when": "adhoc", "session_type": "personal", "start_date": "", "start_time": "25:00", "duration": "3",
        "amount": "lots", "payment_status": "paid", "payment_method": "", "notes": "Typed note"})
    assert r.status_code == 422
    items, beside = shown_errors(r.text)
    assert list(beside) == ["client_name", "client_email", "client_phone", "start_date", "start_time", "duration",
                            "amount", "payment_method"]  # the page's order
    assert items == list(beside.values())
    assert (beside["start_date"], beside["start_time"], beside["duration"]) == (
        "Choose a date.", "Enter a time like 09:30.", "Enter the length in whole minutes, from 5 to 600.")
    assert_plain(r.text)
    # Once the time makes sense, only what is still wrong is shown.
    r = await post(client, "/dashboard/sessions/new", {
        "client_mode": "new", "client_name": "", "client_email": "ravi@", "client_phone": "12",
        "when": "adhoc", "session_type": "personal", "start_date": "2031-03-04", "start_time": "10:00",
        "duration": "45", "amount": "lots", "payment_status": "pending", "notes": "Typed note"})
    assert r.status_code == 422
    items, beside = shown_errors(r.text)
    assert beside == {"client_name": "Enter the client's name.",
                      "client_email": "Enter the client's email address, like name@example.com.",
                      "client_phone": "Enter a phone number of 6 to 15 digits; a leading +, spaces and hyphens are fine.",
                      "amount": "Enter the amount in rupees, like 1499 or 1499.50; 0 for free."}
    assert items == list(beside.values())
    assert_plain(r.text)
    assert 'value="ravi@"' in r.text and "Typed note" in r.text and 'value="2031-03-04"' in r.text
    assert 'aria-invalid="true"' in input_tag(r.text, "client_email") and 'href="#client_email"' in r.text


async def test_a_new_client_shows_its_problems_beside_the_fields(client, db):
    from tests.http.test_dashboard_sessions_pages import consultant_on_pages, post

    await consultant_on_pages(client, db, n=0)
    r = await post(client, "/dashboard/clients/new", {"name": " ", "email": "no-at-sign", "phone": "x",
                                                       "notes": "Met at the GST seminar"})
    assert r.status_code == 422
    items, beside = shown_errors(r.text)
    assert list(beside) == ["name", "email", "phone"] and items == list(beside.values())
    assert beside["email"] == "Enter an email address like name@example.com."
    assert_plain(r.text)
    assert 'value="no-at-sign"' in r.text and "Met at the GST seminar" in r.text


# --- admin forms ----------------------------------------------------------------------------------------------

async def test_admin_forms_show_every_problem_beside_its_field(client, db):
    from tests.http.test_admin_pages import admin_sign_in

    token = await form(client, "/admin/login")
    r = await client.post("/admin/login", headers=HTML, data={"csrf_token": token, "email": "boss@", "password": ""})
    assert r.status_code == 422
    assert shown_errors(r.text)[1] == {"email": "Enter an email address like name@example.com.",
                                       "password": "Enter your password."}
    assert 'value="boss@"' in r.text
    await admin_sign_in(client, db, role="super_admin")
    token = await form(client, "/admin/admins")
    r = await client.post("/admin/admins", headers=HTML, data={"csrf_token": token, "name": "", "email": "x",
                                                              "password": "short", "role": "owner"})
    assert r.status_code == 422
    items, beside = shown_errors(r.text)
    assert list(beside) == ["name", "email", "password", "role"] and items == list(beside.values())
    assert "short" not in input_tag(r.text, "password") and 'value="x"' in r.text
    assert_plain(r.text)
    token = await form(client, "/admin/email-templates/session_booked")
    r = await client.post("/admin/email-templates/session_booked", headers=HTML, data={
        "csrf_token": token, "action": "preview", "subject": "", "html_body": "", "text_body": "Kept text"})
    assert r.status_code == 422
    assert list(shown_errors(r.text)[1]) == ["subject", "html_body"] and "Kept text" in r.text
    assert_plain(r.text)

# Test: pytest tests/http/test_form_errors.py
