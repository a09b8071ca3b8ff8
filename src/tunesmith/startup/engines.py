"""The engines check at start: every engine the model map (TUNESMITH_MODELS) and the defaults name must load,
or Tunesmith refuses to start, saying which engine, which models use it, and why."""

from __future__ import annotations

from collections.abc import Sequence

from tunesmith.engines.base import Readiness
from tunesmith.engines.registry import BUILTIN_ENGINES, EngineRegistry, build_engine, load_engine_class
from tunesmith.settings import Settings
from tunesmith.startup.config import closest
from tunesmith.startup.errors import OperatorError


def engines_in_use(settings: Settings) -> dict[str, list[str]]:
    """Engine name -> the client models it serves (empty for the derived-operations engine)."""
    registry = EngineRegistry(settings.models, default=settings.default_engine)
    users: dict[str, list[str]] = {}
    for model, name in registry.model_map.items():
        users.setdefault(name, []).append(model)
    users.setdefault(registry.derived, [])
    return users


def check_engines(settings: Settings, only: Sequence[str] = ()) -> list[str]:
    """Import every engine in use (or, for `worker --engine`, the ones named); the names of those checked."""
    users = engines_in_use(settings)
    if only:
        users = {name: users.get(name, []) for name in only}
    for name, models in users.items():
        try:
            load_engine_class(name)
        except Exception as exc:  # noqa: BLE001 - whatever the import raised is the operator's reason
            raise OperatorError(
                f"engine {name!r} {_used_by(name, models, settings)} cannot be loaded: {_reason(name, exc)}"
            ) from exc
    return list(users)


def engine_readiness(settings: Settings, only: Sequence[str] = ()) -> dict[str, tuple[list[str], Readiness]]:
    """Each engine in use (or named): the models it serves and whether it can run with this configuration.
    An engine that cannot even be built is reported not ready, with the reason."""
    users = engines_in_use(settings)
    if only:
        users = {name: users.get(name, []) for name in only}
    found: dict[str, tuple[list[str], Readiness]] = {}
    for name, models in users.items():
        try:
            ready = build_engine(name, settings.registry_options()).readiness()
        except Exception as exc:  # noqa: BLE001 - the operator's reason, whatever it is
            ready = Readiness(ready=False, reason=f"{type(exc).__name__}: {exc}")
        found[name] = (models, ready)
    return found


def readiness_warnings(settings: Settings, only: Sequence[str] = ()) -> list[str]:
    """One line per engine in use that is configured but not ready: its models start refused (at submit,
    in each dialect's envelope, nothing charged) until the operator fixes what the line says."""
    lines = []
    for name, (models, ready) in engine_readiness(settings, only).items():
        if not ready.ready:
            served = f" (models {', '.join(models)} are refused until it is)" if models else ""
            lines.append(f"engine {name} is not ready: {ready.reason}{served}")
    return lines


def _used_by(name: str, models: list[str], settings: Settings) -> str:
    if name not in engines_in_use(settings):
        return "(--engine)"
    if name == settings.default_engine and name not in settings.models.values():
        return "(TUNESMITH_DEFAULT_ENGINE)"
    if models:
        return f"(for {', '.join(models)} in TUNESMITH_MODELS)"
    return "(for the song operations)"


def _reason(name: str, exc: Exception) -> str:
    if ":" not in BUILTIN_ENGINES.get(name, name):
        match = closest(name, BUILTIN_ENGINES)
        hint = f"did you mean {match!r}? " if match else ""
        names = ", ".join(sorted(BUILTIN_ENGINES))
        return f"no such engine: {hint}use one of {names} or 'package.module:ClassName'"
    if isinstance(exc, ModuleNotFoundError):
        return f"{exc} (is the engine's package installed in this environment?)"
    return f"{type(exc).__name__}: {exc}"
