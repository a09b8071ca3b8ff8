"""Clips to work on: rendered by the tone test double, and one short real composer song (the helpers that
make them, and run an operation, are in tests/support/studio_ops.py)."""

from __future__ import annotations

import pytest

from tests.support.sink import RecordingSinkForTests
from tests.support.studio_ops import render_tone, source_of
from tunesmith.domain.operations import SongRequest
from tunesmith.engines.base import ClipSlot, EngineJob, SourceClip


@pytest.fixture(scope="session")
def tone_song(tmp_path_factory: pytest.TempPathFactory) -> SourceClip:
    return render_tone(tmp_path_factory.mktemp("tone-song"))


@pytest.fixture(scope="session")
def tone_instrumental(tmp_path_factory: pytest.TempPathFactory) -> SourceClip:
    return render_tone(tmp_path_factory.mktemp("tone-inst"), instrumental=True, lyrics="")


COMPOSER_LYRICS = (
    "[Verse]\nI walk along the empty street\nthe city sleeps beneath my feet\n"
    "[Chorus]\nWe are shining tonight\n"
)


@pytest.fixture(scope="session")
def composer_song(tmp_path_factory: pytest.TempPathFactory) -> SourceClip:
    """One short real song by the composer: its limiter makes the master differ from the sum of its parts."""
    from tunesmith.engines.composer import pool
    from tunesmith.engines.composer.engine import ComposerEngine

    tmp = tmp_path_factory.mktemp("composer")
    engine = ComposerEngine()
    engine.warm_up()
    sink = RecordingSinkForTests()
    request = SongRequest(custom_mode=True, lyrics=COMPOSER_LYRICS, style="rock, energetic", title="Shining")
    try:
        engine.run(
            EngineJob(
                task_id="c", request=request, clips=(ClipSlot(clip_id="c0", index=0, workdir=tmp),), seed=3
            ),
            sink,
        )
    finally:
        pool.shutdown()
    return source_of(tmp, sink.clips[0], clip_id="c0")
