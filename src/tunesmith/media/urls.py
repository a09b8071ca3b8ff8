"""Public URLs of media, built from TUNESMITH_PUBLIC_URL so they work behind proxies and on other hosts.

A delivered file's URL is `<public url>/media/<key>`: the API checks the delivery record and streams the file
from the store. With TUNESMITH_MEDIA_PUBLIC_URL (a CDN or a bucket's public address), files under the store's
`pub/` prefix are linked there instead; files kept where older versions put them still go through the API.
"""

from __future__ import annotations

from tunesmith.media.layout import PUBLIC


class PublicUrls:
    """Implements tunesmith.dialects.base.UrlBuilder."""

    def __init__(self, base: str, media_base: str = "") -> None:
        self.base = base.rstrip("/")
        self.media_base = media_base.rstrip("/")

    def media(self, key: str | None) -> str:
        if not key:
            return ""
        if self.media_base and key.startswith(PUBLIC):
            return f"{self.media_base}/{key}"
        return f"{self.base}/media/{key}"

    def stream(self, clip_id: str) -> str:
        return f"{self.base}/stream/{clip_id}"
