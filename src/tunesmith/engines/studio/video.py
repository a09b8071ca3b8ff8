"""A music video of a clip (kie `/api/v1/mp4/generate`), made with ffmpeg in one pass.

The frame is the clip's cover art (a dark background when it has none), slightly darkened, with the song's
waveform moving across it (`showwaves`) and the sung words as karaoke captions at the times they are sung
(from `words.json`, through an ASS script rendered by libass with a CJK-capable font). The title sits at the
top; the author and domain, when given, at the bottom. 720×720 at 24 fps, H.264 (veryfast) + AAC 160 kb/s,
`+faststart` so it plays while downloading; the video lasts exactly as long as the song.

Options: `extra["author"]`, `extra["domain_name"]` (each cut to 50 characters, shown as given but escaped).

Result: files `{"video": "video.mp4"}`; data `{"duration": seconds, "width": 720, "height": 720}`.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tunesmith.engines.base import EngineError, EngineJob, ProgressSink
from tunesmith.engines.studio import captions
from tunesmith.engines.studio.source import artifact, duration_of, require

SIZE, FPS = 720, 24
MAX_TEXT = 50


def make(job: EngineJob, sink: ProgressSink) -> None:
    source, workdir = require(job)
    audio = source.audio if source.audio is not None and source.audio.is_file() else source.wav
    if audio is None or not audio.is_file():
        raise EngineError("the source audio is gone")
    duration = duration_of(source)
    timings = artifact(source, "timings")
    words = json.loads(timings.read_text(encoding="utf-8")) if timings is not None else []
    author = str(job.request.extra.get("author") or "")[:MAX_TEXT]
    domain = str(job.request.extra.get("domain_name") or "")[:MAX_TEXT]
    credit = " · ".join(part for part in (author, domain) if part.strip())
    (workdir / "captions.ass").write_text(
        captions.script(
            words, size=SIZE, title=source.title or job.request.title, credit=credit, duration=duration
        ),
        encoding="utf-8",
    )
    image = source.image if source.image is not None and source.image.is_file() else None
    render(workdir, image, audio, duration)
    (workdir / "captions.ass").unlink(missing_ok=True)
    sink.result({"video": "video.mp4"}, {"duration": round(duration, 3), "width": SIZE, "height": SIZE})


def render(workdir: Path, image: Path | None, audio: Path, duration: float) -> None:
    """ffmpeg, run inside `workdir` so the subtitle filter sees a plain relative file name (no escaping of
    user-controlled paths inside the filter graph)."""
    background = (
        ["-loop", "1", "-framerate", str(FPS), "-i", str(image)]
        if image is not None
        else ["-f", "lavfi", "-i", f"color=c=0x1a1c2c:s={SIZE}x{SIZE}:r={FPS}"]
    )
    graph = (
        f"[0:v]scale={SIZE}:{SIZE}:force_original_aspect_ratio=increase,crop={SIZE}:{SIZE},setsar=1,"
        f"eq=brightness=-0.12[bg];"
        f"[1:a]aformat=channel_layouts=mono,showwaves=s={SIZE}x{SIZE * 2 // 9}:mode=cline:rate={FPS}:"
        f"colors=0xffffff@0.8:scale=sqrt[wave];"
        f"[bg][wave]overlay=0:{SIZE * 5 // 9}:format=auto,ass=captions.ass,format=yuv420p[v]"
    )
    cmd = [
        "ffmpeg",
        "-nostdin",
        "-loglevel",
        "error",
        "-y",
        *background,
        "-i",
        str(audio),
        "-filter_complex",
        graph,
        "-map",
        "[v]",
        "-map",
        "1:a",
        "-t",
        f"{duration:.3f}",
        "-r",
        str(FPS),
        "-c:v",
        "libx264",
        "-preset",
        "veryfast",
        "-crf",
        "26",
        "-pix_fmt",
        "yuv420p",
        "-c:a",
        "aac",
        "-b:a",
        "160k",
        "-movflags",
        "+faststart",
        "video.mp4",
    ]
    done = subprocess.run(cmd, cwd=workdir, capture_output=True, timeout=900)
    if done.returncode != 0 or not (workdir / "video.mp4").is_file():
        raise EngineError(f"could not make the video: {done.stderr.decode(errors='replace')[-400:]}")
