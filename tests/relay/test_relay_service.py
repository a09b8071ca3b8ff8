"""A relaying Tunesmith end to end: a kie client in front, a second Tunesmith (tone test double engine) behind
the fault-injecting proxy, one upstream dialect per channel kind."""

from __future__ import annotations

import json
import time
from itertools import pairwise
from pathlib import Path

import pytest

from tests.relay.relaying import (
    channel,
    decoded_seconds,
    generate_body,
    submit,
    wait_record,
    watched_logs,
)
from tests.support.harness import ServiceHarness, free_port, wait_for
from tests.support.receiver import CallbackReceiver
from tests.support.relay_upstream import Upstream

KINDS = ("kie", "newapi", "gcui")


@pytest.mark.parametrize("kind", KINDS)
def test_a_kie_client_gets_two_songs_served_from_the_relays_own_media(
    kind: str, healthy: Upstream, relay_for
) -> None:  # type: ignore[no-untyped-def]
    with watched_logs() as logs, CallbackReceiver() as hook:
        relay = relay_for([channel("up", kind, healthy.url, healthy.key)])
        key = relay.new_key(credits=100)
        with relay.client(key) as client:
            task_id = submit(client, generate_body(style="folk pop test:slow=0.4", callBackUrl=hook.url))
            data = wait_record(client, task_id)
            assert data["status"] == "SUCCESS", data
            assert healthy.key not in str(data)
            clips = data["response"]["sunoData"]
            assert len(clips) == 2
            for clip in clips:
                assert clip["audioUrl"].startswith(relay.base_url + "/media/")
                assert clip["imageUrl"].startswith(relay.base_url + "/media/")
                assert clip["title"] == "Harbor Lights"
                assert "Lanterns on the harbor" in clip["prompt"]
                seconds = decoded_seconds(client, clip["audioUrl"])
                assert seconds > 1 and clip["duration"] == pytest.approx(seconds, abs=0.1)
            wait_for(lambda: "complete" in hook.stages(), timeout=15)
            assert hook.stages()[0] == "text" and hook.stages()[-1] == "complete"
            credits = client.get("/api/v1/generate/credit").json()["data"]
            assert credits == 100 - 12
        task = relay.services.store.get_task(task_id)
        assert task is not None and task.engine_state["channel"] == "up"
        [attempt] = task.engine_state["attempts"]
        assert attempt["channel"] == "up" and attempt["outcome"] == "accepted"
        assert set(task.engine_state["clips"]) == {c["id"] for c in clips}
        assert healthy.key not in data["param"]
        assert logs.holding(healthy.key) == []


@pytest.mark.parametrize("failure", ["refused connection", "wrong key", "429", "500", "hang", "slow body"])
def test_the_first_channel_dead_the_second_serves(  # type: ignore[no-untyped-def]
    failure: str, healthy: Upstream, relay_for, monkeypatch: pytest.MonkeyPatch
) -> None:
    url, key = healthy.url, healthy.key
    if failure == "refused connection":
        url = f"http://127.0.0.1:{free_port()}"
    elif failure == "wrong key":
        key = "sk-not-a-key-of-this-upstream"
    elif failure == "slow body":  # the answer trickles in: each read is quick, the whole is too slow
        monkeypatch.setattr(healthy.proxy, "slow_bytes_per_s", 30)
        healthy.proxy.fail("slow", "/api/v1/generate")
    else:
        healthy.proxy.fail(failure, "/api/v1/generate")  # only the kie channel's submits
    relay = relay_for(
        [
            channel("dead", "kie", url, key, priority=0),
            channel("alive", "newapi", healthy.url, healthy.key, priority=1),
        ],
        relay_request_timeout_seconds=1.5,
    )
    with watched_logs() as logs, relay.client(relay.new_key()) as client:
        task_id = submit(client, generate_body(style="pop"))
        data = wait_record(client, task_id)
        assert data["status"] == "SUCCESS"
        assert healthy.key not in json.dumps(data)
    task = relay.services.store.get_task(task_id)
    assert task is not None and task.engine_state["channel"] == "alive"
    outcomes = [(a["channel"], a["outcome"]) for a in task.engine_state["attempts"]]
    assert outcomes == [("dead", "unavailable"), ("alive", "accepted")]
    assert "dead" in task.engine_state["attempts"][0]["error"]
    assert healthy.key not in json.dumps(task.engine_state)
    assert logs.holding(healthy.key) == []


def submits_seen(upstream: Upstream) -> int:
    """kie submits the upstream received (not its other POSTs under /api/v1/generate/...)."""
    return sum(1 for s in upstream.proxy.requests("POST", "/api/v1/generate") if s.path == "/api/v1/generate")


def test_all_channels_down_fails_clearly_and_refunds_once(healthy: Upstream, relay_for) -> None:  # type: ignore[no-untyped-def]
    healthy.proxy.fail("500", "/api/v1/generate")
    with watched_logs() as logs:
        relay = relay_for(
            [
                channel("gone", "gcui", f"http://127.0.0.1:{free_port()}", healthy.key),
                channel("broken", "kie", healthy.url, healthy.key, priority=1),
            ]
        )
        key = relay.new_key(credits=50)
        with relay.client(key) as client:
            task_id = submit(client, generate_body())
            data = wait_record(client, task_id, timeout=30)
            assert data["status"] == "CREATE_TASK_FAILED"
            assert "every relay channel failed" in data["errorMessage"]
            assert "gone" in data["errorMessage"] and "broken" in data["errorMessage"]
            assert healthy.key not in str(data)
            time.sleep(1.0)  # a second look must not refund again
            assert client.get("/api/v1/generate/credit").json()["data"] == 50
        ledger = relay.services.store.ledger(relay.services.store.get_task(task_id).key_id)  # type: ignore[union-attr]
        moves = [(row["delta"], row["reason"]) for row in ledger if row.get("task_id") == task_id]
        assert sorted(d for d, _ in moves) == [-12, 12]
        assert logs.holding(healthy.key) == []


def test_an_upstream_that_dies_mid_task_times_out_and_refunds_once(tmp_path: Path, relay_for) -> None:  # type: ignore[no-untyped-def]
    from tests.support.fault_proxy import FaultProxy
    from tests.support.harness import settings_for_tests

    port = free_port()
    with FaultProxy(f"http://127.0.0.1:{port}") as proxy:
        upstream = ServiceHarness(
            settings_for_tests(tmp_path / "up", port=port, public_url=proxy.url)
        ).start()
        up_key = upstream.new_key()
        relay = relay_for([channel("mortal", "kie", proxy.url, up_key)], task_timeout_seconds=6.0)
        key = relay.new_key(credits=30)
        with relay.client(key) as client:
            task_id = submit(client, generate_body(style="pop test:slow=3"))
            wait_for(lambda: relay.services.store.get_task(task_id).engine_state.get("ticket"), timeout=10)  # type: ignore[union-attr]
            upstream.stop()  # the upstream dies with the task half made
            data = wait_record(client, task_id, timeout=20)
            assert data["status"] == "GENERATE_AUDIO_FAILED" and data["errorCode"] == 408
            assert "mortal" in data["errorMessage"]
            time.sleep(1.0)
            assert client.get("/api/v1/generate/credit").json()["data"] == 30
        store = relay.services.store
        task = store.get_task(task_id)
        assert task is not None and task.refunded
        moves = [row["delta"] for row in store.ledger(task.key_id) if row.get("task_id") == task_id]
        assert sorted(moves) == [-12, 12]


def test_kie_polls_stay_within_three_per_second_per_task(healthy: Upstream, relay_for) -> None:  # type: ignore[no-untyped-def]
    relay = relay_for([channel("k", "kie", healthy.url, healthy.key)], relay_poll_interval_seconds=0.05)
    key = relay.new_key()
    with relay.client(key) as client:
        ids = [submit(client, generate_body(style="pop test:slow=0.5")) for _ in range(2)]
        for task_id in ids:
            assert wait_record(client, task_id)["status"] == "SUCCESS"
    upstream_ids = {relay.services.store.get_task(t).engine_state["ticket"]["task_id"] for t in ids}  # type: ignore[union-attr]
    for upstream_id in upstream_ids:
        times = [
            s.at
            for s in healthy.proxy.requests("GET", "/api/v1/generate/record-info")
            if f"taskId={upstream_id}" in s.query
        ]
        assert len(times) >= 3
        busiest = max(sum(1 for t in times if start <= t < start + 1.0) for start in times)
        assert busiest <= 3
    assert not [
        a for a in healthy.proxy.answers if a[0].startswith("/api/v1/generate/record-info") and a[1] == 429
    ]


def test_one_new_api_fetch_per_cycle_for_twenty_open_tasks(tmp_path: Path, relay_for) -> None:  # type: ignore[no-untyped-def]
    from tests.support.fault_proxy import FaultProxy
    from tests.support.harness import settings_for_tests

    port = free_port()
    with FaultProxy(f"http://127.0.0.1:{port}") as proxy:
        # An upstream that takes tasks but renders nothing: every relayed task stays open.
        settings = settings_for_tests(tmp_path / "up", port=port, public_url=proxy.url, submit_limit=1000)
        with ServiceHarness(settings, with_worker=False) as upstream:
            up_key = upstream.new_key(credits=10_000)
            relay = relay_for(
                [channel("batch", "newapi", proxy.url, up_key)], relay_poll_interval_seconds=0.5
            )
            key = relay.new_key(credits=10_000)
            with relay.client(key) as client:
                ids = [submit(client, generate_body(title=f"Take {i}")) for i in range(20)]
            store = relay.services.store
            wait_for(lambda: all(store.get_task(t).engine_state.get("ticket") for t in ids), timeout=90)  # type: ignore[union-attr]
            upstream_ids = {store.get_task(t).engine_state["ticket"]["task_id"] for t in ids}  # type: ignore[union-attr]
            time.sleep(0.6)  # let a cycle that started before the last acceptance pass
            start = time.monotonic()
            time.sleep(3.0)
            calls = [s for s in proxy.requests("POST", "/suno/fetch") if s.at >= start]
            assert 2 <= len(calls) <= 7  # one per 0.5 s cycle (fewer when the machine is busy)
            assert all(b.at - a.at >= 0.4 for a, b in pairwise(calls))  # never two in one cycle
            for call in calls:
                assert set(json.loads(call.body)["ids"]) == upstream_ids  # every open task in each


def test_extend_concat_and_lyrics_through_the_relay(healthy: Upstream, relay_for) -> None:  # type: ignore[no-untyped-def]
    relay = relay_for([channel("g", "gcui", healthy.url, healthy.key)])
    key = relay.new_key()
    with relay.client(key) as client:
        task_id = submit(client, generate_body(style="pop"))
        done = wait_record(client, task_id)
        source = done["response"]["sunoData"][0]
        extend = {
            "defaultParamFlag": True,
            "audioId": source["id"],
            "continueAt": 1.0,
            "model": "V4_5",
            "prompt": "[Verse 2]\nThe tide comes in",
            "style": "pop",
            "title": "Harbor Lights II",
        }
        extended_id = submit(client, extend, "/api/v1/generate/extend")
        extended = wait_record(client, extended_id)
        assert extended["status"] == "SUCCESS"
        assert all(c["audioUrl"].startswith(relay.base_url) for c in extended["response"]["sunoData"])
        # The chain joined by the upstream that made it (gcui's /api/concat), asked in gcui's dialect.
        last = extended["response"]["sunoData"][0]
        joined = client.post("/api/concat", json={"clip_id": last["id"]})
        assert joined.status_code == 200, joined.text
        concat_id = joined.json()["id"]
        deadline = time.monotonic() + 60
        while (clip := client.get("/api/get", params={"ids": concat_id}).json()[0])["status"] != "complete":
            assert clip["status"] != "error" and time.monotonic() < deadline, clip
            time.sleep(0.4)
        assert clip["audio_url"].startswith(relay.base_url + "/media/")
        joined_seconds = decoded_seconds(client, clip["audio_url"])
        lyrics_id = submit(client, {"prompt": "a lighthouse keeper"}, "/api/v1/lyrics")
        lyrics = wait_record(client, lyrics_id, path="/api/v1/lyrics/record-info")
        assert lyrics["status"] == "SUCCESS"
        assert lyrics["response"]["data"][0]["text"].strip()
    made = relay.services.store.get_task(extended_id)
    assert made is not None and made.engine_state["channel"] == "g"
    extend_call = healthy.proxy.requests("POST", "/api/extend_audio")[-1]
    source_task = relay.services.store.get_task(task_id)
    assert source_task is not None
    assert source_task.engine_state["clips"][source["id"]].encode() in extend_call.body  # the upstream's id
    concat_call = json.loads(healthy.proxy.requests("POST", "/api/concat")[-1].body)
    assert concat_call == {"clip_id": made.engine_state["clips"][last["id"]]}
    joined_task = relay.services.store.get_clip(concat_id)
    assert joined_task is not None
    their_clip = relay.services.store.get_task(joined_task.task_id).engine_state["clips"][concat_id]  # type: ignore[union-attr]
    with healthy.harness.client(healthy.key) as upstream:
        [theirs] = upstream.get("/api/get", params={"ids": their_clip}).json()
    assert joined_seconds == pytest.approx(theirs["duration"], abs=0.1)
    assert joined_seconds > last["duration"]  # the whole chain, not the last part


def test_a_resumed_task_is_never_submitted_twice(healthy: Upstream, relay_for) -> None:  # type: ignore[no-untyped-def]
    from tunesmith.runtime.worker import Worker

    relay = relay_for([channel("k", "kie", healthy.url, healthy.key)])
    key = relay.new_key()
    before = submits_seen(healthy)
    with watched_logs() as logs, relay.client(key) as client:
        task_id = submit(client, generate_body(style="pop test:slow=1"))
        store = relay.services.store
        wait_for(lambda: store.get_task(task_id).engine_state.get("ticket"), timeout=10)  # type: ignore[union-attr]
        assert relay.worker is not None
        relay.worker.stop(grace=1.0)  # hands the open task back to the queue
        relay.worker = Worker(store, relay.services.media, relay.services.urls, relay.settings)
        relay.worker.start()
        assert wait_record(client, task_id)["status"] == "SUCCESS"
    assert submits_seen(healthy) - before == 1
    assert [line for line in logs.lines if f"task {task_id}: resuming upstream task" in line]
    task = store.get_task(task_id)
    assert task is not None and len(task.engine_state["attempts"]) == 1


def test_relay_status_and_metrics_show_each_channel_as_workers_see_it(
    healthy: Upstream, relay_for, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    from typer.testing import CliRunner

    from tunesmith.cli import app

    monkeypatch.setattr("tunesmith.runtime.hosted.HEALTH_EVERY_S", 0.2)
    channels = [
        channel("down", "kie", f"http://127.0.0.1:{free_port()}", healthy.key),
        channel("up", "gcui", healthy.url, healthy.key, priority=1, weight=2),
    ]
    relay = relay_for(channels)
    with relay.client(relay.new_key()) as client:
        assert wait_record(client, submit(client, generate_body(style="pop")))["status"] == "SUCCESS"
    time.sleep(0.5)  # the next health report carries the finished task's counters
    monkeypatch.setenv("TUNESMITH_RELAY_CHANNELS", json.dumps(channels))
    result = CliRunner().invoke(
        app, ["relay", "status", "--json", "--data-dir", str(relay.settings.data_dir)], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    assert healthy.key not in result.output
    rows = {row["name"]: row for row in json.loads(result.output)}
    assert rows["down"]["probe"]["ok"] is False and rows["up"]["probe"]["ok"] is True
    assert rows["up"]["probe"]["detail"].startswith("credits")
    [down_seen] = rows["down"]["workers"]
    assert down_seen["submit_failures"] == 1 and down_seen["consecutive_failures"] == 1
    [up_seen] = rows["up"]["workers"]
    assert up_seen["submits"] == 1 and up_seen["mirrored"] == 2 and up_seen["breaker"] == "closed"
    table = CliRunner().invoke(
        app, ["relay", "status", "--no-probe", "--data-dir", str(relay.settings.data_dir)]
    )
    assert table.exit_code == 0 and "down" in table.output and healthy.key not in table.output
    # The same view in /metrics, one series per channel and worker.
    with relay.client() as client:
        exported = client.get("/metrics").text
    worker = up_seen["worker"]
    assert (
        f'tunesmith_relay_channel_submits_total{{channel="up",kind="gcui",worker="{worker}"}} 1.0' in exported
    )
    assert (
        f'tunesmith_relay_channel_submit_failures_total{{channel="down",kind="kie",worker="{worker}"}} 1.0'
        in (exported)
    )
    assert (
        f'tunesmith_relay_channel_breaker{{channel="up",kind="gcui",state="closed",worker="{worker}"}} 1.0'
        in exported
    )
    assert healthy.key not in exported


def test_the_stream_plays_from_the_relay_while_the_upstream_renders(healthy: Upstream, relay_for) -> None:  # type: ignore[no-untyped-def]
    import io

    import soundfile as sf

    relay = relay_for([channel("n", "newapi", healthy.url, healthy.key)])
    with relay.client(relay.new_key()) as client:
        task_id = submit(client, generate_body(style="pop test:slow=1.5"))
        first = wait_record(client, task_id, done=("FIRST_SUCCESS", "SUCCESS"))
        assert first["status"] == "FIRST_SUCCESS", "the relay skipped the streaming stage"
        playing = [c for c in first["response"]["sunoData"] if c["streamAudioUrl"] and not c["audioUrl"]]
        assert playing, first["response"]["sunoData"]
        assert playing[0]["streamAudioUrl"].startswith(relay.base_url + "/stream/")
        streamed = client.get(playing[0]["streamAudioUrl"], timeout=30)
        assert streamed.status_code == 200 and streamed.headers["content-type"] == "audio/mpeg"
        data, rate = sf.read(io.BytesIO(streamed.content), dtype="float32")
        assert len(data) / rate > 1
        assert wait_record(client, task_id)["status"] == "SUCCESS"
