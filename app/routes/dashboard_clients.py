# app/routes/dashboard_clients.py — (being written) pages of the dashboard clients area.
from __future__ import annotations

from starlette.routing import BaseRoute

routes: list[BaseRoute] = []

# Test: pytest tests/http/test_pages.py
