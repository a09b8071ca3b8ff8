"""The packages a plugin author or an operator's code builds on say what their contract is (`__all__`), and
that is exactly what they export: nothing missing, nothing public left out, each name importable.

The expected lists are written out, so a change of a public surface is a deliberate edit here too.
"""

from __future__ import annotations

import importlib
from types import ModuleType

import pytest

SURFACES = {
    "tunesmith.engines": [
        "ClipResult",
        "ClipSlot",
        "Engine",
        "EngineDriver",
        "EngineError",
        "EngineJob",
        "EngineRegistry",
        "HostedEngine",
        "HostedTask",
        "ProgressSink",
        "SongText",
        "SourceClip",
        "TaskGone",
        "TaskPort",
        "build_engine",
        "load_engine_class",
        "register_engine",
    ],
    "tunesmith.store": ["ClipUpdate", "SqlStore", "Store", "SweepResult"],
    "tunesmith.media": [
        "LocalMediaStore",
        "MediaMissing",
        "MediaStore",
        "StoredObject",
        "content_type_for",
        "open_media_store",
    ],
    "tunesmith.dialects": ["Dialect", "ErrorTable", "UrlBuilder", "callback_renderer"],
}


def _public_names(module: ModuleType) -> set[str]:
    """Every public name the package defines or imports, submodules and `from __future__` aside."""
    return {
        name
        for name, value in vars(module).items()
        if not name.startswith("_") and not isinstance(value, ModuleType) and name != "annotations"
    }


@pytest.mark.parametrize("package", sorted(SURFACES))
def test_all_is_the_declared_surface(package: str) -> None:
    module = importlib.import_module(package)
    assert module.__all__ == SURFACES[package]
    assert module.__all__ == sorted(module.__all__), "keep __all__ sorted"


@pytest.mark.parametrize("package", sorted(SURFACES))
def test_every_public_name_is_exported_and_every_export_exists(package: str) -> None:
    module = importlib.import_module(package)
    assert _public_names(module) == set(module.__all__)
    namespace: dict[str, object] = {}
    exec(f"from {package} import *", namespace)  # noqa: S102 - what a star import really gives
    assert set(namespace) - {"__builtins__"} == set(module.__all__)


@pytest.mark.parametrize("package", sorted(SURFACES))
def test_exports_are_defined_inside_the_package(package: str) -> None:
    """Contracts come from the package itself, not re-exported from elsewhere in Tunesmith or a library."""
    module = importlib.import_module(package)
    for name in module.__all__:
        owner = getattr(getattr(module, name), "__module__", package)
        assert owner == package or owner.startswith(package + "."), f"{package}.{name} comes from {owner}"


def test_an_engine_written_against_the_surface_alone_loads() -> None:
    """A plugin imports only `tunesmith.engines` and is found by its `module:Class` path."""
    from tunesmith.engines import Engine, load_engine_class

    cls = load_engine_class("tests.support.tone_engine:ToneEngineForTests")
    assert issubclass(cls, Engine) and cls.name
