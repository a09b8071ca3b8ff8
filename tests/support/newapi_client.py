"""A new-api client's steps, shared by the API and hardening tests: a music submit body (MUSIC) and waiting
for a submitted task to end (newapi_task)."""

from __future__ import annotations

import httpx

from tests.support.harness import wait_for

MUSIC = {
    "prompt": "[Verse]\nWalking down the streets\n[Chorus]\nCity lights",
    "tags": "emotional punk",
    "title": "City Lights",
    "mv": "chirp-v3-5",
}


def newapi_task(client: httpx.Client, reply: httpx.Response, timeout: float = 60) -> dict:
    """The task `reply` (an accepted submit) started, polled with /suno/fetch until it succeeds or fails."""
    assert reply.status_code == 200 and reply.json()["code"] == "success", reply.text
    task_id = reply.json()["data"]

    def done() -> dict | None:
        data = client.get(f"/suno/fetch/{task_id}").json()["data"]
        return data if data["status"] in ("SUCCESS", "FAILURE") else None

    return wait_for(done, timeout=timeout, interval=0.3)
