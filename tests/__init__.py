# tests/__init__.py — marks tests/ as a package so test modules can share helpers.
# Test: pytest tests/
