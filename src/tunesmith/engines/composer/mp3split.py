"""One MP3 from two LAME encoders: the song's halves encoded on two threads, the bitstreams spliced.

LAME is single-threaded and the final encode is the longest step of a take's tail (~1.5 s for 3 minutes). The
second half is encoded from PRE_FRAMES frames before the splice (so its encoder has seen the same signal when
it reaches it) and the first half PAST_FRAMES frames beyond it (LAME's look-ahead), both on the same
1152-sample frame grid. The first half's frames are byte for byte what one encoder writes (LAME is causal);
from the splice on, the second encoder's frames are an equally faithful encoding of the same audio (per
frame, the same error against the PCM as one encoder's, within 0.1 dB on the bench song). What makes a plain
concatenation invalid is the bit reservoir: a frame's main data may begin up to 511 bytes back, in earlier
frames. `splice` re-lays the second encoder's main data after the first's, each frame as early as the
reservoir allows, and rewrites each frame's main_data_begin; where it would not fit (a frame's data past its
own slot) it tries the next frame, and the caller falls back to one encoder where none fits.
"""

from __future__ import annotations

from tunesmith.media.mp3frames import FRAME, frames

__all__ = ["FRAME", "PAST_FRAMES", "PRE_FRAMES", "frames", "splice"]

PRE_FRAMES = 16
PAST_FRAMES = 8
_MAX_BACK = 511  # main_data_begin is 9 bits


def _side(data: bytes, at: int, stereo: bool) -> tuple[int, int]:
    """(main_data_begin, bytes of main data) of the frame at `at`: the part2_3 lengths of its granules."""
    n = 32 if stereo else 17
    bits = int.from_bytes(data[at + 4 : at + 4 + n], "big")
    top = n * 8
    pos = 9 + (3 + 8 if stereo else 5 + 4)  # main_data_begin, private bits, scfsi
    total = 0
    for _ in range(4 if stereo else 2):  # 2 granules x channels, 59 bits each
        total += (bits >> (top - pos - 12)) & 0xFFF
        pos += 59
    return bits >> (top - 9), (total + 7) // 8


def splice(a: bytes, b: bytes, fa: int, fb: int) -> bytes | None:
    """Frames [0, fa) of stream `a`, then frames [fb, end) of stream `b` (the same frame grid and format),
    with b's main data re-laid after a's; None where a frame's data would not fit."""
    fr_a, fr_b = frames(a), frames(b)
    if not fr_a or len(fr_a) < fa or len(fr_b) <= fb:
        return None
    stereo = (a[3] >> 6) & 3 != 3
    head = 4 + (32 if stereo else 17)
    stream = bytearray()  # the main-data stream: every frame's slot after its header and side info
    end = 0  # where the main data laid so far ends
    for off, size in fr_a[:fa]:
        mdb, length = _side(a, off, stereo)
        end = len(stream) - mdb + length
        stream += a[off + head : off + size]
    b_stream = b"".join(b[off + head : off + size] for off, size in fr_b)
    b_pos = sum(size - head for _, size in fr_b[:fb])  # where frame fb's slot starts in b's stream
    begins: list[int] = []
    for off, size in fr_b[fb:]:
        mdb, length = _side(b, off, stereo)
        pos = len(stream)
        begin = max(end, pos - _MAX_BACK)
        if begin + length > pos + size - head:
            return None
        stream += bytes(size - head)
        stream[begin : begin + length] = b_stream[b_pos - mdb : b_pos - mdb + length]
        begins.append(pos - begin)
        end = begin + length
        b_pos += size - head
    out = bytearray()
    pos = 0
    for off, size in fr_a[:fa]:
        out += a[off : off + head]
        out += stream[pos : pos + size - head]
        pos += size - head
    for (off, size), back in zip(fr_b[fb:], begins, strict=True):
        side = bytearray(b[off : off + head])
        side[4] = back >> 1
        side[5] = (side[5] & 0x7F) | ((back & 1) << 7)
        out += side
        out += stream[pos : pos + size - head]
        pos += size - head
    return bytes(out)
