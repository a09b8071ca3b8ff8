"""How a style phrases its words: the rhythmic vocabulary of the sung line, per genre, as data.

A Feel says how many syllables a beat carries, how often stressed syllables anticipate the beat (syncopation)
or a line starts before its downbeat (pickup), how long the last note of a line is held, how far the tune may
leap and how wide a range the song uses. `feel_for` reads the genre's row and bends it to the tempo (dense
phrasing when fast, long notes when slow), the meter, the swing and the take, so no two songs share one.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace

from tunesmith.engines.composer.style import Style

MIN_NOTE_S = 0.13  # shortest sung note: espeak's consonants and the pitch glide need this much
MIN_RAP_NOTE_S = 0.1


@dataclass(frozen=True)
class Feel:
    rate: float  # syllables per beat a line aims at
    syncopation: float  # 0..1: stressed syllables anticipating the beat
    pickup: float  # 0..1: lines starting before their downbeat
    hold: float  # beats the last note of a line is held, at least
    leap: int  # largest leap inside a line, in scale steps
    span: int  # semitones of range the song's melody spans
    sixteenths: bool = False  # the 16th grid is the home of this style (R&B, rap, J-pop)
    rap: bool = False  # verses are rapped: dense, few pitches, falling line ends
    legato: float = 0.95  # share of the time to the next syllable a note sounds
    swing: float = 0.0  # delay of the off-beat eighth, in beats x 2 (as Style.swing)
    line_s: float = 3.2  # a line's window lasts at least this long: fast songs sing a line, then play
    cram: float = 1.6  # how much faster than its pace a line may go to fit in fewer bars
    energy_lift: float = 0.5  # where the song's range sits in the voice: 0 at its bottom, 1 at its top


FEELS: dict[str, Feel] = {
    "pop": Feel(1.6, 0.45, 0.5, 1.5, 4, 13, sixteenths=True),
    "rock": Feel(1.5, 0.3, 0.35, 2.0, 4, 12),
    "punk": Feel(1.3, 0.15, 0.25, 1.0, 3, 9, legato=0.85),
    "metal": Feel(1.1, 0.2, 0.2, 2.5, 4, 12),
    "electronic": Feel(1.5, 0.5, 0.3, 2.0, 4, 11),
    "hiphop": Feel(2.2, 0.6, 0.5, 1.0, 4, 10, sixteenths=True, rap=True, legato=0.85, line_s=2.5),
    "rnb": Feel(2.0, 0.7, 0.6, 1.5, 5, 14, sixteenths=True),
    "jazz": Feel(1.5, 0.5, 0.6, 2.0, 5, 13),
    "lofi": Feel(1.3, 0.5, 0.4, 2.0, 3, 9),
    "folk": Feel(1.3, 0.1, 0.5, 2.0, 4, 11),
    "country": Feel(1.6, 0.25, 0.6, 1.5, 4, 11),
    "ballad": Feel(1.5, 0.2, 0.4, 3.0, 5, 14, cram=1.3),
    "classical": Feel(1.2, 0.05, 0.3, 3.0, 5, 15, cram=1.3),
    "jpop": Feel(2.0, 0.4, 0.4, 1.5, 5, 14, sixteenths=True, line_s=2.6),
    "ambient": Feel(1.1, 0.0, 0.2, 3.0, 3, 9, cram=1.3),
    "reggae": Feel(1.4, 0.45, 0.4, 1.5, 4, 11),
    "latin": Feel(1.8, 0.55, 0.5, 1.5, 4, 12, sixteenths=True),
}


def feel_for(style: Style, rng: random.Random) -> Feel:
    """The genre's feel, bent to this song's tempo, meter and swing, and varied per song and take."""
    base = FEELS.get(style.genre, FEELS["pop"])
    spb = 60.0 / style.bpm
    rate = base.rate * rng.uniform(0.85, 1.2)
    # a syllable lasts 0.17-0.55 s whatever the tempo: fast songs phrase in eighths, slow ones in sixteenths
    shortest = MIN_RAP_NOTE_S if base.rap else 0.17
    rate = min(rate, 1.0 / (shortest / spb) * (0.6 if base.rap else 0.75))
    rate = max(rate, spb / (0.75 if base.hold >= 3 else 0.55))
    swing = style.swing if style.swing >= 0.2 else 0.0
    return replace(
        base,
        energy_lift=0.25 + 0.6 * style.energy,
        rate=round(rate, 3),
        syncopation=min(1.0, max(0.0, base.syncopation + rng.uniform(-0.15, 0.15))),
        pickup=min(1.0, max(0.0, base.pickup + rng.uniform(-0.2, 0.2))),
        hold=base.hold * rng.uniform(0.8, 1.25),
        span=base.span + rng.choice((-2, -1, 0, 0, 1, 2)),
        swing=swing,
    )


def grid_for(feel: Feel, bpm: float, rate: float) -> float:
    """The rhythm grid of a line, in beats: sixteenths where the style and tempo allow them and the words need
    them, else eighths (quarters for very fast tempos)."""
    spb = 60.0 / bpm
    shortest = MIN_RAP_NOTE_S if feel.rap else MIN_NOTE_S
    for grid in (0.25, 0.5, 1.0):
        if grid * spb < shortest:
            continue
        if grid == 0.25 and not (feel.sixteenths or rate > 2.2 or feel.rap):
            continue
        return grid
    return 1.0
