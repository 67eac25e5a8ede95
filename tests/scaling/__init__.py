# tests/scaling/__init__.py — tests of running beyond one machine: PgBouncer in transaction mode, a read replica.

# Test: pytest tests/scaling/
