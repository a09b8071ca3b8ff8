"""Chords of a recording, one per bar, on the bar grid ops/analysis.py found.

Why per bar: the composer changes chords on bar lines, and what a new part needs (a backing under an a
cappella vocal, a vocal line over an instrumental) is the harmony of each bar it plays in.

How: the semitone spectrum of analysis.py (spectral peaks of an 8192-point STFT, overtones a lower note
explains removed, log-compressed) is averaged over each bar and folded into two chromas: all notes, and the
bass (MIDI 33-54, where the bass and the left hand play roots). Each of the 24 major and minor triads is
scored by the cosine of its template (root 1, third and fifth 0.85; the seventh chords maj7, 7 and m7
too, seventh 0.7, each reported as its triad) with the bar's mean-removed chroma, plus
the bass chroma's share on its root, plus a small bonus for chords of the recording's key. A diminished
triad reads as the minor or major triad it shares most with.

`chord_key` then reads the key again from the chords: the key whose diatonic triads cover the most bars,
with its tonic chord's share as a tie-break, added to the chroma's Krumhansl correlation; it tells a key
from its dominant (F# major's B chords are not in C# major), which the whole-file chroma often cannot.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tunesmith.engines.composer.ops import analysis

BASS = (33, 55)  # MIDI range of the bass chroma (A1 - F#3)
TONE_WEIGHTS = (1.0, 0.85, 0.85, 0.7)
BASS_WEIGHT = 0.35
KEY_BONUS = 0.06
# template -> (the triad it reads as, its intervals): sevenths are matched as themselves (Cmaj7 holds an Em
# triad, Am7 a C triad) and reported as their triad
QUALITIES = {
    "maj": ("maj", (0, 4, 7)),
    "min": ("min", (0, 3, 7)),
    "maj7": ("maj", (0, 4, 7, 11)),
    "7": ("maj", (0, 4, 7, 10)),
    "m7": ("min", (0, 3, 7, 10)),
}


@dataclass(frozen=True)
class BarChord:
    bar: int  # index on the grid: bar k starts at downbeat_s + (k - first) * bar_s
    start_s: float
    root: int  # pitch class, 0 = C
    quality: str  # "maj" | "min" | "none" (silence)
    confidence: float  # margin of the best triad's score over the next best

    def name(self) -> str:
        from tunesmith.engines.composer.style import NOTE_NAMES

        if self.quality == "none":
            return "N"
        return NOTE_NAMES[self.root] + ("m" if self.quality == "min" else "")


def note_matrix(mono: np.ndarray, sr: int) -> tuple[np.ndarray, float]:
    """(frames x semitones MIDI analysis.PITCHES, log-compressed, overtones removed; frames per second)."""
    n_fft = 1 << int(round(np.log2(sr * 0.186)))
    hop = n_fft // 4
    mags = list(analysis._magnitudes(mono, n_fft, hop, block=512))
    spec = np.concatenate(mags) if mags else np.zeros((0, n_fft // 2 + 1), np.float32)
    freqs = np.arange(n_fft // 2 + 1) * sr / n_fft
    band = (freqs >= 52.0) & (freqs <= 2100.0)
    tuning = analysis._tuning(spec.mean(axis=0), freqs, band) if len(spec) else 0.0
    notes = analysis._peak_notes(spec, freqs, band, tuning)
    for p in range(notes.shape[1]):
        for h, step in ((2, 12), (3, 19), (4, 24), (5, 28)):
            if p + step < notes.shape[1]:
                notes[:, p + step] = np.maximum(0.0, notes[:, p + step] - notes[:, p] / h)
    return np.log1p(10.0 * notes), sr / hop


def _templates() -> tuple[np.ndarray, list[tuple[int, str]]]:
    rows, labels = [], []
    for triad, steps in QUALITIES.values():
        for root in range(12):
            t = np.zeros(12)
            for step, w in zip(steps, TONE_WEIGHTS, strict=False):
                t[(root + step) % 12] = w
            t -= t.mean()
            rows.append(t / np.linalg.norm(t))
            labels.append((root, triad))
    return np.array(rows), labels


def _diatonic(key: int, mode: str) -> set[tuple[int, str]]:
    from tunesmith.engines.composer.harmony import MAJOR, MINOR

    sc = MINOR if mode == "minor" else MAJOR
    out = set()
    for d in range(7):
        root, third = sc[d], sc[(d + 2) % 7]
        out.add(((key + root) % 12, "min" if (third - root) % 12 == 3 else "maj"))
    if mode == "minor":
        out.add(((key + 7) % 12, "maj"))  # the major dominant of harmonic minor (E in A minor)
    return out


def bar_chords(notes: np.ndarray, fps: float, a: analysis.Analysis, duration_s: float) -> list[BarChord]:
    """One chord per whole or partial bar of the grid `a` over [0, duration_s)."""
    bar_s = a.bar_s
    first = -1 if a.downbeat_s > 0.05 else 0  # a pickup before the first bar line is a bar of its own
    n_bars = int(np.ceil((duration_s - a.downbeat_s) / bar_s - 1e-6))
    low = np.arange(notes.shape[1]) + analysis.PITCHES[0]
    fold = np.zeros((notes.shape[1], 12))
    fold[np.arange(notes.shape[1]), low % 12] = 1.0
    bass_rows = (low >= BASS[0]) & (low < BASS[1])
    templates, labels = _templates()
    in_key = _diatonic(a.key, a.mode) if a.key_confidence > 0 else set()
    bonus = np.array([KEY_BONUS if lab in in_key else 0.0 for lab in labels])
    out = []
    for k in range(first, n_bars):
        start = max(0.0, a.downbeat_s + k * bar_s)
        end = min(duration_s, a.downbeat_s + (k + 1) * bar_s)
        lo, hi = int(start * fps), int(np.ceil(end * fps))
        span = notes[lo:hi]
        if len(span) == 0 or span.sum() < 1e-6:
            out.append(
                BarChord(bar=k - first, start_s=round(start, 3), root=0, quality="none", confidence=0.0)
            )
            continue
        mean = span.mean(axis=0)
        chroma = mean @ fold
        c = chroma - chroma.mean()
        c = c / max(np.linalg.norm(c), 1e-12)
        bass = (mean * bass_rows) @ fold
        bass = bass / max(bass.sum(), 1e-12)
        score = templates @ c + BASS_WEIGHT * np.array([bass[root] for root, _ in labels]) + bonus
        order = np.argsort(score)[::-1]
        root, quality = labels[order[0]]
        runner = next((j for j in order[1:] if labels[j] != labels[order[0]]), order[1])
        out.append(
            BarChord(
                bar=k - first,
                start_s=round(start, 3),
                root=root,
                quality=quality,
                confidence=round(float(score[order[0]] - score[runner]), 4),
            )
        )
    return out


def chord_key(chords: list[BarChord], chroma_scores: dict[tuple[int, str], float]) -> tuple[int, str, float]:
    """(tonic, mode, margin): the key that best explains the bar chords and the chroma (see the docstring).
    `chroma_scores`: (tonic, "major"/"minor") -> Krumhansl correlation."""
    played = [(c.root, c.quality) for c in chords if c.quality != "none"]
    if not played:
        best = max(chroma_scores, key=chroma_scores.__getitem__)
        return best[0], best[1], 0.0
    scores = []
    for (tonic, mode), corr in chroma_scores.items():
        diatonic = _diatonic(tonic, mode)
        cover = sum(c in diatonic for c in played) / len(played)
        home = sum(c == (tonic, "min" if mode == "minor" else "maj") for c in played) / len(played)
        scores.append((corr + cover + 0.5 * home, tonic, mode))
    scores.sort(reverse=True)
    return scores[0][1], scores[0][2], round(scores[0][0] - scores[1][0], 4)
