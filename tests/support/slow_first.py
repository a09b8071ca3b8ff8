"""Long test files first when the suite runs in parallel (scripts/test.sh: pytest-xdist, `--dist loadfile`).

Each worker takes whole files, in collection order (`--no-loadscope-reorder`; xdist's own reorder puts files
with many tests first, which are mostly the quick ones). A long file taken last keeps one worker busy while
the others idle, so the files that take longest are handed out first and the short ones fill in the gaps.
The table only orders: a file missing from it runs after those in it, as before; a serial run is unchanged.
Registered as a plugin by tests/conftest.py.
"""

from __future__ import annotations

import os

import pytest

# Measured with `--durations` (setup + call + teardown per file, longest first). Refresh it when a file
# grows slow; keeping it exact matters little, keeping the long ones near the top does.
SLOW_FILES = (
    "tests/acestep/test_service.py",
    "tests/api/test_composer_service.py",
    "tests/composer/test_bad_input.py",
    "tests/relay/test_relay_service.py",
    "tests/acestep/test_failures.py",
    "tests/api/test_add_parts_flow.py",
    "tests/acestep/test_engine.py",
    "tests/api/test_song_ops.py",
    "tests/acestep/test_stems.py",
    "tests/api/test_upload_clips_flow.py",
    "tests/api/test_upload_cover_flow.py",
    "tests/browser/test_studio.py",
    "tests/store/test_tasks.py",
    "tests/composer/test_operations.py",
    "tests/composer/test_style_vocab.py",
    "tests/cli/test_operator_mistakes.py",
    "tests/runtime/test_worker_recovery.py",
    "tests/api/test_private_media.py",
    "tests/relay/test_relayed_songs.py",
    "tests/api/test_mashup_flow.py",
    "tests/composer/test_upload_extend.py",
    "tests/composer/test_lyric_sheet.py",
    "tests/api/test_retention.py",
    "tests/api/test_upload_extend_flow.py",
    "tests/browser/test_studio_composer.py",
    "tests/composer/test_engine.py",
    "tests/composer/test_analysis.py",
    "tests/relay/test_channels.py",
    "tests/api/test_gcui_flow.py",
    "tests/acceptance/test_two_hosts.py",
    "tests/api/test_kie_ops.py",
    "tests/acceptance/test_scale_out.py",
    "tests/media/test_store_contract.py",
)


def in_parallel_worker() -> bool:
    return "PYTEST_XDIST_WORKER" in os.environ


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if not in_parallel_worker():
        return
    rank = {path: place for place, path in enumerate(SLOW_FILES)}
    # A stable sort: tests keep their order inside a file, and files outside the table keep theirs.
    items.sort(key=lambda item: rank.get(item.nodeid.split("::", 1)[0], len(rank)))
