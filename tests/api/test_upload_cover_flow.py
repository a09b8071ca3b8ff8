"""kie upload-cover of composer songs end to end, over real HTTP: each song (fixed seed, its own style) is
served by a loopback file server (allow-listed), covered through kie's route in another style (the
cover's seed follows its random task id, so every run tries other seeds), and read back through kie's own
routes: the cover's vocal stem (vocal-removal split_stem) sings the song's tune, its contour correlating with
the source's vocal stem after transposition (tests/support/cover_songs.py), and its MIDI (midi/generate)
plays the new style's instruments, not the song's."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import pretty_midi
import pytest
import soundfile as sf

from tests.support.cover_songs import COVER_WORDS, SOURCES, beat_contour, contour_r, render_source
from tests.support.harness import ServiceHarness
from tests.support.kie_client import poll, poll_until_done, split_stems
from tests.support.recordings import FileServer
from tests.support.uploads import upload_settings

pytestmark = pytest.mark.slow

# rock (overdriven guitars) and reggae (organ, guitar stabs): both far from a jazz piano trio; the rock song
# is uploaded as its WAV, the reggae song as its MP3 (its WAV is over upload_settings' 6 MB)
SONGS = {"rock": SOURCES[1], "reggae": SOURCES[7]}
UPLOADS = {"rock": ("audio.wav", "audio/wav"), "reggae": ("audio.mp3", "audio/mpeg")}
COVER_STYLE = "jazz, piano, male vocals"
PIANOS, BASSES = set(range(8)), set(range(32, 40))  # GM families a jazz cover shares with most songs


@pytest.fixture(scope="module")
def songs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    from tunesmith.engines.composer.engine import ComposerEngine

    root = tmp_path_factory.mktemp("sources")
    engine = ComposerEngine()
    return {name: render_source(engine, root / name, *spec) for name, spec in SONGS.items()}


@pytest.fixture(scope="module")
def files(songs: dict[str, Path]) -> Iterator[FileServer]:
    served = {}
    for name, wd in songs.items():
        file, kind = UPLOADS[name]
        served[f"/{name}"] = (kind, (wd / file).read_bytes())
    with FileServer(served) as server:
        yield server


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServiceHarness]:
    with ServiceHarness(upload_settings(tmp_path_factory.mktemp("cover"))) as harness:
        yield harness


def _midi_programs(client, task_id: str, clip_id: str) -> set[int]:  # type: ignore[no-untyped-def]
    """GM programs of the clip's pitched parts (its vocal left out), from kie's MIDI route."""
    reply = client.post("/api/v1/midi/generate", json={"taskId": task_id, "audioId": clip_id})
    assert reply.json()["code"] == 200, reply.text
    midi_task = reply.json()["data"]["taskId"]
    data = poll(client, "/api/v1/midi/record-info", midi_task, lambda d: d["successFlag"] != 0)
    assert data["data"]["successFlag"] == 1, data
    midi = pretty_midi.PrettyMIDI(io.BytesIO(client.get(data["data"]["midiUrl"]).content))
    return {int(i.program) for i in midi.instruments if not i.is_drum and i.name != "vocals"}


@pytest.mark.parametrize("name", sorted(SONGS))
def test_upload_cover_of_a_composer_song_keeps_its_melody_in_the_new_style(
    service: ServiceHarness, files: FileServer, songs: dict[str, Path], name: str
) -> None:
    src = songs[name]
    plan = json.loads((src / "plan.json").read_text())
    original = pretty_midi.PrettyMIDI(str(src / "song.mid"))
    theirs = {int(i.program) for i in original.instruments if not i.is_drum and i.name != "vocals"}
    distinctive = theirs - PIANOS - BASSES
    assert distinctive, theirs  # the song has instruments a jazz trio does not play
    with service.client(service.new_key(credits=100)) as client:
        body = {
            "customMode": True,
            "instrumental": False,
            "model": "V4_5",
            "uploadUrl": files.url(f"/{name}"),
            "prompt": COVER_WORDS,
            "style": COVER_STYLE,
            "title": "Covered",
        }
        reply = client.post("/api/v1/generate/upload-cover", json=body)
        assert reply.status_code == 200 and reply.json()["code"] == 200, reply.text
        task_id = reply.json()["data"]["taskId"]
        data = poll_until_done(client, task_id, timeout=300)[0]["data"]
        assert data["status"] == "SUCCESS" and data["operationType"] == "upload_cover", data
        clips = data["response"]["sunoData"]
        assert len(clips) == 2 and all(c["tags"] == COVER_STYLE for c in clips)
        assert all(abs(c["duration"] - plan["duration_s"]) < 0.2 for c in clips)
        clip_id = clips[0]["id"]

        # the tune: the cover's vocal stem against the song's, beat by beat on the song's grid
        bpm, start = float(plan["tempo_bpm"]), float(plan["grid_offset_s"])
        beats = int((float(plan["duration_s"]) - start) * bpm / 60.0) - 1
        sung, _ = sf.read(str(src / "stems" / "vocals.wav"), dtype="float32", always_2d=True)
        was = beat_contour(sung, bpm, start, beats)
        now = beat_contour(split_stems(client, task_id, clip_id)["vocals"], bpm, start, beats)
        r, compared = contour_r(was, now)
        assert compared >= 8 and r >= 0.7, (r, compared, was, now)

        # the instruments: the new style's (a piano), none of the song's own
        ours = _midi_programs(client, task_id, clip_id)
        assert ours & PIANOS, ours
        assert not ours & distinctive, (ours, theirs)
