"""A per-process cache of finished tasks.

A task that reached SUCCESS or FAILED never changes what any dialect renders, and clients keep polling
finished tasks (aggregators re-fetch in batches; apps poll until they notice). Serving those from memory keeps
the hot polling path off the database. Tasks still in progress are always read fresh.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from tunesmith.domain.models import Task
from tunesmith.domain.states import QueueStatus


class FinishedTaskCache:
    def __init__(self, capacity: int = 20_000) -> None:
        self.capacity = capacity
        self._items: OrderedDict[str, Task] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, task_id: str) -> Task | None:
        with self._lock:
            task = self._items.get(task_id)
            if task is not None:
                self._items.move_to_end(task_id)
            return task

    def offer(self, task: Task) -> None:
        """Keep `task` if it is finished for good."""
        if not task.is_terminal or task.queue_status is not QueueStatus.DONE:
            return
        with self._lock:
            self._items[task.id] = task
            self._items.move_to_end(task.id)
            while len(self._items) > self.capacity:
                self._items.popitem(last=False)
