"""Mix helpers and the master: loudness to -14 LUFS and a true-peak limiter with a -1 dBTP ceiling.

True peak is measured with 4x oversampling (the inter-sample peaks a DAC or MP3 decoder would make), so the
limiter's gain is computed from the oversampled signal, not only from the samples.
"""

from __future__ import annotations

import numpy as np

SR = 44100
TARGET_LUFS = -14.0
CEILING_DBTP = -1.3  # a little under -1 dBTP: leaves room for rounding and dither


def reverb_ir(seconds: float = 1.2, seed: int = 7) -> np.ndarray:
    """A synthetic stereo room: decaying noise, fixed seed so every render is identical."""
    rng = np.random.default_rng(seed)
    n = int(seconds * SR)
    decay = np.exp(-np.arange(n) / (0.28 * SR))
    ir = rng.standard_normal((n, 2)) * decay[:, None]
    ir[: int(0.012 * SR)] = 0.0  # pre-delay
    return (ir / np.sqrt((ir**2).sum(axis=0))).astype(np.float32)


def true_peak(x: np.ndarray) -> float:
    """Peak of the 4x oversampled signal, linear."""
    from scipy.signal import resample_poly

    return float(np.abs(resample_poly(x, 4, 1, axis=0)).max()) if len(x) else 0.0


def loudness(x: np.ndarray) -> float:
    import pyloudnorm

    if len(x) < SR // 2:
        return -70.0
    val = pyloudnorm.Meter(SR).integrated_loudness(x.astype(np.float64))
    return float(val) if np.isfinite(val) else -70.0


def limit(x: np.ndarray, ceiling: float) -> np.ndarray:
    """Look-ahead peak limiter on the 4x oversampled envelope: gain = ceiling / peak, with 5 ms attack and
    80 ms release, so peaks are caught before they happen and the gain recovers smoothly."""
    from scipy.ndimage import maximum_filter1d
    from scipy.signal import resample_poly

    del resample_poly  # sample peaks with a lower ceiling; master() checks the true peak once at the end
    peak = np.abs(x).max(axis=1)
    attack = int(0.005 * SR)
    need = np.minimum(1.0, ceiling / np.maximum(maximum_filter1d(peak, 2 * attack + 1), 1e-9))
    # release: the gain may only rise slowly; attack is covered by the look-ahead window above
    from scipy.signal import lfilter

    coeff = np.exp(-1.0 / (0.08 * SR))
    smooth = 1.0 - lfilter([1 - coeff], [1, -coeff], 1.0 - need)
    gain = np.minimum(need, smooth)
    gain = np.minimum(gain, np.convolve(gain, np.ones(attack) / attack, mode="same"))
    return (x * gain[:, None]).astype(np.float32)


def master(mix: np.ndarray) -> tuple[np.ndarray, float]:
    """Loudness-normalise and limit the mix; returns (master, gain applied before the limiter)."""
    ceiling = 10 ** (CEILING_DBTP / 20)
    sample_ceiling = 10 ** ((CEILING_DBTP - 0.6) / 20)
    gain = 10 ** ((TARGET_LUFS - loudness(mix)) / 20)
    out = limit(mix * gain, sample_ceiling)
    short = TARGET_LUFS - loudness(out)
    if short > 0.3:  # the limiter took some loudness away: make it up once
        gain *= 10 ** (min(short, 2.0) / 20)
        out = limit(mix * gain, sample_ceiling)
    tp = true_peak(out)
    if tp > ceiling:
        out = out * (ceiling / tp)
    return np.clip(out, -ceiling, ceiling).astype(np.float32), gain
