"""Render a style case to its MIDI file and read back what is played and sung; used by the style tests and
bench/style_bench.py (which also runs it against an older checkout for the before figure).

Everything is read from song.mid as `tunesmith render` writes it: the tempo and time signature, the key
signature, which General MIDI programs play notes, the drum channel's notes, and the vocal tracks ("vocals"
for the song's voice, "vocals-<gender>" for a second voice); a single voice's gender is read from its pitch.
"""

from __future__ import annotations

import inspect
import json
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

from style_cases import BASS_NAMES, GUITARS, KITS, PERCUSSION, PROGRAMS, Case

LYRICS = """[Verse]
the morning light is on the hill
we walk along the river still
[Chorus]
we sing together through the night
and hold the fire burning bright
[Verse 2]
the city sleeps beneath the rain
we call each other's name again
[Chorus]
we sing together through the night
and hold the fire burning bright
"""
SEED = 5
NOTE_NAMES = ("C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")


@cache
def _spoken(voice: str) -> dict:
    from tunesmith.engines.composer.compose import speak_all, sung_texts

    return speak_all(sung_texts(LYRICS), "en", voice)


def song_midi(case: Case, out: Path) -> tuple[Path, str]:
    """Write the case's song.mid (no audio) into `out`; returns it and the style text the composer read."""
    from tunesmith.engines.composer.arrange import arrange
    from tunesmith.engines.composer.artifacts import word_timings, write_midi
    from tunesmith.engines.composer.compose import build_plan
    from tunesmith.engines.composer.style import parse_style
    from tunesmith.engines.composer.syllables import voice_for

    tags, instrumental = case.text, False
    if case.mode == "description":
        from tunesmith.engines.composer.songwriter import write_song

        song = write_song(case.text, seed=SEED)
        tags, instrumental = song.tags, not song.lyrics.strip()
    style = parse_style(tags, negative=case.negative, seed=SEED, instrumental=instrumental)
    kwargs: dict[str, Any] = {}
    if style.voice is not None:
        kwargs["spoken"] = _spoken(voice_for("en", style.voice)[0])
        other = "male" if style.voice == "female" else "female"
        if "others" in inspect.signature(build_plan).parameters:  # not in checkouts before the duet
            kwargs["others"] = {other: _spoken(voice_for("en", other)[0])}
    plan = build_plan(
        style=style,
        lyrics=LYRICS,
        title="Case",
        take=0,
        seed=SEED,
        language="en",
        instrumental=instrumental,
        duration=30.0 if style.voice is None or instrumental else None,
        **kwargs,
    )
    path = out / "song.mid"
    write_midi(path, plan, arrange(plan))
    (out / "words.json").write_text(json.dumps(word_timings(plan)))
    return path, tags


def observe(path: Path) -> dict[str, Any]:
    """What song.mid plays and sings (a single voice's gender from words.json where it says, else from the
    pitch of its notes)."""
    import pretty_midi

    pm = pretty_midi.PrettyMIDI(str(path))
    tempo = float(pm.get_tempo_changes()[1][0])
    ts = pm.time_signature_changes[0] if pm.time_signature_changes else None
    meter = 4 if ts is None else (6 if (ts.numerator, ts.denominator) == (6, 8) else ts.numerator)
    ks = pm.key_signature_changes[0].key_number if pm.key_signature_changes else None
    key = None if ks is None else f"{NOTE_NAMES[ks % 12]} {'minor' if ks >= 12 else 'major'}"
    programs: set[int] = set()
    drum_notes: set[int] = set()
    kits: set[int] = set()
    bass_programs: set[int] = set()
    vocals: dict[str, list] = {}
    for inst in pm.instruments:
        if not inst.notes:
            continue
        if inst.name.startswith("vocals"):
            vocals[inst.name] = inst.notes
        elif inst.is_drum:
            drum_notes.update(n.pitch for n in inst.notes)
            kits.add(inst.program)
        else:
            programs.add(inst.program)
            if inst.name == "bass":
                bass_programs.add(inst.program)
    return {
        "tempo": tempo,
        "meter": meter,
        "key": key,
        "programs": programs,
        "drum_notes": drum_notes,
        "kits": kits,
        "bass_programs": bass_programs,
        "voice": _voice(vocals, json.loads((path.parent / "words.json").read_text())),
    }


def _voice(vocals: dict[str, list], words: list[dict]) -> str | None:
    if not vocals:
        return None
    if len(vocals) >= 2:
        lead = vocals.get("vocals") or next(iter(vocals.values()))
        other = [n for name, ns in vocals.items() if name != "vocals" for n in ns]
        starts = {round(n.start, 2) for n in other}
        together = sum(1 for n in lead if round(n.start, 2) in starts) / max(1, len(lead))
        return "choir" if together > 0.95 else "duet"
    said = {w.get("voice") for w in words} - {None}
    if len(said) == 1:
        return said.pop()
    notes = next(iter(vocals.values()))
    mean = sum(n.pitch for n in notes) / len(notes)
    return "female" if mean >= 60 else "male"


def played(name: str, seen: dict[str, Any]) -> bool:
    """Whether the instrument `name` plays in the song."""
    if name in PERCUSSION:
        return bool(PERCUSSION[name] & seen["drum_notes"])
    if name == "808":
        return bool(seen["bass_programs"] & PROGRAMS["808"]) and 25 in seen["kits"]
    if name in KITS:
        return bool(seen["kits"] & KITS[name]) and bool(seen["drum_notes"])
    if name in BASS_NAMES:
        return bool(seen["bass_programs"] & PROGRAMS[name])
    return bool(seen["programs"] & PROGRAMS[name])


def absent(name: str, seen: dict[str, Any]) -> bool:
    """Whether `name` ("drums", "bass", "guitar", "piano") is really left out."""
    if name == "drums":
        return not seen["drum_notes"]
    if name == "bass":
        return not seen["bass_programs"]
    if name == "guitar":
        return not (seen["programs"] & GUITARS)
    return not (seen["programs"] & PROGRAMS[name])


def check(case: Case) -> dict[str, Any]:
    """Per expectation, whether the song meets it: tempo, meter, voice, key (None where not asked), each named
    instrument and each negation."""
    with tempfile.TemporaryDirectory() as tmp:
        path, tags = song_midi(case, Path(tmp))
        seen = observe(path)
    return {
        "tags": tags,
        "seen": {k: sorted(v) if isinstance(v, set) else v for k, v in seen.items()},
        "tempo": None if case.bpm is None else abs(seen["tempo"] - case.bpm) < 0.5,
        "meter": seen["meter"] == case.meter,
        "voice": None if case.voice == "any" else seen["voice"] == case.voice,
        "key": None if "key" not in case.extra else seen["key"] == case.extra["key"],
        "play": {name: played(name, seen) for name in case.play},
        "absent": {name: absent(name, seen) for name in case.absent},
    }
