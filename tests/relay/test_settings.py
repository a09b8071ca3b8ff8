"""Relay channels from the environment and from TOML, checked as every setting is, never echoing a key."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tunesmith.settings import load_settings
from tunesmith.startup.errors import OperatorError

TOML = """
[models]
V4_5 = "relay"

[relay]
poll_interval_seconds = 2.5

[[relay.channels]]
name = "kie-main"
kind = "kie"
base_url = "https://api.kie.ai/"
key = "sk-toml-secret"
weight = 3

[[relay.channels]]
name = "gateway"
kind = "newapi"
base_url = "http://10.0.0.5:3000"
key = "sk-other-secret"
priority = 1
models = { V4_5 = "chirp-auk" }
"""


def test_channels_and_tuning_from_the_toml_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "tunesmith.toml").write_text(TOML, encoding="utf-8")
    relay = load_settings().relay
    assert relay.poll_interval_seconds == 2.5
    assert [(c.name, c.kind, c.priority, c.weight) for c in relay.channels] == [
        ("kie-main", "kie", 0, 3),
        ("gateway", "newapi", 1, 1),
    ]
    assert relay.channels[0].base_url == "https://api.kie.ai"
    assert relay.channels[1].models == {"V4_5": "chirp-auk"}
    assert relay.channels[0].key.get_secret_value() == "sk-toml-secret"
    assert "sk-toml-secret" not in repr(load_settings())


def test_channels_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    channels = [{"name": "g", "kind": "gcui", "base_url": "http://127.0.0.1:3000", "max_concurrent": 2}]
    monkeypatch.setenv("TUNESMITH_RELAY_CHANNELS", json.dumps(channels))
    monkeypatch.setenv("TUNESMITH_RELAY_BREAKER_FAILURES", "5")
    relay = load_settings().relay
    assert relay.channels[0].max_concurrent == 2 and relay.breaker_failures == 5


def test_mistakes_are_refused_in_one_line_without_the_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "tunesmith.toml").write_text("[relay]\npoll_intervall_seconds = 3\n", encoding="utf-8")
    with pytest.raises(OperatorError, match="relay_poll_interval_seconds"):
        load_settings()
    (tmp_path / "tunesmith.toml").unlink()
    bad = [{"name": "x", "kind": "suno", "base_url": "https://h", "key": "sk-leaky-secret"}]
    monkeypatch.setenv("TUNESMITH_RELAY_CHANNELS", json.dumps(bad))
    with pytest.raises(OperatorError) as refused:
        load_settings()
    assert "relay_channels" in str(refused.value) and "sk-leaky-secret" not in str(refused.value)
    monkeypatch.setenv("TUNESMITH_RELAY_CHANNELS", "sk-leaky-secret")
    with pytest.raises(OperatorError) as refused:
        load_settings()
    assert "sk-leaky-secret" not in str(refused.value)
