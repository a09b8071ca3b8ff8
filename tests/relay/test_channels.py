"""Each upstream kind's adaptor against a real upstream: a second Tunesmith on loopback speaking kie, new-api
and gcui, behind the fault-injecting proxy."""

from __future__ import annotations

import time

import pytest

from tests.support.harness import free_port
from tests.support.relay_upstream import Upstream, channel, follow, song
from tunesmith.domain.operations import OperationKind, SongRequest
from tunesmith.domain.states import FailureKind
from tunesmith.engines.relay.channel import (
    ChannelUnavailable,
    Stage,
    Submission,
    UpstreamRef,
    UpstreamRefused,
)

KINDS = ("kie", "newapi", "gcui")


@pytest.mark.parametrize("kind", KINDS)
def test_generate_reaches_success_through_every_stage(kind: str, healthy: Upstream) -> None:
    ch = channel(kind, healthy.url, healthy.key)
    accepted = ch.submit(Submission(request=song(), model=ch.upstream_model("V4_5") or ""))
    task, stages = follow(ch, accepted.ticket)
    assert task.stage is Stage.SUCCESS
    order = [Stage.PENDING, Stage.TEXT, Stage.FIRST, Stage.SUCCESS]
    assert [order.index(s) for s in stages] == sorted(order.index(s) for s in stages)
    assert Stage.FIRST in stages  # a stream existed before the end
    assert len(task.clips) == 2 and len({c.id for c in task.clips}) == 2
    for clip in task.clips:
        assert clip.status == "complete"
        assert clip.audio_url.startswith(healthy.url + "/media/")
        assert clip.image_url.startswith(healthy.url + "/media/")
        assert clip.title == "Harbor"
        assert "Sun on the water" in clip.lyrics
        assert clip.duration and clip.duration > 1


@pytest.mark.parametrize("kind", KINDS)
def test_description_mode_and_instrumental(kind: str, healthy: Upstream) -> None:
    ch = channel(kind, healthy.url, healthy.key)
    request = SongRequest(
        custom_mode=False, instrumental=True, description="a calm piano track", model="V4_5"
    )
    accepted = ch.submit(Submission(request=request, model=ch.upstream_model("V4_5") or ""))
    task, _ = follow(ch, accepted.ticket)
    assert task.stage is Stage.SUCCESS
    assert all(c.title and c.audio_url for c in task.clips)


@pytest.mark.parametrize("kind", KINDS)
def test_extend_names_the_upstream_clip(kind: str, healthy: Upstream) -> None:
    ch = channel(kind, healthy.url, healthy.key)
    first = ch.submit(Submission(request=song(style="pop"), model=ch.upstream_model("V4_5") or ""))
    done, _ = follow(ch, first.ticket)
    source = done.clips[0]
    request = song(kind=OperationKind.EXTEND, style="pop", continue_at=1.0, lyrics="[Verse 2]\nAnd on")
    ref = UpstreamRef(task_id=first.ticket.task_id, clip_id=source.id, duration=source.duration or 0)
    extended = ch.submit(Submission(request=request, model=ch.upstream_model("V4_5") or "", source=ref))
    task, _ = follow(ch, extended.ticket)
    assert task.stage is Stage.SUCCESS
    assert {c.id for c in task.clips}.isdisjoint({c.id for c in done.clips})
    assert all(c.audio_url for c in task.clips)


@pytest.mark.parametrize("kind", KINDS)
def test_lyrics(kind: str, healthy: Upstream) -> None:
    ch = channel(kind, healthy.url, healthy.key)
    request = SongRequest(kind=OperationKind.LYRICS, description="a song about lighthouses")
    accepted = ch.submit(Submission(request=request, model=ch.upstream_model("V4_5") or "", clips=0))
    task = accepted.result or follow(ch, accepted.ticket)[0]
    assert task.stage is Stage.SUCCESS
    assert task.lyrics and all(v["text"].strip() for v in task.lyrics)


@pytest.mark.parametrize("kind", KINDS)
def test_a_refused_request_is_not_a_dead_channel(kind: str, healthy: Upstream) -> None:
    """The upstream answers, but refuses this very request: another channel would too."""
    ch = channel(kind, healthy.url, healthy.key)
    bad = song(lyrics="", instrumental=False)  # custom mode, vocals, and no lyrics
    with pytest.raises(UpstreamRefused) as refused:
        ch.submit(Submission(request=bad, model=ch.upstream_model("V4_5") or ""))
    assert refused.value.kind is FailureKind.CREATE_TASK_FAILED
    assert ch.name in refused.value.message


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("fault", ["drop", "429", "500", "hang"])
def test_faults_make_the_channel_unavailable(kind: str, fault: str, healthy: Upstream) -> None:
    ch = channel(kind, healthy.url, healthy.key, timeout=1.0)
    healthy.proxy.fail(fault)
    with pytest.raises(ChannelUnavailable) as down:
        ch.submit(Submission(request=song(), model=ch.upstream_model("V4_5") or ""))
    assert ch.name in down.value.message
    assert healthy.key not in down.value.message


@pytest.mark.parametrize("kind", KINDS)
def test_a_dead_port_and_a_wrong_key_make_the_channel_unavailable(kind: str, healthy: Upstream) -> None:
    dead = channel(kind, f"http://127.0.0.1:{free_port()}", healthy.key, timeout=2.0)
    with pytest.raises(ChannelUnavailable):
        dead.submit(Submission(request=song(), model=dead.upstream_model("V4_5") or ""))
    wrong = channel(kind, healthy.url, "sk-wrong-key-0123456789", timeout=5.0)
    with pytest.raises(ChannelUnavailable) as refused:
        wrong.submit(Submission(request=song(), model=wrong.upstream_model("V4_5") or ""))
    assert "sk-wrong-key-0123456789" not in refused.value.message
    assert "sk-wrong-key-0123456789" not in repr(wrong.config)


@pytest.mark.parametrize(("kind", "path"), [("newapi", "/suno/fetch"), ("gcui", "/api/get")])
def test_batch_kinds_poll_many_tasks_in_one_request(kind: str, path: str, healthy: Upstream) -> None:
    ch = channel(kind, healthy.url, healthy.key)
    tickets = [
        ch.submit(
            Submission(request=song(style="pop", title=f"Take {i}"), model=ch.upstream_model("V4_5") or "")
        ).ticket
        for i in range(3)
    ]
    method = "POST" if kind == "newapi" else "GET"
    before = time.monotonic()
    found = ch.poll(tickets)
    assert healthy.proxy.count(method, path, since=before) == 1
    assert set(found) == {t.task_id for t in tickets}


def test_kie_polls_one_record_per_request(healthy: Upstream) -> None:
    ch = channel("kie", healthy.url, healthy.key)
    tickets = [ch.submit(Submission(request=song(style="pop"), model="V4_5")).ticket for _ in range(2)]
    before = time.monotonic()
    found = ch.poll(tickets)
    assert healthy.proxy.count("GET", "/api/v1/generate/record-info", since=before) == 2
    assert set(found) == {t.task_id for t in tickets}


def test_unknown_upstream_tasks_are_left_out(healthy: Upstream) -> None:
    for kind in KINDS:
        ch = channel(kind, healthy.url, healthy.key)
        ticket = Submission(request=song(), model="V4_5").ticket(
            "0" * 32, ["00000000-0000-4000-8000-000000000000"]
        )
        assert ch.poll([ticket]) == {}


def test_upstream_word_timings_lose_section_tags_and_unplaced_words() -> None:
    from tunesmith.engines.relay.channel import timed_words

    kie = [  # as kie's documentation shows them: a section's tag rides on its first word
        {"word": "[Verse]\nWaggin'", "success": True, "startS": 1.36, "endS": 1.79, "palign": 0},
        {"word": "[Chorus]", "success": True, "startS": 2.0, "endS": 2.1},
        {"word": "tail", "success": False, "startS": 2.2, "endS": 2.5},
        {"word": "late", "success": True, "startS": 3.0, "endS": 2.9},
        {"word": "bad", "success": True, "startS": "soon", "endS": 4.0},
    ]
    assert timed_words(kie, "startS", "endS") == [
        {"word": "Waggin'", "start_s": 1.36, "end_s": 1.79},
        {"word": "late", "start_s": 3.0, "end_s": 3.0},
    ]
    assert timed_words({"not": "a list"}, "start_s", "end_s") == []
