"""The music video plays in browsers (H.264 + AAC, moov first), lasts as long as the song, escapes text."""

from __future__ import annotations

from pathlib import Path

from tests.support.ffprobe import probe
from tests.support.studio_ops import run_op
from tunesmith.domain.operations import OperationKind
from tunesmith.engines.base import SourceClip
from tunesmith.engines.studio import captions


def test_video_of_a_song(tone_song: SourceClip, tmp_path: Path) -> None:
    files, data = run_op(
        OperationKind.VIDEO,
        tmp_path,
        tone_song,
        extra={"author": "{\\an8}Bob\nTables'; --", "domain_name": "example.com:8080/x"},
    )
    path = tmp_path / files["video"]
    info = probe(path)
    codecs = {s["codec_type"]: s["codec_name"] for s in info["streams"]}
    assert codecs == {"video": "h264", "audio": "aac"}
    video = next(s for s in info["streams"] if s["codec_type"] == "video")
    assert (video["width"], video["height"]) == (data["width"], data["height"])
    assert abs(float(info["format"]["duration"]) - tone_song.duration) <= 0.2
    head = path.read_bytes()
    assert head.index(b"moov") < head.index(b"mdat")  # +faststart
    assert not (tmp_path / "captions.ass").exists()


def test_user_text_cannot_escape_its_caption() -> None:
    assert captions.escape("{\\an8\\pos(0,0)}hi\nthere\\N") == "(/an8/pos(0,0))hi there/N"
    script = captions.script([], size=720, title="T", credit="a{\\b1}\r\nb", duration=3.0)
    credit = next(line for line in script.splitlines() if ",Credit," in line)
    assert credit.endswith(",a(/b1) b") and "{" not in credit


def test_caption_lines_follow_the_sung_words() -> None:
    words = [
        {"word": w, "start_s": 1.0 + i * 0.5, "end_s": 1.4 + i * 0.5, "section": "Verse"}
        for i, w in enumerate(["hello", "bright", "world"])
    ]
    words += [
        {"word": w, "start_s": 5.0 + i * 0.4, "end_s": 5.3 + i * 0.4, "section": "Chorus"}
        for i, w in enumerate(["我们", "发光"])
    ]
    script = captions.script(words, size=720, title="", credit="", duration=8.0)
    lines = [line for line in script.splitlines() if ",Caption," in line]
    assert len(lines) == 2  # the pause and the new section start a new caption line
    assert lines[0].startswith("Dialogue: 1,0:00:00.50,") and "{\\kf40}hello" in lines[0]
    assert "{\\kf40} bright" in lines[0] and "{\\k10}" in lines[0]
    assert "我们{\\k10}{\\kf30}发光" in lines[1]  # CJK is written without spaces
