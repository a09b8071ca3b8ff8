"""The library: a key's clips with their tasks, newest song first, one page at a time (gcui /api/get
without ids), on SQLite and PostgreSQL."""

from __future__ import annotations

from tests.store.factories import new_key, sung_with
from tunesmith.store.sql import SqlStore


def test_library_pages_a_keys_clips_newest_song_first(store: SqlStore) -> None:
    key, other = new_key(store), new_key(store)
    made = [store.submit_task(sung_with(key.id, None, seconds)) for seconds in range(13)]  # 26 clips
    store.submit_task(sung_with(other.id, None, 99))
    expected = [(t.id, c.id) for t in reversed(made) for c in sorted(t.clips, key=lambda c: c.index)]
    pages = [store.library(key.id, limit=10, offset=n * 10) for n in range(4)]
    assert [len(p) for p in pages] == [10, 10, 6, 0]
    assert [(t.id, c.id) for page in pages for t, c in page] == expected
    task, clip = pages[0][0]
    assert clip in task.clips and task.key_id == key.id
    assert store.library("no-such-key", limit=10) == []
