"""Reading a clip's private files for its owner's authenticated routes (timestamped lyrics, aligned lyrics,
personas): word timings and the waveform, from the media store whatever its backend.

The waveform is computed when a clip is published (runtime.publisher) so these routes never decode audio;
clips stored by older versions have none, and theirs is measured from the stored audio once asked for.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path, PurePosixPath
from typing import Any

from tunesmith.domain.errors import NotFound
from tunesmith.domain.models import Clip
from tunesmith.media.store import MediaMissing, MediaStore


def read_json(media: MediaStore, key: str) -> Any:
    """A small JSON file of the store; NotFound when it is missing or unreadable."""
    try:
        return json.loads(media.read_bytes(key))
    except (MediaMissing, OSError, ValueError):
        raise NotFound(
            f"A stored file of this clip is missing or unreadable ({PurePosixPath(key).name})"
        ) from None


def word_timings(media: MediaStore, clip: Clip) -> list[dict[str, Any]]:
    """The clip's sung words with their times (`[{word, start_s, end_s, ...}]`); [] when it kept none."""
    key = clip.artifacts.get("timings")
    if not key:
        return []
    data = read_json(media, key)
    if not isinstance(data, list):
        raise NotFound(f"The word timings of clip {clip.id} are unreadable")
    return [w for w in data if isinstance(w, dict) and {"word", "start_s", "end_s"} <= w.keys()]


def waveform(media: MediaStore, clip: Clip) -> list[float]:
    """Peak levels of ~200 equal slices of the song, loudest 1.0 (engines.studio.sync.waveform)."""
    key = clip.artifacts.get("waveform")
    if key:
        data = read_json(media, key)
        return [float(x) for x in data] if isinstance(data, list) else []
    audio = clip.wav_key or clip.audio_key
    if not audio:
        return []
    from tunesmith.engines.studio.sync import waveform as measure

    with tempfile.TemporaryDirectory(prefix="tunesmith-waveform-") as folder:
        try:
            local = media.download(audio, Path(folder) / PurePosixPath(audio).name)
        except MediaMissing:
            return []
        return measure(local)
