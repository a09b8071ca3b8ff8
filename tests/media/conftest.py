"""The media store backends every media suite runs on: a local directory and an S3 bucket on a real
S3-compatible server process (moto's standalone server) on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.media_stores import MakeStore
from tunesmith.media.local import LocalMediaStore
from tunesmith.media.s3 import S3MediaStore
from tunesmith.media.store import MediaStore


@pytest.fixture(params=["local", "s3"])
def make_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[MakeStore]:
    """Builds stores that share one backing (a folder, a bucket) under different names, so the suite can
    check that each stays inside its own root/prefix."""
    made: list[MediaStore] = []
    if request.param == "local":

        def make(name: str) -> MediaStore:
            made.append(LocalMediaStore(tmp_path / name))
            return made[-1]

    else:
        from tests.support.s3server import new_bucket

        endpoint = request.getfixturevalue("s3_endpoint")
        bucket = new_bucket(endpoint)

        def make(name: str) -> MediaStore:
            made.append(S3MediaStore(f"s3://{bucket}/{name}", endpoint_url=endpoint))
            return made[-1]

    yield make
    for store in made:
        store.close()


@pytest.fixture
def store(make_store: MakeStore) -> MediaStore:
    return make_store("media")
