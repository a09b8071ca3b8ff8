"""gcui-art suno-api response shapes: `AudioInfo` clip objects, Suno's raw clip, credits, aligned lyrics.

`AudioInfo` comes in the two variants gcui's SunoApi.ts builds (reference §1.3): the submit answer carries
`negative_tags` and no `error_message`; `/api/get` (and a submit with `wait_audio`, which gcui answers from
its get) carries `error_message` and no `negative_tags`, and joins the lyric's lines without blank ones.

Status: Suno's clip words verbatim (`submitted`, `queued`, `streaming`, `complete`, `error`). `audio_url` is
the live stream URL while a clip is `streaming` and the final MP3 once `complete` (gcui-art#105); "" before
and on error. There is no music video: `video_url` is always "".
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from tunesmith.dialects.base import UrlBuilder, utc
from tunesmith.dialects.gcui.requests import GCUI_MODEL_NAMES
from tunesmith.dialects.models import MAJOR_VERSIONS
from tunesmith.domain.models import ApiKey, Clip, Persona, Task
from tunesmith.domain.operations import OperationKind
from tunesmith.domain.states import ClipState, QueueStatus, TaskState

CLIP_STATUSES = ("submitted", "queued", "streaming", "complete", "error")

# The AudioInfo fields in gcui's order, per variant.
_COMMON_FIELDS = (
    "id",
    "title",
    "image_url",
    "lyric",
    "audio_url",
    "video_url",
    "created_at",
    "model_name",
    "status",
    "gpt_description_prompt",
    "prompt",
    "type",
    "tags",
)
SUBMIT_FIELDS = (*_COMMON_FIELDS, "negative_tags", "duration")
GET_FIELDS = (*_COMMON_FIELDS, "duration", "error_message")

# Suno's metadata.type: a new song or an extension is "gen", a joined song "concat".
_TYPES = {
    OperationKind.GENERATE: "gen",
    OperationKind.EXTEND: "gen",
    OperationKind.CONCAT: "concat",
    OperationKind.UPLOAD_COVER: "upload",
    OperationKind.UPLOAD_EXTEND: "upload",
    OperationKind.UPLOAD: "upload",
    OperationKind.REPLACE_SECTION: "edit",
    OperationKind.LYRICS: "gen",
}
# Suno's major_model_version as gcui passes it on: `v4.5+` for V4_5PLUS, but plain `v4.5` for V4_5ALL.
_MAJOR_VERSIONS: dict[str, str] = {**MAJOR_VERSIONS, "V4_5ALL": "v4.5"}
_DEFAULT_FAILURE = "Generation failed, please try again."

# What `/api/get_limit` reports for a key with unlimited credits: a client checking "enough credits left?"
# must not see 0. 2**31 - 1 fits every JSON number type a client might parse it into.
UNLIMITED_CREDITS = 2**31 - 1


def clip_status(task: Task, clip: Clip) -> str:
    """The clip's Suno status. A clip waits as `submitted` while its task is in the queue and as `queued`
    once a worker holds it; whatever had not finished when its task failed is `error`."""
    if clip.state is ClipState.COMPLETE:
        return "complete"
    if clip.state is ClipState.ERROR or task.state is TaskState.FAILED:
        return "error"
    if clip.state is ClipState.SUBMITTED and (
        task.state is not TaskState.PENDING or task.queue_status is QueueStatus.RUNNING
    ):
        return "queued"
    return clip.state.value


def audio_info(task: Task, clip: Clip, urls: UrlBuilder, *, variant: str = "get") -> dict[str, Any]:
    """One clip as gcui's AudioInfo; `variant` is "submit" or "get" (see the module docstring)."""
    status = clip_status(task, clip)
    lyric = _lyrics(task, clip)
    info: dict[str, Any] = {
        "id": clip.id,
        "title": clip.title,
        "image_url": urls.media(clip.image_key) if clip.image_key else "",
        "lyric": parse_lyrics(lyric) if variant == "get" else lyric,
        "audio_url": _audio_url(clip, status, urls),
        "video_url": "",
        "created_at": iso_time(clip.created_at),
        "model_name": model_name(task, clip),
        "status": status,
        "gpt_description_prompt": _description(task),
        "prompt": lyric,
        "type": _TYPES.get(task.operation, "gen"),
        "tags": clip.tags,
    }
    duration = round(float(clip.duration), 2) if clip.duration is not None else None
    if variant == "submit":
        info["negative_tags"] = task.request.negative_style
    info["duration"] = duration
    if variant != "submit":
        info["error_message"] = _error_message(task, clip, status)
    return info


def render_clips(
    pairs: list[tuple[Task, Clip]], urls: UrlBuilder, *, variant: str = "get"
) -> list[dict[str, Any]]:
    return [audio_info(task, clip, urls, variant=variant) for task, clip in pairs]


def task_clips(task: Task) -> list[tuple[Task, Clip]]:
    return [(task, clip) for clip in sorted(task.clips, key=lambda c: c.index)]


def raw_clip(task: Task, clip: Clip, urls: UrlBuilder) -> dict[str, Any]:
    """`/api/clip`: gcui passes Suno's own clip object through, so this is Suno's shape (seed 001's clips):
    the AudioInfo facts plus `metadata` and the social fields, which here describe a private library."""
    status = clip_status(task, clip)
    lyric = _lyrics(task, clip)
    image = urls.media(clip.image_key) if clip.image_key else ""
    history = None
    if task.operation is OperationKind.EXTEND and task.request.source_clip_id:
        history = [
            {
                "id": task.request.source_clip_id,
                "continue_at": task.request.continue_at,
                "type": task.request.extra.get("history_type", "gen"),
                "source": "web",
            }
        ]
    return {
        "id": clip.id,
        "title": clip.title,
        "handle": "tunesmith",
        "status": status,
        "user_id": task.key_id,
        "is_liked": False,
        "metadata": {
            "tags": clip.tags,
            "type": _TYPES.get(task.operation, "gen"),
            "prompt": lyric,
            "stream": True,
            "history": history,
            "duration": round(float(clip.duration), 2) if clip.duration is not None else None,
            "error_type": (task.failure.kind.value.lower() if task.failure else "error")
            if status == "error"
            else None,
            "error_message": _error_message(task, clip, status),
            "concat_history": (task.request.extra.get("concat_history") or None)
            if task.operation is OperationKind.CONCAT
            else None,
            "refund_credits": task.refunded,
            "audio_prompt_id": None,
            "gpt_description_prompt": _description(task),
            "negative_tags": task.request.negative_style,
        },
        "reaction": None,
        "audio_url": _audio_url(clip, status, urls),
        "image_url": image,
        "is_public": False,
        "video_url": "",
        "created_at": iso_time(clip.created_at),
        "is_trashed": False,
        "model_name": model_name(task, clip),
        "play_count": 0,
        "display_name": "Tunesmith",
        "upvote_count": 0,
        "image_large_url": image,
        "is_video_pending": False,
        "is_handle_updated": False,
        "major_model_version": _MAJOR_VERSIONS.get(task.request.model, ""),
    }


# `/api/persona`: the clips of a persona's songs per page (Suno pages its persona feed by 20).
PERSONA_PAGE_SIZE = 20
PERSONA_FIELDS = (
    "id",
    "name",
    "description",
    "image_s3_id",
    "root_clip_id",
    "clip",
    "user_display_name",
    "user_handle",
    "user_image_url",
    "persona_clips",
    "is_suno_persona",
    "is_trashed",
    "is_owned",
    "is_public",
    "is_public_approved",
    "is_loved",
    "upvote_count",
    "clip_count",
)


def persona_page(pairs: list[tuple[Task, Clip]], page: int) -> list[tuple[Task, Clip]]:
    """Page `page` (from 1) of a persona's clips, PERSONA_PAGE_SIZE at a time; past the end it is empty."""
    start = (page - 1) * PERSONA_PAGE_SIZE
    return pairs[start : start + PERSONA_PAGE_SIZE]


def render_persona(
    persona: Persona,
    owner: ApiKey,
    source: tuple[Task, Clip] | None,
    pairs: list[tuple[Task, Clip]],
    page: int,
    urls: UrlBuilder,
) -> dict[str, Any]:
    """`/api/persona`: Suno's persona object as gcui relays it, with one page of the persona's clips.

    `source` is the clip the persona was made from (`clip`, `root_clip_id`, and its cover as `image_s3_id`),
    None if it can no longer be read; `pairs` are every clip sung with the persona, newest first, of which
    page `page` is shown while `clip_count` and `total_results` count them all.

    A persona is private to the key that made it and only that key can read it, so the owner fields
    describe the caller: `user_display_name` is the key's name (what the key's holder called it, shown back
    only to them), while `user_handle` and `user_image_url` are null: a Suno handle is a unique public
    profile slug and a key has neither a profile nor an avatar, so inventing one would point nowhere. The
    social fields say what a private library says: owned, not public, nobody has loved or upvoted it."""
    image = urls.media(source[1].image_key) if source is not None and source[1].image_key else None
    return {
        "persona": {
            "id": persona.id,
            "name": persona.name,
            "description": persona.description,
            "image_s3_id": image,
            "root_clip_id": persona.source_clip_id,
            "clip": raw_clip(*source, urls) if source is not None else None,
            "user_display_name": owner.name or None,
            "user_handle": None,
            "user_image_url": None,
            "persona_clips": [
                {"clip": raw_clip(task, clip, urls)} for task, clip in persona_page(pairs, page)
            ],
            "is_suno_persona": False,
            "is_trashed": False,
            "is_owned": True,
            "is_public": False,
            "is_public_approved": False,
            "is_loved": False,
            "upvote_count": 0,
            "clip_count": len(pairs),
        },
        "total_results": len(pairs),
        "current_page": page,
        "is_following": False,
    }


def render_limit(credits_left: int, monthly_usage: int) -> dict[str, Any]:
    """`/api/get_limit`. Tunesmith keys hold prepaid credits, not a monthly plan, so: `credits_left` is the
    balance; `period` is "month" and the monthly fields cover the current calendar month (UTC):
    `monthly_usage` is what was spent in it (net of refunds) and `monthly_limit` what was available in it
    (`credits_left + monthly_usage`)."""
    return {
        "credits_left": credits_left,
        "period": "month",
        "monthly_limit": credits_left + monthly_usage,
        "monthly_usage": monthly_usage,
    }


def monthly_usage(ledger: list[dict[str, Any]], now: datetime) -> int:
    """Credits charged this calendar month (UTC) minus what was refunded in it, from the key's ledger."""
    month = (now.year, now.month)
    used = 0
    for entry in ledger:
        when = utc(entry["created_at"])
        if (when.year, when.month) != month:
            continue
        reason = str(entry.get("reason", ""))
        if reason.startswith(("charge", "refund")):
            used -= int(entry["delta"])
    return max(used, 0)


def render_aligned_lyrics(words: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`/api/get_aligned_lyrics` from the engine's word timings. The timings are the ones the words were
    sung to, not a forced alignment after the fact, so every word is aligned with certainty."""
    return [
        {
            "word": str(w["word"]),
            "start_s": float(w["start_s"]),
            "end_s": float(w["end_s"]),
            "success": True,
            "p_align": 1.0,
        }
        for w in words
    ]


def render_lyrics(task: Task) -> dict[str, Any]:
    """`/api/generate_lyrics`: Suno's lyrics object, from the first variant a lyrics task wrote."""
    variants = task.result.get("lyrics") or [{}]
    failed = task.state is TaskState.FAILED
    return {
        "id": task.id,
        "text": variants[0].get("text", ""),
        "title": variants[0].get("title", ""),
        "status": "error" if failed else "complete" if task.state is TaskState.SUCCESS else "running",
        "error_message": (task.failure.message if task.failure else _DEFAULT_FAILURE) if failed else "",
    }


# ── stems (`/api/generate_stems`) ─────────────────────────────────────────────────────────────────────
# A stem is not a clip of its own here: it is one file of a STEMS task (`Task.result["files"][part]`). Its id
# names both, `<task id>_<part>` (e.g. `5c79…be8e_vocals`), so `/api/get?ids=<stem id>` can find it again
# without storing anything more; clip ids are UUIDs and never look like that.
STEM_PARTS = ("vocals", "drums", "bass", "other")
_STEM_ID = re.compile(r"^([0-9a-f]{32})_([a-z_]{1,32})$")


def stem_id(task_id: str, part: str) -> str:
    return f"{task_id}_{part}"


def parse_stem_id(value: str) -> tuple[str, str] | None:
    """(task id, part) of a stem id, or None for anything else (a clip id)."""
    match = _STEM_ID.match(value)
    return (match.group(1), match.group(2)) if match else None


def stem_parts(task: Task, source: Clip | None) -> list[str]:
    """The parts a split_stem task makes: what its result lists once done; before that, every part the
    source kept (no vocals for an instrumental)."""
    parts = task.result.get("parts")
    if parts:
        return [str(p) for p in parts]
    kept = source.artifacts if source is not None else {}
    predicted = [p for p in STEM_PARTS if f"stem.{p}" in kept]
    if predicted:
        return predicted
    return [p for p in STEM_PARTS if p != "vocals" or not task.request.instrumental]


def _stem_status(task: Task) -> str:
    if task.state is TaskState.SUCCESS:
        return "complete"
    if task.state is TaskState.FAILED:
        return "error"
    return "queued" if task.queue_status is QueueStatus.RUNNING else "submitted"


def render_stems(task: Task, source: Clip | None, urls: UrlBuilder) -> list[dict[str, Any]]:
    """`/api/generate_stems`: gcui's `[{id, status, created_at, title, stem_from_id, duration}]`, one entry
    per part, plus `audio_url` (the part's WAV once complete, "" before): a Tunesmith extension so a client
    can download a stem without another request; `/api/get?ids=<stem id>` answers the same facts as
    AudioInfo."""
    files = task.result.get("files") or {}
    durations = task.result.get("durations") or {}
    title = source.title if source is not None else task.request.title
    out = []
    for part in stem_parts(task, source):
        duration = durations.get(part)
        out.append(
            {
                "id": stem_id(task.id, part),
                "status": _stem_status(task),
                "created_at": iso_time(task.created_at),
                "title": f"{title} ({part.replace('_', ' ').title()})",
                "stem_from_id": task.parent_clip_id or task.request.source_clip_id,
                "duration": round(float(duration), 2) if duration is not None else None,
                "audio_url": urls.media(files[part])
                if part in files and task.state is TaskState.SUCCESS
                else "",
            }
        )
    return out


def stem_audio_info(task: Task, part: str, source: Clip | None, urls: UrlBuilder) -> dict[str, Any] | None:
    """One stem as `/api/get` shows clips (AudioInfo, get variant, type "stem", plus stem_from_id); None
    when the task has no such part."""
    entry = next((e for e in render_stems(task, source, urls) if e["id"] == stem_id(task.id, part)), None)
    if entry is None:
        return None
    status = entry["status"]
    return {
        "id": entry["id"],
        "title": entry["title"],
        "image_url": urls.media(source.image_key) if source is not None and source.image_key else "",
        "lyric": "",
        "audio_url": entry["audio_url"],
        "video_url": "",
        "created_at": entry["created_at"],
        "model_name": GCUI_MODEL_NAMES.get(task.request.model) or task.request.model,
        "status": status,
        "gpt_description_prompt": None,
        "prompt": "",
        "type": "stem",
        "tags": source.tags if source is not None else task.request.style,
        "duration": entry["duration"],
        "error_message": ((task.failure.message if task.failure else "") or _DEFAULT_FAILURE)
        if status == "error"
        else None,
        "stem_from_id": entry["stem_from_id"],
    }


def parse_lyrics(text: str) -> str:
    """gcui's parseLyrics: the lines without the blank ones."""
    return "\n".join(line for line in text.split("\n") if line.strip())


def iso_time(moment: datetime) -> str:
    """Suno's created_at: ISO 8601 in UTC with milliseconds and a Z ("2024-11-05T03:14:30.687Z")."""
    return utc(moment).astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def model_name(task: Task, clip: Clip) -> str:
    return GCUI_MODEL_NAMES.get(task.request.model) or clip.model_name or task.request.model


def _lyrics(task: Task, clip: Clip) -> str:
    """What the clip sings: the engine's words once known, the client's own lyrics before (as Suno echoes
    `metadata.prompt` at submit); nothing for an instrumental."""
    return "" if task.request.instrumental else clip.lyrics or task.request.lyrics


def _description(task: Task) -> str | None:
    """Suno's gpt_description_prompt: the idea of a description-mode song; null in custom mode."""
    request = task.request
    return None if request.custom_mode or not request.description else request.description


def _audio_url(clip: Clip, status: str, urls: UrlBuilder) -> str:
    if status == "complete":
        return urls.media(clip.audio_key) if clip.audio_key else urls.stream(clip.id)
    if status == "streaming":
        return urls.stream(clip.id)
    return ""


def _error_message(task: Task, clip: Clip, status: str) -> str | None:
    if status != "error":
        return None
    if clip.error_message:
        return clip.error_message
    return task.failure.message if task.failure and task.failure.message else _DEFAULT_FAILURE
