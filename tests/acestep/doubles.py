"""TEST DOUBLES (tests only) for failures that cannot be caused on a CPU: CUDA running out of memory. They
wrap the real pipeline loaded by the real engine, so the engine's own retry and failure code is what runs.

`OomAceStepEngineForTests` can be mapped to a model name (`tests.acestep.doubles:OomAceStepEngineForTests`)
so that a whole task runs through the service: its style says how the pipeline runs out of memory,
`oom:batch` (on batches of several takes only) or `oom:always` (on every call)."""

from __future__ import annotations

from typing import Any

from tunesmith.engines.acestep.engine import AceStepEngine
from tunesmith.engines.base import EngineJob, ProgressSink

OOM_MESSAGE = "CUDA out of memory. Tried to allocate 20.00 GiB (GPU 0; 23.65 GiB total capacity)"


class OomPipeForTests:
    """TEST DOUBLE: the real pipeline, except that it raises torch.cuda.OutOfMemoryError on a batch of
    several takes (`always=False`) or on every call (`always=True`). Records each call's batch size."""

    def __init__(self, real: Any, *, always: bool = False) -> None:
        self.real = real
        self.always = always
        self.batches: list[int] = []

    def __call__(self, **kwargs: Any) -> Any:
        import torch

        size = len(kwargs["prompt"])
        self.batches.append(size)
        if self.always or size > 1:
            raise torch.cuda.OutOfMemoryError(OOM_MESSAGE)
        return self.real(**kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)


class OomAceStepEngineForTests(AceStepEngine):
    """TEST DOUBLE: the real acestep engine on a pipeline wrapped in OomPipeForTests (see the module)."""

    def run(self, job: EngineJob, sink: ProgressSink) -> None:
        from tunesmith.engines.acestep.operations import Runner

        self.configure(job.options)
        if self._runner is None or self._runner.config != self.config:
            self.close()
            self._runner = Runner(self.config)
        loaded = self._runner.loaded
        real = loaded.pipe.real if isinstance(loaded.pipe, OomPipeForTests) else loaded.pipe
        loaded.pipe = OomPipeForTests(real, always="oom:always" in job.request.style)
        super().run(job, sink)
