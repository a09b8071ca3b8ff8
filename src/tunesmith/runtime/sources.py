"""Sources: the stored clips an operation works on, brought into the task's scratch folder for its engine.

Engines read files from local paths (`SourceClip`), whatever store the media live in: each source clip's
stored files are downloaded into `<scratch>/sources/<clip id>/`, kept FLACs are turned back into the WAVs
they were (media.lossless), and — when the operation needs the lossless master or stems and the clip was
stored without them (`Clip.rebuildable`) — the clip's own job is run again (`replay`): its task's request,
seed and sources (themselves loaded the same way, so chains of edits rebuild from the first song), for that
one take. The rebuilt MP3 must equal the stored one byte for byte (its recorded sha256; or its audio frames
must, for a clip stored before the MP3s began with an Info tag: `rebuilt_digests`): then the master
and stems are the very samples the clip was made from. If it differs (the engine or its sound font changed
since), the operation fails clearly rather than hand out different audio.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from tunesmith.domain.models import Clip, MediaRecord, Task
from tunesmith.domain.operations import DERIVED_OPERATIONS, UPLOAD_OPERATIONS, OperationKind
from tunesmith.engines.base import ClipResult, ClipSlot, EngineError, EngineJob, SourceClip
from tunesmith.media import lossless
from tunesmith.media.store import MediaMissing, MediaStore
from tunesmith.runtime import scratch as scratch_dirs
from tunesmith.service.chains import extension_chain
from tunesmith.settings import Settings
from tunesmith.store.base import Store

log = logging.getLogger(__name__)

# Operations whose engines read the source's lossless master or stems (the rest read the MP3 and small files).
LOSSLESS_OPERATIONS = frozenset(
    {
        OperationKind.WAV,
        OperationKind.STEMS,
        OperationKind.EXTEND,
        OperationKind.CONCAT,
        OperationKind.CROP,
        OperationKind.REPLACE_SECTION,
        OperationKind.UPLOAD_COVER,
    }
)
MAX_DEPTH = 100

# (task, job) -> the ClipResult of each clip index the engine completed; raises EngineError.
Replay = Callable[[Task, EngineJob], dict[int, ClipResult]]


def job_seed(task: Task) -> int:
    return task.request.seed if task.request.seed is not None else int(task.id[:8], 16)


class SourceLoader:
    """Loads source clips into one task's scratch folder; each clip once, whatever asks for it."""

    def __init__(self, store: Store, media: MediaStore, scratch: Path, replay: Replay) -> None:
        self.store = store
        self.media = media
        self.scratch = scratch
        self.replay = replay
        self._loaded: dict[tuple[str, bool], SourceClip] = {}

    # ── what the worker asks for ──────────────────────────────────────────────────────────────────────
    def for_task(self, task: Task) -> tuple[SourceClip | None, list[dict[str, Any]] | None]:
        """The job's source clip, and for a concat the extension chain's parts (the composer's contract:
        first part first, each with its files)."""
        lossless_needed = task.operation in LOSSLESS_OPERATIONS
        source = None
        if task.request.source_clip_id:
            source = self.clip(task.request.source_clip_id, lossless=lossless_needed)
        chain = None
        if task.operation is OperationKind.CONCAT and task.request.source_clip_id:
            chain = self.chain(task.request.source_clip_id)
        return source, chain

    def chain(self, last_clip_id: str, depth: int = 0) -> list[dict[str, Any]]:
        parts = []
        for clip, continue_at in extension_chain(self.store, last_clip_id):
            loaded = self.clip(clip.id, lossless=True, depth=depth)
            parts.append(
                {
                    "clip_id": clip.id,
                    "duration": clip.duration or 0.0,
                    "continue_at": continue_at,
                    "audio": str(loaded.audio) if loaded and loaded.audio else None,
                    "wav": str(loaded.wav) if loaded and loaded.wav else None,
                    "artifacts": {k: str(v) for k, v in (loaded.artifacts if loaded else {}).items()},
                }
            )
        return parts

    def clip(self, clip_id: str, *, lossless: bool, depth: int = 0) -> SourceClip | None:
        """The clip's files in scratch (None if there is no such clip)."""
        known = self._loaded.get((clip_id, lossless)) or (self._loaded.get((clip_id, True)))
        if known is not None:
            return known
        clip = self.store.get_clip(clip_id)
        if clip is None:
            return None
        if depth > MAX_DEPTH:
            raise EngineError(f"clip {clip_id} is made from too long a chain of edits to rebuild")
        folder = self.scratch / "sources" / clip.id
        files = self._download(clip, folder)
        wav, artifacts = files.pop("wav", None), files
        if lossless and clip.rebuildable:
            rebuilt = self._rebuild(clip, folder / "rebuilt", depth)
            wav = rebuilt.wav or wav
            artifacts = {**artifacts, **{k: v for k, v in rebuilt.artifacts.items() if k not in artifacts}}
        audio = artifacts.pop("audio", None)
        image = artifacts.pop("image", None)
        loaded = SourceClip(
            clip_id=clip.id,
            duration=clip.duration or 0.0,
            workdir=folder,
            title=clip.title,
            tags=clip.tags,
            lyrics=clip.lyrics,
            audio=audio,
            wav=wav,
            image=image,
            artifacts=artifacts,
        )
        self._loaded[(clip_id, lossless)] = loaded
        return loaded

    def upload(self, task: Task) -> SourceClip | None:
        """The recording an upload-extend task continued (kept as FLAC when it was published), as the WAV
        the engine was given; None if it was not kept."""
        folder = self.scratch / "sources" / f"upload-{task.id}"
        kept = [r for r in self.store.media_of(task_ids=[task.id]) if r.role == "upload"]
        if not kept:
            return None
        wav = self._fetch(kept[0].key, folder, "upload.wav")
        import soundfile as sf

        info = sf.info(str(wav))
        return SourceClip(
            clip_id=f"upload-{task.id}",
            duration=info.frames / info.samplerate,
            workdir=folder,
            audio=wav,
            wav=wav,
        )

    # ── files ─────────────────────────────────────────────────────────────────────────────────────────
    def _download(self, clip: Clip, folder: Path) -> dict[str, Path]:
        """Every stored file of the clip, by its name in SourceClip terms: audio, image, wav, artifacts."""
        named: dict[str, str] = {name: key for name, key in clip.artifacts.items() if key}
        for name, key in (("audio", clip.audio_key), ("image", clip.image_key), ("wav", clip.wav_key)):
            if key:
                named[name] = key
        out: dict[str, Path] = {}
        for name, key in named.items():
            target = _local_name(name, key)
            try:
                out[name] = self._fetch(key, folder, target)
            except MediaMissing:
                log.warning("clip %s: stored file %s (%s) is missing", clip.id, key, name)
        return out

    def _fetch(self, key: str, folder: Path, target: str) -> Path:
        """Download `key` to `folder/target`, turning a kept FLAC back into its WAV."""
        if key.endswith(".flac"):
            packed = self.media.download(key, folder / ".packed" / Path(key).name)
            return lossless.restore(packed, folder / target)
        return self.media.download(key, folder / target)

    # ── rebuilding ────────────────────────────────────────────────────────────────────────────────────
    def _rebuild(self, clip: Clip, folder: Path, depth: int) -> SourceClip:
        task = self.store.get_task(clip.task_id)
        if task is None:
            raise EngineError(f"the task that made clip {clip.id} is gone, so it cannot be rebuilt")
        request = task.request
        notes = self._replay_notes(clip)
        if notes:
            request = replace(request, extra={**request.extra, "replay": notes})
        source = None
        if task.operation in UPLOAD_OPERATIONS and request.extra.get("upload_url"):
            source = self.upload(task)
            if source is None:
                raise EngineError(
                    f"the recording clip {clip.id} continued was not kept; it cannot be rebuilt"
                )
        elif request.source_clip_id:
            source = self.clip(
                request.source_clip_id, lossless=task.operation in LOSSLESS_OPERATIONS, depth=depth + 1
            )
        if task.operation is OperationKind.CONCAT and request.source_clip_id:
            request = replace(
                request, extra={**request.extra, "chain": self.chain(request.source_clip_id, depth + 1)}
            )
        folder.mkdir(parents=True, exist_ok=True)
        job = EngineJob(
            task_id=task.id,
            request=request,
            clips=(ClipSlot(clip_id=clip.id, index=clip.index, workdir=folder),),
            seed=job_seed(task),
            source=source,
        )
        log.info("clip %s: rebuilding its lossless audio (%s of task %s)", clip.id, task.operation, task.id)
        result = self.replay(task, job).get(clip.index)
        if result is None:
            raise EngineError(f"rebuilding clip {clip.id} made no audio")
        self._check_same(clip, folder / result.audio)
        return SourceClip(
            clip_id=clip.id,
            duration=result.duration,
            workdir=folder,
            audio=folder / result.audio,
            wav=folder / result.wav if result.wav else None,
            artifacts={name: folder / f for name, f in result.artifacts.items() if (folder / f).is_file()},
        )

    def _replay_notes(self, clip: Clip) -> dict[str, Any]:
        key = clip.artifacts.get("replay")
        if not key:
            return {}
        try:
            data = json.loads(self.media.read_bytes(key))
        except (MediaMissing, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def _check_same(self, clip: Clip, rebuilt_mp3: Path) -> None:
        expected = _digest(self.store.media_of(clip_ids=[clip.id]), clip.audio_key)
        if expected is None:
            return  # nothing recorded to compare with (a clip from before digests were kept)
        if not rebuilt_mp3.is_file() or expected not in rebuilt_digests(rebuilt_mp3):
            raise EngineError(
                f"clip {clip.id} cannot be rebuilt exactly any more (the engine or its instruments changed "
                "since it was made); its lossless audio is unavailable",
                retryable=False,
            )


def rebuilt_digests(mp3: Path) -> set[str]:
    """The sha256 a stored MP3 may have recorded for this rebuilt one: its own, and where it starts with a
    Xing/Info tag frame (the composer's MP3s carry LAME's since 2026-12-06), that of the frames after it: a
    clip stored before then has the same audio frames without the tag, and is still the same audio."""
    import hashlib

    from tunesmith.media.mp3frames import info_tag_size

    data = mp3.read_bytes()
    out = {hashlib.sha256(data).hexdigest()}
    if tag := info_tag_size(data):
        out.add(hashlib.sha256(data[tag:]).hexdigest())
    return out


def _digest(records: list[MediaRecord], audio_key: str | None) -> str | None:
    return next((r.digest for r in records if r.key == audio_key and r.digest), None)


def _local_name(name: str, key: str) -> str:
    """Where a stored file goes in the source folder: `wav` -> audio.wav, a stem -> stems/<part>.wav,
    anything else by its key's file name."""
    if name == "wav":
        return "audio.wav"
    if name.startswith("stem."):
        return f"stems/{name[5:]}.wav"
    if name == "audio":
        return "audio.mp3"
    return Path(key).name


def build_job(
    store: Store,
    media: MediaStore,
    settings: Settings,
    task: Task,
    scratch: Path,
    replay: Replay | None = None,
) -> EngineJob:
    """The engine job of `task`: each clip's folder in the task's scratch space, and the source clips loaded
    into it (`replay` rebuilds a source whose lossless audio the store does not keep)."""
    slots = tuple(
        ClipSlot(clip_id=c.id, index=c.index, workdir=scratch_dirs.clip_dir(scratch, c.id))
        for c in task.clips
    )
    source, chain = SourceLoader(store, media, scratch, replay or _no_replay).for_task(task)
    request = task.request
    if chain is not None:
        request = replace(request, extra={**request.extra, "chain": chain})
    return EngineJob(
        task_id=task.id,
        request=request,
        clips=slots,
        seed=job_seed(task),
        source=source,
        workdir=scratch_dirs.work_dir(scratch) if task.operation in DERIVED_OPERATIONS else None,
        options=settings.engine_options(),
    )


def _no_replay(task: Task, job: EngineJob) -> dict[int, ClipResult]:
    raise EngineError(f"rebuilding a clip of task {task.id} needs an engine process")
