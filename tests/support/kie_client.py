"""A kie.ai client's steps, shared by the API tests of every dialect: a custom-mode generate body and polling
record-info until the task ends (checking every status on the way is one the seed knows), or until it has
succeeded (finished); a finished song to work on (make_song), polling any record route (poll), the balance,
and a clip's stems and lossless master read back through kie's own routes (any dialect's clip is the
caller's to convert)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

import httpx
import numpy as np
import soundfile as sf

from tests.support.harness import ServiceHarness, wait_for
from tests.support.inprocess import InProcessService

SEED_STATUSES = {
    "PENDING",
    "TEXT_SUCCESS",
    "FIRST_SUCCESS",
    "SUCCESS",
    "CREATE_TASK_FAILED",
    "GENERATE_AUDIO_FAILED",
    "CALLBACK_EXCEPTION",
    "SENSITIVE_WORD_ERROR",
}


def custom_body(**extra: object) -> dict:
    body = {
        "customMode": True,
        "instrumental": False,
        "model": "V4_5",
        "style": "pop, test:slow=0.4",
        "title": "Neon Nights",
        "prompt": "[Verse]\nCity lights are calling me\n[Chorus]\nNeon nights",
    }
    body.update(extra)
    return body


def poll_until_done(client, task_id: str, timeout: float = 60.0) -> tuple[dict, list[str]]:  # type: ignore[no-untyped-def]
    seen: list[str] = []

    def done() -> dict | None:
        reply = client.get("/api/v1/generate/record-info", params={"taskId": task_id})
        if reply.status_code == 429:
            return None
        body = reply.json()
        assert reply.status_code == 200 and body["code"] == 200, body
        status = body["data"]["status"]
        assert status in SEED_STATUSES
        if not seen or seen[-1] != status:
            seen.append(status)
        return body if status in ("SUCCESS", "GENERATE_AUDIO_FAILED", "CREATE_TASK_FAILED") else None

    return wait_for(done, timeout=timeout, interval=0.35), seen


def finished(client: httpx.Client, body: dict[str, Any], timeout: float = 60.0) -> dict[str, Any]:
    """Generate `body` and poll until the task ends; its final record's data, which must be SUCCESS."""
    reply = client.post("/api/v1/generate", json=body)
    assert reply.status_code == 200 and reply.json()["code"] == 200, reply.text
    final, _ = poll_until_done(client, reply.json()["data"]["taskId"], timeout=timeout)
    assert final["data"]["status"] == "SUCCESS", final
    return dict(final["data"])


def submit(service: ServiceHarness, token: str, **body: object) -> str:
    """Submit a custom-mode generate as `token`; the new task's id (the submit must be accepted)."""
    with service.client(token) as client:
        reply = client.post("/api/v1/generate", json=custom_body(**body))
    assert reply.status_code == 200, reply.text
    return str(reply.json()["data"]["taskId"])


SONG_SECONDS = 12.0
LYRICS = "[Verse]\nCity lights are calling me home tonight\n[Chorus]\nNeon nights we sing along"


@dataclass
class Song:
    token: str
    task_id: str
    clips: list[dict[str, Any]]


def song_body(**extra: object) -> dict[str, Any]:
    body: dict[str, Any] = {
        "customMode": True,
        "instrumental": False,
        "model": "V5_5",
        "style": "pop, female vocals",
        "title": "Neon Nights",
        "prompt": LYRICS,
        "duration": SONG_SECONDS,
    }
    body.update(extra)
    return body


def make_song(service: ServiceHarness | InProcessService, token: str, **extra: object) -> Song:
    with service.client(token) as client:
        reply = client.post("/api/v1/generate", json=song_body(**extra))
        assert reply.status_code == 200, reply.text
        task_id = reply.json()["data"]["taskId"]

        def done() -> dict | None:
            body = client.get("/api/v1/generate/record-info", params={"taskId": task_id}).json()
            return body if body.get("data", {}).get("status") == "SUCCESS" else None

        final = wait_for(done, timeout=60, interval=0.4)
    return Song(token=token, task_id=task_id, clips=final["data"]["response"]["sunoData"])


def balance(client: httpx.Client) -> int:
    return client.get("/api/v1/chat/credit").json()["data"]


def poll(client: httpx.Client, path: str, task_id: str, done: Any, timeout: float = 60.0) -> dict:
    """GET path?taskId= until `done(data)`; the last body."""

    def check() -> dict | None:
        reply = client.get(path, params={"taskId": task_id})
        if reply.status_code == 429:
            return None
        body = reply.json()
        assert reply.status_code == 200 and body["code"] == 200, body
        return body if done(body["data"]) else None

    return wait_for(check, timeout=timeout, interval=0.4)


def split_stems(client: httpx.Client, task_id: str, clip_id: str) -> dict[str, np.ndarray]:
    """The clip split by vocal-removal's split_stem: stem group name (lower case) -> (n, 2) float32."""
    reply = client.post(
        "/api/v1/vocal-removal/generate", json={"taskId": task_id, "audioId": clip_id, "type": "split_stem"}
    )
    assert reply.json()["code"] == 200, reply.text
    sep = reply.json()["data"]["taskId"]
    data = poll(
        client, "/api/v1/vocal-removal/record-info", sep, lambda d: d["successFlag"] != "PENDING", 240
    )
    assert data["data"]["successFlag"] == "SUCCESS", data
    out = {}
    for stem in data["data"]["response"]["originData"]:
        x, _ = sf.read(io.BytesIO(client.get(stem["audio_url"]).content), dtype="float32", always_2d=True)
        out[stem["stem_type_group_name"].lower()] = x
    return out


def wav_master(client: httpx.Client, task_id: str, clip_id: str) -> np.ndarray:
    """The clip's lossless master through the WAV route, at 44.1 kHz: (n, channels) float32."""
    reply = client.post("/api/v1/wav/generate", json={"taskId": task_id, "audioId": clip_id})
    assert reply.json()["code"] == 200, reply.text
    wav_task = reply.json()["data"]["taskId"]
    data = poll(client, "/api/v1/wav/record-info", wav_task, lambda d: d["successFlag"] != "PENDING", 240)
    assert data["data"]["successFlag"] == "SUCCESS", data
    x, rate = sf.read(io.BytesIO(client.get(data["data"]["response"]["audioWavUrl"]).content), always_2d=True)
    assert rate == 44100
    return x.astype(np.float32)
