# tests/meta/__init__.py — marks tests/meta/ as a package so test modules can share helpers.
# Test: pytest tests/meta/
