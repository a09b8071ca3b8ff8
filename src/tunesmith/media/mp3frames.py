"""MPEG-1 Layer III frame headers: what the composer's encoder (splitting, the Info tag) and the rebuild
check (a stored MP3's audio frames after its tag) both read, in one place."""

from __future__ import annotations

FRAME = 1152  # samples per MPEG-1 Layer III frame
KBPS = (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320)
RATES = (44100, 48000, 32000)
INFO_AT = {True: 36, False: 21}  # header (4) + side info (32 stereo, 17 mono)


def frame_size(header: int) -> int:
    """Bytes of the frame a 4-byte `header` starts. Raises ValueError where it is not an MPEG-1 Layer III
    frame this project writes (CRC-protected and free-format frames included)."""
    rate = (header >> 10) & 3
    if header >> 21 != 0x7FF or (header >> 19) & 3 != 3 or (header >> 17) & 3 != 1 or rate == 3:
        raise ValueError("not an MPEG-1 Layer III frame")
    index = (header >> 12) & 15
    if not (header >> 16) & 1 or not index or index == 15:
        raise ValueError("CRC-protected or free-format frame")
    return 144000 * KBPS[index] // RATES[rate] + ((header >> 9) & 1)


def is_stereo(header: int) -> bool:
    return (header >> 6) & 3 != 3


def frames(data: bytes) -> list[tuple[int, int]]:
    """(offset, size) of each complete frame (an encoder not flushed may end in a partial one, left out).
    Raises ValueError on anything else."""
    out: list[tuple[int, int]] = []
    i = 0
    while i + 4 <= len(data):
        try:
            size = frame_size(int.from_bytes(data[i : i + 4], "big"))
        except ValueError as e:
            raise ValueError(f"{e} at byte {i}") from None
        if i + size > len(data):
            break
        out.append((i, size))
        i += size
    return out


def info_tag_size(data: bytes) -> int:
    """Bytes of the Xing/Info tag frame `data` starts with (LAME's gapless header), 0 where it has none."""
    if len(data) < 4:
        return 0
    header = int.from_bytes(data[:4], "big")
    try:
        size = frame_size(header)
    except ValueError:
        return 0
    at = INFO_AT[is_stereo(header)]
    return size if data[at : at + 4] in (b"Info", b"Xing") else 0
