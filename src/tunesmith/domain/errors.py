"""Errors the service raises, independent of any wire format.

ServiceError
 ├── InvalidRequest        a field is missing, of the wrong type, or out of its limits
 │    └── ContentRefused    a text is refused by the operator's content policy
 ├── Unauthorized          no key, or a key we do not know
 ├── InsufficientCredits   the key's balance is below the operation's cost
 │    └── StorageQuotaExceeded  the key's songs fill its media storage quota
 ├── NotFound              unknown task / clip id (or one that belongs to another key)
 │    └── Expired          the clip's files are past the retention period and gone
 ├── Conflict              the thing asked for exists already (e.g. a second WAV record)
 ├── RateLimited           too many requests in a window
 ├── Unsupported           the engine for this model cannot do this operation
 └── Unavailable           the service cannot take work now (maintenance, shutting down)

Each dialect maps these to its own envelope and status code. No HTTP status lives here.
"""

from __future__ import annotations


class ServiceError(Exception):
    """Something went wrong."""

    def __init__(self, message: str | None = None, *, field: str | None = None) -> None:
        self.message = message or (self.__doc__ or "").strip()
        self.field = field
        super().__init__(self.message)


class InvalidRequest(ServiceError):
    """The request is not valid."""


class PayloadTooLarge(InvalidRequest):
    """A field or upload is larger than allowed."""


class ContentRefused(InvalidRequest):
    """The request was refused by this service's content policy."""


class Unauthorized(ServiceError):
    """You do not have access permissions."""


class InsufficientCredits(ServiceError):
    """The current credits are insufficient. Please top up."""


class NotFound(ServiceError):
    """The requested resource does not exist."""


class Conflict(ServiceError):
    """The resource already exists."""


class RateLimited(ServiceError):
    """Too many requests. Please slow down."""

    def __init__(self, message: str | None = None, *, retry_after: float = 1.0) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Unsupported(ServiceError):
    """This operation is not supported by the configured engine."""


class Unavailable(ServiceError):
    """The service is temporarily unavailable."""


class Expired(NotFound):
    """The audio has expired: its files were kept for the retention period and are gone."""


class StorageQuotaExceeded(InsufficientCredits):
    """The key's media storage quota is used up."""
