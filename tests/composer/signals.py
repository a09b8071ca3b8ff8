"""Synthetic test audio with known answers: drum hits on a known beat grid, chords in a known key."""

from __future__ import annotations

import numpy as np

SR = 44100


def _t(seconds: float) -> np.ndarray:
    return np.arange(int(seconds * SR)) / SR


def kick() -> np.ndarray:
    t = _t(0.25)
    f = 60.0 + 90.0 * np.exp(-t * 30)
    return np.sin(2 * np.pi * np.cumsum(f) / SR) * np.exp(-t * 12)


def snare(seed: int) -> np.ndarray:
    t = _t(0.15)
    noise = np.random.default_rng(seed).standard_normal(len(t))
    return (0.5 * noise + np.sin(2 * np.pi * 190 * t)) * np.exp(-t * 25)


def hat(seed: int) -> np.ndarray:
    t = _t(0.05)
    n = np.random.default_rng(seed).standard_normal(len(t) + 2)
    return (n[2:] - 2 * n[1:-1] + n[:-2]) / 4 * np.exp(-t * 80) * 0.3  # bright, high-passed noise


def click() -> np.ndarray:
    t = _t(0.03)
    return np.sin(2 * np.pi * 3000 * t) * np.exp(-t * 200)


def _place(out: np.ndarray, x: np.ndarray, t: float) -> None:
    i = int(round(t * SR))
    n = min(len(x), len(out) - i)
    if n > 0:
        out[i : i + n] += x[:n]


def _stereo(x: np.ndarray) -> np.ndarray:
    return np.stack([x, x], axis=1).astype(np.float32) * np.float32(0.5)


def click_track(bpm: float, seconds: float, offset: float = 0.0) -> np.ndarray:
    """A kick on every bar line (beat 1), a click on the other beats; the first bar line at `offset`."""
    out = np.zeros(int(seconds * SR))
    k = 0
    while offset + k * 60 / bpm < seconds:
        _place(out, kick() if k % 4 == 0 else 0.6 * click(), offset + k * 60 / bpm)
        k += 1
    return _stereo(out)


def drum_track(bpm: float, seconds: float, offset: float = 0.0, accent: bool = False) -> np.ndarray:
    """Kick on beats 1 and 3, snare on 2 and 4, hi-hats on every eighth; with `accent` beat 1 has a second,
    louder kick and a crash. The first bar line at `offset`."""
    out = np.zeros(int(seconds * SR))
    spb = 60 / bpm
    k = 0
    while offset + k * spb < seconds:
        t = offset + k * spb
        _place(out, kick() if k % 2 == 0 else 0.7 * snare(k), t)
        if accent and k % 4 == 0:
            _place(out, kick(), t)
            _place(out, 3 * hat(5000 + k), t)
        _place(out, 0.5 * hat(1000 + k), t)
        _place(out, 0.5 * hat(2000 + k), t + spb / 2)
        k += 1
    return _stereo(out)


def chord(root_midi: int, minor: bool, seconds: float, tuning_cents: float = 0.0) -> np.ndarray:
    """A sustained four-note chord (bass an octave down, root, third, fifth), each tone with harmonics 1-4."""
    t = _t(seconds)
    x = np.zeros_like(t)
    for p in (root_midi - 12, root_midi, root_midi + (3 if minor else 4), root_midi + 7):
        f = 440.0 * 2 ** ((p - 69 + tuning_cents / 100) / 12)
        for h, amp in ((1, 1.0), (2, 0.5), (3, 0.3), (4, 0.2)):
            x += amp * np.sin(2 * np.pi * f * h * t)
    return x * np.minimum(1, t / 0.02) * np.minimum(1, (seconds - t) / 0.05)


def progression(chords: list[tuple[int, bool]], bar_s: float, seconds: float, **kw: float) -> np.ndarray:
    """`chords` (root MIDI note, minor) one per bar, repeated for `seconds`."""
    parts, total, i = [], 0.0, 0
    while total < seconds:
        root, minor = chords[i % len(chords)]
        parts.append(chord(root, minor, bar_s, **kw))
        total += bar_s
        i += 1
    x = np.concatenate(parts)[: int(seconds * SR)]
    return _stereo(x / np.abs(x).max())


def band(bpm: float, seconds: float, offset: float, chords: list[tuple[int, bool]]) -> np.ndarray:
    """Unaccented drums plus one chord per bar from the first bar line at `offset`: only the chord changes
    tell where bars begin."""
    x = drum_track(bpm, seconds, offset)
    harmony = progression(chords, 240 / bpm, seconds - offset)
    i = int(round(offset * SR))
    x[i : i + len(harmony)] += 0.5 * harmony[: len(x) - i]
    return x


def slow_pad(bpm: float, seconds: float, chords: list[tuple[int, bool]]) -> np.ndarray:
    """No drums: a sustained chord per bar and a soft-attacked arpeggio on every eighth note (root, third,
    fifth, octave), as a slow ballad or ambient piece plays; its eighths are as strong as its beats."""
    pad = progression(chords, 240 / bpm, seconds)
    out = np.zeros(int(seconds * SR))
    step, k = 30.0 / bpm, 0
    while k * step < seconds:
        root, minor = chords[int(k // 8) % len(chords)]
        p = (root, root + (3 if minor else 4), root + 7, root + 12)[k % 4] + 12
        t = _t(1.5 * step)
        tone = np.sin(2 * np.pi * 440.0 * 2 ** ((p - 69) / 12) * t) * np.minimum(1, t / 0.08) * np.exp(-2 * t)
        _place(out, 0.3 * tone, k * step)
        k += 1
    return 0.5 * pad + _stereo(out)


def write_wav(path, x: np.ndarray) -> None:  # noqa: ANN001 - str or Path
    import soundfile as sf

    sf.write(str(path), (np.clip(x, -1, 1) * 32767).round().astype(np.int16), SR, subtype="PCM_16")
