"""The MIDI download holds the song's parts and lines up with the audio end to end."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import mido
import pretty_midi

from tests.support.studio_ops import run_op
from tunesmith.domain.operations import OperationKind
from tunesmith.engines.base import SourceClip


def lengths(path: Path) -> tuple[float, float]:
    return mido.MidiFile(str(path)).length, pretty_midi.PrettyMIDI(str(path)).get_end_time()


def test_parts_are_instruments_and_length_is_the_songs(tone_song: SourceClip, tmp_path: Path) -> None:
    files, data = run_op(OperationKind.MIDI, tmp_path, tone_song)
    json.dumps(data)  # the result is stored as JSON
    names = [inst["name"] for inst in data["instruments"]]
    assert {"drums", "bass", "other", "lead", "vocals"} <= set(names)
    drums = data["instruments"][names.index("drums")]
    assert drums["is_drum"] and drums["notes"]
    note = drums["notes"][0]
    assert set(note) == {"pitch", "start", "end", "velocity"} and note["end"] > note["start"]
    assert abs(data["duration"] - tone_song.duration) < 0.01
    for length in lengths(tmp_path / files["midi"]):
        assert abs(length - tone_song.duration) < 0.5


def test_pads_a_short_midi_to_the_song(tone_song: SourceClip, tmp_path: Path) -> None:
    longer = replace(tone_song, duration=tone_song.duration + 5.0)
    files, data = run_op(OperationKind.MIDI, tmp_path, longer)
    for length in lengths(tmp_path / files["midi"]):
        assert abs(length - longer.duration) < 0.5


def test_trims_notes_past_the_end(tone_song: SourceClip, tmp_path: Path) -> None:
    shorter = replace(tone_song, duration=2.0)
    files, data = run_op(OperationKind.MIDI, tmp_path, shorter)
    assert all(n["end"] <= 2.0 and n["start"] < 2.0 for inst in data["instruments"] for n in inst["notes"])
    for length in lengths(tmp_path / files["midi"]):
        assert abs(length - 2.0) < 0.5


def test_real_composer_midi(composer_song: SourceClip, tmp_path: Path) -> None:
    files, data = run_op(OperationKind.MIDI, tmp_path, composer_song)
    names = {inst["name"] for inst in data["instruments"]}
    assert {"drums", "bass", "vocals"} <= names and len(names) >= 4
    for length in lengths(tmp_path / files["midi"]):
        assert abs(length - composer_song.duration) < 0.5
