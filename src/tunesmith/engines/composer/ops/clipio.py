"""Writing an edited clip: the same files a generated take has (MP3, WAV, stems, MIDI, plan, words, cover),
with the independent writes overlapped in threads as in finish.py."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np

from tunesmith.engines.base import ClipResult
from tunesmith.engines.composer import artifacts
from tunesmith.engines.composer.finish import submit_audio
from tunesmith.engines.composer.style import Style

SR = 44100


def write_clip(
    workdir: Path,
    *,
    mix: np.ndarray,
    stems: dict[str, np.ndarray],
    lead: np.ndarray | None,
    plan: dict[str, Any],
    words: list[dict[str, Any]],
    midi: Callable[[Path], None],
    style: Style,
    title: str,
    tags: str,
    lyrics: str,
) -> ClipResult:
    """Write every file of a clip into `workdir`; `mix` is the final (mastered) audio, `stems` pre-master."""
    workdir.mkdir(parents=True, exist_ok=True)
    arts: dict[str, str] = {}
    n = len(mix)
    plan = {**plan, "title": title, "duration_s": round(n / SR, 3)}
    with ThreadPoolExecutor(max_workers=3, thread_name_prefix="edit") as ex:
        jobs = submit_audio(ex, workdir, mix, stems, lead, arts)
        midi(workdir / "song.mid")
        artifacts.write_json(workdir / "plan.json", plan)
        artifacts.write_json(workdir / "words.json", words)
        cover = SimpleNamespace(style=style, seed=plan.get("seed", 0), take=plan.get("take", 0))
        artifacts.draw_cover(workdir / "cover.png", title, cover)  # type: ignore[arg-type]
        for job in jobs:
            job.result()
    arts.update(midi="song.mid", plan="plan.json", timings="words.json")
    return ClipResult(
        audio="audio.mp3",
        duration=round(n / SR, 3),
        wav="audio.wav",
        image="cover.png",
        title=title,
        tags=tags,
        lyrics=lyrics,
        artifacts=arts,
        rebuildable=True,  # an edit is a pure function of its request, seed and source clips
    )


def lyrics_of(sections: list[dict[str, Any]]) -> str:
    """Lyrics text ([Label] + lines) of plan sections, for a clip whose words come from several sources."""
    out = []
    for s in sections:
        if s.get("lines"):
            out.append(f"[{s['label']}]\n" + "\n".join(s["lines"]))
    return "\n\n".join(out)
