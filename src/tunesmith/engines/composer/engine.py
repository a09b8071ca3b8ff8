"""The built-in composer engine: complete songs with sung vocals, on CPU, with no model weights.

Importing this module is cheap (the API process imports it to call `check`); numpy, pyworld, FluidSynth and
espeak-ng are imported inside `warm_up` and `run`.

Operations (edits live in ops/, one module each; every result is a full clip: MP3, WAV, cover, stems, MIDI,
words.json and a plan.json whose `history` lists the edits, reported as text -> complete):
- GENERATE: two takes of a new song.
- EXTEND (2 takes): `job.source` = the clip to continue, `request.continue_at` in (0, source duration).
  The new clip starts at `continue_at` (it holds only the continuation); sings `request.lyrics`, or, when
  `request.extra["default_params"] is False` or no lyrics are given, continues the source's own lyrics
  (see ops/extend.py). Key, tempo, instruments and voice are always the source's.
- CONCAT (1 clip): the service fills `request.extra["chain"]`, the extension chain first clip first, the
  source clip last; each item:
      {"clip_id": str, "audio": abs path (MP3) | None, "wav": abs path (WAV, required),
       "continue_at": float | None  (where this clip continues the item before it; None for the first),
       "duration": float, "artifacts": {name: abs path}  (plan, timings, midi, stem.* as in SourceClip)}
  Without a chain, the source clip alone is the song. Each part is used up to the next part's continue_at.
- CROP (1 clip): `job.source`, `request.span = (start, end)` inside the clip.
- REPLACE_SECTION (2 takes): `job.source`, `request.span = (start, end)`, at least 10 s and at most half of
  the clip; `request.lyrics` are the span's new words, `request.extra["full_lyrics"]` (optional) the
  clip's reported lyrics. Audio outside the span and its 0.25 s crossfades is the source's, unchanged.
- UPLOAD_EXTEND (2 takes): `job.source` = the uploaded recording, fetched by the runtime:
  SourceClip(clip_id="upload-<task>", duration, workdir, audio=wav=<44.1 kHz stereo PCM_16 WAV>), no plan or
  artifacts. Each clip is the upload up to `request.continue_at` (default: its end), then a continuation in
  the recording's tempo, bar grid, key and mode (analysed from the audio) with the instruments and voice of
  `request.style`, singing `request.lyrics` or instrumental (see ops/upload_extend.py).
- ADD_INSTRUMENTAL / ADD_VOCALS (2 takes): `job.source` = the uploaded recording as for UPLOAD_EXTEND. The
  upload kept sample-exact, with a new backing (on the chords its melody implies) or a new vocal singing
  `request.lyrics`, in its tempo, key and bar grid (see ops/add_part.py).
- UPLOAD_COVER (2 takes): `job.source` = the uploaded recording. Its tempo, bar grid, key, chords and sung
  melody, re-arranged in `request.style` and sung with `request.lyrics` (new words from the songwriter in
  description mode) or played by the lead instrument (see ops/cover.py).
- UPLOAD (1 clip): `job.source` = the uploaded recording. The clip is the recording, sample for sample,
  with a plan.json of its tempo, bar grid and key, so the edits above take it as their source
  (see ops/upload_import.py).
- MASHUP (2 takes): `request.extra["uploads"]` = the two recordings fetched by the runtime (`job.source` is
  the first). The first's melody over the second's tempo, bar grid, key and chords, in `request.style`,
  sung with `request.lyrics` (new words in description mode) or played by the lead (see ops/mashup.py).
`check` refuses what it can without the source (InvalidRequest); `run` refuses what needs the source
(continue_at beyond the end, a span past the end or over half the song) with a non-retryable EngineError.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping
from typing import Any

from tunesmith.domain.errors import InvalidRequest
from tunesmith.domain.operations import OperationKind, SongRequest
from tunesmith.engines.base import (
    ClipResult,
    ClipSlot,
    Engine,
    EngineError,
    EngineJob,
    ProgressSink,
    SongText,
)


def _song_text(
    request: SongRequest, seed: int, options: Mapping[str, Any] | None = None
) -> tuple[str, str, str, str]:
    """(title, tags, lyrics, language) from a custom request, or in description mode from the operator's chat
    model (`options["lyrics_model"]`) when one is configured, else (or when it fails) from the songwriter.
    A rebuild (`request.extra["replay"]`) reuses what the first run decided."""
    from tunesmith.engines.composer.songwriter.language import detect_language

    replay = request.extra.get("replay")
    if isinstance(replay, dict) and {"title", "tags", "lyrics", "language"} <= replay.keys():
        return str(replay["title"]), str(replay["tags"]), str(replay["lyrics"]), str(replay["language"])

    if request.custom_mode:
        lyrics = "" if request.instrumental else request.lyrics
        language = detect_language(lyrics) if lyrics.strip() else "en"
        return request.title or "Untitled", request.style, lyrics, language
    song = None
    if options and "lyrics_model" in options:  # the model's client is imported only when one is configured
        from tunesmith.engines.composer.songwriter.chat_model import ask_model

        asked = ask_model(
            options,
            lambda writer: writer.write_song(
                request.description, instrumental=request.instrumental, style_hint=request.style, seed=seed
            ),
            what="the song",
        )
        song = asked[0] if asked is not None else None
    if song is None:
        try:
            from tunesmith.engines.composer.songwriter import write_song
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


def _share_of(sink: ProgressSink, take: int, takes: int) -> Callable[[float], None]:
    """Progress of one take (0..1) as the whole job's: take k of n covers (k..k+1)/n."""
    return lambda fraction: sink.progress((take + fraction) / takes)


def _check_edit(request: SongRequest) -> None:
    """What can be refused about an edit before the source is loaded."""
    from tunesmith.engines.composer.ops import rules

    kind = request.kind
    if kind is not OperationKind.CONCAT and not request.source_clip_id:
        raise InvalidRequest(f"{kind.value} needs the id of the clip to work on", field="source_clip_id")
    if kind is OperationKind.EXTEND:
        problem = rules.continue_at_problem(request.continue_at, None)
        if problem:
            raise InvalidRequest(problem, field="continue_at")
    elif kind in (OperationKind.CROP, OperationKind.REPLACE_SECTION):
        if request.span is None or len(request.span) != 2:
            raise InvalidRequest(f"{kind.value} needs a span (start, end) in seconds", field="span")
        crop = kind is OperationKind.CROP
        problem = rules.span_problem(
            float(request.span[0]),
            float(request.span[1]),
            None,
            minimum=rules.MIN_CROP_S if crop else rules.MIN_SPAN_S,
        )
        if problem:
            raise InvalidRequest(problem, field="span")


def _check_upload_extend(request: SongRequest) -> None:
    """What can be refused about an upload-extend before the upload is fetched (it needs no clip id)."""
    c = request.continue_at
    if c is not None and (not math.isfinite(c) or c <= 0):
        raise InvalidRequest(
            f"continue_at must be a positive number of seconds into the uploaded audio, got {c:g}",
            field="continue_at",
        )
    d = request.duration
    if d is not None and (not math.isfinite(d) or d <= 0):
        raise InvalidRequest(f"duration must be a positive number of seconds, got {d:g}", field="duration")


def _release_memory() -> None:
    """Free what a finished take left behind before the next one allocates its buffers: garbage in reference
    cycles (the gc's oldest generation runs rarely), and the freed heap that glibc's allocator keeps for
    reuse (a take's many few-MB arrays; in a 2-clip task it stayed resident next to the second take's)."""
    import contextlib
    import ctypes
    import gc

    gc.collect()
    with contextlib.suppress(OSError, AttributeError):  # not glibc
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def _few_arenas() -> None:
    """At most two glibc malloc arenas in the engine process (glibc gives threads that allocate their own,
    up to 8 per core, and each keeps some freed memory for reuse). A take's threads (backing, stems, finish,
    two encoders, true peak) all allocate song-long arrays; with two arenas the 2-clip task's peak RSS was
    ~60 MB lower (990-1050 MB against 1060-1120 MB, three runs each under the same load), same CPU time."""
    import contextlib
    import ctypes

    with contextlib.suppress(OSError, AttributeError):  # not glibc
        ctypes.CDLL("libc.so.6").mallopt(-8, 2)  # M_ARENA_MAX


class ComposerEngine(Engine):
    name = "composer"
    operations = frozenset(
        {
            OperationKind.GENERATE,
            OperationKind.EXTEND,
            OperationKind.CONCAT,
            OperationKind.CROP,
            OperationKind.REPLACE_SECTION,
            OperationKind.UPLOAD_EXTEND,
            OperationKind.ADD_INSTRUMENTAL,
            OperationKind.ADD_VOCALS,
            OperationKind.UPLOAD_COVER,
            OperationKind.UPLOAD,
            OperationKind.MASHUP,
        }
    )

    def check(self, request: SongRequest) -> None:
        if request.kind not in self.operations:
            raise InvalidRequest(f"the composer engine cannot do {request.kind.value}", field="kind")
        if request.kind is OperationKind.UPLOAD_EXTEND:
            _check_upload_extend(request)
            return
        if request.kind is OperationKind.UPLOAD:
            return
        if request.kind in (OperationKind.UPLOAD_COVER, OperationKind.MASHUP):
            if request.custom_mode and not request.instrumental and not request.lyrics.strip():
                raise InvalidRequest(
                    "lyrics are required in custom mode unless the cover is instrumental", field="lyrics"
                )
            return
        if request.kind in (OperationKind.ADD_INSTRUMENTAL, OperationKind.ADD_VOCALS):
            if request.kind is OperationKind.ADD_VOCALS and not request.lyrics.strip():
                raise InvalidRequest("add-vocals needs the words to sing", field="lyrics")
            return
        if request.kind is not OperationKind.GENERATE:
            _check_edit(request)
            return
        if request.custom_mode and not request.instrumental and not request.lyrics.strip():
            raise InvalidRequest(
                "lyrics are required in custom mode unless the song is instrumental", field="lyrics"
            )

    def close(self) -> None:
        """Stop the singer's and speaker's process pools (warm_up started them)."""
        from tunesmith.engines.composer import pool

        pool.shutdown()

    def warm_up(self) -> None:
        """Pay every one-time cost here, not in the first task: imports (scipy, PIL, pretty_midi, lameenc),
        the SoundFont, filter designs, a first synth, the singer pool and the fresh-speaker process. Without
        this the first task's first audio came ~1.5 s later than every later task's."""
        _few_arenas()  # before the threads below make their own
        import numpy as np

        from tunesmith.engines.composer import mastering, pool, synth
        from tunesmith.engines.composer.arrange import Track
        from tunesmith.engines.composer.compose import sung_texts
        from tunesmith.engines.composer.encode import _encoder, write_wav  # noqa: F401 - imports lameenc
        from tunesmith.engines.composer.finish import finish_take  # noqa: F401 - artifacts, PIL, MIDI
        from tunesmith.engines.composer.render import _vocal_chain
        from tunesmith.engines.composer.songwriter.language import detect_language
        from tunesmith.engines.composer.speech import speak
        from tunesmith.engines.composer.style import parse_style
        from tunesmith.engines.composer.syllables import english_counts

        synth.load()
        r = synth.BackingRenderer([Track("w", "other", 0, 2, notes=[(60, 0.0, 0.05, 64)])])
        r.render_until(0.1)
        r.close()
        speak("warm up", "en-us")
        detect_language("warm up")
        english_counts(["warm up"])  # loads the CMU dictionary (syllable counts, stress): ~0.5 s
        parse_style("pop, warm up", seed=0)  # compiles the style vocabulary's ~1,000 patterns: ~0.3 s
        sung_texts("[Verse]\nwarm up")  # the lyric tags' patterns
        _encoder().encode(np.zeros(2304, np.int16).tobytes())
        beep = np.sin(np.arange(44100, dtype=np.float32) * 0.05).astype(np.float32)
        _vocal_chain(beep, None)
        mastering.master(np.stack([beep, beep], axis=1) * np.float32(0.1))
        import PIL.ImageDraw  # noqa: F401

        from tunesmith.engines.midi_library import load_pretty_midi

        load_pretty_midi()
        import scipy.signal  # noqa: F401

        pool.get_pool()
        # one line per fresh speaker: each is used once and replaced at once, so the first task finds as
        # many started as it speaks with (the one not used here was only forked on the first task's call)
        pool.speak_fresh(["warm up"] * pool.SPEAKERS, "en", "en-us")

    def run(self, job: EngineJob, sink: ProgressSink) -> None:
        self.check(job.request)
        try:
            self._run(job, sink)
        except EngineError:
            raise
        except Exception as exc:  # noqa: BLE001 - every failure becomes an EngineError for the runtime
            raise EngineError(f"composer failed: {type(exc).__name__}: {exc}") from exc

    def _run(self, job: EngineJob, sink: ProgressSink) -> None:
        kind = job.request.kind
        if kind is not OperationKind.GENERATE:
            from tunesmith.engines.composer.ops import (
                add_part,
                concat,
                cover,
                crop,
                extend,
                mashup,
                replace,
                upload_extend,
                upload_import,
            )

            run = {
                OperationKind.EXTEND: extend.run_extend,
                OperationKind.CONCAT: concat.run_concat,
                OperationKind.CROP: crop.run_crop,
                OperationKind.REPLACE_SECTION: replace.run_replace,
                OperationKind.UPLOAD_EXTEND: upload_extend.run_upload_extend,
                OperationKind.ADD_INSTRUMENTAL: add_part.run_add_part,
                OperationKind.ADD_VOCALS: add_part.run_add_part,
                OperationKind.UPLOAD_COVER: cover.run_upload_cover,
                OperationKind.UPLOAD: upload_import.run_import,
                OperationKind.MASHUP: mashup.run_mashup,
            }[kind]
            run(job, sink)
            return
        import threading
        from concurrent.futures import Future, ThreadPoolExecutor

        from tunesmith.engines.composer import pool
        from tunesmith.engines.composer.compose import build_plan, second_voice, sung_texts
        from tunesmith.engines.composer.plan import SongPlan
        from tunesmith.engines.composer.render import TakeOutput, start_take
        from tunesmith.engines.composer.style import parse_style
        from tunesmith.engines.composer.syllables import voice_for

        req = job.request
        title, tags, lyrics, language = _song_text(req, job.seed, job.options)
        # the text may come from a language model: a rebuild must sing the same words, not ask again
        replay = {"title": title, "tags": tags, "lyrics": lyrics, "language": language}
        sink.text(SongText(title=title, tags=tags, lyrics=lyrics))
        instrumental = req.instrumental or not lyrics.strip()
        style = parse_style(
            tags,
            negative=req.negative_style,
            seed=job.seed,
            vocal_gender=req.vocal_gender,
            instrumental=instrumental,
        )
        spoken = None
        others = None
        if not instrumental and style.voice:
            texts = sung_texts(lyrics)
            own = pool.start_speaking(texts, language, voice_for(language, style.voice)[0])
            other = second_voice(style, lyrics)
            second = pool.start_speaking(texts, language, voice_for(language, other)[0]) if other else None
            spoken = own()
            if other and second:
                others = {other: second()}

        def plan_for(slot: ClipSlot) -> SongPlan:
            return build_plan(
                style=style,
                lyrics=lyrics,
                title=title,
                take=slot.index,
                seed=job.seed,
                language=language,
                instrumental=req.instrumental or not lyrics.strip(),
                duration=req.duration,
                spoken=spoken,
                others=others,
            )

        executor = pool.get_pool()
        sung: dict = {}  # lines shared by the takes are sung once
        # only the first section's lines are sung before the first audio is out: until then the singers
        # would take the cores from the backing and the stream encoder that make it. The other takes are
        # planned then too (a plan is ~0.05 s of the first audio's time); their lines follow the first's
        held: pool.Held = []
        plans = [plan_for(job.clips[0])]
        vocals = [pool.submit_vocals(plans[0], executor, sung, held=held, hold_from=1)]

        def plan_the_rest() -> None:
            pool.release(held, executor)
            for slot in job.clips[len(plans) :]:
                plans.append(plan_for(slot))
                vocals.append(pool.submit_vocals(plans[-1], executor, sung))

        def first_audio(index: int, filename: str) -> None:
            sink.streaming(index, filename)
            plan_the_rest()

        n = len(job.clips)
        # each take's master and files are made on the finisher thread; the next take renders once the master
        # is made, while the files are written. Clips are reported complete from this thread, in order, as
        # soon as they are written
        pending: list[tuple[int, Future[TakeOutput]]] = []
        mastered = threading.Event()

        def report(wait: bool) -> None:
            while pending and (wait or pending[0][1].done()):
                index, fut = pending.pop(0)
                out = fut.result()
                sink.complete(
                    index,
                    ClipResult(
                        audio=out.audio,
                        duration=round(out.duration, 3),
                        wav=out.wav,
                        image=out.image,
                        title=title,
                        tags=tags,
                        lyrics=lyrics,
                        artifacts=out.artifacts,
                        rebuildable=True,
                        replay=replay,
                    ),
                )

        def progress(share: Callable[[float], None]) -> Callable[[float], None]:
            def step(fraction: float) -> None:
                share(fraction)
                report(wait=False)

            return step

        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="finish-take") as finisher:
            try:
                for k, slot in enumerate(job.clips):
                    if k:
                        plan_the_rest()  # done at the first audio, unless the first take streamed nothing
                    plan = plans[k]
                    streaming = first_audio if k == 0 else sink.streaming
                    if pending:  # the previous take's master made (or its finish failed)
                        while not mastered.wait(0.05) and not pending[-1][1].done():
                            pass
                        _release_memory()
                    mastered = threading.Event()
                    pending.append(
                        (
                            slot.index,
                            start_take(
                                plan,
                                slot.workdir,
                                vocals[k],
                                on_stream=functools.partial(streaming, slot.index),
                                on_progress=progress(_share_of(sink, k, n)),
                                finish_on=finisher,
                                mastered=mastered,
                            ),
                        )
                    )
            except BaseException:
                held.clear()  # a take failed before its first audio: the lines nobody will wait for
                raise
            report(wait=True)
        _release_memory()  # the next task starts from what warm_up left
