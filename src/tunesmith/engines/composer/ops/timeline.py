"""Moving a clip's contents along the time axis: audio joins and splices, and the same cut applied to words,
MIDI notes and plan sections, so every artifact of an edited clip describes exactly its audio.

A "piece" is (lo, hi, offset): the part of a source between clip times lo and hi, placed at lo + offset in
the result.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

SR = 44100
Piece = tuple[float, float, float]


def equal_power(n: int) -> tuple[np.ndarray, np.ndarray]:
    """(fade out, fade in) of n samples whose squares sum to 1: uncorrelated material keeps its loudness."""
    t = (np.arange(n, dtype=np.float64) + 0.5) / max(n, 1)
    return np.cos(t * np.pi / 2).astype(np.float32), np.sin(t * np.pi / 2).astype(np.float32)


def _shape(curve: np.ndarray, x: np.ndarray) -> np.ndarray:
    return curve[:, None] if x.ndim == 2 else curve


def join(a: np.ndarray, b: np.ndarray, at: int, xf: int) -> np.ndarray:
    """`a` up to sample `at`, then `b` (whose sample 0 is `a`'s sample `at`), crossfaded over the xf samples
    after the join. Length: at + len(b)."""
    if len(a) < at + xf:
        a = np.concatenate([a, np.zeros((at + xf - len(a), *a.shape[1:]), a.dtype)])
    xf = min(xf, len(b))
    fo, fi = equal_power(xf)
    mid = a[at : at + xf] * _shape(fo, a) + b[:xf] * _shape(fi, b)
    return np.concatenate([a[:at], mid.astype(np.float32), b[xf:]])


def splice(src: np.ndarray, new: np.ndarray, start: int, end: int, xf: int) -> np.ndarray:
    """`src` with [start, end) taken from `new` (same length and alignment), crossfaded over the xf samples
    before `start` and after `end`. Outside [start - xf, end + xf) the result is `src`, sample for sample."""
    out = src.copy()
    a, b = max(0, start - xf), min(len(src), end + xf)
    fo, fi = equal_power(start - a)
    out[a:start] = src[a:start] * _shape(fo, src) + new[a:start] * _shape(fi, src)
    out[start:end] = new[start:end]
    fo, fi = equal_power(b - end)
    out[end:b] = src[end:b] * _shape(fi, src) + new[end:b] * _shape(fo, src)
    return out


def fade_edges(x: np.ndarray, n: int) -> np.ndarray:
    """Short raised-cosine fades at both ends, so a cut never starts or stops on a step."""
    n = min(n, len(x) // 2)
    if n <= 0:
        return x
    ramp = (0.5 - 0.5 * np.cos(np.pi * (np.arange(n) + 0.5) / n)).astype(np.float32)
    x = x.copy()
    x[:n] *= _shape(ramp, x)
    x[-n:] *= _shape(ramp[::-1].copy(), x)
    return x


def words(source: list[dict[str, Any]], piece: Piece) -> list[dict[str, Any]]:
    """The words that start inside the piece, moved and clamped to it."""
    lo, hi, off = piece
    out = []
    for w in source:
        if lo - 1e-6 <= w["start_s"] < hi:
            s, e = w["start_s"], min(w["end_s"], hi)
            out.append({**w, "start_s": round(s + off, 3), "end_s": round(max(s, e) + off, 3)})
    return out


def sections(source: list[dict[str, Any]], piece: Piece) -> list[dict[str, Any]]:
    """The plan sections that overlap the piece, clamped to it and moved."""
    lo, hi, off = piece
    out = []
    for s in source:
        a, b = max(s["start_s"], lo), min(s["end_s"], hi)
        if b - a > 1e-3:
            out.append({**s, "start_s": round(a + off, 3), "end_s": round(b + off, 3)})
    return out


def write_midi(path: Path, sources: list[tuple[Path | None, Piece]], tempo: float) -> None:
    """One MIDI file from pieces of several: instruments matched by (name, program, drum); notes kept when
    they start inside their piece, cut at its end, moved by its offset. Key and meter from the first."""
    from tunesmith.engines.midi_library import load_pretty_midi

    pretty_midi = load_pretty_midi()

    pm = pretty_midi.PrettyMIDI(initial_tempo=tempo)
    insts: dict[tuple[str, int, bool], Any] = {}
    first = True
    for src, (lo, hi, off) in sources:
        if src is None or not Path(src).is_file():
            continue
        m = pretty_midi.PrettyMIDI(str(src))
        if first:
            pm.time_signature_changes = [
                pretty_midi.TimeSignature(ts.numerator, ts.denominator, 0.0)
                for ts in m.time_signature_changes[:1]
            ]
            pm.key_signature_changes = [
                pretty_midi.KeySignature(ks.key_number, 0.0) for ks in m.key_signature_changes[:1]
            ]
            first = False
        for inst in m.instruments:
            key = (inst.name, inst.program, inst.is_drum)
            if key not in insts:
                insts[key] = pretty_midi.Instrument(
                    program=inst.program, is_drum=inst.is_drum, name=inst.name
                )
                pm.instruments.append(insts[key])
            for n in inst.notes:
                if lo - 1e-6 <= n.start < hi:
                    end = min(n.end, hi)
                    insts[key].notes.append(
                        pretty_midi.Note(n.velocity, n.pitch, n.start + off, max(end, n.start + 0.01) + off)
                    )
    for inst in pm.instruments:
        inst.notes.sort(key=lambda n: n.start)
    pm.write(str(path))
