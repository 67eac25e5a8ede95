# tests/scaling/pgbouncer.py — start Debian's PgBouncer (1.18) in transaction-pooling mode in front of a test PostgreSQL.
"""One PgBouncer per test session, listening on a Unix socket only, in front of the embedded server's
socket. Every database of that server is reachable through it under its own name (`* =`), so the fresh
database each test clones works without reconfiguring. The embedded server trusts local sockets, so
PgBouncer trusts its clients too (auth_type trust; the role names still have to be in its auth file).
PgBouncer refuses to run as root: as root it drops to the user that runs the embedded server."""
from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from app.config import ROLE_ADMIN, ROLE_ANALYST, ROLE_APP, ROLE_OWNER, ROLE_WORKER

PGBOUNCER = os.environ.get("PGBOUNCER_PATH", "/usr/sbin/pgbouncer")
ADMIN_USER = "pgbouncer"  # the admin console's user (SHOW POOLS, SHOW STATS)


def _socket_dir_and_port(url: str) -> tuple[Path, int]:
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    host = query.get("host") or parts.hostname or ""
    if not host.startswith("/"):
        raise ValueError(f"expected a Unix-socket URL, got {url!r}")
    return Path(host), int(query.get("port") or parts.port or 5432)


@dataclass
class PgBouncer:
    socket_dir: Path
    port: int
    work_dir: Path
    process: subprocess.Popen

    def url(self, direct_url: str) -> str:
        """The same role and database as direct_url, through PgBouncer."""
        parts = urlsplit(direct_url)
        query = dict(parse_qsl(parts.query))
        query["host"], query["port"] = str(self.socket_dir), str(self.port)
        netloc = parts.netloc.rsplit("@", 1)[0] + "@" if "@" in parts.netloc else ""
        return urlunsplit((parts.scheme, netloc, parts.path, urlencode(query), parts.fragment))

    def admin_conninfo(self) -> str:
        return f"host={self.socket_dir} port={self.port} dbname=pgbouncer user={ADMIN_USER}"

    def show(self, what: str, psql: Path) -> list[dict[str, str]]:
        """SHOW POOLS / STATS / … from the admin console (simple-query protocol only: psql, not asyncpg)."""
        out = subprocess.run([str(psql), self.admin_conninfo(), "-AF\t", "-c", f"show {what}"],
                             capture_output=True, text=True, check=True, timeout=10).stdout.splitlines()
        header = out[0].split("\t")
        return [dict(zip(header, line.split("\t"), strict=False)) for line in out[1:] if "\t" in line]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if os.environ.get("NAKKSHA_PGBOUNCER_LOG_DIR"):  # keep its log (debugging a run through it)
            keep = Path(os.environ["NAKKSHA_PGBOUNCER_LOG_DIR"])
            keep.mkdir(parents=True, exist_ok=True)
            (keep / f"pgbouncer-{os.getpid()}.log").write_text(self.log())
        shutil.rmtree(self.work_dir, ignore_errors=True)

    def log(self) -> str:
        try:
            return (self.work_dir / "pgbouncer.log").read_text()
        except OSError:
            return ""


def available() -> bool:
    return os.access(PGBOUNCER, os.X_OK)


def start_pgbouncer(server_url: str, port: int = 6432, pool_size: int = 10) -> PgBouncer:
    """PgBouncer in transaction mode in front of the server of server_url (a Unix-socket URL)."""
    server_dir, server_port = _socket_dir_and_port(server_url)
    work_dir = Path(tempfile.mkdtemp(prefix="nkbouncer-"))
    users = [ROLE_APP, ROLE_WORKER, ROLE_OWNER, ROLE_ADMIN, ROLE_ANALYST, "postgres", ADMIN_USER]
    (work_dir / "userlist.txt").write_text("".join(f'"{u}" ""\n' for u in users))
    run_as = ""
    if os.geteuid() == 0:
        # The user the embedded server runs as can reach its socket; PgBouncer switches to it after start-up.
        owner = pwd.getpwuid(server_dir.stat().st_uid)
        run_as = f"user = {owner.pw_name}\n"
        os.chown(work_dir, owner.pw_uid, owner.pw_gid)
    ini = work_dir / "pgbouncer.ini"
    ini.write_text(f"""[databases]
* = host={server_dir} port={server_port}

[pgbouncer]
listen_addr =
listen_port = {port}
unix_socket_dir = {work_dir}
{run_as}auth_type = trust
auth_file = {work_dir / "userlist.txt"}
admin_users = {ADMIN_USER}
stats_users = {ADMIN_USER}
pool_mode = transaction
default_pool_size = {pool_size}
max_client_conn = 1000
server_idle_timeout = 5
server_login_retry = 1
logfile = {work_dir / "pgbouncer.log"}
pidfile = {work_dir / "pgbouncer.pid"}
""")
    for f in work_dir.iterdir():
        f.chmod(0o644)
    work_dir.chmod(0o755)
    # -q: log to its logfile only (an unread stderr pipe would fill up and stall it).
    with open(work_dir / "stderr.txt", "wb") as err:
        process = subprocess.Popen([PGBOUNCER, "-q", str(ini)], stdout=subprocess.DEVNULL, stderr=err)
    bouncer = PgBouncer(work_dir, port, work_dir, process)
    socket = work_dir / f".s.PGSQL.{port}"
    deadline = time.monotonic() + 10
    while not socket.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            err = (work_dir / "stderr.txt").read_text() + bouncer.log()
            bouncer.stop()
            raise RuntimeError(f"pgbouncer did not start: {err}")
        time.sleep(0.05)
    return bouncer

# Test: pytest tests/scaling/test_pgbouncer.py
