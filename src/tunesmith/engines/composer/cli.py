"""`tunesmith render`: one clip from style + lyrics, without the service, with a progress bar."""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

import typer

from tunesmith.domain.errors import ServiceError
from tunesmith.startup.errors import OperatorError


def _read_lyrics(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise OperatorError(f"lyrics file {path} not found (--lyrics)") from None
    except IsADirectoryError:
        raise OperatorError(f"--lyrics {path} is a folder: give the lyrics file") from None
    except UnicodeDecodeError:
        raise OperatorError(f"lyrics file {path} is not UTF-8 text") from None
    except OSError as exc:
        raise OperatorError(f"lyrics file {path} cannot be read: {exc.strerror}") from None


def render(
    style: str = typer.Option("", "--style", help="style tags, e.g. 'pop, bright, female vocals'"),
    lyrics: Path | None = typer.Option(None, "--lyrics", help="lyrics file with [Verse]/[Chorus] tags"),
    title: str | None = typer.Option(
        None,
        "--title",
        show_default="Untitled; with --description, the songwriter's",
        help="the song's title",
    ),
    out: Path = typer.Option(Path("out"), "--out", help="output directory"),
    seed: int = typer.Option(0, "--seed"),
    instrumental: bool = typer.Option(False, "--instrumental"),
    duration: float | None = typer.Option(None, "--duration", help="seconds, for instrumentals"),
    description: str | None = typer.Option(None, "--description", help="write the song from this idea"),
) -> None:
    """Render one clip into OUT: master MP3/WAV, stems, MIDI, word timings, plan and cover art."""
    from rich.progress import Progress

    from tunesmith.domain.operations import SongRequest
    from tunesmith.engines.base import ClipResult, ClipSlot, EngineJob, ProgressSink, SongText
    from tunesmith.engines.composer import pool
    from tunesmith.engines.composer.engine import ComposerEngine

    text = _read_lyrics(lyrics) if lyrics else ""
    request = SongRequest(
        custom_mode=description is None,
        instrumental=instrumental or (not text and not description),
        description=description or "",
        lyrics=text,
        style=style,
        # In description mode an empty title lets the songwriter name the song (and so the files).
        title=title or ("" if description else "Untitled"),
        duration=duration,
    )
    engine = ComposerEngine()
    try:
        engine.check(request)
    except ServiceError as exc:
        raise OperatorError(f"cannot render this song: {exc.message}") from None
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OperatorError(f"cannot create the output folder {out}: {exc.strerror}") from None
    work = Path(tempfile.mkdtemp(prefix="tunesmith-render-"))
    results: dict[int, ClipResult] = {}

    with Progress() as bar:
        task = bar.add_task("rendering", total=1.0)

        class _Sink(ProgressSink):
            def text(self, t: SongText) -> None:
                bar.update(task, description=f"rendering “{t.title}”")

            def streaming(self, index: int, filename: str) -> None:
                pass

            def complete(self, index: int, result: ClipResult) -> None:
                results[index] = result

            def progress(self, fraction: float) -> None:
                bar.update(task, completed=fraction)

        engine.warm_up()
        try:
            engine.run(
                EngineJob(
                    task_id="cli",
                    request=request,
                    seed=seed,
                    clips=(ClipSlot(clip_id="cli", index=0, workdir=work),),
                ),
                _Sink(),
            )
        finally:
            pool.shutdown()
        bar.update(task, completed=1.0)
    res = results[0]
    slug = (
        re.sub(r"[^\w-]+", "-", (res.title or request.title).lower(), flags=re.UNICODE).strip("-") or "master"
    )
    shutil.copy(work / res.audio, out / f"{slug}.mp3")
    shutil.copy(work / res.wav, out / f"{slug}.wav") if res.wav else None
    for key, rel in res.artifacts.items():
        if key.startswith("stem."):
            shutil.copy(work / rel, out / f"{key[5:]}.wav")
        elif key in ("midi", "plan", "timings"):
            shutil.copy(work / rel, out / Path(rel).name)
    if res.image:
        shutil.copy(work / res.image, out / "cover.png")
    shutil.rmtree(work, ignore_errors=True)
    typer.echo(f"{out / (slug + '.mp3')}  {res.duration:.1f} s")
