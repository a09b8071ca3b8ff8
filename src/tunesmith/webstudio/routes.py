"""Routes of the studio: the page shell at /studio, its static files, and `GET /` leading browsers there."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.staticfiles import StaticFiles

from tunesmith import __version__
from tunesmith.webstudio.headers import STATIC_URL, page_headers
from tunesmith.webstudio.share import shared_song

HERE = Path(__file__).parent
STATIC = HERE / "static"
PAGES = ("/", "/studio", "/studio/share/{token}")  # HTML for browsers, left out of the OpenAPI document


@cache
def shell() -> str:
    """The page: every view is in the shell; the modules fill them in. Static URLs carry the version, so a new
    release is never served from an old cache."""
    html = (HERE / "shell.html").read_text(encoding="utf-8")
    return html.replace("{{static}}", STATIC_URL).replace("{{version}}", __version__)


def add_studio(app: FastAPI) -> None:
    headers = page_headers(app.state.services.settings)

    async def studio() -> HTMLResponse:
        return HTMLResponse(shell(), headers=headers)

    async def home() -> RedirectResponse:
        return RedirectResponse("/studio", status_code=307)

    app.add_api_route("/studio", studio, methods=["GET"], include_in_schema=False)
    app.add_api_route("/", home, methods=["GET"], include_in_schema=False)
    app.add_api_route("/studio/share/{token}", shared_song, methods=["GET"], include_in_schema=False)
    app.mount(STATIC_URL, StaticFiles(directory=STATIC), name="studio-static")
