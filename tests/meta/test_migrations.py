# tests/meta/test_migrations.py — migrations round-trip, migrate is a no-op when re-run, db/schema.sql is current, code re-applies cleanly.
from __future__ import annotations

import datetime as dt
import difflib
import re
import shutil
from pathlib import Path

import psycopg
import pytest

from app.migrate import (
    BASELINE_VERSION,
    DB_DIR,
    SQUASHED_VERSIONS,
    apply_code,
    apply_rules,
    dbmate,
    dev_files,
    drop_code,
    dump_schema,
    migrate,
    rule_files,
)

MIGRATIONS = sorted((DB_DIR / "migrations").glob("*.sql"))
MIGRATION_NAME = re.compile(r"^(?P<version>\d{14})_(?P<verb>[a-z]+)_(?P<object>[a-z0-9]+(?:_[a-z0-9]+)*)\.sql$")


def _scalar(url: str, query: str, params: tuple | None = None) -> object:
    with psycopg.connect(url) as conn:
        return conn.execute(query, params).fetchone()[0]


def _rows(url: str, query: str, params: tuple | None = None) -> list[tuple]:
    with psycopg.connect(url) as conn:
        return conn.execute(query, params).fetchall()


def _diff(expected: str, actual: str, expected_name: str, actual_name: str, limit: int = 60) -> str:
    lines = list(difflib.unified_diff(expected.splitlines(), actual.splitlines(), expected_name, actual_name, lineterm=""))
    return "\n".join(lines[:limit]) + ("\n…" if len(lines) > limit else "")


# --- the whole chain -------------------------------------------------------------------------------------


def test_migrations_round_trip_down_to_nothing_and_up_again(empty_db):
    migrate(empty_db.admin_url, dump=False)
    owner = empty_db.url("owner")
    first = dump_schema(owner)
    applied = _scalar(owner, "select count(*) from public.schema_migrations")
    assert applied == len(MIGRATIONS), "migrate did not apply every file in db/migrations"

    # Down, one migration at a time: every `-- migrate:down` must run.
    drop_code(owner)
    for _ in range(len(MIGRATIONS) + 1):
        if _scalar(owner, "select count(*) from public.schema_migrations") == 0:
            break
        dbmate(owner, "rollback")
    assert _scalar(owner, "select count(*) from public.schema_migrations") == 0

    # Nothing of ours is left behind: no schemas, no Procrastinate tables, functions or types.
    leftover_schemas = _rows(owner, "select nspname from pg_namespace where nspname in ('app', 'api', 'app_private', 'analytics')")
    assert leftover_schemas == [], f"schemas left after rolling everything back: {leftover_schemas}"
    leftover_procrastinate = _rows(owner, """
        select 'relation ' || oid::regclass::text from pg_class where relname like 'procrastinate%'
        union all select 'function ' || oid::regprocedure::text from pg_proc where proname like 'procrastinate%'
        union all select 'type ' || oid::regtype::text from pg_type where typname like '%procrastinate%'""")
    assert leftover_procrastinate == [], f"Procrastinate objects left after rollback: {leftover_procrastinate}"
    leftover_public = _rows(owner, """
        select c.oid::regclass::text from pg_class c
        where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p', 'v', 'm', 'S')
          and c.relname <> 'schema_migrations'
          and not exists (select 1 from pg_depend d where d.classid = 'pg_class'::regclass and d.objid = c.oid
                          and d.deptype = 'e')""")
    assert leftover_public == [], f"relations left in public after rollback: {leftover_public}"

    # And up again from there, to exactly the same schema (a down that leaves a grant or an object behind
    # shows up here as a difference).
    migrate(empty_db.admin_url, dump=False)
    again = dump_schema(owner)
    assert again == first, "schema after down-all + up differs from the first migrate:\n" + _diff(first, again, "first", "again")


def test_migrate_twice_is_a_no_op(db):
    owner = db.url("owner")
    before = dump_schema(owner)
    migrate(db.admin_url, dump=False)
    after = dump_schema(owner)
    assert after == before, "a second `nakksha migrate` changed the schema:\n" + _diff(before, after, "before", "after")


def test_committed_schema_sql_matches_a_fresh_migrate(db):
    committed = (DB_DIR / "schema.sql").read_text()
    fresh = dump_schema(db.url("owner"))
    assert fresh == committed, (
        "db/schema.sql is stale: run `nakksha migrate` (it rewrites db/schema.sql) and commit the result.\n"
        + _diff(committed, fresh, "db/schema.sql (committed)", "fresh migrate"))


def test_a_database_the_squashed_chain_built_is_adopted_not_rebuilt(db):
    # A database the 37 squashed migrations built records their versions: migrate swaps them for the baseline's
    # (running nothing: re-running the baseline would fail on the existing tables) and the schema is unchanged.
    # (That the old chain and the baseline build the same schema was checked when squashing, by dumping both.)
    owner = db.url("owner")
    before = dump_schema(owner)
    with psycopg.connect(owner) as conn:
        conn.execute("delete from public.schema_migrations where version = %s", (BASELINE_VERSION,))
        for version in SQUASHED_VERSIONS:
            conn.execute("insert into public.schema_migrations (version) values (%s)", (version,))
    migrate(db.admin_url, dump=False)
    assert [v for (v,) in _rows(owner, "select version from public.schema_migrations where version like '2026%' order by 1")] \
        == [p.name.split("_", 1)[0] for p in MIGRATIONS]  # the vendored Procrastinate one, the baseline, what came after
    assert dump_schema(owner) == before


def test_a_fresh_database_has_every_platform_setting_with_its_default(db):
    # pg_dump --schema-only dropped the rows the squashed migrations inserted once already: a fresh database
    # must hold a row (and a description) for every setting the admin page bounds and the code reads.
    owner = db.url("owner")
    missing = _rows(owner, """select b.key from jsonb_object_keys(api.setting_bounds()) b(key)
                               where not exists (select 1 from app.platform_settings s where s.key = b.key)""")
    assert missing == [], f"settings with bounds but no row: {missing}"
    assert _scalar(owner, "select count(*) from app.platform_settings where coalesce(description, '') = ''") == 0
    assert _scalar(owner, "select count(*) from app.platform_settings") >= 21


def test_the_local_gateway_exists_only_where_development_asked_for_it(empty_db, db):
    # Issue 17: the local payment gateway and the local outbox's pages are no part of the production schema. A
    # production migrate makes no schema dev; a development or test one (the db fixture) has it, outside
    # db/schema.sql.
    migrate(empty_db.admin_url, dump=False, dev=False)
    assert _scalar(empty_db.url("owner"), "select to_regnamespace('dev') is null") is True
    assert "local_gateway" not in (DB_DIR / "schema.sql").read_text()
    # Every function db/dev defines is there (and nothing more: a renamed one must not linger).
    defined = sum(len(re.findall(r"^create or replace function ", f.read_text(), re.M)) for f in dev_files())
    assert defined >= 12
    assert _scalar(db.url("owner"), "select count(*) from pg_proc where pronamespace = to_regnamespace('dev')") == defined
    assert "local_gateway" not in dump_schema(db.url("owner"))
    assert "outbox_list" not in (DB_DIR / "schema.sql").read_text()
    migrate(db.admin_url, dump=False)  # again: its tables and rows stay
    assert _scalar(db.url("owner"), "select to_regclass('dev.local_gateway_orders') is not null") is True


def test_a_database_part_way_along_the_squashed_chain_is_refused(db):
    owner = db.url("owner")
    with psycopg.connect(owner) as conn:
        conn.execute("delete from public.schema_migrations where version = %s", (BASELINE_VERSION,))
        conn.execute("insert into public.schema_migrations (version) values ('20261124100000')")
    with pytest.raises(RuntimeError, match="part-way"):
        migrate(db.admin_url, dump=False)


# --- functions and materialized views are code -----------------------------------------------------------


@pytest.fixture
def db_dir(tmp_path: Path) -> Path:
    """A private copy of db/ to add probe files to."""
    return Path(shutil.copytree(DB_DIR, tmp_path / "db"))


def test_changed_function_signature_replaces_the_old_one(db, db_dir):
    owner = db.url("owner")
    probe = db_dir / "functions" / "probe.sql"
    probe.write_text("create or replace function api.probe(a int) returns int language sql immutable as $$ select a $$;\n")
    apply_code(owner, db_dir=db_dir)
    assert _rows(owner, "select oid::regprocedure::text from pg_proc where proname = 'probe'") == [("api.probe(integer)",)]

    probe.write_text("create or replace function api.probe(a int, b int) returns int language sql immutable as $$ select a + b $$;\n")
    apply_code(owner, db_dir=db_dir)
    assert _rows(owner, "select oid::regprocedure::text from pg_proc where proname = 'probe'") == [
        ("api.probe(integer,integer)",)], "the old signature survived next to the new one"

    probe.unlink()
    apply_code(owner, db_dir=db_dir)
    assert _rows(owner, "select oid::regprocedure::text from pg_proc where proname = 'probe'") == [], \
        "a deleted function file left its function behind"


def test_materialized_view_is_rebuilt_only_when_its_file_changes(db, db_dir):
    owner = db.url("owner")
    probe = db_dir / "views" / "materialized" / "probe.sql"
    oid_query = "select oid from pg_class where oid = to_regclass('app.probe_mv')"
    version_query = "select definition_sha256 from app.materialized_view_versions where view_name = 'app.probe_mv'"

    probe.write_text("-- materialized view: app.probe_mv\ncreate materialized view app.probe_mv as select 1 as n;\n")
    apply_code(owner, db_dir=db_dir)
    first_oid = _scalar(owner, oid_query)
    first_version = _scalar(owner, version_query)
    assert first_oid is not None and first_version is not None

    apply_code(owner, db_dir=db_dir)
    assert _scalar(owner, oid_query) == first_oid, "an unchanged materialized view was rebuilt"
    assert _scalar(owner, version_query) == first_version

    probe.write_text("-- materialized view: app.probe_mv\ncreate materialized view app.probe_mv as select 2 as n;\n")
    apply_code(owner, db_dir=db_dir)
    second_oid = _scalar(owner, oid_query)
    assert second_oid is not None and second_oid != first_oid, "a changed materialized view was not rebuilt"
    assert _scalar(owner, "select n from app.probe_mv") == 2
    assert _scalar(owner, version_query) != first_version

    probe.unlink()
    apply_code(owner, db_dir=db_dir)
    assert _scalar(owner, "select to_regclass('app.probe_mv')") is None, "a deleted materialized view file left its view"
    assert _scalar(owner, "select count(*) from app.materialized_view_versions where view_name = 'app.probe_mv'") == 0


def test_a_rule_function_is_replaced_in_place_before_the_migrations(db, db_dir):
    # Schema app is never dropped (tables depend on it): its files are applied with create or replace, so a
    # changed body takes effect on the next migrate, and a trigger made on a function of those files by a
    # migration finds it (apply_rules runs before dbmate).
    owner = db.url("owner")
    probe = db_dir / "functions" / "app" / "probe.sql"
    probe.write_text("create or replace function app.probe() returns int language sql immutable as $$ select 1 $$;\n")
    apply_rules(owner, db_dir=db_dir)
    assert _scalar(owner, "select app.probe()") == 1
    probe.write_text("create or replace function app.probe() returns int language sql immutable as $$ select 2 $$;\n")
    apply_rules(owner, db_dir=db_dir)
    assert _scalar(owner, "select app.probe()") == 2
    assert _scalar(owner, "select has_function_privilege('nakksha_app', 'app.probe()', 'execute')") is False, \
        "a function of schema app is callable by the roles its file grants it to, not by public"


def test_every_function_in_schema_app_has_its_text_in_db_functions_app(db):
    # One home per rule: what the catalogue holds in schema app is what the files say (a function removed from
    # the files must be dropped by a migration, or it lingers here, unused and unreviewed).
    declared = set()
    for path in rule_files():
        declared |= {m.group(1) for m in re.finditer(r"^create or replace function app\.(\w+)\(", path.read_text(), re.M)}
    in_catalogue = {name for (name,) in _rows(db.url("owner"), "select proname from pg_proc where pronamespace = 'app'::regnamespace")}
    assert in_catalogue == declared, f"only in the catalogue: {in_catalogue - declared}; only in files: {declared - in_catalogue}"


# Ours: every migration but Procrastinate's own schema, vendored as it ships (its functions are its own, and
# tests/meta/test_catalogue.py pins the one internal we call).
OUR_MIGRATIONS = [p for p in MIGRATIONS if not p.name.startswith("20261124100100_")]


@pytest.mark.parametrize("path", OUR_MIGRATIONS, ids=[p.name for p in OUR_MIGRATIONS])
def test_no_migration_writes_a_function_body(path: Path):
    # Function bodies live in db/functions (a trigger function in db/functions/app): a migration that restated
    # one would become a second, stale copy of the rule (derive_session_times was once written five times).
    assert not re.search(r"\bcreate\s+(or\s+replace\s+)?(function|procedure)\b", path.read_text(), re.I), \
        f"{path.name} creates a function: put it in db/functions/<domain>.sql (schema app: db/functions/app/)"


# --- the files themselves --------------------------------------------------------------------------------


@pytest.mark.parametrize("path", MIGRATIONS, ids=[p.name for p in MIGRATIONS])
def test_migration_file_is_well_formed(path: Path):
    match = MIGRATION_NAME.match(path.name)
    assert match, f"{path.name}: expected YYYYMMDDHHMMSS_verb_object.sql (lowercase snake_case)"
    dt.datetime.strptime(match["version"], "%Y%m%d%H%M%S")  # a real timestamp, not 14 digits of anything

    lines = path.read_text().splitlines()
    assert lines and lines[0].startswith(f"-- db/migrations/{path.name} "), \
        f"{path.name}: the first line must be a comment naming the file's path (-- db/migrations/{path.name} — …)"

    markers = [(i, line.strip()) for i, line in enumerate(lines) if line.strip().startswith("-- migrate:")]
    assert [m for _, m in markers] == ["-- migrate:up", "-- migrate:down"], \
        f"{path.name}: expected one `-- migrate:up` then one `-- migrate:down`, found {[m for _, m in markers]}"
    (up_at, _), (down_at, _) = markers

    def statements(section: list[str]) -> list[str]:
        return [ln for ln in section if ln.strip() and not ln.strip().startswith("--")]

    assert statements(lines[up_at + 1:down_at]), f"{path.name}: empty migrate:up"
    assert statements(lines[down_at + 1:]), f"{path.name}: empty migrate:down (each migration needs a working down)"


def test_migration_versions_are_unique():
    versions = [p.name.split("_", 1)[0] for p in MIGRATIONS]
    assert len(versions) == len(set(versions)), f"duplicate migration versions: {sorted(versions)}"


def test_no_current_policy_calls_a_retired_helper(db):
    """db/functions/app/retired.sql keeps the helpers the baseline migration's policies call (a fresh database
    migrates step by step); once migrated, nothing may depend on them."""
    owner = db.url("owner")
    users = _rows(owner, """
        select p.schemaname || '.' || p.tablename || ' ' || p.policyname from pg_policies p
        where coalesce(p.qual, '') || coalesce(p.with_check, '') ~ '(readable_consultants|current_admin_is_active)'""")
    assert users == [], f"policies calling a retired helper: {users}"

# Test: pytest tests/meta/test_migrations.py
