"""Spoken line + notes -> a sung line, with the WORLD vocoder.

espeak's speech is analysed once (dio + stonemask, cheaptrick, d4c with threshold 0 so vowels stay periodic),
then re-timed frame by frame (onset consonants just before the beat, the vowel held for the note, the coda at
its end) and re-pitched to the melody (pitch moves 15 ms before the onset, a 35 ms glide, delayed vibrato).
The fixes from the feasibility study are applied: unvoiced vowel frames are repaired from the nearest voiced
frame, noise below f0 is removed and the band around f0 is lifted on high notes so the fundamental is strong.
This module runs in worker processes: it imports only numpy, scipy and pyworld.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

FS = 22050
OUT_FS = 44100
FRAME_MS = 5.0
_FR = FRAME_MS / 1000.0


@dataclass(frozen=True)
class SungNote:
    pitch: int
    start: float  # seconds, song time
    dur: float  # seconds


@dataclass(frozen=True)
class LineJob:
    audio: np.ndarray  # float32 speech at 22050 Hz
    syllables: tuple[tuple[int, int, int, int], ...]  # (start, v0, v1, end) samples, one per note
    notes: tuple[SungNote, ...]
    harmony: tuple[int, ...] | None


def _midi_hz(p: float) -> float:
    return 440.0 * 2.0 ** ((p - 69.0) / 12.0)


def _timeline(job: LineJob) -> tuple[float, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Output origin (s) and, per output frame: source frame, note index, in-vowel flag, sounding flag."""
    notes, syl = job.notes, job.syllables
    onsets = [min((s[1] - s[0]) / FS, 0.14) for s in syl]
    codas = [min((s[3] - s[2]) / FS, 0.14) for s in syl]
    for k in range(1, len(notes)):
        onsets[k] = min(onsets[k], 0.5 * notes[k - 1].dur)
    origin = notes[0].start - onsets[0]
    end = notes[-1].start + notes[-1].dur + 0.02
    n = int(np.ceil((end - origin) / _FR)) + 1
    src = np.zeros(n)
    idx = np.full(n, -1, dtype=np.int64)
    vowel = np.zeros(n, dtype=bool)
    sounding = np.zeros(n, dtype=bool)

    def place(t0: float, t1: float, s0: float, s1: float, k: int, is_vowel: bool, hold: bool = False) -> None:
        a, b = int(round((t0 - origin) / _FR)), int(round((t1 - origin) / _FR))
        if b <= a:
            return
        x = np.linspace(0.0, 1.0, b - a, endpoint=False)
        if hold:  # diphthongs: stay near the first target, move to the second only at the end
            x = np.where(x < 0.75, x * (0.5 / 0.75), 0.5 + (x - 0.75) * 2.0)
        src[a:b] = (s0 + (s1 - s0) * x) / (FS * _FR)
        idx[a:b] = k
        vowel[a:b] = is_vowel
        sounding[a:b] = True

    for k, (note, s) in enumerate(zip(notes, syl, strict=True)):
        start = note.start
        stop = start + note.dur
        if k + 1 < len(notes):
            stop = min(stop, notes[k + 1].start - onsets[k + 1])
        coda = min(codas[k], 0.3 * (stop - start))
        place(start - onsets[k], start, s[1] - onsets[k] * FS, s[1], k, False)
        place(start, stop - coda, s[1], s[2], k, True, hold=True)
        place(stop - coda, stop, s[2], s[2] + coda * FS, k, False)
    return origin, src, idx, vowel, sounding


def _pitch_curve(job: LineJob, origin: float, n: int, pitches: list[int]) -> np.ndarray:
    t = origin + np.arange(n) * _FR
    semis = np.full(n, float(pitches[0]))
    for note, p in zip(job.notes, pitches, strict=True):
        semis[t >= note.start - 0.015] = p
    # 35 ms glide: moving average of the step curve
    w = 7
    padded = np.concatenate([np.full(w, semis[0]), semis, np.full(w, semis[-1])])
    semis = np.convolve(padded, np.ones(w) / w, mode="same")[w:-w]
    for note in job.notes:  # delayed vibrato, 5.6 Hz, +-25 cents, fading in
        m = (t >= note.start + 0.22) & (t < note.start + note.dur)
        age = t[m] - note.start - 0.22
        semis[m] += 0.25 * np.minimum(1.0, age / 0.3) * np.sin(2 * np.pi * 5.6 * age)
    return 440.0 * 2.0 ** ((semis - 69.0) / 12.0)


HIGH_HZ = 330.0  # above this, vowels lose their fundamental (F1 of "ee"/"oo" lies below f0)
H_FLOOR_DB = -15.0  # the 2nd-3rd harmonics stay within this of the fundamental on high notes


def _smooth_envelope(sp: np.ndarray, rows: np.ndarray, f0: np.ndarray, bin_hz: float) -> None:
    """Smooth the log envelope of `rows` over one harmonic spacing of the NEW pitch (a box applied twice).
    CheapTrick leaves a ripple at the speaker's own harmonic spacing (~280 Hz for the female espeak voice); a
    ripple of spacing df is an echo at 1/df in every synthesized pulse, and at C#5 that echo fell exactly two
    periods later, so the autocorrelation peaked at 2T and Praat read the note an octave low (-1199 c)."""
    from scipy.ndimage import uniform_filter1d

    widths = np.maximum(3, np.round(f0[rows] / bin_hz).astype(np.int64))
    for w in np.unique(widths):
        sel = rows[widths == w]
        log = np.log(np.maximum(sp[sel], 1e-30))
        log = uniform_filter1d(
            uniform_filter1d(log, int(w), axis=1, mode="nearest"), int(w), axis=1, mode="nearest"
        )
        sp[sel] = np.exp(log)


def _shape_high_notes(f0: np.ndarray, sp: np.ndarray, ap: np.ndarray, bins: np.ndarray) -> None:
    """In place, for every voiced frame at once: no noise below the fundamental; on high notes lift the band
    around f0 (up to 8x) so the fundamental is strong, and keep the 2nd-3rd harmonics no more than 15 dB
    under it. Why the floor: a high "ee" (F1 ~300 Hz, F2 ~2300 Hz) with the lifted fundamental came out as an
    almost pure sine (harmonics 35 dB down); its autocorrelation is then as strong one period later as at one
    period, and Praat read C#5 an octave low (-1199 cents). Real sopranos keep H2/H3 within ~10-20 dB."""
    rows = np.nonzero(f0 > 0)[0]
    if not len(rows):
        return
    f = f0[rows][:, None]
    below = bins[None, :] < f
    ap[rows] = np.where(below, 1e-3, ap[rows])
    hi = rows[f0[rows] > HIGH_HZ]
    if not len(hi):
        return
    _smooth_envelope(sp, hi, f0, bins[1])
    f = f0[hi][:, None]
    ramp = np.minimum(1.0, (f - HIGH_HZ) / 200.0)
    band = (bins[None, :] > f * 0.6) & (bins[None, :] < f * 1.5)
    block = sp[hi] * np.where(band, 1.0 + 7.0 * ramp, 1.0)
    at_f0 = np.clip(np.round(f[:, 0] / bins[1]).astype(np.int64), 0, len(bins) - 1)
    ref = block[np.arange(len(hi)), at_f0][:, None]  # the envelope at the fundamental itself
    harm = (bins[None, :] >= f * 1.5) & (bins[None, :] <= f * 3.5)
    floor = ref * (10 ** (H_FLOOR_DB / 10)) * ramp
    sp[hi] = np.where(harm, np.maximum(block, floor), block)


_ANALYSES: OrderedDict[bytes, tuple[np.ndarray, np.ndarray, np.ndarray]] = OrderedDict()
ANALYSIS_CACHE_BYTES = 48 << 20  # per singer process


def _analyse(audio: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """WORLD's analysis of spoken audio: f0, spectral envelope, aperiodicity (read-only). A line's speech is
    sung to several tunes (verses with the same words, every take of a song), so each process keeps the last
    analyses it made: the analysis is ~20% of singing a line."""
    import pyworld as pw

    key = hashlib.blake2b(audio.tobytes(), digest_size=16).digest() + len(audio).to_bytes(8, "little")
    hit = _ANALYSES.get(key)
    if hit is not None:
        _ANALYSES.move_to_end(key)
        return hit
    x = audio.astype(np.float64)
    f0, t = pw.dio(x, FS, frame_period=FRAME_MS, f0_floor=60.0, f0_ceil=700.0)
    f0 = pw.stonemask(x, f0, t, FS)
    sp = pw.cheaptrick(x, f0, t, FS)
    ap = pw.d4c(x, f0, t, FS, threshold=0.0)
    for a in (f0, sp, ap):
        a.setflags(write=False)
    _ANALYSES[key] = (f0, sp, ap)
    while len(_ANALYSES) > 1 and sum(a.nbytes for v in _ANALYSES.values() for a in v) > ANALYSIS_CACHE_BYTES:
        _ANALYSES.popitem(last=False)
    return f0, sp, ap


def sing(job: LineJob) -> tuple[float, np.ndarray, np.ndarray | None]:
    """(start time in song seconds, lead at 44.1 kHz, harmony at 44.1 kHz or None)."""
    import pyworld as pw
    from scipy.signal import resample_poly

    f0, sp, ap = _analyse(job.audio)
    origin, src, idx, vowel, sounding = _timeline(job)
    n = len(src)
    fi = np.clip(np.round(src).astype(np.int64), 0, len(f0) - 1)
    voiced_src = f0 > 0
    voiced_idx = np.nonzero(voiced_src)[0]
    if len(voiced_idx):  # repair unvoiced frames inside vowels from the nearest voiced frame
        bad = vowel & ~voiced_src[fi]
        if bad.any():
            near = voiced_idx[np.clip(np.searchsorted(voiced_idx, fi[bad]), 0, len(voiced_idx) - 1)]
            fi[bad] = near
    sp_o = sp[fi].copy()
    ap_o = ap[fi].copy()
    voiced = sounding & (vowel | voiced_src[fi])
    sp_o[~sounding] = 1e-12
    bins = np.arange(sp.shape[1]) * FS / ((sp.shape[1] - 1) * 2)
    outs = []
    for pitches in [[nt.pitch for nt in job.notes]] + ([list(job.harmony)] if job.harmony else []):
        f0_o = np.where(voiced, _pitch_curve(job, origin, n, pitches), 0.0)
        sp_v, ap_v = sp_o.copy(), ap_o.copy()
        _shape_high_notes(f0_o, sp_v, ap_v, bins)
        y = pw.synthesize(f0_o, sp_v, ap_v, FS, FRAME_MS)
        env = np.repeat(sounding.astype(np.float64), int(FS * _FR))
        env = np.pad(env, (0, max(0, len(y) - len(env))))[: len(y)]
        y = y * np.convolve(env, np.ones(110) / 110, mode="same")  # 5 ms fades at every gap
        outs.append(resample_poly(y, 2, 1).astype(np.float32))
    return origin, outs[0], (outs[1] if len(outs) > 1 else None)
