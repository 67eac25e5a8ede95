# app/__init__.py — the Nakksha web application package (Starlette over PostgreSQL).
# Test: pytest tests/
