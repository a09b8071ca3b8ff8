"""Reading written lyrics back: their sections and lines (the songwriter's tests)."""

from __future__ import annotations

import re

HEADER = re.compile(r"^\[([A-Za-z][A-Za-z0-9 \-]*)\]$")


def sections(lyrics: str) -> list[tuple[str, list[str]]]:
    """[(header, lines)] in order; every block must start with a header line."""
    out = []
    for block in lyrics.strip().split("\n\n"):
        first, *rest = block.split("\n")
        match = HEADER.match(first)
        assert match, f"block without a header: {block!r}"
        out.append((match.group(1), rest))
    return out
