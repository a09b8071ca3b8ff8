"""Operations on relayed songs: what needs only the audio runs here on the copy (WAV, video, cover art); what
needs what an engine kept (stems, word timings, MIDI) is relayed to the upstream that made the song where its
kind offers it, and refused where it does not."""

from __future__ import annotations

import io
import json
import time

import pretty_midi
import pytest

from tests.relay.relaying import channel, decoded_seconds, generate_body, submit, wait_record
from tests.support.relay_upstream import Upstream
from tunesmith.settings import DEFAULT_COSTS as COST

KINDS = ("kie", "newapi", "gcui")


@pytest.mark.parametrize("kind", KINDS)
def test_word_timings_are_the_upstreams_own(kind: str, healthy: Upstream, relay_for) -> None:  # type: ignore[no-untyped-def]
    relay = relay_for([channel("up", kind, healthy.url, healthy.key)])
    with relay.client(relay.new_key()) as client, healthy.harness.client(healthy.key) as upstream:
        task_id = submit(client, generate_body(style="pop"))
        clip = wait_record(client, task_id)["response"]["sunoData"][0]
        made = relay.services.store.get_task(task_id)
        assert made is not None
        their_clip = made.engine_state["clips"][clip["id"]]
        asked = client.post(
            "/api/v1/generate/get-timestamped-lyrics", json={"taskId": task_id, "audioId": clip["id"]}
        ).json()
        aligned = client.get("/api/get_aligned_lyrics", params={"song_id": clip["id"]})
        if kind == "newapi":  # new-api offers no timings: none are invented
            assert asked["code"] != 200 and "timings" in asked["msg"]
            assert aligned.status_code != 200
            return
        assert asked["code"] == 200, asked
        ours = [(w["word"], w["startS"], w["endS"]) for w in asked["data"]["alignedWords"]]
        theirs = upstream.get("/api/get_aligned_lyrics", params={"song_id": their_clip}).json()
        assert ours == [(w["word"], w["start_s"], w["end_s"]) for w in theirs]
        assert [w for w, _, _ in ours][:3] == ["Lanterns", "on", "the"]
        assert all(0 <= start <= end <= clip["duration"] for _, start, end in ours)
        assert aligned.status_code == 200 and [w["word"] for w in aligned.json()] == [w for w, _, _ in ours]
    asked_upstream = healthy.proxy.requests(
        "POST" if kind == "kie" else "GET",
        "/api/v1/generate/get-timestamped-lyrics" if kind == "kie" else "/api/get_aligned_lyrics",
    )
    assert any(their_clip.encode() in s.body or their_clip in s.query for s in asked_upstream)


def test_derived_operations_on_relayed_songs(healthy: Upstream, relay_for) -> None:  # type: ignore[no-untyped-def]
    relay = relay_for([channel("n", "newapi", healthy.url, healthy.key)])  # new-api offers no stems
    key = relay.new_key()
    with relay.client(key) as client:
        task_id = submit(client, generate_body(style="pop"))
        clip = wait_record(client, task_id)["response"]["sunoData"][0]
        wav_id = submit(client, {"taskId": task_id, "audioId": clip["id"]}, "/api/v1/wav/generate")
        wav = wait_record(
            client,
            wav_id,
            done=("SUCCESS", "CREATE_TASK_FAILED", "GENERATE_WAV_FAILED"),
            path="/api/v1/wav/record-info",
            field="successFlag",
        )
        assert wav["successFlag"] == "SUCCESS"
        assert decoded_seconds(client, wav["response"]["audioWavUrl"]) == pytest.approx(
            clip["duration"], abs=0.1
        )
        mp4_id = submit(client, {"taskId": task_id, "audioId": clip["id"]}, "/api/v1/mp4/generate")
        mp4 = wait_record(
            client,
            mp4_id,
            done=("SUCCESS", "CREATE_TASK_FAILED", "GENERATE_MP4_FAILED"),
            path="/api/v1/mp4/record-info",
            field="successFlag",
        )
        assert mp4["successFlag"] == "SUCCESS"
        video = client.get(mp4["response"]["videoUrl"])
        assert video.status_code == 200 and video.content[4:8] == b"ftyp"
        cover_id = submit(client, {"taskId": task_id}, "/api/v1/suno/cover/generate")
        cover = wait_record(
            client, cover_id, done=(1, 3), path="/api/v1/suno/cover/record-info", field="successFlag"
        )
        assert cover["successFlag"] == 1 and cover["response"]["images"]
        refused = client.post(
            "/api/v1/vocal-removal/generate", json={"taskId": task_id, "audioId": clip["id"]}
        ).json()
        assert refused["code"] != 200 and "stems" in refused["msg"].lower()
        credits = client.get("/api/v1/generate/credit").json()["data"]
    assert credits == 1000 - 12 - 1 - 2 - 1  # song, WAV, video, cover; the refusal charged nothing


def test_stems_and_midi_of_a_kie_song_are_made_by_the_upstream(healthy: Upstream, relay_for) -> None:  # type: ignore[no-untyped-def]
    relay = relay_for([channel("k", "kie", healthy.url, healthy.key)])
    with relay.client(relay.new_key(credits=100)) as client:
        task_id = submit(client, generate_body(style="pop"))
        clip = wait_record(client, task_id)["response"]["sunoData"][0]
        body = {"taskId": task_id, "audioId": clip["id"], "type": "separate_vocal"}
        stems_id = submit(client, body, "/api/v1/vocal-removal/generate")
        stems = wait_record(
            client,
            stems_id,
            done=("SUCCESS", "CREATE_TASK_FAILED", "GENERATE_AUDIO_FAILED"),
            path="/api/v1/vocal-removal/record-info",
            field="successFlag",
        )
        assert stems["successFlag"] == "SUCCESS", stems
        for name in ("vocalUrl", "instrumentalUrl"):
            url = stems["response"][name]
            assert url.startswith(relay.base_url + "/media/")
            assert decoded_seconds(client, url) == pytest.approx(clip["duration"], abs=0.1)
        # MIDI is the upstream's too, made from its separation (kie's way); the music task alone is refused.
        refused = client.post("/api/v1/midi/generate", json={"taskId": task_id, "audioId": clip["id"]}).json()
        assert refused["code"] != 200 and "MIDI" in refused["msg"] and "vocal-removal" in refused["msg"]
        midi_id = submit(client, {"taskId": stems_id}, "/api/v1/midi/generate")
        midi = wait_record(
            client, midi_id, done=(1, 2, 3), path="/api/v1/midi/record-info", field="successFlag"
        )
        assert midi["successFlag"] == 1, midi
        assert midi["recordTaskId"] == stems_id
        credits = client.get("/api/v1/generate/credit").json()["data"]
        midi_file = client.get(midi["midiUrl"])
    sent = healthy.proxy.requests("POST", "/api/v1/vocal-removal/generate")[-1]
    source = relay.services.store.get_task(task_id)
    separation = relay.services.store.get_task(stems_id)
    assert source is not None and separation is not None
    upstream = json.loads(sent.body)
    assert upstream["taskId"] == source.engine_state["ticket"]["task_id"]
    assert upstream["audioId"] == source.engine_state["clips"][clip["id"]]
    [asked] = healthy.proxy.requests("POST", "/api/v1/midi/generate")[-1:]
    assert json.loads(asked.body)["taskId"] == separation.engine_state["ticket"]["task_id"]
    # The notes are the upstream's, exactly as its own record reports them.
    made = relay.services.store.get_task(midi_id)
    assert made is not None
    with healthy.harness.client(healthy.key) as up:
        theirs = up.get(
            "/api/v1/midi/record-info", params={"taskId": made.engine_state["ticket"]["task_id"]}
        ).json()["data"]["midiData"]
    assert midi["midiData"]["instruments"] == theirs["instruments"]
    notes = sum(len(i["notes"]) for i in theirs["instruments"])
    assert notes > 0
    song = pretty_midi.PrettyMIDI(io.BytesIO(midi_file.content))
    assert sum(len(i.notes) for i in song.instruments) == notes
    assert song.get_end_time() == pytest.approx(clip["duration"], abs=0.01)
    assert credits == 100 - 12 - COST["stems"] - COST["midi"]  # the refusal charged nothing


def test_replace_section_of_a_kie_song_runs_on_its_upstream(healthy: Upstream, relay_for) -> None:  # type: ignore[no-untyped-def]
    relay = relay_for([channel("k", "kie", healthy.url, healthy.key)])
    replace = {
        "prompt": "[Chorus]\nNew words",
        "tags": "pop",
        "title": "Harbor (Edit)",
        "infillStartS": 2.5,
        "infillEndS": 12.5,
        "fullLyrics": "[Verse]\nLanterns on the harbor\n[Chorus]\nNew words",
    }
    with relay.client(relay.new_key()) as client:
        task_id = submit(client, generate_body(style="pop test:seconds=24"))
        clip = wait_record(client, task_id)["response"]["sunoData"][0]
        edit_id = submit(
            client, {"taskId": task_id, "audioId": clip["id"], **replace}, "/api/v1/generate/replace-section"
        )
        edited = wait_record(client, edit_id)
        assert edited["status"] == "SUCCESS", edited
        takes = edited["response"]["sunoData"]
        assert len(takes) == 2 and all(t["title"] == "Harbor (Edit)" for t in takes)
        for take in takes:
            assert take["audioUrl"].startswith(relay.base_url + "/media/")
            assert decoded_seconds(client, take["audioUrl"]) == pytest.approx(24.0, abs=0.1)
    source = relay.services.store.get_task(task_id)
    assert source is not None
    [sent] = healthy.proxy.requests("POST", "/api/v1/generate/replace-section")[-1:]
    asked = json.loads(sent.body)
    assert asked["taskId"] == source.engine_state["ticket"]["task_id"]
    assert asked["audioId"] == source.engine_state["clips"][clip["id"]]
    assert (asked["infillStartS"], asked["infillEndS"], asked["fullLyrics"]) == (
        2.5,
        12.5,
        replace["fullLyrics"],
    )


def test_stems_of_a_gcui_song_are_the_upstreams_stem_clips(healthy: Upstream, relay_for) -> None:  # type: ignore[no-untyped-def]
    relay = relay_for([channel("g", "gcui", healthy.url, healthy.key)])
    with relay.client(relay.new_key()) as client:
        task_id = submit(client, generate_body(style="pop"))
        clip = wait_record(client, task_id)["response"]["sunoData"][0]
        answer = client.post("/api/generate_stems", json={"audio_id": clip["id"]})
        assert answer.status_code == 200, answer.text
        ids = ",".join(stem["id"] for stem in answer.json())
        deadline = time.monotonic() + 60
        while True:
            stems = client.get("/api/get", params={"ids": ids}).json()
            if all(stem["status"] == "complete" for stem in stems):
                break
            assert all(stem["status"] != "error" for stem in stems) and time.monotonic() < deadline, stems
            time.sleep(0.4)
        parts = {s["title"].rsplit("(", 1)[-1].rstrip(")").lower(): s for s in stems}
        assert set(parts) == {"vocals", "drums", "bass", "other"}  # as the upstream split it
        for stem in stems:
            assert stem["audio_url"].startswith(relay.base_url + "/media/")
            assert decoded_seconds(client, stem["audio_url"]) == pytest.approx(clip["duration"], abs=0.1)
    source = relay.services.store.get_task(task_id)
    assert source is not None
    [asked] = healthy.proxy.requests("POST", "/api/generate_stems")[-1:]
    assert json.loads(asked.body) == {"audio_id": source.engine_state["clips"][clip["id"]]}
