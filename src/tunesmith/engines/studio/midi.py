"""The clip's MIDI as a download and as kie's `midiData`: the engine wrote the notes it played, so no
transcription is needed and every part (drums, bass, harmony, lead, the sung melody) is an instrument.

The file is rewritten to last exactly as long as the song: notes past the end are dropped or cut, and an
"all notes off" controller at the song's end on every instrument carries the end of track there, so players
and DAWs line it up with the audio (pretty_midi's end time and mido's length both equal the duration).

Result: files `{"midi": "song.mid"}`; data `{"duration": seconds, "instruments": [{"name": str,
"program": 0-127, "is_drum": bool, "notes": [{"pitch": 0-127, "start": s, "end": s, "velocity": 1-127}]}]}`
(notes sorted by start, times rounded to ms).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tunesmith.domain.states import FailureCode
from tunesmith.engines.base import EngineError, EngineJob, ProgressSink
from tunesmith.engines.studio.source import artifact, duration_of, require

ALL_NOTES_OFF = 123


def make(job: EngineJob, sink: ProgressSink) -> None:
    source, workdir = require(job)
    path = artifact(source, "midi")
    if path is None:
        raise EngineError("this clip kept no MIDI", code=FailureCode.GENERATION_FAILED)
    duration = duration_of(source)
    instruments = fit_to(path, workdir / "song.mid", duration)
    sink.result({"midi": "song.mid"}, {"duration": round(duration, 3), "instruments": instruments})


def fit_to(path: Path, target: Path, duration: float) -> list[dict[str, Any]]:
    """Write `path` to `target` ending at `duration` seconds; return its instruments as kie's midiData."""
    from tunesmith.engines.midi_library import load_pretty_midi

    pretty_midi = load_pretty_midi()

    pm = pretty_midi.PrettyMIDI(str(path))
    out: list[dict[str, Any]] = []
    for inst in pm.instruments:
        notes = [n for n in inst.notes if n.start < duration - 0.005]
        for n in notes:
            n.end = min(n.end, duration)
        inst.notes = sorted(notes, key=lambda n: (n.start, n.pitch))
        inst.control_changes = [c for c in inst.control_changes if c.time < duration]
        inst.pitch_bends = [b for b in inst.pitch_bends if b.time < duration]
        inst.control_changes.append(pretty_midi.ControlChange(ALL_NOTES_OFF, 0, duration))
        name = inst.name or (
            "drums" if inst.is_drum else pretty_midi.program_to_instrument_name(inst.program)
        )
        out.append(
            {
                "name": name,
                "program": int(inst.program),
                "is_drum": bool(inst.is_drum),
                "notes": [
                    {
                        "pitch": int(n.pitch),
                        "start": round(float(n.start), 3),
                        "end": round(float(n.end), 3),
                        "velocity": int(n.velocity),
                    }
                    for n in inst.notes
                ],
            }
        )
    pm.write(str(target))
    return out
