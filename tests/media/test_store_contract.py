"""The media store contract, one suite run on every backend: a local directory and an S3 bucket on a real
S3-compatible server process (moto's standalone server) on loopback."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.support.media_stores import MakeStore
from tunesmith.media.local import LocalMediaStore
from tunesmith.media.s3 import S3MediaStore, parse_s3_url
from tunesmith.media.store import MediaMissing, MediaStore, check_key

BAD_KEYS = ["", "/abs", "../up", "a/../../up", "a//b", "a/./b", ".hidden", "a/", "a\\b", "a/b\x00c", "é"]


def test_bytes_round_trip_with_type_and_size(store: MediaStore) -> None:
    info = store.put_bytes("clips/c1/plan.json", b'{"a": 1}')
    assert (info.key, info.size, info.content_type) == ("clips/c1/plan.json", 8, "application/json")
    got = store.stat("clips/c1/plan.json")
    assert got is not None and got.size == 8 and got.content_type == "application/json"
    assert store.read_bytes("clips/c1/plan.json") == b'{"a": 1}'


def test_a_large_file_round_trips_exactly(store: MediaStore, tmp_path: Path) -> None:
    data = os.urandom(9 * 1024 * 1024 + 17)  # past boto3's 8 MB multipart threshold
    source = tmp_path / "big.mp3"
    source.write_bytes(data)
    info = store.put_file("pub/tok/audio.mp3", source)
    assert info.size == len(data) and info.content_type == "audio/mpeg"
    assert store.stat("pub/tok/audio.mp3").content_type == "audio/mpeg"  # type: ignore[union-attr]
    chunks = list(store.iter_bytes("pub/tok/audio.mp3", chunk=1 << 20))
    assert all(len(c) <= 1 << 20 for c in chunks) and len(chunks) >= 9
    assert b"".join(chunks) == data
    copy = store.download("pub/tok/audio.mp3", tmp_path / "deep" / "er" / "copy.mp3")
    assert copy.read_bytes() == data


def test_byte_ranges_are_clamped_to_the_object(store: MediaStore) -> None:
    data = bytes(range(256)) * 4
    store.put_bytes("a/b.bin", data)
    assert store.read_bytes("a/b.bin", 0, 10) == data[:10]
    assert store.read_bytes("a/b.bin", 1000) == data[1000:]
    assert store.read_bytes("a/b.bin", 1020, 5000) == data[1020:]
    assert store.read_bytes("a/b.bin", 5, 5) == b""
    assert store.read_bytes("a/b.bin", 2000) == b""
    assert b"".join(store.iter_bytes("a/b.bin", 100, 900, chunk=64)) == data[100:900]


def test_a_put_replaces_the_whole_object(store: MediaStore) -> None:
    store.put_bytes("x/y.json", b"first version, longer")
    store.put_bytes("x/y.json", b"second")
    assert store.read_bytes("x/y.json") == b"second"
    assert store.stat("x/y.json").size == 6  # type: ignore[union-attr]


def test_missing_objects(store: MediaStore, tmp_path: Path) -> None:
    assert store.stat("no/such.mp3") is None
    with pytest.raises(MediaMissing):
        store.iter_bytes("no/such.mp3")  # raised when asked, before any chunk is read
    with pytest.raises(MediaMissing):
        store.iter_bytes("no/such.mp3", 3, 3)
    with pytest.raises(MediaMissing):
        store.read_bytes("no/such.mp3")
    with pytest.raises(MediaMissing):
        store.download("no/such.mp3", tmp_path / "x.mp3")
    assert not (tmp_path / "x.mp3").exists()


def test_delete_removes_objects_and_skips_missing_ones(store: MediaStore) -> None:
    for name in ("a", "b", "c"):
        store.put_bytes(f"clips/k/{name}.json", b"{}")
    store.delete(["clips/k/a.json", "clips/k/nothing.json", "clips/k/c.json"])
    assert [o.key for o in store.list("clips/")] == ["clips/k/b.json"]
    store.delete(["clips/k/b.json"])
    assert list(store.list("clips/")) == []
    assert store.stat("clips/k/b.json") is None


def test_list_by_prefix_in_key_order(store: MediaStore) -> None:
    keys = ["clips/a/z.json", "clips/a/c/d.json", "clips/b/x.mp3", "tasks/t/y.wav", "clips/ab/q.png"]
    for key in keys:
        store.put_bytes(key, key.encode())
    assert [o.key for o in store.list("clips/a/")] == ["clips/a/c/d.json", "clips/a/z.json"]
    assert [o.key for o in store.list()] == sorted(keys)
    listed = {o.key: o for o in store.list("clips/")}
    assert listed["clips/b/x.mp3"].size == len(b"clips/b/x.mp3")
    assert listed["clips/b/x.mp3"].content_type == "audio/mpeg"
    assert list(store.list("nothing/")) == []
    with pytest.raises(ValueError):
        list(store.list("clips"))  # a prefix is a folder: it ends with '/'


@pytest.mark.parametrize("key", BAD_KEYS)
def test_malformed_keys_are_refused_everywhere(store: MediaStore, key: str, tmp_path: Path) -> None:
    source = tmp_path / "f.bin"
    source.write_bytes(b"x")
    for call in (
        lambda: store.put_bytes(key, b"x"),
        lambda: store.put_file(key, source),
        lambda: store.stat(key),
        lambda: store.iter_bytes(key),
        lambda: store.download(key, tmp_path / "out.bin"),
        lambda: store.delete([key]),
    ):
        with pytest.raises(ValueError):
            call()


def test_each_store_stays_inside_its_own_root(make_store: MakeStore) -> None:
    first, second = make_store("one"), make_store("two")
    first.put_bytes("clips/c/audio.mp3", b"first")
    second.put_bytes("clips/c/audio.mp3", b"second")
    assert first.read_bytes("clips/c/audio.mp3") == b"first"
    assert [o.key for o in first.list()] == ["clips/c/audio.mp3"]
    first.delete(["clips/c/audio.mp3"])
    assert second.read_bytes("clips/c/audio.mp3") == b"second"


def test_key_and_url_checks() -> None:
    assert check_key("pub/AbC-1_2.x/audio.mp3") == "pub/AbC-1_2.x/audio.mp3"
    assert parse_s3_url("s3://bucket") == ("bucket", "")
    assert parse_s3_url("s3://bucket/some/prefix/") == ("bucket", "some/prefix")
    for bad in ("http://bucket/x", "s3:///x", "s3://b/../x", "s3://b/x?y=1"):
        with pytest.raises(ValueError):
            parse_s3_url(bad)


def test_the_media_url_picks_the_backend(tmp_path: Path) -> None:
    from tunesmith.media import open_media_store

    default = open_media_store("", default_dir=tmp_path / "media")
    assert isinstance(default, LocalMediaStore) and default.root == (tmp_path / "media").resolve()
    named = open_media_store(f"file://{tmp_path}/elsewhere", default_dir=tmp_path / "media")
    assert isinstance(named, LocalMediaStore) and named.root == (tmp_path / "elsewhere").resolve()
    remote = open_media_store("s3://bucket/pre", default_dir=tmp_path, s3_endpoint_url="http://127.0.0.1:9")
    assert isinstance(remote, S3MediaStore) and (remote.bucket, remote.prefix) == ("bucket", "pre")
    remote.close()
    with pytest.raises(ValueError):
        open_media_store("https://cdn.example.com/x", default_dir=tmp_path)
