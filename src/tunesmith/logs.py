"""Structured logs and what they must never say.

`TUNESMITH_LOG_FORMAT=json` makes every log line one JSON object: time, level, logger, message, and the
request or task it belongs to (`task_id`, `key_prefix`, `dialect`, `route`) when there is one. The context is
a per-request (or per-task) dict in a context variable, bound at the start of a request or task and filled in
as the request learns more (the key is known only once authenticated, the task only once submitted).

Whatever the format, a redacting filter on the handler scrubs secrets from every line: API keys (`tsk_...`
tokens and whatever follows `Bearer`), and every configured secret value (webhook secrets, upstream and model
keys, the metrics token, keys given in TUNESMITH_API_KEYS) registered with `add_secrets`.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

CONTEXT_FIELDS = ("task_id", "key_prefix", "dialect", "route")
REDACTED = "[redacted]"

_context: contextvars.ContextVar[dict[str, str] | None] = contextvars.ContextVar(
    "tunesmith_log", default=None
)
_PATTERNS = (
    re.compile(r"(?i)(bearer\s+)[^\s\"',;]+"),
    re.compile(r"tsk_[A-Za-z0-9_\-]{8,}"),
)
_secrets: set[str] = set()
_secrets_lock = threading.Lock()
_secret_pattern: re.Pattern[str] | None = None


# ── context ──────────────────────────────────────────────────────────────────────────────────────────────
def begin(**values: str) -> dict[str, str]:
    """Start a fresh context for this request or task (its own dict, so threads it hands work to and the
    code after them see the same values)."""
    context = {k: v for k, v in values.items() if v}
    _context.set(context)
    return context


def bind(**values: str | None) -> None:
    """Add what is now known (the key's prefix, the task id) to the current context, if there is one."""
    context = _context.get()
    if context is not None:
        context.update({k: v for k, v in values.items() if v})


@contextmanager
def task_context(task_id: str, **values: str) -> Iterator[None]:
    token = _context.set({"task_id": task_id, **{k: v for k, v in values.items() if v}})
    try:
        yield
    finally:
        _context.reset(token)


def current() -> dict[str, str]:
    return dict(_context.get() or {})


# ── secrets ──────────────────────────────────────────────────────────────────────────────────────────────
def add_secrets(values: Iterable[str | None]) -> None:
    """Never log these values (under 6 characters: too common to scrub safely, and no real secret)."""
    global _secret_pattern
    new = {v for v in values if v and len(v) >= 6} - _secrets
    if not new:
        return
    with _secrets_lock:
        _secrets.update(new)
        ordered = sorted(_secrets, key=len, reverse=True)
        _secret_pattern = re.compile("|".join(map(re.escape, ordered))) if ordered else None


def redact(text: str) -> str:
    for pattern in _PATTERNS:
        text = pattern.sub(lambda m: (m.group(1) if m.lastindex else "") + REDACTED, text)
    secrets = _secret_pattern
    return secrets.sub(REDACTED, text) if secrets is not None else text


class RedactingFilter(logging.Filter):
    """Scrubs secrets from the record's message (arguments merged in) and from its traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = redact(message)
        if clean != message or record.args:
            record.msg, record.args = clean, None
        if record.exc_info:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        for name in CONTEXT_FIELDS:
            if not hasattr(record, name):
                value = (_context.get() or {}).get(name)
                if value:
                    setattr(record, name, value)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        context = _context.get() or {}
        for name in CONTEXT_FIELDS:
            value = getattr(record, name, None) or context.get(name)
            if value:
                entry[name] = value
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False)


def configure(handler: logging.Handler, log_format: str, text_format: str) -> None:
    """Give `handler` the format asked for and the redacting filter."""
    handler.setFormatter(JsonFormatter() if log_format == "json" else logging.Formatter(text_format))
    if not any(isinstance(f, RedactingFilter) for f in handler.filters):
        handler.addFilter(RedactingFilter())
