"""Response headers of the studio's pages: what a page may load (Content-Security-Policy) and caching."""

from __future__ import annotations

from urllib.parse import urlsplit

from tunesmith.settings import Settings

STATIC_URL = "/studio/static"


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") and parts.netloc else ""


def content_policy(settings: Settings) -> str:
    """Scripts and styles from this server only, nothing inline, no frames. Media and images may also come
    from where media URLs point (the public URL, or a CDN): another origin than the address bar's, maybe."""
    origins = (_origin(settings.effective_public_url), _origin(settings.media_public_url))
    media = " ".join(dict.fromkeys(o for o in origins if o))
    return (
        f"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: {media}; "
        f"media-src 'self' {media}; connect-src 'self' {media}; object-src 'none'; base-uri 'none'; "
        "form-action 'self'; frame-ancestors 'none'"
    )


def page_headers(settings: Settings, *, cache: str = "no-cache") -> dict[str, str]:
    return {
        "Cache-Control": cache,
        "Content-Security-Policy": content_policy(settings),
        "Referrer-Policy": "no-referrer",  # a share link's token never leaks to the sites a page links to
        "X-Content-Type-Options": "nosniff",
    }
