"""Running the studio's operations in the tests: the source clip the worker would build from a finished clip,
a clip rendered by the tone test double, and one operation run through the studio engine (run_op). Shared by
the studio tests and their conftest."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.support.sink import RecordingSinkForTests
from tunesmith.domain.operations import OperationKind, SongRequest
from tunesmith.engines.base import ClipResult, ClipSlot, EngineJob, SourceClip

LYRICS = "[Verse]\nI walk along the empty street\nthe city sleeps\n[Chorus]\n我们 在 夜里 发光\nshine on"


def source_of(workdir: Path, result: ClipResult, clip_id: str = "src") -> SourceClip:
    """The SourceClip the worker would build for a finished clip (absolute paths of its files)."""
    return SourceClip(
        clip_id=clip_id,
        duration=result.duration,
        workdir=workdir,
        title=result.title or "Night Song",
        tags=result.tags or "",
        lyrics=result.lyrics or "",
        audio=workdir / result.audio,
        wav=workdir / result.wav if result.wav else None,
        image=workdir / result.image if result.image else None,
        artifacts={name: workdir / rel for name, rel in result.artifacts.items()},
    )


def render_tone(
    tmp: Path, *, lyrics: str = LYRICS, instrumental: bool = False, duration: float = 6.0
) -> SourceClip:
    """A clip rendered by the tone test double in `tmp`, as a source for an operation."""
    from tests.support.tone_engine import ToneEngineForTests

    request = SongRequest(
        custom_mode=True,
        lyrics=lyrics,
        instrumental=instrumental,
        style="pop, dreamy",
        title="Night Song",
        duration=duration,
    )
    tmp.mkdir(parents=True, exist_ok=True)
    slot = ClipSlot(clip_id="src", index=0, workdir=tmp)
    sink = RecordingSinkForTests()
    ToneEngineForTests().run(EngineJob(task_id="src-task", request=request, clips=(slot,), seed=5), sink)
    return source_of(tmp, sink.clips[0])


def run_op(
    kind: OperationKind,
    workdir: Path,
    source: SourceClip | None = None,
    *,
    seed: int = 1,
    options: dict[str, Any] | None = None,
    **request: Any,
) -> tuple[dict[str, str], dict[str, Any]]:
    """Run one studio operation through the engine (with these engine options); return its (files, data)."""
    from tunesmith.engines.studio.engine import StudioEngine

    if source is not None:
        request.setdefault("source_clip_id", source.clip_id)
    job = EngineJob(
        task_id="op",
        request=SongRequest(kind=kind, **request),
        clips=(),
        seed=seed,
        source=source,
        workdir=workdir,
        options=options or {},
    )
    sink = RecordingSinkForTests()
    StudioEngine().run(job, sink)
    assert len(sink.results) == 1
    files, data = sink.results[0]
    for filename in files.values():
        assert (workdir / filename).is_file(), filename
    return files, data
