"""The content policy applied to what clients send and to what engines write.

At submit (`review_request`): every text a request carries is reviewed before anything is charged; a finding
is ContentRefused, which each dialect renders as its own moderation error. Protected artist names are
stripped from the style and description instead when the operator chose so, with a note in the task
(`request.extra["policy_notes"]`).

After the text is written (`review_written`): the title, style and lyrics an engine or the chat model wrote
are reviewed before any audio is made; the worker ends the task in SENSITIVE_WORD_ERROR on a finding.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import replace

from tunesmith.domain.errors import ContentRefused, Unavailable
from tunesmith.domain.operations import SongRequest
from tunesmith.policy.check import ContentPolicy, Finding
from tunesmith.policy.moderation import ModerationUnavailable

log = logging.getLogger(__name__)

# Texts a request may carry in `extra`, and the field whose terms apply to them.
EXTRA_TEXTS: dict[str, str] = {
    "full_lyrics": "lyrics",
    "author": "title",
    "domain_name": "title",
}
NOTE_KEY = "policy_notes"


def request_texts(request: SongRequest) -> list[tuple[str, str]]:
    """(field, text) for every text in the request."""
    texts = [
        ("lyrics", request.lyrics),
        ("style", request.style),
        ("negative_style", request.negative_style),
        ("title", request.title),
        ("description", request.description),
    ]
    for key, field in EXTRA_TEXTS.items():
        value = request.extra.get(key)
        if isinstance(value, str):
            texts.append((field, value))
    return [(f, t) for f, t in texts if t]


def refuse(finding: Finding, *, who: str) -> ContentRefused:
    """The client's error for a finding (field named, term never); the operator's log line with the term."""
    log.warning("content policy: refused %s: %s", who, finding.operator_line())
    return ContentRefused(finding.public_message(), field=finding.field)


def review_texts(policy: ContentPolicy, texts: Iterable[tuple[str, str]], *, who: str) -> None:
    """Raise ContentRefused on a finding (Unavailable when the moderation service is down and the operator
    chose fail_closed)."""
    try:
        finding = policy.review(list(texts))
    except ModerationUnavailable:
        raise Unavailable(
            "Content moderation is unavailable, so no new text can be accepted now; try again later"
        ) from None
    if finding is not None:
        raise refuse(finding, who=who)


def review_request(policy: ContentPolicy, request: SongRequest, *, who: str) -> SongRequest:
    """The request as it may be queued: refused (ContentRefused) on a finding, or with protected artist
    names stripped from its style and description when the operator chose that."""
    if not policy.active:
        return request
    request = strip_artists(policy, request, who=who)
    review_texts(policy, request_texts(request), who=who)
    return request


def strip_artists(policy: ContentPolicy, request: SongRequest, *, who: str) -> SongRequest:
    style, from_style = policy.strip_artists(request.style, "style")
    description, from_description = policy.strip_artists(request.description, "description")
    if not from_style and not from_description:
        return request
    notes = list(request.extra.get(NOTE_KEY) or [])
    for field, names in (("style", from_style), ("description", from_description)):
        if names:
            log.info("content policy: %s: removed artist name(s) %s from the %s", who, names, field)
            count = (
                "a protected artist name was"
                if len(names) == 1
                else f"{len(names)} protected artist names were"
            )
            notes.append(f"{count} removed from the {field}")
    return replace(request, style=style, description=description, extra={**request.extra, NOTE_KEY: notes})


def review_written(
    policy: ContentPolicy, request: SongRequest, *, title: str, tags: str, lyrics: str
) -> Finding | None:
    """A finding in text an engine wrote, or None. Only what differs from the request is reviewed (the
    client's own texts were reviewed at submit). ModerationUnavailable when fail_closed and no verdict."""
    if not policy.active:
        return None
    written = [
        ("title", title, request.title),
        ("style", tags, request.style),
        ("lyrics", lyrics, request.lyrics),
    ]
    texts = [(field, text) for field, text, asked in written if text and text.strip() != asked.strip()]
    return policy.review(texts) if texts else None
