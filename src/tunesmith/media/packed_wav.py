"""Delivered WAV files kept as FLAC and served as the very WAV bytes they were (about 40 % less stored).

A WAV a client orders (the WAV operation's master, the stems) is 16-bit PCM with the canonical 44-byte header
libsndfile writes. Such a file is stored as FLAC and recorded with `encoding = "flac-wav"`; `WavView` gives
back the original file's bytes for any byte range: the header is rebuilt from the sample format, and the
samples of the range are decoded from the FLAC (which seeks to any sample), so HTTP Range works without
decoding the whole song. A WAV of any other shape (float, extra chunks) is stored as it is.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from pathlib import Path

ENCODING = "flac-wav"
HEADER_BYTES = 44
SAMPLE_BYTES = 2  # 16-bit PCM
FRAMES_PER_READ = 1 << 15


def wav_header(frames: int, channels: int, rate: int) -> bytes:
    """The canonical 44-byte header of a 16-bit PCM WAV (what libsndfile writes)."""
    data = frames * channels * SAMPLE_BYTES
    return (
        b"RIFF"
        + struct.pack("<I", 36 + data)
        + b"WAVEfmt "
        + struct.pack("<IHHIIHH", 16, 1, channels, rate, rate * channels * SAMPLE_BYTES, channels * 2, 16)
        + b"data"
        + struct.pack("<I", data)
    )


def pack(wav: Path, dest_dir: Path) -> Path | None:
    """A FLAC that `WavView` turns back into exactly `wav`, or None when `wav` is not a canonical 16-bit
    PCM WAV (then it is stored as it is)."""
    import soundfile as sf

    try:
        info = sf.info(str(wav))
    except RuntimeError:
        return None
    if info.format != "WAV" or info.subtype != "PCM_16":
        return None
    with wav.open("rb") as handle:
        head = handle.read(HEADER_BYTES)
    expected = wav_header(info.frames, info.channels, info.samplerate)
    if head != expected or wav.stat().st_size != HEADER_BYTES + info.frames * info.channels * SAMPLE_BYTES:
        return None
    from tunesmith.media.lossless import compress

    packed = compress(wav, dest_dir)
    return packed if packed != wav else None


class WavView:
    """The bytes of the WAV a packed FLAC came from, by range."""

    def __init__(self, flac: Path) -> None:
        import soundfile as sf

        info = sf.info(str(flac))
        self.flac = flac
        self.frames, self.channels, self.rate = info.frames, info.channels, info.samplerate
        self.header = wav_header(self.frames, self.channels, self.rate)
        self.size = HEADER_BYTES + self.frames * self.channels * SAMPLE_BYTES

    def iter_bytes(self, start: int, end: int) -> Iterator[bytes]:
        """Bytes [start, end) of the WAV, decoded a block at a time."""
        import soundfile as sf

        end = min(end, self.size)
        if start < HEADER_BYTES:
            yield self.header[start : min(end, HEADER_BYTES)]
            start = HEADER_BYTES
        if start >= end:
            return
        frame_bytes = self.channels * SAMPLE_BYTES
        first = (start - HEADER_BYTES) // frame_bytes
        skip = (start - HEADER_BYTES) - first * frame_bytes
        left = end - start
        with sf.SoundFile(str(self.flac)) as src:
            src.seek(first)
            while left > 0:
                block = src.read(FRAMES_PER_READ, dtype="int16", always_2d=True)
                if not len(block):
                    return
                data = block.astype("<i2", copy=False).tobytes()[skip:]
                skip = 0
                piece = data[:left]
                left -= len(piece)
                yield piece
