"""Retention and quotas through the real service on SQLite and PostgreSQL: a clip past
TUNESMITH_MEDIA_RETENTION_DAYS answers each dialect's not-found, its task stays readable, `tunesmith media
prune` frees its files (dry run first); a key whose songs fill its storage quota can start no new song."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text
from typer.testing import CliRunner

from tests.support.harness import ServiceHarness, settings_for_tests
from tests.support.kie_client import custom_body, finished
from tunesmith.cli import app

RETENTION_DAYS = 14
runner = CliRunner()


@pytest.fixture
def service(backend_url: str, tmp_path: Path) -> Iterator[ServiceHarness]:
    settings = settings_for_tests(
        tmp_path, database_url=backend_url, media_retention_days=RETENTION_DAYS, workers=2
    )
    with ServiceHarness(settings) as harness:
        yield harness


def _song(client: httpx.Client, **extra: object) -> dict:
    return finished(client, custom_body(**extra))


def _age(service: ServiceHarness, task_id: str, days: float) -> None:
    """Move a task, its clips and its files `days` into the past (what waiting that long would do)."""
    engine = create_engine(service.settings.effective_database_url)
    moment = datetime.now(UTC) - timedelta(days=days)
    with engine.begin() as conn:
        for table in ("tasks", "clips", "media_objects"):
            column = "id" if table == "tasks" else "task_id"
            conn.execute(
                text(f"UPDATE {table} SET created_at = :m WHERE {column} = :t"), {"m": moment, "t": task_id}
            )
    engine.dispose()
    service.services.tasks.snapshots = type(service.services.tasks.snapshots)()  # drop cached snapshots


def _cli(service: ServiceHarness, *args: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("TUNESMITH_DATABASE_URL", service.settings.effective_database_url)
    monkeypatch.setenv("TUNESMITH_MEDIA_RETENTION_DAYS", str(RETENTION_DAYS))
    result = runner.invoke(app, [*args, "--data-dir", str(service.settings.data_dir)])
    assert result.exit_code == 0, result.output
    return result.output


def test_an_expired_clip_is_gone_but_its_task_reads_on(
    service: ServiceHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = service.new_key()
    with service.client(token) as client, httpx.Client(timeout=30) as stranger:
        old, fresh = _song(client), _song(client)
        old_clip = old["response"]["sunoData"][0]
        for url in (old_clip["audioUrl"], old_clip["imageUrl"], old_clip["streamAudioUrl"]):
            assert stranger.get(url).status_code == 200
        _age(service, old["taskId"], RETENTION_DAYS + 1)

        for url in (old_clip["audioUrl"], old_clip["imageUrl"], old_clip["streamAudioUrl"]):
            assert stranger.get(url).status_code == 404, url
        again = client.get("/api/v1/generate/record-info", params={"taskId": old["taskId"]}).json()
        assert again["code"] == 200 and again["data"]["status"] == "SUCCESS"
        assert again["data"]["response"]["sunoData"][0]["id"] == old_clip["id"]
        before = client.get("/api/v1/generate/credit").json()["data"]
        wav = client.post("/api/v1/wav/generate", json={"taskId": old["taskId"], "audioId": old_clip["id"]})
        assert wav.status_code == 404 and wav.json()["code"] == 404 and "expired" in wav.json()["msg"]
        assert client.get("/api/v1/generate/credit").json()["data"] == before  # nothing charged
        aligned = client.get("/api/get_aligned_lyrics", params={"song_id": old_clip["id"]})
        assert aligned.status_code == 404 and "expired" in aligned.json()["error"]
        listed = client.get("/api/get", params={"ids": old_clip["id"]})
        assert listed.status_code == 200 and listed.json()[0]["id"] == old_clip["id"]
        fresh_clip = fresh["response"]["sunoData"][0]
        assert stranger.get(fresh_clip["audioUrl"]).status_code == 200

        records = service.services.store.media_of(task_ids=[old["taskId"]])
        old_keys = {r.key for r in records if not r.key.endswith("/")}  # not the folders of stream pieces
        assert old_keys and all(service.services.media.stat(k) for k in old_keys)
        dry = _cli(service, "media", "prune", monkeypatch=monkeypatch)
        assert "would free" in dry and "dry run" in dry
        assert all(service.services.media.stat(k) for k in old_keys)  # a dry run deletes nothing
        done = _cli(service, "media", "prune", "--apply", monkeypatch=monkeypatch)
        assert "freed" in done
        assert not any(service.services.media.stat(k) for k in old_keys)
        assert stranger.get(fresh_clip["audioUrl"]).status_code == 200
        assert client.get("/api/v1/generate/record-info", params={"taskId": old["taskId"]}).status_code == 200


def test_a_full_storage_quota_refuses_new_songs(
    service: ServiceHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = service.services.keys.create(name="small", credits=100, storage_mb=1).token
    with service.client(token) as client:
        _song(client, style="test:seconds=40")  # two 40 s MP3s: more than 1 MB
        before = client.get("/api/v1/generate/credit").json()["data"]
        refused = client.post("/api/v1/generate", json=custom_body())
        body = refused.json()
        assert refused.status_code == body["code"] != 200 and "quota" in body["msg"].lower(), body
        assert client.get("/api/v1/generate/credit").json()["data"] == before
        lyrics = client.post("/api/v1/lyrics", json={"prompt": "a song about the sea"})
        assert lyrics.json()["code"] == 200  # lyrics store no files
    usage = _cli(service, "media", "usage", monkeypatch=monkeypatch)
    assert "small" in usage and "1 MB" in usage


def test_keys_create_takes_a_storage_quota(tmp_path: Path) -> None:
    from tunesmith.service.keys import hash_key
    from tunesmith.services import build_services
    from tunesmith.settings import load_settings

    made = runner.invoke(
        app, ["keys", "create", "--storage-mb", "250", "--data-dir", str(tmp_path), "--create-database"]
    )
    assert made.exit_code == 0, made.output
    services = build_services(load_settings(data_dir=tmp_path))
    try:
        key = services.store.get_key_by_hash(hash_key(made.stdout.strip().splitlines()[-1]))
        assert key is not None and key.storage_mb == 250
    finally:
        services.close()
