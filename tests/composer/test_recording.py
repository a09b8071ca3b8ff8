"""Reading a recording (ops/recording.py): chords per bar, the melody as notes, vocals or not, sections, on
signals whose answers are known (synthetic band and line) and on a song the composer rendered from a plan.
The accuracy over many renders is bench/analysis_bench.py's."""

from __future__ import annotations

import json
import subprocess

import numpy as np
import pretty_midi
import soundfile as sf
from signals import SR, band, progression
from tests.support import recordings
from tests.support.composer_jobs import LYRICS, render_take
from tests.support.recordings import voice_line

from tunesmith.domain.operations import SongRequest
from tunesmith.engines.composer import encode
from tunesmith.engines.composer.ops import melody_track
from tunesmith.engines.composer.ops.recording import read_recording

A, C, D, E, F, G = 57, 48, 50, 52, 53, 55
LINE = [(69, 1.0), (72, 0.5), (71, 0.5), (69, 1.0), (64, 1.0), (65, 0.5), (64, 0.5), (62, 1.0)]


def sung_line(
    bpm: float, seconds: float, vibrato_cents: float
) -> tuple[np.ndarray, list[tuple[int, float, float]]]:
    """LINE sung by recordings.voice_line (mono); and the notes as (pitch, start_s, end_s)."""
    return voice_line(bpm, seconds, LINE, vibrato_cents)


def test_chords_per_bar_and_repetition_of_a_band():
    bpm, offset = 100.0, 0.0
    prog = [(A, True), (F, False), (C, False), (G, False), (D, True), (E, False), (A, True), (A, True)]
    r = read_recording(band(bpm, 40.0, offset, prog))
    names = [c.name() for c in r.chords]
    expected = ["Am", "F", "C", "G", "Dm", "E", "Am", "Am"]
    assert names[:8] == expected, names
    right = sum(n == expected[i % 8] for i, n in enumerate(names[: int(40 / 2.4)]))
    assert right >= 0.9 * int(40 / 2.4), names
    assert not r.vocals and r.melody.vocal_share < melody_track.VOCAL_SHARE
    labels = [s.label for s in r.sections]
    assert labels[:2] == ["A", "B"] and "A" in labels[2:], r.sections  # the 8-bar progression returns


def test_a_sung_line_over_a_band_is_transcribed_and_heard_as_a_voice():
    bpm = 96.0
    backing = band(bpm, 30.0, 0.0, [(A, True), (D, True), (E, False), (A, True)])
    line, notes = sung_line(bpm, 30.0, vibrato_cents=30.0)
    r = read_recording(backing + 0.9 * line[:, None])
    right = 0
    for pitch, start, end in notes:
        over = [(min(end, n.end_s) - max(start, n.start_s), n) for n in r.melody.notes]
        over = [o for o in over if o[0] > 0]
        right += bool(over) and abs(max(over, key=lambda o: o[0])[1].pitch - pitch) <= 1
    assert right >= 0.85 * len(notes), (right, len(notes))
    assert r.vocals, r.melody.vocal_share
    assert (r.analysis.key, r.analysis.mode) == (9, "minor")
    straight, _ = sung_line(bpm, 30.0, vibrato_cents=0.0)
    played = read_recording(backing + 0.9 * straight[:, None])
    assert not played.vocals, (
        played.melody.vocal_share
    )  # same notes without a singer's vibrato: an instrument


def test_the_melody_path_keeps_its_octave_where_the_salience_flips():
    """A low voice under a band: its pitch and the octave above score within a few per cent of each other and
    which wins flips every few frames (renders of low male voices read an octave up, note by note). The path
    stays on the line through the flips, and still takes a leap that is clear for the length of a note."""
    rng = np.random.default_rng(3)
    frames, k = 400, 42
    score = np.full((frames, k), np.log(0.05))
    line = np.where(np.arange(frames) < 300, 7, 14)  # a note, then a leap of a seventh
    flip = (np.arange(frames) // 4) % 2 == 1  # every other 40 ms the octave above wins by a little
    score[np.arange(frames), line] = np.where(flip, np.log(0.93), 0.0) + rng.normal(0, 0.01, frames)
    score[np.arange(frames), line + 12] = np.where(flip, 0.0, np.log(0.9)) + rng.normal(0, 0.01, frames)
    assert (score.argmax(axis=1) == line + 12).mean() > 0.4  # a frame-by-frame reading jumps octaves
    path = melody_track._path(score, np.ones(frames, bool))
    assert (path == line).mean() > 0.97, np.unique(path, return_counts=True)


def test_held_chords_leave_the_moving_salience_to_the_voice():
    """The salience less what is held still for a second: a sustained chord goes, a sung line (moving notes)
    stays, so a low voice inside the band's register is not outweighed by the chords around it."""
    bpm, frames = 96.0, slice(200, 1000)
    chord = progression([(A, True)], 12.0, 12.0).mean(axis=1)  # one A minor chord, held for 12 s
    s = melody_track.salience(chord, SR)
    a3 = int(round((A - melody_track.LO) / melody_track.RES))
    assert melody_track._moving(s)[frames, a3].mean() < 0.2 * s[frames, a3].mean()  # tones beat a little
    line, _ = sung_line(bpm, 12.0, vibrato_cents=30.0)
    s = melody_track.salience(line, SR)
    sung = [int(round((p - melody_track.LO) / melody_track.RES)) for p, _ in LINE]
    kept = np.mean([melody_track._moving(s)[frames, j].max() / s[frames, j].max() for j in sung])
    assert kept > 0.7, kept


def test_silence_reads_as_nothing():
    r = read_recording(np.zeros((3 * SR, 2), np.float32))
    assert r.melody.notes == [] and not r.vocals
    assert all(c.quality == "none" for c in r.chords)


def test_a_composer_song_reads_as_its_plan(engine, tmp_path):
    req = SongRequest(custom_mode=True, lyrics=LYRICS, style="folk, acoustic guitar, female vocals, 96 bpm")
    wd, _, plan = render_take(engine, tmp_path, req, seed=5)
    x, sr = sf.read(wd / "audio.wav", dtype="float32")
    r = read_recording(x, sr)
    assert abs(r.analysis.bpm / plan["tempo_bpm"] - 1) < 0.02
    assert r.to_json()["key_name"] == plan["key"]
    bar_s = 240.0 / plan["tempo_bpm"]
    truth = [(s["start_bar"] + i, c) for s in plan["sections"] for i, c in enumerate(s["chords"])]
    found = {}
    for bar, _ in truth:
        mid = plan["grid_offset_s"] + (bar + 0.5) * bar_s
        found[bar] = [c for c in r.chords if c.start_s <= mid][-1].name()
    right = sum(found[bar] == name.replace("maj7", "").replace("7", "") for bar, name in truth)
    assert right >= 0.75 * len(truth), (found, truth)
    sung = [
        n
        for i in pretty_midi.PrettyMIDI(str(wd / "song.mid")).instruments
        if i.name == "vocals"
        for n in i.notes
    ]
    near = sum(
        any(abs(m.pitch - n.pitch) <= 1 and m.start_s < n.end and m.end_s > n.start for m in r.melody.notes)
        for n in sung
    )
    assert near >= 0.7 * len(sung), (near, len(sung))
    assert r.vocals
    assert json.dumps(r.to_json())  # plain JSON, as plan.json's history keeps it


def test_the_melody_is_voiced_only_where_a_line_leads() -> None:
    """A band alone for 8 s, then a sung line over it: the path runs through the band's intro too (its bass
    and chords), but the notes are the line's alone, from where it starts."""
    x = 0.6 * recordings.band(96.0, 20.0)
    x[8 * SR :] += 0.6 * recordings.sung_line(96.0, 12.0)
    t = melody_track.track(x.mean(axis=1))
    assert np.isfinite(t.pitch[:800]).mean() > 0.9  # something sounds in the intro
    assert not t.voiced[:780].any() and t.voiced[820:].mean() > 0.95
    assert t.notes and t.notes[0].start_s >= 8.0
    assert [n.pitch for n in t.notes[:4]] == [69, 72, 71, 69]  # the line's first notes


def test_a_composer_mp3_uploaded_back_reads_as_its_wav(tmp_path) -> None:
    """A client uploads the composer's MP3 (decoded as media/fetch.py decodes an upload: ffmpeg, 44.1 kHz
    stereo 16-bit): the melody reads as from the WAV, each note at the same time. Without the Info tag
    (encode.write_mp3, mp3tag.py) the MP3 decoded 25 ms late and the cover placed every note on a grid
    that far off."""
    x = 0.6 * recordings.band(96.0, 16.0) + 0.6 * recordings.sung_line(96.0, 16.0)
    assert encode.write_mp3(tmp_path / "audio.mp3", x)
    pcm = subprocess.run(
        ["ffmpeg", "-nostdin", "-v", "error", "-i", str(tmp_path / "audio.mp3"), "-ac", "2", "-ar", "44100"]
        + ["-f", "s16le", "-"],
        capture_output=True,
        check=True,
    ).stdout
    y = np.frombuffer(pcm, np.int16).reshape(-1, 2) / 32768.0
    assert len(y) == len(x)
    wav, mp3 = melody_track.track(x.mean(axis=1)), melody_track.track(y.mean(axis=1))
    assert len(wav.notes) >= 20
    same = [
        any(abs(m.pitch - n.pitch) <= 1 and abs(m.start_s - n.start_s) <= 0.01 for m in mp3.notes)
        for n in wav.notes
    ]
    assert all(same), [(n.pitch, n.start_s) for n in mp3.notes]
