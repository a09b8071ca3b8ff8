"""Durable storage of tasks, clips, keys, credits and callbacks (SQLAlchemy: SQLite or PostgreSQL).

The public surface: `Store` (base.py), the interface the service and the runtime depend on, with the values
it takes and returns (`ClipUpdate`, `SweepResult`), and `SqlStore` (sql.py), its implementation. The SQL
modules behind SqlStore (sql_*.py, tables, rows, migrations) are internal.
"""

from __future__ import annotations

from tunesmith.store.base import ClipUpdate, Store, SweepResult
from tunesmith.store.sql import SqlStore

__all__ = ["ClipUpdate", "SqlStore", "Store", "SweepResult"]
