# bench/_common.py — what the bench scripts share: results and percentiles, child processes, a throwaway embedded PostgreSQL, a cheap HTTP/1.1 load client, wrk and pgbench runners.
"""Imported by bench/booking.py, bench/payments.py, bench/dashboard.py and bench/load.py (which put the repository
root on sys.path first, so `python bench/<script>.py` works from anywhere)."""
from __future__ import annotations

import asyncio
import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import psycopg

from app.config import ROLE_APP
from app.database import pg_bin_dir, start_embedded, with_database
from app.migrate import migrate

REPO = Path(__file__).resolve().parent.parent

# Every benchmark client books from one loopback address with made-up emails: the abuse limits on public
# bookings (per address, per email, open holds, confirmations per recipient) go to their maxima, or the
# benchmarks would measure 429s. The limits themselves are tested in tests/http/test_booking_limits.py.
LIFT_BOOKING_LIMITS = (
    "update app.platform_settings set value = to_jsonb((api.setting_bounds()->key->>1)::integer) "
    "where key in ('public_bookings_per_ip_per_hour', 'public_bookings_per_email_per_hour', "
    "'booking_emails_per_recipient_per_day', 'unpaid_holds_per_email', 'unpaid_holds_per_ip')")

# --- results -------------------------------------------------------------------------------------------

@dataclass
class Result:
    name: str
    rps: float | None = None
    p50_ms: float | None = None
    p99_ms: float | None = None
    requests: int = 0
    errors: int = 0
    note: str = ""
    extra: dict = field(default_factory=dict)


def percentile(values: list[float], pct: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


def fmt(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


# --- processes -----------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Children:
    """Servers started here, each in its own process group; stopped with SIGINT, then killed if need be."""

    def __init__(self) -> None:
        self.procs: list[tuple[str, subprocess.Popen, Path]] = []

    def start(self, name: str, cmd: list[str], env: dict[str, str], log_path: Path) -> subprocess.Popen:
        log = log_path.open("wb")
        proc = subprocess.Popen(cmd, env=env, cwd=REPO, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        self.procs.append((name, proc, log_path))
        return proc

    def log_tail(self, name: str, lines: int = 30) -> str:
        for n, _, path in self.procs:
            if n == name and path.exists():
                return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
        return ""

    def stop_all(self) -> None:
        for _, proc, _ in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGINT)
        deadline = time.monotonic() + 15
        for _, proc, _ in self.procs:
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)
            # uvicorn's worker processes share the group: make sure none outlives its supervisor.
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        self.procs.clear()


def wait_http(url: str, proc: subprocess.Popen, children: Children, name: str, seconds: float = 60) -> httpx.Response:
    deadline = time.monotonic() + seconds
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"{name} exited with {proc.returncode}:\n{children.log_tail(name)}")
        try:
            r = httpx.get(url, timeout=5)
            if r.status_code == 200:
                return r
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{name} did not answer 200 at {url} within {seconds:.0f} s:\n{children.log_tail(name)}")
        time.sleep(0.2)


def server_socket(admin_url: str) -> tuple[str, str]:
    with psycopg.connect(admin_url) as conn:
        sock = conn.execute("show unix_socket_directories").fetchone()[0].split(",")[0].strip()
        port = conn.execute("show port").fetchone()[0]
    return sock, port


# --- PostgreSQL ----------------------------------------------------------------------------------------

def embedded_database(tmp: Path, dbname: str):
    """A fresh embedded PostgreSQL under tmp/db with one migrated database: (server, admin URL). The caller
    stops it with server.cleanup()."""
    server = start_embedded(tmp / "db", cleanup_mode="delete")
    with psycopg.connect(with_database(server.get_uri(), "postgres"), autocommit=True) as conn:
        conn.execute(f'create database "{dbname}"')
    admin_url = with_database(server.get_uri(), dbname)
    migrate(admin_url, dump=False, dev=True)
    return server, admin_url


def pgbench(name: str, admin_url: str, workdir: Path, script: str, *, clients: int, threads: int,
            duration: float, role: str = ROLE_APP, statements: bool = False) -> Result:
    """Run a pgbench script (-M prepared) as `role` for `duration` seconds: transactions/s, p50/p99 from the
    per-transaction log, failed transactions as errors. statements: also each command's mean latency in ms
    (pgbench -r), in extra["statements"] as (ms, command) in script order."""
    tag = re.sub(r"\W+", "_", name)[:40]
    path = workdir / f"{tag}.sql"
    path.write_text(script)
    sock, port = server_socket(admin_url)
    logdir = workdir / f"pgbench-log-{tag}"
    shutil.rmtree(logdir, ignore_errors=True)
    logdir.mkdir()
    dbname = urlsplit(admin_url).path.lstrip("/")
    cmd = [str(pg_bin_dir() / "pgbench"), "-n", "-M", "prepared", "-c", str(clients), "-j", str(threads),
           "-T", str(max(1, round(duration))), "-f", str(path), "-l", "--log-prefix", str(logdir / "tx"),
           "-h", sock, "-p", port, "-U", role, dbname] + (["-r"] if statements else [])
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=workdir, timeout=duration + 60)
    aborted = done.stderr.count("aborted in command")
    if done.returncode != 0 and not (aborted and "tps = " in done.stdout):
        raise RuntimeError(f"pgbench failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    res = Result(name, note=f"pgbench -M prepared -c{clients} -j{threads}")
    if aborted:  # a client stops at its first error that is not a retried serialization failure or deadlock
        first = next(line for line in done.stderr.splitlines() if "aborted in command" in line)
        res.errors += aborted
        res.note += f"; {aborted} client(s) aborted, first: {first.split('ERROR:')[-1].strip()[:60]}"
    if m := re.search(r"tps = ([\d.]+) \(without initial connection time\)", done.stdout):
        res.rps = float(m.group(1))
    if m := re.search(r"number of transactions actually processed: (\d+)", done.stdout):
        res.requests = int(m.group(1))
    if m := re.search(r"number of failed transactions: (\d+)", done.stdout):
        res.errors = int(m.group(1))
    if statements:
        res.extra["statements"] = [(float(m.group(1)), m.group(2).strip()) for m in re.finditer(
            r"^\s+([\d.]+)(?:\s+\d+)+\s+(\D.*)$", done.stdout.split("statement latencies")[-1], re.M)]
    latencies: list[float] = []
    for log in logdir.iterdir():
        for line in log.read_text().splitlines():
            parts = line.split()
            if len(parts) >= 3 and parts[2].isdigit():
                latencies.append(int(parts[2]) / 1000)
    res.p50_ms, res.p99_ms = percentile(latencies, 50), percentile(latencies, 99)
    if res.rps is None:
        raise RuntimeError(f"could not read pgbench's output:\n{done.stdout}")
    return res


# --- load generators -----------------------------------------------------------------------------------

_WRK_TIME = re.compile(r"([\d.]+)(us|ms|s|m)\b")
_WRK_UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _wrk_ms(text: str) -> float | None:
    m = _WRK_TIME.fullmatch(text.strip())
    return float(m.group(1)) * _WRK_UNIT_MS[m.group(2)] if m else None


def run_wrk(name: str, url: str, *, connections: int, threads: int, duration: float) -> Result:
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{max(1, round(duration))}s", "--latency", "--timeout", "10s", url]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 60).stdout
    res = Result(name, note="wrk")
    if m := re.search(r"Requests/sec:\s+([\d.]+)", out):
        res.rps = float(m.group(1))
    if m := re.search(r"(\d+) requests in", out):
        res.requests = int(m.group(1))
    for pct, attr in (("50%", "p50_ms"), ("99%", "p99_ms")):
        if m := re.search(rf"^\s+{re.escape(pct)}\s+(\S+)", out, re.M):
            setattr(res, attr, _wrk_ms(m.group(1)))
    if m := re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out):
        res.errors += int(m.group(1))
    if m := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out):
        res.errors += sum(int(g) for g in m.groups())
    if res.rps is None:
        raise RuntimeError(f"could not read wrk's output:\n{out}")
    return res


class RawHttp:
    """A minimal keep-alive HTTP/1.1 client on asyncio streams, for load. httpx's AsyncClient spent ~6 ms of
    CPU per request at 50 concurrent connections here (more than the app itself), so the load generator,
    not the server, set the pace; this one costs a small fraction of that."""

    def __init__(self, url: str):
        parts = urlsplit(url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(OSError):
                await self.writer.wait_closed()
        self.reader = self.writer = None

    async def request(self, method: str, path: str, body: bytes | None = None,
                      headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        """One request; headers are extra ones (Authorization, a webhook's signature…); a body is JSON unless
        headers name another Content-Type."""
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        head = f"{method} {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
        extra = dict(headers or {})
        if body is not None:
            if not any(k.lower() == "content-type" for k in extra):
                extra["Content-Type"] = "application/json"
            extra["Content-Length"] = str(len(body))
        head += "".join(f"{k}: {v}\r\n" for k, v in extra.items())
        self.writer.write(head.encode() + b"\r\n" + (body or b""))
        reader = self.reader
        status_line = await reader.readline()
        if not status_line:
            await self.close()
            raise ConnectionError("connection closed by the server")
        status = int(status_line.split()[1])
        length, chunked, close = 0, False, False
        while (line := await reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"transfer-encoding":
                chunked = b"chunked" in value.lower()
            elif name == b"connection":
                close = b"close" in value.lower()
        if chunked:
            chunks = []
            while (size := int((await reader.readline()).split(b";")[0], 16)) > 0:
                chunks.append(await reader.readexactly(size))
                await reader.readline()
            await reader.readline()
            payload = b"".join(chunks)
        else:
            payload = await reader.readexactly(length)
        if close:
            await self.close()
        return status, payload

# Test: .venv/bin/python bench/booking.py --duration 2 --warmup 1 --clients 10 --slots 20   (uses every helper here)
