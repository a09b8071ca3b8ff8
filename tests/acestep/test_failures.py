"""The acestep engine's failures through the whole service, over real HTTP (kie dialect): a killed engine
process, out of GPU memory, a NaN output. Each task fails with a message that says what to do, its credits
come back once, and the worker stays alive and takes the next task."""

from __future__ import annotations

import os
import signal
from pathlib import Path

from tests.acestep.checkpoints import nan_copy
from tests.acestep.service_setup import acestep_body, acestep_settings
from tests.support.harness import ServiceHarness, wait_for
from tests.support.kie_client import poll_until_done
from tests.support.processes import live_processes

OOM_ENGINE = "tests.acestep.doubles:OomAceStepEngineForTests"


def _engine_processes() -> set[int]:
    """This test process's children that are engine processes (multiprocessing `spawn` children)."""
    me = os.getpid()
    return {pid for pid, fields, cmd in live_processes() if int(fields[1]) == me and "spawn_main" in cmd}


def _status(client, task_id: str) -> str:  # type: ignore[no-untyped-def]
    reply = client.get("/api/v1/generate/record-info", params={"taskId": task_id})
    return reply.json()["data"]["status"] if reply.status_code == 200 else ""


def _failed(client, task_id: str) -> str:  # type: ignore[no-untyped-def]
    final, _ = poll_until_done(client, task_id, timeout=240)
    assert final["data"]["status"] == "GENERATE_AUDIO_FAILED", final
    return str(final["data"]["errorMessage"])


def _credits(client) -> int:  # type: ignore[no-untyped-def]
    return int(client.get("/api/v1/generate/credit").json()["data"])


def test_killed_engine_process_fails_the_task_refunds_once_and_the_worker_goes_on(
    tmp_path: Path, tiny_checkpoint: Path
) -> None:
    before = _engine_processes()
    settings = acestep_settings(tmp_path / "data", tiny_checkpoint, max_attempts=1)
    with ServiceHarness(settings) as harness:
        token = harness.new_key(credits=100)
        with harness.client(token) as client:
            first = wait_for(lambda: _engine_processes() - before, timeout=60)
            assert len(first) == 1, first  # one slot, one engine process (warmed with the tone engine)
            task_id = client.post("/api/v1/generate", json=acestep_body()).json()["data"]["taskId"]
            # the text is known: the engine process is loading the checkpoint or rendering the takes
            wait_for(lambda: _status(client, task_id) == "TEXT_SUCCESS", timeout=120, interval=0.05)
            (victim,) = first
            os.kill(victim, signal.SIGKILL)
            message = _failed(client, task_id)
            assert "the engine process was killed by SIGKILL before the song was finished" in message
            assert "submit the task again" in message and "ran out of memory" in message
            assert _credits(client) == 100  # refunded, once
            task = harness.services.store.get_task(task_id)
            assert task.refunded and task.attempts == 1

            # the worker is alive: it starts a new engine process and makes the next acestep song
            again = client.post("/api/v1/generate", json=acestep_body()).json()["data"]["taskId"]
            final, _ = poll_until_done(client, again, timeout=240)
            assert final["data"]["status"] == "SUCCESS", final
            assert len(final["data"]["response"]["sunoData"]) == 2
            assert victim not in _engine_processes() and _engine_processes() - before - {victim}
            charged = 100 - _credits(client)
            assert charged > 0
            assert harness.services.store.get_task(task_id).refunded  # still refunded once, nothing more
            assert _credits(client) == 100 - charged


def test_out_of_memory_and_nan_fail_with_what_to_do_and_refund_once(
    tmp_path: Path, tiny_checkpoint: Path
) -> None:
    """V5 runs the real engine on a checkpoint whose DiT outputs NaN; V5_5 runs the real engine on a pipeline
    that runs out of GPU memory (TEST DOUBLE: tests.acestep.doubles) on every call."""
    broken = nan_copy(tiny_checkpoint, tmp_path / "nan")
    settings = acestep_settings(tmp_path / "data", broken, max_attempts=2)
    settings = settings.model_copy(update={"models": {**settings.models, "V5_5": OOM_ENGINE}})
    with ServiceHarness(settings) as harness:
        token = harness.new_key(credits=100)
        with harness.client(token) as client:
            nan = client.post("/api/v1/generate", json=acestep_body(model="V5")).json()["data"]["taskId"]
            oom = client.post(
                "/api/v1/generate", json=acestep_body(model="V5_5", style="synth pop, oom:always")
            ).json()["data"]["taskId"]
            message = _failed(client, nan)
            assert "NaN" in message and "TUNESMITH_ACESTEP_DTYPE=fp16 use bf16 or fp32" in message
            message = _failed(client, oom)
            assert "out of GPU memory even one take at a time" in message
            assert "TUNESMITH_ACESTEP_OFFLOAD=1" in message
            assert _credits(client) == 100
            for task_id in (nan, oom):
                task = harness.services.store.get_task(task_id)
                assert task.refunded and task.attempts == 1  # not retried: the same call fails the same way
            # the worker takes the next task
            other = client.post("/api/v1/generate", json=acestep_body(model="V4_5")).json()["data"]["taskId"]
            assert poll_until_done(client, other, timeout=60)[0]["data"]["status"] == "SUCCESS"
