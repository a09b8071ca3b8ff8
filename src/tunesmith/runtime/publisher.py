"""Publishing: an engine's finished files go from the task's scratch folder to the media store, compacted.

What a clip keeps, and in what form:
- `audio` (the final MP3) and `image` (cover art): delivered, each under its own token key (media.layout),
  reachable without a key by the URL a dialect returns. The MP3's sha256 is recorded so a rebuild can be
  checked against it.
- the lossless master (`wav`) and stems (`stem.*`): when the engine says it can rebuild the clip
  (`ClipResult.rebuildable`) and the operator keeps no lossless copies (`TUNESMITH_MEDIA_LOSSLESS=rebuild`,
  the default), nothing: an operation that needs them re-runs the clip's job (runtime.sources) and gets the
  same samples. Otherwise FLAC (media.lossless): a 16-bit master comes back bit-identical.
- `stream`: nothing more (its pieces were published while it rendered, media.streams).
- `video`/`mp4` artifacts: delivered. Every other artifact (plan, word timings, MIDI...): private, as is.
- `waveform`: a small JSON of peak levels, computed here from the master, so timestamped lyrics never decode
  audio in the API process.
A derived operation's result files (WAV, stems, MIDI, video, cover art) are all delivered: that is what the
client ordered; a 16-bit WAV among them is stored as FLAC and served as the same WAV bytes
(media.packed_wav). Every stored file gets a `MediaRecord`, written in the same transaction as the report that
names it.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tunesmith.domain.models import Clip, MediaRecord, Task
from tunesmith.engines.base import ClipResult
from tunesmith.media import layout, lossless, packed_wav
from tunesmith.media.store import MediaStore, content_type_for
from tunesmith.store.base import ClipUpdate

log = logging.getLogger(__name__)

DELIVERED_ARTIFACTS = frozenset({"video", "mp4"})
LOSSLESS_ARTIFACT = "stem."
WAVEFORM_POINTS = 200


@dataclass
class Published:
    update: ClipUpdate
    records: list[MediaRecord] = field(default_factory=list)


class Publisher:
    def __init__(self, media: MediaStore, *, keep_lossless: bool = False, pack_wav: bool = True) -> None:
        """`pack_wav`: store delivered 16-bit WAVs as FLAC (media.packed_wav), which the API turns back into
        the WAV; off when a CDN serves the files straight from the store."""
        self.media = media
        self.keep_lossless = keep_lossless
        self.pack_wav = pack_wav

    # ── one file ──────────────────────────────────────────────────────────────────────────────────────
    def _put(
        self,
        task: Task,
        clip_id: str | None,
        key: str,
        path: Path,
        role: str,
        *,
        public: bool = False,
        digest: bool = False,
    ) -> MediaRecord:
        stored = self.media.put_file(key, path, content_type=content_type_for(key))
        return MediaRecord(
            key=key,
            key_id=task.key_id,
            task_id=task.id,
            clip_id=clip_id,
            role=role,
            size=stored.size,
            content_type=stored.content_type,
            public=public,
            digest=sha256_of(path) if digest else None,
            created_at=datetime.now(UTC),
        )

    # ── a clip ────────────────────────────────────────────────────────────────────────────────────────
    def clip(self, task: Task, clip: Clip, result: ClipResult, workdir: Path) -> Published:
        """Store a finished clip's files; the update and records to report it with."""
        records: list[MediaRecord] = []
        audio = _existing(workdir, result.audio)
        if audio is None:
            raise FileNotFoundError(f"the engine reported {result.audio!r} but wrote no such file")
        records.append(
            self._put(task, clip.id, layout.public_key(audio.name), audio, "audio", public=True, digest=True)
        )
        image_key = None
        image = _existing(workdir, result.image)
        if image is not None:
            records.append(
                self._put(task, clip.id, layout.public_key(image.name), image, "image", public=True)
            )
            image_key = records[-1].key
        rebuild = result.rebuildable and not self.keep_lossless
        wav = _existing(workdir, result.wav)
        wav_key = None
        if wav is not None:
            records.append(self._waveform(task, clip, wav))
            if not rebuild:
                records.append(self._lossless(task, clip, wav, "master", workdir))
                wav_key = records[-1].key
        else:
            records.append(self._waveform(task, clip, audio))
        artifacts: dict[str, str] = {"waveform": records_key(records, "waveform")}
        if result.replay:
            records.append(self._json(task, clip, "replay", result.replay))
            artifacts["replay"] = records[-1].key
        for name, filename in result.artifacts.items():
            path = _existing(workdir, filename)
            if name == "stream" or path is None:
                artifacts[name] = ""
                continue
            if name.startswith(LOSSLESS_ARTIFACT):
                if rebuild:
                    artifacts[name] = ""
                    continue
                records.append(self._lossless(task, clip, path, name, workdir))
            elif name in DELIVERED_ARTIFACTS:
                records.append(
                    self._put(task, clip.id, layout.public_key(path.name), path, name, public=True)
                )
            else:
                records.append(self._put(task, clip.id, layout.clip_key(clip.id, filename), path, name))
            artifacts[name] = records[-1].key
        update = ClipUpdate(
            title=result.title,
            tags=result.tags,
            lyrics=result.lyrics,
            duration=result.duration,
            audio_key=records[0].key,
            wav_key=wav_key,
            image_key=image_key,
            artifacts=artifacts,
            rebuildable=rebuild,
        )
        return Published(update, records)

    def _lossless(self, task: Task, clip: Clip, wav: Path, role: str, workdir: Path) -> MediaRecord:
        """A WAV kept losslessly: as FLAC where FLAC holds it exactly, else as the WAV itself."""
        packed = lossless.compress(wav, workdir / ".flac" / role)
        name = f"{'master' if role == 'master' else role.split('.', 1)[1]}{packed.suffix}"
        folder = "" if role == "master" else "stems/"
        return self._put(task, clip.id, layout.clip_key(clip.id, folder + name), packed, role)

    def _waveform(self, task: Task, clip: Clip, audio: Path) -> MediaRecord:
        from tunesmith.engines.studio.sync import waveform

        return self._json(task, clip, "waveform", waveform(audio, WAVEFORM_POINTS))

    def _json(self, task: Task, clip: Clip, role: str, data: object) -> MediaRecord:
        """A small private JSON file of the clip (`clips/<clip id>/<role>.json`)."""
        key = layout.clip_key(clip.id, f"{role}.json")
        stored = self.media.put_bytes(key, json.dumps(data, ensure_ascii=False).encode())
        return MediaRecord(
            key=key,
            key_id=task.key_id,
            task_id=task.id,
            clip_id=clip.id,
            role=role,
            size=stored.size,
            content_type=stored.content_type,
            created_at=datetime.now(UTC),
        )

    # ── a derived operation's result ──────────────────────────────────────────────────────────────────
    def result(
        self, task: Task, files: dict[str, str], workdir: Path
    ) -> tuple[dict[str, str], list[MediaRecord]]:
        """Store and deliver every file of a derived operation's result: ({name: key}, records)."""
        keys: dict[str, str] = {}
        records: list[MediaRecord] = []
        for name, filename in files.items():
            path = _existing(workdir, filename)
            if path is None:
                raise FileNotFoundError(f"the engine reported {filename!r} but wrote no such file")
            key = layout.public_key(path.name)
            packed = packed_wav.pack(path, workdir / ".packed" / name) if self.pack_wav else None
            if packed is not None:  # stored as FLAC, served as this very WAV
                stored = self.media.put_file(key, packed, content_type="audio/flac")
                record = MediaRecord(
                    key=key,
                    key_id=task.key_id,
                    task_id=task.id,
                    clip_id=task.parent_clip_id,
                    role=f"result.{name}",
                    size=stored.size,
                    content_type="audio/wav",
                    public=True,
                    encoding=packed_wav.ENCODING,
                    created_at=datetime.now(UTC),
                )
            else:
                record = self._put(task, task.parent_clip_id, key, path, f"result.{name}", public=True)
            records.append(record)
            keys[name] = record.key
        return keys, records

    # ── inputs and streams ────────────────────────────────────────────────────────────────────────────
    def upload(self, task: Task, wav: Path, workdir: Path) -> MediaRecord:
        """Keep a fetched recording (as FLAC) so the clips continued from it can be rebuilt."""
        packed = lossless.compress(wav, workdir / ".flac" / "upload")
        return self._put(task, None, layout.task_key(task.id, f"upload{packed.suffix}"), packed, "upload")

    def stream_record(
        self, task: Task, clip: Clip, prefix: str, size: int, keep_seconds: float
    ) -> MediaRecord:
        """The record of a finished clip's stream pieces: deleted `keep_seconds` later (listeners still
        reading the live stream finish first; new ones get the final MP3)."""
        now = datetime.now(UTC)
        return MediaRecord(
            key=prefix,
            key_id=task.key_id,
            task_id=task.id,
            clip_id=clip.id,
            role="stream",
            size=size,
            content_type="audio/mpeg",
            created_at=now,
            expires_at=now + timedelta(seconds=keep_seconds),
        )


def records_key(records: list[MediaRecord], role: str) -> str:
    return next(r.key for r in records if r.role == role)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def _existing(workdir: Path, filename: str | None) -> Path | None:
    """The engine's file `filename` in `workdir`, if it names one that exists there (never outside it)."""
    if not filename:
        return None
    path = (workdir / filename).resolve()
    if workdir.resolve() not in path.parents or not path.is_file():
        if filename:
            log.warning("engine file %r is missing from %s", filename, workdir)
        return None
    return path
