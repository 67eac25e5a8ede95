# bench/payments.py — how fast payment confirmations answer: verify, first webhook deliveries and redeliveries, against `nakksha serve`.
"""Razorpay treats 5 s without an answer as a failed webhook delivery; the issue asks for under a second.
Self-contained: an embedded PostgreSQL in a temporary directory, migrated and seeded with one approved
consultant (bench/booking.py's seed), `nakksha serve --no-worker --workers N` with the local gateway.
Then:

  1. N paid bookings through POST …/bookings (each creates its order and pending payment);
  2. each order paid at the local gateway (dev.local_gateway_pay, as the app role);
  3. half confirmed through POST /api/v1/payments/verify (signature under the local key secret, the
     payment fetched from the gateway), half through POST /api/v1/payments/webhook (payment.captured,
     signed over the raw body), C requests in flight;
  4. every webhook delivered again (redeliveries: recognised by event id, nothing done);
  5. a check in the database: N sessions confirmed, N payments completed, 2N emails queued, N events.

Prints count, p50, p99 and max latency per step. Everything started is stopped on exit."""
from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import json
import os
import secrets
import shutil
import sys
import tempfile
import time
from pathlib import Path

import httpx
import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.adapters.payments import checkout_signature, derived_secret, razorpay_id  # noqa: E402
from app.config import ROLE_APP  # noqa: E402
from app.database import role_url, start_embedded, with_database  # noqa: E402
from app.migrate import migrate  # noqa: E402
from bench._common import Children, fmt, free_port, percentile, wait_http  # noqa: E402
from bench.booking import DBNAME, PUBLIC, SLUG, seed  # noqa: E402

WEBHOOK_SECRET = "bench-webhook-secret"


async def timed(client: httpx.AsyncClient, sem: asyncio.Semaphore, method: str, url: str, **kw) -> tuple[float, int, dict]:
    async with sem:
        t = time.perf_counter()
        r = await client.request(method, url, **kw)
        return (time.perf_counter() - t) * 1000, r.status_code, (r.json() if r.content else {})


def summary(name: str, results: list[tuple[float, int, dict]]) -> str:
    ms = [r[0] for r in results]
    errors = sum(1 for r in results if not 200 <= r[1] < 300)
    return (f"{name:<42} {len(ms):>6} {fmt(percentile(ms, 50)):>9} {fmt(percentile(ms, 99)):>9} "
            f"{fmt(max(ms) if ms else None):>9} {errors:>7}")


def signed_event(payment: dict) -> tuple[bytes, dict]:
    body = json.dumps({"entity": "event", "event": "payment.captured", "contains": ["payment"],
                       "payload": {"payment": {"entity": payment}}}).encode()
    return body, {"content-type": "application/json", "x-razorpay-event-id": razorpay_id("evt"),
                  "x-razorpay-signature": hmac.new(WEBHOOK_SECRET.encode(), body, hashlib.sha256).hexdigest()}


async def run(base: str, app_url: str, data_key: str, n: int, concurrency: int) -> list[str]:
    sem = asyncio.Semaphore(concurrency)
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        slots, params = [], {"type": "personal"}
        while len(slots) < n:  # the list is paged by date range: follow `next` to the horizon
            page = (await client.get(f"{PUBLIC}/{SLUG}/slots", params=params)).json()
            slots += page["items"]
            if not page["next"]:
                break
            params = {"type": "personal", **page["next"]}
        slots = slots[:n]
        if len(slots) < n:
            raise SystemExit(f"only {len(slots)} personal slots to book; lower --bookings")
        booked = await asyncio.gather(*(timed(client, sem, "POST", f"{PUBLIC}/{SLUG}/bookings", json={
            "slot_id": s["slot_id"], "session_type": "personal",
            "client": {"name": f"Client {i}", "email": f"client{i}@example.com"}}) for i, s in enumerate(slots)))
        orders = [b[2]["checkout"]["order_id"] for b in booked if b[1] == 201]
        with psycopg.connect(app_url) as conn:  # the customer pays at the (local) gateway
            payments = [json.loads(json.dumps(conn.execute(
                "select dev.local_gateway_pay(%s, %s, 'success', 'upi')", (o, razorpay_id("pay"))).fetchone()[0]))
                for o in orders]
            conn.commit()
        key_secret = derived_secret(data_key, "key secret")
        half = len(payments) // 2
        verified = await asyncio.gather(*(timed(client, sem, "POST", "/api/v1/payments/verify", json={
            "razorpay_order_id": p["order_id"], "razorpay_payment_id": p["id"],
            "razorpay_signature": checkout_signature(p["order_id"], p["id"], key_secret)}) for p in payments[:half]))
        events = [signed_event(p) for p in payments]
        first = await asyncio.gather(*(timed(client, sem, "POST", "/api/v1/payments/webhook", content=b, headers=h)
                                       for b, h in events[half:]))
        # The verified half's webhooks arrive after verify: a new event id, the payment already confirmed.
        late = await asyncio.gather(*(timed(client, sem, "POST", "/api/v1/payments/webhook", content=b, headers=h)
                                      for b, h in events[:half]))
        again = await asyncio.gather(*(timed(client, sem, "POST", "/api/v1/payments/webhook", content=b, headers=h)
                                       for b, h in events))
    print(f"\n{'step':<42} {'count':>6} {'p50 ms':>9} {'p99 ms':>9} {'max ms':>9} {'non-2xx':>7}")
    print(summary("POST …/bookings (order + pending payment)", booked))
    print(summary("POST /payments/verify (confirms)", verified))
    print(summary("POST /payments/webhook (confirms)", first))
    print(summary("POST /payments/webhook (already confirmed)", late))
    print(summary("POST /payments/webhook (redelivery)", again))
    outcomes = {}
    for r in [*verified, *first, *late, *again]:
        outcomes[r[2].get("outcome", r[2].get("status"))] = outcomes.get(r[2].get("outcome", r[2].get("status")), 0) + 1
    print(f"outcomes: {outcomes}")
    return orders


def check(admin_url: str, n: int) -> None:
    with psycopg.connect(admin_url) as conn:
        row = conn.execute(
            "select (select count(*) from app.sessions where status = 'confirmed'),"
            " (select count(*) from app.payment_transactions where status = 'completed'),"
            " (select count(*) from app.email_logs where session_id is not null),"
            " (select count(*) from app.webhook_events)").fetchone()
    ok = (row[0], row[1], row[2]) == (n, n, 2 * n)
    print(f"database: {row[0]} sessions confirmed, {row[1]} payments completed, {row[2]} session emails queued, "
          f"{row[3]} webhook events recorded -> {'check OK' if ok else 'CHECK FAILED'}")
    if not ok:
        raise SystemExit(1)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--bookings", type=int, default=200, help="N paid bookings to confirm (default 200)")
    p.add_argument("--concurrency", type=int, default=10, help="C requests in flight (default 10)")
    p.add_argument("--workers", type=int, default=2, help="uvicorn workers (default 2)")
    args = p.parse_args(argv)
    print(f"machine: {os.cpu_count()} cores, load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    tmp = Path(tempfile.mkdtemp(prefix="nakksha-bench-pay-"))
    children, server = Children(), None
    try:
        server = start_embedded(tmp / "db", cleanup_mode="delete")
        with psycopg.connect(with_database(server.get_uri(), "postgres"), autocommit=True) as conn:
            conn.execute(f'create database "{DBNAME}"')
        admin_url = with_database(server.get_uri(), DBNAME)
        migrate(admin_url, dump=False, dev=True)
        seed(admin_url, price="1499.00")
        port = free_port()
        data_key = secrets.token_urlsafe(32)
        # Development: the local gateway serves only there (production refuses to start without Razorpay's keys).
        env = {**{k: v for k, v in os.environ.items() if not k.startswith(("RAZORPAY_", "DATABASE_URL"))},
               "DATABASE_URL": admin_url, "NAKKSHA_ENV": "development", "NAKKSHA_DATA_DIR": str(tmp / "appdata"),
               "JWT_SECRET": secrets.token_urlsafe(48), "PASSWORD_PEPPER": secrets.token_urlsafe(32),
               "DATA_ENCRYPTION_KEY": data_key, "RAZORPAY_WEBHOOK_SECRET": WEBHOOK_SECRET, "LOG_LEVEL": "WARNING",
               "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}"}
        proc = children.start("app", [sys.executable, "-m", "app.cli", "serve", "--no-worker", "--workers",
                                      str(args.workers), "--host", "127.0.0.1", "--port", str(port)], env, tmp / "app.log")
        base = f"http://127.0.0.1:{port}"
        wait_http(f"{base}/healthz", proc, children, "app")  # /readyz also wants a job worker; none runs here
        wait_http(f"{base}{PUBLIC}/{SLUG}", proc, children, "app")
        print(f"app: nakksha serve, {args.workers} workers, local gateway; {args.bookings} bookings, "
              f"{args.concurrency} in flight")
        asyncio.run(run(base, role_url(admin_url, ROLE_APP), data_key, args.bookings, args.concurrency))
        check(admin_url, args.bookings)
        return 0
    finally:
        children.stop_all()
        if server is not None:
            server.cleanup()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

# Run: .venv/bin/python bench/payments.py                 (200 bookings, 10 in flight, 2 workers; ~30 s)
#      .venv/bin/python bench/payments.py --bookings 400 --concurrency 20
# Test: .venv/bin/python bench/payments.py --bookings 20   (a smoke run: prints the table and "check OK")
