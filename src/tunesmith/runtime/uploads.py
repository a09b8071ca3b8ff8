"""Outside audio (kie's `uploadUrl`): fetched by the worker, not the engine, into the task's scratch folder,
and handed to the engine as the job's source."""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path

from tunesmith.domain.models import Task
from tunesmith.engines.base import EngineJob, SourceClip
from tunesmith.media.fetch import FIELD, fetch_audio
from tunesmith.settings import Settings

log = logging.getLogger("tunesmith.runtime.worker")


def upload_source(task: Task, scratch: Path, settings: Settings) -> SourceClip:
    """Fetch the task's outside audio into its scratch folder: the job's source.

    The contract with engines: `clip_id` is "upload-<task id>", `workdir` the upload directory, and
    `audio` and `wav` both the decoded WAV (44.1 kHz stereo 16-bit) of `duration` seconds. Raises
    media.fetch.FetchFailed."""
    field = str(task.request.extra.get("upload_field") or FIELD)
    return _fetched(task, str(task.request.extra["upload_url"]), scratch / "upload", settings, field)


def with_uploads(job: EngineJob, task: Task, scratch: Path, settings: Settings) -> EngineJob:
    """A mashup's job with its recordings (`extra["upload_urls"]`) fetched, in order, into
    `<scratch>/upload-<i>`: the first is the job's source, and `request.extra["uploads"]` lists each as
    {"clip_id", "wav", "duration"} (the engine contract). Raises media.fetch.FetchFailed."""
    urls = [str(u) for u in task.request.extra.get("upload_urls") or []]
    sources = [
        _fetched(task, url, scratch / f"upload-{i}", settings, f"uploadUrlList[{i}]", suffix=f"-{i}")
        for i, url in enumerate(urls)
    ]
    listed = [{"clip_id": s.clip_id, "wav": str(s.wav), "duration": s.duration} for s in sources]
    request = replace(job.request, extra={**job.request.extra, "uploads": listed})
    return replace(job, request=request, source=sources[0] if sources else None)


def _fetched(
    task: Task, url: str, upload_dir: Path, settings: Settings, field: str, suffix: str = ""
) -> SourceClip:
    fetched = fetch_audio(
        url,
        upload_dir,
        allow=settings.upload_allow,
        max_bytes=settings.upload_max_bytes,
        max_seconds=settings.upload_max_seconds,
        timeout=settings.upload_timeout_seconds,
        field=field,
    )
    log.info(
        "task %s: fetched %s (%d bytes, %s, %.1f s)",
        task.id,
        field,
        fetched.source_bytes,
        fetched.content_type or "no content type",
        fetched.duration,
    )
    return SourceClip(
        clip_id=f"upload-{task.id}{suffix}",
        duration=fetched.duration,
        workdir=upload_dir,
        audio=fetched.wav,
        wav=fetched.wav,
    )
