# app/supervise.py — what `nakksha serve` runs beside the web app: its job worker, started again when it exits, and a clean stop of everything on SIGTERM or SIGINT.
"""Issue 16: `kill -TERM` on serve left its worker and the embedded PostgreSQL running (uvicorn re-raises the
signal after its own shutdown, so serve's `finally` never ran), and a worker that died at start-up left a web app
whose jobs silently never ran. Here serve turns SIGTERM and SIGINT into `Stop`, which unwinds through its clean-up;
the worker runs in its own session (a terminal's Ctrl-C reaches serve, which stops it) and asks the kernel for
SIGTERM should serve vanish without cleaning up (SIGKILL); a worker that exits is started again with a growing
pause, and one that keeps failing at start makes serve stop with an error."""
from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable

log = logging.getLogger("nakksha.serve")

# A worker that exits sooner than this after it started failed at start; this many such exits in a row and serve
# gives up (exit status 1) rather than serve bookings whose emails and refunds would never go. Pauses between
# starts double from 1 s up to MAX_PAUSE_SECONDS.
QUICK_EXIT_SECONDS = 30.0
MAX_QUICK_EXITS = 5
MAX_PAUSE_SECONDS = 30.0
SERVE_PID_ENV = "NAKKSHA_SERVE_PID"
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


class Stop(BaseException):
    """SIGTERM or SIGINT reached serve. A BaseException, so no `except Exception` on the way swallows it."""


def raise_stop(signum: int, frame: object) -> None:
    raise Stop(signum)


def exit_with_serve() -> None:
    """In a worker started by serve: the kernel sends it SIGTERM (a graceful stop) when serve's process ends, even
    by SIGKILL, which runs no clean-up. Linux only (prctl); elsewhere serve's own clean-up is the only one."""
    parent = os.environ.get(SERVE_PID_ENV)
    if not parent or not sys.platform.startswith("linux"):
        return
    import ctypes

    pr_set_pdeathsig = 1
    ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, int(signal.SIGTERM), 0, 0, 0)
    if os.getppid() != int(parent):  # serve ended before the request above took effect
        raise SystemExit("nakksha serve is gone; not starting its worker")


class WorkerSupervisor:
    """Runs `nakksha worker` and keeps it running until stop(). Each exit is logged with its status; the worker is
    started again after a pause (1, 2, 4 … up to 30 s); after MAX_QUICK_EXITS exits within QUICK_EXIT_SECONDS of
    their start, gave_up is set and on_give_up is called (serve then stops itself)."""

    def __init__(self, env: dict[str, str], on_give_up: Callable[[], None], args: tuple[str, ...] = ()) -> None:
        self.argv = [sys.executable, "-m", "app.cli", "worker", *args]
        self.env = {**env, SERVE_PID_ENV: str(os.getpid())}
        self.on_give_up = on_give_up
        self.gave_up = False
        self.starts = 0
        self.proc: subprocess.Popen | None = None
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        # The thread that starts the worker lives until the worker is stopped: the kernel's parent-death signal
        # follows the starting thread, not the process.
        self._thread = threading.Thread(target=self._run, name="worker-supervisor", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _spawn(self) -> subprocess.Popen | None:
        with self._lock:
            if self._stopping.is_set():
                return None
            self.proc = subprocess.Popen(self.argv, env=self.env, start_new_session=True)
            self.starts += 1
            return self.proc

    def _run(self) -> None:
        quick = 0
        while (proc := self._spawn()) is not None:
            started = time.monotonic()
            code = proc.wait()
            if self._stopping.is_set():
                return
            quick = quick + 1 if time.monotonic() - started < QUICK_EXIT_SECONDS else 1
            if quick >= MAX_QUICK_EXITS:
                log.error("the job worker exited %s times in a row within %g s of starting (last status %s): "
                          "stopping, since no email, refund or reminder would run", quick, QUICK_EXIT_SECONDS, code)
                self.gave_up = True
                self.on_give_up()
                return
            pause = min(MAX_PAUSE_SECONDS, 2.0 ** (quick - 1))
            log.error("the job worker (pid %s) exited with status %s; starting it again in %g s", proc.pid, code, pause)
            if self._stopping.wait(pause):
                return

    def stop(self, timeout: float) -> None:
        """SIGTERM to the worker (it finishes or aborts its jobs), SIGKILL after `timeout` seconds."""
        self._stopping.set()
        with self._lock:
            proc = self.proc
        if proc is not None and proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                log.warning("the job worker (pid %s) did not stop within %g s: killing it", proc.pid, timeout)
                proc.kill()
                proc.wait(timeout=10)
        self._thread.join(timeout=10)

# Test: pytest tests/meta/test_serve_signals.py
