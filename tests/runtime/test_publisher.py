"""Publishing any engine's outputs: what is delivered, what stays private, and what form the lossless files
take — nothing for a clip its engine can rebuild, FLAC that comes back sample for sample otherwise, and
nothing missing for engines that make only an MP3."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from tests.support.tone_engine import _mp3
from tunesmith.domain.models import Clip, Task
from tunesmith.domain.operations import SongRequest
from tunesmith.engines.base import ClipResult
from tunesmith.media import lossless
from tunesmith.media.local import LocalMediaStore
from tunesmith.runtime.publisher import Publisher

NOW = datetime.now(UTC)
CLIP = Clip(id="clip-1", task_id="task-1", index=0, created_at=NOW, updated_at=NOW)
TASK = Task(
    id="task-1",
    key_id="key-1",
    operation=SongRequest().kind,
    request=SongRequest(),
    dialect="kie",
    raw_request="{}",
    engine="any",
    created_at=NOW,
    updated_at=NOW,
    clips=(CLIP,),
)


def _clip_files(folder: Path) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    rng = np.random.default_rng(3)
    stems = {n: (rng.uniform(-0.3, 0.3, (44100, 2))).astype(np.float32) for n in ("vocals", "drums")}
    master = np.round(np.clip(sum(stems.values()), -1, 1) * 32767).astype(np.int16)
    (folder / "stems").mkdir(parents=True)
    sf.write(folder / "audio.wav", master, 44100, subtype="PCM_16")
    (folder / "audio.mp3").write_bytes(_mp3(master))
    (folder / "cover.png").write_bytes(b"\x89PNG-cover")
    (folder / "plan.json").write_text("{}")
    (folder / "stream.mp3").write_bytes(b"stream")
    for name, data in stems.items():
        sf.write(folder / "stems" / f"{name}.wav", data, 44100, subtype="FLOAT")
    return master, stems


def _result(rebuildable: bool) -> ClipResult:
    return ClipResult(
        audio="audio.mp3",
        wav="audio.wav",
        image="cover.png",
        duration=1.0,
        artifacts={
            "plan": "plan.json",
            "stream": "stream.mp3",
            "stem.vocals": "stems/vocals.wav",
            "stem.drums": "stems/drums.wav",
        },
        rebuildable=rebuildable,
    )


@pytest.mark.parametrize("keep", [False, True])
def test_a_rebuildable_clip_keeps_no_lossless_audio_unless_told_to(tmp_path: Path, keep: bool) -> None:
    _clip_files(tmp_path / "scratch")
    media = LocalMediaStore(tmp_path / "media")
    published = Publisher(media, keep_lossless=keep).clip(TASK, CLIP, _result(True), tmp_path / "scratch")
    roles = {r.role: r for r in published.records}
    assert {r.role for r in published.records if r.public} == {"audio", "image"}
    assert all(r.key.startswith("pub/") for r in published.records if r.public)
    assert (
        roles["audio"].digest is not None
        and roles["audio"].size == (tmp_path / "scratch/audio.mp3").stat().st_size
    )
    assert published.update.artifacts is not None and published.update.artifacts["stream"] == ""
    if keep:
        assert {"master", "stem.vocals", "stem.drums"} <= roles.keys()
        assert published.update.rebuildable is False and published.update.wav_key == roles["master"].key
    else:
        assert not {"master", "stem.vocals", "stem.drums"} & roles.keys()
        assert published.update.rebuildable is True and published.update.wav_key is None
        assert published.update.artifacts["stem.vocals"] == ""  # the clip has it: rebuilt when needed
    assert {o.key for o in media.list()} == {r.key for r in published.records}


def test_kept_lossless_files_come_back_as_they_were(tmp_path: Path) -> None:
    master, stems = _clip_files(tmp_path / "scratch")
    media = LocalMediaStore(tmp_path / "media")
    published = Publisher(media).clip(TASK, CLIP, _result(False), tmp_path / "scratch")
    roles = {r.role: r for r in published.records}
    assert roles["master"].key.endswith("master.flac") and roles["stem.vocals"].key.endswith("vocals.flac")
    back = lossless.restore(media.download(roles["master"].key, tmp_path / "m.flac"), tmp_path / "m.wav")
    assert (tmp_path / "m.wav").read_bytes() == (tmp_path / "scratch/audio.wav").read_bytes()
    assert np.array_equal(sf.read(back, dtype="int16")[0], master)
    vocals = lossless.restore(
        media.download(roles["stem.vocals"].key, tmp_path / "v.flac"), tmp_path / "v.wav"
    )
    assert np.max(np.abs(sf.read(vocals, dtype="float32")[0] - stems["vocals"])) < 2**-22


def test_an_engine_that_makes_only_an_mp3_publishes_cleanly(tmp_path: Path) -> None:
    folder = tmp_path / "scratch"
    folder.mkdir()
    (folder / "take.mp3").write_bytes(_mp3(np.zeros((44100, 2), np.int16)))
    media = LocalMediaStore(tmp_path / "media")
    result = ClipResult(audio="take.mp3", duration=1.0)
    published = Publisher(media).clip(TASK, CLIP, result, folder)
    assert sorted(r.role for r in published.records) == ["audio", "waveform"]
    assert published.update.image_key is None and published.update.wav_key is None
    assert published.update.audio_key is not None and published.update.audio_key.endswith("/take.mp3")


def test_results_are_delivered_each_under_its_own_token(tmp_path: Path) -> None:
    folder = tmp_path / "work"
    folder.mkdir()
    for name in ("vocals.wav", "instrumental.wav"):
        (folder / name).write_bytes(b"RIFF" + name.encode())
    media = LocalMediaStore(tmp_path / "media")
    keys, records = Publisher(media).result(
        TASK, {"vocals": "vocals.wav", "instrumental": "instrumental.wav"}, folder
    )
    assert all(r.public and r.role.startswith("result.") for r in records)
    tokens = {k.split("/")[1] for k in keys.values()}
    assert len(tokens) == 2 and all(k.startswith("pub/") for k in keys.values())
    with pytest.raises(FileNotFoundError):
        Publisher(media).result(TASK, {"x": "../outside.wav"}, folder)
