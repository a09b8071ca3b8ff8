"""Outside audio (kie's `uploadUrl`): fetched by the worker, not the engine, into the task's scratch folder,
and handed to the engine as the job's source."""

from __future__ import annotations

import logging
from pathlib import Path

from tunesmith.domain.models import Task
from tunesmith.engines.base import SourceClip
from tunesmith.media.fetch import FIELD, fetch_audio
from tunesmith.settings import Settings

log = logging.getLogger("tunesmith.runtime.worker")


def upload_source(task: Task, scratch: Path, settings: Settings) -> SourceClip:
    """Fetch the task's outside audio into its scratch folder: the job's source.

    The contract with engines: `clip_id` is "upload-<task id>", `workdir` the upload directory, and
    `audio` and `wav` both the decoded WAV (44.1 kHz stereo 16-bit) of `duration` seconds. Raises
    media.fetch.FetchFailed."""
    upload_dir = scratch / "upload"
    fetched = fetch_audio(
        str(task.request.extra["upload_url"]),
        upload_dir,
        allow=settings.upload_allow,
        max_bytes=settings.upload_max_bytes,
        max_seconds=settings.upload_max_seconds,
        timeout=settings.upload_timeout_seconds,
        field=str(task.request.extra.get("upload_field") or FIELD),
    )
    log.info(
        "task %s: fetched uploadUrl (%d bytes, %s, %.1f s)",
        task.id,
        fetched.source_bytes,
        fetched.content_type or "no content type",
        fetched.duration,
    )
    return SourceClip(
        clip_id=f"upload-{task.id}",
        duration=fetched.duration,
        workdir=upload_dir,
        audio=fetched.wav,
        wav=fetched.wav,
    )
