"""Delivered WAVs stored as FLAC come back as the very same bytes, for any byte range, from either store
backend; WAVs FLAC cannot give back exactly are not packed."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from tunesmith.api.ranges import _local_copy
from tunesmith.media import packed_wav
from tunesmith.media.store import MediaStore


def _wav(path: Path, frames: int = 300_000, channels: int = 2) -> bytes:
    rng = np.random.default_rng(7)
    t = np.arange(frames) / 44100
    tone = 0.4 * np.sin(2 * np.pi * 220 * t)[:, None] + rng.normal(0, 0.01, (frames, channels))
    sf.write(path, (tone * 32767).astype(np.int16), 44100, subtype="PCM_16")
    return path.read_bytes()


def test_a_packed_wav_reads_back_byte_for_byte(store: MediaStore, tmp_path: Path) -> None:
    original = _wav(tmp_path / "vocals.wav")
    packed = packed_wav.pack(tmp_path / "vocals.wav", tmp_path / "packed")
    assert packed is not None and packed.stat().st_size < 0.8 * len(original)
    store.put_file("pub/t/vocals.wav", packed)
    local = _local_copy(store, "pub/t/vocals.wav", tmp_path / "cache")
    assert local is not None
    view = packed_wav.WavView(local)
    assert view.size == len(original)
    assert b"".join(view.iter_bytes(0, view.size)) == original
    for start, end in (
        (0, 44),
        (0, 45),
        (10, 100),
        (44, 48),
        (45, 47),
        (1001, 250_003),
        (len(original) - 5, 10**9),
    ):
        assert b"".join(view.iter_bytes(start, end)) == original[start:end], (start, end)
    again = _local_copy(store, "pub/t/vocals.wav", tmp_path / "cache")
    assert again == local  # one copy, reused


def test_wavs_flac_cannot_return_exactly_are_left_alone(tmp_path: Path) -> None:
    sf.write(tmp_path / "float.wav", np.zeros((100, 2), np.float32), 44100, subtype="FLOAT")
    assert packed_wav.pack(tmp_path / "float.wav", tmp_path / "p") is None
    _wav(tmp_path / "extra.wav", frames=1000)
    with (tmp_path / "extra.wav").open("ab") as handle:
        handle.write(b"LIST\x04\x00\x00\x00INFO")  # a trailing chunk the header rebuild would not make
    assert packed_wav.pack(tmp_path / "extra.wav", tmp_path / "p") is None
    (tmp_path / "not.wav").write_bytes(b"not audio")
    assert packed_wav.pack(tmp_path / "not.wav", tmp_path / "p") is None


@pytest.mark.parametrize("channels", [1, 2])
def test_the_rebuilt_header_is_libsndfiles(tmp_path: Path, channels: int) -> None:
    data = _wav(tmp_path / "x.wav", frames=1234, channels=channels)
    assert packed_wav.wav_header(1234, channels, 44100) == data[:44]
