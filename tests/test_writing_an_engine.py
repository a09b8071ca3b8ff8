"""docs/writing-an-engine.md: its example engine, taken from the page as it stands, runs against the
contract and makes what it reports (MP3s of the right length, in the slots' folders)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import soundfile as sf

from tests.support.sink import RecordingSinkForTests
from tunesmith.domain.operations import SongRequest
from tunesmith.engines import ClipSlot, EngineError, EngineJob, SongText

DOC = Path(__file__).resolve().parents[1] / "docs" / "writing-an-engine.md"


def _example_engine() -> type:
    code = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    assert len(code) == 1, "the page has one example engine"
    namespace: dict[str, Any] = {}
    exec(compile(code[0], str(DOC), "exec"), namespace)  # noqa: S102 - the documented code, as written
    return namespace["ToneEngine"]


def _job(tmp_path: Path, seconds: float) -> EngineJob:
    slots = []
    for index in range(2):
        workdir = tmp_path / f"clip{index}"
        workdir.mkdir()
        slots.append(ClipSlot(clip_id=f"c{index}", index=index, workdir=workdir))
    return EngineJob(
        task_id="t1", request=SongRequest(duration=seconds, style="drone"), clips=tuple(slots), seed=5
    )


def test_the_documented_engine_keeps_the_contract(tmp_path: Path) -> None:
    engine = _example_engine()()
    sink = RecordingSinkForTests()
    job = _job(tmp_path, 2.0)
    engine.run(job, sink)
    assert sink.events[0][1:] == ("text", SongText(title="A tone", tags="drone", lyrics=""))
    completed = [v for _, k, v in sink.events if k == "complete"]
    assert [index for index, _ in completed] == [0, 1]
    for slot, (_, result) in zip(job.clips, completed, strict=True):
        info = sf.info(str(slot.workdir / result.audio))
        assert result.duration == 2.0 and abs(info.duration - 2.0) < 0.1
    assert sink.events[-1][1:] == ("progress", 1.0)


def test_the_documented_engine_fails_with_an_engine_error(tmp_path: Path) -> None:
    with pytest.raises(EngineError, match="at most a minute"):
        _example_engine()().run(_job(tmp_path, 90.0), RecordingSinkForTests())
