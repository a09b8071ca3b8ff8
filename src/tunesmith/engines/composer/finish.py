"""The end of a take: master the full mix and write every file, with the independent writes overlapped.

Once the last section is mixed, what remains is one master (loudness + limiter + true-peak check) and a set of
independent writes: the final MP3 (the slowest: LAME at ~120x real time), the WAV, the MIDI, the JSON files
and the cover (the stems were written while the take rendered, see stemfiles.py). LAME, libsndfile and numpy
release the GIL, so a few threads keep the 2nd core busy while the first encodes. The MP3 encode starts as
soon as the limiter has run, while the limited loudness and the true peak are checked on the other core (a
draft given up in the rare case they call for a second pass); the MIDI, words and cover do not depend on the
master and are written meanwhile, at a lower priority than the encoder.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from pathlib import Path
from typing import Any

import numpy as np

from tunesmith.engines.composer import artifacts, mastering
from tunesmith.engines.composer.arrange import Track
from tunesmith.engines.composer.encode import _pcm16, write_mp3, write_wav
from tunesmith.engines.composer.plan import SongPlan
from tunesmith.engines.composer.stemfiles import STEM_NAMES, StemFiles, behind


def finish_take(
    plan: SongPlan,
    workdir: Path,
    tracks: list[Track],
    stem_files: StemFiles,
    timings: dict[str, float],
    *,
    measured: float,
    mix: np.ndarray,
    on_mastered: Callable[[], None] | None = None,
) -> dict[str, str]:
    """Master `mix` (the summed stems, float32: mastered in place; `measured` its loudness) into
    audio.mp3/audio.wav and write the artifacts; returns the artifact map. `stem_files` holds the stems the
    render wrote (closed here, once written). `on_mastered` is called once the master is made and the
    full-song mix behind it is released (what is left is writing files)."""
    te = time.perf_counter()
    with (
        ThreadPoolExecutor(max_workers=2, thread_name_prefix="finish", initializer=behind) as ex,
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="true-peak") as side,
        ThreadPoolExecutor(max_workers=2, thread_name_prefix="mp3") as mp3,
    ):
        # what does not depend on the master is written while it is computed, on the other core
        jobs = [ex.submit(_write_artifacts, plan, workdir, tracks)]
        tm = time.perf_counter()
        mastered, gain, written = _master_and_write(stem_files.summed, mix, measured, workdir, ex, side, mp3)
        del mix
        timings["master"] = time.perf_counter() - tm
        if on_mastered is not None:
            on_mastered()
        jobs += written
        # the master gain lets an edit (replace section) level new material exactly like the source
        artifacts.write_json(workdir / "plan.json", {**plan.to_json(), "master_gain": float(gain)})
        for job in jobs:
            job.result()
        stem_files.close()
    arts = dict(stem_files.arts)
    arts.update(midi="song.mid", plan="plan.json", timings="words.json", stream="stream.mp3")
    timings["encode_and_artifacts"] = time.perf_counter() - te - timings["master"]
    return arts


def _master_and_write(
    stems: Callable[[], np.ndarray],
    mix: np.ndarray,
    measured: float,
    workdir: Path,
    ex: ThreadPoolExecutor,
    side: ThreadPoolExecutor,
    mp3: ThreadPoolExecutor,
) -> tuple[np.ndarray, float, list[Future[Any]]]:
    """(master, gain, the jobs writing it). The MP3 encode (LAME: the longest step of the tail) starts on
    `mp3` as soon as the limiter has run, while the limited loudness and true peak are checked here and on
    `side`; in the rare case they call for another pass, that draft is given up and the master made again
    from the summed stems (`stems()`). `mix` becomes the draft."""
    out, gain = mastering.draft(mix, measured, in_place=True)
    del mix
    stop = threading.Event()
    written = submit_master(ex, workdir, out, encoder=mp3, stop=stop)
    if mastering.holds(out, side):
        return out, gain, written
    stop.set()
    wait(written)  # a draft WAV still being written must not land after the master's
    del out, written
    mastered, gain = mastering.master(stems(), measured, side)
    return mastered, gain, submit_master(ex, workdir, mastered, encoder=mp3)


def _write_artifacts(plan: SongPlan, workdir: Path, tracks: list[Track]) -> None:
    artifacts.write_midi(workdir / "song.mid", plan, tracks)
    artifacts.write_json(workdir / "words.json", artifacts.word_timings(plan))
    artifacts.draw_cover(workdir / "cover.png", plan.title, plan)


def submit_audio(
    ex: ThreadPoolExecutor,
    workdir: Path,
    mastered: np.ndarray,
    stems: dict[str, np.ndarray],
    lead: np.ndarray | None,
    arts: dict[str, str],
) -> list[Future[Any]]:
    """Start the audio writes every clip has (master as MP3 + WAV, float32 stems, the dry lead) on `ex`,
    recording the stem files in `arts`; the caller waits on the returned futures."""
    return submit_master(ex, workdir, mastered) + submit_stems(ex, workdir, stems, lead, arts)


def submit_master(
    ex: ThreadPoolExecutor,
    workdir: Path,
    mastered: np.ndarray,
    *,
    encoder: ThreadPoolExecutor | None = None,
    stop: threading.Event | None = None,
) -> list[Future[Any]]:
    """Start writing the master as audio.mp3 and audio.wav (on `ex`). With `encoder` (a pool of two threads),
    the MP3 is encoded there, in two halves at once (encode.write_mp3); with `stop`, it is given up,
    unwritten, once that is set."""
    enc = encoder or ex
    pcm = enc.submit(_pcm16, mastered)  # converted once for both writers
    mp3 = enc.submit(lambda: write_mp3(workdir / "audio.mp3", pcm.result(), stop, encoder))
    jobs: list[Future[Any]] = [pcm, mp3]
    jobs.append(ex.submit(lambda: write_wav(workdir / "audio.wav", pcm.result())))
    return jobs


def submit_stems(
    ex: ThreadPoolExecutor,
    workdir: Path,
    stems: dict[str, np.ndarray],
    lead: np.ndarray | None,
    arts: dict[str, str],
) -> list[Future[Any]]:
    """Start writing the float32 stems and the dry lead on `ex`, recording the files in `arts`."""
    jobs: list[Future[Any]] = []
    for name in STEM_NAMES:
        if name in stems:
            jobs.append(ex.submit(write_wav, workdir / "stems" / f"{name}.wav", stems[name], float32=True))
            arts[f"stem.{name}"] = f"stems/{name}.wav"
    if lead is not None:
        jobs.append(ex.submit(write_wav, workdir / "stems" / "lead.wav", lead, float32=True))
        arts["stem.lead"] = "stems/lead.wav"
    return jobs
