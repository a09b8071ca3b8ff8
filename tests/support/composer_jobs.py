"""The composer tests' song and job: lyrics with a verse and a chorus, an engine job for a request, and one
take of a request rendered (render_take)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.support.sink import RecordingSinkForTests
from tunesmith.domain.operations import SongRequest
from tunesmith.engines.base import ClipResult, ClipSlot, Engine, EngineJob

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


def render_take(
    engine: Engine, tmp: Path, request: SongRequest, seed: int
) -> tuple[Path, ClipResult, dict[str, Any]]:
    """One take of `request` rendered by `engine` under `tmp`: its folder, its result and its plan.json."""
    job = make_job(tmp, request, seed=seed, clips=1)
    sink = RecordingSinkForTests()
    engine.run(job, sink)
    workdir = job.clips[0].workdir
    return workdir, sink.clips[0], json.loads((workdir / "plan.json").read_text())
