# tests/db/__init__.py — marks tests/db/ as a package so test modules can share helpers.
# Test: pytest tests/db/
