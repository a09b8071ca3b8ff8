"""The built-in composer engine: complete songs with sung vocals, on CPU, with no model weights.

Importing this module is cheap (the API process imports it to call `check`); numpy, pyworld, FluidSynth and
espeak-ng are imported inside `warm_up` and `run`.
"""

from __future__ import annotations

from tunesmith.domain.errors import InvalidRequest
from tunesmith.domain.operations import OperationKind, SongRequest
from tunesmith.engines.base import ClipResult, Engine, EngineError, EngineJob, ProgressSink, SongText


def _song_text(request: SongRequest, seed: int) -> tuple[str, str, str, str]:
    """(title, tags, lyrics, language) from a custom request, or from the songwriter in description mode."""
    from tunesmith.engines.composer.songwriter.language import detect_language

    if request.custom_mode:
        lyrics = "" if request.instrumental else request.lyrics
        language = detect_language(lyrics) if lyrics.strip() else "en"
        return request.title or "Untitled", request.style, lyrics, language
    try:
        from tunesmith.engines.composer.songwriter import write_song  # type: ignore[attr-defined]
    except ImportError as exc:
        raise EngineError("description mode needs the songwriter, which is not installed") from exc
    song = write_song(
        request.description,
        instrumental=request.instrumental,
        seed=seed,
        style_hint=request.style,
        language=None,
    )
    return request.title or song.title, song.tags, "" if request.instrumental else song.lyrics, song.language


class ComposerEngine(Engine):
    name = "composer"
    operations = frozenset({OperationKind.GENERATE})

    def check(self, request: SongRequest) -> None:
        if request.kind not in self.operations:
            raise InvalidRequest(f"the composer engine cannot do {request.kind.value}", field="kind")
        if request.custom_mode and not request.instrumental and not request.lyrics.strip():
            raise InvalidRequest(
                "lyrics are required in custom mode unless the song is instrumental", field="lyrics"
            )

    def warm_up(self) -> None:
        """Pay every one-time cost here, not in the first task: imports (scipy, PIL, pretty_midi, lameenc),
        the SoundFont, filter designs, a first synth, the singer pool and the fresh-speaker process. Without
        this the first task's first audio came ~1.5 s later than every later task's."""
        import numpy as np

        from tunesmith.engines.composer import mastering, pool, synth
        from tunesmith.engines.composer.arrange import Track
        from tunesmith.engines.composer.encode import _encoder, write_wav  # noqa: F401 - imports lameenc
        from tunesmith.engines.composer.finish import finish_take  # noqa: F401 - artifacts, PIL, MIDI
        from tunesmith.engines.composer.render import _vocal_chain
        from tunesmith.engines.composer.songwriter.language import detect_language
        from tunesmith.engines.composer.speech import speak

        synth.load()
        r = synth.BackingRenderer([Track("w", "other", 0, 2, notes=[(60, 0.0, 0.05, 64)])])
        r.render_until(0.1)
        r.close()
        speak("warm up", "en-us")
        detect_language("warm up")
        _encoder().encode(np.zeros(2304, np.int16).tobytes())
        beep = np.sin(np.arange(44100, dtype=np.float32) * 0.05).astype(np.float32)
        _vocal_chain(beep, None)
        mastering.master(np.stack([beep, beep], axis=1) * np.float32(0.1))
        import PIL.ImageDraw  # noqa: F401
        import pretty_midi  # noqa: F401
        import scipy.signal  # noqa: F401

        pool.get_pool()
        pool.speak_fresh(["warm up"], "en", "en-us")

    def run(self, job: EngineJob, sink: ProgressSink) -> None:
        self.check(job.request)
        try:
            self._run(job, sink)
        except EngineError:
            raise
        except Exception as exc:  # noqa: BLE001 - every failure becomes an EngineError for the runtime
            raise EngineError(f"composer failed: {type(exc).__name__}: {exc}") from exc

    def _run(self, job: EngineJob, sink: ProgressSink) -> None:
        from tunesmith.engines.composer import pool
        from tunesmith.engines.composer.compose import build_plan, sung_texts
        from tunesmith.engines.composer.render import render_take
        from tunesmith.engines.composer.style import parse_style
        from tunesmith.engines.composer.syllables import voice_for

        req = job.request
        title, tags, lyrics, language = _song_text(req, job.seed)
        sink.text(SongText(title=title, tags=tags, lyrics=lyrics))
        plans = []
        instrumental = req.instrumental or not lyrics.strip()
        style = parse_style(
            tags,
            negative=req.negative_style,
            seed=job.seed,
            vocal_gender=req.vocal_gender,
            instrumental=instrumental,
        )
        spoken = None
        if not instrumental and style.voice:
            spoken = pool.speak_fresh(sung_texts(lyrics), language, voice_for(language, style.voice)[0])
        for slot in job.clips:
            plans.append(
                build_plan(
                    style=style,
                    lyrics=lyrics,
                    title=title,
                    take=slot.index,
                    seed=job.seed,
                    language=language,
                    instrumental=req.instrumental or not lyrics.strip(),
                    duration=req.duration,
                    spoken=spoken,
                )
            )
        executor = pool.get_pool()
        vocals = [pool.submit_vocals(plan, executor) for plan in plans]
        n = len(job.clips)
        for k, (slot, plan) in enumerate(zip(job.clips, plans, strict=True)):
            out = render_take(
                plan,
                slot.workdir,
                vocals[k],
                on_stream=lambda name, i=slot.index: sink.streaming(i, name),
                on_progress=lambda f, k=k: sink.progress((k + f) / n),
            )
            sink.complete(
                slot.index,
                ClipResult(
                    audio=out.audio,
                    duration=round(out.duration, 3),
                    wav=out.wav,
                    image=out.image,
                    title=title,
                    tags=tags,
                    lyrics=lyrics,
                    artifacts=out.artifacts,
                ),
            )
