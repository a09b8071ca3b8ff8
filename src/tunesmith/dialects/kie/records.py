"""kie.ai record-info and callback bodies of song operations: WAV, vocal removal, MIDI, mp4, cover, lyrics.

Each kie operation has its own record shape and its own status vocabulary (reference §3.1/§3.3):
- WAV, vocal removal, mp4: string `successFlag` PENDING / SUCCESS / CREATE_TASK_FAILED / GENERATE_*_FAILED;
- MIDI: integer `successFlag` 0 pending, 1 success, 2 create-task failed, 3 generation failed;
- cover: integer `successFlag` 0 pending (queued), 1 success, 2 generating (a worker has it), 3 failed;
- lyrics: `status` in the lyrics vocabulary (PENDING, SUCCESS, GENERATE_LYRICS_FAILED, ...).

Times follow each page's own example, because clients parse what they were shown: "YYYY-MM-DD HH:MM:SS" for
WAV and mp4, milliseconds for vocal removal and MIDI, ISO 8601 with "Z" for cover. The task's result is
`{"files": {name: media key}, ...data}` (tunesmith.engines.studio); URLs are built from the keys here.

Callbacks are rendered only for the stages a derived operation has: `complete` and `error`.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from tunesmith.dialects.base import UrlBuilder, unix_millis, utc
from tunesmith.dialects.kie.failures import CALLBACK_ERROR_CODES, error_code, failure_message
from tunesmith.domain.models import Clip, Task
from tunesmith.domain.operations import OperationKind
from tunesmith.domain.states import FailureKind, QueueStatus, TaskState

# kie's stem keys: part name -> (stem_type_group_name, record-info key, callback key). `other` has no kie
# key (kie names every instrument); it is reported as `otherUrl` / `other_url`, a documented extension,
# and in `originData` like every stem.
STEM_KEYS: dict[str, tuple[str, str, str]] = {
    "vocals": ("Vocals", "vocalUrl", "vocal_url"),
    "instrumental": ("Instrumental", "instrumentalUrl", "instrumental_url"),
    "backing_vocals": ("Backing Vocals", "backingVocalsUrl", "backing_vocals_url"),
    "drums": ("Drums", "drumsUrl", "drums_url"),
    "bass": ("Bass", "bassUrl", "bass_url"),
    "guitar": ("Guitar", "guitarUrl", "guitar_url"),
    "piano": ("Piano", "pianoUrl", "piano_url"),
    "keyboard": ("Keyboard", "keyboardUrl", "keyboard_url"),
    "percussion": ("Percussion", "percussionUrl", "percussion_url"),
    "strings": ("Strings", "stringsUrl", "strings_url"),
    "synth": ("Synth", "synthUrl", "synth_url"),
    "fx": ("FX", "fxUrl", "fx_url"),
    "brass": ("Brass", "brassUrl", "brass_url"),
    "woodwinds": ("Woodwinds", "woodwindsUrl", "woodwinds_url"),
    "other": ("Other", "otherUrl", "other_url"),
}
# Keys every separation record carries (null when the separation has no such stem), in kie's order.
RECORD_STEM_KEYS = tuple(keys[1] for keys in STEM_KEYS.values())
SEPARATE_VOCAL_PARTS = ("vocals", "instrumental")

_FAILED_WORD = {
    OperationKind.WAV: "GENERATE_WAV_FAILED",
    OperationKind.STEMS: "GENERATE_AUDIO_FAILED",
    OperationKind.VIDEO: "GENERATE_MP4_FAILED",
}
_STEM_NAMESPACE = uuid.UUID("0f6c6f2e-5b7a-4d8e-9a53-7f1d2c4b9e10")
_ISO = "%Y-%m-%dT%H:%M:%S.000Z"
_PLAIN = "%Y-%m-%d %H:%M:%S"
KIE_VELOCITY_MAX = 127  # kie reports velocity in 0–1; MIDI's is 1–127


def stem_id(task_id: str, part: str) -> str:
    """The `originData[].id` of one stem: stable (derived from the task and part, nothing stored), so a MIDI
    request naming it can be traced back to its separation."""
    return str(uuid.uuid5(_STEM_NAMESPACE, f"{task_id}/{part}"))


def success_word(task: Task) -> str:
    """String successFlag of WAV / vocal removal / mp4."""
    if task.state is TaskState.SUCCESS:
        return "SUCCESS"
    if task.state is TaskState.FAILED:
        if task.failure is not None and task.failure.kind is FailureKind.CREATE_TASK_FAILED:
            return "CREATE_TASK_FAILED"
        return _FAILED_WORD.get(task.operation, "GENERATE_AUDIO_FAILED")
    return "PENDING"


def midi_flag(task: Task) -> int:
    if task.state is TaskState.SUCCESS:
        return 1
    if task.state is TaskState.FAILED:
        create = task.failure is not None and task.failure.kind is FailureKind.CREATE_TASK_FAILED
        return 2 if create else 3
    return 0


def cover_flag(task: Task) -> int:
    if task.state is TaskState.SUCCESS:
        return 1
    if task.state is TaskState.FAILED:
        return 3
    return 2 if task.queue_status is QueueStatus.RUNNING else 0


def lyrics_status(task: Task) -> str:
    """Lyrics vocabulary: every generation failure is GENERATE_LYRICS_FAILED; refusals keep their word."""
    if task.state is TaskState.SUCCESS:
        return "SUCCESS"
    if task.state is TaskState.FAILED:
        kind = task.failure.kind if task.failure else FailureKind.GENERATE_LYRICS_FAILED
        if kind in (FailureKind.CREATE_TASK_FAILED, FailureKind.SENSITIVE_WORD_ERROR):
            return kind.value
        return "GENERATE_LYRICS_FAILED"
    return "PENDING"


# ── record-info ───────────────────────────────────────────────────────────────────────────────────────


def render_wav_record(task: Task, urls: UrlBuilder, source: Clip | None = None) -> dict[str, Any]:
    """`GET /api/v1/wav/record-info`."""
    return _file_record(task, urls, source, file="wav", response_key="audioWavUrl")


def render_stems_record(task: Task, urls: UrlBuilder, source: Clip | None = None) -> dict[str, Any]:
    """`GET /api/v1/vocal-removal/record-info`: `originData` lists every stem (id, URL, duration, kie's group
    name); the per-stem keys are all present, null when this separation has no such stem."""
    stems = stem_urls(task, urls) if task.state is TaskState.SUCCESS else {}
    durations = task.result.get("durations") or {}
    origin = [
        {
            "id": stem_id(task.id, part),
            "audio_url": url,
            "duration": round(float(durations.get(part) or (source.duration if source else 0) or 0), 2),
            "stem_type_group_name": STEM_KEYS.get(part, (part.replace("_", " ").title(),))[0],
        }
        for part, url in stems.items()
    ]
    response: dict[str, Any] = {"originUrl": None, "originData": origin}
    response.update({key: None for key in RECORD_STEM_KEYS})
    for part, url in stems.items():
        if part in STEM_KEYS:
            response[STEM_KEYS[part][1]] = url
    data = {
        "taskId": task.id,
        "musicId": task.parent_clip_id,
        "callbackUrl": task.callback_url,
        "musicIndex": source.index if source else 0,
        "completeTime": unix_millis(task.finished_at) or None,
        "response": response,
        "successFlag": success_word(task),
        "createTime": unix_millis(task.created_at),
        **_errors(task),
    }
    return _ok(data)


def render_midi_record(task: Task, urls: UrlBuilder) -> dict[str, Any]:
    """`GET /api/v1/midi/record-info`, plus `midiUrl`: the .mid file itself (a Tunesmith extension; kie
    only gives the notes). `recordTaskId` is the task the request named (separation or music task)."""
    done = task.state is TaskState.SUCCESS
    data = {
        "taskId": task.id,
        "recordTaskId": task.source_task_id,
        "audioId": task.request.extra.get("audio_id") or task.parent_clip_id,
        "callbackUrl": task.callback_url,
        "completeTime": unix_millis(task.finished_at) or None,
        "midiData": midi_data(task) if done else None,
        "midiUrl": _file_url(task, "midi", urls) if done else None,
        "successFlag": midi_flag(task),
        "createTime": unix_millis(task.created_at),
        **_errors(task),
    }
    return _ok(data)


def render_mp4_record(task: Task, urls: UrlBuilder, source: Clip | None = None) -> dict[str, Any]:
    """`GET /api/v1/mp4/record-info`: the WAV record's shape with `response.videoUrl`."""
    return _file_record(task, urls, source, file="video", response_key="videoUrl")


def _file_record(
    task: Task, urls: UrlBuilder, source: Clip | None, *, file: str, response_key: str
) -> dict[str, Any]:
    """The record shape WAV and mp4 share: one result file, reported once the task succeeded."""
    url = _file_url(task, file, urls) if task.state is TaskState.SUCCESS else None
    data = {
        "taskId": task.id,
        "musicId": task.parent_clip_id,
        "callbackUrl": task.callback_url,
        "musicIndex": source.index if source else 0,
        "completeTime": _plain(task.finished_at),
        "response": {response_key: url},
        "successFlag": success_word(task),
        "createTime": _plain(task.created_at),
        **_errors(task),
    }
    return _ok(data)


def render_cover_record(task: Task, urls: UrlBuilder) -> dict[str, Any]:
    """`GET /api/v1/suno/cover/record-info`."""
    images = cover_images(task, urls) if task.state is TaskState.SUCCESS else []
    data = {
        "taskId": task.id,
        "parentTaskId": task.source_task_id,
        "callbackUrl": task.callback_url,
        "completeTime": _iso(task.finished_at),
        "response": {"images": images},
        "successFlag": cover_flag(task),
        "createTime": _iso(task.created_at),
        **_errors(task),
    }
    return _ok(data)


def render_lyrics_record(task: Task) -> dict[str, Any]:
    """`GET /api/v1/lyrics/record-info`."""
    failed = task.state is TaskState.FAILED
    data = {
        "taskId": task.id,
        "param": task.raw_request,
        "response": {"taskId": task.id, "data": lyrics_variants(task, camel=True)},
        "status": lyrics_status(task),
        "type": "LYRICS",
        "errorCode": _error_code(task) if failed else None,
        "errorMessage": _message(task) if failed else None,
    }
    return _ok(data)


# ── pieces shared by records and callbacks ────────────────────────────────────────────────────────────


def stem_urls(task: Task, urls: UrlBuilder) -> dict[str, str]:
    """part -> URL, in the order the engine listed the parts (vocals first when there are vocals)."""
    files: dict[str, str] = task.result.get("files") or {}
    order = [p for p in (task.result.get("parts") or []) if p in files]
    order += [p for p in files if p not in order]
    return {part: urls.media(files[part]) for part in order}


def midi_data(task: Task) -> dict[str, Any]:
    """kie's `midiData`: instruments with their notes; velocity scaled to kie's 0–1."""
    instruments = [
        {
            "name": inst.get("name", ""),
            "notes": [
                {
                    "pitch": n["pitch"],
                    "start": n["start"],
                    "end": n["end"],
                    "velocity": round(n.get("velocity", KIE_VELOCITY_MAX) / KIE_VELOCITY_MAX, 3),
                }
                for n in inst.get("notes", [])
            ],
        }
        for inst in task.result.get("instruments") or []
    ]
    return {"state": "complete", "instruments": instruments}


def cover_images(task: Task, urls: UrlBuilder) -> list[str]:
    files: dict[str, str] = task.result.get("files") or {}
    names = task.result.get("images") or sorted(n for n in files if n.startswith("image_"))
    return [urls.media(files[name]) for name in names if name in files]


def lyrics_variants(task: Task, *, camel: bool) -> list[dict[str, Any]]:
    error_key = "errorMessage" if camel else "error_message"
    return [
        {
            "text": item.get("text", ""),
            "title": item.get("title", ""),
            "status": item.get("status", "complete"),
            error_key: item.get("error_message") or "",
        }
        for item in task.result.get("lyrics") or []
    ]


# ── callbacks ─────────────────────────────────────────────────────────────────────────────────────────


def render_operation_callback(task: Task, stage: str, urls: UrlBuilder) -> dict[str, Any] | None:
    """The callback body of a derived operation; None for stages it does not have (text, first)."""
    if stage not in ("complete", "error"):
        return None
    ok = stage == "complete"
    code = 200 if ok else _error_code(task)
    msg = "success" if ok else _message(task)
    op = task.operation
    if op is OperationKind.WAV:
        return {
            "code": code,
            "msg": msg,
            "data": {"audioWavUrl": _file_url(task, "wav", urls) if ok else None, "task_id": task.id},
        }
    if op is OperationKind.STEMS:
        return {
            "code": code,
            "msg": "vocal Removal generated successfully." if ok else msg,
            "data": {"task_id": task.id, "vocal_removal_info": _stems_info(task, urls) if ok else None},
        }
    if op is OperationKind.MIDI:
        data = {**midi_data(task), "midiUrl": _file_url(task, "midi", urls)} if ok else None
        return {"task_id": task.id, "code": code, "msg": msg, "data": data}
    if op is OperationKind.VIDEO:
        return {
            "code": code,
            "msg": "MP4 generated successfully." if ok else msg,
            "data": {"task_id": task.id, "video_url": _file_url(task, "video", urls) if ok else None},
        }
    if op is OperationKind.COVER_ART:
        return {
            "code": code,
            "msg": msg,
            "data": {"taskId": task.id, "images": cover_images(task, urls) if ok else None},
        }
    if op is OperationKind.LYRICS:
        if not ok:
            return {
                "code": code,
                "msg": msg,
                "data": {"callbackType": "error", "task_id": task.id, "taskId": task.id, "data": None},
            }
        return {
            "code": 200,
            "msg": "All generated successfully.",
            "data": {
                "callbackType": "complete",
                "task_id": task.id,
                "taskId": task.id,
                "data": lyrics_variants(task, camel=False),
            },
        }
    return None


def _stems_info(task: Task, urls: UrlBuilder) -> dict[str, Any]:
    """`vocal_removal_info`: separate_vocal gives its two URLs; split_stem every kie stem key (null when
    absent), as kie's two callback examples do."""
    stems = stem_urls(task, urls)
    info: dict[str, Any] = {"origin_url": ""}
    if task.request.extra.get("type", "separate_vocal") == "separate_vocal":
        keys = [STEM_KEYS[p][2] for p in SEPARATE_VOCAL_PARTS]
    else:
        keys = [k[2] for p, k in STEM_KEYS.items() if p != "instrumental"]
    info.update({key: None for key in keys})
    for part, url in stems.items():
        if part in STEM_KEYS:
            info[STEM_KEYS[part][2]] = url
    return info


def _file_url(task: Task, name: str, urls: UrlBuilder) -> str | None:
    key = (task.result.get("files") or {}).get(name)
    return urls.media(key) if key else None


def _errors(task: Task) -> dict[str, Any]:
    failed = task.state is TaskState.FAILED
    return {
        "errorCode": _error_code(task) if failed else None,
        "errorMessage": _message(task) if failed else None,
    }


def _error_code(task: Task) -> int:
    """kie's callback error code of a failed task; records report the same code."""
    return error_code(task.failure, CALLBACK_ERROR_CODES)


def _message(task: Task) -> str:
    return failure_message(task.failure)


def _ok(data: dict[str, Any]) -> dict[str, Any]:
    return {"code": 200, "msg": "success", "data": data}


def _plain(moment: datetime | None) -> str | None:
    return utc(moment).astimezone(UTC).strftime(_PLAIN) if moment else None


def _iso(moment: datetime | None) -> str | None:
    return utc(moment).astimezone(UTC).strftime(_ISO) if moment else None
