"""The public API: determinism, variety, tags, instrumentals, variants, odd input."""

from __future__ import annotations

import re

import pytest

from tests.support.lyric_sections import sections
from tunesmith.engines.composer.songwriter import WrittenSong, write_lyrics_variants, write_song
from tunesmith.engines.composer.songwriter.language import detect_language

GUITAR = "a groovy dance song about writing a face-melting guitar solo"


def test_same_seed_same_song_other_seed_other_song() -> None:
    assert write_song(GUITAR, seed=7) == write_song(GUITAR, seed=7)
    songs = {write_song(GUITAR, seed=s).lyrics for s in range(5)}
    assert len(songs) == 5


def test_tags_hold_genre_mood_tempo_and_voice() -> None:
    tags = [t.strip() for t in write_song(GUITAR, seed=0).tags.split(",")]
    assert "dance pop" in tags and "groovy" in tags
    bpm = [t for t in tags if t.endswith(" bpm")]
    assert len(bpm) == 1 and 110 <= int(bpm[0].split()[0]) <= 130
    assert tags[-1] in ("female vocals", "male vocals")


def test_tempo_follows_mood_and_client_wins() -> None:
    def bpm(song: WrittenSong) -> int:
        return int(re.search(r"(\d+) bpm", song.tags).group(1))

    assert bpm(write_song("a calm piano track")) < 90
    assert bpm(write_song("an energetic metal song about dragons")) >= 140
    assert bpm(write_song("a song about rain, 93 bpm")) == 93
    assert "female vocals" in write_song("a rock song with female vocals").tags


def test_style_hint_comes_first() -> None:
    song = write_song("a song about the sea", style_hint="jazz, smoky, 96 bpm")
    tags = [t.strip() for t in song.tags.split(",")]
    assert tags[:3] == ["jazz", "smoky", "96 bpm"]
    assert sum(t.endswith("bpm") for t in tags) == 1 and tags.count("jazz") == 1


def test_instrumental_has_title_and_tags_but_no_lyrics() -> None:
    song = write_song("a calm piano track", instrumental=True)
    assert song.lyrics == "" and song.title and "piano" in song.tags and "vocals" not in song.tags
    assert write_song("一首安静的纯音乐").lyrics == ""


@pytest.mark.parametrize(
    "description",
    [
        "",
        "   ",
        "🎸🔥🎶",
        "<b>rock</b> song about [Verse] my dog 🐶 https://x.y/z",
        "a" * 5000,
        "a song about 春天 and 夏天",
        "一首关于 love 的 rock 歌曲",
        "{t} {hook} %s %(x)s",
        "\x00\n\t",
        "una canción sobre el mar",
        "ein Lied über die Liebe",
        "日本語の歌",
        "노래",
    ],
)
def test_odd_input_still_gives_a_song(description: str) -> None:
    song = write_song(description, seed=2)
    assert song.title and len(song.title) < 80 and song.tags
    assert song.language in ("en", "zh")
    assert len(sections(song.lyrics)) >= 6


def test_other_latin_languages_are_sung_in_english_on_their_theme() -> None:
    song = write_song("una canción sobre el mar", seed=0)
    assert song.language == "en" and "sea" in song.lyrics.lower()


def test_variants_are_distinct() -> None:
    variants = write_lyrics_variants("a song about the ocean at dawn", count=3, seed=1)
    assert len(variants) == 3
    assert len({v.title for v in variants}) == 3 and len({v.lyrics for v in variants}) == 3
    assert all("ocean" in v.lyrics.lower() for v in variants)
    zh = write_lyrics_variants("一首关于春天的歌", count=2)
    assert len({v.title for v in zh}) == 2 and all(v.language == "zh" for v in zh)


def test_detect_language() -> None:
    assert detect_language("一首关于春天的轻快 J-Pop 歌曲") == "zh"
    assert detect_language("a song about love") == "en"
    assert detect_language("una canción sobre el amor") == "es"
    assert detect_language("une chanson sur la mer") == "fr"
    assert detect_language("") == "en"
