"""The relay in front of a real upstream: a second Tunesmith rendering with the composer (no test double),
behind the fault-injecting proxy, spoken to in each upstream kind's dialect. A kie client of the relay gets
two real songs served from the relay's own media, with the upstream's word timings where its kind keeps
them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.relay.relaying import (
    channel,
    decoded_seconds,
    generate_body,
    relay_settings,
    submit,
    wait_record,
    watched_logs,
)
from tests.support.fault_proxy import FaultProxy
from tests.support.harness import ServiceHarness, composer_settings, free_port

pytestmark = pytest.mark.slow

LYRICS = "[Verse]\nLanterns on the harbor\nLight the way back home\n[Chorus]\nHold on, hold on"


@pytest.fixture(scope="module")
def composer_upstream(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FaultProxy, str]]:
    port = free_port()
    with FaultProxy(f"http://127.0.0.1:{port}") as proxy:
        settings = composer_settings(tmp_path_factory.mktemp("composer-up"), port=port, public_url=proxy.url)
        with ServiceHarness(settings) as upstream:
            yield proxy, upstream.new_key(credits=1000)


@pytest.mark.parametrize("kind", ["kie", "newapi", "gcui"])
def test_a_composer_song_through_each_kind(
    kind: str, composer_upstream: tuple[FaultProxy, str], tmp_path: Path
) -> None:
    proxy, key = composer_upstream
    with watched_logs() as logs:
        settings = relay_settings(tmp_path / "relay", [channel("up", kind, proxy.url, key)])
        with ServiceHarness(settings) as relay, relay.client(relay.new_key()) as client:
            body = generate_body(style="folk pop, 100 bpm, female vocals", prompt=LYRICS)
            task_id = submit(client, body)
            data = wait_record(client, task_id, timeout=400)
            assert data["status"] == "SUCCESS", data
            clips = data["response"]["sunoData"]
            assert len(clips) == 2
            for clip in clips:
                assert clip["audioUrl"].startswith(relay.base_url + "/media/")
                seconds = decoded_seconds(client, clip["audioUrl"])
                assert seconds > 5 and clip["duration"] == pytest.approx(seconds, abs=0.1)
                assert "Lanterns on the harbor" in clip["prompt"]
            timed = client.post(
                "/api/v1/generate/get-timestamped-lyrics",
                json={"taskId": task_id, "audioId": clips[0]["id"]},
            ).json()
            if kind == "newapi":
                assert timed["code"] != 200
            else:
                words = [w["word"].strip(",.").lower() for w in timed["data"]["alignedWords"]]
                assert words[:4] == ["lanterns", "on", "the", "harbor"], words
    assert logs.holding(key) == []
