"""The end of a take: master the full mix and write every file, with the independent writes overlapped.

Once the last section is mixed, what remains is one master (loudness + limiter + true-peak check) and a set of
independent writes: the final MP3 (the slowest: LAME at ~120x real time), the WAV, the stems, the MIDI, the
JSON files and the cover. LAME, libsndfile and numpy release the GIL, so a few threads keep the 2nd core busy
while the first writes the rest; this is what makes the tail of a render short once the singers are done.
The MP3 encode starts as soon as the limiter has run, while the limited loudness and the true peak are
checked on the other core (a draft given up in the rare case they call for a second pass); the stems, MIDI,
words and cover do not depend on the master and are written meanwhile, at a lower priority than the encoder.
"""

from __future__ import annotations

import contextlib
import os
import sys
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

STEM_NAMES = ("vocals", "drums", "bass", "other")


def finish_take(
    plan: SongPlan,
    workdir: Path,
    tracks: list[Track],
    stems: dict[str, np.ndarray],
    lead: np.ndarray | None,
    timings: dict[str, float],
    *,
    measured: float | None = None,
    mix: np.ndarray | None = None,
    on_mastered: Callable[[], None] | None = None,
) -> dict[str, str]:
    """Master `stems` (summed) into audio.mp3/audio.wav and write the stems and artifacts; returns the
    artifact map. `lead` is the dry lead vocal alone (mono), written as stems/lead.wav for pitch checks.
    `measured` is the summed stems' loudness where the render already measured it, `mix` the summed stems
    where it already summed them (float32; mastered in place); `on_mastered` is called once the master is made
    and the full-song mix behind it is released (what is left is writing files)."""
    te = time.perf_counter()
    arts: dict[str, str] = {}
    with (
        ThreadPoolExecutor(max_workers=3, thread_name_prefix="finish", initializer=_behind) as ex,
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="true-peak") as side,
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="mp3") as mp3,
    ):
        # what does not depend on the master is written while it is computed, on the other core
        jobs = submit_stems(ex, workdir, stems, lead, arts)
        jobs.append(ex.submit(_write_artifacts, plan, workdir, tracks))
        tm = time.perf_counter()
        mastered, gain, written = _master_and_write(stems, mix, measured, workdir, ex, side, mp3)
        del mix
        timings["master"] = time.perf_counter() - tm
        if on_mastered is not None:
            on_mastered()
        jobs += written
        # the master gain lets an edit (replace section) level new material exactly like the source
        artifacts.write_json(workdir / "plan.json", {**plan.to_json(), "master_gain": float(gain)})
        for job in jobs:
            job.result()
    arts.update(midi="song.mid", plan="plan.json", timings="words.json", stream="stream.mp3")
    timings["encode_and_artifacts"] = time.perf_counter() - te - timings["master"]
    return arts


def _summed(stems: dict[str, np.ndarray]) -> np.ndarray:
    mix = stems["drums"] + stems["bass"]
    mix += stems["other"]
    if "vocals" in stems:
        mix += stems["vocals"]
    return mix


def _master_and_write(
    stems: dict[str, np.ndarray],
    mix: np.ndarray | None,
    measured: float | None,
    workdir: Path,
    ex: ThreadPoolExecutor,
    side: ThreadPoolExecutor,
    mp3: ThreadPoolExecutor,
) -> tuple[np.ndarray, float, list[Future[Any]]]:
    """(master, gain, the jobs writing it). The MP3 encode (LAME: the longest step of the tail) starts on
    `mp3` as soon as the limiter has run, while the limited loudness and true peak are checked here and on
    `side`; in the rare case they call for another pass, that draft is given up and the master made again
    from the stems. `mix` (the summed stems, or None) becomes the draft."""
    out, gain = mastering.draft(_summed(stems) if mix is None else mix, measured, in_place=True)
    del mix
    stop = threading.Event()
    written = submit_master(ex, workdir, out, encoder=mp3, stop=stop)
    if mastering.holds(out, side):
        return out, gain, written
    stop.set()
    wait(written)  # a draft WAV still being written must not land after the master's
    del out, written
    mastered, gain = mastering.master(_summed(stems), measured, side)
    return mastered, gain, submit_master(ex, workdir, mastered, encoder=mp3)


def _behind() -> None:
    """Run this worker thread at a lower priority (Linux: nice is per thread): the stems, MIDI and cover it
    writes are needed only when the take completes, after the MP3, whose encoder must not wait for them."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 5)


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
    """Start writing the master as audio.mp3 (on `encoder` where given, else `ex`) and audio.wav (on `ex`);
    with `stop`, the MP3 is given up, unwritten, once it is set."""
    enc = encoder or ex
    pcm = enc.submit(_pcm16, mastered)  # converted once for both writers
    jobs: list[Future[Any]] = [pcm, enc.submit(lambda: write_mp3(workdir / "audio.mp3", pcm.result(), stop))]
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
