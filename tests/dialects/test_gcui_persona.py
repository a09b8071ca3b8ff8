"""gcui-art suno-api `/api/persona`: Suno's persona object (gcui's PersonaResponse), its paging of the clips
sung with the persona, and what it says when the source clip cannot be read."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.support.builders import URLS, clip_builder, task_builder

from tunesmith.dialects import gcui
from tunesmith.domain.models import ApiKey, Clip, Persona, Task
from tunesmith.domain.operations import SongRequest

T0 = datetime(2025, 1, 1, 0, 0, 0, 123000, tzinfo=UTC)

clip = clip_builder(at=T0, duration=120.0, title="City Lights", tags="pop", lyrics="[Verse]\nLa la")
task = task_builder(
    clip, at=T0, request=SongRequest(custom_mode=True, lyrics="[Verse]\nLa la"), dialect="kie"
)
OWNER = ApiKey(id="key-1", name="studio laptop", prefix="ts_abcd", credits=10, created_at=T0)
PERSONA = Persona(
    id="persona-1",
    key_id="key-1",
    name="Midnight Alto",
    description="A warm alto",
    source_clip_id="clip-0",
    voice="f",
    style="pop",
    created_at=T0,
)


def sung(count: int) -> list[tuple[Task, Clip]]:
    """`count` tasks of two clips each, sung with the persona (task-<n>, clips s<n>-0 and s<n>-1)."""
    pairs: list[tuple[Task, Clip]] = []
    for n in range(count):
        clips = (clip(0, id=f"s{n}-0", task_id=f"task-{n}"), clip(1, id=f"s{n}-1", task_id=f"task-{n}"))
        pairs += gcui.task_clips(task(id=f"task-{n}", clips=clips))
    return pairs


def test_persona_object_is_gcuis_persona_response() -> None:
    source = (task(), clip(0))
    body = gcui.render_persona(PERSONA, OWNER, source, sung(1), 1, URLS)
    assert list(body) == ["persona", "total_results", "current_page", "is_following"]
    persona = body["persona"]
    assert list(persona) == list(gcui.PERSONA_FIELDS)
    assert persona["id"] == "persona-1" and persona["root_clip_id"] == "clip-0"
    assert persona["clip"] == gcui.raw_clip(*source, URLS)
    assert persona["image_s3_id"] == "https://media.test/clip-0.png"
    assert (persona["user_display_name"], persona["user_handle"], persona["user_image_url"]) == (
        "studio laptop",
        None,
        None,
    )
    assert persona["persona_clips"] == [{"clip": gcui.raw_clip(t, c, URLS)} for t, c in sung(1)]
    assert (persona["is_owned"], persona["is_public"], persona["is_suno_persona"]) == (True, False, False)
    assert (persona["clip_count"], body["total_results"], body["current_page"]) == (2, 2, 1)
    assert body["is_following"] is False


def test_clips_come_twenty_to_a_page_and_the_totals_count_them_all() -> None:
    pairs = sung(13)  # 26 clips
    ids = [c.id for _, c in pairs]
    pages = [gcui.render_persona(PERSONA, OWNER, None, pairs, n, URLS) for n in (1, 2, 3, 1000)]
    shown = [[e["clip"]["id"] for e in p["persona"]["persona_clips"]] for p in pages]
    assert gcui.PERSONA_PAGE_SIZE == 20
    assert shown == [ids[:20], ids[20:], [], []]
    assert {(p["total_results"], p["persona"]["clip_count"]) for p in pages} == {(26, 26)}
    assert [p["current_page"] for p in pages] == [1, 2, 3, 1000]


def test_a_source_clip_that_cannot_be_read_is_null() -> None:
    body = gcui.render_persona(PERSONA, OWNER, None, [], 1, URLS)
    persona = body["persona"]
    assert persona["clip"] is None and persona["image_s3_id"] is None
    assert persona["root_clip_id"] == "clip-0"  # still named: the persona records it
    assert persona["persona_clips"] == [] and persona["clip_count"] == 0 and body["total_results"] == 0


def test_a_source_clip_without_an_image_has_a_null_image_s3_id() -> None:
    source = (task(), clip(0, image_key=None))
    assert gcui.render_persona(PERSONA, OWNER, source, [], 1, URLS)["persona"]["image_s3_id"] is None
