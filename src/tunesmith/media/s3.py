"""The media store in an S3-compatible bucket (AWS S3, MinIO, Ceph, R2...), through boto3.

`s3://bucket/prefix` names the bucket and an optional key prefix. Credentials and region come from the
standard AWS settings (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_REGION`, profiles, instance roles);
`TUNESMITH_S3_ENDPOINT_URL` points at an S3-compatible server, addressed path-style. boto3 is imported here
only, so processes that keep media on local disk never load it.

Reads stream: a byte range is one GET with a Range header, handed on in chunks as the body arrives.
Large files are uploaded in parts by boto3's transfer manager; a reader sees an object only once its upload
completed (S3 writes are atomic per object).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tunesmith.media.store import (
    CHUNK,
    MediaMissing,
    MediaStore,
    StoredObject,
    check_key,
    check_prefix,
    content_type_for,
)

_MISSING = {"404", "NoSuchKey", "NotFound"}
_DELETE_BATCH = 1000  # the most keys one DeleteObjects request takes


def parse_s3_url(url: str) -> tuple[str, str]:
    """(bucket, prefix) of `s3://bucket/prefix`; ValueError for anything else."""
    parts = urlsplit(url)
    if parts.scheme != "s3" or not parts.netloc or parts.query or parts.fragment:
        raise ValueError(f"an S3 media URL looks like s3://bucket/prefix, not {url!r}")
    prefix = parts.path.strip("/")
    if prefix:
        check_key(prefix)
    return parts.netloc, prefix


class S3MediaStore(MediaStore):
    def __init__(self, url: str, *, endpoint_url: str | None = None, client: Any = None) -> None:
        self.bucket, self.prefix = parse_s3_url(url)
        self.location = url
        self.client = client or _client(endpoint_url)

    def _full(self, key: str) -> str:
        check_key(key)
        return f"{self.prefix}/{key}" if self.prefix else key

    def _short(self, full: str) -> str:
        return full[len(self.prefix) + 1 :] if self.prefix else full

    def put_file(self, key: str, path: Path, *, content_type: str | None = None) -> StoredObject:
        kind = content_type or content_type_for(key)
        self.client.upload_file(str(path), self.bucket, self._full(key), ExtraArgs={"ContentType": kind})
        return StoredObject(key=key, size=Path(path).stat().st_size, content_type=kind)

    def put_bytes(self, key: str, data: bytes, *, content_type: str | None = None) -> StoredObject:
        kind = content_type or content_type_for(key)
        self.client.put_object(Bucket=self.bucket, Key=self._full(key), Body=data, ContentType=kind)
        return StoredObject(key=key, size=len(data), content_type=kind)

    def stat(self, key: str) -> StoredObject | None:
        try:
            head = self.client.head_object(Bucket=self.bucket, Key=self._full(key))
        except self._errors as exc:
            if _code(exc) in _MISSING:
                return None
            raise
        return StoredObject(
            key=key,
            size=int(head["ContentLength"]),
            content_type=head.get("ContentType") or content_type_for(key),
            modified=head.get("LastModified"),
        )

    def iter_bytes(
        self, key: str, start: int = 0, end: int | None = None, *, chunk: int = CHUNK
    ) -> Iterator[bytes]:
        start = max(0, start)
        if end is not None and end <= start:
            if self.stat(key) is None:
                raise MediaMissing(key)
            return iter(())
        args: dict[str, Any] = {"Bucket": self.bucket, "Key": self._full(key)}
        if start or end is not None:
            args["Range"] = f"bytes={start}-{'' if end is None else end - 1}"
        try:
            body = self.client.get_object(**args)["Body"]
        except self._errors as exc:
            if _code(exc) in _MISSING:
                raise MediaMissing(key) from None
            if _code(exc) == "InvalidRange":  # start lies past the end of the object
                return iter(())
            raise
        return _chunks(body, chunk)

    def download(self, key: str, dest: Path) -> Path:
        dest.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.client.download_file(self.bucket, self._full(key), str(dest))
        except self._errors as exc:
            if _code(exc) in _MISSING:
                raise MediaMissing(key) from None
            raise
        return dest

    def delete(self, keys: Iterable[str]) -> None:
        batch: list[dict[str, str]] = []
        for key in keys:
            batch.append({"Key": self._full(key)})
            if len(batch) == _DELETE_BATCH:
                self._delete_batch(batch)
                batch = []
        if batch:
            self._delete_batch(batch)

    def _delete_batch(self, batch: list[dict[str, str]]) -> None:
        reply = self.client.delete_objects(Bucket=self.bucket, Delete={"Objects": batch, "Quiet": True})
        errors = reply.get("Errors") or []
        if errors:
            raise OSError(f"S3 refused to delete {len(errors)} object(s): {errors[0]}")

    def list(self, prefix: str = "") -> Iterator[StoredObject]:
        check_prefix(prefix)
        full = f"{self.prefix}/{prefix}" if self.prefix else prefix
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=full)
        for page in pages:
            for item in page.get("Contents") or []:
                key = self._short(item["Key"])
                yield StoredObject(
                    key=key,
                    size=int(item["Size"]),
                    content_type=content_type_for(key),
                    modified=item.get("LastModified"),
                )

    def close(self) -> None:
        self.client.close()

    @property
    def _errors(self) -> tuple[type[Exception], ...]:
        return (self.client.exceptions.ClientError,)


def _client(endpoint_url: str | None) -> Any:
    import boto3
    from botocore.config import Config

    region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"
    config = Config(
        region_name=region,
        retries={"mode": "standard", "max_attempts": 5},
        max_pool_connections=64,
        s3={"addressing_style": "path" if endpoint_url else "auto"},
    )
    return boto3.session.Session().client("s3", endpoint_url=endpoint_url or None, config=config)


def _code(exc: Exception) -> str:
    return str(getattr(exc, "response", {}).get("Error", {}).get("Code", ""))


def _chunks(body: Any, chunk: int) -> Iterator[bytes]:
    try:
        yield from body.iter_chunks(chunk)
    finally:
        body.close()
