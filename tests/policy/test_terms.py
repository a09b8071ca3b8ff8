"""Word list files: format, sections, mistakes, and reloading when the file changes."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest

from tunesmith.policy.matcher import Term
from tunesmith.policy.terms import ListError, load_list, parse_list, watch_list


def test_sections_scope_the_terms_after_them() -> None:
    parsed = parse_list(
        "# a comment\nbad\n\n[lyrics, title]\nworse\n[style]\nugly\n[allow]\nbadminton\n[all]\nworst\n"
    )
    assert parsed.allowed == ["badminton"]
    assert parsed.terms == [
        Term("bad"),
        Term("worse", frozenset({"lyrics", "title"})),
        Term("ugly", frozenset({"style"})),
        Term("worst"),
    ]


def test_comments_may_follow_a_term() -> None:
    parsed = parse_list("fuck*   # and longer words\nc#\n[style]  # styles only\nnsfw\n")
    assert parsed.terms == [Term("fuck*"), Term("c#"), Term("nsfw", frozenset({"style"}))]


def test_the_readme_example_parses() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    example = readme.split("## Content policy", 1)[1].split("```text\n", 1)[1].split("```", 1)[0]
    parsed = parse_list(example)
    assert [t.text for t in parsed.terms] == ["fuck*", "ass", "傻逼", "suicide", "nsfw"]
    assert parsed.allowed == ["妈妈"]


def test_an_unknown_section_is_an_error_that_names_the_line() -> None:
    with pytest.raises(ListError, match=r"list.txt line 2: unknown section \[lyric\]"):
        parse_list("bad\n[lyric]\nworse\n", source="list.txt")


def test_missing_unreadable_and_binary_files(tmp_path: Path) -> None:
    with pytest.raises(ListError, match="not found"):
        load_list(tmp_path / "nope.txt")
    with pytest.raises(ListError, match="is a folder"):
        load_list(tmp_path)
    binary = tmp_path / "latin1.txt"
    binary.write_bytes("caf\xe9\n".encode("latin-1"))
    with pytest.raises(ListError, match="not UTF-8"):
        load_list(binary)


def _touch_later(path: Path, text: str) -> None:
    before = path.stat().st_mtime_ns
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(before + 2_000_000_000, before + 2_000_000_000))


def test_a_changed_file_is_read_again(tmp_path: Path) -> None:
    path = tmp_path / "blocklist.txt"
    path.write_text("bad\n", encoding="utf-8")
    watched = watch_list(path, check_seconds=0)
    assert watched.get().find("so bad", "lyrics") is not None
    _touch_later(path, "worse\n")
    matcher = watched.get()
    assert matcher.find("so bad", "lyrics") is None
    assert matcher.find("even worse", "lyrics") is not None


def test_a_broken_or_deleted_file_keeps_the_last_good_list(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "blocklist.txt"
    path.write_text("bad\n", encoding="utf-8")
    watched = watch_list(path, check_seconds=0)
    _touch_later(path, "[nonsense]\nworse\n")
    with caplog.at_level(logging.ERROR, logger="tunesmith.policy.terms"):
        assert watched.get().find("so bad", "lyrics") is not None
    assert "keeping the previous list" in caplog.text
    path.unlink()
    assert watched.get().find("so bad", "lyrics") is not None
    path.write_text("worse\n", encoding="utf-8")
    assert watched.get().find("even worse", "lyrics") is not None


def test_checks_are_spaced_out(tmp_path: Path) -> None:
    path = tmp_path / "blocklist.txt"
    path.write_text("bad\n", encoding="utf-8")
    watched = watch_list(path, check_seconds=3600)
    _touch_later(path, "worse\n")
    assert watched.get().find("so bad", "lyrics") is not None  # not looked at again yet
