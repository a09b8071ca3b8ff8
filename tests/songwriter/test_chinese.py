"""Chinese songs: lines end in one rhyme class per section, lines of 5–9 characters, topic in the words."""

from __future__ import annotations

import pytest
from pypinyin import Style, lazy_pinyin

from tests.support.lyric_sections import sections
from tunesmith.engines.composer.songwriter import write_song
from tunesmith.engines.composer.songwriter.phonetics_zh import RHYME_CLASSES, sung_length

SPRING = "一首关于春天的轻快 J-Pop 歌曲"
_CLASS = {final: name for name, finals in RHYME_CLASSES.items() for final in finals}


def _class(line: str) -> str:
    han = "".join(c for c in line if "\u4e00" <= c <= "\u9fff")
    return _CLASS[lazy_pinyin(han, style=Style.FINALS, strict=True)[-1]]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_line_endings_share_a_rhyme_class(seed: int) -> None:
    song = write_song(SPRING, seed=seed)
    assert song.language == "zh"
    for header, lines in sections(song.lyrics):
        for first, second in zip(lines[::2], lines[1::2], strict=True):
            assert _class(first) == _class(second), (header, first, second)


def test_chinese_lines_length_topic_and_title() -> None:
    song = write_song(SPRING, seed=4)
    lines = [line for _, ls in sections(song.lyrics) for line in ls]
    assert all(5 <= sung_length(line) <= 10 for line in lines), lines
    assert sum(5 <= sung_length(line) <= 9 for line in lines) / len(lines) >= 0.9
    assert "春天" in song.lyrics and "春天" in song.title
    assert 2 <= len(song.title) <= 8
    chorus = next(ls for name, ls in sections(song.lyrics) if name == "Chorus")
    assert song.title in "\n".join(chorus)


def test_tags_for_a_chinese_description() -> None:
    tags = write_song(SPRING, seed=0).tags.lower()
    assert "j-pop" in tags and "bpm" in tags and "vocals" in tags


def test_language_can_be_asked_for() -> None:
    song = write_song("a song about the sea", language="zh", seed=1)
    assert song.language == "zh" and "大海" in song.lyrics
    back = write_song("一首关于大海的歌", language="en", seed=1)
    assert back.language == "en" and "sea" in back.lyrics.lower()
