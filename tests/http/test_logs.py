# tests/http/test_logs.py — the log handler (lines in order, one write per event-loop turn, warnings at once) and the cheap access line (the same text as a logged record).
from __future__ import annotations

import asyncio
import io
import logging
import re
import threading

import pytest

from app import logs
from app.logs import LineFormatter, access_line, configure_logging, request_id_var

LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} (?P<level>[A-Z]+) \[(?P<rid>[^\]]+)\] (?P<name>[\w.]+): (?P<msg>.*)$")


class CountingStream(io.StringIO):
    def __init__(self) -> None:
        super().__init__()
        self.writes = 0

    def write(self, text: str) -> int:
        self.writes += 1
        return super().write(text)


@pytest.fixture
def stream():
    """configure_logging as a process does, its handler writing to a counting stream; pytest's own handlers set
    aside (they would see every record, which turns the access line's shortcut off)."""
    root = logging.getLogger()
    saved, level, saved_handler = root.handlers[:], root.level, logs._handler
    configure_logging("INFO")
    out = CountingStream()
    logs._handler.setStream(out)
    try:
        yield out
    finally:
        root.handlers[:] = saved
        root.setLevel(level)
        logs._handler = saved_handler


def lines(out: CountingStream) -> list[re.Match]:
    return [LINE.match(line) for line in out.getvalue().splitlines()]


async def test_lines_of_one_loop_turn_are_written_together_in_order(stream):
    log = logging.getLogger("nakksha.test")
    for i in range(5):
        log.info("line %d", i)
    assert stream.writes == 0  # queued until the loop's turn ends
    await asyncio.sleep(0)
    assert stream.writes == 1
    assert [m["msg"] for m in lines(stream)] == [f"line {i}" for i in range(5)]


async def test_a_warning_is_written_at_once_after_what_came_before(stream):
    log = logging.getLogger("nakksha.test")
    log.info("first")
    log.warning("careful")
    assert [(m["level"], m["msg"]) for m in lines(stream)] == [("INFO", "first"), ("WARNING", "careful")]


def test_outside_an_event_loop_and_in_threads_lines_are_written_at_once(stream):
    logging.getLogger("nakksha.test").info("sync")
    assert [m["msg"] for m in lines(stream)] == ["sync"]
    t = threading.Thread(target=logging.getLogger("nakksha.test").info, args=("thread",))
    t.start()
    t.join()
    assert [m["msg"] for m in lines(stream)] == ["sync", "thread"]


async def test_a_threads_line_is_not_held_back_by_the_loops_batch(stream):
    log = logging.getLogger("nakksha.test")
    log.info("from the loop")  # waits for the loop's turn
    t = threading.Thread(target=log.info, args=("from a thread",))
    t.start()
    t.join()
    # Written at once, with the loop's waiting line before it: a blocked loop holds nothing back.
    assert [m["msg"] for m in lines(stream)] == ["from the loop", "from a thread"]


def test_a_loop_closed_with_its_batch_waiting_holds_nothing_back(stream):
    log = logging.getLogger("nakksha.test")
    loop = asyncio.new_event_loop()

    def last_turn() -> None:
        log.info("in the last turn")
        loop.stop()  # the flush it scheduled would run on a turn that never comes

    loop.call_soon(last_turn)
    loop.run_forever()
    loop.close()
    log.info("after the loop")
    assert [m["msg"] for m in lines(stream)] == ["in the last turn", "after the loop"]

    async def later() -> None:
        log.info("a new loop")
        await asyncio.sleep(0)

    asyncio.run(later())
    assert [m["msg"] for m in lines(stream)][-1] == "a new loop"


def test_lines_from_many_threads_and_the_loop_are_all_written(stream):
    logging.getLogger().handlers[:] = [logs._handler]
    log = logging.getLogger("nakksha.test")

    def chatter(n: int) -> None:
        for i in range(300):
            log.info("thread %d line %d", n, i)

    async def requests() -> None:
        for i in range(300):
            access_line("GET", f"/r/{i}", 200, 0.0)
            if i % 10 == 0:
                await asyncio.sleep(0)

    threads = [threading.Thread(target=chatter, args=(n,)) for n in range(3)]
    for t in threads:
        t.start()
    asyncio.run(requests())
    for t in threads:
        t.join()
    logs._handler.flush()
    written = [m["msg"] for m in lines(stream)]
    assert len(written) == 1200 and sum(m.startswith("GET /r/") for m in written) == 300


async def test_the_access_line_reads_like_a_logged_record(stream):
    logging.getLogger().handlers[:] = [logs._handler]  # pytest adds its capture handlers as each test phase starts
    token = request_id_var.set("trace-123456789")
    try:
        assert logs._only_our_handler_sees_it()
        access_line("GET", "/healthz", 200, 0.0)  # the shortcut: only our handler would see it
        seen = []
        spy = logging.Handler()
        spy.emit = seen.append
        logging.getLogger("nakksha.http").addHandler(spy)  # someone else listens: a real record
        try:
            assert not logs._only_our_handler_sees_it()
            access_line("GET", "/healthz", 200, 0.0)
        finally:
            logging.getLogger("nakksha.http").removeHandler(spy)
    finally:
        request_id_var.reset(token)
    await asyncio.sleep(0)
    fast, logged = lines(stream)
    assert len(seen) == 1 and seen[0].name == "nakksha.http"
    for m in (fast, logged):
        assert (m["level"], m["rid"], m["name"]) == ("INFO", "trace-123456789", "nakksha.http")
        assert re.fullmatch(r"GET /healthz 200 \d+\.\dms", m["msg"])


async def test_no_access_line_above_info(stream):
    logging.getLogger().setLevel("WARNING")
    access_line("GET", "/healthz", 200, 0.0)
    await asyncio.sleep(0)
    assert stream.getvalue() == ""


@pytest.mark.parametrize("created", [0.0, 1.9995, 1765000000.0, 1765000000.001, 1765000000.999, 1765000059.5])
def test_the_cached_date_matches_the_standard_formatter(created):
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "m", None, None)
    record.created, record.msecs = created, int((created - int(created)) * 1000) + 0.0
    ours = LineFormatter()
    ours.formatTime(record)  # prime the per-second cache with this second, then again a second later
    assert ours.formatTime(record) == logging.Formatter().formatTime(record)
    record.created += 1
    assert ours.formatTime(record) == logging.Formatter().formatTime(record)

# Test: pytest tests/http/test_logs.py
