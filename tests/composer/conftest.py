from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture(scope="module")
def engine():
    from tunesmith.engines.composer.engine import ComposerEngine

    eng = ComposerEngine()
    eng.warm_up()
    yield eng
    from tunesmith.engines.composer import pool

    pool.shutdown()
