"""What ffprobe reads in a media file the service made (its streams and container), for the tests that check
an MP3's or a video's real length and contents rather than what the service says about them."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any


def probe(path: Path) -> dict[str, Any]:
    """ffprobe's JSON for `path`: "streams" (codec_type, codec_name, ...) and "format" (duration, ...)."""
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-show_streams", "-show_format", "-of", "json", str(path)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return dict(json.loads(out))


def media_seconds(path: Path) -> float:
    """The container's duration as ffprobe reads it."""
    return float(probe(path)["format"]["duration"])
