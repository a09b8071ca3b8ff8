"""The interactive API docs (/docs, Swagger UI), served with their assets from Tunesmith itself.

FastAPI's own page loads Swagger UI from a public CDN, so on a machine with no internet access (the normal
case for a self-hosted service in a private network) it is blank. The `fastapi-offline` package keeps a
current Swagger UI build bundled; it is served here under /docs/assets, and the page points only there. ReDoc
is not offered: its sidebar always loads its maker's logo from a CDN, and Swagger UI already shows everything.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

DOCS_URL = "/docs"
ASSETS_URL = "/docs/assets"
ASSET_FILES = ("swagger-ui-bundle.js", "swagger-ui.css", "favicon.png")

# Swagger UI's options on top of FastAPI's: never ask swagger.io to validate the document.
SWAGGER_UI_PARAMETERS = {"validatorUrl": None}


def asset_dir() -> Path:
    """Where the bundled Swagger UI build lives; fails at start, not in a browser, when it is gone."""
    path = Path(str(files("fastapi_offline").joinpath("static")))
    missing = [name for name in ASSET_FILES if not (path / name).is_file()]
    if missing:
        names = ", ".join(missing)
        raise RuntimeError(f"API docs assets missing from {path}: {names} (reinstall fastapi-offline)")
    return path


def add_docs(app: FastAPI) -> None:
    """Serve /docs and /docs/oauth2-redirect with local assets (create the app with docs_url=None)."""
    app.mount(ASSETS_URL, StaticFiles(directory=asset_dir()), name="docs-assets")
    oauth2_redirect_url = f"{DOCS_URL}/oauth2-redirect"

    @app.get(DOCS_URL, include_in_schema=False)
    async def swagger_ui(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return get_swagger_ui_html(
            openapi_url=f"{root}{app.openapi_url}",
            title=f"{app.title} — API docs",
            oauth2_redirect_url=f"{root}{oauth2_redirect_url}",
            swagger_js_url=f"{root}{ASSETS_URL}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{ASSETS_URL}/swagger-ui.css",
            swagger_favicon_url=f"{root}{ASSETS_URL}/favicon.png",
            swagger_ui_parameters=SWAGGER_UI_PARAMETERS,
        )

    @app.get(oauth2_redirect_url, include_in_schema=False)
    async def swagger_ui_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()
