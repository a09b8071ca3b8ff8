"""Audio analysis for upload-extend: tempo, bar grid, key and loudness of signals whose answers are known
(synthetic drums and chords, and songs the composer rendered from a known plan)."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf
from signals import SR, band, click_track, drum_track, progression, slow_pad
from tests.support.composer_jobs import render_take

from tunesmith.domain.operations import SongRequest
from tunesmith.engines.composer.ops.analysis import analyse
from tunesmith.engines.composer.style import NOTE_NAMES

A, C, D, E, F, G = 57, 48, 50, 52, 53, 55  # MIDI roots (A3, C3, D3, E3, F3, G3)


def bar_error(found: float, true: float, bpm: float) -> float:
    """Signed distance (s) between two bar lines, modulo a 4/4 bar."""
    bar = 240.0 / bpm
    return (found - true + bar / 2) % bar - bar / 2


@pytest.mark.parametrize("bpm", [92.0, 128.0])
@pytest.mark.parametrize("offset", [0.0, 0.37, 1.1])
def test_kick_click_track_tempo_and_downbeat(bpm, offset):
    a = analyse(click_track(bpm, 30.0, offset))
    assert abs(a.bpm / bpm - 1) < 0.02, a  # no octave error either
    assert 0 <= a.downbeat_s < 240.0 / a.bpm
    assert abs(bar_error(a.downbeat_s, offset, bpm)) < 0.05, a
    assert a.tempo_confidence > 0.3


@pytest.mark.parametrize("bpm", [75.0, 92.0, 128.0, 140.0, 170.0])
def test_drum_kit_tempo_has_no_octave_error(bpm):
    """Kick/snare backbeat with hi-hats on the eighths: the beat is the quarter note, not the eighth (2x),
    the half note (1/2x) or a grid across the beats (2/3x, 3/2x)."""
    a = analyse(drum_track(bpm, 30.0, 0.2))
    assert abs(a.bpm / bpm - 1) < 0.02, a
    beat = 60.0 / bpm
    assert abs((a.downbeat_s - 0.2 + beat / 2) % beat - beat / 2) < 0.03  # on a beat


@pytest.mark.parametrize("bpm", [58.0, 64.0])
def test_slow_music_without_drums_is_not_read_at_double_tempo(bpm):
    """A pad and soft eighth-note arpeggios at 64 bpm have as strong an eighth-note pulse as a 128 bpm song's
    beat; the chords changing every four beats of 64 bpm (every eight of 128) say which it is."""
    a = analyse(slow_pad(bpm, 40.0, [(A, True), (F, False), (C, False), (G, False)]))
    assert abs(a.bpm / bpm - 1) < 0.02, a


@pytest.mark.parametrize("offset", [0.25, 1.3])
def test_accented_downbeat_is_found(offset):
    a = analyse(drum_track(100.0, 30.0, offset, accent=True))
    assert abs(a.bpm - 100.0) < 2.0
    assert abs(bar_error(a.downbeat_s, offset, 100.0)) < 0.05, a


@pytest.mark.parametrize(("bpm", "offset"), [(96.0, 0.6), (124.0, 1.55)])
def test_bar_lines_from_chord_changes(bpm, offset):
    """Drums alike on beats 1 and 3: only the harmony, changing on bar lines, tells which beat is the one."""
    a = analyse(band(bpm, 32.0, offset, [(A, True), (D, True), (E, False), (A, True)]))
    assert abs(bar_error(a.downbeat_s, offset, bpm)) < 0.05, a
    assert (a.key, a.mode) == (9, "minor")


@pytest.mark.parametrize(
    ("chords", "key", "mode"),
    [
        ([(A, True), (D, True), (E, False), (A, True)], 9, "minor"),  # Am Dm E Am
        ([(D, False), (G, False), (A, False), (D, False)], 2, "major"),  # D G A D
        ([(A, True), (F, False), (C, False), (G, False), (A, True)], 9, "minor"),  # Am F C G Am
    ],
)
@pytest.mark.parametrize("tuning", [0.0, -32.0])  # A=440, and A=432
def test_key_and_mode_of_chords(chords, key, mode, tuning):
    a = analyse(progression(chords, 2.0, 24.0, tuning_cents=tuning))
    assert (NOTE_NAMES[a.key], a.mode) == (NOTE_NAMES[key], mode), a
    assert a.key_confidence > 0.02
    assert abs(a.tuning_cents - tuning) < 10


def test_local_grid_follows_the_recording_where_it_joins():
    """A recording whose beat jumps by 0.21 s halfway (an edit, a drifting player): the grid fitted `at` a
    time in the second half is the second half's."""
    first = drum_track(110.0, 20.0, 0.0, accent=True)
    second = drum_track(110.0, 20.0, 0.21, accent=True)
    x = np.concatenate([first, second])
    a = analyse(x, at=36.0)
    assert abs(bar_error(a.downbeat_s, 20.21, 110.0)) < 0.03, a
    b = analyse(x, at=8.0)
    assert abs(bar_error(b.downbeat_s, 0.0, 110.0)) < 0.03, b


def test_loudness_and_silence():
    import pyloudnorm

    x = drum_track(100.0, 12.0)
    a = analyse(x)
    assert abs(a.lufs - pyloudnorm.Meter(SR).integrated_loudness(x.astype(np.float64))) < 0.1
    quiet = analyse(np.zeros((SR * 5, 2), np.float32))
    assert (quiet.tempo_confidence, quiet.key_confidence, quiet.downbeat_s) == (0.0, 0.0, 0.0)
    assert quiet.lufs <= -70.0
    short = analyse(x[: SR // 2])
    assert short.tempo_confidence == 0.0


def test_three_minutes_of_music_analyse_to_its_tempo():
    # How fast this runs belongs in bench/: a timed unit test measures the machine's load, not the code.
    x = np.tile(band(120.0, 30.0, 0.0, [(A, True), (D, True), (E, False), (A, True)]), (6, 1))
    a = analyse(x)
    assert abs(a.bpm - 120.0) < 0.5


@pytest.mark.parametrize("style", ["country, 104 bpm, D major", "hip hop, 90 bpm, E minor"])
def test_composer_song_tempo_key_and_bars(engine, tmp_path, style):
    req = SongRequest(custom_mode=True, instrumental=True, style=style, duration=20)
    wd, res, plan = render_take(engine, tmp_path, req, seed=3)
    x, sr = sf.read(wd / res.wav, dtype="float32")
    a = analyse(x, sr)
    assert abs(a.bpm / plan["tempo_bpm"] - 1) < 0.02, (a, plan["tempo_bpm"])
    assert a.to_json()["key_name"] == plan["key"], (a, plan["key"])
    assert abs(bar_error(a.downbeat_s, plan["grid_offset_s"], plan["tempo_bpm"])) < 0.05


def test_fast_composer_punk_is_not_read_at_half_tempo(engine, tmp_path):
    """185 bpm punk (kick and snare alike on every beat, strums hardest between them) is read at 185, not
    92.5, with its beats on the kick, not on the off-beats."""
    req = SongRequest(custom_mode=True, instrumental=True, style="punk, 185 bpm, A major", duration=20)
    wd, _, plan = render_take(engine, tmp_path, req, seed=3)
    x, sr = sf.read(wd / "audio.wav", dtype="float32")
    a = analyse(x, sr)
    assert abs(a.bpm / plan["tempo_bpm"] - 1) < 0.02, (a, plan["tempo_bpm"])
    beat = 60.0 / plan["tempo_bpm"]
    assert abs((a.downbeat_s - plan["grid_offset_s"] + beat / 2) % beat - beat / 2) < 0.05, a
