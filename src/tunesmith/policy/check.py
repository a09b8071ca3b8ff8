"""The content policy the operator configured, as one object: word list, protected artist names, moderation
service. It judges texts by field and says what it found (`Finding`); the callers decide what a finding
does (refused at submit, SENSITIVE_WORD_ERROR after the text is written).

A finding carries the matched term for the operator (logs, the task's record); `public_message` names only
the field, never the term.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from tunesmith.policy.matcher import Matcher
from tunesmith.policy.moderation import ModerationClient, ModerationUnavailable
from tunesmith.policy.terms import Watched

log = logging.getLogger(__name__)

Source = Literal["blocklist", "artist", "moderation"]
ArtistAction = Literal["refuse", "strip"]
ARTIST_FIELDS = frozenset({"style", "description"})  # where a protected name asks for someone's sound
MODERATED_FIELDS = frozenset({"lyrics", "description"})  # what the moderation service is asked about

_WHAT: dict[str, str] = {
    "blocklist": "a term this service does not allow",
    "artist": "a protected artist name",
    "moderation": "content the moderation service flagged",
}
# Words that ask for an artist's sound, removed with the name: "in the style of X", "like X", "X-style".
_LEAD_IN = re.compile(
    r"(?:\b(?:in\s+the\s+(?:style|vein|manner)\s+of|(?:style|sound)s?\s+of|(?:sounds?|sounding)\s+like|"
    r"inspired\s+by|similar\s+to|influenced\s+by|a\s+la|à\s+la|like|by|feat\.?|ft\.?)\s*)$",
    re.IGNORECASE,
)
_TRAIL = re.compile(r"(?:[-\s]*(?:style|inspired|like|type|vibes?)\b)?", re.IGNORECASE)


@dataclass(frozen=True)
class Finding:
    """Why a text is refused: the field, what found it, and (for the operator only) the term or
    categories."""

    field: str
    source: Source
    detail: str

    def public_what(self) -> str:
        """What was found, in words a client may see (never the term)."""
        return _WHAT[self.source]

    def public_message(self) -> str:
        verb = "contain" if self.field == "lyrics" else "contains"
        return f"The {self.field} {verb} {_WHAT[self.source]}; change it and try again"

    def operator_line(self) -> str:
        return f"{self.source} {self.detail!r} in the {self.field}"


class ContentPolicy:
    """What the operator refuses. Every part is optional: with none configured nothing is refused."""

    def __init__(
        self,
        *,
        blocklist: Watched[Matcher] | None = None,
        artists: Watched[Matcher] | None = None,
        artist_action: ArtistAction = "refuse",
        moderation: ModerationClient | None = None,
        fail_closed: bool = False,
    ) -> None:
        self.blocklist = blocklist
        self.artists = artists
        self.artist_action = artist_action
        self.moderation = moderation
        self.fail_closed = fail_closed

    @property
    def active(self) -> bool:
        return any(part is not None for part in (self.blocklist, self.artists, self.moderation))

    def close(self) -> None:
        if self.moderation is not None:
            self.moderation.close()

    def review(self, texts: Sequence[tuple[str, str]], *, moderate: bool = True) -> Finding | None:
        """The first finding among `(field, text)` pairs: word list first, then artist names (when they are
        refused rather than stripped), then the moderation service for lyrics and descriptions (one call for
        all of them). ModerationUnavailable only when the service gives no verdict and fail_closed is set."""
        texts = [(field, text) for field, text in texts if text and text.strip()]
        if self.blocklist is not None:
            matcher = self.blocklist.get()
            for field, text in texts:
                hit = matcher.find(text, field)
                if hit is not None:
                    return Finding(field, "blocklist", hit.term)
        if self.artists is not None and self.artist_action == "refuse":
            found = self.artist_in(texts)
            if found is not None:
                return found
        if moderate and self.moderation is not None:
            return self._moderate([(f, t) for f, t in texts if f in MODERATED_FIELDS])
        return None

    def artist_in(self, texts: Sequence[tuple[str, str]]) -> Finding | None:
        if self.artists is None:
            return None
        matcher = self.artists.get()
        for field, text in texts:
            if field in ARTIST_FIELDS:
                hit = matcher.find(text, field)
                if hit is not None:
                    return Finding(field, "artist", hit.term)
        return None

    def strip_artists(self, text: str, field: str) -> tuple[str, list[str]]:
        """`text` without the protected names in it (and the words asking for their sound), and the names
        removed. Only when the operator chose to strip; otherwise the text is returned unchanged."""
        if self.artists is None or self.artist_action != "strip" or field not in ARTIST_FIELDS:
            return text, []
        hits = [h for h in self.artists.get().find_all(text, field) if h.span is not None]
        if not hits:
            return text, []
        out, removed, cursor = [], [], 0
        for hit in hits:
            assert hit.span is not None
            start, end = hit.span
            before = text[cursor:start]
            lead = _LEAD_IN.search(before)
            out.append(before[: lead.start()] if lead else before)
            trail = _TRAIL.match(text, end)
            cursor = trail.end() if trail else end
            removed.append(hit.term)
        out.append(text[cursor:])
        return tidy("".join(out)), removed

    def _moderate(self, texts: list[tuple[str, str]]) -> Finding | None:
        if not texts or self.moderation is None:
            return None
        try:
            verdicts = self.moderation.check([t for _, t in texts])
        except ModerationUnavailable as exc:
            if self.fail_closed:
                log.error("content policy: moderation service unavailable, refusing (fail_closed): %s", exc)
                raise
            log.warning("content policy: moderation service unavailable, text let through: %s", exc)
            return None
        for (field, _), verdict in zip(texts, verdicts, strict=True):
            if verdict.flagged:
                return Finding(field, "moderation", ", ".join(verdict.categories) or "flagged")
        return None


def tidy(style: str) -> str:
    """A style list after words were cut out of it: no empty items, doubled spaces or stray commas."""
    parts = [re.sub(r"\s+", " ", p).strip(" -–—;:.") for p in re.split(r"[,，;；\n]", style)]
    return ", ".join(p for p in parts if p)
