"""The `tunesmith` command: serve, worker, keys, migrate, render."""

from __future__ import annotations

import logging
import signal
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from tunesmith.engines.composer.cli import render
from tunesmith.settings import Settings, load_settings

if TYPE_CHECKING:
    from tunesmith.services import Services

app = typer.Typer(
    help="Tunesmith: self-hosted music generation with Suno-style task APIs.",
    no_args_is_help=True,
    add_completion=False,
)
keys_app = typer.Typer(help="Manage API keys.", no_args_is_help=True)
app.add_typer(keys_app, name="keys")
console = Console()

DataDir = Annotated[Path | None, typer.Option("--data-dir", help="Where the database and media live.")]
ConfigFile = Annotated[Path | None, typer.Option("--config", help="A TOML settings file.")]


def _settings(**flags: object) -> Settings:
    return load_settings(**{("config_file" if k == "config" else k): v for k, v in flags.items()})


def _logging(level: str = "INFO") -> None:
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")


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


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
    data_dir: DataDir = None,
    workers: Annotated[int | None, typer.Option(help="Tasks rendered at once by this process.")] = None,
    config: ConfigFile = None,
) -> None:
    """Run the API and in-process workers (SQLite, local files and the built-in engine by default)."""
    import uvicorn

    from tunesmith.api.app import create_app
    from tunesmith.runtime.worker import Worker
    from tunesmith.services import build_services

    _logging()
    settings = _settings(host=host, port=port, data_dir=data_dir, workers=workers, config=config)
    services = build_services(settings)
    _announce_first_key(services)
    worker = None
    if settings.workers > 0:
        worker = Worker(services.store, services.media, services.urls, settings)
        worker.start(warm=[settings.default_engine])
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(services), host=settings.host, port=settings.port, log_level="info", access_log=False
        )
    )
    try:
        server.run()
    finally:
        if worker is not None:
            worker.stop()
        services.close()


@app.command()
def worker(
    data_dir: DataDir = None,
    workers: Annotated[int | None, typer.Option(help="Tasks rendered at once.")] = None,
    engine: Annotated[
        list[str] | None, typer.Option(help="Only take tasks for this engine (repeatable).")
    ] = None,
    config: ConfigFile = None,
) -> None:
    """Run workers only, against the same database and media store as the API."""
    from tunesmith.runtime.worker import Worker
    from tunesmith.services import build_services

    _logging()
    settings = _settings(data_dir=data_dir, workers=workers, config=config)
    services = build_services(settings)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    runner = Worker(services.store, services.media, services.urls, settings, engines=engine or None)
    console.print(f"worker {runner.worker_id} running {settings.workers} slot(s); Ctrl-C stops gracefully")
    try:
        runner.run_until(stop)
    finally:
        services.close()


@keys_app.command("create")
def keys_create(
    credits: Annotated[int | None, typer.Option(help="Starting credits.")] = None,
    name: Annotated[str, typer.Option(help="A label for the key.")] = "default",
    unlimited: Annotated[bool, typer.Option(help="Never runs out of credits.")] = False,
    webhook_secret: Annotated[str | None, typer.Option(help="Signs this key's callbacks.")] = None,
    data_dir: DataDir = None,
    config: ConfigFile = None,
) -> None:
    """Create an API key and print it (the only time it is shown)."""
    from tunesmith.services import build_services

    settings = _settings(data_dir=data_dir, config=config)
    services = build_services(settings)
    try:
        created = services.keys.create(
            name=name,
            credits=settings.new_key_credits if credits is None else credits,
            unlimited=unlimited,
            webhook_secret=webhook_secret,
        )
    finally:
        services.close()
    typer.echo(created.token)


@keys_app.command("list")
def keys_list(data_dir: DataDir = None, config: ConfigFile = None) -> None:
    """List keys (prefix, name, credits), never the keys themselves."""
    from rich.table import Table

    from tunesmith.services import build_services

    services = build_services(_settings(data_dir=data_dir, config=config))
    table = Table("id", "prefix", "name", "credits", "created")
    try:
        for key in services.store.list_keys():
            credits = "unlimited" if key.unlimited else str(key.credits)
            table.add_row(key.id, key.prefix, key.name, credits, key.created_at.isoformat(timespec="seconds"))
    finally:
        services.close()
    console.print(table)


@app.command()
def migrate(data_dir: DataDir = None, config: ConfigFile = None) -> None:
    """Create or upgrade the database schema."""
    from tunesmith.store import migrate as migrations

    settings = _settings(data_dir=data_dir, config=config)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    migrations.upgrade(settings.effective_database_url)
    typer.echo(f"database at revision {migrations.current_revision(settings.effective_database_url)}")


app.command("render", help="Render one song with the built-in composer, without the service.")(render)


if __name__ == "__main__":
    app()
