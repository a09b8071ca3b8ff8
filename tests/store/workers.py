"""Many processes on one database, as in production: entry points and the runner that starts them.

The entry points live here, not in a test module, because the spawn context re-imports them by name. Each
process opens its own SqlStore, reports what it did through a queue, and never raises: a traceback comes back
as data so the test shows it instead of hanging on a missing result.
"""

from __future__ import annotations

import multiprocessing
import time
import traceback
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from tunesmith.store.sql import SqlStore

JOIN_SECONDS = 90.0  # how long the parent waits for every result before giving up
DEADLINE_SECONDS = 45.0  # a safety net against a livelock, not a timing assertion
IDLE_PAUSE = 0.005  # between empty polls, so idle loops do not starve the busy ones on a small machine


def _run(name: str, url: str, start: Any, results: Any, body: Callable[[SqlStore], Any]) -> None:
    try:
        store = SqlStore(url)
        try:
            store.count_keys()  # connect before the start line, so everybody starts together
            start.wait()
            results.put((name, "ok", body(store)))
        finally:
            store.close()
    except BaseException:  # noqa: BLE001 - reported to the parent
        results.put((name, "error", traceback.format_exc()))


def _all_done(store: SqlStore, task_ids: list[str]) -> bool:
    return all(t.is_terminal for t in store.get_tasks(task_ids))


def claim_until_empty(name: str, url: str, start: Any, results: Any) -> None:
    """Claim with a long lease until the queue is empty; return (task id, attempts, lease owner) per claim."""

    def body(store: SqlStore) -> list[tuple[str, int, str | None]]:
        claimed = []
        while (task := store.claim_next(name, 3600)) is not None:
            claimed.append((task.id, task.attempts, task.lease_owner))
        return claimed

    _run(name, url, start, results, body)


def claim_with_no_lease(name: str, url: str, start: Any, results: Any, task_ids: list[str]) -> None:
    """Claim with leases that expire at once (a worker that dies after every claim) until all tasks end."""

    def body(store: SqlStore) -> list[tuple[str, int]]:
        claimed = []
        deadline = time.monotonic() + DEADLINE_SECONDS
        while time.monotonic() < deadline:
            task = store.claim_next(name, 0)
            if task is not None:
                claimed.append((task.id, task.attempts))
            elif _all_done(store, task_ids):
                break
            else:
                time.sleep(IDLE_PAUSE)
        return claimed

    _run(name, url, start, results, body)


def sweep_until_done(name: str, url: str, start: Any, results: Any, task_ids: list[str]) -> None:
    """Sweep in small batches until all tasks end; return what each sweep reported."""

    def body(store: SqlStore) -> tuple[list[str], list[str]]:
        requeued: list[str] = []
        failed: list[str] = []
        deadline = time.monotonic() + DEADLINE_SECONDS
        while time.monotonic() < deadline:
            result = store.sweep_expired(datetime.now(UTC), limit=5)
            requeued += result.requeued
            failed += result.failed
            if result.requeued or result.failed:
                continue
            if _all_done(store, task_ids):
                break
            time.sleep(IDLE_PAUSE)
        return requeued, failed

    _run(name, url, start, results, body)


def migrate(name: str, url: str, start: Any, results: Any) -> None:
    """Run the start-up migration, as every service process does."""
    try:
        start.wait()
        from tunesmith.store.migrate import current_revision, upgrade

        upgrade(url)
        results.put((name, "ok", current_revision(url)))
    except BaseException:  # noqa: BLE001 - reported to the parent
        results.put((name, "error", traceback.format_exc()))


Target = tuple[Callable[..., None], str, tuple[Any, ...]]  # entry point, process name, extra arguments


def run_processes(targets: list[Target], url: str) -> dict[str, Any]:
    """Start the processes behind one barrier; return each result by name, or fail with the tracebacks."""
    ctx = multiprocessing.get_context("spawn")
    start = ctx.Barrier(len(targets))
    results = ctx.Queue()
    procs = [
        ctx.Process(target=target, args=(name, url, start, results, *extra), daemon=True)
        for target, name, extra in targets
    ]
    for proc in procs:
        proc.start()
    try:
        # Read before joining: a child cannot exit while its queued result is unread.
        outcomes = [results.get(timeout=JOIN_SECONDS) for _ in procs]
    finally:
        for proc in procs:
            proc.join(timeout=10)
            if proc.is_alive():
                proc.kill()
    errors = [f"{name}:\n{detail}" for name, status, detail in outcomes if status != "ok"]
    assert not errors, "\n".join(errors)
    return {name: detail for name, _, detail in outcomes}
