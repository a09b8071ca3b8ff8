"""Copying an upstream's finished files through the safe fetcher, from the loopback upstream."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
import soundfile as sf

from tests.support.relay_upstream import Upstream, channel, follow, song
from tunesmith.engines.relay.channel import Submission, UpstreamTask
from tunesmith.engines.relay.mirror import (
    MirrorFailed,
    MirrorLimits,
    StreamCopy,
    mirror_audio,
    mirror_image,
)


@pytest.fixture(scope="module")
def finished(upstream: Upstream) -> UpstreamTask:
    upstream.proxy.heal()
    ch = channel("kie", upstream.url, upstream.key)
    accepted = ch.submit(Submission(request=song(style="pop"), model="V4_5"))
    return follow(ch, accepted.ticket)[0]


def limits(**values: object) -> MirrorLimits:
    base: dict = dict(allow=["127.0.0.1"], max_bytes=5_000_000, timeout=10.0)
    base.update(values)
    return MirrorLimits(**base)


def test_audio_is_copied_and_measured(finished: UpstreamTask, healthy: Upstream, tmp_path: Path) -> None:
    clip = finished.clips[0]
    name, duration = mirror_audio(clip.audio_url, tmp_path, limits())
    assert (tmp_path / name).is_file() and not list(tmp_path.glob("*.part"))
    assert duration == pytest.approx(clip.duration, abs=0.15)
    assert sf.info(str(tmp_path / name)).duration == pytest.approx(duration, abs=0.1)
    cover = mirror_image(clip.image_url, tmp_path, limits())
    assert cover in ("cover.png", "cover.jpg") and (tmp_path / cover).stat().st_size > 0


def test_private_addresses_are_refused_unless_allowed(finished: UpstreamTask, tmp_path: Path) -> None:
    with pytest.raises(MirrorFailed, match="audio_url"):
        mirror_audio(finished.clips[0].audio_url, tmp_path, limits(allow=[]))
    assert mirror_image(finished.clips[0].image_url, tmp_path, limits(allow=[])) is None
    assert not any(tmp_path.iterdir())


def test_caps_and_garbage(finished: UpstreamTask, healthy: Upstream, tmp_path: Path) -> None:
    clip = finished.clips[0]
    with pytest.raises(MirrorFailed, match="larger than"):
        mirror_audio(clip.audio_url, tmp_path, limits(max_bytes=1000))
    with pytest.raises(MirrorFailed, match="not audio"):
        mirror_audio(clip.image_url, tmp_path, limits())
    healthy.proxy.fail("slow", "/media/")
    started = time.monotonic()
    with pytest.raises(MirrorFailed, match="timed out"):
        mirror_audio(clip.audio_url, tmp_path, limits(timeout=1.0))
    assert time.monotonic() - started < 5
    assert not (tmp_path / "audio.mp3").exists()


def test_a_live_stream_is_followed_into_the_clip_folder(healthy: Upstream, tmp_path: Path) -> None:
    ch = channel("gcui", healthy.url, healthy.key)
    accepted = ch.submit(Submission(request=song(style="pop test:slow=1.5"), model="chirp-v4-5"))
    deadline = time.monotonic() + 20
    stream_url = ""
    while not stream_url and time.monotonic() < deadline:
        task = ch.poll([accepted.ticket]).get(accepted.ticket.task_id)
        stream_url = next((c.stream_url for c in task.clips if c.status == "streaming"), "") if task else ""
        time.sleep(0.2)
    assert stream_url, "the upstream never streamed"
    copy = StreamCopy(stream_url, tmp_path, limits(max_bytes=50_000_000, timeout=30.0))
    thread = threading.Thread(target=copy.run, daemon=True)
    thread.start()
    assert copy.started.wait(10)
    assert (tmp_path / copy.filename).stat().st_size > 0
    assert copy.finished.wait(30), "the stream did not end when the clip finished"
    assert copy.error == ""
    assert sf.info(str(tmp_path / copy.filename)).duration > 1
