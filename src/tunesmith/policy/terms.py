"""The operator's word lists: UTF-8 text files read at start and again whenever they change.

Format: one term or phrase per line; `#` starts a comment (at the start of a line, or after a space);
blank lines are ignored. A line
`[lyrics, title]` makes the terms after it apply to those fields only (lyrics, style, title, description);
`[all]` goes back to every field, which is where a file starts. A trailing `*` lifts the word boundary
(`fuck*` also matches "fucking"); see tunesmith.policy.patterns for what else a term matches. Phrases under
`[allow]` are innocent words that contain a term (妈妈的 contains 妈的): text inside one is never a hit.

A file that changes is read again at the next check (at most once per `check_seconds`): an edit takes
effect without a restart. A file that disappears or stops parsing later keeps the last good list, with an
error in the log; at start the same mistakes stop the service (`load_terms` raises ListError).
"""

from __future__ import annotations

import logging
import os
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

from tunesmith.policy.matcher import FIELDS, Matcher, Term

log = logging.getLogger(__name__)

_COMMENT = re.compile(r"\s#.*$")  # a comment after a term, set off by a space
ALL = "all"
ALLOW = "allow"
T = TypeVar("T")


class ListError(Exception):
    """A word list cannot be used: missing, unreadable, not UTF-8, or a bad section line."""


@dataclass(frozen=True)
class WordList:
    terms: list[Term]
    allowed: list[str]

    def matcher(self, *, by_sound: bool = True) -> Matcher:
        return Matcher(self.terms, allowed=self.allowed, by_sound=by_sound)


def parse_list(text: str, *, source: str = "the list") -> WordList:
    """The terms and allowed phrases of a list file's text (ListError on an unknown section name)."""
    terms: list[Term] = []
    allowed: list[str] = []
    fields: frozenset[str] | None = frozenset()  # None: in the [allow] section
    for number, raw in enumerate(text.splitlines(), start=1):
        line = _COMMENT.sub("", raw).strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            names = {n.strip().lower() for n in line[1:-1].split(",") if n.strip()}
            unknown = names - set(FIELDS) - {ALL, ALLOW}
            if unknown or not names or (ALLOW in names and len(names) > 1):
                known = ", ".join((ALL, *FIELDS, ALLOW))
                raise ListError(f"{source} line {number}: unknown section {line} (known: {known})")
            fields = None if ALLOW in names else frozenset() if ALL in names else frozenset(names)
            continue
        if fields is None:
            allowed.append(line)
        else:
            terms.append(Term(text=line, fields=fields))
    return WordList(terms, allowed)


def load_list(path: Path) -> WordList:
    """The list file at `path` (ListError when it cannot be read)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ListError(f"{path} not found") from None
    except IsADirectoryError:
        raise ListError(f"{path} is a folder, not a list file") from None
    except UnicodeDecodeError as exc:
        raise ListError(f"{path} is not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise ListError(f"{path} cannot be read: {exc.strerror or exc}") from None
    return parse_list(text, source=str(path))


def _stamp(path: Path) -> tuple[int, int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size, st.st_ino


class Watched(Generic[T]):
    """A value built from a file, built again when the file changes (checked at most every
    `check_seconds`); the last good value stays when the new file cannot be used."""

    def __init__(self, path: Path, build: Callable[[Path], T], *, check_seconds: float = 1.0) -> None:
        self.path = path
        self._build = build
        self.check_seconds = check_seconds
        self._lock = threading.Lock()
        self._stamp = _stamp(path)
        self._value = build(path)  # raises at start: the operator must fix the file
        self._checked = time.monotonic()

    def get(self) -> T:
        now = time.monotonic()
        if now - self._checked < self.check_seconds:
            return self._value
        with self._lock:
            if now - self._checked >= self.check_seconds:
                self._checked = now
                stamp = _stamp(self.path)
                if stamp != self._stamp:
                    self._reload(stamp)
        return self._value

    def _reload(self, stamp: tuple[int, int, int] | None) -> None:
        try:
            self._value = self._build(self.path)
        except ListError as exc:
            log.error("content policy: keeping the previous list, the new one cannot be used: %s", exc)
        else:
            log.info("content policy: %s changed, list reloaded", self.path)
        self._stamp = stamp


def watch_list(path: Path, *, by_sound: bool = True, check_seconds: float = 1.0) -> Watched[Matcher]:
    """A matcher for the list file at `path`, rebuilt when the file changes."""
    return Watched(path, lambda p: load_list(p).matcher(by_sound=by_sound), check_seconds=check_seconds)
