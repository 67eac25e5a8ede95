# tests/faults/__init__.py — marks tests/faults/ as a package so its modules share the conftest helpers.
# Test: pytest tests/faults/
