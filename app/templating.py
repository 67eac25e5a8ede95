# app/templating.py — the Jinja2 environment for pages (autoescaped) shared by every route.
from __future__ import annotations

from pathlib import Path

from starlette.templating import Jinja2Templates

templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))

# Test: pytest tests/jobs/test_outbox.py
