"""Two real choices of cover, the same two every time for the same song."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

from tests.support.studio_ops import run_op
from tunesmith.domain.operations import OperationKind


def pixels(path: Path) -> np.ndarray:
    return np.asarray(Image.open(path).convert("RGB"), dtype=np.float32)


def make(tmp: Path, title: str = "Night Song", style: str = "synthwave, nostalgic", seed: int = 4):
    files, data = run_op(
        OperationKind.COVER_ART, tmp, None, seed=seed, title=title, style=style, source_task_id="t-src"
    )
    return files, data


def test_two_distinct_square_covers(tmp_path: Path) -> None:
    files, data = make(tmp_path)
    assert data == {"images": ["image_0", "image_1"]} and set(files) == {"image_0", "image_1"}
    a, b = (pixels(tmp_path / files[name]) for name in data["images"])
    assert a.shape[0] == a.shape[1] == b.shape[0] == b.shape[1]
    assert np.abs(a - b).mean() > 20


def test_deterministic_per_seed_and_title_is_drawn(tmp_path: Path) -> None:
    files, _ = make(tmp_path / "a")
    again, _ = make(tmp_path / "b")
    other_seed, _ = make(tmp_path / "c", seed=5)
    other_title, _ = make(tmp_path / "d", title="星空 Starlight")
    first = (tmp_path / "a" / files["image_0"]).read_bytes()
    assert (tmp_path / "b" / again["image_0"]).read_bytes() == first
    assert (tmp_path / "c" / other_seed["image_0"]).read_bytes() != first
    assert (tmp_path / "d" / other_title["image_0"]).read_bytes() != first
