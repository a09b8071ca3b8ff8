"""What the upload flow tests of every dialect share: a composer service with upload limits small enough to
cross, and the recordings that cross them (or are not audio at all), served beside each test's own."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from tests.support.harness import composer_settings
from tests.support.recordings import SR, band, wav_bytes
from tunesmith.settings import Settings

MAX_SECONDS = 45.0
MAX_BYTES = 6_000_000


def upload_settings(data_dir: Path) -> Settings:
    """The real composer, fetching uploads from loopback only, within MAX_SECONDS and MAX_BYTES."""
    return composer_settings(
        data_dir,
        upload_allow=["127.0.0.1"],
        upload_max_seconds=MAX_SECONDS,
        upload_max_bytes=MAX_BYTES,
        upload_timeout_seconds=10.0,
    )


def refused_uploads(bpm: float) -> dict[str, tuple[str, bytes]]:
    """FileServer entries that upload_settings' service must refuse, each for one reason."""
    return {
        "/silent.wav": ("audio/wav", wav_bytes(np.zeros((5 * SR, 2), np.float32))),
        "/long.wav": ("audio/wav", wav_bytes(band(bpm, 50.0)[:, 0])),  # 4.4 MB, 50 s: over MAX_SECONDS
        "/big.wav": ("audio/wav", wav_bytes(band(bpm, 40.0))),  # 7 MB, 40 s: over MAX_BYTES
        "/page.html": ("text/html", b"<html><body>not audio</body></html>" * 40),  # not audio
    }
