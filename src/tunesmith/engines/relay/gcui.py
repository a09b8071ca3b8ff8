"""gcui-art suno-api upstreams: `/api/generate`, `/api/custom_generate`, `/api/extend_audio`, `/api/concat`,
`/api/generate_stems`, `/api/generate_lyrics`, and `GET /api/get?ids=` to read clips (stems are clips too;
`/api/get_aligned_lyrics` for word timings).

gcui has no task ids: a submit answers the new clips (`AudioInfo[]`), and those clip ids are what is polled.
`GET /api/get?ids=a,b,...` reads the clips of many tasks at once, so the driver batches every open task of
the channel into one request per cycle (up to `batch_size` tasks, to keep the URL short). Lyrics are written
before `/api/generate_lyrics` answers, so a lyrics task is finished when it is accepted.

Errors are `{"error": "..."}` with an HTTP status: 400 refuses the request; 401/402/403 (bad cookie or key,
no credits), 429 and 5xx make the driver try another channel.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from tunesmith.domain.operations import OperationKind
from tunesmith.domain.states import FailureKind
from tunesmith.engines.relay.channel import (
    Accepted,
    Channel,
    ChannelUnavailable,
    Stage,
    Submission,
    Ticket,
    UpstreamClip,
    UpstreamRefused,
    UpstreamTask,
    first_error,
    moderation,
    stage_from_clips,
    suno_clip,
    text,
    timed_words,
)

PART = re.compile(r"\(([A-Za-z][A-Za-z ]*)\)\s*$")


class GcuiChannel(Channel):
    kind = "gcui"
    operations = frozenset(
        {
            OperationKind.GENERATE,
            OperationKind.EXTEND,
            OperationKind.CONCAT,
            OperationKind.LYRICS,
            OperationKind.STEMS,
        }
    )
    batch_size = 50  # tasks per /api/get (two clip ids each)
    # /api/generate_lyrics answers once the lyrics are written (gcui-art polls Suno every 2 s meanwhile).
    lyrics_wait_seconds = 120.0
    max_polls_per_task_second = 1.0

    def submit(self, submission: Submission) -> Accepted:
        path, body = self._request(submission)
        slow = submission.kind is OperationKind.LYRICS
        status, data = self.http.call(
            "POST", path, body=body, timeout=self.lyrics_wait_seconds if slow else None
        )
        if status == 200 and submission.kind is OperationKind.LYRICS and isinstance(data, dict):
            return self._lyrics(submission, data)
        if status == 200 and submission.kind is OperationKind.CONCAT and isinstance(data, dict):
            data = [data]  # /api/concat answers the one new clip, not a list
        if status == 200 and isinstance(data, list):
            clips = [suno_clip(c) for c in data if isinstance(c, dict)]
            ids = [c.id for c in clips if c.id]
            if ids:
                ticket = submission.ticket(ids[0], ids)
                if submission.kind is OperationKind.STEMS:  # one stem clip per part, as many as it makes
                    ticket = replace(ticket, clips=len(ids))
                return Accepted(ticket=ticket)
            raise ChannelUnavailable(f"{self.name}: {path} answered no clips")
        reason = f"{self.name}: {path} refused ({status}){self.http.detail(data)}"
        if status in (400, 413, 422):
            kind = FailureKind.SENSITIVE_WORD_ERROR if moderation(reason) else FailureKind.CREATE_TASK_FAILED
            raise UpstreamRefused(reason, kind)
        raise ChannelUnavailable(reason)

    def _request(self, submission: Submission) -> tuple[str, dict[str, Any]]:
        r = submission.request
        if submission.kind is OperationKind.LYRICS:
            return "/api/generate_lyrics", {"prompt": r.description or r.lyrics}
        if submission.kind is OperationKind.STEMS:
            if submission.source is None:
                raise UpstreamRefused("stems need the source clip")
            return "/api/generate_stems", {"audio_id": submission.source.clip_id}
        if submission.kind is OperationKind.CONCAT:
            if submission.source is None:
                raise UpstreamRefused("concat needs the last clip of the chain")
            return "/api/concat", {"clip_id": submission.source.clip_id}
        common = {"model": submission.model, "wait_audio": False}
        if submission.kind is OperationKind.EXTEND:
            source = submission.source
            if source is None:
                raise UpstreamRefused("extend needs the source clip")
            body = {
                "audio_id": source.clip_id,
                "prompt": r.lyrics,
                "continue_at": r.continue_at if r.continue_at is not None else source.duration,
                "tags": r.style,
                "negative_tags": r.negative_style,
                "title": r.title,
                **common,
            }
            return "/api/extend_audio", body
        if not r.custom_mode:
            return "/api/generate", {"prompt": r.description, "make_instrumental": r.instrumental, **common}
        body = {
            "prompt": r.lyrics,
            "tags": r.style,
            "title": r.title,
            "negative_tags": r.negative_style,
            "make_instrumental": r.instrumental,
            **common,
        }
        return "/api/custom_generate", body

    def _lyrics(self, submission: Submission, data: dict[str, Any]) -> Accepted:
        task_id = text(data.get("id")) or "lyrics"
        ticket = submission.ticket(task_id)
        words = text(data.get("text"))
        if text(data.get("status")) == "error" or not words:
            reason = text(data.get("error_message")) or "the upstream wrote no lyrics"
            result = UpstreamTask(
                task_id=task_id,
                stage=Stage.FAILED,
                failure=FailureKind.GENERATE_LYRICS_FAILED,
                reason=f"{self.name}: {self.http.redact(reason)}",
            )
        else:
            variant = {"title": text(data.get("title")), "text": words}
            result = UpstreamTask(task_id=task_id, stage=Stage.SUCCESS, lyrics=(variant,))
        return Accepted(ticket=ticket, result=result)

    def probe(self) -> str:
        status, data = self.http.call("GET", "/api/get_limit")
        if status != 200 or not isinstance(data, dict):
            raise ChannelUnavailable(f"{self.name}: /api/get_limit answered {status}{self.http.detail(data)}")
        return f"credits {data.get('credits_left')}"

    def word_timings(self, ticket: Ticket, clip_id: str) -> list[dict[str, Any]] | None:
        """gcui's aligned lyrics of one clip (`[{word, start_s, end_s, success, p_align}]`)."""
        status, data = self.http.call("GET", "/api/get_aligned_lyrics", params={"song_id": clip_id})
        if status != 200 or not isinstance(data, list):
            raise ChannelUnavailable(
                f"{self.name}: /api/get_aligned_lyrics answered {status}{self.http.detail(data)}"
            )
        return timed_words(data, "start_s", "end_s")

    def poll(self, tickets: Sequence[Ticket]) -> dict[str, UpstreamTask]:
        ids = [clip_id for t in tickets for clip_id in t.clip_ids]
        if not ids:
            return {}
        status, data = self.http.call("GET", "/api/get", params={"ids": ",".join(ids)})
        if status == 404:  # none of these clips exists there (any more)
            return {}
        if status != 200 or not isinstance(data, list):
            raise ChannelUnavailable(f"{self.name}: /api/get answered {status}{self.http.detail(data)}")
        clips = {c.id: c for c in (suno_clip(item) for item in data if isinstance(item, dict)) if c.id}
        found: dict[str, UpstreamTask] = {}
        for ticket in tickets:
            mine = tuple(clips[i] for i in ticket.clip_ids if i in clips)
            if not mine:
                continue
            if ticket.kind is OperationKind.STEMS:
                found[ticket.task_id] = self._stems(ticket, mine)
                continue
            stage = stage_from_clips(mine, expected=ticket.clips, instrumental=ticket.instrumental)
            if stage is Stage.FAILED:
                detail = self.http.redact(first_error(mine) or "a clip failed")
                kind = (
                    FailureKind.SENSITIVE_WORD_ERROR
                    if moderation(detail)
                    else FailureKind.GENERATE_AUDIO_FAILED
                )
                found[ticket.task_id] = UpstreamTask(
                    task_id=ticket.task_id,
                    stage=stage,
                    clips=mine,
                    failure=kind,
                    reason=f"{self.name}: {detail}",
                )
            else:
                found[ticket.task_id] = UpstreamTask(task_id=ticket.task_id, stage=stage, clips=mine)
        return found

    def _stems(self, ticket: Ticket, stems: Sequence[UpstreamClip]) -> UpstreamTask:
        """A separation is its stem clips: done when every one has its audio, each file named by the part
        its title ends with ("Song (Vocals)" -> vocals)."""
        if any(c.status == "error" for c in stems):
            detail = self.http.redact(first_error(stems) or "a stem failed")
            return UpstreamTask(
                task_id=ticket.task_id,
                stage=Stage.FAILED,
                failure=FailureKind.GENERATE_AUDIO_FAILED,
                reason=f"{self.name}: {detail}",
            )
        if len(stems) < len(ticket.clip_ids) or not all(
            c.status == "complete" and c.audio_url for c in stems
        ):
            return UpstreamTask(task_id=ticket.task_id, stage=Stage.PENDING)
        files: list[tuple[str, str]] = []
        for index, stem in enumerate(stems):
            part = stem_part(stem.title) or f"stem_{index + 1}"
            if part in dict(files):
                part = f"{part}_{index + 1}"
            files.append((part, stem.audio_url))
        return UpstreamTask(task_id=ticket.task_id, stage=Stage.SUCCESS, files=tuple(files))


def stem_part(title: str) -> str:
    """The part a stem clip's title names in its last parentheses, as our part names are spelled."""
    found = PART.search(title)
    return "_".join(found.group(1).lower().split()) if found else ""
