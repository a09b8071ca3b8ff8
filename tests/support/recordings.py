"""Outside recordings with known answers, and a loopback file server that serves them (the upload tests'
uploadUrl): a sung line (a voice-like tone with vibrato, no backing), a band (drums and chords), and plain
MP3s and a silent video made by ffmpeg (make_media)."""

from __future__ import annotations

import io
import subprocess
from collections.abc import Collection
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import numpy as np
import soundfile as sf

from tests.support.loopback import LoopbackServer

SR = 44100
# A minor: the line's notes (MIDI, beats) and the band's chords (root MIDI, minor) one per bar
LINE = [(69, 1.0), (72, 0.5), (71, 0.5), (69, 1.0), (64, 1.0), (65, 0.5), (64, 0.5), (62, 1.0), (64, 2.0)]
CHORDS = [(57, True), (53, False), (48, False), (52, False)]
A_MINOR = {9, 11, 0, 2, 4, 5, 7}


def voice_line(
    bpm: float, seconds: float, line: list[tuple[int, float]] = LINE, vibrato_cents: float = 30.0
) -> tuple[np.ndarray, list[tuple[int, float, float]]]:
    """A voice-like tone singing `line`'s notes (MIDI, beats) over and over: harmonics 1-8 falling off, a
    5.5 Hz vibrato of `vibrato_cents` that sets in over 0.15 s; mono with a peak of 1, and the notes sung as
    (pitch, start_s, end_s)."""
    beat, out, notes, t0, i = 60.0 / bpm, np.zeros(int(seconds * SR)), [], 0.0, 0
    while t0 < seconds - 0.5:
        pitch, beats = line[i % len(line)]
        dur = min(beats * beat, seconds - t0)
        t = np.arange(int(dur * SR)) / SR
        vibrato = vibrato_cents / 100 * np.sin(2 * np.pi * 5.5 * t) * np.minimum(1, t / 0.15)
        phase = 2 * np.pi * np.cumsum(440.0 * 2 ** ((pitch - 69 + vibrato) / 12)) / SR
        env = np.minimum(1, t / 0.03) * np.minimum(1, (dur - t) / 0.04)
        s = int(t0 * SR)
        out[s : s + len(t)] += sum(0.8**h * np.sin(h * phase) for h in range(1, 9)) * env
        notes.append((pitch, t0, t0 + dur))
        t0, i = t0 + dur, i + 1
    return out / np.abs(out).max(), notes


def sung_line(bpm: float, seconds: float) -> np.ndarray:
    """A cappella: LINE sung by voice_line at half scale; (n, 2) float32."""
    x = (0.5 * voice_line(bpm, seconds)[0]).astype(np.float32)
    return np.stack([x, x], axis=1)


def band(bpm: float, seconds: float) -> np.ndarray:
    """An instrumental: a kick on every beat and CHORDS one per bar (tones with harmonics); (n, 2) float32."""
    n, beat = int(seconds * SR), 60.0 / bpm
    out = np.zeros(n)
    tk = np.arange(int(0.2 * SR)) / SR
    kick = np.sin(2 * np.pi * np.cumsum(50 + 100 * np.exp(-tk * 30)) / SR) * np.exp(-tk * 15)
    for k in range(int(seconds / beat)):
        s = int(k * beat * SR)
        m = min(len(kick), n - s)
        out[s : s + m] += (1.0 if k % 4 == 0 else 0.6) * kick[:m]
    bar = 4 * beat
    for b in range(int(np.ceil(seconds / bar))):
        root, minor = CHORDS[b % len(CHORDS)]
        s, e = int(b * bar * SR), min(n, int((b + 1) * bar * SR))
        t = np.arange(e - s) / SR
        for p in (root - 12, root, root + (3 if minor else 4), root + 7):
            f = 440.0 * 2 ** ((p - 69) / 12)
            out[s:e] += 0.15 * sum(0.5 ** (h - 1) * np.sin(2 * np.pi * f * h * t) for h in (1, 2, 3))
    x = (0.5 * out / np.abs(out).max()).astype(np.float32)
    return np.stack([x, x], axis=1)


def wav_bytes(x: np.ndarray) -> bytes:
    buf = io.BytesIO()
    sf.write(buf, (np.clip(x, -1, 1) * 32767).round().astype(np.int16), SR, format="WAV", subtype="PCM_16")
    return buf.getvalue()


def make_media(folder: Path) -> dict[str, bytes]:
    """Real files made by ffmpeg: a 3 s MP3, a 6 s MP3 and a video without an audio stream."""

    def ffmpeg(name: str, *args: str) -> bytes:
        path = folder / name
        subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-y", *args, str(path)], check=True)
        return path.read_bytes()

    return {
        "/song.mp3": ffmpeg("song.mp3", "-f", "lavfi", "-i", "sine=frequency=440:duration=3", "-ac", "2"),
        "/long.mp3": ffmpeg("long.mp3", "-f", "lavfi", "-i", "sine=frequency=330:duration=6", "-ac", "2"),
        "/video.mp4": ffmpeg(
            "video.mp4", "-f", "lavfi", "-i", "testsrc=duration=1:size=64x64:rate=10", "-pix_fmt", "yuv420p"
        ),
    }


class FileServer(LoopbackServer):
    """Serves `files` (path -> (content type, bytes)) on 127.0.0.1; anything else is 404. A path in `flaky`
    answers 503 to its first request (a transient failure a fetcher should retry), then its file."""

    def __init__(self, files: dict[str, tuple[str, bytes]], flaky: Collection[str] = ()) -> None:
        self.files = files
        self.flaky = set(flaky)
        self.requests: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                server.requests.append(self.path)
                flaky_first = self.path in server.flaky and server.requests.count(self.path) == 1
                kind, body = server.files.get(self.path, ("text/plain", b"no"))
                if flaky_first:
                    kind, body = "text/plain", b"no"
                self.send_response(503 if flaky_first else 200 if self.path in server.files else 404)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        super().__init__(Handler)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"
