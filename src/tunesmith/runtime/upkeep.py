"""What a worker does beside running tasks: keep the leases of the tasks it holds alive, say that it is alive
itself, and sweep up after dead workers (expired leases, expired stream pieces). Each runs on its own thread
of the worker (runtime.worker), until the worker stops and, for the heartbeat, holds nothing any more.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime

from tunesmith.dialects.base import UrlBuilder
from tunesmith.media.prune import reap_expired
from tunesmith.media.store import MediaStore
from tunesmith.runtime.reporter import finalize_failure
from tunesmith.settings import Settings
from tunesmith.store.base import Store

log = logging.getLogger("tunesmith.runtime.worker")


def heartbeat_loop(
    store: Store,
    settings: Settings,
    worker_id: str,
    stop: threading.Event,
    held: Callable[[], list[str]],
    lost: Callable[[str], None],
) -> None:
    """Renew every held task's lease a few times per lease period; a lease that cannot be renewed is lost
    (`lost(task_id)`: its slot stops working on it). Runs on after `stop` while tasks are still held."""
    interval = max(0.2, settings.lease_seconds / 3)
    beat(store, worker_id)
    while not stop.wait(interval) or held():
        beat(store, worker_id)
        for task_id in held():
            try:
                if not store.renew_lease(task_id, worker_id, settings.lease_seconds):
                    lost(task_id)
            except Exception:  # noqa: BLE001
                log.exception("heartbeat for %s failed", task_id)
        if stop.is_set() and not held():
            return


def beat(store: Store, worker_id: str) -> None:
    """The worker's own heartbeat (for /readyz and /metrics), whether or not it holds tasks."""
    try:
        store.beat(worker_id)
    except Exception:  # noqa: BLE001 - the next beat tries again
        log.exception("worker heartbeat failed")


def sweep_loop(
    store: Store, media: MediaStore, urls: UrlBuilder, settings: Settings, stop: threading.Event
) -> None:
    """Every few seconds: requeue (or fail, with a refund) tasks whose worker stopped renewing their lease,
    and delete files past their own expiry (the pieces of finished streams)."""
    interval = max(0.5, min(5.0, settings.lease_seconds / 2))
    while not stop.wait(interval):
        try:
            result = store.sweep_expired(datetime.now(UTC))
        except Exception:  # noqa: BLE001
            log.exception("sweep failed")
            continue
        for task_id in result.requeued:
            log.warning("task %s: lease expired, requeued", task_id)
        for task_id in result.failed:
            task = store.get_task(task_id)
            if task is not None:
                finalize_failure(store, urls, task)
        try:
            reap_expired(store, media, datetime.now(UTC))
        except Exception:  # noqa: BLE001 - the next sweep tries again
            log.exception("deleting expired media failed")
