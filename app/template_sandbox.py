# app/template_sandbox.py — rendering super admins' email templates where a runaway one can be stopped: a bounded Jinja sandbox in a child process, killed on timeout.
"""An admin's template is a small program. Jinja's sandbox keeps it away from Python's internals, but not
from loops: three nested `range(1000)` never end in practice, and a thread running them cannot be
stopped. So every override is rendered here, and only here (at preview, at save and when the worker sends):

* in ImmutableSandboxedEnvironment (no attribute tricks, no mutating lists or dicts), with range() of at
  most MAX_RANGE items, `*` and `**` refused when their result would be huge, and each rendered part
  (subject, HTML, text) at most MAX_OUTPUT_CHARS characters;
* in a child process (`python -m app.template_sandbox`) with no secrets in its environment, at most
  MEMORY_BYTES of address space, no files to write and no processes to start;
* within RENDER_SECONDS per request, after which the parent kills the child and starts a fresh one for the
  next request; the child also arms an alarm, so it dies even if its parent is gone.

One child per process serves every render in turn (one request at a time, in a dedicated thread), so the
event loop never waits and a render costs a pipe round trip, not a process start."""
from __future__ import annotations

import asyncio
import dataclasses
import functools
import json
import math
import os
import select
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import jinja2
import jinja2.sandbox

from app.emails import FILTERS, Rendered, UnknownEmailType, email_types, in_layout

RENDER_SECONDS = 2.0        # a real template renders in milliseconds; every sample set of one request together
MAX_RANGE = 1000            # items one range() may have (Jinja's sandbox allows 100,000)
MAX_OUTPUT_CHARS = 1_000_000  # characters in one rendered part; Gmail clips a message at about 100 kB anyway
MAX_INT_BITS = 4096         # about 1,200 digits: more than any amount or count an email shows
MEMORY_BYTES = 512 * 1024 * 1024
STARTUP_SECONDS = 30.0      # a busy machine may take this long to start Python; not part of the render budget
PARTS = ("subject", "html_body", "text_body")


class TemplateTooLarge(jinja2.TemplateError):
    """The template asked for more than the sandbox's bounds allow."""


class TemplateRefused(Exception):
    """The override did not render: code is template_invalid, template_too_large or template_too_slow; field
    is the part (subject, html_body, text_body) it failed in."""

    def __init__(self, code: str, message: str, field: str | None):
        super().__init__(message)
        self.code, self.message, self.field = code, message, field


# --- the child: a bounded sandbox -----------------------------------------------------------------------

def _bounded_range(*args: int) -> range:
    items = range(*args)
    if len(items) > MAX_RANGE:
        raise TemplateTooLarge(f"range() may have at most {MAX_RANGE} items, not {len(items)}.")
    return items


class BoundedSandbox(jinja2.sandbox.ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox, with `*` and `**` checked before they run (a gigabyte string or a number of
    millions of digits is refused, not computed) and a short range()."""

    intercepted_binops = frozenset({"*", "**"})

    def __init__(self, **options):
        super().__init__(undefined=jinja2.StrictUndefined, **options)
        self.filters.update(FILTERS)
        self.globals["range"] = _bounded_range

    def call_binop(self, context, operator: str, left, right):
        if operator == "*":
            for seq, n in ((left, right), (right, left)):
                if isinstance(seq, str | list | tuple) and isinstance(n, int) and len(seq) * n > MAX_OUTPUT_CHARS:
                    raise TemplateTooLarge(f"repeating a value {n} times makes more than {MAX_OUTPUT_CHARS:,} items.")
            if isinstance(left, int) and isinstance(right, int) and left.bit_length() + right.bit_length() > MAX_INT_BITS:
                raise TemplateTooLarge(f"a product of whole numbers has more than {MAX_INT_BITS} bits.")
        elif operator == "**" and isinstance(left, int) and isinstance(right, int) and abs(left) > 1:
            if right * left.bit_length() > MAX_INT_BITS:
                raise TemplateTooLarge(f"a power (to the {right}) has more than {MAX_INT_BITS} bits.")
        return super().call_binop(context, operator, left, right)


_sandbox_html = BoundedSandbox(autoescape=True)
_sandbox_text = BoundedSandbox(autoescape=False)


def _render_part(env: BoundedSandbox, source: str, data: dict) -> str:
    chunks, total = [], 0
    for chunk in env.from_string(source).generate(**data):
        total += len(chunk)
        if total > MAX_OUTPUT_CHARS:
            raise TemplateTooLarge(f"it renders more than {MAX_OUTPUT_CHARS:,} characters.")
        chunks.append(chunk)
    return "".join(chunks)


def render_in_sandbox(override: dict, data: dict, on_part: Callable[[str], None] = lambda part: None) -> Rendered:
    """One override on one set of data, in this process: only the child calls this. The HTML goes inside the
    shared layout, so every message keeps the same frame."""
    on_part("subject")
    subject = _render_part(_sandbox_text, override["subject"], data).strip()
    on_part("html_body")
    body = _render_part(_sandbox_html, override["html_body"], data)
    on_part("text_body")
    text = _render_part(_sandbox_text, override["text_body"], data).lstrip("\n")
    return Rendered(subject=" ".join(subject.split()), html=in_layout(body, subject, data), text=text)


def _limit_child() -> None:
    import resource

    for limit, value in ((resource.RLIMIT_AS, MEMORY_BYTES), (resource.RLIMIT_FSIZE, 0), (resource.RLIMIT_CORE, 0),
                         (resource.RLIMIT_NPROC, 0)):
        try:
            resource.setrlimit(limit, (value, value))
        except (ValueError, OSError):  # a limit already lower, or one this system does not allow: keep it
            pass


def _child_main() -> None:
    _limit_child()
    out = sys.stdout.buffer

    def say(message: dict) -> None:
        out.write(json.dumps(message).encode() + b"\n")
        out.flush()

    say({"ready": os.getpid()})
    part: dict[str, str | None] = {"now": None}

    def on_part(name: str) -> None:
        part["now"] = name
        say({"part": name})

    for line in sys.stdin.buffer:
        request = json.loads(line)
        part["now"] = None
        signal.alarm(math.ceil(request["seconds"]) + 5)  # the parent kills first; this is for an orphan
        fatal = False
        try:
            rendered = [dataclasses.asdict(render_in_sandbox(request["override"], data, on_part))
                        for data in request["data"]]
            reply: dict = {"rendered": rendered}
        except TemplateTooLarge as exc:
            reply = {"error": {"code": "template_too_large", "message": f"The template is too large: {exc}",
                               "field": part["now"]}}
        except (MemoryError, RecursionError) as exc:
            fatal = isinstance(exc, MemoryError)  # the heap may be in a poor state: start afresh
            why = "it needs more memory than allowed" if fatal else "it nests too deeply"
            reply = {"error": {"code": "template_too_large", "message": f"The template is too large: {why}.",
                               "field": part["now"]}}
        except Exception as exc:  # any failure of an admin's template (syntax, data, sandbox, arithmetic)
            reply = {"error": {"code": "template_invalid", "message": str(exc) or type(exc).__name__,
                               "field": part["now"]}}
        signal.alarm(0)
        say({**reply, "fatal": fatal})
        if fatal:
            return


# --- the parent: one child at a time, killed on timeout ---------------------------------------------------

def _child_env() -> dict[str, str]:
    """Only what Python needs: none of the app's secrets or database URLs reach the child."""
    env = {"PYTHONUTF8": "1", "PYTHONDONTWRITEBYTECODE": "1", "LANG": "C.UTF-8"}
    for name in ("PATH", "TZDIR", "PYTHONHOME"):
        if name in os.environ:
            env[name] = os.environ[name]
    return env


class SandboxRenderer:
    """Blocking: call it from a thread (render_override does). One request at a time; a child that runs past
    its time is killed (SIGKILL) and reaped, and the next request starts another."""

    def __init__(self, seconds: float = RENDER_SECONDS):
        self.seconds = seconds
        self._proc: subprocess.Popen | None = None
        self._buffer = b""
        self._lock = threading.Lock()

    @property
    def pid(self) -> int | None:
        proc = self._proc
        return proc.pid if proc is not None and proc.poll() is None else None

    def _start(self) -> subprocess.Popen:
        proc = subprocess.Popen([sys.executable, "-m", "app.template_sandbox"], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, env=_child_env(), cwd=Path(__file__).resolve().parent.parent)
        self._proc, self._buffer = proc, b""
        try:
            if "ready" in self._read(proc, time.monotonic() + STARTUP_SECONDS):
                return proc
        except (TimeoutError, EOFError, ValueError):
            pass
        self._stop()
        raise RuntimeError("the template renderer did not start")

    def _stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None:
            proc.kill()
            proc.wait()
            for pipe in (proc.stdin, proc.stdout):
                if pipe is not None:
                    pipe.close()

    def _read(self, proc: subprocess.Popen, deadline: float) -> dict:
        """The child's next message, or TimeoutError at the deadline, or EOFError if it died."""
        fd = proc.stdout.fileno()
        while b"\n" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                raise TimeoutError
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                raise EOFError
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        return json.loads(line)

    def render(self, email_type: str, datas: list[dict], override: dict) -> list[Rendered]:
        if email_type not in email_types():
            raise UnknownEmailType(email_type)
        with self._lock:
            proc = self._proc if self.pid is not None else self._start()
            part = None
            try:
                proc.stdin.write(json.dumps({"override": {k: override[k] for k in PARTS}, "data": datas,
                                             "seconds": self.seconds}).encode() + b"\n")
                proc.stdin.flush()
                deadline = time.monotonic() + self.seconds
                while True:
                    message = self._read(proc, deadline)
                    if "part" in message:
                        part = message["part"]
                        continue
                    break
            except TimeoutError:
                self._stop()
                raise TemplateRefused("template_too_slow", f"The template took too long to render (more than "
                                      f"{self.seconds:g} seconds) and was stopped: simplify its loops.", part) from None
            except (EOFError, BrokenPipeError, ValueError):
                self._stop()
                raise TemplateRefused("template_too_large", "The template is too large: its renderer stopped "
                                      "before it finished.", part) from None
            if message.get("fatal"):
                self._stop()
            if "error" in message:
                error = message["error"]
                raise TemplateRefused(error["code"], error["message"], error["field"])
            return [Rendered(**r) for r in message["rendered"]]


RENDERER = SandboxRenderer()
_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="nakksha-template")


async def render_override(email_type: str, datas: list[dict], override: dict) -> list[Rendered]:
    """Render an override on each set of data, off the event loop, bounded as this module says. Raises
    UnknownEmailType or TemplateRefused."""
    call = functools.partial(RENDERER.render, email_type, datas, override)
    return await asyncio.get_running_loop().run_in_executor(_thread, call)


if __name__ == "__main__":
    _child_main()

# Test: pytest tests/http/test_email_template_bounds.py tests/http/test_email_templates.py tests/fuzz/test_abuse_uploads.py
