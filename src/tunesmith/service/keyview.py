"""What `tunesmith keys show PREFIX` tells an operator about one key: balance, tasks by state, storage used
against its quota. Never the key itself or its webhook secret (only whether it has one)."""

from __future__ import annotations

from typing import Any

from tunesmith.domain.errors import NotFound
from tunesmith.domain.models import ApiKey
from tunesmith.store.base import Store


class AmbiguousPrefix(NotFound):
    """More than one key starts with the prefix given."""


def find_key(store: Store, prefix: str) -> ApiKey:
    """The one key whose prefix (or id) starts with `prefix`: NotFound for none, AmbiguousPrefix for more."""
    prefix = prefix.strip()
    found = [k for k in store.list_keys() if prefix and (k.prefix.startswith(prefix) or k.id == prefix)]
    if not found:
        raise NotFound(f"no key starts with {prefix!r} (tunesmith keys list shows every prefix)")
    if len(found) > 1:
        shown = ", ".join(f"{k.prefix} ({k.name})" for k in found)
        raise AmbiguousPrefix(f"{len(found)} keys start with {prefix!r}: {shown}; give more of the prefix")
    return found[0]


def key_usage(store: Store, key: ApiKey, default_storage_mb: int) -> dict[str, Any]:
    quota = key.storage_mb if key.storage_mb is not None else default_storage_mb
    return {
        "id": key.id,
        "prefix": key.prefix,
        "name": key.name,
        "credits": None if key.unlimited else key.credits,
        "unlimited": key.unlimited,
        "tasks": dict(sorted(store.key_task_counts(key.id).items())),
        "storage_bytes": store.media_usage(key.id),
        "storage_quota_mb": quota or None,
        "webhook_secret": bool(key.webhook_secret),
        "created_at": key.created_at.isoformat(timespec="seconds"),
    }
