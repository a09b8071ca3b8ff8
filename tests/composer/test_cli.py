"""`tunesmith render` through the real CLI app: one short song into a directory a person can open."""

from __future__ import annotations

import re

import pytest
from tests.support.composer_jobs import LYRICS
from typer.testing import CliRunner


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    from tunesmith.cli import app

    tmp = tmp_path_factory.mktemp("cli")
    (tmp / "song.txt").write_text(LYRICS, encoding="utf-8")
    out = tmp / "out"
    args = [
        "render",
        "--style",
        "pop, female vocals",
        "--lyrics",
        str(tmp / "song.txt"),
        "--title",
        "Night Drive",
    ]
    result = CliRunner().invoke(app, [*args, "--out", str(out), "--seed", "5"])
    return result, out


def test_render_writes_everything(rendered):
    result, out = rendered
    assert result.exit_code == 0, result.output
    names = {p.name for p in out.iterdir()}
    expected = {"night-drive.mp3", "night-drive.wav", "vocals.wav", "drums.wav", "bass.wav", "other.wav"}
    assert expected <= names
    assert {"song.mid", "words.json", "cover.png"} <= names
    assert all((out / n).stat().st_size > 0 for n in expected | {"song.mid", "words.json", "cover.png"})
    assert "night-drive.mp3" in result.output


@pytest.mark.slow
def test_render_description_names_the_files_after_the_songwriters_title(tmp_path):
    from tunesmith.cli import app

    out = tmp_path / "out"
    args = ["render", "--description", "a calm piano track about the sea", "--instrumental", "--seed", "3"]
    result = CliRunner().invoke(app, [*args, "--out", str(out)])
    assert result.exit_code == 0, result.output
    title = result.output.split("rendering “", 1)[1].split("”", 1)[0]  # the title the progress bar showed
    assert title and title != "Untitled"
    mp3s = [p.name for p in out.glob("*.mp3")]
    assert mp3s == [re.sub(r"[^\w-]+", "-", title.lower()).strip("-") + ".mp3"], (mp3s, title)
