"""Media stored by older versions, brought to the compact layout (`tunesmith media migrate`).

Older versions kept every file of a clip under `clips/<clip id>/`: the MP3 and cover (handed out as URLs), a
16-bit WAV master, float WAV stems, the growing stream's file, MIDI, plan and word timings. The schema
migration (store revision 0005) already recorded them — the MP3, cover and operation results as delivered,
so their URLs keep answering where they are; the rest as private. This finishes the job, clip by clip:
the master and stems become FLAC (media.lossless: the master comes back bit-identical), a finished clip's
stream file is deleted (its final MP3 is what plays), a waveform is measured for timestamped lyrics, and
every record gets its real size. Those clips are not marked rebuildable: their engine version is unknown,
so their lossless audio is kept rather than trusted to a re-render.

New files are stored and recorded before the old ones are deleted, so an interrupted run loses nothing and
can simply be run again.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

from tunesmith.domain.models import Clip, MediaRecord
from tunesmith.domain.states import ClipState
from tunesmith.media import layout, lossless
from tunesmith.media.store import MediaMissing, MediaStore
from tunesmith.store.base import ClipUpdate, Store


@dataclass
class Outcome:
    before: int = 0  # bytes the clip's files occupied
    after: int = 0  # bytes they occupy once migrated


def legacy_clips(store: Store) -> list[str]:
    """Ids of clips with files in the old layout (or records still without a size)."""
    return store.legacy_media_clips()


def migrate_clip(store: Store, media: MediaStore, clip_id: str, *, apply: bool) -> Outcome:
    clip = store.get_clip(clip_id)
    outcome = Outcome()
    if clip is None:
        return outcome
    records = store.media_of(clip_ids=[clip_id])
    sized: list[MediaRecord] = []
    for record in records:
        stat = media.stat(record.key) if not record.key.endswith("/") else None
        size = stat.size if stat is not None else record.size
        outcome.before += size
        sized.append(replace(record, size=size))
    keep: list[MediaRecord] = []
    new: list[MediaRecord] = []
    drop: list[str] = []
    artifacts = dict(clip.artifacts)
    wav_key = clip.wav_key
    with tempfile.TemporaryDirectory(prefix="tunesmith-migrate-") as tmp:
        folder = Path(tmp)
        for record in sized:
            legacy_wav = record.key.endswith(".wav") and not record.public
            if legacy_wav and (record.role == "master" or record.role.startswith("stem.")):
                packed = _pack(media, record, folder, clip)
                if packed is None:
                    keep.append(record)
                    continue
                new.append(packed[0])
                drop.append(record.key)
                if record.role == "master":
                    wav_key = packed[0].key
                    if "waveform" not in artifacts:
                        new.append(_waveform(media, record, packed[1], clip, apply=apply))
                        artifacts["waveform"] = new[-1].key
                else:
                    artifacts[record.role] = packed[0].key
            elif (
                record.role == "stream" and not record.key.endswith("/") and clip.state is ClipState.COMPLETE
            ):
                drop.append(record.key)
                artifacts["stream"] = ""
            else:
                keep.append(record)
        if apply:
            for record in new:
                if record.role != "waveform":  # stored as it was measured
                    media.put_file(record.key, folder / PurePosixPath(record.key).name)
    outcome.after = sum(r.size for r in keep) + sum(r.size for r in new)
    if apply:
        update = ClipUpdate(wav_key=wav_key, artifacts=artifacts)
        store.update_clip_media(clip.id, update, records=keep + new, forget=drop)
        media.delete(drop)
    return outcome


def _pack(
    media: MediaStore, record: MediaRecord, folder: Path, clip: Clip
) -> tuple[MediaRecord, Path] | None:
    """(the FLAC's record, the WAV's local copy), or None when the WAV is gone or FLAC cannot hold it."""
    name = PurePosixPath(record.key).name
    local = folder / "wav" / record.role / name
    try:
        media.download(record.key, local)
    except MediaMissing:
        return None
    packed = lossless.compress(local, folder / "flac" / record.role)
    if packed == local:
        return None
    part = "master" if record.role == "master" else f"stems/{record.role.split('.', 1)[1]}"
    key = layout.clip_key(clip.id, f"{part}.flac")
    final = folder / PurePosixPath(key).name
    packed.replace(final)
    flac = replace(
        record,
        key=key,
        size=final.stat().st_size,
        content_type="audio/flac",
        created_at=record.created_at or datetime.now(UTC),
    )
    return flac, local


def _waveform(media: MediaStore, record: MediaRecord, wav: Path, clip: Clip, *, apply: bool) -> MediaRecord:
    from tunesmith.engines.studio.sync import waveform

    key = layout.clip_key(clip.id, "waveform.json")
    data = json.dumps(waveform(wav)).encode()
    if apply:
        media.put_bytes(key, data)
    return replace(record, key=key, role="waveform", size=len(data), content_type="application/json")
