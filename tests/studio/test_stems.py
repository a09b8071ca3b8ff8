"""Stems must be the song's real parts and add back up to the master the client already has."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from tests.support.studio_ops import run_op
from tunesmith.domain.operations import OperationKind
from tunesmith.engines.base import EngineError, SourceClip
from tunesmith.engines.studio.stems import matched_parts


def residual_db(master: np.ndarray, parts: list[np.ndarray]) -> float:
    rest = master - sum(parts)
    return 20 * np.log10(np.sqrt(np.mean(rest**2)) / np.sqrt(np.mean(master**2)))


def read(path: Path) -> np.ndarray:
    return sf.read(path, dtype="float32", always_2d=True)[0]


def test_split_stem_gives_every_part_summing_to_the_master(tone_song: SourceClip, tmp_path: Path) -> None:
    files, data = run_op(OperationKind.STEMS, tmp_path, tone_song, extra={"type": "split_stem"})
    assert data["type"] == "split_stem"
    assert data["parts"] == ["vocals", "drums", "bass", "other"] == list(files)
    assert data["durations"] == {part: pytest.approx(tone_song.duration, abs=0.01) for part in data["parts"]}
    parts = [read(tmp_path / f) for f in files.values()]
    assert residual_db(read(tone_song.wav), parts) < -40
    # each stem is its own part, not a copy of the mix: the vocals stem is silent between words
    assert np.abs(read(tmp_path / files["vocals"])[: int(0.5 * 44100)]).max() < 1e-3


def test_separate_vocal_is_the_default(tone_song: SourceClip, tmp_path: Path) -> None:
    files, data = run_op(OperationKind.STEMS, tmp_path, tone_song)
    assert data["type"] == "separate_vocal" and data["parts"] == ["vocals", "instrumental"]
    vocals, instrumental = read(tmp_path / files["vocals"]), read(tmp_path / files["instrumental"])
    assert residual_db(read(tone_song.wav), [vocals, instrumental]) < -40
    raw = read(tone_song.artifacts["stem.vocals"])
    assert np.corrcoef(vocals[:, 0], raw[:, 0])[0, 1] > 0.99
    assert abs(np.corrcoef(instrumental[:, 0], raw[:, 0])[0, 1]) < 0.1


def test_an_instrumental_has_no_vocal_stem(tone_instrumental: SourceClip, tmp_path: Path) -> None:
    files, data = run_op(OperationKind.STEMS, tmp_path, tone_instrumental, extra={"type": "split_stem"})
    assert data["parts"] == ["drums", "bass", "other"]
    assert residual_db(read(tone_instrumental.wav), [read(tmp_path / f) for f in files.values()]) < -40


def test_refuses_unknown_type_and_clips_without_stems(tone_song: SourceClip, tmp_path: Path) -> None:
    with pytest.raises(EngineError, match="unknown separation type"):
        run_op(OperationKind.STEMS, tmp_path, tone_song, extra={"type": "split_stem_advanced"})
    bare = SourceClip(
        clip_id="x", duration=tone_song.duration, workdir=tone_song.workdir, audio=tone_song.audio
    )
    with pytest.raises(EngineError, match="no stems"):
        run_op(OperationKind.STEMS, tmp_path, bare)


def test_matching_undoes_a_limiter() -> None:
    """A master that is a gained and nonlinearly limited sum still splits into parts that add up to it and
    each still sound like their own part."""
    rng = np.random.default_rng(0)
    t = np.arange(44100 * 2) / 44100
    raw = {
        "a": np.stack([np.sin(2 * np.pi * 220 * t)] * 2, axis=1).astype(np.float32) * 0.4,
        "b": (rng.standard_normal((len(t), 2)) * np.exp(-20 * (t % 0.25))[:, None]).astype(np.float32) * 0.3,
    }
    master = np.tanh(3 * (raw["a"] + raw["b"])).astype(np.float32) * 0.9
    parts = matched_parts(master, raw)
    assert residual_db(master, list(parts.values())) < -80
    for name in raw:
        assert np.corrcoef(parts[name][:, 0], raw[name][:, 0])[0, 1] > 0.9


def test_real_composer_stems_sum_to_its_master(composer_song: SourceClip, tmp_path: Path) -> None:
    files, data = run_op(OperationKind.STEMS, tmp_path, composer_song, extra={"type": "split_stem"})
    assert set(data["parts"]) == {"vocals", "drums", "bass", "other"}
    assert residual_db(read(composer_song.wav), [read(tmp_path / f) for f in files.values()]) < -40
