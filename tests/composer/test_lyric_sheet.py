"""Suno's lyric-sheet conventions are song structure: asserted from words.json (what is sung, in which
section, by which voice, in which language) and song.mid (which sections are instrumental and what plays in
them).

The sheets are laid out and written as `tunesmith render` writes them (plan -> song.mid, words.json), without
audio; one sheet is rendered in full to check the [Fade Out] ending in the audio.
"""

from __future__ import annotations

import json
from pathlib import Path

import pretty_midi
import pytest

from tunesmith.engines.composer.arrange import arrange
from tunesmith.engines.composer.artifacts import word_timings, write_midi
from tunesmith.engines.composer.compose import build_plan
from tunesmith.engines.composer.lyrics import parse_lyrics
from tunesmith.engines.composer.plan import SongPlan
from tunesmith.engines.composer.songwriter.language import detect_language
from tunesmith.engines.composer.style import parse_style


def song(tmp: Path, lyrics: str, style: str = "pop, female vocals", duration: float | None = None):
    """(plan, words.json, song.mid) of a sheet."""
    st = parse_style(style, seed=2)
    plan = build_plan(
        style=st,
        lyrics=lyrics,
        title="Sheet",
        take=0,
        seed=2,
        language=detect_language(lyrics),
        instrumental=False,
        duration=duration,
    )
    write_midi(tmp / "song.mid", plan, arrange(plan))
    (tmp / "words.json").write_text(json.dumps(word_timings(plan), ensure_ascii=False))
    words = json.loads((tmp / "words.json").read_text())
    return plan, words, pretty_midi.PrettyMIDI(str(tmp / "song.mid"))


def sung_by_section(words: list[dict]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for w in words:
        out.setdefault(w["section"], []).append(w["word"])
    return out


def span(plan: SongPlan, label: str) -> tuple[float, float]:
    i = next(k for k, s in enumerate(plan.sections) if s.label == label)
    return plan.section_span(i)


def notes_in(pm: pretty_midi.PrettyMIDI, lo: float, hi: float, program: int | None = None, prefix: str = ""):
    return [
        n
        for inst in pm.instruments
        if not inst.is_drum and (program is None or inst.program == program) and inst.name.startswith(prefix)
        for n in inst.notes
        if lo <= n.start < hi
    ]


TAGS = """[Intro]
[Verse 1 (softly)]
the morning light is on the hill
we walk along the river still
[Pre-Chorus]
and now we wait
[Chorus]
we rise we fall
we give it all
[Post-Chorus]
oh oh oh
[Verse 2]
the city sleeps beneath the rain
we call each other's name again
[Chorus]
[Hook]
we rise we fall
[Build-Up]
[Drop]
[Breakdown]
[Refrain]
we give it all
[Interlude]
[Bridge]
so take my hand
[Break]
[Final Chorus]
we rise we fall
we give it all
"""


def test_every_section_tag_is_structure(tmp_path: Path) -> None:
    plan, words, _ = song(tmp_path, TAGS)
    kinds = [(s.label, s.kind) for s in plan.sections]
    expected = [
        ("Verse 1 (softly)", "verse"),
        ("Pre-Chorus", "prechorus"),
        ("Chorus", "chorus"),
        ("Post-Chorus", "chorus"),
        ("Verse 2", "verse"),
        ("Hook", "chorus"),
        ("Build-Up", "instrumental"),
        ("Drop", "instrumental"),
        ("Breakdown", "break"),
        ("Refrain", "chorus"),
        ("Interlude", "instrumental"),
        ("Bridge", "bridge"),
        ("Break", "break"),
        ("Final Chorus", "chorus"),
    ]
    got = [k for k in kinds if k[0] not in ("Intro", "Outro", "Instrumental Break", "Turnaround")]
    # the empty [Chorus] after verse 2 repeats the chorus's words: it is there, labelled "Chorus"
    assert got[:5] == expected[:5] and ("Chorus", "chorus") in got[5:7]
    assert [k for k in got if k[0] != "Chorus"] == [k for k in expected if k[0] != "Chorus"]
    by = sung_by_section(words)
    assert by["Final Chorus"] == ["we", "rise", "we", "fall", "we", "give", "it", "all"]
    assert [w["word"] for w in words if w["section"] == "Chorus"] == [
        "we",
        "rise",
        "we",
        "fall",
        "we",
        "give",
        "it",
        "all",
    ] * 2
    assert by["Post-Chorus"] == ["oh", "oh", "oh"]
    soft = next(s for s in plan.sections if s.label == "Verse 1 (softly)")
    verse2 = next(s for s in plan.sections if s.label == "Verse 2")
    assert soft.energy < verse2.energy  # "(softly)" is a direction, not words
    assert "softly" not in {w["word"] for w in words}


def test_instrumental_and_solo_sections_feature_their_instrument(tmp_path: Path) -> None:
    sheet = (
        "[Verse]\nthe morning light is on the hill\n[Guitar Solo]\n[Chorus]\nwe rise we fall\n"
        "[Sax Solo]\n[Verse 2]\nthe city sleeps beneath the rain\n[Piano Solo]\n[Instrumental]\n[Outro]\n"
    )
    plan, words, pm = song(tmp_path, sheet, "pop, female vocals, synth lead")
    for label, programs in (
        ("Guitar Solo", set(range(24, 32))),
        ("Sax Solo", {64, 65, 66, 67}),
        ("Piano Solo", {0, 1, 2}),
    ):
        lo, hi = span(plan, label)
        assert not [w for w in words if lo <= w["start_s"] < hi], f"{label} is instrumental"
        played = notes_in(pm, lo, hi, prefix="lead")
        assert (
            played
            and {
                inst.program
                for inst in pm.instruments
                if inst.name.startswith("lead") and any(lo <= n.start < hi for n in inst.notes)
            }
            <= programs
        ), label
        assert 4 <= next(s.bars for s in plan.sections if s.label == label) <= 8
    lo, hi = span(plan, "Instrumental")
    assert notes_in(pm, lo, hi, 81, "lead") and not [w for w in words if lo <= w["start_s"] < hi]


def test_endings(tmp_path: Path) -> None:
    sheet = "[Verse]\nthe morning light is on the hill\n[Chorus]\nwe rise we fall\n"
    ended, _, _ = song(tmp_path, sheet + "[End]\n[Verse 3]\nnever sung\n")
    labels = [s.label for s in ended.sections]
    assert labels[-1] == "End" and ended.sections[-1].bars == 1 and "Verse 3" not in labels
    bar_s = ended.bar_beats * ended.spb
    assert ended.duration - ended.section_span(labels.index("Chorus"))[1] <= bar_s + ended.tail_s + 0.01
    faded, _, _ = song(tmp_path, sheet + "[Fade Out]\n")
    assert faded.sections[-1].label == "Fade Out" and faded.fade_s >= 4 * bar_s * 0.5


def test_empty_repeated_tag_repeats_words_and_backing_lines(tmp_path: Path) -> None:
    sheet = (
        "[Chorus]\nwe rise we fall (we fall)\n(ooh ooh)\nwe give it all\n"
        "[Verse]\nthe morning light *laughs* is here\n**Verse 2**\nthe city sleeps tonight\n[Chorus]\n"
    )
    plan, words, pm = song(tmp_path, sheet)
    chorus = [w for w in words if w["section"] == "Chorus"]
    lead = [w["word"] for w in chorus if not w.get("backing")]
    backing = [w["word"] for w in chorus if w.get("backing")]
    assert (
        lead == ["we", "rise", "we", "fall", "we", "give", "it", "all"] * 2
    )  # the empty [Chorus] repeats the words
    assert backing == ["we", "fall", "ooh", "ooh"] * 2
    assert any(inst.name == "vocals-backing" and inst.notes for inst in pm.instruments)
    sung = {w["word"] for w in words}
    assert "laughs" not in sung and "Verse" not in sung and "**" not in "".join(sung)
    assert "Verse 2" in [s.label for s in plan.sections]


def test_vocal_direction_tags_switch_and_combine_voices(tmp_path: Path) -> None:
    sheet = (
        "[Verse 1]\n[Male Vocal]\nthe morning light is on the hill\n"
        "[Verse 2]\n[Female Vocal]\nthe city sleeps beneath the rain\n"
        "[Chorus: Duet]\nwe rise we fall\n[Bridge]\n[Choir]\nso take my hand\n"
    )
    plan, words, pm = song(tmp_path, sheet)
    voices = {}
    for w in words:
        voices.setdefault(w["section"], set()).add(w["voice"])
    assert voices["Verse 1"] == {"male"} and voices["Verse 2"] == {"female"}
    assert voices["Chorus: Duet"] == {"female", "male"} and voices["Bridge"] == {"female", "male"}
    names = {inst.name for inst in pm.instruments if inst.name.startswith("vocals") and inst.notes}
    assert names == {"vocals", "vocals-male"}
    lo, hi = span(plan, "Verse 1")
    male = notes_in(pm, lo, hi, prefix="vocals-male")
    female = [n for inst in pm.instruments if inst.name == "vocals" for n in inst.notes if lo <= n.start < hi]
    assert male and not female and all(n.pitch <= 64 for n in male)  # the male voice alone, in his range


def test_spoken_word_and_rap_are_delivered_differently(tmp_path: Path) -> None:
    line = "we walk along the river and the morning light is on the hill"
    sheet = f"[Verse]\n{line}\n[Spoken Word]\n{line}\n[Rap]\n{line}\n"
    plan, words, _ = song(tmp_path, sheet, "pop, female vocals, 100 bpm")
    by = {plan.sections[ln.section].label: ln for ln in plan.lines if ln.sung}
    sung, spoken, rap = by["Verse"], by["Spoken Word"], by["Rap"]

    def pitches(ln):
        return len({n.pitch for n in ln.notes})

    def length(ln):
        return ln.notes[-1].start + ln.notes[-1].dur - ln.notes[0].start

    assert pitches(spoken) < pitches(sung) and pitches(rap) <= pitches(sung)
    assert length(rap) < length(sung)


def test_chinese_tags(tmp_path: Path) -> None:
    sheet = (
        "[前奏]\n[主歌]\n我走在空荡的街上\n[副歌]\n我们一起唱\n[桥段]\n握紧我的手\n[间奏]\n[副歌]\n[尾奏]\n"
    )
    plan, words, _ = song(tmp_path, sheet)
    kinds = {s.label: s.kind for s in plan.sections}
    assert kinds["前奏"] == "intro" and kinds["主歌"] == "verse" and kinds["副歌"] == "chorus"
    assert kinds["桥段"] == "bridge" and kinds["间奏"] == "instrumental" and kinds["尾奏"] == "outro"
    assert [w["word"] for w in words if w["section"] == "副歌"] == list("我们一起唱") * 2
    assert [s.kind for s in parse_lyrics("[尾声]\n再见")] == ["outro"]


@pytest.mark.parametrize(
    ("sheet", "language", "foreign"),
    [
        (
            "[Verse]\nI love you every day\n我爱你 forever and ever\n",
            "en",
            {"我": "zh", "爱": "zh", "你": "zh"},
        ),
        ("[主歌]\n我们一起唱歌\n让我们 go go go 吧\n", "zh", {"go": "en"}),
    ],
)
def test_mixed_language_lines_sung_in_their_language(tmp_path: Path, sheet, language, foreign) -> None:
    plan, words, _ = song(tmp_path, sheet)
    assert plan.language == language
    for w in words:
        assert w["lang"] == foreign.get(w["word"], language), w
    mixed = next(ln for ln in plan.lines if ln.sung and any(t in foreign for t in ln.words))
    # each word's syllables come from its own language's reading: the Chinese characters one syllable each
    per_word = [sum(1 for s in mixed.spoken.syllables if s.token == i) for i in range(len(mixed.words))]
    for i, word in enumerate(mixed.words):
        if foreign.get(word) == "zh" or (language == "zh" and word not in foreign):
            assert per_word[i] == 1, (word, per_word)


def test_fourteen_lines_make_a_song_of_usual_length(tmp_path: Path) -> None:
    verse = "the morning light is on the hill\nwe walk along the river still\n"
    sheet = (
        f"[Verse 1]\n{verse}{verse}[Chorus]\nwe rise we fall\nwe give it all\nhold on tonight\n"
        f"[Verse 2]\n{verse}{verse}[Chorus]\nwe rise we fall\nwe give it all\nhold on tonight\n"
    )
    assert sum(len(s.lines) for s in parse_lyrics(sheet)) == 14
    for style in ("pop, female vocals", "folk, male vocals, 96 bpm", "rock, 132 bpm"):
        plan, _, _ = song(tmp_path, sheet, style)
        assert 115 <= plan.duration <= 200, (style, plan.duration)
    plan, _, _ = song(tmp_path, sheet, duration=150.0)  # a requested duration wins
    assert abs(plan.duration - 150.0) <= 2 * plan.bar_beats * plan.spb + 1
    short, words, _ = song(tmp_path, sheet, duration=60.0)
    assert short.duration <= 60 + short.bar_beats * short.spb + 1
    assert any("requested duration" in n for n in short.notes)


def test_rendered_sheet_duet_solo_mixed_language_and_fade(engine, tmp_path: Path) -> None:
    """One full render through the engine: a duet sheet with a sax solo, a Chinese line and a [Fade Out]."""
    import numpy as np
    import soundfile as sf
    from checks import assert_take
    from tests.support.composer_jobs import render_take

    from tunesmith.domain.operations import SongRequest

    sheet = (
        "[Verse 1]\n[Male Vocal]\nthe morning light is on the hill\n[Chorus: Duet]\nwe rise we fall\n"
        "我爱你 forever\n[Sax Solo]\n[Verse 2]\n[Female Vocal]\nthe city sleeps beneath the rain\n"
        "[Fade Out]\n"
    )
    req = SongRequest(custom_mode=True, lyrics=sheet, style="pop, female vocals, 112 bpm", title="Sheet")
    wd, res, _ = render_take(engine, tmp_path, req, seed=4)
    plan = assert_take(wd, res, vocals=True)
    words = json.loads((wd / "words.json").read_text())
    assert {w["voice"] for w in words if w["section"] == "Verse 1"} == {"male"}
    assert {w["voice"] for w in words if w["section"] == "Chorus: Duet"} == {"female", "male"}
    assert {w["lang"] for w in words if w["word"] in "我爱你"} == {"zh"}
    pm = pretty_midi.PrettyMIDI(str(wd / "song.mid"))
    solo = next(s for s in plan["sections"] if s["label"] == "Sax Solo")
    assert any(
        inst.program in (64, 65, 66, 67)
        and any(solo["start_s"] <= n.start < solo["end_s"] for n in inst.notes)
        for inst in pm.instruments
    )
    audio, sr = sf.read(wd / "audio.wav")
    rms = lambda a: float(np.sqrt(np.mean(a**2)))  # noqa: E731
    assert plan["fade_s"] > 0 and rms(audio[-sr:]) < 0.2 * rms(
        audio[len(audio) // 2 - sr : len(audio) // 2 + sr]
    )


def test_duet_words_are_one_lyric_for_timestamped_lyrics_and_captions(tmp_path: Path) -> None:
    from tunesmith.engines.studio.captions import group_lines
    from tunesmith.engines.studio.sync import aligned_data

    _, words, _ = song(tmp_path, "[Chorus: Duet]\nwe rise we fall\nwe give it all\n")
    assert len(words) == 16 and sum(1 for w in words if w.get("double")) == 8  # both voices sing them
    aligned = aligned_data(words, [])["alignedWords"]
    assert [w["word"] for w in aligned] == ["we", "rise", "we", "fall", "we", "give", "it", "all"]
    assert [w["word"] for line in group_lines(words) for w in line] == [w["word"] for w in aligned]


@pytest.mark.parametrize("style", ["pop, female vocals", "folk, male vocals, 96 bpm", "ballad, 70 bpm"])
def test_a_short_requested_song_sings_every_line_before_it_grows_the_intro(
    tmp_path: Path, style: str
) -> None:
    """A two-line sheet asked for at 30 s: both lines are sung (the intro stays short); it ends on time."""
    sheet = "[Verse]\nthe morning light is on the hill\n[Chorus]\nwe rise we fall we give it all\n"
    plan, words, _ = song(tmp_path, sheet, style, duration=30.0)
    assert sorted(sung_by_section(words)) == ["Chorus", "Verse"], plan.notes
    assert not any("left out" in n for n in plan.notes)
    assert abs(plan.duration - 30.0) <= plan.bar_beats * plan.spb + 1
    intro = span(plan, "Intro")
    assert intro[1] - intro[0] <= 30.0 / 3 + 0.01


def test_numbers_in_a_line_are_sung_as_their_own_words(tmp_path: Path) -> None:
    """espeak reads "21" as two words at one text position; the line is still sung, each written word once."""
    sheet = "[Verse]\nlantern morning river number 21\nin 1999 we had 2 cars\n[Chorus]\nwe rise we fall\n"
    _, words, _ = song(tmp_path, sheet)
    sung = [w["word"] for w in words]
    assert sung == [
        *["lantern", "morning", "river", "number", "21"],
        *["in", "1999", "we", "had", "2", "cars"],
        *["we", "rise", "we", "fall"],
    ]
    starts = [w["start_s"] for w in words]
    assert starts == sorted(starts)
