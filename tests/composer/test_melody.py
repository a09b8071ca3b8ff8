"""The sung melody, read from the song plan (the notes song.mid's `vocals` track holds), no audio rendered.

Different songs and the two takes of one song sing different tunes; a chorus returns note for note; verse and
chorus contrast; the voice stays in its range without awkward leaps; every syllable gets one note, in order,
lines breathe; and the rhythm follows the style (swing, 6/8, rap, ballad, fast songs).
"""

from __future__ import annotations

import statistics
from functools import cache
from pathlib import Path

import pytest

from tunesmith.engines.composer.compose import build_plan, speak_all, sung_texts
from tunesmith.engines.composer.melody import measure
from tunesmith.engines.composer.plan import Line, Note, SongPlan
from tunesmith.engines.composer.style import parse_style
from tunesmith.engines.composer.syllables import voice_for

SONG = """[Verse]
I walk along the empty street
the city sleeps beneath my feet
the neon hums a quiet tune
beneath a pale and silver moon
[Chorus]
We are shining tonight
we are burning so bright
hold on and never let go
we are the fire below
[Verse 2]
The river runs beneath the bridge
we talk until the morning light
the radio is playing low
and nobody will ever know
[Chorus]
We are shining tonight
we are burning so bright
hold on and never let go
we are the fire below
"""
STYLES = (
    "pop, bright, female vocals",
    "rock, male vocals",
    "folk, acoustic, warm, male vocals",
    "edm, energetic, female vocals",
    "country, female vocals",
    "r&b, smooth, male vocals",
)


@cache
def plans(style: str, lyrics: str = SONG, seed: int = 1) -> tuple[SongPlan, SongPlan]:
    st = parse_style(style, seed=seed)
    spoken = speak_all(sung_texts(lyrics), "en", voice_for("en", st.voice)[0])
    return tuple(  # type: ignore[return-value]
        build_plan(
            style=st,
            lyrics=lyrics,
            title="Melody",
            take=take,
            seed=seed,
            language="en",
            instrumental=False,
            duration=None,
            spoken=spoken,
        )
        for take in (0, 1)
    )


def sung_lines(plan: SongPlan) -> list[Line]:
    return [ln for ln in plan.lines if ln.sung and ln.notes]


def test_different_styles_sing_different_tunes() -> None:
    tunes = [measure.sung_pitches(plans(s)[0]) for s in STYLES]
    pairs = measure.pairwise(tunes)
    assert max(pairs) < 0.8, pairs
    assert statistics.median(pairs) <= 0.35, pairs
    assert statistics.median(measure.pairwise(tunes, "shared_intervals")) < 0.3


def test_different_words_sing_different_tunes() -> None:
    other = SONG.replace("I walk along the empty street", "Hey there, nobody is listening now")
    a, b = plans(STYLES[0])[0], plans(STYLES[0], other)[0]
    assert measure.correlation(measure.sung_pitches(a), measure.sung_pitches(b)) < 0.8


@pytest.mark.parametrize("style", STYLES[:4])
def test_two_takes_are_two_melodies(style: str) -> None:
    first, second = (measure.sung_pitches(p) for p in plans(style))
    assert measure.correlation(first, second) <= 0.6
    assert measure.shared_intervals(first, second) < 0.4


@pytest.mark.parametrize("style", STYLES)
def test_chorus_returns_note_for_note(style: str) -> None:
    for plan in plans(style):
        returns = measure.hook_returns(plan)
        assert returns and min(returns) >= 0.9
        choruses = [s for s in measure.sung_sections(plan) if s.kind == "chorus"]
        assert choruses[0].pitches == choruses[1].pitches
        rhythm = [
            [
                round(n.start - plan.sections[i].start_bar * plan.bar_beats, 3)
                for li in s.lines
                for n in plan.lines[li].notes
            ]
            for i, s in enumerate(plan.sections)
            if s.kind == "chorus"
        ]
        assert rhythm[0] == rhythm[1]


@pytest.mark.parametrize("style", STYLES)
def test_verse_and_chorus_contrast(style: str) -> None:
    """Chorus and verse differ in where they sit, or in how long their notes are, or both."""
    for plan in plans(style):
        by_kind: dict[str, list[Note]] = {}
        for ln in sung_lines(plan):
            by_kind.setdefault(plan.sections[ln.section].kind, []).extend(ln.notes)
        verse, chorus = by_kind["verse"], by_kind["chorus"]
        pitch_gap = abs(statistics.mean(n.pitch for n in chorus) - statistics.mean(n.pitch for n in verse))
        length_ratio = statistics.mean(n.dur for n in chorus) / statistics.mean(n.dur for n in verse)
        assert pitch_gap >= 1.5 or abs(length_ratio - 1) >= 0.15, (pitch_gap, length_ratio)


@pytest.mark.parametrize("style", STYLES)
def test_range_and_leaps_are_singable(style: str) -> None:
    for plan in plans(style):
        low, high = (57, 76) if plan.style.voice == "female" else (45, 64)
        assert plan.vocal_range == (low, high)
        pitches = measure.sung_pitches(plan)
        assert low <= min(pitches) and max(pitches) <= high
        assert 7 <= max(pitches) - min(pitches) <= 19
        for ln in sung_lines(plan):
            leaps = [abs(v) for v in measure.intervals([n.pitch for n in ln.notes])]
            assert max(leaps, default=0) <= 9
            assert not {6, 10, 11} & set(leaps), ln.text


@pytest.mark.parametrize("style", STYLES)
def test_every_syllable_sung_once_in_order_with_breaths(style: str) -> None:
    for plan in plans(style):
        lines = sung_lines(plan)
        for ln in lines:
            assert ln.spoken is not None
            assert [n.syllable for n in ln.notes] == list(range(len(ln.spoken.syllables)))
            for n, m in zip(ln.notes, ln.notes[1:], strict=False):
                assert m.start >= n.start + n.dur - 1e-6 and n.dur > 0
                assert plan.seconds(m.start - n.start) >= 0.1
        for ln, nxt in zip(lines, lines[1:], strict=False):
            end = ln.notes[-1].start + ln.notes[-1].dur
            assert plan.seconds(nxt.notes[0].start - end) >= 0.25, (ln.text, nxt.text)
        sung, total = measure.words_sung(plan)
        assert sung == total


def test_same_request_same_melody() -> None:
    plans.cache_clear()
    first = [measure.sung_pitches(p) for p in plans(STYLES[1])]
    plans.cache_clear()
    again = [measure.sung_pitches(p) for p in plans(STYLES[1])]
    assert first == again


def _offbeats(plan: SongPlan) -> list[float]:
    return [round(n.start % 1.0, 3) for ln in sung_lines(plan) for n in ln.notes]


def test_jazz_swings_its_eighths() -> None:
    plan = plans("jazz, swing, male vocals")[0]
    fractions = _offbeats(plan)
    assert 0.65 in fractions and 0.5 not in fractions


def test_six_eight_phrases_in_dotted_quarters() -> None:
    plan = plans("celtic folk, 6/8, female vocals")[0]
    assert plan.bar_beats == 3 and plan.style.meter == 6
    on_pulse = [n for ln in sung_lines(plan) for n in ln.notes if round(n.start % 3, 3) in (0.0, 1.5)]
    assert len(on_pulse) >= 0.3 * len(measure.sung_pitches(plan))


def test_rap_is_dense_and_narrow_and_chorus_sung() -> None:
    plan = plans("hip hop, rap, male vocals, 90 bpm")[0]
    verse = [ln for ln in sung_lines(plan) if plan.sections[ln.section].kind == "verse"]
    chorus = [ln for ln in sung_lines(plan) if plan.sections[ln.section].kind == "chorus"]
    rate = [len(ln.notes) / (ln.notes[-1].start - ln.notes[0].start) for ln in verse]
    assert statistics.median(rate) >= 1.8  # syllables per beat
    assert max(max(n.pitch for n in ln.notes) - min(n.pitch for n in ln.notes) for ln in verse) <= 5
    chorus_range = max(n.pitch for ln in chorus for n in ln.notes) - min(
        n.pitch for ln in chorus for n in ln.notes
    )
    assert chorus_range >= 5


def test_rap_and_spoken_tags_change_the_delivery() -> None:
    lyrics = SONG.replace("[Verse 2]", "[Rap]") + "[Spoken Word]\nand that is how the story goes my friend\n"
    plan = plans("pop, bright, female vocals", lyrics)[0]
    by_label: dict[str, list[Line]] = {}
    for ln in sung_lines(plan):
        by_label.setdefault(plan.sections[ln.section].label, []).append(ln)

    def spread(lines: list[Line]) -> int:
        return max(max(n.pitch for n in ln.notes) - min(n.pitch for n in ln.notes) for ln in lines)

    def rate(lines: list[Line]) -> float:
        return statistics.median(
            (len(ln.notes) - 1) / plan.seconds(ln.notes[-1].start - ln.notes[0].start) for ln in lines
        )

    assert spread(by_label["Rap"]) <= 5 < spread(by_label["Verse"])
    assert rate(by_label["Rap"]) > rate(by_label["Verse"])
    assert spread(by_label["Spoken Word"]) <= 4


def test_ballad_holds_long_notes_and_fast_songs_move() -> None:
    def pace(style: str) -> tuple[float, float]:
        """(median note length in seconds, median syllables a second inside a line)."""
        plan = plans(style)[0]
        lines = sung_lines(plan)
        per_s = [
            (len(ln.notes) - 1) / plan.seconds(ln.notes[-1].start - ln.notes[0].start)
            for ln in lines
            if len(ln.notes) > 3
        ]
        lengths = [plan.seconds(n.dur) for ln in lines for n in ln.notes]
        return statistics.median(lengths), statistics.median(per_s)

    ballad, punk = pace("piano ballad, slow, female vocals"), pace("punk, fast, 180 bpm, female vocals")
    longest = max(n.dur for ln in sung_lines(plans("piano ballad, slow, female vocals")[0]) for n in ln.notes)
    assert plans("piano ballad, slow, female vocals")[0].seconds(longest) <= 2.0  # vibrato stays in tune
    assert ballad[0] >= 0.45 and ballad[0] >= 1.5 * punk[0]
    assert punk[1] >= 2.2 and punk[1] >= 1.3 * ballad[1], (punk, ballad)


def test_pop_syncopates_and_leads_in() -> None:
    """Across a few pop songs: stressed syllables anticipate the beat (start off it and are held across it),
    and some lines start with a pickup in the last beat before a bar line."""
    anticipations = pickups = 0
    for seed in range(1, 5):
        for plan in plans("pop, upbeat, female vocals", seed=seed):
            for ln in sung_lines(plan):
                first = ln.notes[0].start % plan.bar_beats
                pickups += first >= plan.bar_beats - 1
                anticipations += sum(1 for n in ln.notes if n.start % 1 == 0.5 and n.dur > 0.5 + 1e-6)
    assert anticipations >= 10 and pickups >= 3


def test_vocals_track_of_song_mid_is_the_plan(tmp_path: Path) -> None:
    import pretty_midi

    from tunesmith.engines.composer.artifacts import write_midi

    plan = plans(STYLES[0])[1]
    write_midi(tmp_path / "song.mid", plan, [])
    pm = pretty_midi.PrettyMIDI(str(tmp_path / "song.mid"))
    vocals = next(i for i in pm.instruments if i.name == "vocals")
    assert [n.pitch for n in vocals.notes] == measure.sung_pitches(plan)
