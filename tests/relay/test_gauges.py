"""Relay channel health as metric families, from the reports workers write into a real (SQLite) store."""

from __future__ import annotations

from pathlib import Path

from tunesmith.engines.relay.config import ChannelConfig
from tunesmith.engines.relay.gauges import relay_families
from tunesmith.engines.relay.kinds import make_channel
from tunesmith.engines.relay.picker import ChannelPicker
from tunesmith.store.migrate import upgrade
from tunesmith.store.sql import SqlStore

KEY = "sk-never-exported"


def picker(*names: str) -> ChannelPicker:
    configs = [ChannelConfig(name=n, kind="kie", base_url="http://127.0.0.1:9", key=KEY) for n in names]
    return ChannelPicker(
        [make_channel(c, timeout=1.0) for c in configs], failures_to_open=2, cooldown_seconds=30
    )


def test_each_channel_of_each_worker_is_one_series(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    upgrade(url)
    store = SqlStore(url)
    try:
        first, second = picker("main", "backup"), picker("main")
        main = first.get("main")
        assert main is not None
        first.failed(main, "down")
        first.failed(main, "down")  # its breaker opens
        backup = first.get("backup")
        assert backup is not None
        first.succeeded(backup)
        store.report_engine_health("w1", "relay", [h.as_dict() for h in first.health()])
        store.report_engine_health("w2", "relay", [h.as_dict() for h in second.health()])
        families = {f.name: f for f in relay_families(store)}
        failures = dict(families["tunesmith_relay_channel_submit_failures"].samples)
        assert failures == {
            ("main", "kie", "w1"): 2.0,
            ("backup", "kie", "w1"): 0.0,
            ("main", "kie", "w2"): 0.0,
        }
        assert families["tunesmith_relay_channel_submit_failures"].type == "counter"
        assert families["tunesmith_relay_channel_open_tasks"].type == "gauge"
        breaker = {labels: v for labels, v in families["tunesmith_relay_channel_breaker"].samples if v}
        assert breaker == {
            ("main", "kie", "w1", "open"): 1.0,
            ("backup", "kie", "w1", "closed"): 1.0,
            ("main", "kie", "w2", "closed"): 1.0,
        }
        last_ok = dict(families["tunesmith_relay_channel_last_ok_timestamp_seconds"].samples)
        assert list(last_ok) == [("backup", "kie", "w1")]  # the others never answered
        assert KEY not in repr(families)
        assert all(not f.samples for f in relay_families(store, fresh_seconds=-60))  # stale reports drop out
    finally:
        store.close()
