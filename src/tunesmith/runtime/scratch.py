"""Scratch space: the local folder each task's engine writes into before the runtime publishes its files.

One folder per task (`<scratch>/<task id>/`: `clips/<clip id>/` per take, `work/` for a derived operation's
result, `sources/` for the clips it reads, `upload/` for a fetched recording). It lives on the worker's own
disk whatever the media store is, and is removed once the task is over; a retry on the same host finds what
the failed attempt left. Folders a killed worker left behind are removed when a worker starts.
"""

from __future__ import annotations

import logging
import re
import shutil
import time
from pathlib import Path

log = logging.getLogger(__name__)

_TASK_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def clip_dir(scratch: Path, clip_id: str) -> Path:
    """Where the engine writes one take of the task (created on demand)."""
    path = scratch / "clips" / clip_id
    path.mkdir(parents=True, exist_ok=True)
    return path


def work_dir(scratch: Path) -> Path:
    """Where a derived operation writes its result files (created on demand)."""
    path = scratch / "work"
    path.mkdir(parents=True, exist_ok=True)
    return path


class ScratchSpace:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def for_task(self, task_id: str) -> Path:
        if not _TASK_ID.match(task_id):
            raise ValueError(f"not a task id: {task_id!r}")
        path = self.root / task_id
        path.mkdir(parents=True, exist_ok=True)
        return path

    def remove(self, task_id: str) -> None:
        if _TASK_ID.match(task_id):
            shutil.rmtree(self.root / task_id, ignore_errors=True)

    def clean_stale(self, older_than_seconds: float) -> None:
        """Remove task folders untouched for this long (left by a worker that was killed)."""
        if not self.root.is_dir():
            return
        cutoff = time.time() - older_than_seconds
        for path in self.root.iterdir():
            try:
                if path.is_dir() and path.stat().st_mtime < cutoff:
                    shutil.rmtree(path, ignore_errors=True)
                    log.info("removed stale scratch folder %s", path)
            except OSError:
                continue
