from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from tunesmith.domain.operations import SongRequest  # noqa: E402
from tunesmith.engines.base import ClipSlot, EngineJob  # noqa: E402

LYRICS = """[Verse]
I walk along the empty street
the city sleeps beneath my feet
[Chorus]
We are shining tonight
we are burning so bright
"""


def make_job(tmp: Path, request: SongRequest, seed: int = 7, clips: int = 2) -> EngineJob:
    slots = tuple(ClipSlot(clip_id=f"c{i}", index=i, workdir=tmp / f"clip{i}") for i in range(clips))
    return EngineJob(task_id="t1", request=request, clips=slots, seed=seed)


@pytest.fixture(scope="module")
def engine():
    from tunesmith.engines.composer.engine import ComposerEngine

    eng = ComposerEngine()
    eng.warm_up()
    yield eng
    from tunesmith.engines.composer import pool

    pool.shutdown()
