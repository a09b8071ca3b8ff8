"""How a task refused for the text written for it (after submit) must stand: shared by the content policy's
tests of the blocklist and of the external moderation service."""

from __future__ import annotations

from tests.support.harness import ServiceHarness
from tunesmith.domain.states import FailureKind, TaskState


def _key_id(service: ServiceHarness, token: str) -> str:
    return service.services.keys.authenticate(f"Bearer {token}").id


def assert_refused_and_refunded(
    service: ServiceHarness,
    token: str,
    task_id: str,
    field: str,
    term: str,
    source: str = "blocklist",
    *,
    granted: int,
) -> None:
    """The task failed for sensitive words, made no audio, was charged and refunded exactly once (the key's
    balance is back at the `granted` credits), and keeps the finding for the operator."""
    task = service.services.store.get_task(task_id)
    assert task is not None and task.state is TaskState.FAILED and task.failure is not None
    assert task.failure.kind is FailureKind.SENSITIVE_WORD_ERROR and task.failure.code == 400
    assert f"the {field} written for this song" in task.failure.message
    assert term not in task.failure.message.lower()
    assert task.engine_state["policy"] == {"field": field, "source": source, "detail": term}
    assert all(c.audio_key is None and c.stream_key is None for c in task.clips)
    assert service.services.store.media_of(task_ids=[task_id]) == []
    ledger = service.services.store.ledger(_key_id(service, token))
    assert [e["reason"].split(":")[0] for e in ledger].count("refund") == 1
    assert service.services.keys.balance(service.services.keys.authenticate(f"Bearer {token}")) == granted
