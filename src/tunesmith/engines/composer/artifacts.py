"""What a take leaves behind besides audio: the MIDI, word timings, the plan and the cover art."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from tunesmith.engines.composer.arrange import Track
from tunesmith.engines.composer.plan import SongPlan


def word_timings(plan: SongPlan) -> list[dict]:
    """Every sung word in order with its start/end in seconds; words espeak left silent borrow a neighbour's
    time so none is missing."""
    out: list[dict] = []
    for line in plan.lines:
        if not line.sung or line.spoken is None:
            continue
        sec = plan.sections[line.section]
        lo, hi = plan.section_span(line.section)
        spans: list[tuple[float, float] | None] = [None] * len(line.words)
        for note in line.notes:
            tok = line.spoken.syllables[note.syllable].token
            s, e = plan.seconds(note.start), plan.seconds(note.start + note.dur)
            cur = spans[tok]
            spans[tok] = (s, e) if cur is None else (min(cur[0], s), max(cur[1], e))
        prev_end = plan.seconds(line.notes[0].start) if line.notes else lo
        for i, word in enumerate(line.words):
            span = spans[i]
            if span is None:
                nxt = next((sp for sp in spans[i + 1 :] if sp), None)
                span = (prev_end, nxt[0] if nxt else prev_end)
            s, e = max(lo, min(span[0], hi)), max(lo, min(span[1], hi))
            out.append(
                {
                    "word": word,
                    "start_s": round(s, 3),
                    "end_s": round(max(s, e), 3),
                    "section": sec.label,
                    "voice": line.singer or plan.style.voice,
                    "lang": line.spoken.langs[i] if line.spoken.langs else plan.language,
                    **({"backing": True} if line.backing else {}),
                    **({"double": True} if line.doubled else {}),
                }
            )
            prev_end = e
    return out


def write_midi(path: Path, plan: SongPlan, tracks: list[Track]) -> None:
    from tunesmith.engines.midi_library import load_pretty_midi

    pretty_midi = load_pretty_midi()

    pm = pretty_midi.PrettyMIDI(initial_tempo=plan.style.bpm)
    num = 6 if plan.style.meter == 6 else plan.bar_beats
    pm.time_signature_changes.append(pretty_midi.TimeSignature(num, 8 if num == 6 else 4, 0.0))
    pm.key_signature_changes.append(
        pretty_midi.KeySignature(plan.style.key + (12 if plan.style.mode == "minor" else 0), 0.0)
    )
    for tr in tracks:
        for program, name, notes in _by_program(tr):
            inst = pretty_midi.Instrument(program=program, is_drum=tr.is_drum, name=name)
            inst.notes = [
                pretty_midi.Note(velocity=v, pitch=p, start=s, end=max(e, s + 0.01)) for p, s, e, v in notes
            ]
            pm.instruments.append(inst)
    voices: dict[str, Any] = {}  # pretty_midi.Instrument by voice
    for ln in plan.lines:
        if not ln.sung:
            continue
        own = ln.singer in (None, plan.style.voice) and not ln.backing
        # the song's voice; a second voice; backing vocals
        name = "vocals" if own else "vocals-backing" if ln.backing else f"vocals-{ln.singer}"
        if name not in voices:
            voices[name] = pretty_midi.Instrument(program=53 if own else 54, name=name)
        voices[name].notes += [
            pretty_midi.Note(
                velocity=100, pitch=n.pitch, start=plan.seconds(n.start), end=plan.seconds(n.start + n.dur)
            )
            for n in ln.notes
        ]
    pm.instruments.extend(voices.values())
    pm.write(str(path))


def _by_program(tr: Track) -> list[tuple[int, str, list[tuple[int, float, float, int]]]]:
    """A track's notes split where its program changes (a solo): one MIDI instrument per program, so the file
    says which instrument played which notes."""
    if not tr.changes:
        return [(tr.program, tr.name, tr.notes)]
    marks = sorted(tr.changes)
    groups: dict[int, list[tuple[int, float, float, int]]] = {}
    for note in tr.notes:
        program = tr.program
        for at, p in marks:
            if at <= note[1]:
                program = p
        groups.setdefault(program, []).append(note)
    return [(p, tr.name if p == tr.program else f"{tr.name}-solo", ns) for p, ns in groups.items()]


def write_json(path: Path, data: object) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")


_FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
)
_LATIN = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"


def load_font(path: str, size: int) -> Any:
    """The TrueType font at `path`, or Pillow's default where it is not installed (a cover still draws)."""
    from PIL import ImageFont

    try:
        return ImageFont.truetype(path, size)
    except OSError:
        return ImageFont.load_default()


def wrap_text(draw: Any, text: str, font: Any, width: int) -> list[str]:
    """`text` broken into lines at most `width` pixels wide: at spaces, or between characters for text
    written without them (CJK)."""
    words = text.split() if " " in text else list(text)
    joiner = " " if " " in text else ""
    lines, cur = [], ""
    for w in words:
        cand = (cur + joiner + w) if cur else w
        if draw.textlength(cand, font=font) <= width or not cur:
            cur = cand
        else:
            lines.append(cur)
            cur = w
    return lines + ([cur] if cur else [])


def draw_cover(path: Path, title: str, plan: SongPlan, size: int = 1024) -> None:
    """Square cover art: a gradient and shapes from the style's hash, the title and the genre on top."""
    import numpy as np
    from PIL import Image, ImageDraw

    h = hashlib.sha256(f"{title}|{plan.style.genre}|{plan.seed}|{plan.take}".encode()).digest()
    c1 = np.array([h[0], h[1], h[2]], dtype=np.float32)
    c2 = np.array([h[3], h[4], h[5]], dtype=np.float32) * 0.5
    t = np.linspace(0, 1, size, dtype=np.float32)[:, None, None]
    grad = (c1 * (1 - t) + c2 * t).repeat(size, axis=1)
    img = Image.fromarray(grad.clip(0, 255).astype("uint8"), "RGB")
    draw = ImageDraw.Draw(img, "RGBA")
    for i in range(6):
        x, y, r = h[6 + i] * size // 256, h[12 + i] * size // 256, 60 + h[18 + i]
        draw.ellipse((x - r, y - r, x + r, y + r), fill=(h[24 + i], h[25 + i % 6], 255 - h[i], 70))
    cjk = any(ord(ch) > 0x2E80 for ch in title)
    font = load_font(_FONTS[0] if cjk else _LATIN, 96)
    lines = wrap_text(draw, title or "Untitled", font, size - 160)[:4]
    y = size // 2 - len(lines) * 60
    for line in lines:
        w = draw.textlength(line, font=font)
        draw.text(((size - w) / 2 + 3, y + 3), line, font=font, fill=(0, 0, 0, 160))
        draw.text(((size - w) / 2, y), line, font=font, fill=(255, 255, 255, 255))
        y += 120
    small = load_font(_LATIN, 40)
    label = f"{plan.style.genre.upper()} · {plan.style.key_name} · {int(plan.style.bpm)} BPM"
    w = draw.textlength(label, font=small)
    draw.text(((size - w) / 2, size - 110), label, font=small, fill=(255, 255, 255, 220))
    img.save(path, "PNG")
