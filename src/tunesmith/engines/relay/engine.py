"""The `relay` engine: what the API process asks of it (which operations, which models, refused at submit) and
the driver the worker runs for it (engines.relay.driver).

Configured by `Engine.configure(options)` with `options["relay"]`: a RelayConfig (tunesmith.settings builds
it from TUNESMITH_RELAY_CHANNELS / `[[relay.channels]]`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tunesmith.domain.errors import Unsupported
from tunesmith.domain.models import Task
from tunesmith.domain.operations import OperationKind, SongRequest
from tunesmith.engines.base import Readiness
from tunesmith.engines.hosted import EngineDriver, HostedEngine
from tunesmith.engines.relay.config import RelayConfig
from tunesmith.engines.relay.failover import ON_UPSTREAM_SONG
from tunesmith.engines.relay.kinds import KINDS

NAMES = {OperationKind.STEMS: "stems", OperationKind.MIDI: "MIDI"}


class RelayEngine(HostedEngine):
    name = "relay"
    # Everything some upstream kind can run; each request is checked against the configured channels.
    operations = frozenset(op for kind in KINDS.values() for op in kind.operations)

    def __init__(self) -> None:
        self.config = RelayConfig()

    def configure(self, options: Mapping[str, Any]) -> None:
        config = options.get("relay")
        if isinstance(config, RelayConfig):
            self.config = config
        elif isinstance(config, Mapping):
            self.config = RelayConfig.model_validate(config)

    def channels_for(self, kind: OperationKind, model: str) -> list[str]:
        """Names of the channels that could run `kind` for `model`."""
        names = []
        for channel in self.config.channels:
            adaptor = KINDS[channel.kind]
            default = adaptor.default_model(model)
            if kind in adaptor.operations and channel.upstream_model(model, default) is not None:
                names.append(channel.name)
        return names

    def supports(self, kind: OperationKind) -> bool:
        return any(kind in KINDS[c.kind].operations for c in self.config.channels)

    def readiness(self) -> Readiness:
        if not self.config.channels:
            return Readiness(ready=False, reason="no relay channel is configured (TUNESMITH_RELAY_CHANNELS)")
        names = ", ".join(f"{c.name} ({c.kind})" for c in self.config.channels)
        return Readiness(ready=True, details={"channels": names})

    def check(self, request: SongRequest) -> None:
        if not self.config.channels:
            raise Unsupported("no relay channel is configured (TUNESMITH_RELAY_CHANNELS)", field="model")
        if not self.channels_for(request.kind, request.model):
            raise Unsupported(
                f"no relay channel offers {request.kind.value} for model {request.model}", field="model"
            )

    def check_source(self, request: SongRequest, source: Task) -> None:
        """An extension, separation or MIDI runs on the channel that made the song: it must have been
        relayed, and that channel's kind must offer the operation (MIDI: from the upstream's separation)."""
        if request.kind not in ON_UPSTREAM_SONG:
            return
        name = source.engine_state.get("channel")
        channel = self.config.channel(str(name)) if name else None
        if not name or not source.engine_state.get("clips"):
            raise Unsupported(
                f"{request.kind.value}: the song was not made through a relay channel", field="audioId"
            )
        if channel is None:
            raise Unsupported(
                f"{request.kind.value}: relay channel {name}, which made the song, is no longer configured",
                field="audioId",
            )
        if request.kind not in KINDS[channel.kind].operations:
            what = NAMES.get(request.kind, request.kind.value)
            raise Unsupported(
                f"No {what} can be made from this song: relay channel {name} ({channel.kind}) that made it "
                "does not offer them",
                field="audioId",
            )
        if request.kind is OperationKind.MIDI and request.source_task_id in (None, source.id):
            raise Unsupported(
                f"MIDI of this song is made by relay channel {name} from its separation of the song: give "
                "the taskId of a finished vocal-removal task of it",
                field="taskId",
            )

    def driver(self) -> EngineDriver:
        from tunesmith.engines.relay.driver import RelayDriver

        return RelayDriver(self.config)
