"""Song form: which sections, in which order, how many lines, and which lines rhyme together.

The chorus (and pre-chorus) is written once and repeated word for word, as real songs do; verses and the
bridge are new each time. English rhymes in couplets (AABB); Chinese keeps one rhyme through a section
(一韵到底 within the section), which also makes every couplet rhyme.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from .compose import Writer

# (header, part, lines); part "chorus" and "pre" repeat the first text written for them.
PLANS: tuple[tuple[tuple[str, str, int], ...], ...] = (
    (
        ("Verse", "verse", 4),
        ("Chorus", "chorus", 4),
        ("Verse 2", "verse", 4),
        ("Chorus", "chorus", 4),
        ("Bridge", "bridge", 2),
        ("Chorus", "chorus", 4),
        ("Outro", "outro", 2),
    ),
    (
        ("Verse", "verse", 4),
        ("Pre-Chorus", "pre", 2),
        ("Chorus", "chorus", 4),
        ("Verse 2", "verse", 4),
        ("Pre-Chorus", "pre", 2),
        ("Chorus", "chorus", 4),
        ("Bridge", "bridge", 4),
        ("Chorus", "chorus", 4),
        ("Outro", "outro", 2),
    ),
    (
        ("Verse", "verse", 4),
        ("Chorus", "chorus", 4),
        ("Verse 2", "verse", 4),
        ("Chorus", "chorus", 4),
        ("Bridge", "bridge", 4),
        ("Chorus", "chorus", 4),
        ("Outro", "outro", 2),
    ),
)
_REPEATED = ("chorus", "pre")
SOFT_MOODS = frozenset({"sad", "calm", "romantic", "dark", "nostalgic"})


def line_roles(part: str, lines: int) -> list[str]:
    """Template pools per line: a verse opens on the topic, a chorus opens and closes on the hook."""
    if part == "verse":
        return ["verse_t"] + ["verse"] * (lines - 1)
    if part == "chorus":
        return ["hook"] + ["chorus"] * (lines - 2) + ["hook"]
    return [part] * lines


def write_lyrics(writer: Writer, rng: random.Random, *, couplets: bool) -> str:
    """Lyrics with [Section] headers, sections separated by a blank line."""
    plan = rng.choice(PLANS)
    written: dict[str, list[str]] = {}
    blocks: list[str] = []
    for header, part, count in plan:
        if part in _REPEATED and part in written:
            lines = written[part]
        else:
            roles = line_roles(part, count)
            groups: Sequence[Sequence[str]] = (
                [roles[i : i + 2] for i in range(0, len(roles), 2)] if couplets else [roles]
            )
            lines = [line for group in groups for line in writer.group(group)]
            written[part] = lines
        blocks.append(f"[{header}]\n" + "\n".join(lines))
    return "\n\n".join(blocks)
