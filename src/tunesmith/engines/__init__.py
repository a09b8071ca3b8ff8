"""Engines turn a SongRequest into audio. Each sits behind the small interface in `base`.

The public surface, for anyone writing an engine (docs/writing-an-engine.md) or hosting one:
- the interface (base.py): `Engine`, `EngineJob` with its `ClipSlot`s and `SourceClip`, the `ProgressSink`
  it reports through (`SongText`, `ClipResult`), and `EngineError`;
- engines whose work happens elsewhere (hosted.py): `HostedEngine`, its `EngineDriver`, `HostedTask`,
  `TaskPort`, `TaskGone`;
- naming engines (registry.py): `EngineRegistry`, `register_engine`, `load_engine_class`, `build_engine`.
The engine packages themselves (composer, studio, relay) are implementations, not contracts.
"""

from __future__ import annotations

from tunesmith.engines.base import (
    ClipResult,
    ClipSlot,
    Engine,
    EngineError,
    EngineJob,
    ProgressSink,
    SongText,
    SourceClip,
)
from tunesmith.engines.hosted import EngineDriver, HostedEngine, HostedTask, TaskGone, TaskPort
from tunesmith.engines.registry import EngineRegistry, build_engine, load_engine_class, register_engine

__all__ = [
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
]
