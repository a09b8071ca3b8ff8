"""Suno model spellings, shared by every Suno-style dialect.

Clients move between resellers and keep sending the model string they used before (`chirp-v3-5`,
`chirp-bluejay`, `suno-v4.5+`, kie's `V4_5PLUS`), so every dialect accepts the same spellings: one table here
rather than one per dialect that drifts. What a dialect *documents* to its clients, its default model, its
error message and the names it *shows* stay with the dialect, because those are part of each reseller's
contract.
"""

from __future__ import annotations

from tunesmith.domain.operations import MODEL_NAMES, SUNO_MODEL_NAMES

# Suno's codenames for the newer versions (from aggregator docs); the older ones have none.
CODENAMES: dict[str, str] = {
    "V4_5": "chirp-auk",
    "V4_5PLUS": "chirp-bluejay",
    "V5": "chirp-crow",
    "V5_5": "chirp-fenix",
}

# The name a clip shows for a model: Suno's codename where it has one, else its versioned name.
DISPLAY_NAMES: dict[str, str] = {
    model: CODENAMES.get(model, SUNO_MODEL_NAMES[model]) for model in MODEL_NAMES
}

# Suno's `major_model_version` for each model, in its finest form; a dialect whose reseller shows a coarser
# one (`v4.5` for every 4.5 variant) overrides entries of a copy.
MAJOR_VERSIONS: dict[str, str] = {
    "V3_5": "v3.5",
    "V4": "v4",
    "V4_5": "v4.5",
    "V4_5PLUS": "v4.5+",
    "V4_5ALL": "v4.5-all",
    "V5": "v5",
    "V5_5": "v5.5",
}

# Spellings beyond Suno's versioned name, its codename and our own name: older and dotted `chirp-*` forms, and
# the `suno-v*` names of chat clients and qhaigc. chirp-v3 / chirp-v3-0 have no engine of their own and are
# served by the nearest model, V3_5.
_OTHER_SPELLINGS: dict[str, tuple[str, ...]] = {
    "V3_5": ("chirp-v3", "chirp-v3-0", "chirp-v3.5", "suno-v3", "suno-v3.5"),
    "V4": ("suno-v4",),
    "V4_5": ("chirp-v4.5", "suno-v4.5"),
    "V4_5PLUS": ("chirp-v4-5+", "chirp-v4.5-plus", "suno-v4.5-plus", "suno-v4.5+"),
    "V4_5ALL": ("suno-v4.5-all",),
    "V5": ("suno-v5",),
    "V5_5": ("chirp-v5.5", "suno-v5.5"),
}

# Every accepted spelling (lower case) -> the service's model name.
MODEL_ALIASES: dict[str, str] = {
    spelling: model
    for model in MODEL_NAMES
    for spelling in (
        SUNO_MODEL_NAMES[model],
        *([CODENAMES[model]] if model in CODENAMES else []),
        *_OTHER_SPELLINGS[model],
        model.lower(),
    )
}


def resolve_model(name: str) -> str | None:
    """The service's model name for a client's model string (case and surrounding space ignored), or None;
    the dialect turns None into its own error."""
    return MODEL_ALIASES.get(name.strip().lower())
