# app/cli_accounts.py — the `nakksha` commands that act on accounts from a shell: create-admin, approve-consultant.
"""They run as the administrative URL's role (DATABASE_URL) through the same audited SQL functions as the admin
pages, labelled in the audit log (`cli:<command>`)."""
from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg

from app.config import ADMIN_CAN, SUPER_ADMIN_ONLY, Settings
from app.database import Database


def refused(exc: psycopg.Error) -> int:
    """A refusal raised by our SQL (NKxxx, or a check): say it plainly and exit 1; anything else is a bug."""
    if exc.sqlstate and (exc.sqlstate.startswith("NK") or exc.sqlstate == "23514"):
        print(f"Refused: {exc.diag.message_primary}: {exc.diag.message_detail or ''}".rstrip(": "), file=sys.stderr)
        return 1
    raise exc


@contextmanager
def audited(settings: Settings, command: str) -> Iterator[psycopg.Connection]:
    """The administrative connection, labelled `cli:<command>` for the audit log the admin functions write."""
    with psycopg.connect(Database(settings).admin_url()) as conn:
        conn.execute("select set_config('app.actor_label', %s, true)", (f"cli:{command}",))
        yield conn


def cmd_create_admin(args: argparse.Namespace, settings: Settings) -> int:
    from app.passwords import PasswordError, check_policy, hash_password
    from app.schemas import canonical_email
    from app.secrets import get_secret

    role_omitted = args.role is None
    args.role = args.role or "admin"
    password = args.password
    if password is None:
        if not sys.stdin.isatty():
            password = sys.stdin.readline().rstrip("\n")
        else:
            password = getpass.getpass("Password: ")
            if getpass.getpass("Repeat password: ") != password:
                print("The passwords differ.", file=sys.stderr)
                return 2
    try:
        args.email = canonical_email(args.email)  # the one form the API keeps too (an IDN domain in ASCII)
    except ValueError as exc:
        print(f"email: {exc}", file=sys.stderr)
        return 2
    try:
        check_policy(password, (args.email, args.name))
        hashed = hash_password(password, get_secret(settings, "PASSWORD_PEPPER"))
    except PasswordError as exc:
        print(f"password: {exc}", file=sys.stderr)
        return 2
    try:
        with audited(settings, "create-admin") as conn:
            admin_id = conn.execute("select api.create_admin(%s, %s, %s, %s, %s)",
                                    (args.email, args.name, hashed, args.role, args.as_admin)).fetchone()[0]
            conn.commit()
    except psycopg.errors.UniqueViolation:
        print(f"An admin with email {args.email} already exists.", file=sys.stderr)
        return 1
    except psycopg.Error as exc:
        return refused(exc)
    print(f"admin {args.email} created ({args.role}) id={admin_id}")
    if role_omitted:
        # A plain admin was not asked for by name: say what it cannot do before someone finds out on a 403 page.
        print(f"{args.email} is a plain admin. {SUPER_ADMIN_ONLY} {ADMIN_CAN} To make a super admin, run "
              "create-admin with --role super_admin (or add one on the Admins page, signed in as a super admin).")
    return 0


def cmd_approve_consultant(args: argparse.Namespace, settings: Settings) -> int:
    from app.schemas import canonical_email

    try:
        args.email = canonical_email(args.email)
    except ValueError as exc:
        print(f"email: {exc}", file=sys.stderr)
        return 2
    try:
        with audited(settings, "approve-consultant") as conn:
            row = conn.execute("select id from app.consultants where email = lower(btrim(%s))::citext "
                               "and deleted_at is null", (args.email,)).fetchone()
            if row is None:
                print(f"No consultant with email {args.email}.", file=sys.stderr)
                return 1
            result = conn.execute("select api.approve_consultant(%s, %s)", (row[0], args.as_admin)).fetchone()[0]
            conn.commit()
    except psycopg.Error as exc:
        return refused(exc)
    print(f"approved {result['email']} (page /{result['slug']})")
    return 0

# Test: pytest tests/meta/test_cli.py
