"""The process pool that sings: WORLD work per vocal line spread over the CPU cores.

Created once per process (forkserver, or spawn where forkserver is missing) and warmed so the first task does
not pay for worker start-up; shut down at exit.
"""

from __future__ import annotations

import atexit
import functools
import hashlib
import multiprocessing as mp
import os
import threading
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor

import numpy as np

from tunesmith.engines.composer.plan import SongPlan
from tunesmith.engines.composer.singer import LineJob, SungNote, sing

_pool: ProcessPoolExecutor | None = None
_speaker: ProcessPoolExecutor | None = None
_lock = threading.Lock()


def _warm() -> int:
    import pyworld  # noqa: F401
    import scipy.signal  # noqa: F401

    return os.getpid()


_PRELOAD = [
    "numpy",
    "scipy.signal",
    "pyworld",
    "tunesmith.engines.composer.singer",
    "tunesmith.engines.composer.compose",
]


def _context() -> mp.context.BaseContext:
    """forkserver with the singer's and speaker's imports preloaded (a fresh speaker process per request then
    starts in ~20 ms instead of re-importing numpy and scipy); spawn where forkserver is missing."""
    if "forkserver" in mp.get_all_start_methods():
        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload(_PRELOAD)
        return ctx
    return mp.get_context("spawn")


def workers() -> int:
    return max(1, min(4, os.cpu_count() or 1))


def get_pool() -> ProcessPoolExecutor:
    global _pool
    with _lock:
        if _pool is None:
            _pool = ProcessPoolExecutor(max_workers=workers(), mp_context=_context())
            for f in [_pool.submit(_warm) for _ in range(workers())]:
                f.result()
            atexit.register(shutdown)
        return _pool


def shutdown() -> None:
    global _pool, _speaker
    with _lock:
        for ex in (_pool, _speaker):
            if ex is not None:
                ex.shutdown(wait=True, cancel_futures=True)
        _pool = _speaker = None


SPEAKERS = 2  # fresh speaker processes per request: the lines are split between them, spoken at once


def start_speaking(texts: list[str], language: str, voice: str) -> Callable[[], dict]:
    """Start speaking lines in fresh processes (see `speak_fresh`); the returned call waits for them and gives
    text -> SpokenLine. The lines are split into `SPEAKERS` runs of consecutive lines of about equal length,
    a fixed split, so the same request still gives the same audio: speaking is the one step before any
    rendering can start, and on 2 cores two speakers halve it."""
    global _speaker
    from tunesmith.engines.composer.compose import speak_all
    from tunesmith.engines.composer.syllables import english_counts

    with _lock:
        if _speaker is None:
            _speaker = ProcessPoolExecutor(max_workers=SPEAKERS, mp_context=_context(), max_tasks_per_child=1)
        ex = _speaker
    weight = [len(t) + 1 for t in texts]
    total = sum(weight)
    cuts = [0]
    acc = 0
    for i, w in enumerate(weight):
        acc += w
        if len(cuts) < SPEAKERS and acc * SPEAKERS >= total * len(cuts) and i + 1 < len(texts):
            cuts.append(i + 1)
    cuts.append(len(texts))
    runs = [(a, b) for a, b in zip(cuts, cuts[1:], strict=False) if b > a]
    futures = [ex.submit(speak_all, texts[a:b], language, voice, english_counts(texts[a:b])) for a, b in runs]

    def collect() -> dict:
        out: dict = {}
        for f in futures:
            out.update(f.result())
        return out

    return collect


def speak_fresh(texts: list[str], language: str, voice: str) -> dict:
    """Speak lines in processes used for this one call: espeak-ng's state (pitch jitter) carries over between
    utterances, so a fresh library per request is what makes the same seed give the same audio."""
    return start_speaking(texts, language, voice)()


def line_job(plan: SongPlan, index: int) -> tuple[LineJob, float] | None:
    """The singer's job for one line and the song time its notes are counted from. The notes are given
    relative to the line's first note, so a line sung again with the same words and tune (a repeated chorus)
    is the same job, sung once."""
    line = plan.lines[index]
    if not line.sung or not line.notes or line.spoken is None:
        return None
    syl = line.spoken.syllables
    first = line.notes[0].start
    return (
        LineJob(
            audio=line.spoken.audio,
            syllables=tuple(
                (syl[n.syllable].start, syl[n.syllable].v0, syl[n.syllable].v1, syl[n.syllable].end)
                for n in line.notes
            ),
            notes=tuple(
                SungNote(n.pitch, plan.seconds(n.start - first), plan.seconds(n.dur)) for n in line.notes
            ),
            harmony=tuple(line.harmony) if line.harmony else None,
        ),
        plan.seconds(first),
    )


Sung = tuple[float, np.ndarray, np.ndarray | None]


def _job_key(job: LineJob) -> tuple[object, ...]:
    audio = job.audio
    return (
        hashlib.blake2b(audio.tobytes(), digest_size=16).digest(),
        len(audio),
        job.syllables,
        job.notes,
        job.harmony,
    )


def _at(base: Future[Sung], offset: float) -> Future[Sung]:
    """`base`'s sung line moved to start `offset` seconds later (the arrays are shared, never written)."""
    out: Future[Sung] = Future()

    def done(f: Future[Sung]) -> None:
        exc = f.exception()
        if exc is not None:
            out.set_exception(exc)
        else:
            origin, lead, harm = f.result()
            out.set_result((origin + offset, lead, harm))

    base.add_done_callback(done)
    return out


Held = list[tuple[LineJob, Future[Sung]]]  # jobs not yet sent to the pool, with the futures they complete


def submit_vocals(
    plan: SongPlan,
    pool: ProcessPoolExecutor | None,
    sung: dict[tuple[object, ...], Future[Sung]] | None = None,
    *,
    held: Held | None = None,
    hold_from: int = 0,
) -> dict[int, Future[Sung]]:
    """Start singing every line of a take, in song order. A line that repeats an earlier one (same speech,
    same notes relative to its start, same harmony; in this take or, through a shared `sung`, another) is
    sung once and placed at each of its times. Without a pool the lines are sung inline. With `held`, the
    lines of sections `hold_from` on are only queued there, for `release` to send to the pool."""
    seen: dict[tuple[object, ...], Future[Sung]] = {} if sung is None else sung
    out: dict[int, Future[Sung]] = {}
    for i, line in enumerate(plan.lines):
        made = line_job(plan, i)
        if made is None:
            continue
        job, offset = made
        key = _job_key(job)
        base = seen.get(key)
        if base is None:
            if pool is None:
                base = Future()
                base.set_result(sing(job))
            elif held is not None and line.section >= hold_from:
                base = Future()
                held.append((job, base))
            else:
                base = pool.submit(sing, job)
            seen[key] = base
        out[i] = _at(base, offset)
    return out


def release(held: Held, pool: ProcessPoolExecutor) -> None:
    """Send the held jobs to the pool, in order (a second call sends nothing)."""
    jobs, held[:] = list(held), []
    for job, target in jobs:
        pool.submit(sing, job).add_done_callback(functools.partial(_settle, target))


def _settle(target: Future[Sung], done: Future[Sung]) -> None:
    exc = done.exception()
    if exc is not None:
        target.set_exception(exc)
    else:
        target.set_result(done.result())
