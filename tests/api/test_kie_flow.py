"""A kie.ai client's whole flow over real HTTP: submit, poll record-info through every status, download."""

from __future__ import annotations

import io
import json

import soundfile as sf

from tests.support.harness import ServiceHarness, wait_for
from tests.support.kie_client import custom_body, poll_until_done
from tests.support.receiver import CallbackReceiver


def test_custom_song_goes_through_every_status_and_downloads(service: ServiceHarness) -> None:
    token = service.new_key()
    with service.client(token) as client:
        reply = client.post("/api/v1/generate", json=custom_body())
        assert reply.status_code == 200
        envelope = reply.json()
        assert envelope["code"] == 200 and envelope["msg"] == "success"
        task_id = envelope["data"]["taskId"]
        final, seen = poll_until_done(client, task_id)
        assert seen[0] == "PENDING" and seen[-1] == "SUCCESS"
        order = ["PENDING", "TEXT_SUCCESS", "FIRST_SUCCESS", "SUCCESS"]
        assert [order.index(s) for s in seen] == sorted(order.index(s) for s in seen)
        data = final["data"]
        assert data["taskId"] == task_id and data["response"]["taskId"] == task_id
        assert json.loads(data["param"])["title"] == "Neon Nights"
        assert data["operationType"] == "generate" and data["errorCode"] is None
        clips = data["response"]["sunoData"]
        assert len(clips) == 2 and clips[0]["id"] != clips[1]["id"]
        for clip in clips:
            assert clip["prompt"].startswith("[Verse]")
            assert clip["modelName"] == "chirp-v4-5"
            audio = client.get(clip["audioUrl"])
            assert audio.status_code == 200 and audio.headers["content-type"] == "audio/mpeg"
            samples, rate = sf.read(io.BytesIO(audio.content))
            assert rate == 44100 and abs(len(samples) / rate - clip["duration"]) < 0.1
            image = client.get(clip["imageUrl"])
            assert image.status_code == 200 and image.headers["content-type"] == "image/png"
            stream = client.get(clip["streamAudioUrl"])
            assert stream.status_code == 200 and stream.content == audio.content


def test_instrumental_task_carries_no_lyrics(service: ServiceHarness) -> None:
    with service.client(service.new_key()) as client:
        body = custom_body(instrumental=True, prompt="")
        task_id = client.post("/api/v1/generate", json=body).json()["data"]["taskId"]
        final, _ = poll_until_done(client, task_id)
        assert final["data"]["status"] == "SUCCESS"
        assert [c["prompt"] for c in final["data"]["response"]["sunoData"]] == ["", ""]


def test_stream_url_plays_while_rendering(service: ServiceHarness) -> None:
    with service.client(service.new_key()) as client:
        task_id = client.post("/api/v1/generate", json=custom_body(style="pop, test:slow=1.5")).json()[
            "data"
        ]["taskId"]

        def first() -> dict | None:
            body = client.get("/api/v1/generate/record-info", params={"taskId": task_id}).json()
            return body if body["data"]["status"] == "FIRST_SUCCESS" else None

        body = wait_for(first, timeout=30, interval=0.35)
        clip = body["data"]["response"]["sunoData"][0]
        assert clip["streamAudioUrl"] and clip["audioUrl"] == ""
        with client.stream("GET", clip["streamAudioUrl"]) as stream:
            assert stream.headers["content-type"] == "audio/mpeg"
            first_bytes = next(stream.iter_bytes())
        assert len(first_bytes) > 1000  # audio arrives before the clip is finished


def test_callbacks_arrive_in_order(service: ServiceHarness) -> None:
    with CallbackReceiver() as receiver, service.client(service.new_key()) as client:
        task_id = client.post("/api/v1/generate", json=custom_body(callBackUrl=receiver.url)).json()["data"][
            "taskId"
        ]
        poll_until_done(client, task_id)
        wait_for(lambda: len(receiver.received) >= 3, timeout=20)
        assert receiver.stages() == ["text", "first", "complete"]
        complete = receiver.received[-1]
        assert complete["code"] == 200 and complete["data"]["task_id"] == task_id
        assert {"audio_url", "stream_audio_url", "image_url", "model_name"} <= set(
            complete["data"]["data"][0]
        )

        # the sender records a delivery once the receiver's answer is back, a moment after the receiver saw it
        def recorded() -> list | None:
            deliveries = client.get(f"/tunesmith/v1/tasks/{task_id}/callbacks").json()["deliveries"]
            return deliveries if all(d["status"] != "pending" for d in deliveries) else None

        deliveries = wait_for(recorded, timeout=20)
        assert [(d["stage"], d["status"]) for d in deliveries] == [
            ("text", "delivered"),
            ("first", "delivered"),
            ("complete", "delivered"),
        ]


def test_failed_callback_never_hides_the_result(service: ServiceHarness) -> None:
    with CallbackReceiver(status=500) as receiver, service.client(service.new_key()) as client:
        task_id = client.post("/api/v1/generate", json=custom_body(callBackUrl=receiver.url)).json()["data"][
            "taskId"
        ]
        final, _ = poll_until_done(client, task_id)
        assert final["data"]["status"] == "SUCCESS"

        def all_failed() -> list | None:
            deliveries = client.get(f"/tunesmith/v1/tasks/{task_id}/callbacks").json()["deliveries"]
            return deliveries if deliveries and all(d["status"] == "failed" for d in deliveries) else None

        deliveries = wait_for(all_failed, timeout=30)
        assert all(len(d["attempts"]) == 4 and d["last_status_code"] == 500 for d in deliveries)
        again = client.get("/api/v1/generate/record-info", params={"taskId": task_id}).json()
        assert again["data"]["status"] == "SUCCESS"


def test_description_mode_task(service: ServiceHarness) -> None:
    with service.client(service.new_key()) as client:
        body = {"customMode": False, "instrumental": False, "model": "V3_5", "prompt": "a calm piano track"}
        task_id = client.post("/api/v1/generate", json=body).json()["data"]["taskId"]
        final, _ = poll_until_done(client, task_id)
        assert final["data"]["status"] == "SUCCESS"
        assert final["data"]["response"]["sunoData"][0]["modelName"] == "chirp-v3-5"
