"""Public URLs of media, built from TUNESMITH_PUBLIC_URL so they work behind proxies and on other hosts."""

from __future__ import annotations


class PublicUrls:
    """Implements tunesmith.dialects.base.UrlBuilder."""

    def __init__(self, base: str) -> None:
        self.base = base.rstrip("/")

    def media(self, key: str | None) -> str:
        return f"{self.base}/media/{key}" if key else ""

    def stream(self, clip_id: str) -> str:
        return f"{self.base}/stream/{clip_id}"
