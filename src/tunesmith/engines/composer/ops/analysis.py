"""What a recording the composer did not make is like: tempo, bar grid, key, mode and loudness.

Upload-extend continues outside audio, so it needs the recording's beat and key from the audio alone
(numpy/scipy only; about 0.5 s for 3 minutes of stereo on one core):

- Onsets: spectral flux (half-wave rectified rise of log-compressed STFT magnitudes, 1024-point frames every
  10 ms), over all bins and over the bins below 200 Hz (kick and bass).
- Tempo: autocorrelation of the onset envelope, read as a comb (lags L, 2L, 3L, 4L) for every tempo from 50
  to 190 bpm in 0.05 bpm steps, times a broad log-normal prior around 120 bpm (64 or 128 bpm: 128). Then
  the metrical level: the beat is the fastest level whose beats are all alike strong, so twice or 1.5 times
  that tempo is taken when its beats are and it is at least FASTER_COMB as periodic (a kick/snare backbeat
  under eighth-note hats is read at the quarter note, not the half note or a 3:2 grid; a reggae skank on
  the off-beats does not double). A level above USUAL_BPM must be as periodic and alike as the slower one
  (STRICT_*): 185 bpm punk, kick and snare alike on every beat, is not 92.5 bpm. Where the pulse is weak
  (no drums: pads, strings, a slow piano, comb under WEAK_PULSE) the onsets cannot tell 64 bpm from 128
  (soft eighth-note arpeggios are as strong as the beats), and the harmony decides: chords change on bar
  lines, so when the chord-change curve does not repeat at the faster tempo's bar, the tempo is halved.
  Tempos above 190 bpm come out halved.
- Beat phase and exact period: the grid phase + k * period that collects the most (smoothed) onset strength,
  searched jointly over phases and periods within +-0.6 % of the comb's tempo; moved half a beat when the
  kick and bass land clearly more there (fast strums and hats hit the off-beats hardest). With `at` given,
  beats near that time weigh most (exponential, 8 s), so the grid is exact where a continuation joins even
  when a played recording drifts.
- Downbeat (4/4 assumed): of the four beat positions in a bar, the one whose beats carry the most
  low-frequency onset (kick, bass notes) plus the most harmonic change (chords change on bar lines), each as
  a t-statistic over the beats so a feature without a pattern adds only noise-level evidence.
- Key: a whole-file chroma correlated with the Krumhansl-Schmuckler major and minor profiles in all 12 keys.
  The chroma: spectral peaks of an 8192-point STFT (every 46 ms, 52 Hz - 2.1 kHz, frequency interpolated,
  tuning estimated from them) summed into semitones, the overtones a lower note explains removed
  (harmonics 2-5 at 1/h, so a D chord does not read as A), log-compressed and folded into pitch classes.
  Relative keys (A minor / C major) share their notes, so a song that dwells on neither tonic can be read as
  its relative key; the confidence says how clear the choice was.
- Loudness: BS.1770 integrated loudness, as mastering measures it.

Silence or less than two seconds of audio give the defaults (120 bpm, C major) with zero confidences.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from itertools import pairwise
from typing import Any

import numpy as np

BPM_RANGE = (50.0, 190.0)
FASTER_COMB = 0.6  # a faster beat level must be at least this share as periodic as the comb's best
USUAL_BPM = 180.0  # a faster beat than this must be as periodic and alike as ...
STRICT_COMB, STRICT_ALIKE = 0.95, 0.9  # ... these: 185 bpm punk (kick, snare) is not 92.5 bpm
WEAK_PULSE = 0.3  # comb strength under which the onsets alone do not tell a tempo from its double ...
STILL_BAR = 0.15  # ... and the harmony decides: no chord rhythm at the faster bar (autocorrelation)
KICK_SHIFT = 1.3  # move the beats half a beat when the kick and bass land this much more there
PRIOR_BPM, PRIOR_OCTAVES = 120.0, 1.0
ALIKE = 0.5  # a beat level whose weakest beats have at least this share of the strongest
FPS = 100.0  # onset frames per second (hop = sr / FPS)
LOW_HZ = 200.0
PITCHES = (33, 96)  # MIDI range of the chroma (A1 - B6)
LOCAL_S = 8.0  # with `at`: beats this far from it weigh 1/e

# Krumhansl-Kessler key profiles (C major / C minor, pitch class 0 = tonic).
MAJOR_PROFILE = np.array([6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88])
MINOR_PROFILE = np.array([6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17])


@dataclass(frozen=True)
class Analysis:
    bpm: float
    downbeat_s: float  # a bar line: bars start at downbeat_s + k * bar_s (4/4), 0 <= downbeat_s < bar_s
    key: int  # tonic pitch class, 0 = C (as style.NOTE_NAMES)
    mode: str  # "major" | "minor"
    lufs: float
    tempo_confidence: float = 0.0  # 0..1: comb strength of the chosen tempo (0 = no beat found)
    key_confidence: float = 0.0  # correlation margin of the best key over the next best (0..~0.5)
    tuning_cents: float = 0.0  # the recording's tuning against A = 440 Hz

    @property
    def bar_s(self) -> float:
        return 4 * 60.0 / self.bpm

    def to_json(self) -> dict[str, Any]:
        from tunesmith.engines.composer.style import NOTE_NAMES

        data = asdict(self)
        data["key_name"] = f"{NOTE_NAMES[self.key]} {self.mode}"
        return {k: round(v, 4) if isinstance(v, float) else v for k, v in data.items()}


def analyse(mix: np.ndarray, sr: int = 44100, *, at: float | None = None) -> Analysis:
    """Tempo, bar grid, key and loudness of `mix` ((n, 2) or (n,) float). `at` (seconds): fit the bar grid
    best around that time (where a continuation will join)."""
    x = np.asarray(mix, dtype=np.float32)
    mono = x.mean(axis=1) if x.ndim == 2 else x
    lufs = _loudness(x, sr)
    if len(mono) < 2 * sr or float(np.abs(mono).max(initial=0.0)) < 1e-4:
        return Analysis(bpm=120.0, downbeat_s=0.0, key=0, mode="major", lufs=lufs)
    hop = max(1, int(round(sr / FPS)))
    fps = sr / hop
    flux, low = _onsets(mono, sr, hop)
    weights = _weights(len(flux), fps, at)
    bpms, comb = _tempo(flux, fps)
    beat_env = _smooth(flux / max(flux.mean(), 1e-12) + low / max(low.mean(), 1e-12))  # kick and bass too
    bpm0, conf = _beat_level(bpms, comb, beat_env, fps, weights)
    chroma, chroma_fps, tuning = _chroma(mono, sr)
    bpm0 = _bar_level(bpm0, conf, chroma, chroma_fps)
    period, phase = _grid(beat_env, 60.0 * fps / bpm0, weights)
    if conf >= WEAK_PULSE:
        phase = _on_the_kick(_smooth(low), period, phase, weights)
    bpm = round(60.0 * fps / period, 3)
    beats = phase + period * np.arange(-1, int((len(flux) - phase) / period) + 1)
    beats = beats[(beats >= 0) & (beats < len(flux))]
    first = _downbeat(beats, low, chroma, fps, chroma_fps, weights)
    bar_s = 4 * 60.0 / bpm
    anchor = beats[first::4]
    if at is not None and len(anchor):  # the bar line nearest `at`: exact there after the rounding of bpm
        anchor = anchor[np.argmin(np.abs(anchor / fps - at)) :]
    downbeat = float(anchor[0] / fps) % bar_s if len(anchor) else 0.0
    key, mode, key_conf = _key(chroma.sum(axis=0))
    return Analysis(
        bpm=bpm,
        downbeat_s=round(downbeat % bar_s, 4) % bar_s,
        key=key,
        mode=mode,
        lufs=lufs,
        tempo_confidence=round(conf, 4),
        key_confidence=round(key_conf, 4),
        tuning_cents=round(100.0 * tuning, 1),
    )


def _loudness(x: np.ndarray, sr: int) -> float:
    if sr == 44100:
        from tunesmith.engines.composer import mastering

        return round(mastering.loudness(x), 2)
    import pyloudnorm

    if len(x) < sr // 2:
        return -70.0
    val = pyloudnorm.Meter(sr).integrated_loudness(x.astype(np.float64))
    return round(float(val), 2) if np.isfinite(val) else -70.0


def _frames(x: np.ndarray, n_fft: int, hop: int) -> np.ndarray:
    """Frames centred on t * hop (the signal padded by half a frame each side), as a strided view."""
    from numpy.lib.stride_tricks import sliding_window_view

    pad = np.pad(x, (n_fft // 2, n_fft // 2))
    return sliding_window_view(pad, n_fft)[::hop]


def _magnitudes(x: np.ndarray, n_fft: int, hop: int, block: int = 2048):  # noqa: ANN202 - a generator
    """|STFT| (frames x bins, float32) in blocks of frames, so a long file never holds all of it at once;
    scaled so a full-scale sine peaks near 1."""
    from scipy.fft import rfft

    win = np.hanning(n_fft).astype(np.float32)
    scale = np.float32(2.0 / win.sum())
    frames = _frames(x, n_fft, hop)
    for s in range(0, len(frames), block):
        yield np.abs(rfft(frames[s : s + block] * win, axis=1)).astype(np.float32) * scale


def _onsets(mono: np.ndarray, sr: int, hop: int) -> tuple[np.ndarray, np.ndarray]:
    """Spectral flux of the whole spectrum and of the bins below LOW_HZ, one value per hop."""
    from scipy.ndimage import uniform_filter1d

    n_fft = 1 << int(round(np.log2(sr * 0.0232)))  # 1024 at 44.1 kHz
    n_low = max(2, int(LOW_HZ * n_fft / sr) + 1)
    full, low = [], []
    prev = None
    for mag in _magnitudes(mono, n_fft, hop):
        lg = np.log1p(100.0 * mag)
        first = lg[:1] if prev is None else prev
        d = np.diff(np.concatenate([first, lg]), axis=0)
        np.maximum(d, 0.0, out=d)
        full.append(d.sum(axis=1))
        low.append(d[:, 1:n_low].sum(axis=1))
        prev = lg[-1:]
    out = []
    for f in (np.concatenate(full), np.concatenate(low)):
        f = f - uniform_filter1d(f, int(round(0.3 * sr / hop)) | 1)  # drop the slow part
        out.append(np.maximum(f, 0.0).astype(np.float64))
    return out[0], out[1]


def _smooth(x: np.ndarray, sigma: float = 1.5) -> np.ndarray:
    from scipy.ndimage import gaussian_filter1d

    return gaussian_filter1d(x, sigma)


def _tempo(flux: np.ndarray, fps: float) -> tuple[np.ndarray, np.ndarray]:
    """(tempos, comb strength 0..1 of each) from the autocorrelation of the onset envelope."""
    from scipy.fft import irfft, rfft

    bpms = np.arange(BPM_RANGE[0], BPM_RANGE[1] + 1e-9, 0.05)
    o = flux - flux.mean()
    n = len(o)
    nfft = 1 << int(np.ceil(np.log2(2 * n)))
    acf = irfft(np.abs(rfft(o, nfft)) ** 2, nfft)[: int(4 * 60.0 * fps / BPM_RANGE[0]) + 3]
    if acf[0] <= 0:
        return bpms, np.zeros(len(bpms))
    acf = acf / acf[0]
    acf = acf / np.maximum(1.0 - np.arange(len(acf)) / n, 0.25)  # unbiased: long lags overlap less
    lags = 60.0 * fps / bpms
    comb = np.mean([np.interp(k * lags, np.arange(len(acf)), acf) for k in (1, 2, 3, 4)], axis=0)
    return bpms, np.clip(comb, 0.0, 1.0)


def _beat_level(
    bpms: np.ndarray, comb: np.ndarray, env: np.ndarray, fps: float, weights: np.ndarray
) -> tuple[float, float]:
    """(bpm, confidence): the best comb tempo under the prior, moved to the metrical level of the beat.

    The beat is the fastest level whose beats are all alike strong (see `_alike`): a backbeat's quarter notes
    (kick, snare, kick, snare) are, its eighths (drum, hat, drum, hat) and a 3:2 grid across the beats (beat,
    off-beat, beat, ...) are not. So: twice or 1.5 times the comb's tempo when that level is alike (and at
    least half as periodic), else the comb's tempo (the prior already prefers the faster of two octaves)."""
    prior = np.exp(-0.5 * (np.log2(bpms / PRIOR_BPM) / PRIOR_OCTAVES) ** 2)
    best = int(np.argmax(comb * prior))
    if comb[best] <= 0:
        return PRIOR_BPM, 0.0
    top = float(bpms[best])

    def usable(bpm: float) -> bool:
        in_range = BPM_RANGE[0] - 1e-6 <= bpm <= BPM_RANGE[1] + 1e-6
        need = STRICT_COMB if bpm > USUAL_BPM else FASTER_COMB
        return in_range and float(np.interp(bpm, bpms, comb)) >= need * comb[best]

    def alike(bpm: float) -> bool:
        return _alike(env, 60.0 * fps / bpm, weights, fps) >= (STRICT_ALIKE if bpm > USUAL_BPM else ALIKE)

    faster = [top * r for r in (2.0, 1.5) if usable(top * r) and alike(top * r)]
    chosen = faster[0] if faster else top
    return chosen, float(np.interp(chosen, bpms, comb))


def _on_the_kick(low: np.ndarray, period: float, phase: float, weights: np.ndarray) -> float:
    """`phase`, or the off-beat half a period from it when the low-frequency onsets (kick, bass) land at
    least KICK_SHIFT times as strongly there: fast punk strums and hats hit the eighths between the beats
    hardest, while the kick marks the beat."""
    idx = np.arange(len(low), dtype=np.float64)

    def strength(ph: float) -> float:
        pos = ph + period * np.arange(int((len(low) - 1 - ph) / period) + 1)
        w = np.interp(pos, idx, weights)
        return float((np.interp(pos, idx, low) * w).sum() / max(w.sum(), 1e-12))

    half = (phase + period / 2) % period
    return half if strength(half) >= KICK_SHIFT * max(strength(phase), 1e-12) else phase


def _bar_level(bpm: float, confidence: float, chroma: np.ndarray, chroma_fps: float) -> float:
    """`bpm`, or half of it when the pulse is weak (no drums: a pad, strings, a slow piano) and the harmony
    says the bar is twice as long: the chord-change curve (see `_harmonic_change`) does not repeat at the
    faster tempo's bar. Chords change on bar lines, so a bar with no chord rhythm is half a bar."""
    slower = bpm / 2.0
    if confidence >= WEAK_PULSE or slower < BPM_RANGE[0] or len(chroma) < 4:
        return bpm
    change = _harmonic_change(chroma, chroma_fps)
    lag = 4 * 60.0 / bpm * chroma_fps
    if len(change) < 3 * lag:
        return bpm
    c = change - change.mean()
    n = len(c)
    acf = np.correlate(c, c, mode="full")[n - 1 :] / max(float(c @ c), 1e-12)
    acf = acf / np.maximum(1.0 - np.arange(n) / n, 0.25)
    return slower if float(np.interp(lag, np.arange(n), acf)) < STILL_BAR else bpm


def _harmonic_change(chroma: np.ndarray, chroma_fps: float, window_s: float = 0.5) -> np.ndarray:
    """Per chroma frame: 1 - cosine of the mean chroma over the `window_s` before it and after it."""
    w = max(1, int(round(window_s * chroma_fps)))
    csum = np.concatenate([np.zeros((1, chroma.shape[1])), np.cumsum(chroma, axis=0)])
    k = np.arange(w, len(chroma) - w + 1)
    before, after = csum[k] - csum[k - w], csum[k + w] - csum[k]
    norm = np.linalg.norm(before, axis=1) * np.linalg.norm(after, axis=1)
    return 1.0 - (before * after).sum(axis=1) / np.maximum(norm, 1e-12)


def _alike(env: np.ndarray, period: float, weights: np.ndarray, fps: float) -> float:
    """min/max of the mean onset strength per beat class (k mod 2, k mod 3) on the best grid of `period`."""
    from scipy.ndimage import maximum_filter1d

    phase = _grid(env, period, weights, spread=0.0)[1]
    pos = phase + period * np.arange(int((len(env) - 1 - phase) / period) + 1)
    if len(pos) < 6:
        return 1.0
    idx = np.arange(len(env), dtype=np.float64)
    peak = maximum_filter1d(env, 2 * int(round(0.03 * fps)) + 1)  # onsets peak a frame or two late
    s, w = np.interp(pos, idx, peak), np.interp(pos, idx, weights) + 1e-12
    k = np.arange(len(pos))
    ratio = 1.0
    for m in (2, 3):
        means = [np.average(s[k % m == j], weights=w[k % m == j]) for j in range(m)]
        ratio = min(ratio, min(means) / max(max(means), 1e-12))
    return ratio


def _weights(n: int, fps: float, at: float | None) -> np.ndarray:
    if at is None:
        return np.ones(n)
    t = np.arange(n) / fps
    return np.exp(-np.abs(t - at) / LOCAL_S)


def _grid(env: np.ndarray, period: float, weights: np.ndarray, spread: float = 0.006) -> tuple[float, float]:
    """(period, phase) in frames maximising the weighted mean onset strength on the beats phase + k*period,
    over periods within +-`spread` of `period` and every phase."""
    n = len(env)
    idx = np.arange(n, dtype=np.float64)
    best = (-np.inf, period, 0.0)
    for p in period * (1.0 + np.linspace(-spread, spread, 61 if spread else 1)):
        phases = np.arange(0.0, p, 0.5)
        k = np.arange(int(n / p) + 1)
        pos = phases[:, None] + p * k[None, :]
        ok = pos <= n - 1
        pos = np.where(ok, pos, 0.0)
        w = np.interp(pos, idx, weights) * ok
        score = (np.interp(pos, idx, env) * w).sum(axis=1) / np.maximum(w.sum(axis=1), 1e-12)
        j = int(np.argmax(score))
        if score[j] > best[0]:
            best = (float(score[j]), float(p), float(phases[j]))
    return best[1], best[2]


def _downbeat(
    beats: np.ndarray,
    low: np.ndarray,
    chroma: np.ndarray,
    fps: float,
    chroma_fps: float,
    weights: np.ndarray,
) -> int:
    """Index (0-3) of the first bar line among `beats` (frames): the beat position in the bar with the most
    low-frequency onset and harmonic change, each scored as a weighted t-statistic across the beats.

    Harmonic change at beat k compares the chroma of the two beats from k with the two beats before it (a bass
    moving from root to fifth inside a chord is no change). It counts in proportion to how much of the sound
    is held through whole beats (`tonal`: the per-bin minimum of the chroma frames in a beat against their
    mean; drum hits are gone by the end of a beat), so a drum loop, whose beats differ only in timbre, is
    read by its kicks alone."""
    if len(beats) < 8:
        return 0
    n = len(low)
    b = np.clip(np.round(beats).astype(int), 0, n - 1)
    lo = np.array([low[max(0, i - 3) : i + 4].max() for i in b])
    # beat-synchronous chroma: frames whose centre lies in [beat k, beat k+1)
    edges = np.clip(np.round(np.append(beats, 2 * beats[-1] - beats[-2]) / fps * chroma_fps), 0, len(chroma))
    edges = edges.astype(int)
    spans = [chroma[a:e] if e > a else np.zeros((1, 12)) for a, e in pairwise(edges)]
    mean = np.array([x.mean(axis=0) for x in spans])
    held = np.array([x.min(axis=0) for x in spans])
    tonal = np.linalg.norm(held, axis=1).sum() / max(np.linalg.norm(mean, axis=1).sum(), 1e-12)
    csum = np.concatenate([np.zeros((1, 12)), np.cumsum(mean, axis=0)])
    k = np.arange(len(mean))
    after = csum[np.minimum(k + 2, len(mean))] - csum[k]
    before = csum[k] - csum[np.maximum(k - 2, 0)]
    before[0] = after[0]
    unit_a = after / np.maximum(np.linalg.norm(after, axis=1, keepdims=True), 1e-12)
    unit_b = before / np.maximum(np.linalg.norm(before, axis=1, keepdims=True), 1e-12)
    change = 1.0 - (unit_a * unit_b).sum(axis=1)
    w = weights[b]
    score = np.zeros(4)
    for feat, share in ((lo, 1.0), (change, float(np.clip((tonal - 0.05) / 0.2, 0.0, 1.0)))):
        avg = np.average(feat, weights=w)
        sd = np.sqrt(np.average((feat - avg) ** 2, weights=w)) + 1e-12
        for j in range(4):
            sel = np.arange(len(b)) % 4 == j
            if w[sel].sum() > 0:
                eff = w[sel].sum() ** 2 / max((w[sel] ** 2).sum(), 1e-12)  # effective number of beats
                score[j] += share * (np.average(feat[sel], weights=w[sel]) - avg) / sd * np.sqrt(eff)
    return int(np.argmax(score))


def _chroma(mono: np.ndarray, sr: int) -> tuple[np.ndarray, float, float]:
    """(frames x 12 chroma, frames per second, tuning in semitones) from an 8192-point STFT: bins pooled
    into semitones (MIDI 33-95, 55 Hz - 2 kHz), the overtones a lower note explains removed (harmonics 2-5 at
    1/h), log-compressed and folded into pitch classes."""
    n_fft = 1 << int(round(np.log2(sr * 0.186)))  # 8192 at 44.1 kHz: 5.4 Hz bins
    hop = n_fft // 4
    mags = list(_magnitudes(mono, n_fft, hop, block=512))
    spec = np.concatenate(mags) if mags else np.zeros((0, n_fft // 2 + 1), np.float32)
    freqs = np.arange(n_fft // 2 + 1) * sr / n_fft
    band = (freqs >= 52.0) & (freqs <= 2100.0)
    tuning = _tuning(spec.mean(axis=0), freqs, band)
    notes = _peak_notes(spec, freqs, band, tuning)  # frames x semitones, linear magnitude
    for p in range(notes.shape[1]):  # low to high: what is left of a note explains its overtones
        for h, step in ((2, 12), (3, 19), (4, 24), (5, 28)):
            if p + step < notes.shape[1]:
                notes[:, p + step] = np.maximum(0.0, notes[:, p + step] - notes[:, p] / h)
    compressed = np.log1p(10.0 * notes)
    fold = np.zeros((notes.shape[1], 12))
    fold[np.arange(notes.shape[1]), (np.arange(notes.shape[1]) + PITCHES[0]) % 12] = 1.0
    return compressed @ fold, sr / hop, tuning


def _peak_notes(spec: np.ndarray, freqs: np.ndarray, band: np.ndarray, tuning: float) -> np.ndarray:
    """Spectral peaks (local maxima, frequency by parabolic interpolation) summed into semitones MIDI
    PITCHES, each weighted by its distance from the semitone's centre: one sinusoid lands in one semitone
    even where a semitone is narrower than the window's main lobe (the bass)."""
    lo, hi = PITCHES
    inner = np.where(band[1:-1])[0] + 1
    left, mid, right = spec[:, inner - 1], spec[:, inner], spec[:, inner + 1]
    fr, k = np.nonzero((mid > left) & (mid >= right) & (mid > 1e-5))
    a, b, c = (np.log(x[fr, k] + 1e-12) for x in (left, mid, right))
    denom = a - 2 * b + c
    delta = np.clip(0.5 * (a - c) / np.where(denom < -1e-12, denom, -1e-12), -0.5, 0.5)
    f = (inner[k] + delta) * (freqs[1] - freqs[0])
    pitch = 12.0 * np.log2(f / 440.0) + 69.0 - tuning
    near = np.round(pitch).astype(int)
    ok = (near >= lo) & (near < hi)
    weight = np.maximum(0.0, 1.0 - 2.5 * np.abs(pitch - near)) * np.exp(b - 0.25 * delta * (a - c))
    out = np.zeros(len(spec) * (hi - lo))
    np.add.at(out, fr[ok] * (hi - lo) + near[ok] - lo, weight[ok])
    return out.reshape(len(spec), hi - lo)


def _tuning(mean_spec: np.ndarray, freqs: np.ndarray, band: np.ndarray) -> float:
    """Deviation (semitones, -0.5..0.5) of the spectral peaks from the A440 grid, a weighted circular mean."""
    s = np.log(mean_spec + 1e-9)
    i = np.where(band[1:-1] & (s[1:-1] > s[:-2]) & (s[1:-1] >= s[2:]))[0] + 1
    if len(i) == 0:
        return 0.0
    a, b, c = s[i - 1], s[i], s[i + 1]
    denom = a - 2 * b + c
    delta = np.where(np.abs(denom) > 1e-12, 0.5 * (a - c) / np.where(denom == 0, 1, denom), 0.0)
    f = (i + np.clip(delta, -0.5, 0.5)) * (freqs[1] - freqs[0])
    dev = 12.0 * np.log2(f / 440.0)
    w = mean_spec[i] ** 2
    z = (w * np.exp(2j * np.pi * dev)).sum()
    if abs(z) < 0.2 * w.sum():  # no consistent tuning: assume A440
        return 0.0
    return float(np.angle(z) / (2 * np.pi))


def key_scores(chroma: np.ndarray) -> dict[tuple[int, str], float]:
    """(tonic, mode) -> correlation of the chroma with that key's Krumhansl-Schmuckler profile."""
    return {
        (tonic, mode): float(np.corrcoef(chroma, np.roll(profile, tonic))[0, 1])
        for mode, profile in (("major", MAJOR_PROFILE), ("minor", MINOR_PROFILE))
        for tonic in range(12)
    }


def _key(chroma: np.ndarray) -> tuple[int, str, float]:
    """(tonic, mode, margin) of the Krumhansl-Schmuckler profile best correlated with the chroma."""
    if not np.isfinite(chroma).all() or chroma.std() < 1e-12:
        return 0, "major", 0.0
    scores = sorted(((v, t, m) for (t, m), v in key_scores(chroma).items()), reverse=True)
    (best, tonic, mode), second = scores[0], scores[1][0]
    return tonic, mode, best - second
