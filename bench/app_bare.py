# bench/app_bare.py — the leanest endpoint's work (begin, set the caller, one primary-key read, commit) through the app's own stack, for bench/load.py.
"""The app exactly as `nakksha serve` builds it (app.main.create_app: its middleware, router, error handlers,
logging, pool and JSON), with one route added, GET /bench/bare, whose handler is written the way every endpoint
is: `@endpoint` (the guard; public), a named query run by app.sql.run for a caller (the consultant whose row it
reads, as bench/bare_app.py sets it), and a JSONResponse. So bench/load.py can put the same work side by side on
the two stacks: what the app's layer costs over the leanest Starlette + asyncpg + uvloop + httptools endpoint.

Configured like the app (the same environment as `nakksha serve`), plus BARE_CONSULTANT_ID; started by
bench/load.py as `python bench/app_bare.py --workers N --port P`."""
from __future__ import annotations

import argparse
import os
import sys
import uuid
from pathlib import Path

import aiosql
from starlette.requests import Request
from starlette.routing import Route

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import app.sql  # noqa: E402
from app.endpoints import endpoint  # noqa: E402
from app.errors import ApiError  # noqa: E402
from app.jsonio import JSONResponse  # noqa: E402
from app.main import create_app  # noqa: E402
from app.sql import Caller, run  # noqa: E402

_READ = aiosql.from_str(
    "-- name: bench_bare_read(id)^\n"
    "-- One consultant's row by primary key (bench/app_bare.py: the leanest endpoint's read).\n"
    "select id, slug, first_name, last_name, timezone from app.consultants where id = :id;\n", "asyncpg")
if not hasattr(app.sql.queries, "bench_bare_read"):  # a spawned worker imports this file twice (as __mp_main__)
    app.sql.queries.add_queries([_READ.bench_bare_read])
# app.sql sends a named query's parameters in the order its adapter numbered them ($1, $2, …).
app.sql.queries.driver_adapter.var_sorted["bench_bare_read"] = _READ.driver_adapter.var_sorted["bench_bare_read"]
CALLER = Caller(consultant_id=uuid.UUID(os.environ["BARE_CONSULTANT_ID"]), actor_label="bench-bare")


@endpoint(named="bench_bare_read", tags=("bench",), include=False)
async def bare(request: Request) -> JSONResponse:
    row = await run(request.app.state.pool, "bench_bare_read", CALLER, id=CALLER.consultant_id)
    if row is None:  # row-level security hides it unless the caller is that consultant
        raise ApiError(404, "not_found", "No such consultant.")
    return JSONResponse({"id": str(row["id"]), "slug": row["slug"], "first_name": row["first_name"],
                         "last_name": row["last_name"], "timezone": row["timezone"]})


def create():
    application = create_app()
    application.router.routes.insert(0, Route("/bench/bare", bare, methods=["GET"]))
    return application


def main() -> None:
    import uvicorn

    from app.cli import tcp_listener_fix
    from app.middleware import configure_logging

    p = argparse.ArgumentParser()
    p.add_argument("--workers", type=int, default=1)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    args = p.parse_args()
    configure_logging(os.environ.get("LOG_LEVEL", "INFO"))
    tcp_listener_fix()  # as nakksha serve runs it (app/cli.py cmd_serve)
    uvicorn.run("bench.app_bare:create", factory=True, host=args.host, port=args.port, workers=args.workers,
                access_log=False, log_config=None, proxy_headers=False, app_dir=str(Path(__file__).parent.parent))


if __name__ == "__main__":
    main()

# Run: started by bench/load.py (the app's environment, BARE_CONSULTANT_ID).
# Test: .venv/bin/python bench/load.py --seconds 6 --history 200 --booking-consultants 1   (it checks /bench/bare answers 200)
