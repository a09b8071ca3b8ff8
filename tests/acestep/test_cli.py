"""The operator's view of the acestep engine, running the real `tunesmith` command: `tunesmith engines`
says which engines are ready and what they can do; `serve` starts with a one-line warning for a model mapped
to an engine that is not ready; the API process never imports torch, even with acestep ready and in use."""

from __future__ import annotations

import json
import signal
from pathlib import Path

import httpx

from tests.support.cli import Running, clean_env, run_cli
from tests.support.harness import TONE_ENGINE, free_port, wait_for
from tunesmith.domain.operations import MODEL_NAMES

MODELS = json.dumps({m: TONE_ENGINE for m in MODEL_NAMES} | {"V5": "acestep", "V5_5": "acestep"})


def _env(checkpoint: Path | str, **more: str) -> dict[str, str]:
    return clean_env(
        TUNESMITH_MODELS=MODELS,
        TUNESMITH_DEFAULT_ENGINE=TONE_ENGINE,
        TUNESMITH_ACESTEP_CHECKPOINT=str(checkpoint),
        TUNESMITH_ACESTEP_DEVICE="cpu",
        **more,
    )


def test_engines_lists_every_engine_and_whether_it_is_ready(tmp_path: Path, tiny_checkpoint: Path) -> None:
    ready = run_cli(["engines", "--json"], tmp_path, _env(tiny_checkpoint))
    assert ready.returncode == 0, ready.stderr
    rows = {row["engine"]: row for row in json.loads(ready.stdout)}
    assert set(rows) == {"acestep", TONE_ENGINE, "studio"}
    ace = rows["acestep"]
    assert ace["ready"] and ace["models"] == ["V5", "V5_5"]
    assert ace["details"]["checkpoint"] == str(tiny_checkpoint)
    assert "upload_cover" in ace["details"]["operations"] and ace["details"]["model"] == "turbo, 8 steps"
    assert ace["details"]["device"].startswith("cpu")
    table = run_cli(["engines"], tmp_path, _env(tiny_checkpoint))
    assert table.returncode == 0 and "acestep (models V5, V5_5): ready\n" in table.stdout
    assert "    cover: yes\n" in table.stdout and "studio (song operations): ready" in table.stdout

    missing = run_cli(["engines"], tmp_path, _env(tmp_path / "nowhere"))
    assert missing.returncode == 1 and not missing.left_behind
    line = next(line for line in missing.stdout.splitlines() if line.startswith("acestep "))
    assert (
        line
        == f"acestep (models V5, V5_5): NOT READY: checkpoint folder {tmp_path / 'nowhere'} does not exist"
    )
    assert "Traceback" not in missing.stdout + missing.stderr


def _answers(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/openapi.json", timeout=5).status_code == 200
    except httpx.HTTPError:
        return False


def _mapped_libraries(pid: int) -> str:
    text = Path(f"/proc/{pid}/maps").read_text()
    return "\n".join(line for line in text.splitlines() if "torch" in line)


def test_serve_warns_about_a_not_ready_engine_and_never_imports_torch(
    tmp_path: Path, tiny_checkpoint: Path
) -> None:
    port = free_port()
    env = _env(tmp_path / "nowhere", TUNESMITH_WORKERS="0")
    server = Running(["serve", "--port", str(port)], tmp_path, env)
    try:
        line = server.wait_for("engine acestep is not ready")
        assert "does not exist" in line and "V5, V5_5" in line and " WARNING " in line
        server.wait_for(f"listening on 127.0.0.1:{port}")
        # it answers (a stop signal sent any earlier stops it too: tests/cli/test_early_stop.py)
        wait_for(lambda: _answers(port))
    finally:
        assert server.stop(signal.SIGINT) == 0, server.output

    (tmp_path / "ready").mkdir()
    port = free_port()
    env = _env(tiny_checkpoint, TUNESMITH_WORKERS="0", TUNESMITH_API_KEYS="acestep-test-key")
    server = Running(["serve", "--port", str(port)], tmp_path / "ready", env)
    try:
        server.wait_for(f"listening on 127.0.0.1:{port}")
        assert "not ready" not in server.output
        reply = httpx.post(
            f"http://127.0.0.1:{port}/api/v1/generate",
            headers={"Authorization": "Bearer acestep-test-key"},
            json={"customMode": False, "instrumental": False, "model": "V5", "prompt": "a calm song"},
            timeout=30,
        )
        assert reply.json()["code"] == 200, reply.text  # accepted for the acestep engine, and queued
        assert _mapped_libraries(server.proc.pid) == "", "the API process loaded torch"
    finally:
        assert server.stop(signal.SIGINT) == 0, server.output
