"""Local-directory media storage.

Files are addressed by keys such as `clips/<clip_id>/audio.mp3`. Keys never escape the root directory, so a
crafted key in a URL cannot read other files. Engines write straight into a clip's directory (they run on the
same host in the embedded mode); the runtime reports the resulting keys.
"""

from __future__ import annotations

import re
from pathlib import Path

_SAFE_PART = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")

CONTENT_TYPES: dict[str, str] = {
    ".mp3": "audio/mpeg",
    ".wav": "audio/wav",
    ".mid": "audio/midi",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".json": "application/json",
    ".mp4": "video/mp4",
}


class LocalMediaStore:
    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.root.mkdir(parents=True, exist_ok=True)

    def clip_dir(self, clip_id: str) -> Path:
        """The directory an engine writes a clip's files into (created on demand)."""
        path = self.path(f"clips/{clip_id}")
        path.mkdir(parents=True, exist_ok=True)
        return path

    @staticmethod
    def clip_key(clip_id: str, filename: str) -> str:
        return f"clips/{clip_id}/{filename}"

    def task_dir(self, task_id: str) -> Path:
        """The directory a derived operation (WAV, stems, video, ...) writes its files into."""
        path = self.path(f"tasks/{task_id}")
        path.mkdir(parents=True, exist_ok=True)
        return path

    @staticmethod
    def task_key(task_id: str, filename: str) -> str:
        return f"tasks/{task_id}/{filename}"

    def path(self, key: str) -> Path:
        """The file behind `key`; raises ValueError for keys that are malformed or leave the root."""
        parts = key.split("/")
        if not parts or any(not _SAFE_PART.match(part) for part in parts):
            raise ValueError(f"invalid media key: {key!r}")
        path = (self.root / Path(*parts)).resolve()
        if self.root not in path.parents:
            raise ValueError(f"invalid media key: {key!r}")
        return path


def content_type_for(key: str) -> str:
    return CONTENT_TYPES.get(Path(key).suffix.lower(), "application/octet-stream")
