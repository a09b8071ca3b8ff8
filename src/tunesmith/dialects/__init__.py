"""One module per API dialect: parse its requests into domain operations, render domain objects back.

Dialects are pure translation: they import the domain, never the store, the engines or the web framework's
app. The API layer (tunesmith.api.routes.<dialect>) wires them to HTTP routes.

The public surface: `Dialect` (an envelope for errors) with its class-keyed `ErrorTable`, the `UrlBuilder`
every renderer takes, and `callback_renderer` (which dialect renders a task's callbacks). Each dialect's own
names are in its module (tunesmith.dialects.kie, .newapi, ...).
"""

from __future__ import annotations

from tunesmith.dialects.base import Dialect, ErrorTable, UrlBuilder
from tunesmith.dialects.registry import callback_renderer

__all__ = ["Dialect", "ErrorTable", "UrlBuilder", "callback_renderer"]
