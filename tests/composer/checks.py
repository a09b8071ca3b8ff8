"""Shared checks on a finished take: the files a client gets, and the pitch of the lead vocal."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
from tests.support.ffprobe import media_seconds

from tunesmith.engines.base import ClipResult

STEM_KEYS = ("stem.drums", "stem.bass", "stem.other")


def assert_take(workdir: Path, res: ClipResult, *, vocals: bool) -> dict:
    """Every reported file exists, the MP3 is as long as reported, stems match the vocal/instrumental kind,
    and the plan's sections tile the clip. Returns plan.json."""
    for rel in [res.audio, res.wav, res.image, *res.artifacts.values()]:
        assert rel and (workdir / rel).is_file(), rel
    for key in (*STEM_KEYS, "midi", "plan", "timings"):
        assert key in res.artifacts, key
    assert ("stem.vocals" in res.artifacts) == vocals
    assert ("stem.lead" in res.artifacts) == vocals
    assert abs(media_seconds(workdir / res.audio) - res.duration) <= 0.1
    plan = json.loads((workdir / "plan.json").read_text(encoding="utf-8"))
    assert plan["sections"][0]["start_s"] == 0.0
    assert abs(plan["sections"][-1]["end_s"] - res.duration) < 0.05
    return plan


def _sung_notes_and_f0(workdir: Path) -> tuple[list[Any], np.ndarray, np.ndarray]:
    """The written vocal notes (song.mid's "vocals" track) and Praat's f0 with its frame times over the dry
    lead stem (0 where unvoiced)."""
    import parselmouth
    import pretty_midi
    import soundfile as sf

    pm = pretty_midi.PrettyMIDI(str(workdir / "song.mid"))
    notes = [n for inst in pm.instruments if inst.name == "vocals" for n in inst.notes]
    x, sr = sf.read(workdir / "stems" / "lead.wav")
    pitch = parselmouth.Sound(x, sampling_frequency=sr).to_pitch_ac(
        time_step=0.005, pitch_floor=60.0, pitch_ceiling=1000.0
    )
    return notes, pitch.selected_array["frequency"], pitch.xs()


def lead_pitch_errors(workdir: Path) -> np.ndarray:
    """Cents between each sung note (from the MIDI's vocal track) and Praat's median f0 over the middle 40%
    of the note on the dry lead stem; NaN where Praat found no voicing."""
    notes, f0, t = _sung_notes_and_f0(workdir)
    out = []
    for n in notes:
        a, b = n.start + 0.3 * (n.end - n.start), n.start + 0.7 * (n.end - n.start)
        sel = (t >= a) & (t <= b) & (f0 > 0)
        target = 440.0 * 2 ** ((n.pitch - 69) / 12)
        out.append(1200 * np.log2(np.median(f0[sel]) / target) if sel.any() else np.nan)
    return np.array(out)


def voiced_frame_errors(workdir: Path) -> np.ndarray:
    """Cents between Praat's f0 and the written note for every voiced frame inside a sung note (glides and
    vibrato included) of the dry lead stem: the frame-level tuning a listener's tools report."""
    notes, f0, t = _sung_notes_and_f0(workdir)
    out = []
    for n in notes:
        sel = (t >= n.start) & (t < n.end) & (f0 > 0)
        target = 440.0 * 2 ** ((n.pitch - 69) / 12)
        out.append(1200 * np.log2(f0[sel] / target))
    return np.concatenate(out) if out else np.zeros(0)
