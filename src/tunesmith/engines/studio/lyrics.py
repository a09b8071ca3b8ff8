"""Lyrics from a one-line idea (kie `/api/v1/lyrics`): two or three variants by the composer's songwriter,
each with its own title. No source clip and no files.

Options: `job.request.description` is the prompt (≤ 200 characters; longer is cut); `extra["count"]` 2 or 3
(default 2).

Result: no files; data `{"lyrics": [{"title": str, "text": str (with [Verse]/[Chorus] tags), "tags": str,
"status": "complete"}, ...]}`.
"""

from __future__ import annotations

from tunesmith.domain.states import FailureKind
from tunesmith.engines.base import EngineError, EngineJob, ProgressSink

MAX_PROMPT = 200


def make(job: EngineJob, sink: ProgressSink) -> None:
    from tunesmith.engines.composer.songwriter import write_lyrics_variants

    prompt = (job.request.description or job.request.lyrics or "").strip()[:MAX_PROMPT]
    if not prompt:
        raise EngineError("the lyrics prompt is empty", kind=FailureKind.GENERATE_LYRICS_FAILED, code=400)
    try:
        count = min(3, max(2, int(job.request.extra.get("count", 2))))
    except (TypeError, ValueError):
        count = 2
    songs = write_lyrics_variants(prompt, count=count, seed=job.seed)
    if not songs:
        raise EngineError(
            "no lyrics could be written for this prompt", kind=FailureKind.GENERATE_LYRICS_FAILED
        )
    sink.result(
        {},
        {
            "lyrics": [
                {"title": s.title, "text": s.lyrics, "tags": s.tags, "status": "complete"} for s in songs
            ]
        },
    )
