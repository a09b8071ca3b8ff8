"""A take's stems written while it renders: each stretch of stems/*.wav as soon as the mix is final there.

The stems (float32 drums, bass, other, vocals and the dry lead) were written after the last section, five
full-song files competing with the master and the MP3 encode for the 2 cores, and their buffers stayed in
memory until then (in a 2-clip task, while the next take rendered). Written section by section on one thread
(~0.3 s of CPU for 3 minutes), the tail of a take has no stem left to write and the buffers go once the render
ends.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

SR = 44100
STEM_NAMES = ("vocals", "drums", "bass", "other")


def sum_stems(
    drums: np.ndarray,
    bass: np.ndarray,
    other: np.ndarray,
    vocals: np.ndarray | None,
    out: np.ndarray | None = None,
) -> np.ndarray:
    """The mix of the stems, added always in this order: float32 sums depend on it, and a master made again
    from the stem files (StemFiles.summed) must start from the very mix the render summed."""
    mix = np.add(drums, bass, out=out)
    mix += other
    if vocals is not None:
        mix += vocals
    return mix


def behind() -> None:
    """Run the calling thread at a lower priority (Linux: nice is per thread): the files it writes are needed
    only when the take completes, and the threads on a render's critical path must not wait for it."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 5)


class StemFiles:
    """Appends to stems/<name>.wav (float32; vocals and lead only for a sung take) in the order given."""

    def __init__(self, workdir: Path, vocals: bool) -> None:
        self.dir = workdir / "stems"
        self.dir.mkdir(parents=True, exist_ok=True)
        self.names = (*STEM_NAMES, "lead") if vocals else STEM_NAMES[1:]
        self.arts = {f"stem.{name}": f"stems/{name}.wav" for name in self.names}
        # at the normal priority: a writer that falls behind keeps the stem buffers in memory into the tail
        self.ex = ThreadPoolExecutor(max_workers=1, thread_name_prefix="stems")
        self.files: dict[str, Any] = {}  # name -> soundfile.SoundFile, opened by the writing thread
        self.jobs: list[Future[None]] = []
        self.at = 0
        self.closed = False

    def write_until(self, stop: int, song: dict[str, np.ndarray]) -> None:
        """Queue samples [written so far, stop) of each stem; `song`: name -> the full-song buffer (which
        must not change there any more)."""
        a = self.at
        if stop <= a:
            return
        parts = {name: song[name][a:stop] for name in self.names}
        self.jobs.append(self.ex.submit(self._write, parts))
        self.at = stop

    def _write(self, parts: dict[str, np.ndarray]) -> None:
        import soundfile as sf

        for name, data in parts.items():
            out = self.files.get(name)
            if out is None:
                channels = 1 if data.ndim == 1 else data.shape[1]
                out = sf.SoundFile(str(self.dir / f"{name}.wav"), "w", SR, channels, subtype="FLOAT")
                self.files[name] = out
            out.write(data)

    def close(self) -> None:
        """Wait for every queued write and close the files; raises what a write raised."""
        if self.closed:
            return
        self.closed = True
        try:
            self.ex.shutdown(wait=True)
            for job in self.jobs:
                job.result()
        finally:
            self.jobs.clear()
            for out in self.files.values():
                out.close()

    def summed(self) -> np.ndarray:
        """The stems as written, summed as the render sums the mix (for a master made again from them)."""
        import soundfile as sf

        self.close()
        read = {n: sf.read(str(self.dir / f"{n}.wav"), dtype="float32")[0] for n in self.names}
        return sum_stems(read["drums"], read["bass"], read["other"], read.get("vocals"))
