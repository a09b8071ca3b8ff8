"""Share links in the store: one live link per clip and key, revocation by the owner only, and a revoked link
stays revoked (on SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta

from tests.store.factories import T0, new_key, new_task
from tunesmith.domain.models import Share
from tunesmith.store.sql import SqlStore


def share(key_id: str, task_id: str, clip_id: str, token: str, seconds: int = 0) -> Share:
    return Share(
        token=token,
        key_id=key_id,
        task_id=task_id,
        clip_id=clip_id,
        created_at=T0 + timedelta(seconds=seconds),
    )


def test_a_clip_has_one_live_link_and_its_owner_can_revoke_it(store: SqlStore) -> None:
    key, other = new_key(store), new_key(store)
    task = store.submit_task(new_task(key.id))
    first, second = (clip.id for clip in task.clips)

    made = store.create_share(share(key.id, task.id, first, "token-a"))
    again = store.create_share(share(key.id, task.id, first, "token-b", seconds=5))
    assert made.token == again.token == "token-a"  # sharing twice hands out the same link
    store.create_share(share(key.id, task.id, second, "token-c", seconds=10))
    assert [s.token for s in store.live_shares(key.id)] == ["token-c", "token-a"]
    assert [s.token for s in store.live_shares(key.id, first)] == ["token-a"]
    assert store.live_shares(other.id) == []

    assert store.revoke_share(other.id, "token-a") is None  # not theirs
    assert store.get_share("token-a").revoked_at is None  # type: ignore[union-attr]
    revoked = store.revoke_share(key.id, "token-a")
    assert revoked is not None and revoked.revoked_at is not None
    assert store.revoke_share(key.id, "token-a").revoked_at == revoked.revoked_at  # type: ignore[union-attr]
    assert [s.token for s in store.live_shares(key.id)] == ["token-c"]

    # a new link after revocation is a new token; the old one stays dead
    fresh = store.create_share(share(key.id, task.id, first, "token-d", seconds=20))
    assert fresh.token == "token-d"
    assert store.get_share("token-a").revoked_at is not None  # type: ignore[union-attr]
    assert store.get_share("nope") is None
