# tests/meta/test_cli_addresses.py — the `nakksha` commands that take an email address keep it in the API's one ASCII form (an IDN domain in IDNA) and refuse a non-ASCII local part.
from __future__ import annotations

import psycopg

from tests.meta.test_cli import cli_env, nakksha


def test_create_admin_and_approve_consultant_take_the_ascii_form_of_an_address(db, tmp_path):
    env = cli_env(tmp_path, db.admin_url)
    done = nakksha(env, "create-admin", "--email", "Chef@Bücher.example", "--name", "Chef", "--password",
                   "a-long-password-1")
    assert done.returncode == 0, done.stderr
    assert "chef@xn--bcher-kva.example" in done.stdout
    refused = nakksha(env, "create-admin", "--email", "nützer@example.com", "--name", "N", "--password",
                      "a-long-password-1")
    assert refused.returncode == 2 and refused.stderr.startswith("email:") and "ASCII" in refused.stderr
    with psycopg.connect(db.url("owner")) as conn:
        assert [r[0] for r in conn.execute("select email::text from app.admins").fetchall()] == [
            "chef@xn--bcher-kva.example"]
        conn.execute("insert into app.consultants (email, first_name, last_name, slug, is_email_verified, "
                     "email_verified_at) values ('nutzer@xn--bcher-kva.example', 'N', 'U', 'nutzer', true, now())")
        conn.commit()
    approved = nakksha(env, "approve-consultant", "Nutzer@bücher.example", "--as", "chef@xn--bcher-kva.example")
    assert approved.returncode == 0, approved.stderr
    assert "approved nutzer@xn--bcher-kva.example" in approved.stdout

# Test: pytest tests/meta/test_cli_addresses.py
