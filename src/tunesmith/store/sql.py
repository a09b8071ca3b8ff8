"""The Store on SQLAlchemy Core, for SQLite and PostgreSQL alike.

SqlStore is assembled from one mixin per concern, each in its own module over SqlCore (sql_core.py: the
engine, transactions and row locks):

- sql_keys: API keys and credits;            - sql_tasks: submitting and reading tasks and clips;
- sql_queue: claims, leases, the sweep;      - sql_progress: a worker's reports while it holds a task;
- sql_finish: success, failure and refunds;  - sql_personas: personas and the tasks that used them;
- sql_callbacks: callback deliveries;        - sql_health: engine health reports;
- sql_media: media records;                 - sql_stats: figures for /metrics, /readyz, keys show;
- sql_shares: public links to songs.
"""

from __future__ import annotations

from tunesmith.store.base import Store
from tunesmith.store.sql_callbacks import CallbacksSql
from tunesmith.store.sql_health import HealthSql
from tunesmith.store.sql_keys import KeysSql
from tunesmith.store.sql_media import MediaSql
from tunesmith.store.sql_personas import PersonasSql
from tunesmith.store.sql_progress import ProgressSql
from tunesmith.store.sql_queue import QueueSql
from tunesmith.store.sql_shares import SharesSql
from tunesmith.store.sql_stats import StatsSql
from tunesmith.store.sql_tasks import TasksSql


class SqlStore(
    KeysSql,
    TasksSql,
    QueueSql,
    ProgressSql,
    PersonasSql,
    CallbacksSql,
    HealthSql,
    MediaSql,
    StatsSql,
    SharesSql,
    Store,
):
    """tunesmith.store.base.Store on one SQLAlchemy engine (`SqlStore(url)`)."""
