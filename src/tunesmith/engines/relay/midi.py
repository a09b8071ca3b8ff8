"""MIDI an upstream made (kie `midi/record-info`): its notes become the task's result in the studio's shape
(engines.studio.midi) and a .mid file, so a relayed song's MIDI reads and downloads like any other.

kie gives notes only (`midiData.instruments[{name, notes[{pitch, start, end, velocity 0–1}]}]`), no file: the
file is written here from those notes, cut at the song's end like the studio's. Notes that make no sense (a
pitch outside 0–127, no length, past the end) are left out rather than failing the task.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tunesmith.engines.relay.channel import as_float

MIDI_NAME = "song.mid"
DRUM_WORDS = ("drum", "percussion", "kit")


def instruments_from(data: Any, duration: float) -> list[dict[str, Any]]:
    """The studio's `instruments` from kie's `midiData`: velocity back to 1–127, times inside the song."""
    found = data.get("instruments") if isinstance(data, dict) else None
    out: list[dict[str, Any]] = []
    for index, inst in enumerate(found if isinstance(found, list) else []):
        if not isinstance(inst, dict):
            continue
        name = str(inst.get("name") or f"Instrument {index + 1}")
        notes = [n for n in (_note(item, duration) for item in inst.get("notes") or []) if n is not None]
        drum = any(word in name.lower() for word in DRUM_WORDS)
        out.append({"name": name, "program": 0, "is_drum": drum, "notes": sorted(notes, key=_start)})
    return out


def write_midi(instruments: list[dict[str, Any]], workdir: Path, duration: float) -> dict[str, str]:
    """`song.mid` in `workdir` holding `instruments`, ending at `duration`: the task's files."""
    from tunesmith.engines.midi_library import load_pretty_midi

    pretty_midi = load_pretty_midi()

    song = pretty_midi.PrettyMIDI()
    for inst in instruments:
        track = pretty_midi.Instrument(program=inst["program"], is_drum=inst["is_drum"], name=inst["name"])
        for n in inst["notes"]:
            track.notes.append(pretty_midi.Note(n["velocity"], n["pitch"], n["start"], n["end"]))
        if duration > 0:  # "all notes off" at the end carries the track's end there, as the studio's does
            track.control_changes.append(pretty_midi.ControlChange(123, 0, duration))
        song.instruments.append(track)
    song.write(str(workdir / MIDI_NAME))
    return {"midi": MIDI_NAME}


def _note(item: Any, duration: float) -> dict[str, Any] | None:
    if not isinstance(item, dict):
        return None
    pitch, start, end = as_float(item.get("pitch")), as_float(item.get("start")), as_float(item.get("end"))
    velocity = as_float(item.get("velocity"))
    if pitch is None or start is None or end is None or not 0 <= pitch <= 127:
        return None
    if duration > 0:
        end = min(end, duration)
    if end <= start:
        return None
    level = velocity if velocity is not None else 0.8
    scaled = round(level * 127) if level <= 1 else round(level)  # kie's 0–1; a raw MIDI velocity as is
    return {
        "pitch": int(pitch),
        "start": round(start, 3),
        "end": round(end, 3),
        "velocity": min(127, max(1, scaled)),
    }


def _start(note: dict[str, Any]) -> float:
    return float(note["start"])
