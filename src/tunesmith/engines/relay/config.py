"""The operator's relay configuration: the upstream channels and how hard to lean on them.

Channels come from `TUNESMITH_RELAY_CHANNELS` (a JSON list) or `[[relay.channels]]` in the TOML file; the
tuning values from `TUNESMITH_RELAY_*` or the `[relay]` table (see tunesmith.settings). Keys are held as
pydantic `SecretStr`, so a channel printed, logged or put in an error shows `**********`, never the key.
"""

from __future__ import annotations

import re
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

ChannelKind = Literal["kie", "newapi", "gcui"]
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


class ChannelConfig(BaseModel):
    """One upstream provider account."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(
        description="Unique among channels; recorded on tasks, shown by `tunesmith relay status`."
    )
    kind: ChannelKind = Field(
        description="kie (kie.ai, sunoapi.org), newapi (new-api, GoAmz), gcui (suno-api)."
    )
    base_url: str = Field(description="The upstream's root, e.g. https://api.kie.ai (no trailing path).")
    key: SecretStr = Field(SecretStr(""), description="Bearer key of the upstream account (never shown).")
    priority: int = Field(0, description="Lower is tried first.")
    weight: int = Field(1, ge=1, description="Share of submits among channels of equal priority.")
    models: dict[str, str] = Field(
        default_factory=dict,
        description="Our model name -> the upstream's. Empty: every model, under the kind's usual name.",
    )
    max_concurrent: int = Field(20, ge=1, description="Open tasks at most on this channel (per worker).")
    callback_url: str = Field(
        "",
        description="Sent as the upstream's callBackUrl where it demands one (kie); Tunesmith polls anyway.",
    )

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not _NAME.match(value):
            raise ValueError("use letters, digits, '.', '_' or '-' (at most 64)")
        return value

    @field_validator("base_url")
    @classmethod
    def _base_url(cls, value: str) -> str:
        parts = urlsplit(value.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("must be an http(s) URL with a host")
        if parts.query or parts.fragment or parts.username or parts.password:
            raise ValueError("must not carry a query, fragment or credentials (put the key in `key`)")
        return value.strip().rstrip("/")

    @property
    def host(self) -> str:
        """The upstream's host name: media it serves from here may be fetched even if private."""
        return urlsplit(self.base_url).hostname or ""

    def upstream_model(self, model: str, default: str) -> str | None:
        """The upstream's name for our `model`: from `models` when it is set (None when it lacks the model),
        else `default` (the kind's own spelling)."""
        if self.models:
            return self.models.get(model)
        return default


class RelayConfig(BaseModel):
    """Every channel, and the relay's timing and limits."""

    model_config = ConfigDict(frozen=True)

    channels: tuple[ChannelConfig, ...] = ()
    poll_interval_seconds: float = Field(5.0, gt=0)  # one poll cycle per channel at most this often
    request_timeout_seconds: float = Field(15.0, gt=0)  # one submit or poll request (new-api uses 15 s)
    breaker_failures: int = Field(3, ge=1)  # consecutive failures that open a channel's breaker
    breaker_cooldown_seconds: float = Field(30.0, gt=0)  # before a half-open probe is let through
    media_max_bytes: int = Field(100_000_000, ge=1)  # one mirrored file
    media_timeout_seconds: float = Field(120.0, gt=0)  # one mirrored file, the whole download
    max_streams: int = Field(16, ge=0)  # upstream streams proxied at once (per worker)

    @field_validator("channels")
    @classmethod
    def _unique(cls, value: tuple[ChannelConfig, ...]) -> tuple[ChannelConfig, ...]:
        names = [c.name for c in value]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"channel names must be unique: {', '.join(dupes)}")
        return value

    @classmethod
    def from_options(cls, options: dict[str, Any]) -> RelayConfig:
        return cls.model_validate(options)

    def channel(self, name: str) -> ChannelConfig | None:
        return next((c for c in self.channels if c.name == name), None)
