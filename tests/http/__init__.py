# tests/http/__init__.py — marks tests/http/ as a package so test modules can share helpers.
# Test: pytest tests/http/
