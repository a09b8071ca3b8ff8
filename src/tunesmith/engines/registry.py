"""Which engine serves which model name.

Engines are named by a short alias (`composer`) or by an import path (`package.module:ClassName`), so a
deployment can plug in its own engine without changing Tunesmith. Each client model name (`V3_5` .. `V5_5`)
maps to one engine name through configuration; the default for every model is the built-in composer.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

from tunesmith.domain.errors import InvalidRequest
from tunesmith.domain.operations import DERIVED_OPERATIONS, MODEL_NAMES, OperationKind
from tunesmith.engines.base import Engine

BUILTIN_ENGINES: dict[str, str] = {
    "composer": "tunesmith.engines.composer.engine:ComposerEngine",
    "studio": "tunesmith.engines.studio.engine:StudioEngine",
    "relay": "tunesmith.engines.relay.engine:RelayEngine",
    "acestep": "tunesmith.engines.acestep.engine:AceStepEngine",
}

DEFAULT_ENGINE = "composer"
# Derived operations (WAV, stems, MIDI, video, cover art, lyrics) work on stored artifacts whatever engine
# made the song, so one engine serves them for every model.
DERIVED_ENGINE = "studio"


def register_engine(alias: str, import_path: str) -> None:
    """Make `alias` usable in the model map."""
    BUILTIN_ENGINES[alias] = import_path


def load_engine_class(name: str) -> type[Engine]:
    """Import the engine class for `name` (an alias or `module:Class`)."""
    path = BUILTIN_ENGINES.get(name, name)
    if ":" not in path:
        raise ValueError(f"unknown engine {name!r}: use one of {sorted(BUILTIN_ENGINES)} or 'module:Class'")
    module_name, _, class_name = path.partition(":")
    cls = getattr(importlib.import_module(module_name), class_name)
    if not (isinstance(cls, type) and issubclass(cls, Engine)):
        raise TypeError(f"{path} is not an Engine")
    return cls


def build_engine(name: str, options: Mapping[str, Any] | None = None) -> Engine:
    """A configured instance of the engine called `name`."""
    engine = load_engine_class(name)()
    engine.configure(options or {})
    return engine


class EngineRegistry:
    """Maps client model names to engine names, and engine names to (lazily built) engine instances."""

    def __init__(
        self,
        model_map: Mapping[str, str] | None = None,
        default: str = DEFAULT_ENGINE,
        derived: str = DERIVED_ENGINE,
        options: Mapping[str, Any] | None = None,
    ) -> None:
        self.default = default
        self.derived = derived
        self.options = dict(options or {})
        self.model_map = {m: default for m in MODEL_NAMES}
        self.model_map.update(model_map or {})
        self._instances: dict[str, Engine] = {}

    def engine_name_for(
        self, model: str, kind: OperationKind = OperationKind.GENERATE, *, made_by: str | None = None
    ) -> str:
        """The model's engine. A derived operation goes to the engine that made its source song (`made_by`;
        without a source, the model's engine) when that engine makes it itself (the relay's lyrics, stems
        from an upstream), else to the derived engine."""
        if kind in DERIVED_OPERATIONS:
            name = made_by if made_by is not None else self.model_map.get(model)
            if name is not None and name != self.derived and self._offers(name, kind):
                return name
            return self.derived
        try:
            return self.model_map[model]
        except KeyError:
            allowed = ", ".join(self.model_map)
            raise InvalidRequest(f"model must be one of {allowed}", field="model") from None

    def _offers(self, name: str, kind: OperationKind) -> bool:
        try:
            return self.get(name).supports(kind)
        except Exception:  # noqa: BLE001 - an engine no longer configured makes nothing itself
            return False

    def get(self, name: str) -> Engine:
        """The engine instance for an engine name (built on first use, then kept)."""
        if name not in self._instances:
            self._instances[name] = build_engine(name, self.options)
        return self._instances[name]

    def for_model(self, model: str, kind: OperationKind = OperationKind.GENERATE) -> Engine:
        return self.get(self.engine_name_for(model, kind))
