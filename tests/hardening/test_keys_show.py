"""`tunesmith keys show PREFIX`: one key's balance, tasks by state and storage used, found by its prefix as
`keys list` prints it; never the key or its webhook secret; an unknown or ambiguous prefix is one line."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.cli import clean_env, run_cli
from tests.support.harness import ServiceHarness, settings_for_tests
from tests.support.kie_client import custom_body, poll_until_done


def test_keys_show_reports_balance_tasks_and_storage(tmp_path: Path) -> None:
    settings = settings_for_tests(tmp_path / "data")
    with ServiceHarness(settings) as service:
        created = service.services.keys.create(name="alice", credits=100, webhook_secret="alice-hook-SECRET")
        other = service.new_key()
        with service.client(created.token) as client:
            task_id = client.post("/api/v1/generate", json=custom_body()).json()["data"]["taskId"]
            poll_until_done(client, task_id)
        with service.client(other) as client:  # another key's work is not counted
            client.post("/api/v1/generate", json=custom_body())
        prefix = created.key.prefix
    env = clean_env(TUNESMITH_DATA_DIR=str(tmp_path / "data"))
    shown = run_cli(["keys", "show", prefix, "--json"], tmp_path, env)
    assert shown.returncode == 0, shown.stderr
    usage = json.loads(shown.stdout)
    assert usage["prefix"] == prefix and usage["name"] == "alice"
    assert usage["credits"] == 100 - service.settings.cost_of("generate")
    assert usage["tasks"] == {"SUCCESS": 1}
    assert usage["storage_bytes"] > 10_000 and usage["webhook_secret"] is True
    table = run_cli(["keys", "show", prefix], tmp_path, env)
    assert table.returncode == 0 and "SUCCESS 1" in table.stdout and "alice" in table.stdout
    for run in (shown, table):
        assert created.token not in run.stdout + run.stderr
        assert "alice-hook-SECRET" not in run.stdout + run.stderr
    missing = run_cli(["keys", "show", "tsk_nope"], tmp_path, env)
    assert missing.returncode == 1 and "no key starts with 'tsk_nope'" in missing.stderr
    ambiguous = run_cli(["keys", "show", "tsk_"], tmp_path, env)
    assert ambiguous.returncode == 1 and "keys start with 'tsk_'" in ambiguous.stderr
