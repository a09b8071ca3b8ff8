"""Engine health reports: each worker's latest report per engine (hosted engines write them; the relay's
status reads them)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import and_, insert, select, update

from tunesmith.store.rows import aware_at
from tunesmith.store.sql_core import SqlCore, now_utc
from tunesmith.store.tables import engine_health


class HealthSql(SqlCore):
    """Mixin of SqlStore: the engine-health methods of tunesmith.store.base.Store."""

    def report_engine_health(self, worker_id: str, engine: str, payload: list[dict[str, Any]]) -> None:
        values = {"payload": json.dumps(payload, ensure_ascii=False), "updated_at": now_utc()}
        where = and_(engine_health.c.worker_id == worker_id, engine_health.c.engine == engine)
        with self._write() as conn:
            if conn.execute(update(engine_health).where(where).values(**values)).rowcount == 0:
                conn.execute(insert(engine_health).values(worker_id=worker_id, engine=engine, **values))

    def engine_health(self, engine: str, since: datetime) -> list[tuple[str, datetime, list[dict[str, Any]]]]:
        query = (
            select(engine_health)
            .where(engine_health.c.engine == engine, engine_health.c.updated_at >= since)
            .order_by(engine_health.c.updated_at.desc())
        )
        with self._read() as conn:
            rows = conn.execute(query).all()
        return [(str(row.worker_id), aware_at(row.updated_at), json.loads(row.payload)) for row in rows]
