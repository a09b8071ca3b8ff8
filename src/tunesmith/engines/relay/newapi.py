"""new-api / GoAmz / Suno-API (Go) upstreams: `/suno/submit/{music,lyrics}` and the batch `POST /suno/fetch`.

Submit answers `{"code": "success", "data": "<task id>"}`; errors are `{"code": "<word>", "message"}` with
an HTTP status (reference §2.3). One `POST /suno/fetch {"ids": [...]}` reads every open task of the channel
(new-api itself polls its channels this way, up to 1000 ids at once), so `batch_size` is large and the driver
sends one request per channel per cycle.

A MUSIC task's `data` is its Suno clips (`audio_url` is the stream while a clip is `streaming`, the final
file once `complete`); a LYRICS task's `data` is one `{id, status, title, text}` object.
"""

from __future__ import annotations

from collections.abc import Sequence
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
    UpstreamRefused,
    UpstreamTask,
    first_error,
    moderation,
    stage_from_clips,
    suno_clip,
    text,
)

# Error words that mean the channel cannot take work now (not that the request is wrong).
UNAVAILABLE_CODES = frozenset(
    {"quota_not_enough", "task_channel_disable", "do_request_failed", "fail_to_fetch_task", "unauthorized"}
)


class NewApiChannel(Channel):
    kind = "newapi"
    operations = frozenset({OperationKind.GENERATE, OperationKind.EXTEND, OperationKind.LYRICS})
    batch_size = 200
    max_polls_per_task_second = 1.0

    def submit(self, submission: Submission) -> Accepted:
        lyrics = submission.kind is OperationKind.LYRICS
        path = "/suno/submit/lyrics" if lyrics else "/suno/submit/music"
        status, data = self.http.call("POST", path, body=self._body(submission))
        code = text(data.get("code")) if isinstance(data, dict) else ""
        if status == 200 and code == "success":
            task_id = data.get("data") if isinstance(data, dict) else None
            if isinstance(task_id, dict):  # some gateways answer {"task_id": ...}
                task_id = task_id.get("task_id") or task_id.get("id")
            if isinstance(task_id, str) and task_id:
                return Accepted(ticket=submission.ticket(task_id))
            raise ChannelUnavailable(f"{self.name}: {path} answered without a task id")
        reason = f"{self.name}: {path} refused ({status} {code or 'no code'}){self.http.detail(data)}"
        if status in (400, 413, 422) and code not in UNAVAILABLE_CODES:
            kind = FailureKind.SENSITIVE_WORD_ERROR if moderation(reason) else FailureKind.CREATE_TASK_FAILED
            raise UpstreamRefused(reason, kind)
        raise ChannelUnavailable(reason)

    def _body(self, submission: Submission) -> dict[str, Any]:
        r = submission.request
        if submission.kind is OperationKind.LYRICS:
            return {"prompt": r.description or r.lyrics}
        body: dict[str, Any] = {"mv": submission.model, "make_instrumental": r.instrumental}
        if r.custom_mode or submission.kind is OperationKind.EXTEND:
            body.update(prompt=r.lyrics, tags=r.style, title=r.title)
        else:
            body["gpt_description_prompt"] = r.description
        if r.negative_style:
            body["negative_tags"] = r.negative_style
        if submission.kind is OperationKind.EXTEND:
            source = submission.source
            if source is None:
                raise UpstreamRefused("extend needs the source clip")
            body.update(
                continue_clip_id=source.clip_id,
                task_id=source.task_id,
                continue_at=r.continue_at if r.continue_at is not None else source.duration,
            )
        return body

    def probe(self) -> str:
        status, data = self.http.call("POST", "/suno/fetch", body={"ids": []})
        if status != 200 or not isinstance(data, dict) or data.get("code") != "success":
            raise ChannelUnavailable(f"{self.name}: /suno/fetch answered {status}{self.http.detail(data)}")
        return "answers"

    def poll(self, tickets: Sequence[Ticket]) -> dict[str, UpstreamTask]:
        if not tickets:
            return {}
        status, data = self.http.call("POST", "/suno/fetch", body={"ids": [t.task_id for t in tickets]})
        items = data.get("data") if isinstance(data, dict) else None
        if status != 200 or not isinstance(items, list):
            raise ChannelUnavailable(f"{self.name}: /suno/fetch answered {status}{self.http.detail(data)}")
        by_id = {t.task_id: t for t in tickets}
        found: dict[str, UpstreamTask] = {}
        for item in items:
            if not isinstance(item, dict):
                continue
            ticket = by_id.get(text(item.get("task_id")) or text(item.get("id")))
            if ticket is not None:
                found[ticket.task_id] = self._task(ticket, item)
        return found

    def _task(self, ticket: Ticket, item: dict[str, Any]) -> UpstreamTask:
        word = text(item.get("status")).upper()
        reason = text(item.get("fail_reason")).strip()
        lyrics = ticket.kind is OperationKind.LYRICS
        if word == "FAILURE":
            kind = FailureKind.GENERATE_LYRICS_FAILED if lyrics else FailureKind.GENERATE_AUDIO_FAILED
            if moderation(reason):
                kind = FailureKind.SENSITIVE_WORD_ERROR
            detail = self.http.redact(reason or "the upstream reports FAILURE")
            return UpstreamTask(
                task_id=ticket.task_id, stage=Stage.FAILED, failure=kind, reason=f"{self.name}: {detail}"
            )
        payload = item.get("data")
        if lyrics:
            return self._lyrics(ticket, word, payload)
        raw = payload if isinstance(payload, list) else []
        clips = tuple(suno_clip(c) for c in raw if isinstance(c, dict))
        stage = stage_from_clips(clips, expected=ticket.clips, instrumental=ticket.instrumental)
        if stage is Stage.FAILED:
            detail = self.http.redact(first_error(clips) or reason or "a clip failed")
            return UpstreamTask(
                task_id=ticket.task_id,
                stage=stage,
                clips=clips,
                failure=FailureKind.SENSITIVE_WORD_ERROR
                if moderation(detail)
                else FailureKind.GENERATE_AUDIO_FAILED,
                reason=f"{self.name}: {detail}",
            )
        if stage is Stage.SUCCESS and word != "SUCCESS":
            stage = Stage.FIRST  # every clip done but the task not yet: wait for the upstream to say so
        return UpstreamTask(task_id=ticket.task_id, stage=stage, clips=clips)

    def _lyrics(self, ticket: Ticket, word: str, payload: Any) -> UpstreamTask:
        if word != "SUCCESS" or not isinstance(payload, dict):
            return UpstreamTask(task_id=ticket.task_id, stage=Stage.PENDING)
        words = text(payload.get("text"))
        if not words:
            return UpstreamTask(
                task_id=ticket.task_id,
                stage=Stage.FAILED,
                failure=FailureKind.GENERATE_LYRICS_FAILED,
                reason=f"{self.name}: the upstream's lyrics task succeeded without lyrics",
            )
        variant = {"title": text(payload.get("title")), "text": words}
        return UpstreamTask(task_id=ticket.task_id, stage=Stage.SUCCESS, lyrics=(variant,))
