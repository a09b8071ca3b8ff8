"""Scale-out as deployed: two API processes and two worker processes (the real `tunesmith` commands) on one
PostgreSQL, one media directory and one Redis. A task submitted through one API is rendered by whichever
worker claims it and reads the same through the other API; the submit limit is shared by both APIs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.harness import free_port, wait_for
from tests.support.kie_client import custom_body
from tests.support.processes import start_tunesmith, stopped_at_exit, tone_env, wait_healthy

pytestmark = pytest.mark.postgres
TOKEN = "tsk_scale-out-test-key"
RECORD = "/api/v1/generate/record-info"


@pytest.fixture
def fleet(tmp_path: Path, pg_database_url: str) -> Iterator[list[str]]:
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url("redis://127.0.0.1:6379/14").ping()
    except Exception as exc:  # noqa: BLE001
        pytest.skip(f"Redis not reachable on 127.0.0.1:6379: {exc}")
    env = tone_env(
        TOKEN,
        {
            "TUNESMITH_DATA_DIR": str(tmp_path),
            "TUNESMITH_DATABASE_URL": pg_database_url,
            "TUNESMITH_REDIS_URL": "redis://127.0.0.1:6379/14",
            "TUNESMITH_SUBMIT_LIMIT": "6",
        },
    )
    redis.Redis.from_url("redis://127.0.0.1:6379/14").flushdb()
    ports = [free_port(), free_port()]
    api = env | {"TUNESMITH_PUBLIC_URL": f"http://127.0.0.1:{ports[0]}"}
    procs = [
        start_tunesmith(["serve", "--workers", "0", "--port", str(port)], api, tmp_path) for port in ports
    ]
    procs += [start_tunesmith(["worker"], env, tmp_path) for _ in range(2)]
    bases = [f"http://127.0.0.1:{port}" for port in ports]
    with stopped_at_exit(procs):
        for base in bases:
            wait_healthy(base)
        yield bases


def test_two_apis_and_two_workers_share_one_queue(fleet: list[str]) -> None:
    first, second = (
        httpx.Client(base_url=b, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=30) for b in fleet
    )
    with first, second:
        task_ids = []
        for api in (first, first, first, second, second, second):
            reply = api.post("/api/v1/generate", json=custom_body())
            assert reply.status_code == 200, reply.text
            task_ids.append(reply.json()["data"]["taskId"])
        # the seventh request in the window is refused, whichever API it reaches: the limit lives in Redis
        refused = first.post("/api/v1/generate", json=custom_body())
        assert refused.status_code == 429 and refused.json()["code"] == 429

        def all_done() -> list[dict] | None:
            answers = [second.get(RECORD, params={"taskId": t}).json() for t in task_ids]
            return answers if all(a["data"]["status"] == "SUCCESS" for a in answers) else None

        answers = wait_for(all_done, timeout=120, interval=0.5)
        for answer in answers:
            clip = answer["data"]["response"]["sunoData"][0]
            assert first.get(clip["audioUrl"]).status_code == 200
