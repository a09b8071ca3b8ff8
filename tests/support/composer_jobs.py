"""The composer tests' song and job: lyrics with a verse and a chorus, and an engine job for a request."""

from __future__ import annotations

from pathlib import Path

from tunesmith.domain.operations import SongRequest
from tunesmith.engines.base import ClipSlot, EngineJob

LYRICS = """[Verse]
I walk along the empty street
the city sleeps beneath my feet
[Chorus]
We are shining tonight
we are burning so bright
"""


def make_job(tmp: Path, request: SongRequest, seed: int = 7, clips: int = 2) -> EngineJob:
    """A job for `request` with `clips` slots, each clip in its own folder under `tmp`."""
    slots = tuple(ClipSlot(clip_id=f"c{i}", index=i, workdir=tmp / f"clip{i}") for i in range(clips))
    return EngineJob(task_id="t1", request=request, clips=slots, seed=seed)
