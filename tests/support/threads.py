"""Racing threads for the concurrency tests: every thread starts its call at the same moment (one barrier),
so that the store, the limiter or the queue sees them together, as under real load."""

from __future__ import annotations

import threading
from collections.abc import Callable


def at_once(target: Callable[[int], object], count: int) -> None:
    """Call target(0) .. target(count - 1), each in its own thread, released together; wait for them all."""
    barrier = threading.Barrier(count)

    def run(n: int) -> None:
        barrier.wait()
        target(n)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
