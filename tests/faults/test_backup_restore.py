# tests/faults/test_backup_restore.py — pg_dump of a populated database restored into a fresh server, as docs/operations.md says: the app runs on it and the dashboards agree.
from __future__ import annotations

import subprocess

import httpx
import psycopg

from app.bulk_seed import seed
from app.database import pg_bin_dir, with_database
from app.migrate import bootstrap_roles, migrate
from tests.conftest import TestDatabase as Database
from tests.faults.conftest import served
from tests.http.conftest import app, client  # noqa: F401
from tests.http.helpers import auth, make_admin
from tests.http.test_booking import approved_consultant, book, booking, every_day, slots


def pg(tool: str, *args: str) -> str:
    done = subprocess.run([str(pg_bin_dir() / tool), *args], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def schema_of(url: str) -> str:
    """The schema as pg_dump writes it, without the random \\restrict key pg_dump 18 adds to each dump."""
    return "\n".join(line for line in pg("pg_dump", "--schema-only", url).splitlines()
                     if not line.startswith(("\\restrict", "\\unrestrict")))


def row_counts(url: str) -> dict[str, int]:
    with psycopg.connect(url) as conn:
        tables = [r[0] for r in conn.execute(
            "select format('%I.%I', schemaname, relname) from pg_stat_user_tables "
            "where schemaname in ('app', 'public') order by 1").fetchall()]
        counts = {t: conn.execute(f"select count(*) from {t}").fetchone()[0] for t in tables}
        counts["analytics.consultant_dashboard_stats"] = conn.execute(
            "select count(*) from analytics.consultant_dashboard_stats").fetchone()[0]
    return counts


async def fetch_all(http, consultant: dict, admin: str, consultant_ids: list) -> dict:
    """What the consultant's dashboard and the admin's analytics show."""
    paths = {"/api/v1/dashboard/metrics": consultant["headers"], "/api/v1/dashboard/charts": consultant["headers"],
             "/api/v1/admin/analytics": auth(admin)}
    for cid in consultant_ids:
        paths[f"/api/v1/admin/consultants/{cid}/analytics"] = auth(admin)
    out = {}
    for path, headers in paths.items():
        r = await http.get(path, headers=headers)
        assert r.status_code == 200, (path, r.text)
        out[path] = r.json()
    return out


async def test_a_restored_dump_serves_the_same_dashboards(client, db, dedicated_pg, tmp_path):  # noqa: F811
    # A populated database: bulk history for three consultants, and bookings made through the app.
    with psycopg.connect(db.admin_url, autocommit=True) as conn:
        seeded = seed(conn, 3, 50)
    c = await approved_consultant(client, db, price="0", rules=every_day())
    for i, slot in enumerate((await slots(client, c["slug"]))[:3]):
        assert (await book(client, c["slug"], booking(slot["slot_id"], email=f"kept{i}@example.com"))).status_code == 201
    admin = await make_admin(db, client)
    with psycopg.connect(db.admin_url, autocommit=True) as conn:
        conn.execute("refresh materialized view analytics.consultant_dashboard_stats")
    ids = [*seeded, c["id"]]
    before = await fetch_all(client, c, admin, ids)
    counts = row_counts(db.url("owner"))

    # Backup: one custom-format dump with the embedded pg_dump (it must be as new as the server).
    dump = tmp_path / "nakksha.dump"
    pg("pg_dump", "--format=custom", "--file", str(dump), db.admin_url)

    # Restore into a fresh server: the roles first (they belong to the server, not the dump), an empty
    # database, then pg_restore as a superuser so owners and grants come back as they were.
    target = dedicated_pg.url
    bootstrap_roles(target)
    pg("createdb", "--maintenance-db", target, "--owner", "nakksha_owner", "nakksha")
    restored = Database("nakksha", with_database(target, "nakksha"))
    pg("pg_restore", "--exit-on-error", "--dbname", restored.admin_url, str(dump))

    # Migrating the restored database changes nothing: no migration pending, the same schema after.
    schema = schema_of(restored.admin_url)
    versions = pg("psql", "-Atc", "select version from public.schema_migrations order by 1", restored.admin_url)
    migrate(restored.admin_url, dump=False)
    assert schema_of(restored.admin_url) == schema
    assert pg("psql", "-Atc", "select version from public.schema_migrations order by 1", restored.admin_url) == versions
    assert row_counts(restored.url("owner")) == counts

    # The app on the restored database: same answers, and it takes bookings (sequences and RLS came back).
    with served(tmp_path, restored.admin_url) as (base, _proc):
        async with httpx.AsyncClient(base_url=base, timeout=20) as restored_client:
            after = await fetch_all(restored_client, c, admin, ids)
            assert after == before
            slot = (await slots(restored_client, c["slug"]))[0]
            r = await book(restored_client, c["slug"], booking(slot["slot_id"], email="after@example.com"))
            assert r.status_code == 201, r.text

# Test: pytest tests/faults/test_backup_restore.py
