"""What a relayed task reports, built from what the upstream said: the song's text, each clip's result
(its files mirrored into the clip folder), a lyrics task's result data, a derived task's files and data.
The request fills what an upstream leaves empty (custom mode's own title, style and lyrics)."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from tunesmith.domain.operations import OperationKind, SongRequest
from tunesmith.engines.base import ClipResult, EngineJob, SongText
from tunesmith.engines.relay.channel import ChannelUnavailable, UpstreamClip, UpstreamTask
from tunesmith.engines.relay.midi import instruments_from, write_midi
from tunesmith.engines.relay.mirror import MirrorFailed, MirrorLimits, mirror_audio, mirror_image

log = logging.getLogger(__name__)

TIMINGS_NAME = "words.json"  # the composer's name for its word timings (artifact "timings")


def song_text(request: SongRequest, clip: UpstreamClip) -> SongText:
    return SongText(
        title=clip.title or request.title,
        tags=clip.tags or request.style,
        lyrics="" if request.instrumental else (clip.lyrics or request.lyrics),
    )


def mirror_clip(
    request: SongRequest,
    clip: UpstreamClip,
    workdir: Path,
    limits: MirrorLimits,
    timings: Callable[[], list[dict[str, Any]] | None] | None = None,
) -> ClipResult:
    """Copy the clip's audio and cover into `workdir` (raises MirrorFailed for the audio; a cover that
    cannot be had is left out), and the upstream's word timings when it keeps them (`timings`)."""
    audio, duration = mirror_audio(clip.audio_url, workdir, limits)
    image = mirror_image(clip.image_url, workdir, limits) if clip.image_url else None
    text = song_text(request, clip)
    artifacts: dict[str, str] = {}
    if timings is not None and text.lyrics:
        words = _timings(timings, duration)
        if words:
            (workdir / TIMINGS_NAME).write_text(json.dumps(words, ensure_ascii=False), encoding="utf-8")
            artifacts["timings"] = TIMINGS_NAME
    return ClipResult(
        audio=audio,
        duration=duration,
        image=image,
        title=text.title,
        tags=text.tags,
        lyrics=text.lyrics,
        artifacts=artifacts,
    )


def _timings(ask: Callable[[], list[dict[str, Any]] | None], duration: float) -> list[dict[str, Any]]:
    """The upstream's word timings inside the copied song; none (the clip keeps none) when it cannot say:
    timings are extra, never a reason to fail a finished song."""
    try:
        words = ask() or []
    except ChannelUnavailable as exc:
        log.info("word timings not copied: %s", exc.message)
        return []
    inside = [w for w in words if w["start_s"] < duration]
    return [{**w, "end_s": min(w["end_s"], duration)} for w in inside]


def lyrics_data(upstream: UpstreamTask, channel: str) -> dict[str, Any]:
    """A lyrics task's result, in the studio's shape (engines.studio.lyrics), naming the channel."""
    return {
        "lyrics": [
            {
                "title": v.get("title", ""),
                "text": v.get("text", ""),
                "tags": "",
                "status": "complete",
                "source": f"relay:{channel}",
            }
            for v in upstream.lyrics
        ]
    }


AUDIO_SUFFIXES = frozenset({".mp3", ".wav", ".flac"})


def mirror_files(
    files: tuple[tuple[str, str], ...], workdir: Path, limits: MirrorLimits
) -> tuple[dict[str, str], dict[str, float]]:
    """Copy a derived task's audio files (stems) into `workdir` as `<part><suffix>`: (part -> file name,
    part -> seconds). Raises MirrorFailed for the first that cannot be had."""
    names: dict[str, str] = {}
    seconds: dict[str, float] = {}
    for part, url in files:
        suffix = PurePosixPath(urlsplit(url).path).suffix.lower()
        name = part + (suffix if suffix in AUDIO_SUFFIXES else ".mp3")
        names[part], seconds[part] = mirror_audio(url, workdir, limits, name=name)
    return names, seconds


def derived_files(
    job: EngineJob, upstream: UpstreamTask, workdir: Path, limits: MirrorLimits
) -> tuple[dict[str, str], dict[str, Any]]:
    """A finished derived task's files in `workdir` and its result data: stems copied from the upstream,
    or MIDI written from the upstream's notes. Raises MirrorFailed when a file cannot be had."""
    duration = job.source.duration if job.source is not None else 0.0
    if job.request.kind is OperationKind.MIDI:
        instruments = instruments_from(upstream.data, duration)
        if not any(inst["notes"] for inst in instruments):
            raise MirrorFailed("the upstream's MIDI holds no notes")
        return write_midi(instruments, workdir, duration), {
            "duration": round(duration, 3),
            "instruments": instruments,
        }
    names, seconds = mirror_files(upstream.files, workdir, limits)
    kind = str(job.request.extra.get("type") or "separate_vocal")
    return names, {"type": kind, "parts": list(names), "durations": seconds}
