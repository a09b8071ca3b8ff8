"""The type of the media suites' `make_store` fixture (tests/media/conftest.py): builds a media store by name,
all of them on one backing (a folder, a bucket), so a test can check each stays inside its own root/prefix."""

from __future__ import annotations

from collections.abc import Callable

from tunesmith.media.store import MediaStore

MakeStore = Callable[[str], MediaStore]
