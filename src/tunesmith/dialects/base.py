"""What every dialect shares: how media URLs are built, and how errors are rendered."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Generic, Protocol, TypeVar

from tunesmith.domain.errors import ServiceError

Entry = TypeVar("Entry")


class UrlBuilder(Protocol):
    """Turns media-store keys into the public URLs clients download from."""

    def media(self, key: str | None) -> str:
        """The stable URL of a stored file ('' when key is None)."""
        ...

    def stream(self, clip_id: str) -> str:
        """The URL that plays a clip while it renders and the final MP3 after."""
        ...


class ErrorTable(Generic[Entry]):
    """A dialect's answer for each error class, found along the raised error's class hierarchy (its MRO), as
    Starlette finds exception handlers: the most specific class listed wins whatever the order of the rows,
    and an error whose classes are all unlisted gets `default`."""

    def __init__(self, entries: Mapping[type[ServiceError], Entry], *, default: Entry) -> None:
        self.entries: dict[type[ServiceError], Entry] = dict(entries)
        self.default = default

    def lookup(self, err: ServiceError) -> Entry:
        for cls in type(err).__mro__:
            if cls in self.entries:
                return self.entries[cls]
        return self.default


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
