"""API keys: created once, shown once, stored only as a SHA-256 hash."""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from dataclasses import dataclass

from tunesmith import logs
from tunesmith.domain.errors import Unauthorized
from tunesmith.domain.models import ApiKey
from tunesmith.store.base import Store

KEY_PREFIX = "tsk_"


def hash_key(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


@dataclass(frozen=True)
class CreatedKey:
    key: ApiKey
    token: str  # the only time the plain key exists


class KeyService:
    """Issues keys and resolves bearer tokens, with a short cache so polling does not hit the database."""

    def __init__(self, store: Store, *, cache_seconds: float = 5.0) -> None:
        self.store = store
        self.cache_seconds = cache_seconds
        self._cache: dict[str, tuple[float, ApiKey]] = {}
        self._lock = threading.Lock()

    def create(
        self,
        *,
        name: str,
        credits: int,
        unlimited: bool = False,
        webhook_secret: str | None = None,
        storage_mb: int | None = None,
    ) -> CreatedKey:
        """A new key (`storage_mb`: its media quota; None takes the operator's default)."""
        token = new_token()
        key = self.store.create_key(
            name=name,
            key_hash=hash_key(token),
            prefix=token[:10],
            credits=credits,
            unlimited=unlimited,
            webhook_secret=webhook_secret,
            storage_mb=storage_mb,
        )
        return CreatedKey(key=key, token=token)

    def create_first(self, credits: int) -> CreatedKey | None:
        """On a first start with no key anywhere (none stored, none configured), create one; else None."""
        if self.store.count_keys() > 0:
            return None
        return self.create(name="first", credits=credits)

    def register_static(self, tokens: list[str]) -> None:
        """Accept the configured development keys as they are (unlimited credits)."""
        for token in tokens:
            self.store.create_key(
                name="env", key_hash=hash_key(token), prefix=token[:6] + "…", credits=0, unlimited=True
            )

    def authenticate(self, authorization: str | None) -> ApiKey:
        """The key behind an `Authorization: Bearer <key>` header, or Unauthorized."""
        if not authorization:
            raise Unauthorized()
        scheme, _, token = authorization.strip().partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token or len(token) > 512:
            raise Unauthorized()
        digest = hash_key(token)
        now = time.monotonic()
        with self._lock:
            hit = self._cache.get(digest)
        if hit and hit[0] > now:
            logs.bind(key_prefix=hit[1].prefix)
            return hit[1]
        key = self.store.get_key_by_hash(digest)
        if key is None:
            raise Unauthorized()
        logs.bind(key_prefix=key.prefix)
        with self._lock:
            if len(self._cache) > 10_000:
                self._cache.clear()
            self._cache[digest] = (now + self.cache_seconds, key)
        return key

    def balance(self, key: ApiKey) -> int:
        fresh = self.store.get_key(key.id)
        return fresh.credits if fresh else 0
