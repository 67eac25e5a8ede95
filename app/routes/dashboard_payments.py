# app/routes/dashboard_payments.py — (being written) pages of the dashboard payments area.
from __future__ import annotations

from starlette.routing import BaseRoute

routes: list[BaseRoute] = []

# Test: pytest tests/http/test_pages.py
