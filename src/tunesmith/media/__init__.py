"""Where media files live and how clients reach them.

The public surface (what the runtime, the API, the studio and engines' hosts use):
- `MediaStore` (store.py): the storage interface; `open_media_store` picks the backend from a URL:
  `LocalMediaStore` (local.py, a directory) or `S3MediaStore` (s3.py, any S3-compatible bucket).
- `StoredObject`, `MediaMissing`, `content_type_for`: what a store returns and raises.
Everything else in this package is used through the runtime (publishing, streams, compaction) or the
operator's commands (prune, migrate); see docs/architecture.md, "Media".
"""

from __future__ import annotations

import pathlib

from tunesmith.media.local import LocalMediaStore
from tunesmith.media.store import MediaMissing, MediaStore, StoredObject, content_type_for

__all__ = [
    "LocalMediaStore",
    "MediaMissing",
    "MediaStore",
    "StoredObject",
    "content_type_for",
    "open_media_store",
]


def open_media_store(url: str, *, default_dir: pathlib.Path, s3_endpoint_url: str = "") -> MediaStore:
    """The store named by `url`: '' for `default_dir`, a directory path (or file:// URL), or
    `s3://bucket/prefix` (credentials from the standard AWS_* settings; `s3_endpoint_url` for
    S3-compatible servers)."""
    url = url.strip()
    if url.startswith("s3://"):
        from tunesmith.media.s3 import S3MediaStore

        return S3MediaStore(url, endpoint_url=s3_endpoint_url.strip() or None)
    if url.startswith("file://"):
        url = url[len("file://") :]
    if "://" in url:
        raise ValueError(f"TUNESMITH_MEDIA_URL must be a directory or s3://bucket/prefix, not {url!r}")
    return LocalMediaStore(pathlib.Path(url) if url else default_dir)
