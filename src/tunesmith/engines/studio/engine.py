"""Dispatches each derived operation to the module that makes it.

Importing this module stays cheap (the API process calls `check`); each operation's module is imported when
it runs, in the engine's child process.
"""

from __future__ import annotations

import importlib

from tunesmith.domain.errors import InvalidRequest
from tunesmith.domain.operations import DERIVED_OPERATIONS, OperationKind, SongRequest
from tunesmith.engines.base import Engine, EngineError, EngineJob, ProgressSink

# operation -> module under tunesmith.engines.studio with `make(job, sink) -> None`
OPERATION_MODULES: dict[OperationKind, str] = {
    OperationKind.WAV: "wav",
    OperationKind.STEMS: "stems",
    OperationKind.MIDI: "midi",
    OperationKind.VIDEO: "video",
    OperationKind.COVER_ART: "cover_art",
    OperationKind.LYRICS: "lyrics",
}


class StudioEngine(Engine):
    name = "studio"
    operations = frozenset(kind for kind in DERIVED_OPERATIONS if kind in OPERATION_MODULES)

    def check(self, request: SongRequest) -> None:
        has_source = request.source_clip_id or request.source_task_id
        if request.kind is not OperationKind.LYRICS and not has_source:
            raise InvalidRequest(f"{request.kind.value} needs the audio to work on", field="audioId")

    def run(self, job: EngineJob, sink: ProgressSink) -> None:
        module_name = OPERATION_MODULES.get(job.request.kind)
        if module_name is None:
            raise EngineError(f"the studio cannot make {job.request.kind.value}")
        module = importlib.import_module(f"tunesmith.engines.studio.{module_name}")
        module.make(job, sink)
