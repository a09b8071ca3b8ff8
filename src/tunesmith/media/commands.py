"""`tunesmith media prune | migrate | usage`: the operator's tools for the media store.

Both prune and migrate plan first and print what they would do; only `--apply` changes anything.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

if TYPE_CHECKING:
    from tunesmith.services import Services

app = typer.Typer(help="Manage stored media: expire, compact, measure.", no_args_is_help=True)
console = Console()

DataDir = Annotated[
    Path | None, typer.Option("--data-dir", help="Where the database and media live.", show_default="data")
]
ConfigFile = Annotated[
    Path | None,
    typer.Option("--config", help="A TOML settings file.", show_default="./tunesmith.toml when present"),
]
Apply = Annotated[bool, typer.Option("--apply", help="Do it (without: only print what would be done).")]


def _services(data_dir: Path | None, config: Path | None) -> Services:
    """The server's services, read from the same settings; an existing database only (as `keys`)."""
    from tunesmith.cli import _keys_services, _settings

    return _keys_services(_settings(data_dir=data_dir, config=config), create_database=False)


def _mb(size: int) -> str:
    return f"{size / 1e6:,.1f} MB"


@app.command()
def prune(
    apply: Apply = False,
    orphans: Annotated[
        bool, typer.Option("--orphans", help="Also delete stored files no record names (a day old or more).")
    ] = False,
    data_dir: DataDir = None,
    config: ConfigFile = None,
) -> None:
    """Delete files past TUNESMITH_MEDIA_RETENTION_DAYS and finished streams' pieces (a dry run unless
    --apply). Files a live clip was made from are kept."""
    from tunesmith.media.prune import apply_prune, plan_prune

    services = _services(data_dir, config)
    try:
        days = services.settings.media_retention_days
        plan = plan_prune(services.store, services.media, retention_days=days, orphans=orphans)
        table = Table("what", "files", "size")
        counts: dict[str, int] = {}
        for record in plan.delete:
            role = record.role.split(".", 1)[0]
            counts[role] = counts.get(role, 0) + 1
        counts["orphan"] = len(plan.orphans)
        for role, size in sorted(plan.by_role().items()):
            table.add_row(role, str(counts.get(role, 0)), _mb(size))
        kept_for = "forever" if days <= 0 else f"{days:g} days"
        console.print(f"retention: {kept_for}; media store: {services.media.location}")
        console.print(table)
        if plan.kept:
            kept = sum(r.size for r in plan.kept)
            console.print(
                f"kept {len(plan.kept)} expired file(s), {_mb(kept)}: live clips were made from them"
            )
        verb = "freed" if apply else "would free"
        files = len(plan.delete) + len(plan.orphans)
        if apply:
            apply_prune(services.store, services.media, plan)
        console.print(f"{verb} {_mb(plan.bytes_freed)} in {files} file(s)" + ("" if apply else " (dry run)"))
    finally:
        services.close()


@app.command()
def migrate(apply: Apply = False, data_dir: DataDir = None, config: ConfigFile = None) -> None:
    """Bring media stored by older versions to the compact layout: lossless masters and stems to FLAC, the
    duplicate stream files of finished clips deleted, sizes recorded. Delivered files stay where they are,
    so every URL handed out keeps working. A dry run unless --apply."""
    from rich.progress import Progress

    from tunesmith.media.migrate import legacy_clips, migrate_clip

    services = _services(data_dir, config)
    try:
        clips = legacy_clips(services.store)
        before = after = 0
        with Progress(console=console) as bar:
            progress = bar.add_task("migrating clips", total=len(clips))
            for clip_id in clips:
                outcome = migrate_clip(services.store, services.media, clip_id, apply=apply)
                before += outcome.before
                after += outcome.after
                bar.advance(progress)
        verb = "migrated" if apply else "would migrate"
        console.print(
            f"{verb} {len(clips)} clip(s): {_mb(before)} -> {_mb(after)}" + ("" if apply else " (dry run)")
        )
    finally:
        services.close()


@app.command()
def usage(data_dir: DataDir = None, config: ConfigFile = None) -> None:
    """Media each key's songs occupy, against its quota."""
    services = _services(data_dir, config)
    table = Table("key id", "name", "used", "quota")
    try:
        default = services.settings.key_storage_mb
        for key in services.store.list_keys():
            quota = key.storage_mb if key.storage_mb is not None else default
            used = services.store.media_usage(key.id)
            table.add_row(key.id, key.name, _mb(used), f"{quota:,} MB" if quota else "no limit")
    finally:
        services.close()
    console.print(table)
