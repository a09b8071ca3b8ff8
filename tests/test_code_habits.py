"""Habits the codebase keeps as it grows (issue 18): no module of the package over 500 lines, and no test
module that imports another test module or a conftest (shared helpers live in tests/support/, fixtures are
found by pytest).

A module past the limit is split along its real seam; a helper two test modules need moves to tests/support/.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SRC = REPO / "src" / "tunesmith"
TESTS = REPO / "tests"
MAX_LINES = 500


def test_no_module_of_the_package_is_over_500_lines() -> None:
    modules = sorted(SRC.rglob("*.py"))
    assert len(modules) > 100  # the package was found
    lengths = {path.relative_to(REPO).as_posix(): len(path.read_bytes().splitlines()) for path in modules}
    assert {name: n for name, n in lengths.items() if n > MAX_LINES} == {}


def imported_test_modules(source: str, package: str) -> list[str]:
    """The modules imported in `source` (a module of the dotted `package`) that are test modules or
    conftests: absolute, relative and function-local imports, and `from pkg import test_x` alike."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, *([base] if base else [])])
            names = [base, *(f"{base}.{alias.name}" for alias in node.names)]
        else:
            continue
        found += [name for name in names if _is_test_module(name.rsplit(".", 1)[-1])]
    return found


def _is_test_module(name: str) -> bool:
    return name.startswith("test_") or name == "conftest"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from tests.api.test_kie_flow import poll_until_done", ["tests.api.test_kie_flow"]),
        ("def f():\n    from tests.api import test_kie_flow", ["tests.api.test_kie_flow"]),
        ("import tests.store.test_tasks", ["tests.store.test_tasks"]),
        ("from .conftest import sections", ["tests.songwriter.conftest"]),
        ("from conftest import make_job", ["conftest"]),
        ("from . import test_song", ["tests.songwriter.test_song"]),
        ("from tests.support.kie_client import submit\nfrom tests.store.factories import new_key", []),
    ],
)
def test_the_import_check_sees_every_form(source: str, expected: list[str]) -> None:
    assert imported_test_modules(source, "tests.songwriter") == expected


def test_no_test_module_imports_another_test_module_or_a_conftest() -> None:
    offenders = {}
    for path in sorted(TESTS.rglob("*.py")):
        package = ".".join(path.relative_to(REPO).parent.parts)
        imported = imported_test_modules(path.read_text(encoding="utf-8"), package)
        if imported:
            offenders[path.relative_to(REPO).as_posix()] = imported
    assert offenders == {}, "move what they share to tests/support/"
