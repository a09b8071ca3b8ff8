"""What every dialect shares: how media URLs are built, and how errors are rendered."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, Protocol

from tunesmith.domain.errors import ServiceError


class UrlBuilder(Protocol):
    """Turns media-store keys into the public URLs clients download from."""

    def media(self, key: str | None) -> str:
        """The stable URL of a stored file ('' when key is None)."""
        ...

    def stream(self, clip_id: str) -> str:
        """The URL that plays a clip while it renders and the final MP3 after."""
        ...


def error_entry(
    err: ServiceError, table: Sequence[tuple[Any, ...]], default: tuple[Any, ...]
) -> tuple[Any, ...]:
    """What a dialect's error table says about `err`: the rest of the first row whose class `err` is an
    instance of (tables list subclasses first), else `default`."""
    return next((row[1:] for row in table if isinstance(err, row[0])), default)


class Dialect(ABC):
    """A wire format. Subclasses render errors in their own envelope."""

    name: str = ""

    @abstractmethod
    def render_error(self, err: ServiceError) -> tuple[int, dict[str, Any]]:
        """(HTTP status, body) for an error raised while serving this dialect."""


def unix_seconds(moment: datetime | None) -> int:
    return int(moment.timestamp()) if moment else 0


def unix_millis(moment: datetime | None) -> int:
    return int(moment.timestamp() * 1000) if moment else 0


def utc(moment: datetime) -> datetime:
    """The same instant in UTC; naive datetimes are taken to be UTC already."""
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
