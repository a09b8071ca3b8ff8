"""The content policy built from the operator's settings, with their mistakes caught at start: a list file
that is missing, unreadable or malformed, a moderation URL that is not http(s), a timeout that is not
positive. Each is one OperatorError line naming the setting."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from tunesmith.policy.check import ContentPolicy
from tunesmith.policy.matcher import Matcher
from tunesmith.policy.moderation import ModerationClient
from tunesmith.policy.terms import ListError, Watched, watch_list
from tunesmith.startup.errors import OperatorError

if TYPE_CHECKING:
    from tunesmith.settings import Settings


def _setting(name: str) -> str:
    return f"TUNESMITH_{name.upper()} ({name} in the config file)"


def _watch(settings: Settings, name: str, *, by_sound: bool) -> Watched[Matcher] | None:
    path = getattr(settings, name)
    if path is None or not str(path).strip():
        return None
    try:
        return watch_list(path, by_sound=by_sound)
    except ListError as exc:
        raise OperatorError(f"{_setting(name)}: {exc}") from None


def check_moderation_url(url: str) -> str:
    """The URL when it is an http(s) URL with a host (OperatorError otherwise; never echoes credentials)."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        shown = f"{parts.scheme}://{parts.hostname}" if parts.scheme and parts.hostname else "that value"
        raise OperatorError(
            f"{_setting('moderation_url')}: {shown} is not an http(s) URL; give the moderation endpoint, "
            "e.g. https://api.openai.com/v1/moderations or http://127.0.0.1:8080/v1"
        )
    return url.strip()


def build_policy(settings: Settings) -> ContentPolicy:
    """The policy the settings describe (OperatorError on a mistake in them)."""
    blocklist = _watch(settings, "blocklist_file", by_sound=True)
    artists = _watch(settings, "artist_names_file", by_sound=False)
    moderation = None
    if settings.moderation_url.strip():
        url = check_moderation_url(settings.moderation_url)
        if settings.moderation_timeout_seconds <= 0:
            raise OperatorError(f"{_setting('moderation_timeout_seconds')}: must be more than 0 seconds")
        moderation = ModerationClient(
            url,
            key=settings.moderation_key,
            model=settings.moderation_model.strip(),
            timeout=float(settings.moderation_timeout_seconds),
        )
    return ContentPolicy(
        blocklist=blocklist,
        artists=artists,
        artist_action=settings.artist_names_action,
        moderation=moderation,
        fail_closed=settings.moderation_fail_closed,
    )
