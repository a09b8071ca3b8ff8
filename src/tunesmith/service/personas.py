"""Personas: a clip's voice and style kept under a name, so later songs can be sung the same way (kie
`generate-persona`, then `personaId` on generate).

What a persona holds is what our engines can reproduce: the voice (`m`/`f`, the singer the composer chose for
that clip) and a style. The voice is read from the clip's `plan.json` (the engine's own record of whom it had
sing), else from the request the clip was made from, else from the clip's style tags; a persona is made once
per clip (the store refuses a second one with Conflict, kie's 409).
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from tunesmith.domain.errors import InvalidRequest
from tunesmith.domain.models import ApiKey, Clip, Persona, Task
from tunesmith.domain.states import ClipState
from tunesmith.media.store import MediaMissing, MediaStore
from tunesmith.service.tasks import TaskService
from tunesmith.store.base import Store

MIN_WINDOW = 10.0
MAX_WINDOW = 30.0
_EDGE = 0.01  # seconds of slack at the song's end: durations are rounded when stored
DEFAULT_VOICE = "f"
_FEMALE = re.compile(r"\b(female|woman|girl|soprano|alto)\b|女声|女歌手", re.IGNORECASE)
_MALE = re.compile(r"\b(male|man|boy|baritone|tenor|bass singer)\b|男声|男歌手", re.IGNORECASE)


@dataclass(frozen=True, kw_only=True)
class PersonaDraft:
    task_id: str
    audio_id: str
    name: str
    description: str
    vocal_start: float = 0.0
    vocal_end: float = 30.0
    style: str = ""


class PersonaService:
    def __init__(self, store: Store, tasks: TaskService, media: MediaStore) -> None:
        self.store = store
        self.tasks = tasks
        self.media = media

    def create(self, key: ApiKey, draft: PersonaDraft) -> Persona:
        """Check the clip (the caller's, in that task, finished, sung) and the vocal window, then store."""
        task = self.tasks.get(key, draft.task_id)
        clip = self.tasks.own_clip(key, draft.audio_id)
        if clip.task_id != task.id:
            raise InvalidRequest(f"The audio {clip.id} does not belong to task {task.id}", field="audioId")
        if clip.state is not ClipState.COMPLETE:
            raise InvalidRequest(f"The audio {clip.id} is not finished yet", field="audioId")
        if task.request.instrumental or not clip.lyrics.strip():
            raise InvalidRequest(
                "The audio is instrumental: it has no voice to make a persona of", field="audioId"
            )
        check_window(draft.vocal_start, draft.vocal_end, clip.duration or 0.0)
        texts = [("title", draft.name), ("description", draft.description), ("style", draft.style)]
        self.tasks.review_texts(key, texts, what="persona")
        persona = Persona(
            id=uuid.uuid4().hex,
            key_id=key.id,
            name=draft.name.strip(),
            description=draft.description.strip(),
            source_clip_id=clip.id,
            voice=self.voice_of(task, clip),
            style=draft.style.strip() or clip.tags,
            vocal_start=draft.vocal_start,
            vocal_end=draft.vocal_end,
            created_at=datetime.now(UTC),
        )
        return self.store.create_persona(persona)

    def voice_of(self, task: Task, clip: Clip) -> str:
        """`m` or `f`: the engine's plan, else the request's vocal_gender, else the tags, else the default."""
        plan_key = clip.artifacts.get("plan")
        if plan_key:
            try:
                plan = json.loads(self.media.read_bytes(plan_key))
            except (MediaMissing, OSError, ValueError):
                plan = {}
            voice = str(plan.get("voice") or "").lower()
            if voice in ("female", "male"):
                return "m" if voice == "male" else "f"
        if task.request.vocal_gender in ("m", "f"):
            return task.request.vocal_gender
        tags = f"{clip.tags} {task.request.style}"
        female, male = bool(_FEMALE.search(tags)), bool(_MALE.search(tags))
        if male and not female:
            return "m"
        return DEFAULT_VOICE


def check_window(start: float, end: float, duration: float) -> None:
    """kie: the vocal window lasts 10–30 s; here it must also lie inside the song."""
    length = end - start
    if start < 0 or end <= start:
        raise InvalidRequest("vocalEnd must be after vocalStart, and vocalStart at least 0", field="vocalEnd")
    if not MIN_WINDOW <= length <= MAX_WINDOW:
        raise InvalidRequest(
            f"The vocal window must last {MIN_WINDOW:g}–{MAX_WINDOW:g} s, got {length:g} s", field="vocalEnd"
        )
    if end > duration + _EDGE:
        raise InvalidRequest(
            f"The vocal window ends at {end:g} s, after the song ends ({duration:g} s)", field="vocalEnd"
        )
