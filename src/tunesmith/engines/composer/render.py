"""One take, rendered section by section: backing + vocals -> stems -> a growing MP3 -> the final master.

The backing (FluidSynth, which releases the GIL) is rendered ahead in a thread, section by section, while
this thread waits for the singers, mixes the vocals and encodes the stream: on 2 cores the backing then fills
the time otherwise spent waiting for vocal lines. The stream's first piece is the song's first
FIRST_PIECE_S seconds alone (where no line is sung yet), so a client can start playing well before the first
section is rendered. The stream is mastered on the fly with a gain planned from that first piece (and a soft
safety clip); the final audio.mp3/audio.wav are re-mastered from the full mix to exactly -14 LUFS and
<= -1 dBTP (see finish.py). The stream holds the same samples before those gains: it is the final song's
audio from its first sample to its last.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import Executor, Future
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from tunesmith.engines.composer import mastering
from tunesmith.engines.composer.arrange import STEMS, Track, arrange
from tunesmith.engines.composer.encode import StreamWriter
from tunesmith.engines.composer.finish import finish_take
from tunesmith.engines.composer.plan import SongPlan
from tunesmith.engines.composer.stemfiles import StemFiles, sum_stems
from tunesmith.engines.composer.synth import BackingRenderer

SR = 44100
VOCAL_GAIN = 0.55
STREAM_LAG = 0.5  # seconds kept back from each stream chunk so next-section pickups are already placed
FIRST_PIECE_S = 2.0  # the stream's first piece: what a player needs to start, rendered ahead of the rest
# the stream's level: its first piece at this loudness. The intro of a mastered song lies 2-9 LU under the
# song's -14 LUFS (ten styles measured; 4.3 LU on average), so the stream starts near the final song's level
STREAM_LUFS = mastering.TARGET_LUFS - 4.0


@dataclass
class TakeOutput:
    audio: str
    wav: str
    duration: float
    image: str
    artifacts: dict[str, str]
    timings: dict[str, float] = field(default_factory=dict)
    first_audio_s: float | None = None


def _place(buf: np.ndarray, start: float, mono: np.ndarray, pan: float, gain: float) -> None:
    a = int(round(start * SR))
    if a < 0:
        mono, a = mono[-a:], 0
    n = min(len(mono), len(buf) - a)
    if n <= 0:
        return
    left, right = np.cos((pan + 1) * np.pi / 4), np.sin((pan + 1) * np.pi / 4)
    buf[a : a + n, 0] += mono[:n] * np.float32(gain * left * np.sqrt(2))
    buf[a : a + n, 1] += mono[:n] * np.float32(gain * right * np.sqrt(2))


def _put(stems: dict[str, np.ndarray], part: np.ndarray, a: int, total: int) -> int:
    """Place a rendered stretch of the backing ((6, n): L/R of each stem in `STEMS` order) at sample `a`, in
    one copy from the synth's planar layout; returns the sample after it."""
    n = min(part.shape[1], total - a)
    for k, name in enumerate(STEMS):
        stems[name][a : a + n] = part[2 * k : 2 * k + 2, :n].T
    return a + n


def _vocal_chain(lead: np.ndarray, harm: np.ndarray | None) -> tuple[np.ndarray, np.ndarray | None]:
    """High-pass at 110 Hz and level each line to a steady RMS, so quiet espeak syllables stay audible."""
    from scipy.signal import butter, sosfilt

    sos = butter(2, 110, "highpass", fs=SR, output="sos")
    lead = sosfilt(sos, lead).astype(np.float32)
    rms = float(np.sqrt(np.mean(lead[np.abs(lead) > 1e-4] ** 2))) if np.any(np.abs(lead) > 1e-4) else 1.0
    g = 0.12 / max(rms, 1e-6)
    if harm is not None:
        harm = (sosfilt(sos, harm) * g).astype(np.float32)
    return lead * np.float32(g), harm


class _BackingAhead:
    """Renders the backing section by section in a thread; `next()` hands sections over in order."""

    def __init__(self, plan: SongPlan, tracks: list[Track], first: float | None = None) -> None:
        """`first`: seconds of the first section handed over on their own, before the rest of it."""
        self.renderer = BackingRenderer(tracks)
        self.ends = [plan.section_span(i)[1] for i in range(len(plan.sections))]
        if first is not None:
            self.ends.insert(0, first)
        self.out: queue.Queue = queue.Queue()
        self.busy = 0.0
        self.thread = threading.Thread(target=self._work, name="backing", daemon=True)
        self.thread.start()

    def _work(self) -> None:
        try:
            for end in self.ends:
                t = time.perf_counter()
                part = self.renderer.render_block(end)
                self.busy += time.perf_counter() - t
                self.out.put(part)
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer, raised there
            self.out.put(exc)

    def next(self) -> np.ndarray:
        """The next section's backing: (6, n), L/R of each stem in `STEMS` order."""
        item = self.out.get()
        if isinstance(item, BaseException):
            raise item
        return item

    def close(self) -> None:
        self.thread.join()
        self.renderer.close()


def _wet_line(
    lead: np.ndarray, harm: np.ndarray | None, ir: np.ndarray, gain: float
) -> tuple[np.ndarray, np.ndarray]:
    """A sung line through the vocal chain, panned and with its reverb: (stereo from the line's origin, with
    the reverb's tail; the levelled lead alone)."""
    from scipy.signal import oaconvolve

    lead, harm = _vocal_chain(lead, harm)
    if gain != 1.0:  # a backing line sits under the lead
        lead = lead * np.float32(gain)
        harm = None if harm is None else harm * np.float32(gain)
    dry = np.zeros((len(lead) + len(ir), 2), np.float32)
    _place(dry, 0.0, lead, 0.0, VOCAL_GAIN)
    if harm is not None:
        _place(dry, 0.0, harm, -0.35, VOCAL_GAIN * 0.45)
        _place(dry, 0.0, harm, 0.35, VOCAL_GAIN * 0.25)
    wet = oaconvolve(dry[: len(lead)], ir, axes=0)[: len(dry)] * np.float32(0.18)
    dry[: len(wet)] += wet.astype(np.float32)
    return dry, lead


def _mix_line(
    voc: np.ndarray,
    lead_buf: np.ndarray | None,
    sung: tuple,
    ir: np.ndarray,
    gain: float = 1.0,
    made: dict[tuple[int, float], tuple[np.ndarray, np.ndarray, np.ndarray]] | None = None,
) -> None:
    """Add one sung line (lead + harmony, with reverb) to the vocal stem, and the dry lead to `lead_buf` (None
    for a second voice's line: the lead stem holds the song's own voice alone). With `made`, a line sung once
    and placed again (a repeated chorus line: the same arrays) is filtered and reverberated once."""
    origin, lead, harm = sung
    hit = None if made is None else made.get((id(lead), gain))
    if hit is not None and hit[0] is lead:
        dry, lead = hit[1], hit[2]
    else:
        dry, levelled = _wet_line(lead, harm, ir, gain)
        if made is not None:
            made[(id(lead), gain)] = (lead, dry, levelled)
        lead = levelled
    s0 = int(round(origin * SR))
    lo = max(0, s0)
    n = min(len(dry) - (lo - s0), len(voc) - lo)
    voc[lo : lo + n] += dry[lo - s0 : lo - s0 + n]
    if lead_buf is None:
        return
    k = min(len(lead) - (lo - s0), len(lead_buf) - lo)
    if k > 0:
        lead_buf[lo : lo + k] += lead[lo - s0 : lo - s0 + k] * np.float32(VOCAL_GAIN)


def _first_piece(plan: SongPlan, vocals: dict[int, Future], total: int) -> int | None:
    """The sample the stream's first piece ends at: FIRST_PIECE_S, where that is inside the first section,
    before the first sung line starts (with its onset consonants) and before a [Fade Out]; None where the
    song is sung from its start (the first piece then waits for the first section's lines)."""
    first = min(
        [plan.section_span(0)[1], FIRST_PIECE_S, total / SR - plan.fade_s]
        + [plan.seconds(line.notes[0].start) - 0.25 for li, line in enumerate(plan.lines) if li in vocals]
    )
    return int(round(first * SR)) if first >= FIRST_PIECE_S else None


class _LiveStream:
    """The growing stream.mp3: the mix up to a sample at a time, at one gain planned from its first piece;
    `on_first` is called once the first audio is in the file."""

    def __init__(
        self,
        path: Path,
        voc: np.ndarray,
        stems: dict[str, np.ndarray],
        on_first: Callable[[str], None] | None,
        t0: float,
    ) -> None:
        self.writer = StreamWriter(path)
        self.voc, self.stems, self.on_first = voc, stems, on_first
        self.gain: float | None = None
        self.at = 0  # samples written
        self.t0 = t0
        self.first_audio: float | None = None  # seconds from t0 to the first audio

    def write_until(self, stop: int) -> None:
        a = self.at
        if stop <= a:
            return
        chunk = self.voc[a:stop] + self.stems["drums"][a:stop]
        chunk += self.stems["bass"][a:stop]
        chunk += self.stems["other"][a:stop]
        if self.gain is None:
            self.gain = min(10 ** ((STREAM_LUFS - mastering.loudness(chunk)) / 20), 8.0)
        chunk *= np.float32(self.gain)
        self.writer.write(np.tanh(chunk / np.float32(0.89)) * np.float32(0.89))  # stream-only safety
        self.at = stop
        if self.first_audio is None:
            self.first_audio = time.perf_counter() - self.t0
            if self.on_first:
                self.on_first("stream.mp3")

    def close(self) -> None:
        self.writer.close()


def _final_until(plan: SongPlan, vocals: dict[int, Future], total: int) -> list[int]:
    """Per section: the sample up to which the mix is final once that section is mixed: its backing is
    placed, and no later line starts before (a line starts at most 0.14 s of onset consonants before its first
    note; 0.25 s is kept). A [Fade Out] changes the last seconds at the very end, so they wait for it."""
    last = total - (min(total, int(plan.fade_s * SR)) if plan.fade_s > 0 else 0)
    starts = [
        plan.seconds(line.notes[0].start) - 0.25 if li in vocals and line.notes else np.inf
        for li, line in enumerate(plan.lines)
    ]
    out: list[int] = []
    later = np.inf
    for i in reversed(range(len(plan.sections))):
        end = int(round(plan.section_span(i)[1] * SR))
        out.append(int(max(0, min(end, later * SR, last))))
        later = min([later] + [starts[li] for li in plan.sections[i].lines])
    return out[::-1]


def _measure(
    meter: mastering.LoudnessMeter,
    stems: dict[str, np.ndarray],
    voc: np.ndarray,
    vocals: bool,
    until: int,
    mixed: np.ndarray,
) -> None:
    """Sum the final mix into `mixed` from where the meter stopped up to `until` (sum_stems: as a master made
    again from the stem files sums it) and feed it to the meter: the master then starts from the summed song
    and its loudness."""
    a = meter.samples
    if until <= a:
        return
    drums, bass, other = (stems[name][a:until] for name in ("drums", "bass", "other"))
    meter.feed(sum_stems(drums, bass, other, voc[a:until] if vocals else None, out=mixed[a:until]))


def render_take(
    plan: SongPlan,
    workdir: Path,
    vocals: dict[int, Future],
    *,
    on_stream: Callable[[str], None] | None = None,
    on_progress: Callable[[float], None] | None = None,
) -> TakeOutput:
    """Render one take completely: the sections (streamed as they are mixed), then the master and files."""
    return start_take(plan, workdir, vocals, on_stream=on_stream, on_progress=on_progress).result()


def start_take(
    plan: SongPlan,
    workdir: Path,
    vocals: dict[int, Future],
    *,
    on_stream: Callable[[str], None] | None = None,
    on_progress: Callable[[float], None] | None = None,
    finish_on: Executor | None = None,
    mastered: threading.Event | None = None,
) -> Future[TakeOutput]:
    """Render the sections of one take here (streamed as they are mixed); the master and the files are made on
    `finish_on` (inline without one), and `mastered` is set once the master is made. A task's next take then
    starts while this one's files are written (wait for `mastered`: the master's full-song buffers and a new
    take's would raise the peak memory): its backing and mixing fill the cores one MP3 encoder leaves idle."""
    t0 = time.perf_counter()
    timings: dict[str, float] = {}
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "stems").mkdir(exist_ok=True)
    tracks = arrange(plan)
    total = int(np.ceil(plan.duration * SR))
    stems = {name: np.zeros((total, 2), np.float32) for name in ("drums", "bass", "other")}
    has_vocals = bool(vocals)
    voc = np.zeros((total + SR * 2, 2), np.float32)
    lead_buf = np.zeros(total, np.float32)
    ir = mastering.reverb_ir()
    made: dict = {}  # sung lines through the vocal chain and reverb, for their repeats (see _mix_line)
    faded = min(total, int(plan.fade_s * SR)) if plan.fade_s > 0 else 0
    first_piece = _first_piece(plan, vocals, total)
    backing = _BackingAhead(plan, tracks, None if first_piece is None else first_piece / SR)
    meter = mastering.LoudnessMeter()
    mixed = np.zeros((total, 2), np.float32)  # the final mix, summed as each part of it becomes final
    final_until = _final_until(plan, vocals, total)
    stem_files = StemFiles(workdir, has_vocals)
    song = {**stems, "vocals": voc, "lead": lead_buf}  # the buffers the stem files are written from
    stream = _LiveStream(workdir / "stream.mp3", voc, stems, on_stream, t0)
    t_wait = t_voc = t_mix = 0.0
    try:
        placed = 0  # backing samples placed in the stems
        if first_piece is not None:  # the first seconds, streamed before the rest of the first section
            tb = time.perf_counter()
            placed = _put(stems, backing.next(), 0, total)
            t_wait += time.perf_counter() - tb
            tm = time.perf_counter()
            stream.write_until(first_piece)
            _measure(meter, stems, voc, has_vocals, first_piece, mixed)
            t_mix += time.perf_counter() - tm
        for i, _sec in enumerate(plan.sections):
            start, end = plan.section_span(i)
            tb = time.perf_counter()
            part = backing.next()
            t_wait += time.perf_counter() - tb
            a = int(round(start * SR)) if i else placed
            _put(stems, part, a, total)
            tv = time.perf_counter()
            for li in plan.sections[i].lines:
                fut = vocals.get(li)
                if fut is not None:
                    line = plan.lines[li]
                    own = line.singer in (None, plan.style.voice) and not line.backing
                    gain = 0.6 if line.backing else 1.0
                    _mix_line(voc, lead_buf if own else None, fut.result(), ir, gain, made)
            t_voc += time.perf_counter() - tv
            tm = time.perf_counter()
            last = i == len(plan.sections) - 1
            stream.write_until(total - faded if last else int(round((end - STREAM_LAG) * SR)))
            _measure(meter, stems, voc, has_vocals, final_until[i], mixed)
            stem_files.write_until(final_until[i], song)
            t_mix += time.perf_counter() - tm
            if on_progress:
                on_progress((i + 1) / (len(plan.sections) + 1))
        if has_vocals:
            stems["vocals"] = voc[:total]
        if faded:  # [Fade Out]: every stem fades together, so the stems still sum to the song
            env = np.cos(np.linspace(0.0, np.pi / 2, faded, dtype=np.float32)) ** 2
            for data in stems.values():
                data[total - faded : total] *= env[:, None]
        stream.write_until(total)  # the fade, streamed as the song ends
    except BaseException:
        stem_files.close()
        raise
    finally:
        backing.close()
        stream.close()
    timings.update(backing=backing.busy, backing_wait=t_wait, vocals_wait_and_mix=t_voc, stream=t_mix)
    _measure(meter, stems, voc, has_vocals, total, mixed)
    stem_files.write_until(total, song)
    measured = meter.value()
    first_audio = stream.first_audio
    # the stem files hold what they still have to write; the master needs only the summed mix
    del stems, song, voc, lead_buf, backing, meter, made, stream

    def finish() -> TakeOutput:
        arts = finish_take(
            plan,
            workdir,
            tracks,
            stem_files,
            timings,
            measured=measured,
            mix=mixed,
            on_mastered=None if mastered is None else mastered.set,
        )
        timings["total"] = time.perf_counter() - t0
        return TakeOutput(
            audio="audio.mp3",
            wav="audio.wav",
            duration=total / SR,
            image="cover.png",
            artifacts=arts,
            timings=timings,
            first_audio_s=first_audio,
        )

    if finish_on is None:
        done: Future[TakeOutput] = Future()
        done.set_result(finish())
        return done
    return finish_on.submit(finish)
