# app/routes/admin_pages.py — (being written) pages of the admin pages area.
from __future__ import annotations

from starlette.routing import BaseRoute

routes: list[BaseRoute] = []

# Test: pytest tests/http/test_pages.py
