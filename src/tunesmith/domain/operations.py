"""What a client can ask for, as the engines see it.

A dialect parses its own request format into one of these; an engine receives it inside an EngineJob.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any


class OperationKind(StrEnum):
    GENERATE = "generate"
    EXTEND = "extend"
    LYRICS = "lyrics"
    CONCAT = "concat"
    UPLOAD_COVER = "upload_cover"
    UPLOAD_EXTEND = "upload_extend"
    REPLACE_SECTION = "replace_section"


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
    # For extend / replace-section: the source clip and the point or span to work on.
    source_clip_id: str | None = None
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
