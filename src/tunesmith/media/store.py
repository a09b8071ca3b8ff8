"""The media store interface: where finished files live, whatever the backend.

Keys are relative paths such as `clips/<clip id>/plan.json` (see `media.layout` for who writes which key).
Every part of a key is checked: a key never escapes its root or prefix, whatever a caller passes in. The
store knows nothing of who may read a file: whether a file is public is decided by the database's record of
delivered files (`Store.public_object`), never by its key.

Two implementations, one contract (tests/media/test_store_contract.py runs the same suite on both):
`LocalMediaStore` (a directory, the default) and `S3MediaStore` (any S3-compatible object store).
Engines never see a store: they write into a local scratch folder and the runtime publishes the results.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath

CHUNK = 256 * 1024
_SAFE_PART = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")

CONTENT_TYPES: dict[str, str] = {
    ".mp3": "audio/mpeg",
    ".wav": "audio/wav",
    ".flac": "audio/flac",
    ".mid": "audio/midi",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".json": "application/json",
    ".mp4": "video/mp4",
}


class MediaMissing(KeyError):
    """No object is stored under this key."""


@dataclass(frozen=True, kw_only=True)
class StoredObject:
    key: str
    size: int
    content_type: str
    modified: datetime | None = None


def check_key(key: str) -> str:
    """`key` if every part of it is a plain file name; ValueError otherwise (`..`, empty parts, odd
    characters, absolute paths)."""
    parts = key.split("/") if isinstance(key, str) else []
    if not parts or len(key) > 1024 or any(not _SAFE_PART.match(part) for part in parts):
        raise ValueError(f"invalid media key: {key!r}")
    return key


def check_prefix(prefix: str) -> str:
    """A listing prefix: '' or a key that ends with '/'."""
    if prefix:
        check_key(prefix.rstrip("/"))
        if not prefix.endswith("/"):
            raise ValueError(f"a media prefix ends with '/': {prefix!r}")
    return prefix


def content_type_for(key: str) -> str:
    return CONTENT_TYPES.get(PurePosixPath(key).suffix.lower(), "application/octet-stream")


def byte_span(size: int, start: int, end: int | None) -> tuple[int, int]:
    """The half-open byte span [start, end) clamped to an object of `size` bytes."""
    stop = size if end is None else min(end, size)
    return min(max(0, start), stop), stop


class MediaStore(ABC):
    """Finished media: put, stat, read (whole, a byte range, or streamed), download, delete, list.

    Writes are atomic per object: a reader sees the whole old object, the whole new one, or none. Reads of a
    missing key raise MediaMissing. Listing is for the operator's tools (prune, migrate), never for clients.
    """

    #: where the store is, for logs and messages (`/srv/data/media`, `s3://bucket/prefix`)
    location: str = ""

    @abstractmethod
    def put_file(self, key: str, path: Path, *, content_type: str | None = None) -> StoredObject:
        """Store the file at `path` under `key` (replacing any object there)."""

    @abstractmethod
    def put_bytes(self, key: str, data: bytes, *, content_type: str | None = None) -> StoredObject:
        """Store `data` under `key` (replacing any object there)."""

    @abstractmethod
    def stat(self, key: str) -> StoredObject | None:
        """The object's size and type, None if there is none."""

    @abstractmethod
    def iter_bytes(
        self, key: str, start: int = 0, end: int | None = None, *, chunk: int = CHUNK
    ) -> Iterator[bytes]:
        """The bytes [start, end) of the object, in chunks of at most `chunk` bytes, read as they are sent
        (never the whole object in memory). MediaMissing is raised before the first chunk."""

    def read_bytes(self, key: str, start: int = 0, end: int | None = None) -> bytes:
        """The bytes [start, end) of the object, in memory (for small files: plans, word timings)."""
        return b"".join(self.iter_bytes(key, start, end))

    @abstractmethod
    def download(self, key: str, dest: Path) -> Path:
        """Copy the object to the local file `dest` (its folder is created); returns `dest`."""

    @abstractmethod
    def delete(self, keys: Iterable[str]) -> None:
        """Delete these objects; keys with no object are skipped."""

    @abstractmethod
    def list(self, prefix: str = "") -> Iterator[StoredObject]:
        """Every object whose key starts with `prefix` ('' or a folder ending in '/'), in key order."""

    def local_path(self, key: str) -> Path | None:
        """The object's file when the store is a local directory (so it can be sent with sendfile), else
        None."""
        return None

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release connections."""
