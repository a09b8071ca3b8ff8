"""Length limits on a song request's text, whatever dialect it came through.

kie documents per-model limits (reference §3.2: lyrics 3000/5000 characters, style 200/1000, title 80/100)
and its dialect enforces them with its own wording. The other dialects' upstreams (new-api, gcui, zeakAi,
qhaigc, OpenAI chat) forward to the same Suno models, so the same limits apply to them; without them a client
could send 100,000 characters of lyrics and be charged for two songs cut at eight minutes. `check_text` is
the backstop the task service applies to every submission, naming the field the way the client's dialect
spells it, so the refusal reads right in every envelope.
"""

from __future__ import annotations

from collections.abc import Mapping

from tunesmith.dialects.kie.requests import MODEL_LIMITS
from tunesmith.domain.errors import PayloadTooLarge
from tunesmith.domain.operations import OperationKind, SongRequest

# The most any kie route allows (extend and upload-cover take 100-character titles, generate 80); a
# description is held to the model's prompt limit (an instrumental's custom-mode prompt is its description).
# Dialects with a stricter rule (kie's 500-character description mode, say) apply it first.
TITLE_LIMIT = 100

# SongRequest attribute -> the field that carries it, per dialect (the domain's name where a dialect is not
# listed). A description-mode prompt and custom-mode lyrics share `prompt` in most dialects.
FIELD_NAMES: dict[str, dict[str, str]] = {
    "kie": {"lyrics": "prompt", "description": "prompt", "negative_style": "negativeTags"},
    "qhaigc": {"lyrics": "prompt", "description": "prompt"},
    "newapi": {
        "lyrics": "prompt",
        "description": "gpt_description_prompt",
        "style": "tags",
        "negative_style": "negative_tags",
    },
    "gcui": {"lyrics": "prompt", "description": "prompt", "style": "tags", "negative_style": "negative_tags"},
    "zeakai": {
        "lyrics": "prompt",
        "description": "gpt_description_prompt",
        "style": "tags",
        "negative_style": "negative_tags",
    },
    "openai_chat": {"description": "messages"},
}
# A lyrics task's idea travels in `prompt` where music's description has a field of its own.
LYRICS_FIELD_NAMES: dict[str, dict[str, str]] = {
    "newapi": {"description": "prompt"},
    "zeakai": {"description": "prompt"},
}


def limits_for(model: str) -> dict[str, int]:
    """Characters allowed per SongRequest text attribute for `model` (an unknown model: the largest)."""
    model_limits = MODEL_LIMITS.get(model) or max(MODEL_LIMITS.values(), key=lambda m: m.prompt)
    return {
        "lyrics": model_limits.prompt,
        "description": model_limits.prompt,
        "style": model_limits.style,
        "negative_style": model_limits.style,
        "title": TITLE_LIMIT,
    }


def check_text(request: SongRequest, dialect: str, names: Mapping[str, str] | None = None) -> None:
    """PayloadTooLarge naming the dialect's field when any text of `request` is over the model's limit."""
    if names is None:
        names = FIELD_NAMES.get(dialect, {})
        if request.kind is OperationKind.LYRICS:
            names = {**names, **LYRICS_FIELD_NAMES.get(dialect, {})}
    for attribute, limit in limits_for(request.model).items():
        value = getattr(request, attribute)
        if len(value) > limit:
            field = names.get(attribute, attribute)
            raise PayloadTooLarge(
                f"{field} is too long: {len(value)} characters, the limit for model {request.model} is "
                f"{limit}",
                field=field,
            )
