"""The parallel run's file order (tests/support/slow_first.py): listed files first, longest first, tests in
a file and the unlisted files in their own order; a serial run untouched; no stale entry in the table."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.slow_first import SLOW_FILES, pytest_collection_modifyitems

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Item:
    nodeid: str


def _collected() -> list[Item]:
    return [
        Item("tests/a/test_quick.py::test_one"),
        Item(f"{SLOW_FILES[1]}::test_x"),
        Item("tests/a/test_quick.py::test_two"),
        Item(f"{SLOW_FILES[0]}::test_y[1]"),
        Item(f"{SLOW_FILES[1]}::test_z"),
        Item(f"{SLOW_FILES[0]}::test_y[2]"),
        Item("tests/b/test_other.py::test_three"),
    ]


def test_every_listed_file_exists() -> None:
    missing = [path for path in SLOW_FILES if not (ROOT / path).is_file()]
    assert missing == [] and len(set(SLOW_FILES)) == len(SLOW_FILES)


def test_a_parallel_worker_takes_the_listed_files_first(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw0")
    items = _collected()
    pytest_collection_modifyitems(items)
    assert [i.nodeid for i in items] == [
        f"{SLOW_FILES[0]}::test_y[1]",
        f"{SLOW_FILES[0]}::test_y[2]",
        f"{SLOW_FILES[1]}::test_x",
        f"{SLOW_FILES[1]}::test_z",
        "tests/a/test_quick.py::test_one",
        "tests/a/test_quick.py::test_two",
        "tests/b/test_other.py::test_three",
    ]


def test_a_serial_run_keeps_the_collected_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PYTEST_XDIST_WORKER", raising=False)
    items = _collected()
    pytest_collection_modifyitems(items)
    assert items == _collected()
