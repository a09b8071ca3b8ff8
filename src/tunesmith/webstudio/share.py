"""The public page of a shared song (`/studio/share/{token}`): rendered on the server from the share, with no
key — the owner opted in to showing this one clip's title, style, lyrics, cover and audio, nothing more."""

from __future__ import annotations

import html
import re
from functools import cache
from pathlib import Path

from fastapi import Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from tunesmith import __version__
from tunesmith.domain.errors import NotFound
from tunesmith.services import Services
from tunesmith.webstudio.headers import STATIC_URL, page_headers

HERE = Path(__file__).parent
SECTION_TAG = re.compile(r"^\s*\[[^\]]*\]\s*$")
GONE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Not found · Tunesmith</title>
<link rel="icon" href="data:,"></head><body><main><h1>This song is not shared</h1>
<p>The link is wrong, or its owner stopped sharing the song.</p></main></body></html>"""


@cache
def template(static_url: str) -> str:
    text = (HERE / "share.html").read_text(encoding="utf-8")
    return text.replace("{{static}}", static_url).replace("{{version}}", __version__)


def render(services: Services, token: str, static_url: str) -> str:
    task, clip = services.shares.public(token)
    lines = [line.strip() for line in clip.lyrics.splitlines()]
    sung = [line for line in lines if line and not SECTION_TAG.match(line)]
    lyrics = (
        "".join(f"<li>{html.escape(line)}</li>" for line in sung) if not task.request.instrumental else ""
    )
    title = clip.title or "Untitled"
    cover = (
        f'<img src="{html.escape(services.urls.media(clip.image_key))}" alt="Cover art of '
        f'{html.escape(title)}" width="160" height="160">'
        if clip.image_key
        else ""
    )
    values = {
        "title": html.escape(title),
        "tags": html.escape(clip.tags),
        "audio": html.escape(services.urls.media(clip.audio_key or "")),
        "cover": cover,
        "lyrics": lyrics or "<li>Instrumental</li>",
    }
    page = template(static_url)
    for name, value in values.items():
        page = page.replace("{{" + name + "}}", value)
    return page


async def shared_song(token: str, request: Request) -> HTMLResponse:
    services: Services = request.app.state.services
    try:
        page = await run_in_threadpool(render, services, token, STATIC_URL)
    except NotFound:
        return HTMLResponse(GONE, status_code=404, headers=page_headers(services.settings, cache="no-store"))
    return HTMLResponse(page, headers=page_headers(services.settings, cache="no-store"))
