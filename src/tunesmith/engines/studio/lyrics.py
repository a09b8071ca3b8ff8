"""Lyrics from a one-line idea (kie `/api/v1/lyrics`): two or three variants, each with its own title, by the
operator's chat model when one is configured (`job.options["lyrics_model"]`, see
engines.composer.songwriter.chat_model), else by the composer's offline songwriter. Whenever the model fails
(down, slow, an answer without usable lyrics) the songwriter writes them instead: the task never fails for it.
No source clip and no files.

Options: `job.request.description` is the prompt (≤ 200 characters; longer is cut); `extra["count"]` 2 or 3
(default 2).

Result: no files; data `{"lyrics": [{"title": str, "text": str (with [Verse]/[Chorus] tags), "tags": str,
"status": "complete", "source": "chat-model:<model>" | "songwriter"}, ...]}`. Dialects render only the
fields they know; `source` records who wrote the variant.
"""

from __future__ import annotations

from tunesmith.domain.states import FailureCode, FailureKind
from tunesmith.engines.base import EngineError, EngineJob, ProgressSink

MAX_PROMPT = 200
SONGWRITER = "songwriter"


def make(job: EngineJob, sink: ProgressSink) -> None:
    from tunesmith.engines.composer.songwriter import write_lyrics_variants

    prompt = (job.request.description or job.request.lyrics or "").strip()[:MAX_PROMPT]
    if not prompt:
        raise EngineError(
            "the lyrics prompt is empty", kind=FailureKind.GENERATE_LYRICS_FAILED, code=FailureCode.REFUSED
        )
    try:
        count = min(3, max(2, int(job.request.extra.get("count", 2))))
    except (TypeError, ValueError):
        count = 2
    from tunesmith.engines.composer.songwriter.chat_model import ask_model

    written = ask_model(
        job.options,
        lambda writer: writer.write_variants(prompt, count, seed=job.seed),
        what="the lyrics",
        context=f"task {job.task_id}: ",
    )
    if written is None:
        written = write_lyrics_variants(prompt, count=count, seed=job.seed), SONGWRITER
    songs, source = written
    if not songs:
        raise EngineError(
            "no lyrics could be written for this prompt", kind=FailureKind.GENERATE_LYRICS_FAILED
        )
    sink.result(
        {},
        {
            "lyrics": [
                {"title": s.title, "text": s.lyrics, "tags": s.tags, "status": "complete", "source": source}
                for s in songs
            ]
        },
    )
