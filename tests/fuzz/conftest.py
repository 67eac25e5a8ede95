# tests/fuzz/conftest.py — the HTTP suite's fixtures (a fresh app and client per test) for the fuzz suites too.
from tests.http.conftest import app, client  # noqa: F401  (pytest finds fixtures imported into a conftest)

# Test: pytest tests/fuzz/
