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

import logging
from typing import TYPE_CHECKING

from tunesmith.domain.states import FailureKind
from tunesmith.engines.base import EngineError, EngineJob, ProgressSink

if TYPE_CHECKING:
    from tunesmith.engines.composer.songwriter import WrittenSong

MAX_PROMPT = 200
SONGWRITER = "songwriter"

log = logging.getLogger(__name__)


def make(job: EngineJob, sink: ProgressSink) -> None:
    from tunesmith.engines.composer.songwriter import write_lyrics_variants

    prompt = (job.request.description or job.request.lyrics or "").strip()[:MAX_PROMPT]
    if not prompt:
        raise EngineError("the lyrics prompt is empty", kind=FailureKind.GENERATE_LYRICS_FAILED, code=400)
    try:
        count = min(3, max(2, int(job.request.extra.get("count", 2))))
    except (TypeError, ValueError):
        count = 2
    written = _from_chat_model(job, prompt, count)
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


def _from_chat_model(job: EngineJob, prompt: str, count: int) -> tuple[list[WrittenSong], str] | None:
    """The operator's chat model's variants and its source name; None when there is no model, or when it
    failed (logged: the songwriter takes over)."""
    from tunesmith.engines.composer.songwriter.chat_model import ChatLyricsWriter, ChatModelError

    writer = None
    try:
        writer = ChatLyricsWriter.from_options(job.options)
        if writer is None:
            return None
        songs = writer.write_variants(prompt, count, seed=job.seed)
    except ChatModelError as exc:
        log.warning("task %s: %s; the songwriter writes the lyrics instead", job.task_id, exc)
        return None
    except Exception:  # noqa: BLE001 - a misconfigured model or a fault in its client must not fail the task
        log.exception("task %s: the lyrics model failed; the songwriter writes the lyrics", job.task_id)
        return None
    log.info("task %s: lyrics by %s", job.task_id, writer.source)
    return songs, writer.source
