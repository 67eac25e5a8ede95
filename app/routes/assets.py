# app/routes/assets.py — /favicon.ico, which browsers ask every site for whatever its pages link (the rest of app/static is the /static mount, app/static_files.py).
from __future__ import annotations

from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from app.endpoints import endpoint
from app.static_files import STATIC_DIR


@endpoint(summary="The site's icon (a week's cache).", tags=("pages",), include=False)
async def favicon(request: Request) -> Response:
    return FileResponse(STATIC_DIR / "favicon.ico", media_type="image/x-icon",
                        headers={"cache-control": "public, max-age=604800"})


site_routes = [Route("/favicon.ico", favicon, methods=["GET"], name="favicon")]

# Test: pytest tests/http/test_static_files.py
