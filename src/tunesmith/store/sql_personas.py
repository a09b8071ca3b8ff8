"""Personas (a voice made from a clip) and the tasks that sang with one."""

from __future__ import annotations

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from tunesmith.domain.errors import Conflict
from tunesmith.domain.models import Persona, Task
from tunesmith.store.rows import persona_from_row, persona_values
from tunesmith.store.sql_core import SqlCore
from tunesmith.store.tables import personas, tasks


class PersonasSql(SqlCore):
    """Mixin of SqlStore: the persona methods of tunesmith.store.base.Store."""

    def create_persona(self, persona: Persona) -> Persona:
        try:
            with self._write() as conn:
                conn.execute(insert(personas).values(**persona_values(persona)))
        except IntegrityError:
            raise Conflict("A persona already exists for this audio", field="audioId") from None
        return persona

    def get_persona(self, persona_id: str) -> Persona | None:
        with self._read() as conn:
            row = conn.execute(select(personas).where(personas.c.id == persona_id)).first()
        return persona_from_row(row) if row else None

    def tasks_with_persona(self, key_id: str, persona_id: str) -> list[Task]:
        stmt = (
            select(tasks.c.id)
            .where(tasks.c.persona_id == persona_id, tasks.c.key_id == key_id)
            .order_by(tasks.c.created_at.desc(), tasks.c.id.desc())
        )
        found: dict[str, Task] = {}
        with self._read() as conn:
            ids = list(conn.execute(stmt).scalars())
            for start in range(0, len(ids), 500):
                found.update(self._load(conn, ids[start : start + 500]))
        return [found[i] for i in ids if i in found]
