"""A qhaigc client through the in-process app (tests.support.inprocess): submit, poll `/v1/music/tasks/{id}`
until done, download; kie tasks read through qhaigc; and every kind of bad input answered in qhaigc's
OpenAI-style error envelope."""

from __future__ import annotations

import io

import httpx
import pytest
import soundfile as sf

from tests.support.harness import wait_for
from tests.support.inprocess import InProcessService
from tunesmith.dialects.qhaigc import TASK_STATUSES


@pytest.fixture(scope="module")
def service(fast_service: InProcessService) -> InProcessService:
    """What each request answers: the in-process service serves this module (tests.support.inprocess)."""
    return fast_service


SUBMIT = "/v1/music/generations"


def custom_body(**extra: object) -> dict:
    body = {
        "prompt": "[Verse]\nSpring is spinning round\n[Chorus]\nRound and round",
        "model": "suno-v4.5-plus",
        "custom_mode": True,
        "style": "j-pop, test:slow=0.3",
        "title": "Spring Spin",
        "vocal_gender": "f",
    }
    body.update(extra)
    return body


def poll(client: httpx.Client, task_id: str) -> tuple[dict, list[str]]:
    seen: list[str] = []

    def done() -> dict | None:
        reply = client.get(f"/v1/music/tasks/{task_id}")
        body = reply.json()
        assert reply.status_code == 200 and body["code"] == "success", body
        status = body["data"]["status"]
        assert status in TASK_STATUSES
        if not seen or seen[-1] != status:
            seen.append(status)
        return body if status in ("SUCCESS", "FAILURE") else None

    return wait_for(done, timeout=60, interval=0.3), seen


def assert_error(reply: httpx.Response, status: int, code: str, *words: str) -> dict:
    body = reply.json()
    assert reply.status_code == status, body
    assert list(body) == ["error"] and body["error"]["code"] == code, body
    assert set(body["error"]) == {"message", "type", "param", "code"}
    for word in words:
        assert word in body["error"]["message"], body
    return body


def test_submit_poll_and_download(service: InProcessService) -> None:
    with service.client(service.new_key()) as client:
        reply = client.post(SUBMIT, json=custom_body())
        assert reply.status_code == 200, reply.text
        submitted = reply.json()
        assert list(submitted) == ["created", "data"] and isinstance(submitted["created"], int)
        assert [list(item) for item in submitted["data"]] == [["id", "status"]]
        task_id = submitted["data"][0]["id"]
        final, seen = poll(client, task_id)
        assert seen[-1] == "SUCCESS" and seen[0] in ("SUBMITTED", "IN_PROGRESS")
        data = final["data"]
        assert (data["task_id"], data["action"], data["progress"], data["fail_reason"]) == (
            task_id,
            "GENERATIONS",
            "100%",
            "",
        )
        assert data["submit_time"] <= data["finish_time"] and data["submit_time"] > 1_600_000_000
        clips = data["data"]
        assert len(clips) == 2 and clips[0]["id"] != clips[1]["id"]
        for item in clips:
            assert item["modelName"] == "chirp-bluejay" and item["title"] == "Spring Spin"
            assert item["prompt"].startswith("[Verse]") and item["createTime"] > 1_600_000_000_000
            audio = client.get(item["audioUrl"])
            assert audio.status_code == 200 and audio.headers["content-type"] == "audio/mpeg"
            samples, rate = sf.read(io.BytesIO(audio.content))
            assert abs(len(samples) / rate - item["duration"]) < 0.1
            assert client.get(item["sourceAudioUrl"]).content == audio.content
            assert client.get(item["imageUrl"]).status_code == 200


def test_a_kie_task_reads_through_qhaigc(service: InProcessService) -> None:
    with service.client(service.new_key()) as client:
        kie = {"customMode": False, "instrumental": True, "model": "V5", "prompt": "a calm piano track"}
        task_id = client.post("/api/v1/generate", json=kie).json()["data"]["taskId"]
        final, _ = poll(client, task_id)
        assert final["data"]["status"] == "SUCCESS"
        assert [c["modelName"] for c in final["data"]["data"]] == ["chirp-crow", "chirp-crow"]
        assert [c["prompt"] for c in final["data"]["data"]] == ["", ""]


def test_missing_or_wrong_key_is_401(service: InProcessService) -> None:
    with service.client() as anonymous:
        assert_error(anonymous.post(SUBMIT, json=custom_body()), 401, "invalid_api_key")
        assert_error(anonymous.get("/v1/music/tasks/abc"), 401, "invalid_api_key")
    with service.client("tsk_wrong") as wrong:
        assert_error(wrong.get("/v1/music/tasks/abc"), 401, "invalid_api_key")


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"model": "suno-v5"}, ["prompt", "required"]),
        ({"prompt": 42}, ["prompt"]),
        ({"prompt": "x", "custom_mode": "maybe"}, ["custom_mode"]),
        ({"prompt": "x", "model": "suno-v9"}, ["model"]),
        ({"prompt": "la", "custom_mode": True, "title": "T"}, ["style"]),
        ({"prompt": "x", "vocal_gender": "robot"}, ["vocal_gender"]),
        ([1, 2], ["JSON object"]),
    ],
)
def test_invalid_bodies_are_400(service: InProcessService, body: object, words: list[str]) -> None:
    with service.client(service.new_key()) as client:
        assert_error(client.post(SUBMIT, json=body), 400, "invalid_request", *words)


def test_malformed_json_and_unknown_ids_and_routes(service: InProcessService) -> None:
    with service.client(service.new_key()) as owner, service.client(service.new_key()) as stranger:
        reply = owner.post(SUBMIT, content=b'{"prompt": "x', headers={"Content-Type": "application/json"})
        assert_error(reply, 400, "invalid_request", "JSON")
        assert_error(owner.get("/v1/music/tasks/" + "0" * 32), 404, "task_not_exist")
        assert_error(owner.get("/v1/music/tasks/" + "x" * 100), 404, "task_not_exist")
        task_id = owner.post(SUBMIT, json=custom_body()).json()["data"][0]["id"]
        assert_error(stranger.get(f"/v1/music/tasks/{task_id}"), 404, "task_not_exist")
        assert_error(owner.get("/v1/music/nothing-here"), 404, "not_found", "No such endpoint")
        assert_error(owner.delete(SUBMIT), 405, "invalid_request")


def test_short_balance_is_refused_without_a_task(service: InProcessService) -> None:
    with service.client(service.new_key(credits=0)) as client:
        assert_error(client.post(SUBMIT, json=custom_body()), 403, "quota_not_enough")
