"""A real S3-compatible server for tests: moto's standalone server (`moto[server]`), started as its own
process on a free loopback port, spoken to over HTTP like any S3 endpoint."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import httpx

from tests.support.harness import free_port, wait_for
from tests.support.processes import stopped_at_exit

# moto accepts any credentials; these keep boto3 from looking for real ones.
S3_ENV = {
    "AWS_ACCESS_KEY_ID": "tunesmith-test",
    "AWS_SECRET_ACCESS_KEY": "tunesmith-test-secret",
    "AWS_REGION": "us-east-1",
}


def s3_unavailable() -> str | None:
    """Why the S3 server cannot run here, or None."""
    try:
        import boto3  # noqa: F401
        import moto.server  # noqa: F401
    except ImportError as exc:
        return f"moto[server] / boto3 not installed: {exc}"
    return None


@contextmanager
def s3_server() -> Iterator[str]:
    """Run the server until the block ends; yields its endpoint URL."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=os.environ | S3_ENV,
    )
    endpoint = f"http://127.0.0.1:{port}"
    with stopped_at_exit([proc], grace=10):
        wait_for(lambda: _answers(endpoint), timeout=30, interval=0.1)
        yield endpoint


def _answers(endpoint: str) -> bool:
    try:
        httpx.get(endpoint, timeout=1)
        return True
    except httpx.HTTPError:
        return False


def new_bucket(endpoint: str) -> str:
    """Create a fresh bucket on the server; returns its name."""
    import boto3

    name = f"tunesmith-{uuid.uuid4().hex[:12]}"
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=S3_ENV["AWS_REGION"],
        aws_access_key_id=S3_ENV["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=S3_ENV["AWS_SECRET_ACCESS_KEY"],
    )
    client.create_bucket(Bucket=name)
    client.close()
    return name
