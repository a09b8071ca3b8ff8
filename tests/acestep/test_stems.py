"""Stems of ACE-Step songs with ACE-Step's own `extract`, over real HTTP (kie vocal removal), when the
configured checkpoint is a base one (a tiny random one here: the parts are noise, so what is checked is the
contract: the parts come from the acestep engine, have the song's length and sum to it). MIDI stays refused.
With a turbo checkpoint stems are refused before charging (test_service.py)."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from tests.acestep.service_setup import acestep_body, acestep_settings
from tests.support.harness import ServiceHarness
from tests.support.kie_client import poll, poll_until_done

URL_KEYS = {
    "separate_vocal": {"vocals": "vocalUrl", "instrumental": "instrumentalUrl"},
    "split_stem": {"vocals": "vocalUrl", "drums": "drumsUrl", "bass": "bassUrl", "other": "otherUrl"},
}


@pytest.fixture(scope="module")
def tiny_base_checkpoint(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tunesmith.engines.acestep.random_checkpoint import build_tiny

    return build_tiny(tmp_path_factory.mktemp("acestep") / "tiny-base", turbo=False)


def _wav(client, url: str) -> np.ndarray:  # type: ignore[no-untyped-def]
    reply = client.get(url)
    assert reply.status_code == 200, url
    audio, rate = sf.read(io.BytesIO(reply.content), dtype="float32")
    assert rate == 44100
    return audio


def test_stems_of_an_acestep_song_from_a_base_checkpoint(tmp_path: Path, tiny_base_checkpoint: Path) -> None:
    settings = acestep_settings(tmp_path / "data", tiny_base_checkpoint, acestep_steps=4)
    with ServiceHarness(settings) as harness:
        token = harness.new_key(credits=1000)
        with harness.client(token) as client:
            made = client.post("/api/v1/generate", json=acestep_body()).json()["data"]["taskId"]
            final, _ = poll_until_done(client, made, timeout=240)
            assert final["data"]["status"] == "SUCCESS", final
            clip = final["data"]["response"]["sunoData"][0]
            ids = {"taskId": made, "audioId": clip["id"], "callBackUrl": "http://127.0.0.1:9/cb"}
            stored = harness.services.store.get_clip(clip["id"])
            master_path = harness.services.media.download(stored.wav_key, tmp_path / "master.wav")
            master, _ = sf.read(master_path, dtype="float32")
            for kind, keys in URL_KEYS.items():
                reply = client.post("/api/v1/vocal-removal/generate", json={**ids, "type": kind}).json()
                assert reply["code"] == 200, reply
                task_id = reply["data"]["taskId"]
                data = poll(
                    client,
                    "/api/v1/vocal-removal/record-info",
                    task_id,
                    lambda d: d["successFlag"] != "PENDING",
                    timeout=240,
                )["data"]
                assert data["successFlag"] == "SUCCESS", data
                assert harness.services.store.get_task(task_id).engine == "acestep"
                parts = {part: _wav(client, data["response"][key]) for part, key in keys.items()}
                assert all(len(p) == len(master) for p in parts.values())
                assert np.abs(sum(parts.values()) - master).max() < 2e-3  # they sum to the song
            midi = client.post("/api/v1/midi/generate", json=ids).json()
            assert midi["code"] != 200 and "ACE-Step songs" in midi["msg"], midi


def test_an_extracted_part_is_put_back_at_its_level_in_the_song() -> None:
    from tunesmith.engines.acestep.stems import in_song

    t = np.arange(44100)[:, None] / 44100
    voice, band = 0.3 * np.sin(2 * np.pi * 440 * t), 0.2 * np.sin(2 * np.pi * 97 * t)
    master = np.hstack([voice + band] * 2).astype(np.float32)
    normalised = np.hstack([voice] * 2) / 0.3 * 0.89  # the pipeline's output is peak-normalised
    assert np.abs(in_song(master, normalised) - np.hstack([voice] * 2)).max() < 1e-3
    assert not in_song(master, -normalised).any()  # a part out of phase with the song is no part of it


def test_stems_are_offered_only_with_a_base_checkpoint(
    tiny_checkpoint: Path, tiny_base_checkpoint: Path
) -> None:
    from tests.acestep.jobs import options
    from tunesmith.domain.operations import OperationKind
    from tunesmith.engines.acestep.engine import AceStepEngine

    for checkpoint, offered in ((tiny_base_checkpoint, True), (tiny_checkpoint, False)):
        engine = AceStepEngine()
        engine.configure(options(checkpoint))
        assert engine.supports(OperationKind.STEMS) is offered
        details = engine.readiness().details
        assert ("stems" in details["operations"].split(", ")) is offered
        assert details["stems/MIDI"].startswith("stems yes" if offered else "no")
        assert not engine.supports(OperationKind.MIDI)
