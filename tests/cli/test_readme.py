"""The README stays true to the command: its Commands table lists every command with exactly the flags
`--help` shows, and its webhook verification snippet accepts Tunesmith's real signatures."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import typer

from tunesmith.cli import app
from tunesmith.runtime.signing import sign

README = Path(__file__).resolve().parents[2] / "README.md"


def _section(title: str) -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index(f"## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else None]


def documented_commands() -> dict[tuple[str, ...], set[str]]:
    """Command path -> the flags its row in the README's Commands table names."""
    rows: dict[tuple[str, ...], set[str]] = {}
    for usage in re.findall(r"^\| `(tunesmith[^`]*)` \|", _section("Commands"), flags=re.MULTILINE):
        words = usage.split()[1:]
        path = tuple(
            w for w in words[: next((i for i, w in enumerate(words) if not w.isalpha()), len(words))]
        )
        rows[tuple(w for w in path if w != "COMMAND")] = set(re.findall(r"--[a-z][a-z-]*", usage))
    return rows


def real_commands() -> dict[tuple[str, ...], set[str]]:
    """Command path -> every flag `--help` lists for it (but --help itself)."""
    found: dict[tuple[str, ...], set[str]] = {}

    def walk(command: Any, path: tuple[str, ...]) -> None:  # Typer's own Click classes, duck-typed
        flags = {
            opt
            for param in command.params
            if param.param_type_name == "option"
            for opt in [*param.opts, *param.secondary_opts]
            if opt.startswith("--") and opt != "--help"
        }
        if hasattr(command, "commands"):
            if flags:
                found[path] = flags
            for name, sub in command.commands.items():
                walk(sub, (*path, name))
        else:
            found[path] = flags

    walk(typer.main.get_command(app), ())
    return found


def test_commands_table_matches_help() -> None:
    documented, real = documented_commands(), real_commands()
    assert set(documented) == set(real), "commands in the README vs the CLI"
    for path, flags in real.items():
        assert documented[path] == flags, (" ".join(path) or "tunesmith", documented[path] ^ flags)


def _verify_snippet() -> dict:
    block = re.search(r"```python\n(.*?)```", _section("Verifying callbacks"), flags=re.DOTALL)
    assert block is not None
    namespace: dict = {}
    exec(block.group(1), namespace)  # noqa: S102 - the README's own example, run as a reader would
    return namespace


def test_webhook_snippet_verifies_real_signatures() -> None:
    verify = _verify_snippet()["verify_callback"]
    kie_body = {"code": 200, "msg": "ok", "data": {"callbackType": "complete", "task_id": "t-1", "data": []}}
    newapi_body = {"task_id": "t-2", "status": "SUCCESS", "data": []}
    assert verify(kie_body, sign("t-1", "s3cret"), "s3cret")
    assert verify(newapi_body, sign("t-2", "s3cret"), "s3cret")
    assert not verify(kie_body, sign("t-1", "other"), "s3cret")  # wrong secret
    assert not verify(kie_body, sign("t-2", "s3cret"), "s3cret")  # another task's signature
    assert not verify(kie_body, sign("t-1", "s3cret", int(time.time()) - 3600), "s3cret")  # replayed
    assert not verify(kie_body, {}, "s3cret")


def test_serve_help_shows_the_defaults() -> None:
    from typer.testing import CliRunner

    shown = CliRunner().invoke(app, ["serve", "--help"], env={"COLUMNS": "200"}).stdout
    for flag, default in (
        ("--host", "127.0.0.1"),
        ("--port", "8000"),
        ("--data-dir", "data"),
        ("--workers", "1"),
    ):
        line = next(line for line in shown.splitlines() if f" {flag} " in line)
        assert f"[default: ({default})]" in line, line
