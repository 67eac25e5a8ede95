# tests/meta/test_container_files.py — the Dockerfile and compose.yaml use only real `nakksha` commands and flags and only environment variables the app reads, so they cannot drift from what the tests run.
from __future__ import annotations

import ast
import json
import re
import shlex

import pytest
import yaml

from app.cli import build_parser
from app.config import REPO_ROOT

DOCKERFILE = REPO_ROOT / "Dockerfile"
COMPOSE = REPO_ROOT / "compose.yaml"
DOCKERIGNORE = REPO_ROOT / ".dockerignore"
ENV_NAME = re.compile(r"^[A-Z][A-Z0-9_]{2,}$")
# Variables the image sets for Python and pip themselves, not for the app.
INTERPRETER_ENV = {"PYTHONDONTWRITEBYTECODE", "PYTHONUNBUFFERED", "PIP_NO_CACHE_DIR", "PIP_DISABLE_PIP_VERSION_CHECK"}
# What the image needs at run time (migrations, SQL functions and views are read from db/).
RUNTIME_PATHS = ("app", "jobs", "db", "pyproject.toml", "README.md")


def env_names_read() -> set[str]:
    """Every environment variable the app and the worker read, found in their source: os.environ.get("X") and
    any other .get("X") of an environment copy, os.environ["X"], get_secret(settings, "X"), the role-password
    table (ROLE_PASSWORD_ENV) and the provider URLs app/config.py reads as NAME.upper()."""
    names: set[str] = set()
    for path in [*(REPO_ROOT / "app").rglob("*.py"), *(REPO_ROOT / "jobs").rglob("*.py")]:
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                func = node.func
                callee = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                args = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
                if callee in ("get", "getenv") and args[:1]:
                    names.add(args[0])
                if callee == "get_secret" and args:
                    names.add(args[0])
            elif isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
                if ast.unparse(node.value) in ("os.environ", "e", "environ", "env"):
                    names.add(str(node.slice.value))
            elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Dict):
                if any(isinstance(t, ast.Name) and t.id.endswith("_ENV") for t in node.targets):
                    names |= {v.value for v in node.value.values if isinstance(v, ast.Constant)}
            elif isinstance(node, ast.For) and isinstance(node.iter, ast.Tuple) and "upper()" in ast.unparse(node):
                names |= {e.value.upper() for e in node.iter.elts if isinstance(e, ast.Constant)}
    return {n for n in names if isinstance(n, str) and ENV_NAME.match(n)}


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments left out."""
    text = re.sub(r"\\\n(\s*#.*\n)*", " ", DOCKERFILE.read_text())
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            out.append((word.upper(), rest.strip()))
    return out


def dockerfile_env() -> dict[str, str]:
    env: dict[str, str] = {}
    for word, rest in dockerfile_instructions():
        if word == "ENV":
            for pair in shlex.split(rest):
                key, _, value = pair.partition("=")
                env[key] = value
    return env


def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


def nakksha_services() -> dict[str, dict]:
    """The services that run this project's image (built here), by name."""
    return {name: s for name, s in compose()["services"].items() if "build" in s}


def assert_real_command(argv: list[str], where: str) -> None:
    assert argv and argv[0] == "nakksha", f"{where}: {argv} does not run the nakksha command"
    try:
        build_parser().parse_args(argv[1:])
    except SystemExit as exc:
        raise AssertionError(f"{where}: `{' '.join(argv)}` is not a valid nakksha command line") from exc


def test_the_console_script_is_the_one_the_files_run():
    assert re.search(r'^nakksha = "app\.cli:main"$', (REPO_ROOT / "pyproject.toml").read_text(), re.M)


def test_the_dockerfile_runs_a_real_command_as_a_non_root_user_with_a_health_check(app_routes):
    instructions = dockerfile_instructions()
    words = [w for w, _ in instructions]
    assert instructions[0] == ("FROM", "python:3.11-slim")
    cmd = [rest for w, rest in instructions if w == "CMD"]
    assert len(cmd) == 1
    assert_real_command(json.loads(cmd[0]), "Dockerfile CMD")
    assert json.loads(cmd[0]) == ["nakksha", "serve"]
    # It installs the package (which brings the console script) and drops root before it runs anything.
    assert any(w == "RUN" and re.search(r"pip install (-e )?\.", rest) for w, rest in instructions)
    user = [rest for w, rest in instructions if w == "USER"]
    assert user and user[-1] not in ("root", "0") and words.index("USER") < words.index("CMD")
    health = [rest for w, rest in instructions if w == "HEALTHCHECK"]
    assert len(health) == 1 and "/healthz" in health[0] and "/healthz" in app_routes
    # Every COPY source exists and is not excluded from the build context.
    ignored = {line.strip().rstrip("/") for line in DOCKERIGNORE.read_text().splitlines()
               if line.strip() and not line.startswith("#")}
    for w, rest in instructions:
        if w == "COPY":
            for source in shlex.split(rest)[:-1]:
                assert (REPO_ROOT / source).exists(), f"COPY {source}: no such file"
                assert source not in ignored, f"COPY {source}, but .dockerignore leaves it out"
    assert not ignored & set(RUNTIME_PATHS)


def test_the_image_installs_the_libraries_the_pdfs_need():
    """WeasyPrint (GST documents) needs the Debian packages `make test` installs (the Makefile's PDF_PACKAGES): the
    image installs the same ones, so a PDF that renders in the tests renders in production."""
    wanted = re.search(r"^PDF_PACKAGES := (.+)$", (REPO_ROOT / "Makefile").read_text(), re.M)[1].split()
    installs = [rest for w, rest in dockerfile_instructions() if w == "RUN" and "apt-get install" in rest]
    assert installs, "the Dockerfile installs no Debian packages"
    assert set(wanted) <= set(shlex.split(" ".join(installs))), (wanted, installs)
    # And they are enough: WeasyPrint renders here, with the rupee sign in a real font.
    import weasyprint

    pdf = weasyprint.HTML(string="<p style='font-family: DejaVu Sans'>Total ₹1,499.50</p>").write_pdf(
        uncompressed_pdf=True)
    assert pdf.startswith(b"%PDF-") and re.search(rb"/BaseFont\s*/\w+\+DejaVu-Sans", pdf)


def test_compose_runs_the_tested_commands():
    services = compose()["services"]
    assert set(services) >= {"migrate", "app", "worker", "postgres"}
    assert services["migrate"]["command"] == ["nakksha", "migrate", "--no-dump"]
    assert services["app"]["command"] == ["nakksha", "serve", "--no-worker", "--workers", "2"]
    assert services["worker"]["command"] == ["nakksha", "worker"]
    # The web and worker processes start after the migration and never hold the superuser's credentials.
    for name in ("app", "worker"):
        assert services[name]["depends_on"] == {"migrate": {"condition": "service_completed_successfully"}}
        assert not {"DATABASE_URL", "NAKKSHA_OWNER_PASSWORD"} & set(services[name]["environment"]), name
    for name, service in nakksha_services().items():
        assert isinstance(service["command"], list), f"{name}: give the command as a list (no shell)"
        assert_real_command(service["command"], f"compose service {name}")
    # PostgreSQL 17 or newer (app/migrate.py refuses older), its data on a volume, healthy before the app starts.
    pg = services["postgres"]
    assert int(re.fullmatch(r"postgres:(\d+)(\.\d+)?(-.*)?", pg["image"]).group(1)) >= 17
    assert any(str(v).split(":")[0] in compose().get("volumes", {}) for v in pg["volumes"])
    assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    # The worker has no HTTP server: the image's /healthz check is turned off for it.
    assert services["worker"]["healthcheck"] == {"disable": True}


def test_the_files_set_only_variables_the_app_reads():
    read = env_names_read()
    # The scan itself finds what the app is known to read (so an empty or broken scan cannot pass).
    assert {"DATABASE_URL", "APP_DATABASE_URL", "JWT_SECRET", "PASSWORD_PEPPER", "DATA_ENCRYPTION_KEY",
            "NAKKSHA_APP_PASSWORD", "RESEND_API_KEY", "BCRYPT_ROUNDS", "GOOGLE_API_URL", "HOST", "PORT"} <= read
    readme = (REPO_ROOT / "README.md").read_text()
    image_env = set(dockerfile_env()) - INTERPRETER_ENV
    assert not image_env - read, f"the Dockerfile sets variables the app never reads: {image_env - read}"
    for name, service in nakksha_services().items():
        env = service.get("environment") or {}
        assert isinstance(env, dict), f"{name}: give the environment as a mapping"
        unread = set(env) - read
        assert not unread, f"compose service {name} sets variables the app never reads: {sorted(unread)}"
        undocumented = [v for v in set(env) | image_env if f"`{v}`" not in readme]
        assert not undocumented, f"{name}: not in README's configuration table: {undocumented}"
    # The URLs name the database service and the database it creates; the app's logs in as the app role.
    services = compose()["services"]
    for url in (services["migrate"]["environment"]["DATABASE_URL"], services["app"]["environment"]["APP_DATABASE_URL"]):
        assert re.search(r"@postgres:5432/(\w+)$", url).group(1) == services["postgres"]["environment"]["POSTGRES_DB"]
    assert services["app"]["environment"]["APP_DATABASE_URL"].startswith("postgresql://nakksha_app:")
    assert "8000" == dockerfile_env()["PORT"] and any(str(p).endswith(":8000") for p in services["app"]["ports"])


@pytest.fixture
def app_routes() -> set[str]:
    from app.config import Settings
    from app.main import create_app
    from app.openapi import iter_routes
    from tests.conftest import TEST_DATA_DIR

    application = create_app(Settings.from_env({}, env="test", data_dir=TEST_DATA_DIR))
    return {path for path, _ in iter_routes(application.routes)}

# Test: pytest tests/meta/test_container_files.py
