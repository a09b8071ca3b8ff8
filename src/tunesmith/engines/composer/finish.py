"""The end of a take: master the full mix and write every file, with the independent writes overlapped.

Once the last section is mixed, what remains is one master (loudness + limiter + true-peak check) and a set of
independent writes: the final MP3 (the slowest: LAME at ~120x real time), the WAV, the stems, the MIDI, the
JSON files and the cover. LAME, libsndfile and numpy release the GIL, so a few threads keep the 2nd core busy
while the first writes the rest; this is what makes the tail of a render short once the singers are done.
The stems, MIDI, words and cover do not depend on the master: they are written while it is computed, and the
master measures its true peak on another thread while it measures the limited loudness.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
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
    on_mastered: Callable[[], None] | None = None,
) -> dict[str, str]:
    """Master `stems` (summed) into audio.mp3/audio.wav and write the stems and artifacts; returns the
    artifact map. `lead` is the dry lead vocal alone (mono), written as stems/lead.wav for pitch checks.
    `measured` is the summed stems' loudness where the render already measured it; `on_mastered` is called
    once the master is made and the full-song mix behind it is released (what is left is writing files)."""
    te = time.perf_counter()
    arts: dict[str, str] = {}
    with (
        ThreadPoolExecutor(max_workers=3, thread_name_prefix="finish") as ex,
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="true-peak") as side,
    ):
        # what does not depend on the master is written while it is computed, on the other core
        jobs = submit_stems(ex, workdir, stems, lead, arts)
        jobs.append(ex.submit(_write_artifacts, plan, workdir, tracks))
        tm = time.perf_counter()
        mix = stems["drums"] + stems["bass"]
        mix += stems["other"]
        if "vocals" in stems:
            mix += stems["vocals"]
        mastered, gain = mastering.master(mix, measured, side)
        del mix
        timings["master"] = time.perf_counter() - tm
        if on_mastered is not None:
            on_mastered()
        jobs += submit_master(ex, workdir, mastered)
        # the master gain lets an edit (replace section) level new material exactly like the source
        artifacts.write_json(workdir / "plan.json", {**plan.to_json(), "master_gain": float(gain)})
        for job in jobs:
            job.result()
    arts.update(midi="song.mid", plan="plan.json", timings="words.json", stream="stream.mp3")
    timings["encode_and_artifacts"] = time.perf_counter() - te - timings["master"]
    return arts


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


def submit_master(ex: ThreadPoolExecutor, workdir: Path, mastered: np.ndarray) -> list[Future[Any]]:
    """Start writing the master as audio.mp3 and audio.wav on `ex`."""
    pcm = ex.submit(_pcm16, mastered)  # converted once for both writers
    jobs: list[Future[Any]] = [pcm, ex.submit(lambda: write_mp3(workdir / "audio.mp3", pcm.result()))]
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
