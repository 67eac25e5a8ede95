# tests/e2e/__init__.py — browser tests: Playwright driving Debian's Chromium against the app served on loopback.
# Test: pytest tests/e2e/
