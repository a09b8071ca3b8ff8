"""Configuration: command-line flags, then TUNESMITH_* environment variables, then an optional TOML file,
then the embedded defaults (SQLite and media under the data directory, the built-in composer engine)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from tunesmith.engines.relay.config import ChannelConfig, RelayConfig
from tunesmith.startup.config import check_env_names, check_toml_keys, describe_invalid, read_toml
from tunesmith.startup.errors import OperatorError

DEFAULT_COSTS: dict[str, int] = {
    "generate": 12,
    "extend": 12,
    "lyrics": 1,
    "concat": 2,
    "upload_cover": 12,
    "upload_extend": 12,
    "add_instrumental": 12,
    "add_vocals": 12,
    "upload": 2,
    "mashup": 12,
    "replace_section": 6,
    "crop": 2,
    "wav": 1,
    "stems": 10,
    "midi": 2,
    "video": 2,
    "cover_art": 1,
}


# TOML tables whose keys are settings named with the table in front ([relay] max_streams: relay_max_streams).
TABLES = ("relay", "acestep")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TUNESMITH_", extra="ignore")

    data_dir: Path = Path("data")
    database_url: str = ""  # default: sqlite file in data_dir
    public_url: str = ""  # default: http://host:port
    host: str = "127.0.0.1"
    port: int = 8000

    # Keys accepted as-is (comma-separated in the environment), for development and scripts.
    api_keys: list[str] = Field(default_factory=list)
    new_key_credits: int = 1000
    webhook_secret: str | None = None  # signs callbacks when a key has no secret of its own

    # Work
    workers: int = 1  # tasks rendered at once by this process (`serve`) or worker (`worker`)
    lease_seconds: float = 30.0
    task_timeout_seconds: float = 900.0
    max_attempts: int = 3
    poll_interval_seconds: float = 0.25
    shutdown_grace_seconds: float = 20.0

    # Engines: client model name -> engine alias or "module:Class"
    models: dict[str, str] = Field(default_factory=dict)
    default_engine: str = "composer"

    # Money and limits
    costs: dict[str, int] = Field(default_factory=lambda: dict(DEFAULT_COSTS))
    submit_limit: int = 20
    submit_window_seconds: float = 10.0
    query_limit_per_task: int = 3  # record-info requests per second per task
    max_body_bytes: int = 1_000_000
    # Slow clients (tunesmith.api.slowclients): a request's headers must arrive within header_timeout_seconds
    # and its body within body_timeout_seconds (else 408), headers hold at most max_header_bytes (else 431),
    # and at most max_connections are open at once (else 503); an idle kept-alive connection closes after
    # keep_alive_seconds.
    header_timeout_seconds: float = 10.0
    body_timeout_seconds: float = 30.0
    max_header_bytes: int = 32_768
    max_connections: int = 1000
    keep_alive_seconds: float = 5.0
    # Operations: GET /metrics is open unless an address list (IPs/CIDRs) or a bearer token is set; /readyz
    # wants a recent worker heartbeat when workers are expected (default: when this process runs workers).
    metrics_allow: list[str] = Field(default_factory=list)
    metrics_token: str = ""
    expect_workers: bool | None = None
    log_format: Literal["text", "json"] = "text"
    telemetry: bool = False  # FastAPI's native OpenTelemetry (configure exporters with OTEL_* variables)
    redis_url: str = ""  # e.g. redis://127.0.0.1:6379/0: rate limits shared by every API process
    chat_wait_seconds: float = 300.0  # how long /v1/chat/completions waits for the song (Suno-API Go: 300)
    maintenance: bool = False  # refuse new work (kie code 455) while keeping reads and running tasks going

    # Callbacks
    callback_allow: list[str] = Field(default_factory=list)  # hosts/IPs/CIDRs allowed despite being private
    callback_timeout_seconds: float = 15.0
    callback_max_retries: int = 3
    callback_backoff_seconds: list[float] = Field(default_factory=lambda: [5.0, 30.0, 120.0])

    # Outside audio fetched by URL (kie's uploadUrl), before the engine starts
    upload_allow: list[str] = Field(default_factory=list)  # hosts/IPs/CIDRs allowed despite being private
    upload_max_bytes: int = 50_000_000
    upload_max_seconds: float = 480.0  # kie: 8 minutes
    upload_timeout_seconds: float = 60.0  # the whole download

    # Lyrics from an OpenAI-compatible chat model (Ollama, llama.cpp, vLLM...), with the offline songwriter as
    # the fallback whenever the model fails. Empty URL: the songwriter alone.
    lyrics_model_url: str = ""  # base URL of the API, ending in /v1, e.g. http://127.0.0.1:11434/v1
    lyrics_model: str = ""  # the model name the server knows, e.g. llama3.1:8b
    lyrics_model_key: str = ""  # bearer token, when the server wants one
    lyrics_model_timeout_seconds: float = 60.0  # how long one task waits for the model, all requests together

    # Media: where finished files live, who may fetch them, for how long (see media/ and the README)
    media_url: str = ""  # a directory (default: <data_dir>/media) or s3://bucket/prefix
    s3_endpoint_url: str = ""  # an S3-compatible server (MinIO, Ceph...); credentials from AWS_* variables
    media_public_url: str = ""  # a CDN/bucket URL serving the store's pub/ prefix; default: the API serves
    media_retention_days: float = 0.0  # files older than this expire (kie.ai keeps 14-15 days); 0: forever
    key_storage_mb: int = 0  # media one key's songs may occupy, unless the key has its own; 0: no limit
    media_lossless: Literal["rebuild", "keep"] = "rebuild"  # rebuild masters/stems on demand, or keep FLACs
    stream_keep_seconds: float = 600.0  # live-stream pieces stay this long after a clip completes
    scratch_dir: Path | None = None  # where engines write before publishing; default: <data_dir>/scratch

    # Content policy (tunesmith.policy; README "Content policy"): refused at submit, SENSITIVE_WORD_ERROR when
    # an engine writes it. Nothing is refused while none of these is set.
    blocklist_file: Path | None = None  # terms and phrases, one a line, [field] sections; reloaded on change
    artist_names_file: Path | None = None  # protected artist names, one a line (refused in styles)
    artist_names_action: Literal["refuse", "strip"] = "refuse"  # or remove the name, with a note in the task
    moderation_url: str = ""  # an OpenAI-compatible /moderations endpoint (or its /v1 base)
    moderation_key: str = ""  # bearer token for it
    moderation_model: str = ""  # sent as `model` when set, e.g. omni-moderation-latest
    moderation_timeout_seconds: float = 5.0
    moderation_fail_closed: bool = False  # refuse while the service gives no verdict (default: let through)

    # The relay engine's upstream channels (`[[relay.channels]]` in TOML) and tuning (`[relay]` table); see
    # tunesmith.engines.relay.config and docs/engines/relay.md.
    relay_channels: list[ChannelConfig] = Field(default_factory=list)
    relay_poll_interval_seconds: float = 5.0
    relay_request_timeout_seconds: float = 15.0
    relay_breaker_failures: int = 3
    relay_breaker_cooldown_seconds: float = 30.0
    relay_media_max_bytes: int = 100_000_000
    relay_media_timeout_seconds: float = 120.0
    relay_max_streams: int = 16

    # The acestep engine (tunesmith.engines.acestep, docs/engines/acestep.md): a local checkpoint folder in
    # diffusers' layout, where it runs, in which precision, how many diffusion steps (0: the checkpoint's
    # default), and whether to offload parts to the CPU on a small GPU.
    acestep_checkpoint: str = ""
    acestep_device: str = "auto"
    acestep_dtype: str = "auto"
    acestep_steps: int = 0
    acestep_offload: bool = False
    acestep_max_seconds: float = 600.0  # longest song it makes (ACE-Step is trained up to 10 minutes)

    config_file: Path | None = None
    debug: bool = False  # debug logs, and the traceback behind an operator error (like `tunesmith --debug`)

    @model_validator(mode="before")
    @classmethod
    def _relay_table(cls, data: Any) -> Any:
        return flatten_tables(data) if isinstance(data, dict) else data

    @field_validator("api_keys", "callback_allow", "upload_allow", "metrics_allow", mode="before")
    @classmethod
    def _comma_list(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [item.strip() for item in value.split(",") if item.strip()]
        return value

    @field_validator("callback_backoff_seconds", mode="before")
    @classmethod
    def _float_list(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [float(item) for item in value.split(",") if item.strip()]
        return value

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml_path = _config_path(init_settings)
        sources: list[PydanticBaseSettingsSource] = [init_settings, _CommaFriendlyEnv(settings_cls)]
        if toml_path is not None:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=toml_path))
        return tuple(sources)

    # ── derived values ────────────────────────────────────────────────────────────────────────────────
    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'tunesmith.db').resolve()}"

    @property
    def effective_public_url(self) -> str:
        if self.public_url:
            return self.public_url.rstrip("/")
        host = "127.0.0.1" if self.host in ("0.0.0.0", "::", "") else self.host
        return f"http://{host}:{self.port}"

    @property
    def media_dir(self) -> Path:
        return self.data_dir / "media"

    @property
    def effective_scratch_dir(self) -> Path:
        return self.scratch_dir or self.data_dir / "scratch"

    def cost_of(self, operation: str) -> int:
        return int(self.costs.get(operation, DEFAULT_COSTS.get(operation, 0)))

    @property
    def relay(self) -> RelayConfig:
        return RelayConfig(
            channels=tuple(self.relay_channels),
            poll_interval_seconds=self.relay_poll_interval_seconds,
            request_timeout_seconds=self.relay_request_timeout_seconds,
            breaker_failures=self.relay_breaker_failures,
            breaker_cooldown_seconds=self.relay_breaker_cooldown_seconds,
            media_max_bytes=self.relay_media_max_bytes,
            media_timeout_seconds=self.relay_media_timeout_seconds,
            max_streams=self.relay_max_streams,
        )

    def secrets(self) -> list[str]:
        """Every secret value this configuration holds, so the logs can scrub them (tunesmith.logs)."""
        values = [self.webhook_secret, self.lyrics_model_key, self.moderation_key, self.metrics_token]
        values += self.api_keys
        values += [channel.key.get_secret_value() for channel in self.relay_channels]
        values += [os.environ.get(name) for name in ("AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN")]
        return [v for v in values if v]

    def registry_options(self) -> dict[str, Any]:
        """Operator configuration for engines built in this process (`Engine.configure`): the job options
        and the relay's channels (which never travel to engine child processes)."""
        return {**self.engine_options(), "relay": self.relay}

    def engine_options(self) -> dict[str, Any]:
        """Operator configuration handed to engines with every job (`EngineJob.options`): plain values only,
        since the job is pickled to the engine's process. `lyrics_model` only when a model URL is set."""
        options: dict[str, Any] = {}
        if self.acestep_checkpoint.strip():
            options["acestep"] = {
                "checkpoint": self.acestep_checkpoint.strip(),
                "device": self.acestep_device.strip(),
                "dtype": self.acestep_dtype.strip(),
                "steps": int(self.acestep_steps),
                "offload": bool(self.acestep_offload),
                "max_seconds": float(self.acestep_max_seconds),
            }
        if self.lyrics_model_url.strip():
            options["lyrics_model"] = {
                "url": self.lyrics_model_url.strip(),
                "model": self.lyrics_model.strip(),
                "key": self.lyrics_model_key,
                "timeout": float(self.lyrics_model_timeout_seconds),
            }
        return options


class _CommaFriendlyEnv(PydanticBaseSettingsSource):
    """TUNESMITH_* variables, where list fields may be plain comma-separated text (not only JSON)."""

    def __init__(self, settings_cls: type[BaseSettings]) -> None:
        super().__init__(settings_cls)
        self._prefix = "TUNESMITH_"

    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:
        raw = os.environ.get(self._prefix + field_name.upper())
        return raw, field_name, False

    def __call__(self) -> dict[str, Any]:
        import json

        values: dict[str, Any] = {}
        for name, field in self.settings_cls.model_fields.items():
            raw, _, _ = self.get_field_value(field, name)
            if raw is None:
                continue
            origin = getattr(field.annotation, "__origin__", None)
            if origin is dict or (origin is list and raw.strip().startswith("[")):
                try:
                    values[name] = json.loads(raw)
                except json.JSONDecodeError as exc:
                    variable = self._prefix + name.upper()
                    raise OperatorError(f"{variable} is not valid JSON: {exc}") from None
            else:
                values[name] = raw
        return values


def _config_path(init_settings: PydanticBaseSettingsSource) -> Path | None:
    return config_file_and_source(init_settings().get("config_file"))[0]


def config_file_and_source(flag: Path | str | None) -> tuple[Path | None, str]:
    """The TOML file in use and what named it: --config, else TUNESMITH_CONFIG_FILE, else ./tunesmith.toml
    when there is one."""
    if flag:
        return Path(flag), "--config"
    variable = os.environ.get("TUNESMITH_CONFIG_FILE")
    if variable:
        return Path(variable), "TUNESMITH_CONFIG_FILE"
    default = Path("tunesmith.toml")
    return (default, "the current folder") if default.exists() else (None, "")


def flatten_tables(values: dict[str, Any]) -> dict[str, Any]:
    """TOML's `[relay]` table (`[[relay.channels]]`, `poll_interval_seconds`, ...) as relay_* settings, and
    `[acestep]` (`checkpoint`, `device`, ...) as acestep_* settings."""
    flat = dict(values)
    for table_name in TABLES:
        table = flat.get(table_name)
        if not isinstance(table, dict):
            continue
        del flat[table_name]
        for name, value in table.items():
            flat.setdefault(f"{table_name}_{name}", value)
    return flat


def load_settings(**overrides: Any) -> Settings:
    """Settings with the given flag values on top (None means 'not given'), checked as an operator needs: a
    named config file must exist and parse, and every setting it or a TUNESMITH_* variable names must be one
    of the fields below (OperatorError otherwise, with the closest known name)."""
    given = {k: v for k, v in overrides.items() if v is not None}
    known = set(Settings.model_fields)
    path, source = config_file_and_source(given.get("config_file"))
    if path is not None:
        check_toml_keys(flatten_tables(read_toml(path, source)), path, known)
    check_env_names(os.environ, known)
    try:
        return Settings(**given)
    except ValidationError as exc:
        raise OperatorError(describe_invalid(exc, path)) from None
