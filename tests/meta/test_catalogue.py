# tests/meta/test_catalogue.py — checks over the migrated catalogue and migration SQL: RLS, invoker views, pinned search_path, role ownership and grants, comments, on delete.
from __future__ import annotations

import re

import psycopg
import pytest

from app.config import ROLE_ADMIN, ROLE_ANALYST, ROLE_APP, ROLE_OWNER
from app.migrate import DB_DIR

WEB_ROLES = (ROLE_APP, ROLE_ANALYST, ROLE_ADMIN)
PROCRASTINATE_MIGRATION = "20261124100100"
OUR_SCHEMAS = ("app", "api", "app_private", "analytics")

# Objects that belong to an extension (citext, btree_gist) are not ours to check.
NOT_EXTENSION_MEMBER = """not exists (select 1 from pg_depend d where d.classid = {catalog}::regclass
                                   and d.objid = {oid} and d.deptype = 'e')"""


@pytest.fixture
def owner(db):
    with psycopg.connect(db.url("owner"), autocommit=True) as conn:
        yield conn


def _names(conn: psycopg.Connection, query: str, params: tuple | dict | None = None) -> list[str]:
    return [row[0] for row in conn.execute(query, params).fetchall()]


# --- row-level security ----------------------------------------------------------------------------------


def test_every_app_table_has_row_level_security(owner):
    tables = _names(owner, """
        select c.oid::regclass::text from pg_class c
        where c.relnamespace = 'app'::regnamespace and c.relkind in ('r', 'p')
        order by 1""")
    assert len(tables) > 10, "app schema looks empty: is the fixture migrated?"
    missing = _names(owner, """
        select c.oid::regclass::text from pg_class c
        where c.relnamespace = 'app'::regnamespace and c.relkind in ('r', 'p') and not c.relrowsecurity
        order by 1""")
    assert missing == [], f"tables in app without row level security: {missing}"


# --- views run as their caller ---------------------------------------------------------------------------


def _non_invoker_views(conn: psycopg.Connection) -> list[str]:
    """Views outside analytics (whose views deliberately run as their owner) that are not security_invoker."""
    rows = conn.execute(f"""
        select c.oid::regclass::text, coalesce(c.reloptions, '{{}}') from pg_class c
        join pg_namespace n on n.oid = c.relnamespace
        where c.relkind = 'v' and n.nspname not in ('analytics', 'pg_catalog', 'information_schema')
          and n.nspname not like 'pg\\_%'
          and {NOT_EXTENSION_MEMBER.format(catalog="'pg_class'", oid='c.oid')}
        order by 1""").fetchall()
    bad = []
    for name, options in rows:
        settings = dict(opt.split("=", 1) for opt in options)
        if settings.get("security_invoker", "false").lower() not in ("true", "on", "yes", "1"):
            bad.append(name)
    return bad


def test_every_view_outside_analytics_is_security_invoker(owner):
    bad = _non_invoker_views(owner)
    assert bad == [], f"views that run as their owner (add `with (security_invoker = true)`): {bad}"


def test_the_invoker_check_catches_a_definer_view(owner):
    # Few views exist outside analytics yet, so prove the check above would notice one.
    with owner.transaction(force_rollback=True):
        owner.execute("create view api.probe_definer as select 1 as n")
        owner.execute("create view api.probe_invoker with (security_invoker = true) as select 1 as n")
        assert _non_invoker_views(owner) == ["api.probe_definer"]


# --- security definer functions --------------------------------------------------------------------------


def _pinned(config: list[str] | None) -> bool:
    for setting in config or []:
        key, _, value = setting.partition("=")
        if key != "search_path":
            continue
        value = value.strip()
        if value in ('""', "''", ""):
            return True
        return [part.strip().strip('"') for part in value.split(",")][-1] == "pg_temp"
    return False


def test_every_security_definer_function_pins_search_path(owner):
    rows = owner.execute(f"""
        select p.oid::regprocedure::text, p.proconfig from pg_proc p
        where p.prosecdef and p.pronamespace::regnamespace::text in ({", ".join(f"'{s}'" for s in OUR_SCHEMAS)})
        order by 1""").fetchall()
    assert rows, "no security definer functions found: is the fixture migrated?"
    unpinned = [f"{name} {config}" for name, config in rows if not _pinned(config)]
    assert unpinned == [], f"security definer functions without `set search_path = ''` (or a list ending in pg_temp): {unpinned}"


@pytest.mark.parametrize(("config", "ok"), [
    (['search_path=""'], True),
    (["search_path=public, pg_temp"], True),
    (["search_path=public"], False),
    (["search_path=pg_temp, public"], False),
    (["statement_timeout=5s"], False),
    (None, False),
])
def test_search_path_rule(config, ok):
    assert _pinned(config) is ok


# --- roles ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", WEB_ROLES)
def test_web_and_people_roles_own_nothing_and_bypass_nothing(owner, role):
    owned = _names(owner, """
        select 'relation ' || oid::regclass::text from pg_class where relowner = to_regrole(%(r)s)
        union all select 'function ' || oid::regprocedure::text from pg_proc where proowner = to_regrole(%(r)s)
        union all select 'schema ' || nspname from pg_namespace where nspowner = to_regrole(%(r)s)
        union all select 'type ' || oid::regtype::text from pg_type where typowner = to_regrole(%(r)s)
        union all select 'database ' || datname from pg_database where datdba = to_regrole(%(r)s)
          and datname = current_database()""", {"r": role})
    assert owned == [], f"{role} owns objects, so RLS and grants would not bind it: {owned}"

    super_, bypass = owner.execute(
        "select rolsuper, rolbypassrls from pg_roles where rolname = %s", (role,)).fetchone()
    assert not super_, f"{role} is a superuser"
    assert not bypass, f"{role} has BYPASSRLS"

    # Membership counts too: a member of the owner (or of a superuser or BYPASSRLS role) gets its powers.
    powers = _names(owner, """
        select r.rolname from pg_roles r
        where r.rolname <> %(r)s and pg_has_role(%(r)s, r.oid, 'member')
          and (r.rolname = %(owner)s or r.rolsuper or r.rolbypassrls)""", {"r": role, "owner": ROLE_OWNER})
    assert powers == [], f"{role} is a member of {powers}"


# --- execute privileges -----------------------------------------------------------------------------------


def test_no_api_or_private_function_is_executable_by_public(owner):
    exposed = _names(owner, """
        select p.oid::regprocedure::text from pg_proc p
        where p.pronamespace in ('api'::regnamespace, 'app_private'::regnamespace)
          and exists (select 1 from aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a
                      where a.grantee = 0 and a.privilege_type = 'EXECUTE')
        order by 1""")
    assert exposed == [], f"functions executable by PUBLIC (revoke execute … from public, grant by name): {exposed}"


def test_app_role_cannot_reach_app_private(owner):
    assert not owner.execute("select has_schema_privilege(%s, 'app_private', 'usage')", (ROLE_APP,)).fetchone()[0]
    executable = _names(owner, """
        select p.oid::regprocedure::text from pg_proc p
        where p.pronamespace = 'app_private'::regnamespace and has_function_privilege(%s, p.oid, 'execute')
        order by 1""", (ROLE_APP,))
    assert executable == [], f"app_private functions the app role may execute: {executable}"


# --- comments ---------------------------------------------------------------------------------------------


def test_every_table_view_and_function_of_ours_has_a_comment(owner):
    schemas = ", ".join(f"'{s}'" for s in OUR_SCHEMAS)
    uncommented = _names(owner, f"""
        select 'relation ' || c.oid::regclass::text from pg_class c
        where c.relnamespace::regnamespace::text in ({schemas}) and c.relkind in ('r', 'p', 'v', 'm')
          and coalesce(obj_description(c.oid, 'pg_class'), '') = ''
        union all
        select 'function ' || p.oid::regprocedure::text from pg_proc p
        where p.pronamespace::regnamespace::text in ({schemas})
          and {NOT_EXTENSION_MEMBER.format(catalog="'pg_proc'", oid='p.oid')}
          and coalesce(obj_description(p.oid, 'pg_proc'), '') = ''
        order by 1""")
    assert uncommented == [], f"missing `comment on` (conventions: every table, function and view others read): {uncommented}"


# --- foreign keys say their on delete --------------------------------------------------------------------


def _strip_comments(text: str) -> str:
    return re.sub(r"--[^\n]*", "", text)


def foreign_keys_without_on_delete(sql_text: str) -> list[str]:
    """Each `references …` clause up to the end of its constraint (a comma or closing parenthesis at its
    own depth, or the end of the statement), where `on delete` is missing."""
    text = _strip_comments(sql_text)
    missing = []
    for match in re.finditer(r"\breferences\b", text, re.I):
        depth, end = 0, match.end()
        while end < len(text):
            ch = text[end]
            if ch == "(":
                depth += 1
            elif ch == ")":
                if depth == 0:
                    break
                depth -= 1
            elif ch in ",;" and depth == 0:
                break
            end += 1
        clause = " ".join(text[match.start():end].split())
        if not re.search(r"\bon delete\b", clause, re.I):
            line_start = text.rfind("\n", 0, match.start()) + 1
            missing.append(" ".join(text[line_start:end].split()))
    return missing


MIGRATIONS = [p for p in sorted((DB_DIR / "migrations").glob("*.sql")) if not p.name.startswith(PROCRASTINATE_MIGRATION)]


@pytest.mark.parametrize("path", MIGRATIONS, ids=[p.name for p in MIGRATIONS])
def test_every_foreign_key_says_its_on_delete(path):
    missing = foreign_keys_without_on_delete(path.read_text())
    assert missing == [], f"{path.name}: foreign keys without `on delete`: {missing}"


def test_the_on_delete_check_reads_clauses():
    sql_text = """
      create table app.t (
        a uuid references app.x (id),  -- says nothing
        b uuid references app.y (id) on delete cascade,
        constraint t_c_fkey foreign key (a, c) references app.z (a, id) on update cascade,
        constraint t_d_fkey foreign key (a, d) references app.z (a, id) on delete set null (d)
      );
      alter table app.t add constraint t_e_fkey foreign key (e) references app.w (id);
    """
    missing = foreign_keys_without_on_delete(sql_text)
    assert len(missing) == 3, missing
    assert "app.x" in missing[0] and "app.z" in missing[1] and "app.w" in missing[2]


# --- Procrastinate's pinned internal ---------------------------------------------------------------------


def test_procrastinate_defer_jobs_v1_has_the_signature_we_call(owner):
    # app_private.defer_job builds row(queue, task, priority, lock, queueing_lock, args, scheduled_at) and
    # calls this internal directly; a Procrastinate upgrade that changes either must fail here.
    fn = owner.execute(
        "select to_regprocedure('public.procrastinate_defer_jobs_v1(public.procrastinate_job_to_defer_v1[])')::oid"
    ).fetchone()[0]
    assert fn is not None, "procrastinate_defer_jobs_v1(procrastinate_job_to_defer_v1[]) is missing"
    assert owner.execute("select prorettype::regtype::text from pg_proc where oid = %s", (fn,)).fetchone()[0] == "bigint[]"
    fields = owner.execute("""
        select a.attname::text, format_type(a.atttypid, a.atttypmod) from pg_attribute a
        where a.attrelid = (select typrelid from pg_type where oid = 'public.procrastinate_job_to_defer_v1'::regtype)
          and a.attnum > 0 and not a.attisdropped order by a.attnum""").fetchall()
    assert fields == [
        ("queue_name", "character varying"), ("task_name", "character varying"), ("priority", "integer"),
        ("lock", "text"), ("queueing_lock", "text"), ("args", "jsonb"),
        ("scheduled_at", "timestamp with time zone")]

    with owner.transaction(force_rollback=True):
        job_id = owner.execute("select app_private.defer_job('probe_task', '{\"n\": 1}', 'probe_queue')").fetchone()[0]
        row = owner.execute(
            "select task_name, queue_name, args, status::text from public.procrastinate_jobs where id = %s", (job_id,)
        ).fetchone()
        assert row == ("probe_task", "probe_queue", {"n": 1}, "todo")

# Test: pytest tests/meta/test_catalogue.py
