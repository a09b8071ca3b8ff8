"""Text refused after it is written — by an engine in description mode, by the songwriter or the operator's
chat model for a lyrics task — ends the task in SENSITIVE_WORD_ERROR (and each dialect's word for it): no
audio, credits refunded once, the error callback with kie's moderation code, the term kept for the operator
only (the task's engine_state and the log)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.support.chat_server import ChatServerForTests, completion, songs_json
from tests.support.harness import TONE_ENGINE, ServiceHarness, settings_for_tests, wait_for
from tests.support.receiver import CallbackReceiver
from tests.support.refusals import assert_refused_and_refunded
from tunesmith.domain.operations import MODEL_NAMES
from tunesmith.domain.states import FailureKind

# The tone test engine titles every description-mode song "Test Tone"; the chat model double writes
# lyrics that hide "snarkle".
BLOCKLIST = "snarkle\n[title]\ntest tone\n"
MODEL_LYRICS = "[Verse]\nmy sweet Sn4rkle\nunder the moon\n[Chorus]\noh oh"
CREDITS = 100


@pytest.fixture(scope="module")
def chat_model() -> Iterator[ChatServerForTests]:
    songs = [
        {"title": f"Moon Song {n}", "tags": "indie pop", "lyrics": f"{MODEL_LYRICS}\nsong {n}"}
        for n in (1, 2, 3)
    ]
    with ChatServerForTests(completion(songs_json(*songs))) as server:
        yield server


@pytest.fixture(scope="module")
def policed(
    tmp_path_factory: pytest.TempPathFactory, chat_model: ChatServerForTests
) -> Iterator[ServiceHarness]:
    folder = tmp_path_factory.mktemp("written")
    (folder / "blocklist.txt").write_text(BLOCKLIST, encoding="utf-8")
    settings = settings_for_tests(
        folder,
        blocklist_file=folder / "blocklist.txt",
        models={**{m: TONE_ENGINE for m in MODEL_NAMES}, "V5": "composer"},  # V5: the real composer
        lyrics_model_url=chat_model.url,
        lyrics_model="test-model",
        task_timeout_seconds=120,
    )
    with ServiceHarness(settings) as service:
        yield service


def _poll(client: httpx.Client, url: str, done: Any, timeout: float = 60.0) -> dict:
    def check() -> dict | None:
        reply = client.get(url)
        if reply.status_code == 429:
            return None
        body = reply.json()
        assert reply.status_code == 200, body
        return body if done(body) else None

    return wait_for(check, timeout=timeout, interval=0.3)


def test_kie_description_song_ends_in_sensitive_word_error(policed: ServiceHarness) -> None:
    token = policed.new_key(credits=CREDITS)
    body = {"customMode": False, "instrumental": False, "model": "V4_5", "prompt": "a calm song"}
    with CallbackReceiver() as receiver, policed.client(token) as client:
        reply = client.post("/api/v1/generate", json={**body, "callBackUrl": receiver.url})
        task_id = reply.json()["data"]["taskId"]
        record = _poll(
            client,
            f"/api/v1/generate/record-info?taskId={task_id}",
            lambda b: b["data"]["status"] not in ("PENDING", "TEXT_SUCCESS", "FIRST_SUCCESS"),
        )["data"]
        wait_for(lambda: receiver.received)
    assert record["status"] == "SENSITIVE_WORD_ERROR" and record["errorCode"] == 400, record
    assert "sensitive words" in record["errorMessage"] and "test tone" not in record["errorMessage"].lower()
    assert record["response"]["sunoData"] == []
    assert receiver.stages() == ["error"] and receiver.received[0]["code"] == 400
    assert_refused_and_refunded(policed, token, task_id, "title", "test tone", granted=CREDITS)


def test_newapi_and_zeakai_and_qhaigc_report_failure(policed: ServiceHarness) -> None:
    token = policed.new_key(credits=CREDITS * 3)
    with policed.client(token) as client:
        newapi = client.post(
            "/suno/submit/music", json={"gpt_description_prompt": "a calm song", "mv": "chirp-v3-5"}
        )
        task_id = newapi.json()["data"]
        data = _poll(
            client, f"/suno/fetch/{task_id}", lambda b: b["data"]["status"] in ("SUCCESS", "FAILURE")
        )
        data = data["data"]
        assert (
            data["status"] == "FAILURE"
            and data["progress"] == "100%"
            and "sensitive words" in data["fail_reason"]
        )
        assert all(c["status"] == "error" for c in data["data"])
        assert {c["metadata"]["error_type"] for c in data["data"]} == {"moderation_failure"}
        assert "test tone" not in str(data).lower().replace("'test tone'", "")  # never echoed in a message

        zeak = client.post("/suno/task/submit/inspiration", json={"gpt_description_prompt": "a calm song"})
        zeak_id = zeak.json()["result"]
        final = _poll(client, f"/suno/task/{zeak_id}/fetch", lambda b: b["status"] in ("SUCCESS", "FAILURE"))
        assert final["status"] == "FAILURE" and "sensitive words" in final["failReason"]

        qh = client.post("/v1/music/generations", json={"prompt": "a calm song", "model": "suno-v4.5-plus"})
        qh_id = qh.json()["data"][0]["id"]
        final = _poll(
            client, f"/v1/music/tasks/{qh_id}", lambda b: b["data"]["status"] in ("SUCCESS", "FAILURE")
        )
        assert final["data"]["status"] == "FAILURE"
    for made in (task_id, zeak_id, qh_id):
        task = policed.services.store.get_task(made)
        assert task is not None and task.failure is not None
        assert task.failure.kind is FailureKind.SENSITIVE_WORD_ERROR and task.refunded


def test_gcui_clips_end_in_error(policed: ServiceHarness) -> None:
    token = policed.new_key(credits=CREDITS)
    with policed.client(token) as client:
        clips = client.post("/api/generate", json={"prompt": "a calm song"}).json()
        ids = ",".join(c["id"] for c in clips)
        final = _poll(
            client, f"/api/get?ids={ids}", lambda b: all(c["status"] in ("complete", "error") for c in b)
        )
    assert [c["status"] for c in final] == ["error", "error"]
    assert all(
        "sensitive words" in (c["error_message"] or c["metadata"].get("error_message") or "") for c in final
    )


def test_openai_chat_answers_content_policy_violation(policed: ServiceHarness) -> None:
    token = policed.new_key(credits=CREDITS)
    with policed.client(token) as client:
        reply = client.post(
            "/v1/chat/completions",
            json={"model": "suno-v3.5", "messages": [{"role": "user", "content": "a calm song"}]},
            timeout=60,
        )
    body = reply.json()
    assert reply.status_code == 400, body
    assert body["error"]["code"] == "content_policy_violation" and body["error"]["param"] == "messages"
    assert "sensitive words" in body["error"]["message"]


def test_lyrics_written_by_the_chat_model_end_the_lyrics_task(
    policed: ServiceHarness, chat_model: ChatServerForTests
) -> None:
    token = policed.new_key(credits=CREDITS)
    asked = len(chat_model.requests)
    with CallbackReceiver() as receiver, policed.client(token) as client:
        reply = client.post(
            "/api/v1/lyrics", json={"prompt": "a song about the moon", "callBackUrl": receiver.url}
        )
        task_id = reply.json()["data"]["taskId"]
        record = _poll(
            client, f"/api/v1/lyrics/record-info?taskId={task_id}", lambda b: b["data"]["status"] != "PENDING"
        )["data"]
        wait_for(lambda: receiver.received)
    assert len(chat_model.requests) > asked  # the model wrote them
    assert record["status"] == "SENSITIVE_WORD_ERROR", record
    assert "snarkle" not in str(record).lower() and "sn4rkle" not in str(record).lower()
    assert receiver.received[0]["code"] == 400 and receiver.received[0]["data"]["callbackType"] == "error"
    assert_refused_and_refunded(policed, token, task_id, "lyrics", "snarkle", granted=CREDITS)


def test_the_composer_never_renders_refused_lyrics(policed: ServiceHarness) -> None:
    """Description mode on the real composer, its lyrics by the operator's chat model."""
    token = policed.new_key(credits=CREDITS)
    body = {"customMode": False, "instrumental": False, "model": "V5", "prompt": "a song about the moon"}
    with policed.client(token) as client:
        task_id = client.post("/api/v1/generate", json=body).json()["data"]["taskId"]
        record = _poll(
            client,
            f"/api/v1/generate/record-info?taskId={task_id}",
            lambda b: b["data"]["status"] not in ("PENDING", "TEXT_SUCCESS", "FIRST_SUCCESS"),
            timeout=120,
        )["data"]
    assert record["status"] == "SENSITIVE_WORD_ERROR", record
    assert_refused_and_refunded(policed, token, task_id, "lyrics", "snarkle", granted=CREDITS)


def test_clean_written_text_goes_on(policed: ServiceHarness) -> None:
    token = policed.new_key(credits=CREDITS)
    body = {
        "customMode": True,
        "instrumental": False,
        "model": "V4_5",
        "prompt": "[Verse]\nla la",
        "style": "pop",
    }
    with policed.client(token) as client:
        task_id = client.post("/api/v1/generate", json={**body, "title": "Fine"}).json()["data"]["taskId"]
        record = _poll(
            client,
            f"/api/v1/generate/record-info?taskId={task_id}",
            lambda b: b["data"]["status"] in ("SUCCESS", "GENERATE_AUDIO_FAILED", "SENSITIVE_WORD_ERROR"),
        )["data"]
    assert record["status"] == "SUCCESS" and len(record["response"]["sunoData"]) == 2


def test_newapi_notify_hook_gets_the_failed_task(policed: ServiceHarness) -> None:
    token = policed.new_key(credits=CREDITS)
    body = {"gpt_description_prompt": "a calm song", "mv": "chirp-v3-5"}
    with CallbackReceiver() as receiver, policed.client(token) as client:
        task_id = client.post("/suno/submit/music", json={**body, "notify_hook": receiver.url}).json()["data"]
        wait_for(lambda: receiver.received)
    (task,) = receiver.received
    assert task["task_id"] == task_id and task["status"] == "FAILURE" and task["progress"] == "100%"
    assert "sensitive words" in task["fail_reason"] and "test tone" not in task["fail_reason"].lower()
    assert_refused_and_refunded(policed, token, task_id, "title", "test tone", granted=CREDITS)
