"""The word-list matcher: the evasions it must see through, and the innocent words it must leave alone."""

from __future__ import annotations

import pytest

from tunesmith.policy.matcher import Matcher, Term
from tunesmith.policy.normalize import fold

LIST = Matcher(
    [
        Term("bad"),
        Term("hell"),
        Term("ass"),
        Term("坏蛋"),
        Term("fuck*"),
        Term("dirty word"),
        Term("gloom", frozenset({"title"})),
    ]
)


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("you are BAD", "bad"),
        ("ｙｏｕ ａｒｅ ｂａｄ", "bad"),  # full-width letters
        ("so bád, so bäd", "bad"),  # accents
        ("b.a.d to the bone", "bad"),
        ("b a d to the bone", "bad"),
        ("b - a - d", "bad"),
        ("b*a*d", "bad"),
        ("b_a_d", "bad"),
        ("baaaad", "bad"),
        ("b4d", "bad"),
        ("b\u0430d", "bad"),  # Cyrillic а inside a Latin word
        ("b\u200bad", "bad"),  # zero-width space
        ("b\u00adad", "bad"),  # soft hyphen
        ("go to h3ll", "hell"),
        ("go to he11", "hell"),
        ("kiss my a$$", "ass"),
        ("Ass!", "ass"),
        ("你是坏蛋", "坏蛋"),
        ("你是坏 蛋", "坏蛋"),  # separator between the characters
        ("你是坏。蛋", "坏蛋"),
        ("你是坏坏蛋蛋", "坏蛋"),
        ("huaidan", "坏蛋"),  # pinyin
        ("Huài Dàn", "坏蛋"),  # pinyin with tone marks
        ("huai4 dan4", "坏蛋"),  # pinyin with tone numbers
        ("你是坏dan", "坏蛋"),  # half characters, half pinyin
        ("你是怀蛋", "坏蛋"),  # a homophone
        ("fucking", "fuck*"),
        ("dirty word", "dirty word"),
        ("dirtyword", "dirty word"),
        ("DIRTY-WORD", "dirty word"),
        ("我是bad人", "bad"),  # a Latin term next to Chinese characters
    ],
)
def test_evasions_are_found(text: str, term: str) -> None:
    hit = LIST.find(text, "lyrics")
    assert hit is not None, text
    assert hit.term == term


@pytest.mark.parametrize(
    "text",
    [
        "he'll be home",  # an apostrophe never joins letters
        "we shall not fall",
        "he ll",  # nor does a plain space between two letter groups
        "a class of its own",
        "the assassin's badge",
        "badminton at the hotel",
        "as sad as a song",
        "hello, shell, hellion",
        "dirty words",  # a phrase matches whole words too
        "淮安的蛋糕",  # not the term, by characters or by sound
        "a 55 minute set",
        "count 1 2 3 4",
    ],
)
def test_innocent_text_is_left_alone(text: str) -> None:
    assert LIST.find(text, "lyrics") is None


def test_a_term_scoped_to_a_field_applies_only_there() -> None:
    assert LIST.find("gloom and doom", "lyrics") is None
    hit = LIST.find("Gloom", "title")
    assert hit is not None and hit.term == "gloom" and hit.field == "title"


def test_spans_point_into_the_original_text() -> None:
    text = "oh ｂａｄ day"
    hit = LIST.find(text, "lyrics")
    assert hit is not None and hit.span is not None
    assert text[slice(*hit.span)] == "ｂａｄ"
    by_sound = LIST.find("你是怀蛋", "lyrics")
    assert by_sound is not None and by_sound.by_sound and by_sound.span is None


def test_every_hit_in_order() -> None:
    hits = list(LIST.find_all("bad, then hell, then bad", "lyrics"))
    assert [h.term for h in hits] == ["bad", "hell", "bad"]


def test_one_chinese_character_is_not_matched_by_sound() -> None:
    single = Matcher([Term("死")])
    assert single.find("一起去死", "lyrics") is not None
    assert single.find("四季", "lyrics") is None  # si, like 死, but another word
    assert single.find("si", "lyrics") is None


def test_words_wholly_in_another_script_keep_their_letters() -> None:
    cyrillic = Matcher([Term("сор")])  # Cyrillic letters that look like Latin "cop"
    assert cyrillic.find("какой сор", "lyrics") is not None
    assert cyrillic.find("a cop", "lyrics") is None


def test_fold_undoes_width_case_accents_and_invisible_characters() -> None:
    assert fold("ＣＡＦÉ\u200b").text == "cafe"
    assert fold("Straße").text == "strasse"
    assert fold("が").text == "が"  # kana voicing marks stay


def test_an_empty_list_finds_nothing() -> None:
    empty = Matcher([Term("   "), Term("#!")])
    assert len(empty) == 0
    assert empty.find("anything at all", "lyrics") is None


def test_allowed_phrases_shield_the_terms_inside_them() -> None:
    shielded = Matcher([Term("妈的"), Term("cunt")], allowed=["妈妈", "Scunthorpe"])
    assert shielded.find("妈妈的故事", "lyrics") is None
    assert shielded.find("他妈的", "lyrics") is not None
    assert shielded.find("scunthorpe united", "lyrics") is None  # an allowed phrase lifts boundaries too
    assert Matcher([Term("妈的")]).find("妈妈的故事", "lyrics") is not None


def test_pinyin_that_spells_an_english_word_is_english() -> None:
    chinese = Matcher([Term("妈的")])
    assert chinese.find("it was made by hand", "lyrics") is None
    assert Matcher([Term("他妈的")]).find("tamade", "lyrics") is not None
    assert chinese.find("ma de", "lyrics") is not None  # spelt apart: pinyin


def test_traditional_characters_match_by_sound() -> None:
    hit = LIST.find("你是壞蛋", "lyrics")  # 壞 is the traditional form of 坏
    assert hit is not None and hit.term == "坏蛋" and hit.by_sound
