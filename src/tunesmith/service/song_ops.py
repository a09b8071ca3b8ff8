"""Operations on the caller's own songs (WAV, stems, MIDI, video, cover art, lyrics, word timings, style
boost): which source a request may name, what the derived task asks for, and when a request is refused.

Dialect-free: a route translates its request into these arguments and the answer into its envelope (kie's
are in api/routes/kie_ops.py). Submission, charging and refunds stay with TaskService.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import replace
from typing import Any

from tunesmith.domain.errors import Conflict, InvalidRequest, NotFound
from tunesmith.domain.models import ApiKey, Clip, Task
from tunesmith.domain.operations import OperationKind, SongRequest
from tunesmith.domain.states import ClipState, TaskState
from tunesmith.media.store import MediaStore
from tunesmith.service import clip_files
from tunesmith.service.tasks import TaskService
from tunesmith.store.base import Store

# Tasks that made no music: a request naming one as "the music task" is refused.
_NOT_MUSIC = (
    OperationKind.WAV,
    OperationKind.STEMS,
    OperationKind.MIDI,
    OperationKind.VIDEO,
    OperationKind.COVER_ART,
    OperationKind.LYRICS,
)


def derived(kind: OperationKind, source: Task, clip: Clip | None, **extra: Any) -> SongRequest:
    """A derived operation on `clip` (or on the whole `source` task): the source's model keeps the record
    consistent; title and style travel with it for the operations that draw them (cover art, video)."""
    first = clip or (min(source.clips, key=lambda c: c.index) if source.clips else None)
    return SongRequest(
        kind=kind,
        model=source.request.model,
        title=(first.title if first else "") or source.request.title,
        style=(first.tags if first else "") or source.request.style,
        source_clip_id=clip.id if clip else None,
        source_task_id=source.id,
        extra=extra,
    )


def lyrics(prompt: str) -> SongRequest:
    """A lyrics task from a one-line idea."""
    if not prompt.strip():
        raise InvalidRequest("prompt is required: what the lyrics are about", field="prompt")
    return SongRequest(kind=OperationKind.LYRICS, description=prompt.strip())


class SongOps:
    """The rules of song operations over the caller's own tasks and clips."""

    def __init__(self, tasks: TaskService, store: Store, media: MediaStore) -> None:
        self.tasks = tasks
        self.store = store
        self.media = media

    def music_clip(self, key: ApiKey, task_id: str, audio_id: str) -> tuple[Task, Clip]:
        """The caller's music task and one of its clips; a clip of another task is "not found" in this one."""
        task = self.tasks.get(key, task_id)
        clip = self.tasks.own_clip(key, audio_id)
        if clip.task_id != task.id:
            raise NotFound(f"Audio {audio_id} not found in task {task_id}", field="audioId")
        return task, clip

    def clip_and_task(self, key: ApiKey, audio_id: str) -> tuple[Task, Clip]:
        """The caller's clip `audio_id` and the task that made it."""
        clip = self.tasks.own_clip(key, audio_id)
        return self.tasks.get(key, clip.task_id), clip

    def record(self, key: ApiKey, task_id: str, kind: OperationKind, what: str) -> Task:
        """The caller's task of `kind`; any other task id is "not found" on that kind's record route."""
        task = self.tasks.get(key, task_id)
        if task.operation is not kind:
            raise NotFound(f"{what} task not found: {task_id}", field="taskId")
        return task

    def source_clip(self, task: Task) -> Clip | None:
        return self.store.get_clip(task.parent_clip_id) if task.parent_clip_id else None

    def wav(self, key: ApiKey, task_id: str, audio_id: str) -> SongRequest:
        """WAV of a clip, once per clip: a second request is a conflict naming the first task."""
        source, clip = self.music_clip(key, task_id, audio_id)
        earlier = self.tasks.existing(key, OperationKind.WAV, clip_id=clip.id)
        if earlier is not None:
            raise Conflict(
                f"A WAV record already exists for audio {clip.id} (taskId {earlier.id})", field="audioId"
            )
        return derived(OperationKind.WAV, source, clip)

    def stems(self, key: ApiKey, task_id: str, audio_id: str, split: str) -> SongRequest:
        source, clip = self.music_clip(key, task_id, audio_id)
        return derived(OperationKind.STEMS, source, clip, type=split)

    def midi(
        self,
        key: ApiKey,
        task_id: str,
        audio_id: str | None,
        stem_ids: Callable[[Task], Collection[str]],
    ) -> SongRequest:
        """MIDI of a song: `task_id` names a finished separation (whose stems `stem_ids` lists in the
        dialect's own ids) or the music task itself (then `audio_id` is required)."""
        named = self.tasks.get(key, task_id)
        if named.operation is OperationKind.STEMS:
            if named.state is not TaskState.SUCCESS:
                raise InvalidRequest(f"The vocal removal task {named.id} is not finished", field="taskId")
            if audio_id and audio_id not in stem_ids(named) and audio_id != named.parent_clip_id:
                raise NotFound(f"Audio {audio_id} not found in task {named.id}", field="audioId")
            clip = self.tasks.own_clip(key, named.parent_clip_id or "")
            music = self.tasks.get(key, clip.task_id)
        elif named.operation in _NOT_MUSIC:
            raise InvalidRequest("taskId must be a vocal removal task or a music task", field="taskId")
        else:
            if not audio_id:
                raise InvalidRequest("audioId is required when taskId is a music task", field="audioId")
            music, clip = self.music_clip(key, named.id, audio_id)
        # source_task_id: the task the client named, so its record reports it (kie: recordTaskId).
        return replace(
            derived(OperationKind.MIDI, music, clip, audio_id=audio_id or clip.id), source_task_id=named.id
        )

    def video(self, key: ApiKey, task_id: str, audio_id: str, **extra: Any) -> SongRequest:
        source, clip = self.music_clip(key, task_id, audio_id)
        return derived(OperationKind.VIDEO, source, clip, **extra)

    def cover_art(self, key: ApiKey, task_id: str) -> SongRequest | Task:
        """Cover art of a finished music task, made once per task: the earlier cover task when there is one
        (the dialect answers with it), else the request for a new one."""
        source = self.tasks.get(key, task_id)
        if source.operation in _NOT_MUSIC:
            raise InvalidRequest("taskId must be a music task", field="taskId")
        if source.state is not TaskState.SUCCESS:
            raise InvalidRequest(f"The music task {source.id} is not finished", field="taskId")
        earlier = self.tasks.existing(key, OperationKind.COVER_ART, task_id=source.id)
        if earlier is not None:
            return earlier
        return derived(OperationKind.COVER_ART, source, None)

    def boost(self, key: ApiKey, content: str) -> str:
        """The detailed style for `content` (free, synchronous, the same for the same content), once the
        content policy has read it."""
        from tunesmith.engines.studio.sync import boost_style

        if not content.strip():
            raise InvalidRequest("content is required: the style to boost", field="content")
        self.tasks.review_texts(key, [("style", content)], what="style boost")
        return boost_style(content.strip(), seed=0)

    def word_timestamps(self, key: ApiKey, task_id: str, audio_id: str) -> dict[str, Any]:
        """When each word of a finished, sung clip is sung (the engine's own timings) and its waveform."""
        from tunesmith.engines.studio.sync import aligned_data

        task, clip = self.music_clip(key, task_id, audio_id)
        if clip.state is not ClipState.COMPLETE:
            raise InvalidRequest(f"The audio {clip.id} is not finished yet", field="audioId")
        timings = clip.artifacts.get("timings")
        if task.request.instrumental or not clip.lyrics.strip():
            raise InvalidRequest("The audio is instrumental: it has no lyrics to timestamp", field="audioId")
        if not timings:
            why = f"The audio {clip.id} has no word timings: the engine that made it keeps none"
            raise InvalidRequest(why, field="audioId")
        data = aligned_data(clip_files.word_timings(self.media, clip), clip_files.waveform(self.media, clip))
        if not data.get("alignedWords"):
            raise InvalidRequest("The audio is instrumental: it has no lyrics to timestamp", field="audioId")
        return data
