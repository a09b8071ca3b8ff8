"""An operator's mistakes in the content policy's settings, made for real with the `tunesmith` command: one
line naming the setting and what is wrong, exit status 1, before anything starts."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.cli import Mistake, assert_one_clear_line, run_mistake

MISTAKES: dict[str, Mistake] = {
    "word list missing": Mistake(
        ["serve"],
        ["TUNESMITH_BLOCKLIST_FILE", "nope.txt not found"],
        env={"TUNESMITH_BLOCKLIST_FILE": "nope.txt"},
    ),
    "word list with a misspelt section": Mistake(
        ["worker"],
        ["TUNESMITH_BLOCKLIST_FILE", "words.txt line 2", "unknown section [lyric]"],
        env={"TUNESMITH_BLOCKLIST_FILE": "words.txt"},
        files={"words.txt": "snarkle\n[lyric]\nblorp\n"},
    ),
    "artist list is a folder": Mistake(
        ["serve"],
        ["TUNESMITH_ARTIST_NAMES_FILE", "is a folder"],
        env={"TUNESMITH_ARTIST_NAMES_FILE": "."},
    ),
    "artist action misspelt": Mistake(
        ["serve"],
        ["'artist_names_action'", "TUNESMITH_ARTIST_NAMES_ACTION", "'refuse' or 'strip'"],
        env={"TUNESMITH_ARTIST_NAMES_ACTION": "remove"},
    ),
    "moderation URL without a scheme": Mistake(
        ["serve"],
        ["TUNESMITH_MODERATION_URL", "not an http(s) URL", "/v1/moderations"],
        env={"TUNESMITH_MODERATION_URL": "moderation.example.com/v1"},
    ),
    "moderation timeout of 0": Mistake(
        ["worker"],
        ["TUNESMITH_MODERATION_TIMEOUT_SECONDS", "more than 0"],
        env={
            "TUNESMITH_MODERATION_URL": "http://127.0.0.1:9/v1",
            "TUNESMITH_MODERATION_TIMEOUT_SECONDS": "0",
        },
    ),
}


@pytest.mark.parametrize("name", list(MISTAKES))
def test_policy_mistake_is_one_clear_line(name: str, tmp_path: Path) -> None:
    assert_one_clear_line(run_mistake(MISTAKES[name], tmp_path), MISTAKES[name].expected)


def test_the_moderation_url_and_key_are_never_shown(tmp_path: Path) -> None:
    mistake = Mistake(
        ["serve"],
        ["TUNESMITH_MODERATION_URL", "not an http(s) URL"],
        env={
            "TUNESMITH_MODERATION_URL": "ftp://user:hunter2@mod.example/v1",
            "TUNESMITH_MODERATION_KEY": "sk-9",
        },
    )
    run = run_mistake(mistake, tmp_path)
    assert_one_clear_line(run, mistake.expected)
    assert "hunter2" not in run.stderr and "sk-9" not in run.stderr
