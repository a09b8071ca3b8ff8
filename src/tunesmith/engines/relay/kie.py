"""kie.ai / sunoapi.org upstreams: `/api/v1/generate`, `/generate/extend`, `/generate/replace-section`,
`/lyrics`, `/vocal-removal`, `/midi` and their record-info; `/generate/get-timestamped-lyrics` for word
timings.

kie answers `{"code": int, "msg", "data"}` with the real outcome in the body's `code` (often inside HTTP 200).
It has no batch query: each open task is one `record-info` request, and kie allows at most 3 of those per
second per task, so `batch_size` is 1 and the driver spaces each task's polls (and backs off as tasks age).

Codes (reference §3.4): 400/413/422 refuse the request itself (moderation when the message says so); 401,
402, 405, 429, 430, 433, 455, 5xx, 505 say the channel cannot take work now (bad key, no credits, rate or
sub-key limits, maintenance, feature off), so another channel is tried.
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
    UpstreamClip,
    UpstreamRefused,
    UpstreamTask,
    as_float,
    moderation,
    text,
    timed_words,
)

REFUSAL_CODES = frozenset({400, 409, 413, 422})
NOT_FOUND_CODES = frozenset({404})
FAILED_STATUSES: dict[str, FailureKind] = {
    "CREATE_TASK_FAILED": FailureKind.CREATE_TASK_FAILED,
    "GENERATE_AUDIO_FAILED": FailureKind.GENERATE_AUDIO_FAILED,
    "GENERATE_LYRICS_FAILED": FailureKind.GENERATE_LYRICS_FAILED,
    "SENSITIVE_WORD_ERROR": FailureKind.SENSITIVE_WORD_ERROR,
}
# Stems in a vocal-removal record: our part name <- kie's response key.
STEM_URL_KEYS: dict[str, str] = {
    "vocals": "vocalUrl",
    "instrumental": "instrumentalUrl",
    "backing_vocals": "backingVocalsUrl",
    "drums": "drumsUrl",
    "bass": "bassUrl",
    "guitar": "guitarUrl",
    "piano": "pianoUrl",
    "keyboard": "keyboardUrl",
    "percussion": "percussionUrl",
    "strings": "stringsUrl",
    "synth": "synthUrl",
    "fx": "fxUrl",
    "brass": "brassUrl",
    "woodwinds": "woodwindsUrl",
    "other": "otherUrl",
}
RECORD_PATHS: dict[OperationKind, str] = {
    OperationKind.LYRICS: "/api/v1/lyrics/record-info",
    OperationKind.STEMS: "/api/v1/vocal-removal/record-info",
    OperationKind.MIDI: "/api/v1/midi/record-info",
}
# MIDI's successFlag is a number: 0 pending, 1 done, 2 not created, 3 failed.
MIDI_FAILED: dict[int, FailureKind] = {
    2: FailureKind.CREATE_TASK_FAILED,
    3: FailureKind.GENERATE_AUDIO_FAILED,
}
SEPARATION_FAILED = frozenset({"CREATE_TASK_FAILED", "GENERATE_AUDIO_FAILED", "CALLBACK_EXCEPTION"})
STAGES = {
    "PENDING": Stage.PENDING,
    "TEXT_SUCCESS": Stage.TEXT,
    "FIRST_SUCCESS": Stage.FIRST,
    "SUCCESS": Stage.SUCCESS,
}


class KieChannel(Channel):
    kind = "kie"
    operations = frozenset(
        {
            OperationKind.GENERATE,
            OperationKind.EXTEND,
            OperationKind.LYRICS,
            OperationKind.STEMS,
            OperationKind.MIDI,
            OperationKind.REPLACE_SECTION,
        }
    )
    batch_size = 1
    max_polls_per_task_second = 3.0

    @classmethod
    def default_model(cls, model: str) -> str:
        return model  # kie speaks our model names (V4_5, V5, ...)

    # ── submit ────────────────────────────────────────────────────────────────────────────────────────
    def submit(self, submission: Submission) -> Accepted:
        path, body = self._request(submission)
        status, data = self.http.call("POST", path, body=body)
        code = _code(status, data)
        if code == 200:
            payload = data.get("data") if isinstance(data, dict) else None
            task_id = text(payload.get("taskId")) if isinstance(payload, dict) else ""
            if task_id:
                return Accepted(ticket=submission.ticket(task_id))
            raise ChannelUnavailable(f"{self.name}: {path} answered without a taskId")
        reason = f"{self.name}: {path} refused with code {code}{self.http.detail(data)}"
        if code in REFUSAL_CODES:
            kind = FailureKind.SENSITIVE_WORD_ERROR if moderation(reason) else FailureKind.CREATE_TASK_FAILED
            raise UpstreamRefused(reason, kind)
        raise ChannelUnavailable(reason)

    def _request(self, submission: Submission) -> tuple[str, dict[str, Any]]:
        r = submission.request
        callback = {"callBackUrl": self.config.callback_url} if self.config.callback_url else {}
        if submission.kind is OperationKind.LYRICS:
            return "/api/v1/lyrics", {"prompt": r.description or r.lyrics, **callback}
        if submission.kind is OperationKind.REPLACE_SECTION:
            return "/api/v1/generate/replace-section", self._replace_section(submission, callback)
        if submission.kind is OperationKind.MIDI:
            if submission.source is None:
                raise UpstreamRefused("MIDI needs the upstream's separation of the song")
            return "/api/v1/midi/generate", {"taskId": submission.source.task_id, **callback}
        if submission.kind is OperationKind.STEMS:
            if submission.source is None:
                raise UpstreamRefused("vocal removal needs the source clip")
            kind = str(r.extra.get("type") or "separate_vocal")
            ids = {"taskId": submission.source.task_id, "audioId": submission.source.clip_id}
            return "/api/v1/vocal-removal/generate", {**ids, "type": kind, **callback}
        body: dict[str, Any] = {
            "model": submission.model,
            "style": r.style,
            "title": r.title,
            "negativeTags": r.negative_style,
            "vocalGender": r.vocal_gender,
            "styleWeight": r.style_weight,
            "weirdnessConstraint": r.weirdness,
            "audioWeight": r.audio_weight,
            **callback,
        }
        if submission.kind is OperationKind.EXTEND:
            source = submission.source
            if source is None:
                raise UpstreamRefused("extend needs the source clip")
            body.update(
                defaultParamFlag=r.custom_mode,
                audioId=source.clip_id,
                continueAt=r.continue_at if r.continue_at is not None else source.duration or None,
                prompt=r.lyrics,
                instrumental=r.instrumental,
            )
            if not r.custom_mode:
                for name in ("style", "title", "prompt", "continueAt"):
                    body.pop(name, None)
                if r.continue_at is not None:
                    body["continueAt"] = r.continue_at
            return "/api/v1/generate/extend", _without_empty(body)
        body.update(
            customMode=r.custom_mode,
            instrumental=r.instrumental,
            prompt=r.lyrics if r.custom_mode else r.description,
            duration=r.duration,
        )
        return "/api/v1/generate", _without_empty(body)

    def _replace_section(self, submission: Submission, callback: dict[str, str]) -> dict[str, Any]:
        r, source = submission.request, submission.source
        if source is None or r.span is None:
            raise UpstreamRefused("replace section needs the source clip and the span")
        body = {
            "taskId": source.task_id,
            "audioId": source.clip_id,
            "prompt": r.lyrics,
            "tags": r.style,
            "title": r.title,
            "negativeTags": r.negative_style,
            "infillStartS": round(r.span[0], 2),
            "infillEndS": round(r.span[1], 2),
            "fullLyrics": str(r.extra.get("full_lyrics") or ""),
            **callback,
        }
        return _without_empty(body)

    def probe(self) -> str:
        status, data = self.http.call("GET", "/api/v1/chat/credit")
        code = _code(status, data)
        if code != 200 or not isinstance(data, dict):
            raise ChannelUnavailable(
                f"{self.name}: credit check answered code {code}{self.http.detail(data)}"
            )
        return f"credits {data.get('data')}"

    def word_timings(self, ticket: Ticket, clip_id: str) -> list[dict[str, Any]] | None:
        """kie's timestamped lyrics of one clip (synchronous, `alignedWords[{word, startS, endS}]`)."""
        path = "/api/v1/generate/get-timestamped-lyrics"
        status, data = self.http.call("POST", path, body={"taskId": ticket.task_id, "audioId": clip_id})
        code = _code(status, data)
        payload = data.get("data") if isinstance(data, dict) else None
        if code != 200 or not isinstance(payload, dict):
            raise ChannelUnavailable(f"{self.name}: {path} answered code {code}{self.http.detail(data)}")
        return timed_words(payload.get("alignedWords"), "startS", "endS")

    # ── poll ──────────────────────────────────────────────────────────────────────────────────────────
    def poll(self, tickets: Sequence[Ticket]) -> dict[str, UpstreamTask]:
        found: dict[str, UpstreamTask] = {}
        for ticket in tickets:
            task = self._poll_one(ticket)
            if task is not None:
                found[ticket.task_id] = task
        return found

    def _poll_one(self, ticket: Ticket) -> UpstreamTask | None:
        path = RECORD_PATHS.get(ticket.kind, "/api/v1/generate/record-info")
        status, data = self.http.call("GET", path, params={"taskId": ticket.task_id})
        code = _code(status, data)
        if code in NOT_FOUND_CODES:
            return None
        record = data.get("data") if isinstance(data, dict) else None
        if code != 200 or not isinstance(record, dict):
            raise ChannelUnavailable(f"{self.name}: {path} answered code {code}{self.http.detail(data)}")
        if ticket.kind is OperationKind.STEMS:
            return self._stems(ticket, record)
        if ticket.kind is OperationKind.MIDI:
            return self._midi(ticket, record)
        return (
            self._lyrics(ticket, record)
            if ticket.kind is OperationKind.LYRICS
            else self._music(ticket, record)
        )

    def _midi(self, ticket: Ticket, record: dict[str, Any]) -> UpstreamTask:
        flag = _number(record.get("successFlag"))
        if flag in MIDI_FAILED:
            return UpstreamTask(
                task_id=ticket.task_id,
                stage=Stage.FAILED,
                failure=MIDI_FAILED[flag],
                reason=self._reason(record, "MIDI generation failed"),
            )
        data = record.get("midiData")
        if flag != 1 or not isinstance(data, dict):
            return UpstreamTask(task_id=ticket.task_id, stage=Stage.PENDING)
        return UpstreamTask(task_id=ticket.task_id, stage=Stage.SUCCESS, data=data)

    def _stems(self, ticket: Ticket, record: dict[str, Any]) -> UpstreamTask:
        flag = text(record.get("successFlag"))
        if flag in SEPARATION_FAILED:
            return UpstreamTask(
                task_id=ticket.task_id,
                stage=Stage.FAILED,
                failure=FailureKind.GENERATE_AUDIO_FAILED,
                reason=self._reason(record, flag),
            )
        if flag != "SUCCESS":
            return UpstreamTask(task_id=ticket.task_id, stage=Stage.PENDING)
        found = record.get("response")
        response: dict[str, Any] = found if isinstance(found, dict) else {}
        files = tuple(
            (part, text(response.get(key))) for part, key in STEM_URL_KEYS.items() if text(response.get(key))
        )
        if not files:
            return UpstreamTask(
                task_id=ticket.task_id,
                stage=Stage.FAILED,
                failure=FailureKind.GENERATE_AUDIO_FAILED,
                reason=f"{self.name}: the upstream's separation succeeded without stems",
            )
        return UpstreamTask(task_id=ticket.task_id, stage=Stage.SUCCESS, files=files)

    def _music(self, ticket: Ticket, record: dict[str, Any]) -> UpstreamTask:
        word = text(record.get("status"))
        response = record.get("response") if isinstance(record.get("response"), dict) else {}
        raw = response.get("sunoData") if isinstance(response, dict) else None
        clips = tuple(_clip(item) for item in raw if isinstance(item, dict)) if isinstance(raw, list) else ()
        if word in FAILED_STATUSES:
            return UpstreamTask(
                task_id=ticket.task_id,
                stage=Stage.FAILED,
                clips=clips,
                failure=FAILED_STATUSES[word],
                reason=self._reason(record, word),
            )
        stage = STAGES.get(word, Stage.PENDING)
        if word == "CALLBACK_EXCEPTION":  # kie could not call *its* callback; the audio may well exist
            done = clips and all(c.audio_url for c in clips)
            stage = Stage.SUCCESS if done else Stage.FIRST if any(c.stream_url for c in clips) else Stage.TEXT
        return UpstreamTask(task_id=ticket.task_id, stage=stage, clips=clips)

    def _lyrics(self, ticket: Ticket, record: dict[str, Any]) -> UpstreamTask:
        word = text(record.get("status"))
        if word in FAILED_STATUSES:
            kind = FAILED_STATUSES[word]
            if kind is FailureKind.GENERATE_AUDIO_FAILED:
                kind = FailureKind.GENERATE_LYRICS_FAILED
            return UpstreamTask(
                task_id=ticket.task_id, stage=Stage.FAILED, failure=kind, reason=self._reason(record, word)
            )
        if word != "SUCCESS":
            return UpstreamTask(task_id=ticket.task_id, stage=Stage.PENDING)
        response = record.get("response") if isinstance(record.get("response"), dict) else {}
        items = response.get("data") if isinstance(response, dict) else None
        variants = tuple(
            {"title": text(item.get("title")), "text": text(item.get("text"))}
            for item in (items if isinstance(items, list) else [])
            if isinstance(item, dict) and text(item.get("text")) and item.get("status") != "failed"
        )
        if not variants:
            return UpstreamTask(
                task_id=ticket.task_id,
                stage=Stage.FAILED,
                failure=FailureKind.GENERATE_LYRICS_FAILED,
                reason=f"{self.name}: the upstream's lyrics task succeeded without lyrics",
            )
        return UpstreamTask(task_id=ticket.task_id, stage=Stage.SUCCESS, lyrics=variants)

    def _reason(self, record: dict[str, Any], word: str) -> str:
        message = text(record.get("errorMessage")).strip()
        code = record.get("errorCode")
        detail = f"{message} (code {code})" if message and code is not None else message or word
        return f"{self.name}: {self.http.redact(detail)}"


def _code(status: int, data: Any) -> int:
    """kie's outcome: the body's `code` when it has one, else the HTTP status."""
    if isinstance(data, dict) and isinstance(data.get("code"), int):
        return int(data["code"])
    return status


def _clip(item: dict[str, Any]) -> UpstreamClip:
    audio = text(item.get("audioUrl") or item.get("audio_url"))
    stream = text(item.get("streamAudioUrl") or item.get("stream_audio_url"))
    status = "complete" if audio else "streaming" if stream else "queued"
    return UpstreamClip(
        id=text(item.get("id")),
        status=status,
        title=text(item.get("title")),
        tags=text(item.get("tags")),
        lyrics=text(item.get("prompt")),
        audio_url=audio,
        stream_url=stream,
        image_url=text(item.get("imageUrl") or item.get("image_url")),
        duration=as_float(item.get("duration")),
    )


def _without_empty(body: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if v is not None and v != ""}


def _number(value: Any) -> int:
    """An integer flag that some upstreams send as a string ("1"); 0 (pending) for anything else."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0
