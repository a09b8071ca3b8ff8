"""Relay channel health as metric families for `GET /metrics` (api.metrics.RelayCollector turns each
`Family` into a prometheus-client family): plain data, so the engine needs no metrics library.

The samples come from what every worker's drivers report into the store (`engine_health`, every few
seconds), so an API process that runs no worker exports its workers' view. One series per channel and
worker; counters count since that worker started. Channels are named, never their keys."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from tunesmith.engines.relay.breaker import BreakerState
from tunesmith.engines.relay.status import ENGINE, FRESH_SECONDS
from tunesmith.store.base import Store

LABELS = ("channel", "kind", "worker")
PREFIX = "tunesmith_relay_channel_"
# What each worker reports per channel -> (metric name after PREFIX, type, help).
FIELDS: dict[str, tuple[str, str, str]] = {
    "open_tasks": ("open_tasks", "gauge", "Relay tasks open on the channel"),
    "consecutive_failures": ("consecutive_failures", "gauge", "Failures in a row (the breaker opens at N)"),
    "submits": ("submits", "counter", "Tasks the channel accepted"),
    "submit_failures": ("submit_failures", "counter", "Submits the channel could not take (next channel)"),
    "refusals": ("refusals", "counter", "Requests the upstream refused (validation, moderation)"),
    "polls": ("polls", "counter", "Poll requests sent to the channel"),
    "poll_failures": ("poll_failures", "counter", "Poll requests that failed"),
    "mirrored": ("mirrored", "counter", "Files copied from the channel into Tunesmith's media"),
    "last_ok_at": ("last_ok_timestamp_seconds", "gauge", "Unix time of the channel's last good answer"),
}
BREAKER = ("breaker", "gauge", "The channel's circuit breaker: 1 for its current state, 0 for the others")


@dataclass
class Family:
    """One metric: its name, type (gauge or counter), help, label names and (label values, value) rows."""

    name: str
    type: str
    help: str
    labels: tuple[str, ...]
    samples: list[tuple[tuple[str, ...], float]] = field(default_factory=list)


def relay_families(store: Store, *, fresh_seconds: float = FRESH_SECONDS) -> list[Family]:
    """Every relay metric, from the workers' reports of the last `fresh_seconds` (gone workers drop out)."""
    since = datetime.now(UTC) - timedelta(seconds=fresh_seconds)
    families = {key: Family(PREFIX + name, kind, text, LABELS) for key, (name, kind, text) in FIELDS.items()}
    name, kind, text = BREAKER
    breaker = Family(PREFIX + name, kind, text, (*LABELS, "state"))
    seen: set[str] = set()
    for worker_id, _at, payload in store.engine_health(ENGINE, since):
        if worker_id in seen:  # newest report first: an older one of the same worker is stale
            continue
        seen.add(worker_id)
        for entry in payload:
            labels = (str(entry.get("name", "")), str(entry.get("kind", "")), worker_id)
            for key, family in families.items():
                value = _number(entry.get(key))
                if value is not None:
                    family.samples.append((labels, value))
            current = str(entry.get("breaker", ""))
            for state in BreakerState:
                breaker.samples.append(((*labels, state.value), 1.0 if state.value == current else 0.0))
    return [*families.values(), breaker]


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)
