"""An operator's mistakes, made for real with the `tunesmith` command: each ends in one line on stderr that
names the problem, exit status 1, no traceback (unless --debug), and no process left running."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from tests.support.cli import Mistake, assert_one_clear_line, clean_env, run_cli, run_mistake

MISTAKES: dict[str, Mistake] = {
    "config file missing (--config)": Mistake(
        ["serve", "--config", "nope.toml"], ["config file nope.toml not found", "--config"]
    ),
    "config file missing (TUNESMITH_CONFIG_FILE)": Mistake(
        ["worker"],
        ["nope.toml not found", "TUNESMITH_CONFIG_FILE"],
        env={"TUNESMITH_CONFIG_FILE": "nope.toml"},
    ),
    "misspelt setting in TOML": Mistake(
        ["serve", "--config", "my.toml"],
        ["unknown setting 'wokers'", "my.toml", "did you mean 'workers'"],
        files={"my.toml": "wokers = 3\n"},
    ),
    "misspelt table in ./tunesmith.toml": Mistake(
        ["migrate"],
        ["unknown setting 'model'", "tunesmith.toml", "'models'"],
        files={"tunesmith.toml": '[model]\nV5 = "composer"\n'},
    ),
    "misspelt setting in the environment": Mistake(
        ["serve"], ["TUNESMITH_WOKERS", "did you mean TUNESMITH_WORKERS"], env={"TUNESMITH_WOKERS": "3"}
    ),
    "setting of the wrong type": Mistake(
        ["serve"],
        ["'lease_seconds'", "TUNESMITH_LEASE_SECONDS", "'soon'"],
        env={"TUNESMITH_LEASE_SECONDS": "soon"},
    ),
    "malformed TOML": Mistake(
        ["keys", "list", "--config", "broken.toml"],
        ["config file broken.toml is not valid TOML", "line 1"],
        files={"broken.toml": "port = \n"},
    ),
    "TUNESMITH_MODELS not JSON": Mistake(
        ["serve"], ["TUNESMITH_MODELS is not valid JSON"], env={"TUNESMITH_MODELS": "V5=composer"}
    ),
    "render --lyrics of a missing file": Mistake(
        ["render", "--lyrics", "song.txt", "--style", "pop"], ["lyrics file song.txt not found"]
    ),
    "unparsable database URL": Mistake(
        ["serve"],
        ["database URL 'not a url' ", "cannot be parsed", "sqlite:///"],
        env={"TUNESMITH_DATABASE_URL": "not a url"},
    ),
    "unsupported database": Mistake(
        ["serve"],
        ["database 'mysql'", "not supported", "SQLite or PostgreSQL"],
        env={"TUNESMITH_DATABASE_URL": "mysql://tunesmith@127.0.0.1/tunesmith"},
    ),
    "unreachable PostgreSQL": Mistake(
        ["worker"],
        ["cannot reach the database", "127.0.0.1:1", "PostgreSQL running"],
        env={"TUNESMITH_DATABASE_URL": "postgresql://tunesmith:secret@127.0.0.1:1/tunesmith"},
    ),
    "unknown engine alias": Mistake(
        ["serve"],
        ["engine 'compser'", "V5", "TUNESMITH_MODELS", "did you mean 'composer'"],
        env={"TUNESMITH_MODELS": '{"V5": "compser"}'},
    ),
    "engine package not installed": Mistake(
        ["worker"],
        ["engine 'no_such_package.engine:Engine'", "No module named 'no_such_package'"],
        env={"TUNESMITH_MODELS": '{"V4_5": "no_such_package.engine:Engine"}'},
    ),
    "worker --engine misspelt": Mistake(
        ["worker", "--engine", "studo"], ["engine 'studo' (--engine)", "did you mean 'studio'"]
    ),
    "keys on a folder with no database": Mistake(
        ["keys", "create", "--name", "me"], ["no Tunesmith database at sqlite:///", "--create-database"]
    ),
}


@pytest.mark.parametrize("name", list(MISTAKES))
def test_mistake_is_one_clear_line(name: str, tmp_path: Path) -> None:
    run = run_mistake(MISTAKES[name], tmp_path)
    assert_one_clear_line(run, MISTAKES[name].expected)


def test_password_never_shown(tmp_path: Path) -> None:
    run = run_mistake(MISTAKES["unreachable PostgreSQL"], tmp_path)
    assert "secret" not in run.stderr and "***" in run.stderr


def test_keys_never_create_a_database_by_mistake(tmp_path: Path) -> None:
    run = run_mistake(MISTAKES["keys on a folder with no database"], tmp_path)
    assert run.returncode == 1
    assert not (tmp_path / "data" / "tunesmith.db").exists()


def test_port_in_use(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        run = run_cli(["serve", "--port", str(port), "--data-dir", str(tmp_path / "data")], tmp_path)
    assert_one_clear_line(run, [f"port {port} on 127.0.0.1 is already in use", "--port"])
    assert not (tmp_path / "data").exists()  # refused before anything was set up


@pytest.mark.parametrize("debug", [["--debug"], []], ids=["--debug", "TUNESMITH_DEBUG"])
def test_debug_shows_the_traceback_too(debug: list[str], tmp_path: Path) -> None:
    env = {"TUNESMITH_MODELS": '{"V5": "no_such_package.engine:Engine"}'}
    if not debug:
        env["TUNESMITH_DEBUG"] = "1"
    run = run_cli([*debug, "worker", "--data-dir", str(tmp_path / "data")], tmp_path, clean_env(**env))
    assert run.returncode == 1
    assert "Traceback" in run.stderr and "ModuleNotFoundError" in run.stderr
    assert run.error_lines[-1].startswith("error: engine 'no_such_package.engine:Engine'")
    assert run.left_behind == []
