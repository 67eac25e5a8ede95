# tests/meta/test_generated_clients.py — the clients frontends generate from the served OpenAPI document work: TypeScript types type-check walk.ts, redocly finds no error, a generated Python client walks the live app.
"""Each run takes the document the app serves (GET /api/v1/openapi.json on a live server) and regenerates from
it, so nothing generated is committed: the tooling is pinned in tests/contract/package.json and its lockfile
(`npm ci`, once per lockfile: a stamp in node_modules, a file lock for xdist's workers), each test writes into its
own folder under tests/contract/generated/ (ignored; removed after the test unless KEEP_GENERATED=1).

* openapi-typescript turns the document into `paths` types and `tsc --noEmit` checks tests/contract/walk.ts, a
  frontend's calls through openapi-fetch, against them: a renamed field, a changed type or a new status fails.
* `redocly lint` with tests/contract/redocly.yaml: no errors (its warnings go to the run's warnings summary).
* openapi-python-client generates `nakksha_client` and tests/contract/walk.py takes the same walk with it against
  the live app: book a paid slot on a consultant's page, read it back, sign in, list sessions, read one.

Each check is shown to fail on a document that breaks it. Node.js and npm are required (a missing one fails)."""
from __future__ import annotations

import asyncio
import copy
import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import sys
import uuid
import warnings
from pathlib import Path

import httpx
import pytest

from tests.e2e.conftest import api, site  # noqa: F401  (fixtures: the app on a loopback port, an API client for it)
from tests.http.helpers import PASSWORD
from tests.http.test_booking import approved_consultant, every_day

CONTRACT = Path(__file__).resolve().parents[1] / "contract"
GENERATED = CONTRACT / "generated"
NODE_MODULES = CONTRACT / "node_modules"
BIN = NODE_MODULES / ".bin"
# What `npm ci` installed from: node_modules is current while these files are as they were then.
NPM_INPUTS = ("package.json", "package-lock.json", ".npmrc")
STAMP = NODE_MODULES / ".nakksha-npm-ci"
TOOL_ENV = {"REDOCLY_TELEMETRY": "off", "REDOCLY_SUPPRESS_UPDATE_NOTICE": "true", "NO_COLOR": "1",
            "FORCE_COLOR": "0"}


def run(argv: list[str | Path], cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in argv], cwd=cwd, capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **TOOL_ENV})


def output(done: subprocess.CompletedProcess) -> str:
    return f"$ {' '.join(done.args)}\n(exit {done.returncode})\n{done.stdout}\n{done.stderr}".strip()


def npm_ci() -> None:
    """The pinned tools in tests/contract/node_modules, installed by `npm ci` unless already installed from these
    very inputs. One worker installs while the others wait on the lock."""
    for tool in ("node", "npm"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} is not on PATH: the generated-clients check needs Node.js 20 and npm")
    inputs = hashlib.sha256(b"".join((CONTRACT / name).read_bytes() for name in NPM_INPUTS)).hexdigest()
    GENERATED.mkdir(exist_ok=True)
    with open(GENERATED / ".npm-ci.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if STAMP.exists() and STAMP.read_text() == inputs:
            return
        done = run(["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"], CONTRACT, 600)
        if done.returncode != 0:
            pytest.fail(f"npm ci failed in {CONTRACT}\n{output(done)}")
        STAMP.write_text(inputs)


@pytest.fixture
def node_tools() -> Path:
    npm_ci()
    return BIN


@pytest.fixture
def workdir(request) -> Path:
    """This test's own folder: xdist's workers (or two runs in one tree) never write into each other's."""
    path = GENERATED / f"{request.node.name}-{os.getpid()}"
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    yield path
    if not os.environ.get("KEEP_GENERATED"):
        shutil.rmtree(path, ignore_errors=True)


def served_document(base_url: str) -> dict:
    r = httpx.get(f"{base_url}/api/v1/openapi.json", timeout=15)
    assert r.status_code == 200, r.text
    return r.json()


def write_document(workdir: Path, document: dict) -> Path:
    path = workdir / "openapi.json"
    path.write_text(json.dumps(document, indent=1))
    return path


def rename_property(document: dict, schema: str, old: str, new: str) -> dict:
    """The document with one property of a component renamed, as a careless change to the API would."""
    changed = copy.deepcopy(document)
    target = changed["components"]["schemas"][schema]
    target["properties"] = {new if k == old else k: v for k, v in target["properties"].items()}
    target["required"] = [new if k == old else k for k in target.get("required", [])]
    return changed


# -- TypeScript ------------------------------------------------------------------------------------------------

def typecheck_walk(workdir: Path, document: dict) -> subprocess.CompletedProcess:
    """openapi-typescript over the document, then `tsc --noEmit` over walk.ts with "nakksha-api" mapped to the
    result. --default-non-nullable false: a property with a default but not required is optional, as the
    document means it (openapi-typescript 7 makes it required by default, so a request body could not leave out
    `notes` or `timezone`)."""
    spec = write_document(workdir, document)
    done = run([BIN / "openapi-typescript", spec, "-o", workdir / "api.d.ts", "--default-non-nullable", "false"],
               CONTRACT)
    assert done.returncode == 0, output(done)
    (workdir / "tsconfig.json").write_text(json.dumps({
        "extends": os.path.relpath(CONTRACT / "tsconfig.json", workdir),
        "compilerOptions": {"paths": {"nakksha-api": ["./api.d.ts"]}},
        "files": [os.path.relpath(CONTRACT / "walk.ts", workdir)]}))
    return run([BIN / "tsc", "--noEmit", "-p", workdir / "tsconfig.json"], CONTRACT)


def test_the_typescript_walk_type_checks_against_the_served_document(site, node_tools, workdir):  # noqa: F811
    done = typecheck_walk(workdir, served_document(site))
    assert done.returncode == 0, "walk.ts no longer type-checks against the document:\n" + output(done)


def test_tsc_fails_the_walk_when_the_document_renames_a_field(site, node_tools, workdir):  # noqa: F811
    broken = rename_property(served_document(site), "Session", "starts_at", "start_time")
    done = typecheck_walk(workdir, broken)
    assert done.returncode != 0
    assert "walk.ts" in done.stdout and "'starts_at' does not exist" in done.stdout, output(done)


# -- redocly -----------------------------------------------------------------------------------------------------

def lint(workdir: Path, document: dict) -> dict:
    spec = write_document(workdir, document)
    done = run([BIN / "redocly", "lint", spec, "--config", CONTRACT / "redocly.yaml", "--format", "json",
                "--max-problems", "1000"], CONTRACT)
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError:
        pytest.fail("redocly lint printed no JSON report\n" + output(done))
    for problem in report["problems"]:
        where = ", ".join(loc["pointer"] for loc in problem["location"])
        print(f"redocly {problem['severity']}: {problem['ruleId']}: {problem['message']} ({where})")
    return report


def test_redocly_lint_finds_no_error_in_the_served_document(site, node_tools, workdir):  # noqa: F811
    report = lint(workdir, served_document(site))
    errors = [f"{p['ruleId']}: {p['message']} at {p['location'][0]['pointer']}" for p in report["problems"]
              if p["severity"] == "error"]
    assert report["totals"]["errors"] == 0, "redocly lint errors:\n" + "\n".join(errors)
    if report["totals"]["warnings"]:  # allowed, and shown in the run's warnings summary
        warnings.warn(f"redocly lint: {report['totals']['warnings']} warnings in the OpenAPI document: " + "; ".join(
            f"{p['ruleId']} at {p['location'][0]['pointer']}" for p in report["problems"] if p["severity"] == "warn"),
            stacklevel=1)


def test_redocly_lint_reports_an_error_in_a_broken_document(site, node_tools, workdir):  # noqa: F811
    broken = copy.deepcopy(served_document(site))
    broken["components"]["schemas"]["Session"]["properties"]["client"] = {"$ref": "#/components/schemas/NoSuchThing"}
    report = lint(workdir, broken)
    assert report["totals"]["errors"] >= 1
    assert any(p["ruleId"] == "no-unresolved-refs" for p in report["problems"])


# -- Python ------------------------------------------------------------------------------------------------------

def generate_python_client(workdir: Path, document: dict) -> Path:
    """openapi-python-client's package `nakksha_client` in workdir; a warning (a schema it had to skip) fails.
    No post hooks: the generated code is imported, never read or committed, so it is not reformatted. A PDF
    (a GST document's) is bytes to it, as any binary answer: it knows application/octet-stream by name only."""
    spec = write_document(workdir, document)
    (workdir / "openapi-python-client.yaml").write_text(
        "post_hooks: []\ncontent_type_overrides:\n  application/pdf: application/octet-stream\n")
    done = run([sys.executable, "-m", "openapi_python_client", "generate", "--path", spec, "--meta", "none",
                "--output-path", workdir / "nakksha_client", "--config", workdir / "openapi-python-client.yaml",
                "--fail-on-warning"], workdir)
    assert done.returncode == 0, output(done)
    return workdir


async def python_walk(workdir: Path, base_url: str, slug: str, email: str) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, str(CONTRACT / "walk.py"), base_url, slug, email, PASSWORD, cwd=workdir,
        env={**os.environ, "PYTHONPATH": str(workdir)}, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=120)
    return process.returncode, stdout.decode() + stderr.decode()


async def booking_consultant(api, db) -> tuple[str, str]:  # noqa: F811
    """An approved consultant with free personal slots every day and a paid session price; slug and email."""
    c = await approved_consultant(api, db, rules=every_day())
    r = await api.get("/api/v1/consultants/me", headers=c["headers"])
    assert r.status_code == 200, r.text
    return c["slug"], r.json()["consultant"]["email"]


async def test_the_generated_python_client_walks_the_live_app(site, api, db, workdir):  # noqa: F811
    slug, email = await booking_consultant(api, db)
    generate_python_client(workdir, (await api.get("/api/v1/openapi.json")).json())
    code, out = await python_walk(workdir, site, slug, email)
    assert code == 0, out
    summary = json.loads(out.strip().splitlines()[-1])
    # The walk booked for real: the session is in the database, pending its payment, with the walk's order.
    conn = await db.connect("owner")
    try:
        row = await conn.fetchrow(
            "select s.status, p.gateway_order_id from app.sessions s join app.payment_transactions p "
            "on p.session_id = s.id where s.id = $1", uuid.UUID(summary["session_id"]))
    finally:
        await conn.close()
    assert row is not None and row["status"] == "pending" == summary["status"]
    assert row["gateway_order_id"] == summary["order_id"]


async def test_the_python_walk_fails_when_an_answer_stops_matching_the_document(site, api, db, workdir):  # noqa: F811
    """The generated client parses a string where the document says integer without a word: walk.py checks every
    parsed field against its annotation, so the mismatch fails the walk, naming the field."""
    slug, email = await booking_consultant(api, db)
    broken = copy.deepcopy((await api.get("/api/v1/openapi.json")).json())
    broken["components"]["schemas"]["PublicConsultant"]["properties"]["slug"] = {"type": "integer"}
    generate_python_client(workdir, broken)
    code, out = await python_walk(workdir, site, slug, email)
    assert code != 0
    assert "PublicConsultant.slug" in out and "is not an integer" in out, out

# Test: pytest tests/meta/test_generated_clients.py
