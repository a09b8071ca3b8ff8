"""A kie.ai client's steps, shared by the API tests of every dialect: a custom-mode generate body and polling
record-info until the task ends (checking every status on the way is one the seed knows)."""

from __future__ import annotations

from tests.support.harness import wait_for

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
