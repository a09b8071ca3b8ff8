"""The upstream kinds a channel can be, by the name operators write in `kind`."""

from __future__ import annotations

import httpx

from tunesmith.engines.relay.channel import Channel
from tunesmith.engines.relay.config import ChannelConfig
from tunesmith.engines.relay.gcui import GcuiChannel
from tunesmith.engines.relay.kie import KieChannel
from tunesmith.engines.relay.newapi import NewApiChannel

KINDS: dict[str, type[Channel]] = {"kie": KieChannel, "newapi": NewApiChannel, "gcui": GcuiChannel}


def make_channel(
    config: ChannelConfig, *, timeout: float, transport: httpx.BaseTransport | None = None
) -> Channel:
    return KINDS[config.kind](config, timeout=timeout, transport=transport)
