"""The acestep engine run in-process on a tiny random checkpoint loaded through its real loading path:
two takes per batch, seeds, progress, determinism, no network, and clean failures (wrong or damaged
checkpoint, NaN output, out of memory)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from tests.acestep.checkpoints import nan_copy, truncated_copy, upstream_layout
from tests.acestep.doubles import OomPipeForTests
from tests.acestep.jobs import LYRICS, job
from tests.support.sink import RecordingSinkForTests
from tunesmith.domain.operations import SongRequest
from tunesmith.engines.acestep.engine import AceStepEngine
from tunesmith.engines.base import EngineError

CUSTOM = SongRequest(
    custom_mode=True, lyrics=LYRICS, style="synth pop, 100 bpm, A minor, 3/4", title="Shine", duration=10
)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def engine():  # type: ignore[no-untyped-def]
    made = AceStepEngine()
    yield made
    made.close()


def test_custom_generate_makes_two_takes_with_text_stream_and_progress(
    engine: AceStepEngine, tiny_checkpoint: Path, tmp_path: Path, no_network: list
) -> None:
    sink = RecordingSinkForTests()
    engine.run(job(tmp_path, CUSTOM, tiny_checkpoint), sink)
    assert sink.kinds() == ["text", "streaming", "complete", "complete"]
    assert os.environ["HF_HUB_OFFLINE"] == "1"
    steps = [f for _, k, f in sink.events if k == "progress"]
    assert len(steps) >= 8 and steps == sorted(steps) and steps[-1] == pytest.approx(1.0)
    results = sink.clips
    for index, result in results.items():
        workdir = tmp_path / f"clip{index}"
        audio, rate = sf.read(workdir / result.audio)
        assert rate == 44100 and audio.shape[1] == 2
        assert abs(len(audio) / rate - 10.0) < 0.1 and result.duration == pytest.approx(10.0, abs=0.01)
        assert 0.5 < np.abs(audio).max() <= 1.0  # ACE-Step's -1 dBFS peak, through MP3
        words = json.loads((workdir / "words.json").read_text())
        assert [w["word"] for w in words][:3] == ["hello", "world,", "the"]
        assert all(w["estimated"] for w in words) and words[-1]["end_s"] < 10.0
        assert result.lyrics == LYRICS and result.title == "Shine"
    assert _digest(tmp_path / "clip0/audio.wav") != _digest(tmp_path / "clip1/audio.wav")  # seed, seed+1


def test_same_seed_gives_the_same_bytes_and_take_zero_alone(
    engine: AceStepEngine, tiny_checkpoint: Path, tmp_path: Path
) -> None:
    runs = []
    for name, clips in (("a", 2), ("b", 2), ("solo", 1)):
        engine.run(job(tmp_path / name, CUSTOM, tiny_checkpoint, clips=clips), RecordingSinkForTests())
        runs.append(tmp_path / name)
    a, b, solo = runs
    assert _digest(a / "clip0/audio.mp3") == _digest(b / "clip0/audio.mp3")
    assert _digest(a / "clip1/audio.mp3") == _digest(b / "clip1/audio.mp3")
    one, _ = sf.read(a / "clip0/audio.wav")
    alone, _ = sf.read(solo / "clip0/audio.wav")
    assert np.abs(one - alone).max() < 2e-3  # take 0 of a batch is the take its seed gives alone


def test_instrumental_and_description_modes(
    engine: AceStepEngine, tiny_checkpoint: Path, tmp_path: Path
) -> None:
    sink = RecordingSinkForTests()
    request = SongRequest(custom_mode=True, instrumental=True, style="ambient piano, 70 bpm", title="Calm")
    engine.run(job(tmp_path / "i", request, tiny_checkpoint), sink)
    text = next(v for _, k, v in sink.events if k == "text")
    assert text.lyrics == "" and all(r.lyrics == "" for r in sink.clips.values())
    assert json.loads((tmp_path / "i/clip0/words.json").read_text()) == []
    sink = RecordingSinkForTests()
    engine.run(
        job(tmp_path / "d", SongRequest(description="a happy song about coffee"), tiny_checkpoint), sink
    )
    text = next(v for _, k, v in sink.events if k == "text")
    assert text.title and text.tags and "[" in text.lyrics  # the songwriter wrote it


def test_out_of_memory_on_two_takes_retries_one_at_a_time(
    engine: AceStepEngine, tiny_checkpoint: Path, tmp_path: Path
) -> None:
    from tunesmith.engines.acestep.loading import load

    engine.run(job(tmp_path / "ref", CUSTOM, tiny_checkpoint), RecordingSinkForTests())
    loaded = load(engine.config)
    double = OomPipeForTests(loaded.pipe)
    loaded.pipe = double
    engine._runner._loaded = loaded
    sink = RecordingSinkForTests()
    engine.run(job(tmp_path / "oom", CUSTOM, tiny_checkpoint), sink)
    assert double.batches == [2, 1, 1] and len(sink.clips) == 2
    for k in (0, 1):
        retried, _ = sf.read(tmp_path / f"oom/clip{k}/audio.wav")
        batched, _ = sf.read(tmp_path / f"ref/clip{k}/audio.wav")
        assert np.abs(retried - batched).max() < 2e-3  # the same takes the batch would have given

    double.always = True
    double.batches.clear()
    with pytest.raises(EngineError) as failed:
        engine.run(job(tmp_path / "oom-again", CUSTOM, tiny_checkpoint), RecordingSinkForTests())
    assert double.batches == [2, 1]  # one retry, one take at a time, then the task fails
    message = failed.value.message
    assert "out of GPU memory even one take at a time" in message and not failed.value.retryable
    assert "TUNESMITH_ACESTEP_OFFLOAD=1" in message and "shorten the song" in message
    engine.close()


def test_nan_weights_fail_with_what_to_do(tiny_checkpoint: Path, tmp_path: Path) -> None:
    broken = nan_copy(tiny_checkpoint, tmp_path / "nan")
    engine = AceStepEngine()
    with pytest.raises(EngineError) as failed:
        engine.run(job(tmp_path, CUSTOM, broken), RecordingSinkForTests())
    assert "NaN" in failed.value.message and "bf16 or fp32" in failed.value.message
    assert not failed.value.retryable


def test_wrong_checkpoint_layouts_fail_cleanly(tiny_checkpoint: Path, tmp_path: Path) -> None:
    upstream = upstream_layout(tmp_path / "checkpoints")
    one_model = tmp_path / "acestep-v15-xl-turbo"
    one_model.mkdir()
    (one_model / "config.json").write_text("{}")
    damaged = truncated_copy(tiny_checkpoint, tmp_path / "damaged")
    old_converter = tmp_path / "old-converter"  # what copies of the converter before 0.42 wrote
    shutil.copytree(tiny_checkpoint, old_converter)
    shutil.rmtree(old_converter / "scheduler")
    for folder, says in (
        (upstream, "upstream ACE-Step layout"),
        (one_model, "upstream ACE-Step layout"),
        (old_converter, "lacks scheduler"),
        (tmp_path / "nowhere", "does not exist"),
        (damaged, "could not be loaded"),
    ):
        with pytest.raises(EngineError) as failed:
            AceStepEngine().run(job(tmp_path / folder.name, CUSTOM, folder), RecordingSinkForTests())
        assert says in failed.value.message and not failed.value.retryable
        if "upstream" in says or "lacks" in says:  # what to do: convert it (with which script), or download
            assert "convert_ace_step_to_diffusers.py of diffusers v0.42.1" in failed.value.message
