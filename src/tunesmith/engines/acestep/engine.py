"""The `acestep` engine: what the API process asks of it (readiness, refusals before charging) and what the
engine process runs (the pipeline, loaded once per configuration and kept warm).

Importing this module is cheap and never imports torch: the API process builds it to call `readiness` and
`check`. The pipeline is loaded by the engine process (a `spawn` child of the worker, so CUDA is safe) on
the first job, from the operator's options that travel with every job (`EngineJob.options["acestep"]`).
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from typing import Any

from tunesmith.domain.errors import InvalidRequest, Unsupported
from tunesmith.domain.models import Task
from tunesmith.domain.operations import OperationKind, SongRequest
from tunesmith.engines.acestep.config import AceStepConfig, inspect_checkpoint, readiness
from tunesmith.engines.base import Engine, EngineError, EngineJob, ProgressSink, Readiness

READINESS_TTL_S = 5.0
MIN_SPAN_S = 10.0  # replace section: kie's limits, as for the composer
MAX_SPAN_FRACTION = 0.5
MAX_DURATION_S = 600.0  # ACE-Step is trained up to 10 minutes


class AceStepEngine(Engine):
    name = "acestep"
    operations = frozenset(
        {
            OperationKind.GENERATE,
            OperationKind.EXTEND,
            OperationKind.UPLOAD_EXTEND,
            OperationKind.REPLACE_SECTION,
            OperationKind.UPLOAD_COVER,
            OperationKind.CROP,
            OperationKind.CONCAT,
        }
    )

    def __init__(self) -> None:
        self.config = AceStepConfig()
        self._readiness: tuple[float, Readiness] | None = None
        self._runner: Any = None  # engines.acestep.operations.Runner, in the engine process only

    def configure(self, options: Mapping[str, Any]) -> None:
        self.config = AceStepConfig.from_options(options)
        self._readiness = None

    def readiness(self) -> Readiness:
        now = time.monotonic()
        if self._readiness is None or now - self._readiness[0] > READINESS_TTL_S:
            self._readiness = (now, readiness(self.config))
        return self._readiness[1]

    def supports(self, kind: OperationKind) -> bool:
        """Stems of its songs too, when the checkpoint is a base one (ACE-Step's `extract`)."""
        if kind is OperationKind.STEMS:
            return self._can_extract()
        return kind in self.operations

    def _can_extract(self) -> bool:
        info = inspect_checkpoint(self.config.checkpoint)
        return not info.problem and info.can_extract

    def check(self, request: SongRequest) -> None:
        kind = request.kind
        if not self.supports(kind):
            raise Unsupported(f"the acestep engine cannot do {kind.value}", field="model")
        if kind is OperationKind.UPLOAD_COVER:
            info = inspect_checkpoint(self.config.checkpoint)
            if not info.problem and not info.can_cover:
                raise Unsupported(
                    "cover is not available: the ACE-Step checkpoint configured here has no audio tokenizer "
                    "(convert the upstream checkpoint with diffusers' converter script to get it)",
                    field="model",
                )
        duration = request.duration
        if duration is not None and (not math.isfinite(duration) or not 0 < duration <= MAX_DURATION_S):
            raise InvalidRequest(
                f"duration must be more than 0 and at most {MAX_DURATION_S:g} seconds, got {duration:g}",
                field="duration",
            )
        sung = request.custom_mode and not request.instrumental
        if kind is OperationKind.GENERATE and sung and not request.lyrics.strip():
            raise InvalidRequest(
                "lyrics are required in custom mode unless the song is instrumental", field="lyrics"
            )
        on_clip = kind in (OperationKind.EXTEND, OperationKind.REPLACE_SECTION, OperationKind.CROP)
        if on_clip and not request.source_clip_id:
            raise InvalidRequest(f"{kind.value} needs the id of the clip to work on", field="source_clip_id")
        at = request.continue_at
        if at is not None and (not math.isfinite(at) or at <= 0):
            raise InvalidRequest(f"continue_at must be more than 0 seconds, got {at:g}", field="continue_at")
        if kind is OperationKind.REPLACE_SECTION:
            start, end = request.span or (0.0, 0.0)
            if end - start < MIN_SPAN_S:
                raise InvalidRequest(f"the span must be at least {MIN_SPAN_S:g} s long", field="span")

    def check_source(self, request: SongRequest, source: Task) -> None:
        """Replace section keeps the composer's limit: at most half of the clip."""
        if request.kind is not OperationKind.REPLACE_SECTION or request.span is None:
            return
        clip = next((c for c in source.clips if c.id == request.source_clip_id), None)
        duration = clip.duration if clip is not None else None
        start, end = request.span
        if duration and end - start > MAX_SPAN_FRACTION * duration + 1e-3:
            raise InvalidRequest(
                f"the span may be at most {MAX_SPAN_FRACTION:.0%} of the clip "
                f"({MAX_SPAN_FRACTION * duration:.2f} s), got {end - start:.2f} s",
                field="span",
            )

    def warm_up(self) -> None:
        """Pay the imports (torch, diffusers: seconds) before the first task; the pipeline itself is loaded
        on the first job, whose options name the checkpoint."""
        from tunesmith.engines.acestep import loading

        loading.import_libraries()

    def close(self) -> None:
        if self._runner is not None:
            self._runner.close()
            self._runner = None

    def run(self, job: EngineJob, sink: ProgressSink) -> None:
        from tunesmith.engines.acestep.operations import Runner

        self.configure(job.options)
        self.check(job.request)
        if self._runner is None or self._runner.config != self.config:
            self.close()
            self._runner = Runner(self.config)
        try:
            self._runner.run(job, sink)
        except EngineError:
            raise
        except Exception as exc:  # noqa: BLE001 - every failure becomes an EngineError for the runtime
            raise EngineError(f"acestep failed: {type(exc).__name__}: {exc}") from exc
