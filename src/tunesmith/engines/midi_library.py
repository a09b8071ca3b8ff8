"""pretty_midi, imported without the line pyfluidsynth prints.

pretty_midi imports pyfluidsynth, which prints where it found its library whenever the environment has
`CI` set. Engine processes share the service's stdout, where `TUNESMITH_LOG_FORMAT=json` promises one JSON
object per line, so every engine imports pretty_midi (and through it fluidsynth) here, with stdout held.
"""

from __future__ import annotations

import contextlib
import io
from types import ModuleType


def load_pretty_midi() -> ModuleType:
    """The pretty_midi module (imported on first use: the API process never needs it)."""
    with contextlib.redirect_stdout(io.StringIO()):
        import pretty_midi
    return pretty_midi
