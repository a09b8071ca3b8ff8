"""What an id can look like, so lookups of impossible ids never reach the database.

Every id is made by this service (hex or uuid-like text), so text longer than 64 characters or holding a
control character cannot name a stored task, clip or persona. Such ids are simply not found; PostgreSQL would
otherwise refuse a NUL character in a query parameter with an error.
"""

from __future__ import annotations

MAX_ID_LENGTH = 64


def could_be_id(value: str | None) -> bool:
    return value is not None and 0 < len(value) <= MAX_ID_LENGTH and value.isprintable()
