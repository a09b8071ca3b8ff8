"""`tunesmith relay status`: each channel as configured, as it answers now (a probe), and as every running
worker last saw it (breaker, open tasks, counters: what the workers' drivers report into the store).

`report()` returns plain data, so the command can print a table or JSON and a metrics exporter can use it.
Keys never appear: channels are described by name, kind and URL only.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from tunesmith.engines.relay.channel import ChannelUnavailable
from tunesmith.engines.relay.config import ChannelConfig, RelayConfig
from tunesmith.engines.relay.kinds import make_channel
from tunesmith.store.base import Store

ENGINE = "relay"
FRESH_SECONDS = 120.0  # worker reports older than this are left out (that worker is gone or stuck)


def probe(config: ChannelConfig, timeout: float) -> dict[str, Any]:
    """One cheap authenticated request to the channel now."""
    channel = make_channel(config, timeout=timeout)
    started = time.monotonic()
    try:
        detail = channel.probe()
        ok = True
    except ChannelUnavailable as exc:
        detail, ok = exc.message, False
    finally:
        channel.close()
    return {"ok": ok, "ms": round((time.monotonic() - started) * 1000), "detail": detail}


def report(
    config: RelayConfig,
    store: Store | None,
    *,
    probe_now: bool = True,
    prober: Callable[[ChannelConfig, float], dict[str, Any]] = probe,
) -> list[dict[str, Any]]:
    """One entry per configured channel: its settings, `probe` (or None), `workers` (what each saw)."""
    seen: dict[str, list[dict[str, Any]]] = {}
    if store is not None:
        since = datetime.now(UTC) - timedelta(seconds=FRESH_SECONDS)
        for worker_id, at, payload in store.engine_health(ENGINE, since):
            for entry in payload:
                view = {k: v for k, v in entry.items() if k not in ("name", "kind", "base_url")}
                seen.setdefault(str(entry.get("name")), []).append(
                    {"worker": worker_id, "at": at.isoformat(), **view}
                )
    out = []
    for channel in config.channels:
        out.append(
            {
                "name": channel.name,
                "kind": channel.kind,
                "base_url": channel.base_url,
                "priority": channel.priority,
                "weight": channel.weight,
                "max_concurrent": channel.max_concurrent,
                "models": dict(channel.models),
                "probe": prober(channel, config.request_timeout_seconds) if probe_now else None,
                "workers": seen.get(channel.name, []),
            }
        )
    return out
