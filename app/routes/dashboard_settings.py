# app/routes/dashboard_settings.py — (being written) pages of the dashboard settings area.
from __future__ import annotations

from starlette.routing import BaseRoute

routes: list[BaseRoute] = []

# Test: pytest tests/http/test_pages.py
