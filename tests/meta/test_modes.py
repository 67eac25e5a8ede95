# tests/meta/test_modes.py — the mode the app runs in: production unless told otherwise, refusing to start without its secrets and providers; development only on loopback unless allowed.
"""Found from outside (issue 16): NAKKSHA_ENV defaulted to development, so the README's external-PostgreSQL
recipe served /dev/outbox (every password-reset link) and /dev/checkout (marks any order paid) to anyone.
Now the default is production, which refuses to start (non-zero, before binding, naming every missing
variable) without its secrets, Razorpay's keys and Resend's; `make run` asks for development explicitly, and
development will not listen beyond loopback unless NAKKSHA_ALLOW_DEV_ON_NETWORK=1."""
from __future__ import annotations

import re
import secrets
import signal
import subprocess

import httpx
import pytest

from app.config import REPO_ROOT, Settings
from tests.meta.test_cli import NAKKSHA, cli_env, free_port, wait_for

# Secrets as an operator generates them (secrets.token_hex(32)); production refuses short or repetitive ones.
STRONG = {"JWT_SECRET": secrets.token_hex(32), "PASSWORD_PEPPER": secrets.token_hex(32),
          "DATA_ENCRYPTION_KEY": secrets.token_hex(32)}
PRODUCTION_NEEDS = ("JWT_SECRET", "PASSWORD_PEPPER", "DATA_ENCRYPTION_KEY", "RAZORPAY_KEY_ID", "RAZORPAY_KEY_SECRET",
                    "RAZORPAY_WEBHOOK_SECRET", "RESEND_API_KEY", "EMAIL_FROM")


def bare_env(tmp_path, database_url: str | None, **extra: str) -> dict[str, str]:
    """What an operator following the README has: no NAKKSHA_ENV, none of the secrets or provider keys."""
    env = {k: v for k, v in cli_env(tmp_path, database_url).items()
           if k not in PRODUCTION_NEEDS and k != "NAKKSHA_ENV" and not k.startswith(("RAZORPAY_", "RESEND_"))}
    return {**env, **extra}


def refused(env: dict, *args: str) -> subprocess.CompletedProcess:
    proc = subprocess.Popen([*NAKKSHA, *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        out, err = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
        raise AssertionError(f"`nakksha {' '.join(args)}` started instead of refusing:\n{out}\n{err}") from None
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def test_the_default_mode_is_production():
    assert Settings.from_env({}).env == "production" and not Settings.from_env({}).is_development
    assert Settings.from_env({"NAKKSHA_ENV": "development"}).is_development


@pytest.mark.parametrize("command", [["serve", "--no-worker"], ["serve"], ["worker"]])
def test_production_refuses_to_start_without_its_secrets_and_providers_naming_each(db, tmp_path, command):
    """The README's external-PostgreSQL recipe as written: DATABASE_URL and nothing else."""
    port = free_port()
    done = refused(bare_env(tmp_path, db.admin_url), *command, *(["--port", str(port)] if command[0] == "serve" else []))
    assert done.returncode == 2, (done.returncode, done.stdout, done.stderr)
    # The worker signs no token and hashes no password: it is not asked for (nor handed) those two secrets.
    web_only = ("JWT_SECRET", "PASSWORD_PEPPER") if command == ["worker"] else ()
    for name in PRODUCTION_NEEDS:
        assert (name in done.stderr) != (name in web_only), f"{name} named wrongly:\n{done.stderr}"
    assert "Traceback" not in done.stderr and "Serving on" not in done.stdout
    # Never bound: the port is still free.
    with __import__("socket").socket() as s:
        s.bind(("127.0.0.1", port))


def test_production_names_only_what_is_missing(db, tmp_path):
    env = bare_env(tmp_path, db.admin_url, **STRONG, RAZORPAY_KEY_ID="rzp_live_x")
    done = refused(env, "serve", "--no-worker", "--port", str(free_port()))
    assert done.returncode == 2
    named = set(re.findall(r"[A-Z][A-Z_]{4,}", done.stderr)) & set(PRODUCTION_NEEDS)
    assert named == {"RAZORPAY_KEY_SECRET", "RAZORPAY_WEBHOOK_SECRET", "RESEND_API_KEY", "EMAIL_FROM"}, done.stderr


def test_production_refuses_secrets_too_weak_to_be_random(db, tmp_path):
    # JWT_SECRET=a starts nothing: with it anyone could forge an access token (an outside check started it).
    providers = dict(RAZORPAY_KEY_ID="rzp_test_x", RAZORPAY_KEY_SECRET="s" * 20, RAZORPAY_WEBHOOK_SECRET="w" * 20,
                     RESEND_API_KEY="re_x", EMAIL_FROM="Nakksha <no-reply@example.com>")
    env = bare_env(tmp_path, db.admin_url, **{**STRONG, "JWT_SECRET": "a", "PASSWORD_PEPPER": "x" * 48}, **providers)
    done = refused(env, "serve", "--no-worker", "--port", str(free_port()))
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert "JWT_SECRET" in done.stderr and "PASSWORD_PEPPER" in done.stderr and "DATA_ENCRYPTION_KEY" not in done.stderr
    assert "token_hex" in done.stderr and "Traceback" not in done.stderr
    from app.secrets import weak_for_production
    pattern = "0123456789abcdef"
    assert weak_for_production({"JWT_SECRET": pattern * 2, "PASSWORD_PEPPER": pattern * 4 + "01234",
                                "DATA_ENCRYPTION_KEY": STRONG["DATA_ENCRYPTION_KEY"]}) == ["JWT_SECRET", "PASSWORD_PEPPER"]


def test_production_with_everything_serves_no_dev_pages(db, tmp_path):
    env = bare_env(tmp_path, db.admin_url, **STRONG,
                   RAZORPAY_KEY_ID="rzp_test_x", RAZORPAY_KEY_SECRET="s" * 20, RAZORPAY_WEBHOOK_SECRET="w" * 20,
                   RESEND_API_KEY="re_x", EMAIL_FROM="Nakksha <no-reply@example.com>")
    port = free_port()
    proc = subprocess.Popen([*NAKKSHA, "serve", "--no-worker", "--port", str(port)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        base = f"http://127.0.0.1:{port}"
        assert wait_for(f"{base}/healthz").status_code == 200
        for path in ("/dev/outbox", "/dev/checkout/order_AAAAAAAAAAAAAA"):
            assert httpx.get(base + path).status_code == 404, path
        assert "strict-transport-security" in httpx.get(f"{base}/healthz").headers
    finally:
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=30)
    assert proc.returncode == 0, out


def test_development_stays_on_loopback_unless_allowed(db, tmp_path):
    env = {**cli_env(tmp_path, db.admin_url), "NAKKSHA_ENV": "development"}
    env.pop("NAKKSHA_ALLOW_DEV_ON_NETWORK", None)
    for host in ("0.0.0.0", "::", "192.0.2.10", "nakksha.example"):
        done = refused(env, "serve", "--no-worker", "--host", host, "--port", str(free_port()))
        assert done.returncode == 2 and "NAKKSHA_ALLOW_DEV_ON_NETWORK" in done.stderr and host in done.stderr, done.stderr
    done = refused({**env, "HOST": "0.0.0.0"}, "serve", "--no-worker", "--port", str(free_port()))
    assert done.returncode == 2 and "NAKKSHA_ALLOW_DEV_ON_NETWORK" in done.stderr
    # Allowed explicitly, it listens on every interface.
    port = free_port()
    proc = subprocess.Popen([*NAKKSHA, "serve", "--no-worker", "--host", "0.0.0.0", "--port", str(port)],
                            env={**env, "NAKKSHA_ALLOW_DEV_ON_NETWORK": "1"}, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    try:
        assert wait_for(f"http://127.0.0.1:{port}/healthz").status_code == 200
        assert httpx.get(f"http://127.0.0.1:{port}/dev/outbox").status_code == 200
    finally:
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=30)
    assert proc.returncode == 0, out
    assert "listening beyond loopback" in out  # and says so loudly


def test_make_run_asks_for_development_and_the_containers_say_how_to_try_it():
    makefile = (REPO_ROOT / "Makefile").read_text()
    run = makefile[makefile.index("\nrun:"):].split("\n\n")[0]
    assert re.search(r"NAKKSHA_ENV=development\b.*nakksha serve", run), run
    compose = (REPO_ROOT / "compose.yaml").read_text()
    assert "NAKKSHA_ALLOW_DEV_ON_NETWORK" in compose
    readme = (REPO_ROOT / "README.md").read_text()
    assert "NAKKSHA_ALLOW_DEV_ON_NETWORK=1" in readme and "| `NAKKSHA_ENV` | `production` |" in readme

# Test: pytest tests/meta/test_modes.py
