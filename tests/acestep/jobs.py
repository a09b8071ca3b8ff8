"""Building engine jobs for the acestep tests (in-process, as the engine process runs them)."""

from __future__ import annotations

from pathlib import Path

from tunesmith.domain.operations import SongRequest
from tunesmith.engines.base import ClipSlot, EngineJob, SourceClip

LYRICS = "[Verse]\nhello world, the morning light\n[Chorus]\nla la la, we shine tonight"


def options(checkpoint: Path, **more: object) -> dict:
    return {"acestep": {"checkpoint": str(checkpoint), "max_seconds": 10, **more}}


def job(
    tmp: Path,
    request: SongRequest,
    checkpoint: Path,
    *,
    seed: int = 42,
    clips: int = 2,
    source: SourceClip | None = None,
    **more: object,
) -> EngineJob:
    slots = tuple(ClipSlot(clip_id=f"c{i}", index=i, workdir=tmp / f"clip{i}") for i in range(clips))
    return EngineJob(
        task_id="t1",
        request=request,
        clips=slots,
        seed=seed,
        source=source,
        options=options(checkpoint, **more),
    )
