"""Read-only figures for operators: what /metrics and /readyz report and `tunesmith keys show` prints.

Read from the shared database at the moment they are asked for, so any API process reports the whole service
(every worker, every API process), not only its own traffic.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import case, func, select, text

from tunesmith.store.rows import aware, aware_at
from tunesmith.store.sql_core import SqlCore, now_utc
from tunesmith.store.tables import callback_deliveries, clips, credit_ledger, engine_health, tasks

# The engine_health row a worker writes for itself (engine names are "module:Class" or aliases, never this).
WORKER_HEARTBEAT = "__worker__"


@dataclass(frozen=True)
class ServiceStats:
    tasks: dict[tuple[str, str], int] = field(default_factory=dict)  # (state, engine) -> count
    queued: int = 0
    oldest_queued_age_s: float = 0.0
    callbacks: dict[str, int] = field(default_factory=dict)  # delivery status -> count
    credits_charged: int = 0
    credits_refunded: int = 0
    render_seconds: float = 0.0  # wall time of finished music tasks...
    audio_seconds: float = 0.0  # ...and the audio they made
    heartbeats: dict[str, float] = field(default_factory=dict)  # worker id -> seconds since its last beat


class StatsSql(SqlCore):
    """Mixin of SqlStore: operator figures (tunesmith.store.base.Store)."""

    def ping(self) -> None:
        with self._read() as conn:
            conn.execute(text("SELECT 1")).scalar_one()

    def beat(self, worker_id: str) -> None:
        self.report_engine_health(worker_id, WORKER_HEARTBEAT, [])  # type: ignore[attr-defined]

    def service_stats(self, now: datetime | None = None) -> ServiceStats:
        now = now or now_utc()
        with self._read() as conn:
            by_state = conn.execute(
                select(tasks.c.state, tasks.c.engine, func.count()).group_by(tasks.c.state, tasks.c.engine)
            ).all()
            queued, oldest = conn.execute(
                select(func.count(), func.min(tasks.c.created_at)).where(tasks.c.queue_status == "queued")
            ).one()
            deliveries = conn.execute(
                select(callback_deliveries.c.status, func.count()).group_by(callback_deliveries.c.status)
            ).all()
            charged, refunded = conn.execute(
                select(
                    func.coalesce(
                        func.sum(
                            case((credit_ledger.c.reason.like("charge:%"), -credit_ledger.c.delta), else_=0)
                        ),
                        0,
                    ),
                    func.coalesce(
                        func.sum(
                            case((credit_ledger.c.reason.like("refund:%"), credit_ledger.c.delta), else_=0)
                        ),
                        0,
                    ),
                )
            ).one()
            finished = (
                select(tasks.c.id, tasks.c.started_at, tasks.c.finished_at)
                .where(
                    tasks.c.state == "SUCCESS",
                    tasks.c.started_at.is_not(None),
                    tasks.c.finished_at.is_not(None),
                )
                .order_by(tasks.c.finished_at.desc())
                .limit(200)
                .subquery()
            )
            rows = conn.execute(
                select(
                    finished.c.started_at,
                    finished.c.finished_at,
                    func.coalesce(func.sum(clips.c.duration), 0.0),
                )
                .select_from(finished.join(clips, clips.c.task_id == finished.c.id))
                .group_by(finished.c.id, finished.c.started_at, finished.c.finished_at)
            ).all()
            beats = conn.execute(
                select(engine_health.c.worker_id, engine_health.c.updated_at).where(
                    engine_health.c.engine == WORKER_HEARTBEAT
                )
            ).all()
        render = sum(max(0.0, (aware_at(b) - aware_at(a)).total_seconds()) for a, b, _ in rows)
        oldest_at = aware(oldest)
        return ServiceStats(
            tasks={(state, engine): int(n) for state, engine, n in by_state},
            queued=int(queued),
            oldest_queued_age_s=max(0.0, (now - oldest_at).total_seconds()) if oldest_at else 0.0,
            callbacks={status: int(n) for status, n in deliveries},
            credits_charged=int(charged),
            credits_refunded=int(refunded),
            render_seconds=render,
            audio_seconds=float(sum(d for _, _, d in rows)),
            heartbeats={w: max(0.0, (now - aware(at)).total_seconds()) for w, at in beats},  # type: ignore[operator]
        )

    def key_task_counts(self, key_id: str) -> dict[str, int]:
        with self._read() as conn:
            rows = conn.execute(
                select(tasks.c.state, func.count()).where(tasks.c.key_id == key_id).group_by(tasks.c.state)
            ).all()
        return {state: int(n) for state, n in rows}
