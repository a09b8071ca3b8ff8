"""Melody benchmark: do different songs, and the two takes of one song, sing different tunes?

Builds the song plans (no audio: the plan's sung notes are exactly the `vocals` track of song.mid) of:
- a probe: one four-line verse and two-line chorus in 32 different styles (same words, different songs);
- a corpus of 36 songs of different styles and lyrics: songs from the offline songwriter's ideas, plus
  hand-written sheets (rap, 6/8, jazz swing, a piano ballad, fast punk, Chinese pop);
each in both takes, and prints:
- the median (and 10th/90th percentile) pairwise correlation of the sung note sequences of different songs,
  aligned by proportion of the sung part (goal <= 0.3), and between the two takes of one task (goal <= 0.5);
- the share of identical melodic intervals between songs and between takes;
- the chorus hook's returns: their correlation with the first statement (goal >= 0.9 each);
- range and largest leap per voice, the plan's vocal range, and whether every word is sung.
With `--render N` it also renders N corpus songs spread over its styles (one take each) and measures the sung
pitch on the dry lead stem: the share of voiced frames within 20 cents of the written note and of notes within
50 cents.

Run: PYTHONPATH=src .venv/bin/python bench/melody_bench.py [--render N] [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "composer"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository: tests.support

PROBE_LYRICS = """[Verse]
I walk along the empty street
the city sleeps beneath my feet
the neon hums a quiet tune
beneath a pale and silver moon
[Chorus]
We are shining tonight
we are burning so bright
"""

PROBE_STYLES = (
    "tropical house, female vocals",
    "bluegrass, banjo, male vocals",
    "grunge, distorted guitars, male vocals",
    "lullaby, soft, gentle, female vocals",
    "tango, accordion, dramatic",
    "techno, driving, 128 bpm",
    "pop, bright, female vocals",
    "rock, male vocals",
    "punk, fast, angry",
    "heavy metal, epic",
    "edm, energetic, female vocals",
    "hip hop, boom bap, male vocals",
    "r&b, smooth, sensual, female vocals",
    "jazz, swing, saxophone",
    "lo-fi, chill, mellow",
    "folk, acoustic guitar, warm",
    "country, male vocals",
    "piano ballad, sad, female vocals",
    "classical, strings, cinematic",
    "j-pop, uptempo, female vocals",
    "ambient, dreamy, pad",
    "soul, funky, male vocals",
    "indie rock, melancholic",
    "synthpop, 80s, female vocals",
    "blues, slow, male vocals",
    "trap, dark, 140 bpm",
    "waltz, 3/4, gentle",
    "celtic folk, 6/8, fiddle",
    "bossa nova, relaxed, female vocals",
    "k-pop, dance, bright",
    "gospel, uplifting, choir",
    "reggae, laid back, male vocals",
)

# (idea for the songwriter, seed): the songwriter writes title, tags and a full lyric sheet for each
IDEAS = (
    ("a groovy funk song about a late night bus", 3),
    ("a sad piano ballad about the sea", 5),
    ("an angry punk song about rent", 7),
    ("an upbeat pop song about summer love", 11),
    ("a dark trap song about the city at night", 13),
    ("a gentle folk song about my grandmother's garden", 17),
    ("an epic rock anthem about never giving up", 19),
    ("a smooth r&b slow jam about a rainy sunday", 23),
    ("a country song about a dusty highway", 29),
    ("a dreamy lo-fi song about studying late", 31),
    ("a jazz tune about a coffee shop in paris", 37),
    ("an energetic edm track about dancing till dawn", 41),
    ("a heavy metal song about dragons", 43),
    ("a cheerful j-pop song about school friends", 47),
    ("a melancholic indie song about an old photograph", 53),
    ("a hip hop song about growing up in the suburbs", 59),
    ("a hopeful gospel song about the morning", 61),
    ("a classical cinematic piece about a lost kingdom, female vocals", 67),
    ("a bluesy song about a broken guitar", 71),
    ("a reggae song about island life", 73),
    ("a soul song about a first kiss", 79),
    ("an ambient song about floating in space", 83),
    ("a fast k-pop song about a secret crush", 89),
    ("a waltz about dancing with my father", 97),
    ("a synthwave song about neon highways", 101),
    ("a lullaby about the stars", 103),
    ("an acoustic song about leaving home", 107),
    ("a latin pop song about a summer festival", 109),
    ("a grunge song about boredom", 113),
    ("一首关于春天的流行歌", 127),
)

SHEETS = (
    (
        "hip hop, rap, boom bap, male vocals, 92 bpm",
        """[Verse]
Woke up early with the rent on my mind, counting every dollar that I left behind
Mama said the hustle never sleeps at night, so I keep on moving till the morning light
Every corner in the city got a story to tell, every window got a secret that they never sell
[Chorus]
We rise up, we rise up
Nothing gonna hold us down
We rise up, we rise up
Kings and queens of this town
[Verse 2]
Bus pass in my pocket and a dream in my chest, never had a lot but I was giving my best
Teachers didn't see it but I saw it in me, writing all my verses on the back of a receipt
[Chorus]
We rise up, we rise up
Nothing gonna hold us down
We rise up, we rise up
Kings and queens of this town
""",
    ),
    (
        "celtic folk, 6/8, fiddle, female vocals",
        """[Verse]
Over the hills where the heather grows
Down by the river the cold wind blows
My true love sailed on the morning tide
And left me alone by the water side
[Chorus]
Sing me home, sing me home
Over the wild and the silver foam
Sing me home when the night is long
Carry me back with a sailor's song
[Verse 2]
Seven long years I have watched the bay
Seven long winters have slipped away
[Chorus]
Sing me home, sing me home
Over the wild and the silver foam
Sing me home when the night is long
Carry me back with a sailor's song
""",
    ),
    (
        "jazz, swing, big band, male vocals",
        """[Verse]
The coffee's cold and the clock says two
I'm sitting here still waiting on you
The band plays slow and the lights are low
Where did you go, oh where did you go
[Chorus]
Come on back, baby, don't be late
I saved you a dance and I saved you a plate
[Bridge]
Maybe tomorrow, maybe tonight
Maybe you'll walk in and everything's right
[Chorus]
Come on back, baby, don't be late
I saved you a dance and I saved you a plate
""",
    ),
    (
        "piano ballad, slow, emotional, female vocals",
        """[Verse]
I kept your letters in a box
Beside the door
I hear your footsteps in the hall
But not anymore
[Pre-Chorus]
And every night I tell myself
That I will let you go
[Chorus]
But I still love you
Like the first time
I still love you
Till the end of time
[Verse 2]
The winter came and stayed too long
The roses died
[Pre-Chorus]
And every night I tell myself
That I will let you go
[Chorus]
But I still love you
Like the first time
I still love you
Till the end of time
""",
    ),
    (
        "punk, fast, 180 bpm, female vocals",
        """[Verse]
Turn it up turn it up we don't care what you say
Tear it down tear it down we are here anyway
[Chorus]
Hey hey we won't go home
Hey hey we're on our own
[Verse 2]
Break the rules break the rules we were born to be loud
Stand up tall stand up tall in the middle of the crowd
[Chorus]
Hey hey we won't go home
Hey hey we're on our own
""",
    ),
    (
        "mandopop, ballad, female vocals",
        """[Verse]
雨落在空荡的街
灯光照亮我的脸
风吹过安静的夜
我们还在说再见
[Chorus]
今夜我们一起唱
星光照在你身旁
不要害怕不要慌
我们一起去远方
[Verse 2]
花开在无人的路
时间带走了温度
[Chorus]
今夜我们一起唱
星光照在你身旁
不要害怕不要慌
我们一起去远方
""",
    ),
)


@dataclass
class Song:
    name: str
    style: str
    lyrics: str
    seed: int
    language: str


def corpus() -> list[Song]:
    from tunesmith.engines.composer.songwriter import write_song

    songs = []
    for idea, seed in IDEAS:
        w = write_song(idea, seed=seed)
        songs.append(Song(idea, w.tags, w.lyrics, seed, w.language))
    for i, (style, lyrics) in enumerate(SHEETS):
        songs.append(Song(style, style, lyrics, 1000 + i, "zh" if "雨" in lyrics else "en"))
    return songs


def probe() -> list[Song]:
    return [Song(s, s, PROBE_LYRICS, 1, "en") for s in PROBE_STYLES]


def plans(song: Song) -> list[Any]:
    """Both takes of a song, as the engine lays them out (lines spoken once, shared by the takes)."""
    from tunesmith.engines.composer.compose import build_plan, speak_all, sung_texts
    from tunesmith.engines.composer.style import parse_style
    from tunesmith.engines.composer.syllables import voice_for

    style = parse_style(song.style, seed=song.seed)
    voice = voice_for(song.language, style.voice)[0]
    spoken = speak_all(sung_texts(song.lyrics), song.language, voice)
    return [
        build_plan(
            style=style,
            lyrics=song.lyrics,
            title=song.name,
            take=take,
            seed=song.seed,
            language=song.language,
            instrumental=False,
            duration=None,
            spoken=spoken,
        )
        for take in (0, 1)
    ]


def _q(values: list[float]) -> str:
    if not values:
        return "n/a"
    v = sorted(values)
    p10 = v[int(0.1 * (len(v) - 1))]
    p90 = v[int(0.9 * (len(v) - 1))]
    return f"median {statistics.median(v):.2f} (p10 {p10:.2f}, p90 {p90:.2f}, n={len(v)})"


def measure(songs: list[Song]) -> dict[str, Any]:
    from tunesmith.engines.composer.melody import measure as m

    takes = [plans(s) for s in songs]
    first = [m.sung_pitches(t[0]) for t in takes]
    second = [m.sung_pitches(t[1]) for t in takes]
    hooks = [r for t in takes for p in t for r in m.hook_returns(p)]
    voices: dict[str, dict[str, list[int]]] = {}
    words = [m.words_sung(p) for t in takes for p in t]
    for t in takes:
        for p in t:
            ps = m.sung_pitches(p)
            v = voices.setdefault(p.style.voice or "none", {"range": [], "leap": [], "low": [], "high": []})
            v["range"].append(max(ps) - min(ps))
            v["leap"].append(m.largest_leap(p))
            v["low"].append(min(ps))
            v["high"].append(max(ps))
            if not (p.vocal_range[0] <= min(ps) and max(ps) <= p.vocal_range[1]):
                v.setdefault("outside", []).append(1)
    return {
        "songs": len(songs),
        "between_songs": m.pairwise(first),
        "between_takes": [m.correlation(a, b) for a, b in zip(first, second, strict=True)],
        "intervals_songs": m.pairwise(first, "shared_intervals"),
        "intervals_takes": [m.shared_intervals(a, b) for a, b in zip(first, second, strict=True)],
        "hook_returns": hooks,
        "voices": voices,
        "words": (sum(w[0] for w in words), sum(w[1] for w in words)),
        "notes_per_song": statistics.median(len(x) for x in first),
    }


def report(label: str, r: dict[str, Any]) -> None:
    print(f"\n== {label}: {r['songs']} songs x 2 takes, median {r['notes_per_song']} sung notes a take")
    print(f"  correlation between different songs : {_q(r['between_songs'])}   goal <= 0.3")
    print(f"  correlation between the two takes   : {_q(r['between_takes'])}   goal <= 0.5")
    print(f"  identical intervals, songs          : {_q(r['intervals_songs'])}")
    print(f"  identical intervals, takes          : {_q(r['intervals_takes'])}")
    hooks = r["hook_returns"]
    if hooks:
        ok = sum(1 for h in hooks if h >= 0.9)
        print(f"  chorus returns vs first statement   : {_q(hooks)}, {ok}/{len(hooks)} >= 0.9")
    for voice, v in sorted(r["voices"].items()):
        print(
            f"  {voice:6s} range (semitones)           : median {statistics.median(v['range'])}, "
            f"max {max(v['range'])}; lowest {min(v['low'])}, highest {max(v['high'])} (MIDI); "
            f"largest leap median {statistics.median(v['leap'])}, max {max(v['leap'])}; "
            f"takes outside the voice's range: {len(v.get('outside', []))}"
        )
    sung, total = r["words"]
    print(f"  words sung                          : {sung}/{total}")


def render(songs: list[Song], n: int) -> None:
    """Render n songs (one take) and measure the sung pitch on the dry lead stem."""
    import tempfile

    import numpy as np
    from checks import lead_pitch_errors, voiced_frame_errors
    from tests.support.sink import RecordingSinkForTests

    from tunesmith.domain.operations import SongRequest
    from tunesmith.engines.base import ClipSlot, EngineJob
    from tunesmith.engines.composer import pool
    from tunesmith.engines.composer.engine import ComposerEngine

    engine = ComposerEngine()
    engine.warm_up()
    tmp = Path(tempfile.mkdtemp(prefix="melody_bench_"))
    frames, notes = [], []
    print(f"\n== rendered: {n} songs, take 0, pitch on the dry lead stem (Praat)")
    try:
        picked = (
            [songs[round(k * (len(songs) - 1) / max(1, n - 1))] for k in range(n)] if n > 1 else songs[:n]
        )
        for i, song in enumerate(picked):
            req = SongRequest(custom_mode=True, lyrics=song.lyrics, style=song.style, title=song.name)
            slot = ClipSlot(clip_id=f"b{i}", index=0, workdir=tmp / f"s{i}")
            t0 = time.perf_counter()
            engine.run(
                EngineJob(task_id=f"b{i}", request=req, clips=(slot,), seed=song.seed),
                RecordingSinkForTests(),
            )
            cents = lead_pitch_errors(slot.workdir)
            fr = voiced_frame_errors(slot.workdir)
            f20 = float(np.mean(np.abs(fr) <= 20)) if len(fr) else 0.0
            n50 = float(np.mean(np.abs(np.nan_to_num(cents, nan=1e4)) <= 50))
            frames.append(f20)
            notes.append(n50)
            print(
                f"  {song.name[:44]:44s} frames<=20c {f20:6.1%}  notes<=50c {n50:6.1%}  "
                f"({time.perf_counter() - t0:.1f} s)"
            )
    finally:
        pool.shutdown()
    print(f"  median: frames within 20 cents {statistics.median(frames):.1%} (bar >= 80%), ", end="")
    print(f"notes within 50 cents {statistics.median(notes):.1%}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--render", type=int, default=0, help="render this many corpus songs and measure pitch")
    ap.add_argument("--json", type=Path, help="write the raw figures here")
    args = ap.parse_args()
    from engine_bench import load  # this folder

    print(load())
    t0 = time.perf_counter()
    songs = corpus()
    results = {"probe": measure(probe()), "corpus": measure(songs)}
    report("probe: the same verse and chorus in 32 styles", results["probe"])
    report("corpus: different styles and lyrics", results["corpus"])
    print(f"\nplans built in {time.perf_counter() - t0:.1f} s")
    if args.render:
        render(songs, args.render)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
