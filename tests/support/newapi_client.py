"""A new-api client's steps, shared by the API and hardening tests: a music submit body (MUSIC), submitting
and waiting for a submitted task to end (newapi_submit, newapi_done, or both: newapi_task); and the same steps
for zeakAi's task API, which the new-api family's tests drive beside it."""

from __future__ import annotations

import httpx

from tests.support.harness import wait_for

MUSIC = {
    "prompt": "[Verse]\nWalking down the streets\n[Chorus]\nCity lights",
    "tags": "emotional punk",
    "title": "City Lights",
    "mv": "chirp-v3-5",
}


def newapi_accepted(reply: httpx.Response) -> str:
    """The task id of an accepted new-api submit."""
    answer = reply.json()
    assert reply.status_code == 200 and answer["code"] == "success", answer
    return str(answer["data"])


def newapi_submit(client: httpx.Client, path: str, body: dict) -> str:
    """POST /suno/submit/<path>; the new task's id (the submit must be accepted)."""
    return newapi_accepted(client.post(f"/suno/submit/{path}", json=body))


def newapi_done(client: httpx.Client, task_id: str, timeout: float = 60) -> dict:
    """The task's /suno/fetch data once it has succeeded or failed."""

    def done() -> dict | None:
        data = client.get(f"/suno/fetch/{task_id}").json()["data"]
        return data if data["status"] in ("SUCCESS", "FAILURE") else None

    return wait_for(done, timeout=timeout, interval=0.3)


def newapi_task(client: httpx.Client, reply: httpx.Response, timeout: float = 60) -> dict:
    """The task `reply` (an accepted submit) started, polled with /suno/fetch until it succeeds or fails."""
    return newapi_done(client, newapi_accepted(reply), timeout)


# ── zeakAi ────────────────────────────────────────────────────────────────────────────────────────────
ZEAK = "/suno/task"


def zeak_accepted(reply: httpx.Response) -> str:
    """The task id of an accepted zeakAi submit."""
    answer = reply.json()
    assert reply.status_code == 200 and answer["code"] == 1, answer
    return str(answer["result"])


def zeak_submit(client: httpx.Client, route: str, body: dict) -> str:
    """POST /suno/task/submit/<route>; the new task's id (the submit must be accepted)."""
    return zeak_accepted(client.post(f"{ZEAK}/submit/{route}", json=body))


def zeak_done(client: httpx.Client, task_id: str, timeout: float = 60) -> dict:
    """The task's zeakAi fetch body once it has succeeded or failed."""

    def done() -> dict | None:
        body = client.get(f"{ZEAK}/{task_id}/fetch").json()
        return body if body["status"] in ("SUCCESS", "FAILURE") else None

    return wait_for(done, timeout=timeout, interval=0.3)


def zeak_task(client: httpx.Client, reply: httpx.Response) -> dict:
    """The task `reply` (an accepted zeakAi submit) started, polled until it succeeds or fails."""
    return zeak_done(client, zeak_accepted(reply))
