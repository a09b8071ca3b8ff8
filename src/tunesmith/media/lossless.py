"""Lossless masters and stems in a fraction of the space: WAV <-> FLAC, sample for sample.

A 16-bit WAV becomes a 16-bit FLAC and comes back bit-identical. A 32-bit float WAV (engines keep their
pre-master stems that way) becomes a 24-bit FLAC when it never exceeds full scale (an error below 2^-23, about
-138 dBFS, far under any audible or tested difference); a float file that goes past full scale stays a WAV,
since FLAC cannot hold it. `restore` writes a WAV again: 16-bit from a 16-bit FLAC, float otherwise.
"""

from __future__ import annotations

from pathlib import Path

BLOCK = 1 << 18  # frames per read/write: bounded memory for songs of any length


def compress(wav: Path, dest_dir: Path) -> Path:
    """A FLAC of `wav` in `dest_dir` (same stem, .flac), or `wav` itself when FLAC cannot hold it."""
    import numpy as np
    import soundfile as sf

    info = sf.info(str(wav))
    if info.format != "WAV":
        return wav
    if info.subtype in ("PCM_16", "PCM_24"):
        subtype, dtype = info.subtype, "int32"
    elif info.subtype in ("FLOAT", "DOUBLE"):
        if _peak(wav) > 1.0:
            return wav
        subtype, dtype = "PCM_24", "float64"
    else:
        return wav
    dest = dest_dir / f"{wav.stem}.flac"
    dest_dir.mkdir(parents=True, exist_ok=True)
    with (
        sf.SoundFile(str(wav)) as src,
        sf.SoundFile(
            str(dest), "w", samplerate=src.samplerate, channels=src.channels, format="FLAC", subtype=subtype
        ) as out,
    ):
        for block in src.blocks(blocksize=BLOCK, dtype=dtype, always_2d=True):
            if dtype == "float64":  # full scale is 1.0; keep the top sample code inside the 24-bit range
                block = np.clip(block, -1.0, (2**23 - 1) / 2**23)
            out.write(block)
    return dest


def restore(flac: Path, dest: Path) -> Path:
    """The WAV a FLAC from `compress` came from: 16-bit samples bit for bit, float otherwise."""
    import soundfile as sf

    info = sf.info(str(flac))
    subtype, dtype = ("PCM_16", "int16") if info.subtype == "PCM_16" else ("FLOAT", "float32")
    dest.parent.mkdir(parents=True, exist_ok=True)
    with (
        sf.SoundFile(str(flac)) as src,
        sf.SoundFile(
            str(dest), "w", samplerate=src.samplerate, channels=src.channels, format="WAV", subtype=subtype
        ) as out,
    ):
        for block in src.blocks(blocksize=BLOCK, dtype=dtype, always_2d=True):
            out.write(block)
    return dest


def _peak(path: Path) -> float:
    import numpy as np
    import soundfile as sf

    peak = 0.0
    for block in sf.blocks(str(path), blocksize=BLOCK, dtype="float32", always_2d=True):
        if block.size:
            peak = max(peak, float(np.max(np.abs(block))))
    return peak
