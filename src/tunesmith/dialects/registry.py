"""Which dialect renders callbacks for a task: the one the task was submitted through."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from tunesmith.dialects.base import UrlBuilder
from tunesmith.domain.models import Task

CallbackRenderer = Callable[[Task, str, UrlBuilder], dict[str, Any] | None]

# dialect name -> "module:function" rendering (task, stage, urls) into the callback body
CALLBACK_RENDERERS: dict[str, str] = {
    "kie": "tunesmith.dialects.kie:render_callback",
    "newapi": "tunesmith.dialects.newapi:render_notify",
}


def callback_renderer(dialect: str) -> CallbackRenderer | None:
    path = CALLBACK_RENDERERS.get(dialect)
    if path is None:
        return None
    module, _, name = path.partition(":")
    renderer: CallbackRenderer = getattr(importlib.import_module(module), name)
    return renderer
