"""What a client can ask for, as the engines see it.

A dialect parses its own request format into one of these; an engine receives it inside an EngineJob.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any


class OperationKind(StrEnum):
    # Music: the result is new clips.
    GENERATE = "generate"
    EXTEND = "extend"
    CONCAT = "concat"
    CROP = "crop"
    REPLACE_SECTION = "replace_section"
    UPLOAD_COVER = "upload_cover"
    UPLOAD_EXTEND = "upload_extend"
    ADD_INSTRUMENTAL = "add_instrumental"
    ADD_VOCALS = "add_vocals"
    UPLOAD = "upload"  # an outside recording brought in as a clip (new-api / zeakAi upload), to edit later
    MASHUP = "mashup"  # two outside recordings (`extra["upload_urls"]`) combined into one song
    # Derived: the result is files or data about an existing clip or task (Task.result), no new clips.
    LYRICS = "lyrics"
    WAV = "wav"
    STEMS = "stems"
    MIDI = "midi"
    VIDEO = "video"
    COVER_ART = "cover_art"


DERIVED_OPERATIONS: frozenset[OperationKind] = frozenset(
    {
        OperationKind.LYRICS,
        OperationKind.WAV,
        OperationKind.STEMS,
        OperationKind.MIDI,
        OperationKind.VIDEO,
        OperationKind.COVER_ART,
    }
)

# Operations on outside audio: the worker fetches `extra["upload_url"]` into the job's source (a mashup's
# `extra["upload_urls"]`: the first is the source, both are listed in `extra["uploads"]`).
UPLOAD_OPERATIONS: frozenset[OperationKind] = frozenset(
    {
        OperationKind.UPLOAD_COVER,
        OperationKind.UPLOAD_EXTEND,
        OperationKind.ADD_INSTRUMENTAL,
        OperationKind.ADD_VOCALS,
        OperationKind.UPLOAD,
        OperationKind.MASHUP,
    }
)

# How many clips an operation makes: two takes for new music, one for edits of a single song.
CLIPS_PER_OPERATION: dict[OperationKind, int] = {
    OperationKind.GENERATE: 2,
    OperationKind.EXTEND: 2,
    OperationKind.REPLACE_SECTION: 2,
    OperationKind.UPLOAD_COVER: 2,
    OperationKind.UPLOAD_EXTEND: 2,
    OperationKind.ADD_INSTRUMENTAL: 2,
    OperationKind.ADD_VOCALS: 2,
    OperationKind.MASHUP: 2,
    OperationKind.CONCAT: 1,
    OperationKind.CROP: 1,
    OperationKind.UPLOAD: 1,
    **{kind: 0 for kind in DERIVED_OPERATIONS},
}


MODEL_NAMES: tuple[str, ...] = ("V3_5", "V4", "V4_5", "V4_5PLUS", "V4_5ALL", "V5", "V5_5")

# Suno's own model names, as they appear in `modelName` / `model_name` / `mv` fields.
SUNO_MODEL_NAMES: dict[str, str] = {
    "V3_5": "chirp-v3-5",
    "V4": "chirp-v4",
    "V4_5": "chirp-v4-5",
    "V4_5PLUS": "chirp-v4-5-plus",
    "V4_5ALL": "chirp-v4-5-all",
    "V5": "chirp-v5",
    "V5_5": "chirp-v5-5",
}


@dataclass(frozen=True, kw_only=True)
class SongRequest:
    """A request for music: generate from scratch, or continue/replace part of an existing clip.

    `description` is the one-line idea of description (non-custom) mode; `lyrics` the exact words of custom
    mode. An instrumental request has no lyrics.
    """

    kind: OperationKind = OperationKind.GENERATE
    model: str = "V4_5"
    custom_mode: bool = False
    instrumental: bool = False
    description: str = ""
    lyrics: str = ""
    style: str = ""
    negative_style: str = ""
    title: str = ""
    vocal_gender: str | None = None  # "m" | "f" | None
    duration: float | None = None
    style_weight: float | None = None
    weirdness: float | None = None
    audio_weight: float | None = None
    persona_id: str | None = None
    seed: int | None = None
    # For operations on existing work: the source clip (or task) and the point or span to work on.
    source_clip_id: str | None = None
    source_task_id: str | None = None
    continue_at: float | None = None
    span: tuple[float, float] | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["kind"] = self.kind.value
        data["span"] = list(self.span) if self.span else None
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SongRequest:
        data = dict(data)
        data["kind"] = OperationKind(data.get("kind", "generate"))
        if data.get("span") is not None:
            data["span"] = tuple(data["span"])
        known = cls.__dataclass_fields__.keys()
        return cls(**{k: v for k, v in data.items() if k in known})
