"""`TUNESMITH_LOG_FORMAT=json`: the real `tunesmith serve` writes one JSON object per line, with the task id,
key prefix, dialect and route of the request or task a line belongs to; and no line, in either format, holds
an API key, a webhook secret, an upstream/model key or the metrics token, whatever the requests carried."""

from __future__ import annotations

import json
import signal
from pathlib import Path

import httpx
import pytest

from tests.support.cli import TONE_ENV, Running, clean_env, run_cli
from tests.support.harness import free_port, wait_for
from tests.support.receiver import CallbackReceiver

KEY_SECRET = "key-webhook-SECRET-1234"
SECRETS = {
    "TUNESMITH_WEBHOOK_SECRET": "global-webhook-SECRET-5678",
    "TUNESMITH_LYRICS_MODEL_KEY": "model-key-SECRET-9012",
    "TUNESMITH_MODERATION_KEY": "moderation-SECRET-3456",
    "TUNESMITH_METRICS_TOKEN": "metrics-SECRET-7890",
    "TUNESMITH_API_KEYS": "dev-api-key-SECRET-2468",
}
WRONG_KEY = "tsk_notAKeyButSECRETanyway12345"


@pytest.mark.parametrize("log_format", ["json", "text"])
def test_logs_carry_context_and_never_a_secret(tmp_path: Path, log_format: str) -> None:
    made = run_cli(
        [
            "keys",
            "create",
            "--name",
            "ops",
            "--webhook-secret",
            KEY_SECRET,
            "--create-database",
            "--data-dir",
            "data",
        ],
        tmp_path,
    )
    assert made.returncode == 0, made.stderr
    token = made.stdout.strip()
    port = free_port()
    env = clean_env(
        **TONE_ENV,
        **SECRETS,
        TUNESMITH_LOG_FORMAT=log_format,
        TUNESMITH_CALLBACK_ALLOW="127.0.0.1",
        TUNESMITH_CALLBACK_BACKOFF_SECONDS="0.2",
    )
    server = Running(["serve", "--port", str(port)], tmp_path, env)
    try:
        server.wait_for("listening on")
        base = f"http://127.0.0.1:{port}"
        with CallbackReceiver() as receiver, httpx.Client(base_url=base, timeout=30) as client:
            mine = {"Authorization": f"Bearer {token}"}
            body = {
                "customMode": False,
                "instrumental": True,
                "model": "V4_5",
                "prompt": "a calm piano",
                "callBackUrl": f"{receiver.url}?token={token}",
            }
            task_id = client.post("/api/v1/generate", json=body, headers=mine).json()["data"]["taskId"]
            wait_for(lambda: "complete" in receiver.stages(), timeout=60)
            assert (
                client.get(
                    "/api/v1/generate/credit", headers={"Authorization": f"Bearer {WRONG_KEY}"}
                ).status_code
                == 401
            )
            dev = {"Authorization": f"Bearer {SECRETS['TUNESMITH_API_KEYS']}"}
            assert client.get("/api/v1/generate/credit", headers=dev).status_code == 200
            assert client.get("/metrics").status_code == 403
            server.wait_for(f"task {task_id}: attempt 1 succeeded")
    finally:
        assert server.stop(signal.SIGINT) == 0, server.output
    output = server.output
    for secret in [token, WRONG_KEY, KEY_SECRET, *SECRETS.values()]:
        assert secret not in output, f"{secret!r} logged:\n{output}"
    lines = [line for line in server.lines if line.strip()]
    assert lines
    if log_format == "text":
        return
    entries = [json.loads(line) for line in lines]  # every line is one JSON object
    assert all({"time", "level", "logger", "message"} <= set(e) for e in entries), entries
    submitted = next(e for e in entries if e["message"].startswith(f"task {task_id}: submitted"))
    assert submitted["task_id"] == task_id and submitted["dialect"] == "kie"
    assert (
        submitted["route"] == "/api/v1/generate"
        and submitted["key_prefix"] == token[: len(submitted["key_prefix"])]
    )
    assert len(submitted["key_prefix"]) >= 4
    worked = next(e for e in entries if e["message"].startswith(f"task {task_id}: attempt 1 succeeded"))
    assert worked["task_id"] == task_id and worked["dialect"] == "kie"
