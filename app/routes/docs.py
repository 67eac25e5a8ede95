# app/routes/docs.py — the OpenAPI document (/api/v1/openapi.json) and a browsable docs page (/api/docs) with local assets.
from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from swagger_ui_bundle import swagger_ui_path

from app.endpoints import endpoint
from app.jsonio import JSONResponse
from app.openapi import build_document

DOCS_PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Nakksha API</title>
  <link rel="stylesheet" href="/api/docs/assets/swagger-ui.css">
  <link rel="icon" href="/api/docs/assets/favicon-32x32.png">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/api/docs/assets/swagger-ui-bundle.js"></script>
  <script src="/api/docs/init.js"></script>
</body>
</html>
"""

# A separate script (not inline) so the Content-Security-Policy can stay script-src 'self'.
INIT_JS = """window.ui = SwaggerUIBundle({url: "/api/v1/openapi.json", dom_id: "#swagger-ui", deepLinking: true});\n"""


@endpoint(summary="This document.", tags=("docs",), include=False)
async def openapi_json(request: Request) -> JSONResponse:
    doc = request.app.state.openapi
    if doc is None:
        doc = request.app.state.openapi = build_document(request.app.routes)
    return JSONResponse(doc)


@endpoint(summary="Browsable API documentation.", tags=("docs",), include=False)
async def docs_page(request: Request) -> HTMLResponse:
    # Swagger UI sets inline styles: allowed on this page only.
    return HTMLResponse(DOCS_PAGE, headers={"content-security-policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; "
        "frame-ancestors 'none'; base-uri 'self'; object-src 'none'")})


@endpoint(summary="Docs page start-up script.", tags=("docs",), include=False)
async def docs_init(request: Request) -> HTMLResponse:
    return HTMLResponse(INIT_JS, media_type="application/javascript")


api_routes = [Route("/openapi.json", openapi_json, methods=["GET"], name="openapi_json")]
site_routes = [
    Route("/api/docs", docs_page, methods=["GET"], name="docs_page"),
    Route("/api/docs/init.js", docs_init, methods=["GET"], name="docs_init"),
    Mount("/api/docs/assets", app=StaticFiles(directory=Path(str(swagger_ui_path))), name="docs_assets"),
]

# Test: pytest tests/http/test_openapi.py
