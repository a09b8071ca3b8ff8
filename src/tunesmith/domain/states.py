"""Task and clip states, and the transitions allowed between them.

The internal task state machine (see DESIGN.md)::

    PENDING ─► TEXT_SUCCESS ─► FIRST_SUCCESS ─► SUCCESS
       │            │                │
       └────────────┴────────────────┴──► FAILED (with a FailureKind)

States only move forward: a retried task keeps the furthest state it reached, so a client never sees a task
go backwards. Each dialect maps these to its own words.
"""

from __future__ import annotations

from enum import IntEnum, StrEnum


class TaskState(StrEnum):
    PENDING = "PENDING"
    TEXT_SUCCESS = "TEXT_SUCCESS"
    FIRST_SUCCESS = "FIRST_SUCCESS"
    SUCCESS = "SUCCESS"
    FAILED = "FAILED"


class FailureKind(StrEnum):
    """Why a task failed; kie.ai reports these names directly as its status."""

    CREATE_TASK_FAILED = "CREATE_TASK_FAILED"
    GENERATE_AUDIO_FAILED = "GENERATE_AUDIO_FAILED"
    GENERATE_LYRICS_FAILED = "GENERATE_LYRICS_FAILED"
    SENSITIVE_WORD_ERROR = "SENSITIVE_WORD_ERROR"
    TIMEOUT = "TIMEOUT"


class FailureCode(IntEnum):
    """Why a task failed, finer than its kind, where a client can act on it (`Failure.code`).

    Stored with the task as these numbers, which stored tasks already carry; each dialect says them in its
    own words (kie: dialects/kie/failures.py). A relayed task may carry its upstream's own code instead.
    """

    REFUSED = 400  # the engine refused the request's values (an unknown stems type, an empty prompt)
    TIMED_OUT = 408  # the task ran past its time limit
    SOURCE_UNREADABLE = 451  # an outside audio URL could not be fetched or decoded
    GENERATION_FAILED = 501  # nothing could be made (the source kept no stems/MIDI, the worker kept dying)


class ClipState(StrEnum):
    """A clip's own progress, in Suno's words (gcui and new-api clients read these verbatim)."""

    SUBMITTED = "submitted"
    QUEUED = "queued"
    STREAMING = "streaming"
    COMPLETE = "complete"
    ERROR = "error"


class QueueStatus(StrEnum):
    """Where a task is in the work queue; separate from what the client sees."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"


TERMINAL_STATES = frozenset({TaskState.SUCCESS, TaskState.FAILED})

_ORDER = {
    TaskState.PENDING: 0,
    TaskState.TEXT_SUCCESS: 1,
    TaskState.FIRST_SUCCESS: 2,
    TaskState.SUCCESS: 3,
}


def can_transition(current: TaskState, target: TaskState) -> bool:
    """True when `target` may follow `current`: forward only, and nothing leaves a terminal state."""
    if current in TERMINAL_STATES:
        return False
    if target is TaskState.FAILED:
        return True
    return _ORDER[target] > _ORDER[current]


def advance(current: TaskState, target: TaskState) -> TaskState:
    """The state after reporting `target`: the furthest of the two (reports may arrive late or twice)."""
    if current in TERMINAL_STATES:
        return current
    if target is TaskState.FAILED:
        return target
    return target if _ORDER[target] > _ORDER[current] else current
