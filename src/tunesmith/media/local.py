"""The media store as a local directory (the embedded default): one file per key under the root.

Writes go to a hidden temporary file beside the target and are renamed into place, so a reader never sees
half an object. Keys are checked part by part and the resolved path must stay under the root.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import weakref
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from tunesmith.media.store import (
    CHUNK,
    MediaMissing,
    MediaStore,
    StoredObject,
    byte_span,
    check_key,
    check_prefix,
    content_type_for,
)


class LocalMediaStore(MediaStore):
    def __init__(self, root: Path) -> None:
        self.root = Path(root).resolve()
        self.root.mkdir(parents=True, exist_ok=True)
        self.location = str(self.root)

    def _path(self, key: str) -> Path:
        path = (self.root / check_key(key)).resolve()
        if self.root not in path.parents:
            raise ValueError(f"invalid media key: {key!r}")
        return path

    def _object(self, key: str, path: Path) -> StoredObject:
        st = path.stat()
        return StoredObject(
            key=key,
            size=st.st_size,
            content_type=content_type_for(key),
            modified=datetime.fromtimestamp(st.st_mtime, UTC),
        )

    def _write(self, key: str, fill: Callable[[BinaryIO], object]) -> StoredObject:
        target = self._path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                fill(handle)
            os.replace(tmp, target)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
        return self._object(key, target)

    def put_file(self, key: str, path: Path, *, content_type: str | None = None) -> StoredObject:
        def fill(handle: BinaryIO) -> None:
            with open(path, "rb") as source:
                shutil.copyfileobj(source, handle, CHUNK)

        return self._write(key, fill)

    def put_bytes(self, key: str, data: bytes, *, content_type: str | None = None) -> StoredObject:
        return self._write(key, lambda handle: handle.write(data))

    def stat(self, key: str) -> StoredObject | None:
        path = self._path(key)
        return self._object(key, path) if path.is_file() else None

    def iter_bytes(
        self, key: str, start: int = 0, end: int | None = None, *, chunk: int = CHUNK
    ) -> Iterator[bytes]:
        path = self._path(key)
        try:
            handle = open(path, "rb")  # noqa: SIM115 - closed by the generator below
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise MediaMissing(key) from None
        lo, hi = byte_span(os.fstat(handle.fileno()).st_size, start, end)
        chunks = _chunks(handle, lo, hi, chunk)
        # a generator dropped before its first chunk never enters its `with`: close the file when it goes
        # (a stream follower cancelled between opening a piece and reading it left it to the collector)
        weakref.finalize(chunks, handle.close)
        return chunks

    def download(self, key: str, dest: Path) -> Path:
        path = self._path(key)
        if not path.is_file():
            raise MediaMissing(key)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, dest)
        return dest

    def delete(self, keys: Iterable[str]) -> None:
        for key in keys:
            path = self._path(key)
            try:
                path.unlink()
            except (FileNotFoundError, IsADirectoryError):
                continue
            self._prune_folders(path.parent)

    def _prune_folders(self, folder: Path) -> None:
        """Remove folders the delete left empty, up to the root."""
        while folder != self.root and self.root in folder.parents:
            try:
                folder.rmdir()
            except OSError:
                return
            folder = folder.parent

    def list(self, prefix: str = "") -> Iterator[StoredObject]:
        check_prefix(prefix)
        base = self._path(prefix.rstrip("/")) if prefix else self.root
        if not base.is_dir():
            return
        found: list[tuple[str, Path]] = []
        for folder, _dirs, files in os.walk(base):
            rel = Path(folder).relative_to(self.root).as_posix()
            for name in files:
                key = name if rel == "." else f"{rel}/{name}"
                try:
                    found.append((check_key(key), Path(folder) / name))
                except ValueError:
                    continue  # a temporary file being written, or something not ours
        for key, path in sorted(found):
            with contextlib.suppress(FileNotFoundError):
                yield self._object(key, path)

    def local_path(self, key: str) -> Path | None:
        return self._path(key)


def _chunks(handle: BinaryIO, lo: int, hi: int, chunk: int) -> Iterator[bytes]:
    with handle:
        handle.seek(lo)
        left = hi - lo
        while left > 0:
            data = handle.read(min(chunk, left))
            if not data:
                return
            left -= len(data)
            yield data
