"""A data directory written by the previous version keeps working: its URLs answer (those that were handed
out, and no others), and `tunesmith media migrate` compacts it without losing a file anyone was given a URL
for — after which the WAV operation still gives the very master the old version kept."""

from __future__ import annotations

import io
import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import httpx
import numpy as np
import pytest
import soundfile as sf
from sqlalchemy import insert
from typer.testing import CliRunner

from tests.store.factories import new_task
from tests.support.harness import ServiceHarness, settings_for_tests
from tests.support.kie_client import poll
from tests.support.tone_engine import _mp3
from tunesmith.cli import app
from tunesmith.domain.operations import OperationKind, SongRequest
from tunesmith.domain.states import ClipState, QueueStatus, TaskState
from tunesmith.store.database import make_engine
from tunesmith.store.migrate import upgrade
from tunesmith.store.rows import clip_values, task_values
from tunesmith.store.tables import api_keys, clips, tasks

TOKEN = "tsk_legacy-data-dir-key"
runner = CliRunner()


def _legacy_data_dir(data_dir: Path) -> dict:
    """What the previous version left: a finished song (two files handed out, the rest beside them in the
    clip's folder) and a WAV task's result, recorded at schema revision 0004."""
    url = f"sqlite:///{data_dir / 'tunesmith.db'}"
    upgrade(url, "0004")
    song = new_task("legacy-key", clips=1)
    clip_id = song.clips[0].id
    folder = data_dir / "media" / "clips" / clip_id
    (folder / "stems").mkdir(parents=True)
    t = np.arange(44100 * 3) / 44100
    parts = {
        "vocals": 0.2 * np.sin(2 * np.pi * 440 * t),
        "drums": 0.1 * np.sign(np.sin(2 * np.pi * 2 * t)),
        "bass": 0.2 * np.sin(2 * np.pi * 55 * t),
        "other": 0.1 * np.sin(2 * np.pi * 660 * t),
    }
    stems = {n: np.stack([x, x], axis=1).astype(np.float32) for n, x in parts.items()}
    master = np.round(np.clip(sum(stems.values()), -1, 1) * 32767).astype(np.int16)
    sf.write(folder / "audio.wav", master, 44100, subtype="PCM_16")
    (folder / "audio.mp3").write_bytes(_mp3(master))
    (folder / "stream.mp3").write_bytes(_mp3(master))
    (folder / "cover.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 100)
    (folder / "song.mid").write_bytes(b"MThd")
    (folder / "plan.json").write_text("{}")
    (folder / "words.json").write_text("[]")
    for name, data in stems.items():
        sf.write(folder / "stems" / f"{name}.wav", data, 44100, subtype="FLOAT")
    artifacts = {"midi": "song.mid", "plan": "plan.json", "timings": "words.json", "stream": "stream.mp3"}
    artifacts |= {f"stem.{n}": f"stems/{n}.wav" for n in stems}
    now = datetime.now(UTC)
    clip = replace(
        song.clips[0],
        state=ClipState.COMPLETE,
        duration=3.0,
        audio_key=f"clips/{clip_id}/audio.mp3",
        image_key=f"clips/{clip_id}/cover.png",
        wav_key=f"clips/{clip_id}/audio.wav",
        stream_key=f"clips/{clip_id}/stream.mp3",
        artifacts={k: f"clips/{clip_id}/{v}" for k, v in artifacts.items()},
    )
    song = replace(song, state=TaskState.SUCCESS, queue_status=QueueStatus.DONE, clips=(clip,))
    midi_task = new_task("legacy-key", clips=0)
    (data_dir / "media" / "tasks" / midi_task.id).mkdir(parents=True)
    (data_dir / "media" / "tasks" / midi_task.id / "song.mid").write_bytes(b"MThd-the-midi-result")
    midi_task = replace(
        midi_task,
        operation=OperationKind.MIDI,
        request=SongRequest(kind=OperationKind.MIDI, source_clip_id=clip_id),
        state=TaskState.SUCCESS,
        queue_status=QueueStatus.DONE,
        parent_clip_id=clip_id,
    )
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(
            insert(api_keys).values(
                id="legacy-key", name="old", key_hash="h", prefix="p", credits=100, created_at=now
            )
        )
        for task in (song, midi_task):
            values = task_values(task)
            values.pop("engine_state")  # a column of a later revision
            values.update(state=task.state.value, queue_status=task.queue_status.value)
            if task is midi_task:
                values["result"] = json.dumps({"files": {"midi": f"tasks/{midi_task.id}/song.mid"}})
            conn.execute(insert(tasks).values(**values))
        conn.execute(
            insert(clips).values(**{k: v for k, v in clip_values(clip).items() if k != "rebuildable"})
        )
    engine.dispose()
    return {"task": song, "clip": clip, "midi_task": midi_task, "master": master, "folder": folder}


@pytest.fixture
def legacy(tmp_path: Path) -> dict:
    return _legacy_data_dir(tmp_path)


def test_old_urls_answer_and_migrate_compacts_without_losing_them(tmp_path: Path, legacy: dict) -> None:
    settings = settings_for_tests(tmp_path, api_keys=[TOKEN])
    clip, midi_task = legacy["clip"], legacy["midi_task"]
    handed_out = [clip.audio_key, clip.image_key, f"tasks/{midi_task.id}/song.mid"]
    never = [clip.wav_key, *(v for k, v in clip.artifacts.items())]
    with ServiceHarness(settings) as service:  # starting up upgrades the schema to the head
        with httpx.Client(base_url=service.base_url, timeout=30) as stranger:
            originals = {key: stranger.get(f"/media/{key}") for key in handed_out}
            assert all(r.status_code == 200 for r in originals.values())
            for key in never:
                assert stranger.get(f"/media/{key}").status_code == 404, key

            dry = runner.invoke(app, ["media", "migrate", "--data-dir", str(tmp_path)])
            assert dry.exit_code == 0 and "would migrate 1 clip" in dry.output, dry.output
            assert (legacy["folder"] / "audio.wav").is_file()

            done = runner.invoke(app, ["media", "migrate", "--apply", "--data-dir", str(tmp_path)])
            assert done.exit_code == 0 and "migrated 1 clip" in done.output, done.output
            names = sorted(p.relative_to(legacy["folder"]).as_posix() for p in legacy["folder"].rglob("*.*"))
            assert names == [
                "audio.mp3",
                "cover.png",
                "master.flac",
                "plan.json",
                "song.mid",
                "stems/bass.flac",
                "stems/drums.flac",
                "stems/other.flac",
                "stems/vocals.flac",
                "waveform.json",
                "words.json",
            ]
            for key, before in originals.items():
                after = stranger.get(f"/media/{key}")
                assert after.status_code == 200 and after.content == before.content, key
            assert service.services.store.legacy_media_clips() == []
            assert all(r.size > 0 for r in service.services.store.media_of(clip_ids=[clip.id]))

        _own(service)
        with service.client(TOKEN) as owner:
            reply = owner.post("/api/v1/wav/generate", json={"taskId": legacy["task"].id, "audioId": clip.id})
            wav_id = reply.json()["data"]["taskId"]
            data = poll(owner, "/api/v1/wav/record-info", wav_id, lambda d: d["successFlag"] != "PENDING")
            assert data["data"]["successFlag"] == "SUCCESS", data
            wav = httpx.get(data["data"]["response"]["audioWavUrl"]).content
            samples = sf.read(io.BytesIO(wav), dtype="int16", always_2d=True)[0]
            assert np.array_equal(samples, legacy["master"])  # bit for bit the old version's master
            stems = owner.post(
                "/api/v1/vocal-removal/generate",
                json={"taskId": legacy["task"].id, "audioId": clip.id, "type": "split_stem"},
            )
            stems_id = stems.json()["data"]["taskId"]
            data = poll(
                owner, "/api/v1/vocal-removal/record-info", stems_id, lambda d: d["successFlag"] != "PENDING"
            )
            assert data["data"]["successFlag"] == "SUCCESS", data
            response = data["data"]["response"]
            total = None
            for field in ("vocalUrl", "drumsUrl", "bassUrl", "otherUrl"):
                part = sf.read(io.BytesIO(httpx.get(response[field]).content), dtype="float32")[0]
                total = part if total is None else total + part
            master = legacy["master"].astype(np.float32) / 32767
            residual = np.sum((master - total) ** 2) / np.sum(master**2)
            assert 10 * np.log10(residual) < -40


def _own(service: ServiceHarness) -> None:
    """Hand the legacy song (and its MIDI task) to the configured key: its owner, come back."""
    from sqlalchemy import text

    key = service.services.keys.authenticate(f"Bearer {TOKEN}")
    engine = make_engine(service.settings.effective_database_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE tasks SET key_id = :k"), {"k": key.id})
        conn.execute(text("UPDATE media_objects SET key_id = :k"), {"k": key.id})
    engine.dispose()
    service.services.tasks.snapshots = type(service.services.tasks.snapshots)()
