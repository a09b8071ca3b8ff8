"""A per-process cache of task snapshots, so polling rarely rebuilds a task from the database.

Finished tasks (SUCCESS or FAILED) never change again: they are served from memory outright. A task in
progress is served from memory when the store says its version (`updated_at`, which every change to the task
or its clips moves) is the one cached: a one-column primary-key read instead of two queries and the
conversion of every row. Clients poll much more often than tasks change, so most polls are hits.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from datetime import datetime

from tunesmith.domain.models import Task
from tunesmith.domain.states import QueueStatus


class TaskSnapshots:
    def __init__(self, capacity: int = 20_000) -> None:
        self.capacity = capacity
        self._items: OrderedDict[str, Task] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def is_final(task: Task) -> bool:
        return task.is_terminal and task.queue_status is QueueStatus.DONE

    def get(self, task_id: str) -> Task | None:
        with self._lock:
            task = self._items.get(task_id)
            if task is not None:
                self._items.move_to_end(task_id)
            return task

    def get_final(self, task_id: str) -> Task | None:
        """The cached task if it is finished for good (no database check needed)."""
        task = self.get(task_id)
        return task if task is not None and self.is_final(task) else None

    def get_current(self, task_id: str, version: datetime) -> Task | None:
        """The cached task if it is still at `version`."""
        task = self.get(task_id)
        return task if task is not None and task.updated_at == version else None

    def offer(self, task: Task) -> None:
        with self._lock:
            self._items[task.id] = task
            self._items.move_to_end(task.id)
            while len(self._items) > self.capacity:
                self._items.popitem(last=False)
