"""The `tunesmith` command: serve, worker, keys, migrate, render.

Every command reads the same settings (flags, then TUNESMITH_* variables, then the TOML file) and checks the
operator's mistakes before it starts anything (tunesmith.startup): each is one line and exit status 1.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

from tunesmith import __version__
from tunesmith.engines.composer.cli import render
from tunesmith.media.commands import app as media_app
from tunesmith.settings import Settings, load_settings
from tunesmith.startup import OperatorError
from tunesmith.startup.console import OperatorGroup, set_debug, setup_logging
from tunesmith.startup.stopping import StopSignals

if TYPE_CHECKING:
    from tunesmith.runtime.worker import Worker
    from tunesmith.services import Services

app = typer.Typer(
    help="Tunesmith: self-hosted music generation with Suno-style task APIs.",
    no_args_is_help=True,
    add_completion=False,
    cls=OperatorGroup,
)
keys_app = typer.Typer(help="Manage API keys.", no_args_is_help=True)
app.add_typer(keys_app, name="keys")
app.add_typer(media_app, name="media")
console = Console()
log = logging.getLogger("tunesmith")

SOURCES = (
    "Settings: flags, then TUNESMITH_* variables, then the TOML file "
    "(--config, TUNESMITH_CONFIG_FILE, or ./tunesmith.toml)."
)


def _default(name: str) -> str:
    """A setting's embedded default, for --help (the environment or the TOML file may change it)."""
    return str(Settings.model_fields[name].default)


DataDir = Annotated[
    Path | None,
    typer.Option("--data-dir", help="Where the database and media live.", show_default=_default("data_dir")),
]
ConfigFile = Annotated[
    Path | None,
    typer.Option("--config", help="A TOML settings file.", show_default="./tunesmith.toml when present"),
]
CreateDatabase = Annotated[
    bool,
    typer.Option(
        "--create-database",
        help="Start a new, empty database when none is found (else refused: it is likely the wrong one).",
    ),
]


@app.callback()
def main(
    debug: Annotated[
        bool,
        typer.Option("--debug", help="Debug logs, and the traceback behind an error (or TUNESMITH_DEBUG=1)."),
    ] = False,
) -> None:
    """Tunesmith: self-hosted music generation with Suno-style task APIs."""
    set_debug(debug)


def _settings(**flags: Any) -> Settings:
    settings = load_settings(**{("config_file" if k == "config" else k): v for k, v in flags.items()})
    setup_logging(settings.debug, settings.log_format, settings.secrets())
    return settings


def _announce_first_key(services: Services) -> None:
    """On the very first start, with no key anywhere, create one and show it once with the next step."""
    created = services.keys.create_first(services.settings.new_key_credits)
    if created is None:
        return
    base = services.settings.effective_public_url
    console.print("\n[bold green]Created your first API key[/] (shown only this once):\n")
    console.print(f"  {created.token}\n", highlight=False, soft_wrap=True)
    console.print(
        "Next: generate a song with\n"
        f"  curl -s {base}/api/v1/generate -H 'Authorization: Bearer {created.token}' \\\n"
        "       -H 'Content-Type: application/json' \\\n"
        '       -d \'{"customMode": false, "instrumental": false, "model": "V4_5", '
        '"prompt": "a calm piano track"}\'\n',
        highlight=False,
        soft_wrap=True,
    )


def _prepare(settings: Settings, engines: Sequence[str] = ()) -> Services:
    """Check the database and the engines (all in use, or those named), bring the schema up to date (one log
    line), build the services."""
    from tunesmith.policy.config import build_policy
    from tunesmith.services import build_services
    from tunesmith.startup.database import check_reachable, database_for, migrate_with_summary
    from tunesmith.startup.engines import check_engines, readiness_warnings

    build_policy(settings).close()  # its settings' mistakes, before the database is touched
    url = database_for(settings)
    check_reachable(url)
    checked = check_engines(settings, engines)
    log.info(migrate_with_summary(url))
    log.info("engines: %s", ", ".join(checked))
    for line in readiness_warnings(settings, engines):
        log.warning(line)
    return build_services(settings, run_migrations=False)


@app.command(epilog=SOURCES)
def serve(
    host: Annotated[
        str | None, typer.Option(help="Address to listen on.", show_default=_default("host"))
    ] = None,
    port: Annotated[
        int | None, typer.Option(help="Port to listen on.", show_default=_default("port"))
    ] = None,
    data_dir: DataDir = None,
    workers: Annotated[
        int | None,
        typer.Option(help="Tasks rendered at once by this process.", show_default=_default("workers")),
    ] = None,
    config: ConfigFile = None,
) -> None:
    """Run the API and in-process workers (SQLite, local files and the built-in engine by default)."""
    import uvicorn

    from tunesmith.api.app import create_app
    from tunesmith.services import build_worker
    from tunesmith.startup.listen import bind
    from tunesmith.startup.serving import server_config

    signals = StopSignals().install()  # a signal from now on is never lost (tunesmith.startup.stopping)
    settings = _settings(host=host, port=port, data_dir=data_dir, workers=workers, config=config)
    listener = bind(settings.host, settings.port)  # before any process starts: a port in use is one line
    try:
        services = _prepare(settings)
    except BaseException:
        listener.close()
        raise
    worker: Worker | None = None
    try:
        if signals.requested.is_set():
            return
        _announce_first_key(services)
        app_ = create_app(services)
        if settings.workers > 0:
            worker = build_worker(services, settings)
            signals.on_again(worker.hurry)  # a second signal cuts the running tasks' grace short
            worker.start(warm=[settings.default_engine])
        if signals.requested.is_set():
            return
        level = "debug" if settings.debug else "warning"
        server = uvicorn.Server(server_config(app_, settings, log_level=level, access_log=False))
        base = settings.effective_public_url
        log.info(
            "Tunesmith %s listening on %s:%d (API docs: %s/docs)",
            __version__,
            settings.host,
            settings.port,
            base,
        )
        with signals.serving(server):
            server.run(sockets=[listener])
        log.info("API stopped")
    finally:
        if worker is not None:
            worker.stop()
        services.close()
        listener.close()


@app.command(epilog=SOURCES)
def worker(
    data_dir: DataDir = None,
    workers: Annotated[
        int | None, typer.Option(help="Tasks rendered at once.", show_default=_default("workers"))
    ] = None,
    engine: Annotated[
        list[str] | None,
        typer.Option(help="Only take tasks for this engine (repeatable).", show_default="every engine"),
    ] = None,
    config: ConfigFile = None,
) -> None:
    """Run workers only, against the same database and media store as the API."""
    from tunesmith.services import build_worker

    signals = StopSignals().install()  # a signal from now on is never lost (tunesmith.startup.stopping)
    settings = _settings(data_dir=data_dir, workers=workers, config=config)
    services = _prepare(settings, engine or ())
    try:
        if signals.requested.is_set():
            return
        runner = build_worker(services, settings, engines=engine or None)
        signals.on_again(runner.hurry)
        log.info("worker %s: Ctrl-C stops it gracefully (twice: at once)", runner.worker_id)
        runner.run_until(signals.requested)
    finally:
        services.close()


def _keys_services(settings: Settings, create_database: bool) -> Services:
    """The services on the database the settings name, which must already exist unless asked to create it:
    a key made in a new, empty database would be refused by the server (HTTP 401)."""
    from tunesmith.services import build_services
    from tunesmith.startup.database import database_for, has_schema, shown

    url = database_for(settings)
    if not has_schema(url) and not create_database:
        raise OperatorError(
            f"no Tunesmith database at {shown(url)}: run this in the server's folder, or name its database "
            "with --data-dir, --config or TUNESMITH_DATABASE_URL (--create-database starts a new one)"
        )
    typer.echo(f"database: {shown(url)}", err=True)
    return build_services(settings)


@keys_app.command("create", epilog=SOURCES)
def keys_create(
    credits: Annotated[
        int | None,
        typer.Option(
            help="Starting credits (setting new_key_credits).", show_default=_default("new_key_credits")
        ),
    ] = None,
    name: Annotated[str, typer.Option(help="A label for the key.")] = "default",
    unlimited: Annotated[bool, typer.Option("--unlimited", help="Never runs out of credits.")] = False,
    webhook_secret: Annotated[
        str | None, typer.Option(help="Signs this key's callbacks.", show_default="setting webhook_secret")
    ] = None,
    storage_mb: Annotated[
        int | None,
        typer.Option(
            "--storage-mb",
            min=0,
            help="Media this key's songs may occupy, in MB (0: no limit).",
            show_default="setting key_storage_mb",
        ),
    ] = None,
    data_dir: DataDir = None,
    config: ConfigFile = None,
    create_database: CreateDatabase = False,
) -> None:
    """Create an API key and print it (the only time it is shown); the database used goes to stderr."""
    settings = _settings(data_dir=data_dir, config=config)
    services = _keys_services(settings, create_database)
    try:
        created = services.keys.create(
            name=name,
            credits=settings.new_key_credits if credits is None else credits,
            unlimited=unlimited,
            webhook_secret=webhook_secret,
            storage_mb=storage_mb,
        )
    finally:
        services.close()
    typer.echo(created.token)


@keys_app.command("list", epilog=SOURCES)
def keys_list(data_dir: DataDir = None, config: ConfigFile = None) -> None:
    """List keys (prefix, name, credits), never the keys themselves."""
    from rich.table import Table

    services = _keys_services(_settings(data_dir=data_dir, config=config), create_database=False)
    table = Table("id", "prefix", "name", "credits", "created")
    try:
        for key in services.store.list_keys():
            credits = "unlimited" if key.unlimited else str(key.credits)
            table.add_row(key.id, key.prefix, key.name, credits, key.created_at.isoformat(timespec="seconds"))
    finally:
        services.close()
    console.print(table)


@keys_app.command("show", epilog=SOURCES)
def keys_show(
    prefix: Annotated[str, typer.Argument(help="The key's prefix as `keys list` shows it (or its start).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
    data_dir: DataDir = None,
    config: ConfigFile = None,
) -> None:
    """One key's balance, tasks by state and storage used (never the key or its webhook secret)."""
    import json

    from rich.table import Table

    from tunesmith.domain.errors import NotFound
    from tunesmith.service.keyview import find_key, key_usage

    settings = _settings(data_dir=data_dir, config=config)
    services = _keys_services(settings, create_database=False)
    try:
        try:
            usage = key_usage(services.store, find_key(services.store, prefix), settings.key_storage_mb)
        except NotFound as exc:
            raise OperatorError(exc.message) from None
    finally:
        services.close()
    if as_json:
        typer.echo(json.dumps(usage, indent=2))
        return
    table = Table("", "", show_header=False)
    credits = "unlimited" if usage["unlimited"] else str(usage["credits"])
    quota = f" of {usage['storage_quota_mb']} MB" if usage["storage_quota_mb"] else " (no quota)"
    tasks = ", ".join(f"{state} {n}" for state, n in usage["tasks"].items()) or "none"
    for label, value in (
        ("key", f"{usage['prefix']} ({usage['name']}, id {usage['id']})"),
        ("credits", credits),
        ("tasks", f"{sum(usage['tasks'].values())}: {tasks}"),
        ("storage", f"{usage['storage_bytes'] / 1e6:.1f} MB{quota}"),
        ("webhook secret", "set" if usage["webhook_secret"] else "none"),
        ("created", usage["created_at"]),
    ):
        table.add_row(label, value)
    console.print(table)


@app.command(epilog=SOURCES)
def migrate(data_dir: DataDir = None, config: ConfigFile = None) -> None:
    """Create or upgrade the database schema (every start does it too)."""
    from tunesmith.startup.database import check_reachable, database_for, migrate_with_summary

    url = database_for(_settings(data_dir=data_dir, config=config))
    check_reachable(url)
    typer.echo(migrate_with_summary(url))


app.command("render", help="Render one song with the built-in composer, without the service.")(render)


@app.command("engines", epilog=SOURCES)
def engines_command(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
    data_dir: DataDir = None,
    config: ConfigFile = None,
) -> None:
    """Every configured engine, the models it serves and whether it is ready (checkpoint, device, what it
    can do). Exits 1 when an engine in use is not ready."""
    import json

    from tunesmith.startup.engines import check_engines, engine_readiness

    settings = _settings(data_dir=data_dir, config=config)
    check_engines(settings)
    found = engine_readiness(settings)
    rows: list[dict[str, Any]] = []
    for name, (models, ready) in found.items():
        details = dict(ready.details)
        if ready.ready and name == "acestep":
            from tunesmith.engines.acestep.devices import describe_device

            details["device"] = describe_device(settings.acestep_device, details.get("device", ""))
        rows.append(
            {
                "engine": name,
                "models": models,
                "ready": ready.ready,
                "reason": ready.reason,
                "details": details,
            }
        )
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
    for row in [] if as_json else rows:
        served = f"models {', '.join(row['models'])}" if row["models"] else "song operations"
        state = "ready" if row["ready"] else f"NOT READY: {row['reason']}"
        typer.echo(f"{row['engine']} ({served}): {state}")
        for name, value in row["details"].items():
            typer.echo(f"    {name}: {value}")
    if not all(row["ready"] for row in rows):
        raise typer.Exit(1)


relay_app = typer.Typer(help="The relay engine's upstream channels.", no_args_is_help=True)
app.add_typer(relay_app, name="relay")


@relay_app.command("status")
def relay_status(
    probe: Annotated[bool, typer.Option(help="Send each channel one cheap request now.")] = True,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
    data_dir: DataDir = None,
    config: ConfigFile = None,
) -> None:
    """Each channel: its settings, whether it answers now, and what running workers see (breaker, open
    tasks, failures). Keys are never shown."""
    import json

    from rich.table import Table

    from tunesmith.engines.relay.status import report
    from tunesmith.services import build_services

    settings = _settings(data_dir=data_dir, config=config)
    if not settings.relay_channels:
        console.print("No relay channel is configured (TUNESMITH_RELAY_CHANNELS or [[relay.channels]]).")
        raise typer.Exit(1)
    services = build_services(settings)
    try:
        rows = report(settings.relay, services.store, probe_now=probe)
    finally:
        services.close()
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
        return
    table = Table("channel", "kind", "priority/weight", "now", "workers: breaker, open, failures, last error")
    for row in rows:
        now = "-"
        if row["probe"] is not None:
            mark = "[green]ok[/]" if row["probe"]["ok"] else "[red]down[/]"
            now = f"{mark} {row['probe']['ms']} ms {row['probe']['detail']}"
        seen = [
            f"{w['worker']}: {w['breaker']}, {w['open_tasks']} open, {w['consecutive_failures']} failing"
            + (f", {w['last_error']}" if w.get("last_error") else "")
            for w in row["workers"]
        ]
        table.add_row(
            f"{row['name']}\n{row['base_url']}",
            row["kind"],
            f"{row['priority']}/{row['weight']}",
            now,
            "\n".join(seen) or "no worker reports",
        )
    console.print(table)


if __name__ == "__main__":
    app()
