# app/routes/dashboard_sessions.py — (being written) pages of the dashboard sessions area.
from __future__ import annotations

from starlette.routing import BaseRoute

routes: list[BaseRoute] = []

# Test: pytest tests/http/test_pages.py
