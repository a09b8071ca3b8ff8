"""The final MP3 of a take: encoded in two halves at once and spliced (mp3split), a valid stream as faithful
as one encoder's and byte for byte one encoder's up to the splice, decoding to exactly the samples encoded
(mp3tag's Info tag: LAME's delay and padding dropped); and started from a draft master, given up for
mastering.master's where the draft does not hold."""

from __future__ import annotations

import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from tunesmith.engines.composer import encode, mp3split

SR = 44100


def _music(seconds: float) -> np.ndarray:
    """Stereo test audio with what fills and drains LAME's bit reservoir: quiet tones, loud chords and noise
    bursts (transients), changing every half second."""
    rng = np.random.default_rng(5)
    t = np.arange(int(seconds * SR)) / SR
    out = np.zeros((len(t), 2))
    for k, start in enumerate(np.arange(0.0, seconds, 0.5)):
        a, b = int(start * SR), int(min(seconds, start + 0.5) * SR)
        f = 110.0 * 2 ** (rng.integers(0, 36) / 12)
        tone = sum(np.sin(2 * np.pi * f * h * t[a:b]) / h for h in range(1, 6))
        level = (0.05, 0.4, 0.15)[k % 3]
        out[a:b, 0] = level * tone
        out[a:b, 1] = level * np.roll(tone, 40)
        if k % 4 == 3:
            out[a : a + 2000] += rng.standard_normal((min(2000, b - a), 2)) * 0.3
    return encode._pcm16(np.clip(out, -1, 1).astype(np.float32))


def _decode(path: Path) -> np.ndarray:
    run = subprocess.run(
        ["ffmpeg", "-nostdin", "-v", "error", "-i", str(path), "-f", "s16le", "-ac", "2", "-"],
        capture_output=True,
        check=True,
    )
    assert run.stderr == b"", run.stderr.decode()  # the decoder found nothing wrong in the stream
    return np.frombuffer(run.stdout, np.int16).reshape(-1, 2).astype(np.float64)


@pytest.fixture(scope="module")
def encoded(tmp_path_factory: pytest.TempPathFactory) -> tuple[np.ndarray, Path, Path]:
    pcm = _music(40.0)
    folder = tmp_path_factory.mktemp("mp3")
    with ThreadPoolExecutor(max_workers=2) as helper:
        assert encode.write_mp3(folder / "split.mp3", pcm, None, helper)
    assert encode.write_mp3(folder / "one.mp3", pcm)
    return pcm, folder / "split.mp3", folder / "one.mp3"


def test_split_stream_is_one_encoders_up_to_the_splice_and_as_long(encoded) -> None:
    pcm, split, one = encoded
    s, o = split.read_bytes(), one.read_bytes()
    assert s != o  # the second half really came from another encoder
    fs, fo = mp3split.frames(s), mp3split.frames(o)
    assert len(fs) == len(fo) and fs[-1][0] + fs[-1][1] == len(s)  # every byte in a whole frame
    at = len(pcm) // 2 // mp3split.FRAME + 1  # frame 0: the Info tag (it counts each file's own bytes)
    assert s[fs[1][0] : fs[at][0]] == o[fo[1][0] : fo[at][0]]
    assert len(_decode(split)) == len(_decode(one)) == len(pcm)  # gapless: no delay, no padding


def test_split_stream_is_as_faithful_as_one_encoders(encoded) -> None:
    pcm, split, one = encoded
    ref = pcm.astype(np.float64)  # sample for sample: the Info tag has the decoder drop LAME's delay
    frame = mp3split.FRAME

    def errors(path: Path) -> np.ndarray:
        err = (_decode(path)[: len(ref)] - ref) ** 2
        n = len(err) // frame
        return err[: n * frame].reshape(n, frame * 2).mean(axis=1) + 1e-9

    es, eo = errors(split), errors(one)
    at = len(pcm) // 2 // frame
    near = slice(at - 4, at + 12)  # the splice and the frames around it: no click, no gap
    assert np.max(10 * np.log10(es[near] / eo[near])) < 1.0
    second = slice(at + 12, len(es) - 4)
    assert abs(10 * np.log10(es[second].mean() / eo[second].mean())) < 0.5
    assert np.array_equal(es[: at - 4], eo[: at - 4])


def test_what_is_not_a_plain_mpeg1_layer3_stream_is_not_spliced() -> None:
    with pytest.raises(ValueError):
        mp3split.frames(b"ID3\x04\x00" + bytes(100))


def test_a_draft_master_that_does_not_hold_is_made_again_and_written(tmp_path: Path) -> None:
    """The rare path of finish._master_and_write: the limiter took more than 0.3 LU away (loud clicks over
    quiet noise), so the draft (already being encoded) is given up and the files hold mastering.master's."""
    import soundfile as sf

    from tunesmith.engines.composer import finish, mastering

    rng = np.random.default_rng(1)
    mix = (rng.standard_normal((SR * 40, 2)) * 0.01).astype(np.float32)
    for k in range(0, len(mix), SR // 2):  # most of the loudness sits in the clicks
        mix[k : k + 2000] += (rng.standard_normal((min(2000, len(mix) - k), 2)) * 0.8).astype(np.float32)
    measured = mastering.loudness(mix)
    expected, gain = mastering.master(mix.copy(), measured)
    with (
        ThreadPoolExecutor(max_workers=2) as ex,
        ThreadPoolExecutor(max_workers=1) as side,
        ThreadPoolExecutor(max_workers=2) as mp3,
    ):
        out, got_gain, jobs = finish._master_and_write(
            lambda: mix.copy(), mix.copy(), measured, tmp_path, ex, side, mp3
        )
        for job in jobs:
            job.result()
    assert got_gain == gain > 10 ** ((mastering.TARGET_LUFS - measured) / 20)  # the second pass's gain
    assert np.array_equal(out, expected)
    assert np.array_equal(sf.read(tmp_path / "audio.wav", dtype="int16")[0], encode._pcm16(expected))
    assert len(_decode(tmp_path / "audio.mp3")) == len(mix)  # the whole master, gapless (mp3tag)
