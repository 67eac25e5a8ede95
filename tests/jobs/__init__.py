# tests/jobs/__init__.py — marks tests/jobs/ as a package so test modules can share helpers.
# Test: pytest tests/jobs/
