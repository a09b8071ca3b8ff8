"""A rebuilt composer MP3 is checked against the sha256 stored with its clip (runtime/sources.py): clips
stored before the MP3s carried LAME's Info tag (mp3tag.py) still match, by their audio frames."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from tunesmith.engines.composer import encode, mp3tag
from tunesmith.runtime.sources import rebuilt_digests


def test_a_clip_stored_before_the_info_tag_still_matches_its_rebuild(tmp_path: Path) -> None:
    t = np.arange(44100 * 3) / 44100
    x = (0.3 * np.sin(2 * np.pi * 330 * t)[:, None] * np.ones(2)).astype(np.float32)
    old = encode._encode(encode._pcm16(x), None)  # what write_mp3 wrote before the tag
    assert old is not None
    assert encode.write_mp3(tmp_path / "new.mp3", x)
    new = (tmp_path / "new.mp3").read_bytes()
    assert new != old and new.endswith(old) and new == mp3tag.tagged(old, len(x))
    sha = {hashlib.sha256(b).hexdigest() for b in (old, new)}
    assert rebuilt_digests(tmp_path / "new.mp3") == sha
    (tmp_path / "old.mp3").write_bytes(old)
    assert rebuilt_digests(tmp_path / "old.mp3") == {hashlib.sha256(old).hexdigest()}  # no tag: itself only
    (tmp_path / "other.mp3").write_bytes(new[:-1] + b"\0")
    assert hashlib.sha256(old).hexdigest() not in rebuilt_digests(tmp_path / "other.mp3")
