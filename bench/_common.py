# bench/_common.py — what the bench scripts share: results and percentiles, child processes, a throwaway embedded PostgreSQL, a cheap HTTP/1.1 load client, wrk and pgbench runners.
"""Imported by bench/booking.py, bench/payments.py, bench/dashboard.py and bench/load.py (which put the repository
root on sys.path first, so `python bench/<script>.py` works from anywhere)."""
from __future__ import annotations

import asyncio
import contextlib
import functools
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
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

@dataclass
class Scratch:
    """One benchmark run's temporary directory and the embedded servers started in it (`scratch`)."""

    dir: Path
    servers: list = field(default_factory=list)

    def keep(self, server):
        self.servers.append(server)
        return server


@contextlib.contextmanager
def scratch(prefix: str):
    """A temporary directory for a benchmark run; on the way out (an interrupt included) every embedded server
    kept in it is stopped and the directory removed."""
    run = Scratch(Path(tempfile.mkdtemp(prefix=prefix)))
    try:
        yield run
    finally:
        for server in run.servers:
            server.cleanup()
        shutil.rmtree(run.dir, ignore_errors=True)


def interruptible(main):
    """A benchmark's main: Ctrl-C ends it with 130 after its clean-up (`scratch`), without a traceback."""
    @functools.wraps(main)
    def run(*args, **kwargs) -> int:
        try:
            return main(*args, **kwargs)
        except KeyboardInterrupt:
            print("\ninterrupted; cleaned up", file=sys.stderr)
            return 130
    return run


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


def ensure_wrk(*, install: bool = True) -> str | None:
    """wrk's path; when missing and install is set, Debian's wrk is installed first (apt-get as root, else
    through sudo, as the Makefile installs chromium). None when it is still missing."""
    if (path := shutil.which("wrk")) or not install:
        return path
    sudo = [] if os.geteuid() == 0 else ["sudo", "-n"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for cmd in ([*sudo, "apt-get", "install", "-y", "-qq", "wrk"],
                [*sudo, "apt-get", "update", "-qq"], [*sudo, "apt-get", "install", "-y", "-qq", "wrk"]):
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            subprocess.run(cmd, env=env, capture_output=True, timeout=300)
        if path := shutil.which("wrk"):
            return path
    return None


def wrk_lua_requests(requests: list[tuple[str, dict[str, str]]]) -> str:
    """A wrk Lua script sending GET requests in turn: (path, extra headers) each, e.g. a dashboard's two
    endpoints with several consultants' Authorization headers."""
    def lua(text: str) -> str:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'

    items = ",\n".join("    wrk.format(\"GET\", " + lua(path) + ", {" +
                        ", ".join(f"[{lua(k)}] = {lua(v)}" for k, v in headers.items()) + "})"
                        for path, headers in requests)
    # Built in init: wrk sets the Host header just before calling it.
    return ("local requests, n = {}, 0\n"
            "function init(args)\n  requests = {\n" + items + "\n  }\nend\n"
            "function request()\n  n = n + 1\n  return requests[(n - 1) % #requests + 1]\nend\n")


def run_wrk(name: str, url: str, *, connections: int, threads: int, duration: float,
            script: Path | None = None) -> Result:
    """wrk against url (with a Lua script choosing the requests when given): requests/s, p50/p99 from
    --latency, non-2xx and socket errors as errors."""
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{max(1, round(duration))}s", "--latency", "--timeout", "10s",
           *(["-s", str(script)] if script else []), url]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 60).stdout
    res = Result(name, note=f"wrk -t{threads} -c{connections}" + (" (Lua requests)" if script else ""))
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


# --- CPU ---------------------------------------------------------------------------------------------------

_CLK_TCK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def processes() -> dict[int, tuple[int, int, float]]:
    """Every process visible in /proc: pid -> (parent pid, process group, CPU seconds used, user + system)."""
    out: dict[int, tuple[int, int, float]] = {}
    try:
        pids = [int(d) for d in os.listdir("/proc") if d.isdigit()]
    except OSError:
        return out
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat", "rb") as f:
                stat = f.read().decode(errors="replace")
        except OSError:
            continue
        rest = stat[stat.rfind(")") + 2:].split()  # after the command name: state ppid pgrp … utime(11) stime(12)
        out[pid] = (int(rest[1]), int(rest[2]), (int(rest[11]) + int(rest[12])) / _CLK_TCK)
    return out


def machine_busy_seconds() -> tuple[float, float]:
    """(busy, total) CPU seconds summed over every core since boot (/proc/stat; iowait counts as idle)."""
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    total = sum(fields[:8])
    return (total - fields[3] - fields[4]) / _CLK_TCK, total / _CLK_TCK


class CpuMeter:
    """CPU seconds used between start() and stop() by named process groups (a child started with
    start_new_session leads its own group, uvicorn's workers included), by the PostgreSQL server (the
    postmaster and its children) and by this process (the load client), against the whole machine's busy
    time: where the cores went during a measurement. Processes that exit meanwhile are not counted."""

    def __init__(self, groups: dict[str, int], postmaster: int | None) -> None:
        self.groups, self.postmaster = groups, postmaster

    def _sample(self) -> dict[str, float]:
        procs = processes()
        out = dict.fromkeys(self.groups, 0.0)
        out["postgres"] = 0.0
        by_group = {pgid: name for name, pgid in self.groups.items()}
        for pid, (ppid, pgid, cpu) in procs.items():
            if pid == os.getpid():
                continue
            if self.postmaster and (pid == self.postmaster or ppid == self.postmaster):
                out["postgres"] += cpu
            elif pgid in by_group:
                out[by_group[pgid]] += cpu
        out["load client (this process)"] = time.process_time()
        out["machine busy"], out["machine total"] = machine_busy_seconds()
        out["wall"] = time.perf_counter()
        return out

    def start(self) -> None:
        self.before = self._sample()

    def stop(self) -> dict[str, float]:
        """Each group's share of the machine's cores, in percent (100 = every core busy for the whole time),
        with 'other processes' (what else ran: other users, helpers) and 'machine busy'."""
        after = self._sample()
        cores = os.cpu_count() or 1
        wall = after["wall"] - self.before["wall"]
        total = after["machine total"] - self.before["machine total"]
        used = {k: after[k] - self.before[k] for k in after if k not in ("wall", "machine total")}
        share = {k: 100 * v / (wall * cores) for k, v in used.items() if k != "machine busy"}
        busy = 100 * used["machine busy"] / total if total else 0.0
        share["other processes"] = max(0.0, busy - sum(share.values()))
        share["machine busy"] = busy
        return share


def postmaster_pid(admin_url: str) -> int | None:
    """The PostgreSQL server's main process (the parent of this connection's backend)."""
    with psycopg.connect(admin_url) as conn:
        backend = conn.execute("select pg_backend_pid()").fetchone()[0]
        return processes().get(backend, (None,))[0]  # while the backend lives


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
