"""Lyrics by the operator's chat model (a test double of an OpenAI-compatible server), with the offline
songwriter as the fallback: the studio's lyrics task, the composer's description mode and the worker's
jobs."""

from __future__ import annotations

import logging
import pickle
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.support.chat_server import (
    RAIN,
    SNOW,
    CannedReply,
    ChatServerForTests,
    completion,
    dead_url,
    songs_json,
)
from tests.support.studio_ops import run_op
from tunesmith.domain.models import Task
from tunesmith.domain.operations import OperationKind, SongRequest
from tunesmith.engines.base import EngineJob
from tunesmith.engines.composer.engine import _song_text

PROMPT = "a song about the first snow in Beijing"
MODEL_SONGS = completion(
    songs_json(
        {"title": "First Snow", "tags": "mandopop, piano", "lyrics": SNOW},
        {"title": "Rain Song", "tags": "indie folk", "lyrics": RAIN},
        {"title": "Third Song", "tags": "pop", "lyrics": "[Verse]\nA third song for you\n[Chorus]\nOh oh"},
    )
)


def lyrics_task(tmp_path: Path, options: dict[str, Any], *, count: int = 2, seed: int = 1) -> list[dict]:
    """Run the studio's lyrics operation with these engine options; the variants it reported."""
    files, data = run_op(
        OperationKind.LYRICS, tmp_path, seed=seed, options=options, description=PROMPT, extra={"count": count}
    )
    assert files == {}
    return data["lyrics"]


def test_lyrics_task_uses_the_model(tmp_path: Path) -> None:
    with ChatServerForTests(MODEL_SONGS) as server:
        variants = lyrics_task(tmp_path, server.options(model="llama-test", key="sk-op"))
        assert server.requests[0]["headers"]["Authorization"] == "Bearer sk-op"
        assert server.requests[0]["json"]["model"] == "llama-test"
        assert PROMPT in server.requests[0]["json"]["messages"][1]["content"]
    assert [v["title"] for v in variants] == ["First Snow", "Rain Song"]
    assert [v["text"] for v in variants] == [SNOW, RAIN]
    assert [v["tags"] for v in variants] == ["mandopop, piano", "indie folk"]
    assert all(v["status"] == "complete" and v["source"] == "chat-model:llama-test" for v in variants)
    with ChatServerForTests(MODEL_SONGS) as server:
        three = lyrics_task(tmp_path, server.options(), count=3)
    assert [v["title"] for v in three] == ["First Snow", "Rain Song", "Third Song"]


@pytest.mark.parametrize("trouble", ["garbage", "server error", "down", "slow", "misconfigured"])
def test_lyrics_task_falls_back_to_the_songwriter(
    tmp_path: Path, trouble: str, caplog: pytest.LogCaptureFixture
) -> None:
    offline = lyrics_task(tmp_path, {})
    assert all(v["source"] == "songwriter" for v in offline)
    replies = {
        "garbage": completion("Sorry, I only write haiku."),
        "server error": CannedReply(status=503, body="overloaded"),
        "slow": CannedReply(body="{}", delay=3.0),
    }
    with ChatServerForTests(replies.get(trouble, CannedReply())) as server, caplog.at_level(logging.WARNING):
        options = server.options(timeout=0.5)
        if trouble == "down":
            options["lyrics_model"]["url"] = dead_url()
        if trouble == "misconfigured":
            options["lyrics_model"]["timeout"] = "soon"
        start = time.monotonic()
        variants = lyrics_task(tmp_path, options)
        assert time.monotonic() - start < 2.5
    assert variants == offline  # the songwriter's variants, as if no model were configured
    assert "the songwriter writes the lyrics" in caplog.text


def test_song_text_in_description_mode_uses_the_model() -> None:
    reply = completion(songs_json({"title": "First Snow", "tags": "mandopop, piano", "lyrics": SNOW}))
    request = SongRequest(description=PROMPT, style="lo-fi")
    with ChatServerForTests(reply) as server:
        title, tags, lyrics, language = _song_text(request, 5, server.options())
        assert (title, tags, lyrics, language) == ("First Snow", "lo-fi, mandopop, piano", SNOW, "en")
        assert PROMPT in server.requests[0]["json"]["messages"][1]["content"]
        titled = SongRequest(description=PROMPT, title="My Own Title")
        assert _song_text(titled, 5, server.options())[0] == "My Own Title"
        inst = _song_text(SongRequest(description=PROMPT, instrumental=True), 5, server.options())
        assert inst[0] == "First Snow" and inst[2] == "" and "instrumental" in inst[1]
        custom = SongRequest(custom_mode=True, lyrics=RAIN, style="folk", title="Mine")
        assert _song_text(custom, 5, server.options()) == ("Mine", "folk", RAIN, "en")
        assert len(server.requests) == 3  # custom mode never asks the model


def test_song_text_falls_back_to_the_songwriter(caplog: pytest.LogCaptureFixture) -> None:
    request = SongRequest(description=PROMPT)
    offline = _song_text(request, 5)
    assert offline[2] and "[" in offline[2]
    dead = {"lyrics_model": {"url": dead_url(), "model": "m", "key": "", "timeout": 2.0}}
    with caplog.at_level(logging.WARNING):
        assert _song_text(request, 5, dead) == offline
    assert "could not reach the lyrics model" in caplog.text
    with ChatServerForTests(completion('{"songs": []}')) as server:
        assert _song_text(request, 5, server.options()) == offline


def test_worker_puts_the_operator_options_in_the_job(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tunesmith.media.local import LocalMediaStore
    from tunesmith.runtime.worker import Worker
    from tunesmith.settings import Settings

    now = datetime.now(UTC)
    task = Task(
        id="0123abcd" * 4,
        key_id="k",
        operation=OperationKind.LYRICS,
        request=SongRequest(kind=OperationKind.LYRICS, description=PROMPT),
        dialect="kie",
        raw_request="{}",
        engine="studio",
        created_at=now,
        updated_at=now,
    )
    media = LocalMediaStore(tmp_path / "media")

    def job_for(settings: Settings) -> EngineJob:
        worker = Worker(None, media, None, settings)  # type: ignore[arg-type] - build_job needs neither
        return worker.build_job(task, tmp_path / "scratch")

    assert job_for(Settings(data_dir=tmp_path)).options == {}
    monkeypatch.setenv("TUNESMITH_LYRICS_MODEL_URL", "http://127.0.0.1:11434/v1")
    monkeypatch.setenv("TUNESMITH_LYRICS_MODEL", "llama3.1:8b")
    monkeypatch.setenv("TUNESMITH_LYRICS_MODEL_KEY", "sk-op")
    monkeypatch.setenv("TUNESMITH_LYRICS_MODEL_TIMEOUT_SECONDS", "12.5")
    job = job_for(Settings(data_dir=tmp_path))
    expected = {"url": "http://127.0.0.1:11434/v1", "model": "llama3.1:8b", "key": "sk-op", "timeout": 12.5}
    assert job.options == {"lyrics_model": expected}
    assert pickle.loads(pickle.dumps(job)).options == job.options  # it travels to the engine process


def test_the_engine_process_asks_the_model(tmp_path: Path) -> None:
    """The whole path: the job, options included, is pickled to a spawned engine process, which calls the
    model over HTTP."""
    from tunesmith.runtime.executor import EngineProcess

    job = EngineJob(
        task_id="lyrics-task",
        request=SongRequest(kind=OperationKind.LYRICS, description=PROMPT),
        clips=(),
        seed=1,
        workdir=tmp_path,
    )
    slot = EngineProcess("test-lyrics-model")
    with ChatServerForTests(MODEL_SONGS) as server:
        try:
            slot.start_job("studio", replace(job, options=server.options()))
            events = []
            deadline = time.monotonic() + 60
            while not events or events[-1][0] not in ("done", "error"):
                assert time.monotonic() < deadline, events
                event = slot.next_event(0.5)
                if event is not None:
                    events.append(event)
        finally:
            slot.close()
        assert len(server.requests) == 1
    assert events[-1] == ("done",), events
    result = next(e for e in events if e[0] == "result")
    assert [v["title"] for v in result[2]["lyrics"]] == ["First Snow", "Rain Song"]
