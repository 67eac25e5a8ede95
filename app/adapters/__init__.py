# app/adapters/__init__.py — adapters to external services: one interface each, a real and a local implementation.
# Test: pytest tests/jobs/
