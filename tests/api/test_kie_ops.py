"""kie.ai song operations over real HTTP with the tone test double: WAV, stems, MIDI, mp4, cover, lyrics,
timestamped lyrics, personas and style boost; each through submit → record-info → download → callback, and
each refused input answered in kie's envelope with nothing stored or charged."""

from __future__ import annotations

import io
import json
import time
from pathlib import Path
from typing import Any

import httpx
import pretty_midi
import pytest
import soundfile as sf
from PIL import Image

from tests.support.ffprobe import probe
from tests.support.harness import ServiceHarness, wait_for
from tests.support.kie_client import LYRICS, Song, balance, make_song, poll, song_body
from tests.support.receiver import CallbackReceiver


def callbacks_for(receiver: CallbackReceiver, task_id: str, timeout: float = 15.0) -> list[dict]:
    def found() -> list[dict]:
        return [r for r in receiver.received if task_id in json.dumps(r)]

    return wait_for(found, timeout=timeout, interval=0.1)


@pytest.fixture(scope="module")
def song(service: ServiceHarness) -> Song:
    return make_song(service, service.new_key(credits=1000))


@pytest.fixture(scope="module")
def receiver() -> Any:
    with CallbackReceiver() as hook:
        yield hook


# ── WAV ───────────────────────────────────────────────────────────────────────────────────────────────


def test_wav_converts_once_and_downloads_with_the_song_duration(
    service: ServiceHarness, song: Song, receiver: CallbackReceiver
) -> None:
    clip = song.clips[1]
    with service.client(song.token) as client:
        before = balance(client)
        reply = client.post(
            "/api/v1/wav/generate",
            json={"taskId": song.task_id, "audioId": clip["id"], "callBackUrl": receiver.url},
        )
        assert reply.status_code == 200 and reply.json()["code"] == 200 and reply.json()["msg"] == "success"
        wav_id = reply.json()["data"]["taskId"]
        assert balance(client) == before - 1
        data = poll(client, "/api/v1/wav/record-info", wav_id, lambda d: d["successFlag"] != "PENDING")[
            "data"
        ]
        assert data["successFlag"] == "SUCCESS", data
        assert data["taskId"] == wav_id and data["musicId"] == clip["id"] and data["musicIndex"] == 1
        assert (
            data["callbackUrl"] == receiver.url and data["errorCode"] is None and data["errorMessage"] is None
        )
        assert isinstance(data["createTime"], str) and isinstance(data["completeTime"], str)
        audio = client.get(data["response"]["audioWavUrl"])
        assert audio.status_code == 200 and audio.headers["content-type"] == "audio/wav"
        samples, rate = sf.read(io.BytesIO(audio.content))
        assert rate == 44100 and abs(len(samples) / rate - clip["duration"]) < 0.05

        (payload,) = callbacks_for(receiver, wav_id)
        assert payload == {
            "code": 200,
            "msg": "success",
            "data": {"audioWavUrl": data["response"]["audioWavUrl"], "task_id": wav_id},
        }

        again = client.post("/api/v1/wav/generate", json={"taskId": song.task_id, "audioId": clip["id"]})
        assert again.status_code == 409 and again.json()["code"] == 409 and again.json()["data"] is None
        assert wav_id in again.json()["msg"]
        assert balance(client) == before - 1


def test_wav_refusals_store_and_charge_nothing(service: ServiceHarness, song: Song) -> None:
    other_token = service.new_key(credits=50)
    clip_id = song.clips[0]["id"]
    key = service.services.keys.authenticate(f"Bearer {song.token}")
    stored_before = len(service.services.store.find_tasks(key.id, "wav"))
    cases: list[tuple[str, Any, int]] = [
        (song.token, {"taskId": song.task_id, "audioId": "no-such-clip"}, 404),
        (song.token, {"taskId": "no-such-task", "audioId": clip_id}, 404),
        (song.token, {"taskId": song.task_id}, 422),
        (song.token, {"audioId": clip_id}, 422),
        (song.token, {"taskId": song.task_id, "audioId": 42}, 422),
        (song.token, "[1, 2", 422),
        (other_token, {"taskId": song.task_id, "audioId": clip_id}, 404),
        (None, {"taskId": song.task_id, "audioId": clip_id}, 401),
    ]
    for token, body, code in cases:
        with service.client(token) as client:
            before = balance(client) if token else None
            if isinstance(body, str):
                reply = client.post(
                    "/api/v1/wav/generate", content=body, headers={"Content-Type": "application/json"}
                )
            else:
                reply = client.post("/api/v1/wav/generate", json=body)
            envelope = reply.json()
            assert reply.status_code == code and envelope["code"] == code, (body, envelope)
            assert set(envelope) == {"code", "msg", "data"} and envelope["msg"]
            if token:
                assert balance(client) == before
    assert len(service.services.store.find_tasks(key.id, "wav")) == stored_before
    # another key cannot read the record either
    with service.client(other_token) as client:
        reply = client.get("/api/v1/wav/record-info", params={"taskId": song.task_id})
        assert reply.status_code == 404 and reply.json()["code"] == 404
        assert client.get("/api/v1/wav/record-info").json()["code"] == 422


# ── stems ─────────────────────────────────────────────────────────────────────────────────────────────


def test_vocal_removal_both_types_give_downloadable_stems(
    service: ServiceHarness, song: Song, receiver: CallbackReceiver
) -> None:
    clip = song.clips[0]
    with service.client(song.token) as client:
        before = balance(client)
        ids = {}
        for kind in ("separate_vocal", "split_stem"):
            reply = client.post(
                "/api/v1/vocal-removal/generate",
                json={
                    "taskId": song.task_id,
                    "audioId": clip["id"],
                    "type": kind,
                    "callBackUrl": receiver.url,
                },
            )
            assert reply.status_code == 200, reply.text
            ids[kind] = reply.json()["data"]["taskId"]
        assert balance(client) == before - 20  # 10 each, no caching

        records = {
            k: poll(client, "/api/v1/vocal-removal/record-info", t, lambda d: d["successFlag"] != "PENDING")[
                "data"
            ]
            for k, t in ids.items()
        }
        for data in records.values():
            assert (
                data["successFlag"] == "SUCCESS" and data["musicId"] == clip["id"] and data["musicIndex"] == 0
            )
            assert isinstance(data["createTime"], int) and data["completeTime"] >= data["createTime"]
            response = data["response"]
            for key in (
                "vocalUrl",
                "instrumentalUrl",
                "backingVocalsUrl",
                "drumsUrl",
                "bassUrl",
                "guitarUrl",
                "pianoUrl",
                "keyboardUrl",
                "percussionUrl",
                "stringsUrl",
                "synthUrl",
                "fxUrl",
                "brassUrl",
                "woodwindsUrl",
            ):
                assert key in response
            for stem in response["originData"]:
                assert set(stem) == {"id", "audio_url", "duration", "stem_type_group_name"}
                audio = client.get(stem["audio_url"])
                assert audio.status_code == 200
                samples, rate = sf.read(io.BytesIO(audio.content))
                assert abs(len(samples) / rate - clip["duration"]) < 0.05
                assert abs(stem["duration"] - clip["duration"]) < 0.05

        vocal = records["separate_vocal"]["response"]
        assert [s["stem_type_group_name"] for s in vocal["originData"]] == ["Vocals", "Instrumental"]
        assert vocal["vocalUrl"] and vocal["instrumentalUrl"] and vocal["drumsUrl"] is None
        split = records["split_stem"]["response"]
        assert {s["stem_type_group_name"] for s in split["originData"]} == {
            "Vocals",
            "Drums",
            "Bass",
            "Other",
        }
        assert split["vocalUrl"] and split["drumsUrl"] and split["bassUrl"] and split["otherUrl"]
        assert split["instrumentalUrl"] is None and split["guitarUrl"] is None

        (sep_cb,) = callbacks_for(receiver, ids["separate_vocal"])
        assert sep_cb["code"] == 200 and sep_cb["data"]["task_id"] == ids["separate_vocal"]
        assert sep_cb["data"]["vocal_removal_info"]["vocal_url"] == vocal["vocalUrl"]
        assert sep_cb["data"]["vocal_removal_info"]["instrumental_url"] == vocal["instrumentalUrl"]
        (split_cb,) = callbacks_for(receiver, ids["split_stem"])
        info = split_cb["data"]["vocal_removal_info"]
        assert info["drums_url"] == split["drumsUrl"] and info["guitar_url"] is None

        bad = client.post(
            "/api/v1/vocal-removal/generate",
            json={"taskId": song.task_id, "audioId": clip["id"], "type": "split_stem_advanced"},
        )
        assert bad.status_code == 422 and "type" in bad.json()["msg"]
        assert balance(client) == before - 20


# ── MIDI ──────────────────────────────────────────────────────────────────────────────────────────────


def _check_midi(client: httpx.Client, midi_id: str, duration: float) -> dict:
    data = poll(client, "/api/v1/midi/record-info", midi_id, lambda d: d["successFlag"] != 0)["data"]
    assert data["successFlag"] == 1, data
    instruments = data["midiData"]["instruments"]
    assert data["midiData"]["state"] == "complete" and instruments
    for inst in instruments:
        assert set(inst) == {"name", "notes"} and inst["notes"]
        for note in inst["notes"]:
            assert set(note) == {"pitch", "start", "end", "velocity"}
            assert 0 <= note["start"] < note["end"] <= duration + 1e-6 and 0 < note["velocity"] <= 1
    mid = client.get(data["midiUrl"])
    assert mid.status_code == 200 and mid.headers["content-type"] == "audio/midi"
    parsed = pretty_midi.PrettyMIDI(io.BytesIO(mid.content))
    assert sum(len(i.notes) for i in parsed.instruments) == sum(len(i["notes"]) for i in instruments)
    return data


def test_midi_from_a_separation_or_from_the_music_task(
    service: ServiceHarness, song: Song, receiver: CallbackReceiver
) -> None:
    clip = song.clips[0]
    with service.client(song.token) as client:
        sep = client.post(
            "/api/v1/vocal-removal/generate", json={"taskId": song.task_id, "audioId": clip["id"]}
        ).json()["data"]["taskId"]
        origin = poll(
            client, "/api/v1/vocal-removal/record-info", sep, lambda d: d["successFlag"] != "PENDING"
        )["data"]["response"]["originData"]
        before = balance(client)
        reply = client.post(
            "/api/v1/midi/generate",
            json={"taskId": sep, "audioId": origin[0]["id"], "callBackUrl": receiver.url},
        )
        assert reply.status_code == 200, reply.text
        midi_id = reply.json()["data"]["taskId"]
        assert balance(client) == before - 2
        data = _check_midi(client, midi_id, clip["duration"])
        assert data["recordTaskId"] == sep and data["audioId"] == origin[0]["id"]
        (cb,) = callbacks_for(receiver, midi_id)
        assert cb["task_id"] == midi_id and cb["code"] == 200
        assert cb["data"]["instruments"] == data["midiData"]["instruments"]

        other = song.clips[1]
        direct = client.post("/api/v1/midi/generate", json={"taskId": song.task_id, "audioId": other["id"]})
        assert direct.status_code == 200, direct.text
        data = _check_midi(client, direct.json()["data"]["taskId"], other["duration"])
        assert data["recordTaskId"] == song.task_id and data["audioId"] == other["id"]

        before = balance(client)
        for body, code in (
            ({"taskId": song.task_id}, 422),
            ({"taskId": sep, "audioId": "not-a-stem"}, 404),
            ({"audioId": clip["id"]}, 422),
            ({"taskId": "nope", "audioId": clip["id"]}, 404),
        ):
            reply = client.post("/api/v1/midi/generate", json=body)
            assert reply.status_code == code and reply.json()["code"] == code, (body, reply.json())
        assert balance(client) == before


def test_failed_midi_is_refunded_and_reported(service: ServiceHarness, receiver: CallbackReceiver) -> None:
    broken = make_song(service, service.new_key(credits=100))
    clip_id = broken.clips[0]["id"]
    stored = service.services.store.get_clip(clip_id)
    assert stored is not None
    service.services.media.delete([stored.artifacts["midi"]])  # the clip kept no MIDI any more
    with service.client(broken.token) as client:
        before = balance(client)
        reply = client.post(
            "/api/v1/midi/generate",
            json={"taskId": broken.task_id, "audioId": clip_id, "callBackUrl": receiver.url},
        )
        midi_id = reply.json()["data"]["taskId"]
        data = poll(client, "/api/v1/midi/record-info", midi_id, lambda d: d["successFlag"] != 0)["data"]
        assert data["successFlag"] == 3 and data["errorCode"] == 501 and data["errorMessage"]
        assert data["midiData"] is None and data["midiUrl"] is None
        wait_for(lambda: balance(client) == before, timeout=10)
        (cb,) = callbacks_for(receiver, midi_id)
        assert cb["code"] == 501 and cb["data"] is None and cb["task_id"] == midi_id


# ── music video ───────────────────────────────────────────────────────────────────────────────────────


def test_mp4_makes_a_video_ffprobe_reads(
    service: ServiceHarness, song: Song, receiver: CallbackReceiver, tmp_path: Path
) -> None:
    clip = song.clips[0]
    with service.client(song.token) as client:
        before = balance(client)
        too_long = client.post(
            "/api/v1/mp4/generate", json={"taskId": song.task_id, "audioId": clip["id"], "author": "x" * 51}
        )
        assert (
            too_long.status_code == 413
            and too_long.json()["code"] == 413
            and "author" in too_long.json()["msg"]
        )
        assert balance(client) == before
        reply = client.post(
            "/api/v1/mp4/generate",
            json={
                "taskId": song.task_id,
                "audioId": clip["id"],
                "author": "Nova Lane",
                "domainName": "example.com",
                "callBackUrl": receiver.url,
            },
        )
        assert reply.status_code == 200, reply.text
        video_id = reply.json()["data"]["taskId"]
        assert balance(client) == before - 2
        data = poll(
            client, "/api/v1/mp4/record-info", video_id, lambda d: d["successFlag"] != "PENDING", timeout=120
        )["data"]
        assert data["successFlag"] == "SUCCESS", data
        video = client.get(data["response"]["videoUrl"])
        assert video.status_code == 200 and video.headers["content-type"] == "video/mp4"
        path = tmp_path / "video.mp4"
        path.write_bytes(video.content)
        info = probe(path)
        assert {s["codec_type"] for s in info["streams"]} == {"video", "audio"}
        assert abs(float(info["format"]["duration"]) - clip["duration"]) < 0.5
        (cb,) = callbacks_for(receiver, video_id)
        assert cb == {
            "code": 200,
            "msg": "MP4 generated successfully.",
            "data": {"task_id": video_id, "video_url": data["response"]["videoUrl"]},
        }


# ── cover art ─────────────────────────────────────────────────────────────────────────────────────────


def test_cover_gives_two_images_once_per_music_task(
    service: ServiceHarness, song: Song, receiver: CallbackReceiver
) -> None:
    with service.client(song.token) as client:
        before = balance(client)
        reply = client.post(
            "/api/v1/suno/cover/generate", json={"taskId": song.task_id, "callBackUrl": receiver.url}
        )
        assert reply.status_code == 200, reply.text
        cover_id = reply.json()["data"]["taskId"]
        again = client.post("/api/v1/suno/cover/generate", json={"taskId": song.task_id})
        assert again.status_code == 400 and again.json()["code"] == 400
        assert again.json()["data"] == {"taskId": cover_id}
        assert balance(client) == before - 1
        data = poll(
            client,
            "/api/v1/suno/cover/record-info",
            cover_id,
            lambda d: d["successFlag"] in (1, 3),
            timeout=60,
        )["data"]
        assert data["successFlag"] == 1 and data["parentTaskId"] == song.task_id
        assert data["createTime"].endswith("Z") and data["completeTime"].endswith("Z")
        images = data["response"]["images"]
        assert len(images) == 2 and images[0] != images[1]
        for url in images:
            image = Image.open(io.BytesIO(client.get(url).content))
            assert image.size[0] == image.size[1] >= 256
        (cb,) = callbacks_for(receiver, cover_id)
        assert cb == {"code": 200, "msg": "success", "data": {"taskId": cover_id, "images": images}}
        # a derived task is no music task
        wrong = client.post("/api/v1/suno/cover/generate", json={"taskId": cover_id})
        assert wrong.status_code == 422 and balance(client) == before - 1


# ── lyrics ────────────────────────────────────────────────────────────────────────────────────────────


def test_lyrics_give_two_or_three_titled_variants(
    service: ServiceHarness, receiver: CallbackReceiver
) -> None:
    token = service.new_key(credits=10)
    with service.client(token) as client:
        for body, code in (
            ({"prompt": "x" * 201}, 413),
            ({}, 422),
            ({"prompt": 5}, 422),
            ({"prompt": "   "}, 422),
        ):
            reply = client.post("/api/v1/lyrics", json=body)
            assert reply.status_code == code and reply.json()["code"] == code, (body, reply.json())
        assert balance(client) == 10
        reply = client.post(
            "/api/v1/lyrics",
            json={"prompt": "A song about walking home under city lights", "callBackUrl": receiver.url},
        )
        assert reply.status_code == 200, reply.text
        lyrics_id = reply.json()["data"]["taskId"]
        assert balance(client) == 9
        data = poll(
            client, "/api/v1/lyrics/record-info", lyrics_id, lambda d: d["status"] != "PENDING", timeout=60
        )["data"]
        assert data["status"] == "SUCCESS" and data["errorCode"] is None
        assert json.loads(data["param"])["prompt"].startswith("A song about")
        variants = data["response"]["data"]
        assert data["response"]["taskId"] == lyrics_id and 2 <= len(variants) <= 3
        for item in variants:
            assert set(item) == {"text", "title", "status", "errorMessage"}
            assert item["title"] and "[" in item["text"] and item["status"] == "complete"
        (cb,) = callbacks_for(receiver, lyrics_id)
        assert cb["code"] == 200 and cb["data"]["callbackType"] == "complete"
        assert cb["data"]["task_id"] == lyrics_id
        assert [v["text"] for v in cb["data"]["data"]] == [v["text"] for v in variants]


# ── timestamped lyrics ────────────────────────────────────────────────────────────────────────────────


def test_timestamped_lyrics_are_in_order_inside_the_song(service: ServiceHarness, song: Song) -> None:
    clip = song.clips[0]
    with service.client(song.token) as client:
        before = balance(client)
        reply = client.post(
            "/api/v1/generate/get-timestamped-lyrics", json={"taskId": song.task_id, "audioId": clip["id"]}
        )
        assert reply.status_code == 200 and reply.json()["code"] == 200
        data = reply.json()["data"]
        assert set(data) == {"alignedWords", "waveformData", "hootCer", "isStreamed"}
        words = data["alignedWords"]
        sung = [w for line in LYRICS.splitlines() if not line.startswith("[") for w in line.split()]
        assert [w["word"] for w in words] == sung
        previous = 0.0
        for word in words:
            assert set(word) == {"word", "success", "startS", "endS", "palign"} and word["success"] is True
            assert previous <= word["startS"] <= word["endS"] <= clip["duration"]
            previous = word["startS"]
        assert data["waveformData"] and max(data["waveformData"]) == 1.0
        assert balance(client) == before


def test_timestamped_lyrics_refusals(service: ServiceHarness, song: Song) -> None:
    instrumental = make_song(service, song.token, instrumental=True, prompt="", style="ambient, calm")
    with service.client(song.token) as client:
        for body, code in (
            ({"taskId": instrumental.task_id, "audioId": instrumental.clips[0]["id"]}, 422),
            ({"taskId": song.task_id, "audioId": "missing"}, 404),
            ({"taskId": song.task_id, "audioId": instrumental.clips[0]["id"]}, 404),
            ({"taskId": song.task_id}, 422),
        ):
            reply = client.post("/api/v1/generate/get-timestamped-lyrics", json=body)
            assert reply.status_code == code and reply.json()["code"] == code, (body, reply.json())
        assert (
            "instrumental"
            in client.post(
                "/api/v1/generate/get-timestamped-lyrics",
                json={"taskId": instrumental.task_id, "audioId": instrumental.clips[0]["id"]},
            ).json()["msg"]
        )
    with service.client(service.new_key()) as other:
        reply = other.post(
            "/api/v1/generate/get-timestamped-lyrics",
            json={"taskId": song.task_id, "audioId": song.clips[0]["id"]},
        )
        assert reply.status_code == 404


def test_a_clip_still_rendering_is_refused(service: ServiceHarness) -> None:
    token = service.new_key()
    with service.client(token) as client:
        task_id = client.post("/api/v1/generate", json=song_body(style="pop, test:slow=1.5")).json()["data"][
            "taskId"
        ]
        clip_id = service.services.store.get_task(task_id).clips[0].id
        before = balance(client)
        for path, body in (
            ("/api/v1/generate/get-timestamped-lyrics", {"taskId": task_id, "audioId": clip_id}),
            ("/api/v1/wav/generate", {"taskId": task_id, "audioId": clip_id}),
            ("/api/v1/suno/cover/generate", {"taskId": task_id}),
        ):
            reply = client.post(path, json=body)
            assert reply.status_code == 422 and "not finished" in reply.json()["msg"], (path, reply.json())
        assert balance(client) == before


# ── personas ──────────────────────────────────────────────────────────────────────────────────────────


def test_persona_is_made_once_and_sings_later_songs(service: ServiceHarness, song: Song) -> None:
    clip = song.clips[0]
    base = {
        "taskId": song.task_id,
        "audioId": clip["id"],
        "name": "Midnight Alto",
        "description": "A warm alto",
        "style": "dreamy, synth",
    }
    with service.client(song.token) as client:
        before = balance(client)
        for window, code in (((0, 5), 422), ((0, 31), 422), ((5, 25), 422), ((-1, 10), 422), ((8, 4), 422)):
            reply = client.post(
                "/api/v1/generate/generate-persona",
                json={**base, "vocalStart": window[0], "vocalEnd": window[1]},
            )
            assert reply.status_code == code and reply.json()["code"] == code, (window, reply.json())
        for blank in ({**base, "name": None}, {**base, "description": "  "}, {**base, "vocalEnd": "soon"}):
            missing = client.post("/api/v1/generate/generate-persona", json=blank)
            assert missing.status_code == 422 and missing.json()["code"] == 422, blank
        reply = client.post(
            "/api/v1/generate/generate-persona", json={**base, "vocalStart": 1, "vocalEnd": 11}
        )
        assert reply.status_code == 200, reply.text
        data = reply.json()["data"]
        assert set(data) == {"personaId", "name", "description"} and data["name"] == "Midnight Alto"
        again = client.post(
            "/api/v1/generate/generate-persona", json={**base, "vocalStart": 0, "vocalEnd": 10}
        )
        assert again.status_code == 409 and again.json()["code"] == 409
        assert balance(client) == before

        reply = client.post(
            "/api/v1/generate", json=song_body(style="jazz", personaId=data["personaId"], vocalGender="m")
        )
        assert reply.status_code == 200, reply.text
        stored = service.services.store.get_task(reply.json()["data"]["taskId"])
        assert stored.request.persona_id == data["personaId"]
        assert stored.request.vocal_gender == "f"  # the persona's voice wins over the request's
        assert stored.request.style == "jazz, dreamy, synth"

    with service.client(service.new_key(credits=30)) as other:
        reply = other.post("/api/v1/generate", json=song_body(personaId=data["personaId"]))
        assert reply.status_code == 404 and reply.json()["code"] == 404 and balance(other) == 30
        reply = other.post(
            "/api/v1/generate/generate-persona", json={**base, "vocalStart": 0, "vocalEnd": 10}
        )
        assert reply.status_code == 404


def test_persona_refuses_an_instrumental_clip(service: ServiceHarness) -> None:
    token = service.new_key()
    instrumental = make_song(service, token, instrumental=True, prompt="", style="ambient")
    with service.client(token) as client:
        reply = client.post(
            "/api/v1/generate/generate-persona",
            json={
                "taskId": instrumental.task_id,
                "audioId": instrumental.clips[0]["id"],
                "name": "n",
                "description": "d",
                "vocalStart": 0,
                "vocalEnd": 10,
            },
        )
        assert reply.status_code == 422 and "instrumental" in reply.json()["msg"]


# ── style boost ───────────────────────────────────────────────────────────────────────────────────────


def test_style_boost_answers_synchronously_for_free(service: ServiceHarness) -> None:
    token = service.new_key(credits=7)
    with service.client(token) as client:
        reply = client.post("/api/v1/style/generate", json={"content": "Pop, Mysterious"})
        assert reply.status_code == 200 and reply.json()["code"] == 200
        data = reply.json()["data"]
        assert set(data) == {
            "taskId",
            "param",
            "result",
            "creditsConsumed",
            "creditsRemaining",
            "successFlag",
            "errorCode",
            "errorMessage",
            "createTime",
        }
        assert len(data["result"]) > len("Pop, Mysterious") and data["creditsConsumed"] == 0
        assert data["creditsRemaining"] == 7 and data["successFlag"] == "1" and data["errorCode"] is None
        assert json.loads(data["param"]) == {"content": "Pop, Mysterious"}
        assert abs(data["createTime"] / 1000 - time.time()) < 60
        same = client.post("/api/v1/style/generate", json={"content": "Pop, Mysterious"}).json()["data"]
        assert same["result"] == data["result"]
        for body in ({}, {"content": ""}, {"content": "x" * 1001}):
            reply = client.post("/api/v1/style/generate", json=body)
            assert reply.json()["code"] in (413, 422) and reply.status_code == reply.json()["code"]
