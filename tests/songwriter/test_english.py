"""English songs: rhymes per the CMU dictionary, singable lines, topic in the words, form of a song."""

from __future__ import annotations

import pronouncing
import pytest

from tests.support.lyric_sections import sections
from tunesmith.engines.composer.songwriter import write_song
from tunesmith.engines.composer.songwriter.phonetics_en import last_word, syllables

GUITAR = "a groovy dance song about writing a face-melting guitar solo"


def _rhyme(a: str, b: str) -> bool:
    parts_a = {pronouncing.rhyming_part(p) for p in pronouncing.phones_for_word(a.lower())}
    parts_b = {pronouncing.rhyming_part(p) for p in pronouncing.phones_for_word(b.lower())}
    return a.lower() != b.lower() and bool(parts_a & parts_b)


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_couplets_rhyme_per_cmu(seed: int) -> None:
    song = write_song(GUITAR, seed=seed)
    for header, lines in sections(song.lyrics):
        assert len(lines) % 2 == 0, header
        for first, second in zip(lines[::2], lines[1::2], strict=True):
            assert _rhyme(last_word(first), last_word(second)), (first, second)


def test_lines_are_singable_length() -> None:
    lines = [
        line for seed in range(4) for _, ls in sections(write_song(GUITAR, seed=seed).lyrics) for line in ls
    ]
    counts = [syllables(line) for line in lines]
    assert all(4 <= n <= 12 for n in counts), list(zip(lines, counts, strict=True))
    in_range = sum(6 <= n <= 10 for n in counts) / len(counts)
    assert in_range >= 0.9


def test_song_form_and_repeated_chorus() -> None:
    song = write_song(GUITAR, seed=5)
    parsed = sections(song.lyrics)
    names = [name for name, _ in parsed]
    assert names[0] == "Verse" and "Verse 2" in names and "Bridge" in names
    assert names.count("Chorus") >= 3
    assert all(2 <= len(lines) <= 4 for _, lines in parsed)
    choruses = [lines for name, lines in parsed if name == "Chorus"]
    assert all(c == choruses[0] for c in choruses)


def test_topic_and_title_show_in_the_words() -> None:
    song = write_song(GUITAR, seed=0)
    assert song.language == "en"
    assert "guitar solo" in song.lyrics.lower()
    chorus = next(lines for name, lines in sections(song.lyrics) if name == "Chorus")
    assert song.title.lower() in "\n".join(chorus).lower()
    assert 2 <= len(song.title.split()) <= 5 and len(song.title) < 80


def test_activity_and_other_topics() -> None:
    lyrics = " ".join(
        write_song("a song about driving through the city at night", seed=s).lyrics for s in range(3)
    )
    assert "city" in lyrics.lower()
    assert "my hometown" in write_song("an upbeat pop song about my hometown", seed=1).lyrics.lower()


def test_mood_colours_the_words() -> None:
    sad = " ".join(write_song("a sad song about goodbye", seed=s).lyrics for s in range(3)).lower()
    happy = " ".join(write_song("a happy song about goodbye", seed=s).lyrics for s in range(3)).lower()
    assert any(
        w in sad for w in ("lonely", "fading", "broken", "silent", "empty", "shadow", "crying", "teardrop")
    )
    assert any(w in happy for w in ("golden", "sunny", "shining", "dancing", "sunlight", "spinning"))
