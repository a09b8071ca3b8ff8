"""Only what was delivered is public: a song rendered by the real composer, looked at by a stranger who holds
its shared URLs and no key.

Every file the store keeps for the song that was not delivered answers 404 (each listed by the test), so do
the paths older versions used and any attempt at a listing; each delivered URL plays without a key, with
HTTP Range; ordering WAV, stems and MIDI makes exactly those files reachable, each under a URL that leads
nowhere else. The WAV and the stems come from the song rebuilt on demand (they are not stored), and still
match the song: the WAV is the master the MP3 was encoded from, the stems sum to it within -40 dB.
"""

from __future__ import annotations

import io
import re
from typing import Any

import httpx
import numpy as np
import pytest
import soundfile as sf

from tests.support.harness import ServiceHarness, composer_settings
from tests.support.kie_client import finished, poll
from tunesmith.engines.studio.source import decode

pytestmark = pytest.mark.slow

LYRICS = "[Verse]\nLittle light across the water\nCarry me back home\n[Chorus]\nHome, home, carry me home"
TOKEN = re.compile(r"/media/pub/([0-9a-f]{40})/([a-z0-9._-]+)$")
OLD_LAYOUT = (
    "audio.mp3",
    "audio.wav",
    "cover.png",
    "song.mid",
    "plan.json",
    "words.json",
    "stream.mp3",
    "stems/vocals.wav",
    "stems/drums.wav",
    "stems/bass.wav",
    "stems/other.wav",
    "stems/lead.wav",
)


@pytest.fixture(scope="module")
def composer(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    with ServiceHarness(composer_settings(tmp_path_factory.mktemp("private"))) as harness:
        yield harness


@pytest.fixture(scope="module")
def song(composer: ServiceHarness) -> dict[str, Any]:
    token = composer.new_key()
    with composer.client(token) as client:
        body = {
            "customMode": True,
            "instrumental": False,
            "model": "V4_5",
            "title": "Little Light",
            "style": "pop, 110 bpm, female vocals",
            "prompt": LYRICS,
        }
        data = finished(client, body, timeout=300)
    return {"token": token, "task_id": data["taskId"], "clips": data["response"]["sunoData"]}


def _public_keys(composer: ServiceHarness) -> set[str]:
    media, store = composer.services.media, composer.services.store
    return {o.key for o in media.list() if store.public_object(o.key) is not None}


def test_a_stranger_reaches_nothing_that_was_not_delivered(composer: ServiceHarness, song: dict) -> None:
    store, media = composer.services.store, composer.services.media
    clip_ids = [c["id"] for c in song["clips"]]
    records = store.media_of(clip_ids=clip_ids)
    stored = {o.key for o in media.list()}
    assert {r.key for r in records if not r.key.endswith("/")} <= stored
    private = sorted(stored - {r.key for r in records if r.public})
    # what the store keeps privately for each take: plan, word timings, MIDI, waveform, replay notes
    # (no WAV master, no stems, no stream file: those are rebuilt or gone)
    for clip_id in clip_ids:
        names = {k.rsplit("/", 1)[1] for k in private if k.startswith(f"clips/{clip_id}/")}
        assert names == {"plan.json", "words.json", "song.mid", "waveform.json", "replay.json"}, names
    assert {r.role for r in records if r.public} == {"audio", "image"}
    with httpx.Client(base_url=composer.base_url, timeout=30) as stranger:
        for key in private:
            assert stranger.get(f"/media/{key}").status_code == 404, key
        for clip_id in clip_ids:
            for name in OLD_LAYOUT:
                assert stranger.get(f"/media/clips/{clip_id}/{name}").status_code == 404, name
            assert stranger.get(f"/media/clips/{clip_id}").status_code == 404
            assert stranger.get(f"/media/clips/{clip_id}/").status_code == 404
        token = TOKEN.search(song["clips"][0]["audioUrl"]).group(1)  # type: ignore[union-attr]
        for listing in (
            "/media/",
            "/media/pub",
            "/media/pub/",
            f"/media/pub/{token}",
            f"/media/pub/{token}/",
        ):
            assert stranger.get(listing).status_code == 404, listing


def test_delivered_urls_play_without_a_key_with_range(composer: ServiceHarness, song: dict) -> None:
    with httpx.Client(timeout=30) as stranger:
        for clip in song["clips"]:
            whole = stranger.get(clip["audioUrl"])
            assert whole.status_code == 200 and whole.headers["content-type"] == "audio/mpeg"
            assert whole.headers["accept-ranges"] == "bytes" and "public" in whole.headers["cache-control"]
            samples, rate = sf.read(io.BytesIO(whole.content))
            assert abs(len(samples) / rate - clip["duration"]) < 0.1
            part = stranger.get(clip["audioUrl"], headers={"Range": "bytes=100-1099"})
            assert part.status_code == 206 and part.content == whole.content[100:1100]
            assert part.headers["content-range"] == f"bytes 100-1099/{len(whole.content)}"
            tail = stranger.get(clip["audioUrl"], headers={"Range": "bytes=-500"})
            assert tail.status_code == 206 and tail.content == whole.content[-500:]
            past = stranger.get(clip["audioUrl"], headers={"Range": f"bytes={len(whole.content)}-"})
            assert (
                past.status_code == 416 and past.headers["content-range"] == f"bytes */{len(whole.content)}"
            )
            head = stranger.head(clip["audioUrl"])
            assert head.status_code == 200 and head.headers["content-length"] == str(len(whole.content))
            stream = stranger.get(clip["streamAudioUrl"], headers={"Range": "bytes=0-99"})
            assert stream.status_code == 206 and stream.content == whole.content[:100]
            image = stranger.get(clip["imageUrl"])
            assert image.status_code == 200 and image.headers["content-type"] == "image/png"


def test_one_url_leads_to_no_other_file(composer: ServiceHarness, song: dict) -> None:
    urls = [u for c in song["clips"] for u in (c["audioUrl"], c["imageUrl"])]
    tokens = [TOKEN.search(u).group(1) for u in urls]  # type: ignore[union-attr]
    assert len(set(tokens)) == len(urls)  # one token per file
    with httpx.Client(timeout=30) as stranger:
        for url in urls:
            base = url.rsplit("/", 1)[0]
            for other in ("audio.mp3", "cover.png", "audio.wav", "song.mid", "plan.json", "vocals.wav"):
                if url.endswith(other):
                    continue
                assert stranger.get(f"{base}/{other}").status_code == 404, (url, other)


def test_ordering_wav_stems_and_midi_makes_exactly_those_reachable(
    composer: ServiceHarness, song: dict
) -> None:
    clip = song["clips"][0]
    with composer.client(song["token"]) as client, httpx.Client(timeout=60) as stranger:
        before = _public_keys(composer)

        reply = client.post("/api/v1/wav/generate", json={"taskId": song["task_id"], "audioId": clip["id"]})
        wav_id = reply.json()["data"]["taskId"]
        data = poll(client, "/api/v1/wav/record-info", wav_id, lambda d: d["successFlag"] != "PENDING", 300)
        assert data["data"]["successFlag"] == "SUCCESS", data
        wav_url = data["data"]["response"]["audioWavUrl"]
        after_wav = _public_keys(composer)
        assert {f"pub/{m.group(1)}/{m.group(2)}" for m in [TOKEN.search(wav_url)] if m} == after_wav - before
        wav = stranger.get(wav_url)
        assert wav.status_code == 200 and wav.headers["content-type"] == "audio/wav"
        assert stranger.get(wav_url, headers={"Range": "bytes=0-43"}).content == wav.content[:44]
        master, rate = sf.read(io.BytesIO(wav.content), dtype="float32", always_2d=True)
        assert sf.info(io.BytesIO(wav.content)).subtype == "PCM_16"
        assert abs(len(master) / rate - clip["duration"]) < 0.01
        _assert_mp3_of(master, stranger.get(clip["audioUrl"]).content, composer)

        reply = client.post(
            "/api/v1/vocal-removal/generate",
            json={"taskId": song["task_id"], "audioId": clip["id"], "type": "separate_vocal"},
        )
        stems_id = reply.json()["data"]["taskId"]
        data = poll(
            client,
            "/api/v1/vocal-removal/record-info",
            stems_id,
            lambda d: d["successFlag"] != "PENDING",
            300,
        )
        assert data["data"]["successFlag"] == "SUCCESS", data
        info = data["data"]["response"]
        stem_urls = [info["vocalUrl"], info["instrumentalUrl"]]
        after_stems = _public_keys(composer)
        assert len(after_stems - after_wav) == 2
        parts = [
            sf.read(io.BytesIO(stranger.get(u).content), dtype="float32", always_2d=True)[0]
            for u in stem_urls
        ]
        residual = master - (parts[0] + parts[1])
        ratio_db = 10 * np.log10(np.sum(residual**2) / np.sum(master**2))
        assert ratio_db < -40, ratio_db

        reply = client.post("/api/v1/midi/generate", json={"taskId": song["task_id"], "audioId": clip["id"]})
        midi_id = reply.json()["data"]["taskId"]
        data = poll(client, "/api/v1/midi/record-info", midi_id, lambda d: d["successFlag"] != 0, 300)
        midi_url = data["data"]["midiUrl"]
        assert stranger.get(midi_url).headers["content-type"] == "audio/midi"
        assert len(_public_keys(composer) - after_stems) == 1


def _assert_mp3_of(master: np.ndarray, mp3: bytes, composer: ServiceHarness) -> None:
    """The delivered MP3 is an encoding of this very master: decoded, it lines up with it sample for sample
    (LAME's delay aside) and differs by far less than the music."""
    from scipy.signal import correlate

    path = composer.settings.data_dir / "check.mp3"
    path.write_bytes(mp3)
    decoded = decode(path, 44100, 2)
    start = len(master) // 3  # a stretch with music in it
    window = master[start : start + 44100, 0]
    search = decoded[start : start + 44100 + 4096, 0]
    lag = int(np.argmax(correlate(search, window, mode="valid", method="fft")))
    n = min(len(decoded) - lag, len(master)) - 4096
    error = float(np.mean((decoded[lag : lag + n] - master[:n]) ** 2))
    assert error < 0.01 * float(np.mean(master[:n] ** 2)), (lag, error)
