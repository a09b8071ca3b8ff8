"""Genre presets: what makes a pop song sound unlike a punk or jazz one, as data.

Each preset gives a tempo range, a minor-key bias, drum patterns (GM drum notes on a 16th grid), a bass style,
the General MIDI programs and playing styles of the harmony parts, and chord progressions per section type.
Keeping this as a table means adding a genre never touches the arrangement code.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

# Drum patterns: GM note -> one character per 16th step ("x" accent, "o" normal, "g" ghost, "-" rest).
Pattern = dict[int, str]

FOUR_ON_FLOOR: Pattern = {
    36: "x---x---x---x---",
    39: "----x-------x---",
    42: "--o---o---o---o-",
    46: "--------------o-",
}
BACKBEAT: Pattern = {36: "x-----o-x-o-----", 38: "----x-------x---", 42: "o-o-o-o-o-o-o-o-"}
ROCK: Pattern = {
    36: "x-------x-x-----",
    38: "----x-------x---",
    42: "o-o-o-o-o-o-o-o-",
    49: "x---------------",
}
PUNK: Pattern = {36: "x-o-x-o-x-o-x-o-", 38: "--x---x---x---x-", 42: "oooooooooooooooo"}
METAL: Pattern = {36: "xxxxxxxxxxxxxxxx", 38: "----x-------x---", 51: "o-o-o-o-o-o-o-o-"}
HIPHOP: Pattern = {36: "x------o--x-----", 38: "----x-------x---", 42: "o-o-o-o-o-o-o-oo"}
TRAP: Pattern = {36: "x------x--x-----", 39: "----x-------x---", 42: "ooogooooooogoooo"}
RNB: Pattern = {
    36: "x-----o---o-----",
    37: "----x-------x---",
    42: "o-g-o-g-o-g-o-g-",
    82: "--o---o---o---o-",
}
LOFI: Pattern = {36: "x-------o-o-----", 38: "----x-------x--g", 42: "o-o-o-o-o-o-o-o-"}
JAZZ: Pattern = {
    51: "x--ox--ox--ox--o",
    44: "----x-------x---",
    36: "x---------------",
    38: "------g-------g-",
}
FOLK: Pattern = {36: "x-------x-------", 37: "----x-------x---", 82: "o-oxo-oxo-oxo-ox"}
COUNTRY: Pattern = {36: "x-------x-------", 38: "----x-------x---", 42: "o-oxo-oxo-oxo-ox"}
BALLAD: Pattern = {36: "x-------x-------", 37: "----x-------x---", 42: "o---o---o---o---"}
JPOP: Pattern = {
    36: "x--ox---x--ox---",
    38: "----x--g----x---",
    42: "oooooooooooooooo",
    46: "------o-------o-",
}
WALTZ: Pattern = {36: "x-----------", 38: "----o---o---", 42: "o-o-o-o-o-o-"}
SIX_EIGHT: Pattern = {36: "x-----------", 38: "------x-----", 42: "o-o-o-o-o-o-"}
ONE_DROP: Pattern = {
    36: "--------x-------",
    38: "--------x-------",
    42: "o-o-o-o-o-o-o-o-",
    37: "--x---x---x---x-",
}
DEMBOW: Pattern = {
    36: "x---x---x---x---",
    38: "---x--x----x--x-",
    42: "o-o-o-o-o-o-o-o-",
    64: "--o---o---o---o-",
}


@dataclass(frozen=True)
class Genre:
    name: str
    tempo: tuple[int, int]
    minor_bias: float  # probability of a minor key when the style does not say
    drums: Pattern | None
    kit: int  # GM drum kit program (0 standard, 16 power, 25 TR-808, 32 jazz, 40 brush)
    bass: str  # bass style: root8 rootfifth walking offbeat sub pedal
    bass_program: int
    chords: tuple[tuple[int, str], ...]  # (GM program, style) for the "other" stem
    lead: int  # GM program of the instrumental hook
    alt_chords: tuple[tuple[int, str], ...] = ()  # the second take's instrumentation
    swing: float = 0.0
    meter: int = 4  # beats per bar
    energy: float = 0.6
    progressions: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


POP_PROG = {
    "verse": ("I", "V", "vi", "IV"),
    "chorus": ("vi", "IV", "I", "V"),
    "bridge": ("IV", "V", "iii", "vi"),
}
ROCK_PROG = {
    "verse": ("I", "bVII", "IV", "I"),
    "chorus": ("I", "V", "vi", "IV"),
    "bridge": ("vi", "IV", "V", "V"),
}
JAZZ_PROG = {
    "verse": ("ii7", "V7", "Imaj7", "vi7"),
    "chorus": ("Imaj7", "vi7", "ii7", "V7"),
    "bridge": ("iii7", "vi7", "ii7", "V7"),
}
SOUL_PROG = {
    "verse": ("Imaj7", "iii7", "vi7", "IV"),
    "chorus": ("IVmaj7", "iii7", "vi7", "ii7"),
    "bridge": ("ii7", "iii7", "IVmaj7", "V7"),
}
CLASSIC_PROG = {
    "verse": ("I", "IV", "V", "I"),
    "chorus": ("I", "vi", "ii", "V"),
    "bridge": ("vi", "iii", "IV", "V"),
}
EPIC_PROG = {
    "verse": ("vi", "IV", "I", "V"),
    "chorus": ("IV", "V", "iii", "vi"),
    "bridge": ("ii", "V", "I", "vi"),
}

GENRES: dict[str, Genre] = {
    g.name: g
    for g in (
        Genre(
            "pop",
            (96, 124),
            0.3,
            BACKBEAT,
            0,
            "root8",
            33,
            ((0, "pulse8"), (89, "pad")),
            80,
            ((4, "arp"), (48, "pad")),
            progressions=POP_PROG,
        ),
        Genre(
            "rock",
            (110, 140),
            0.35,
            ROCK,
            16,
            "root8",
            34,
            ((29, "power"), (0, "block")),
            29,
            ((30, "power"), (16, "pad")),
            energy=0.8,
            progressions=ROCK_PROG,
        ),
        Genre(
            "punk",
            (160, 190),
            0.3,
            PUNK,
            16,
            "root8",
            34,
            ((30, "power"),),
            30,
            ((29, "power"),),
            energy=0.95,
            progressions=ROCK_PROG,
        ),
        Genre(
            "metal",
            (100, 150),
            0.85,
            METAL,
            16,
            "root8",
            34,
            ((30, "power"), (48, "pad")),
            30,
            ((30, "power"), (91, "pad")),
            energy=0.95,
            progressions=EPIC_PROG,
        ),
        Genre(
            "electronic",
            (120, 130),
            0.5,
            FOUR_ON_FLOOR,
            25,
            "offbeat",
            38,
            ((81, "stabs"), (89, "pad")),
            81,
            ((80, "arp"), (90, "pad")),
            energy=0.85,
            progressions=EPIC_PROG,
        ),
        Genre(
            "hiphop",
            (80, 96),
            0.6,
            HIPHOP,
            25,
            "sub",
            38,
            ((4, "comp"), (89, "pad")),
            11,
            ((0, "comp"), (48, "pad")),
            swing=0.12,
            energy=0.65,
            progressions=SOUL_PROG,
        ),
        Genre(
            "rnb",
            (68, 92),
            0.45,
            RNB,
            0,
            "rootfifth",
            35,
            ((4, "comp"), (48, "pad")),
            65,
            ((5, "comp"), (89, "pad")),
            swing=0.08,
            energy=0.5,
            progressions=SOUL_PROG,
        ),
        Genre(
            "jazz",
            (96, 150),
            0.3,
            JAZZ,
            32,
            "walking",
            32,
            ((0, "comp"),),
            65,
            ((26, "comp"),),
            swing=0.3,
            energy=0.45,
            progressions=JAZZ_PROG,
        ),
        Genre(
            "lofi",
            (70, 88),
            0.4,
            LOFI,
            25,
            "rootfifth",
            33,
            ((4, "comp"), (89, "pad")),
            11,
            ((0, "comp"), (92, "pad")),
            swing=0.15,
            energy=0.35,
            progressions=SOUL_PROG,
        ),
        Genre(
            "folk",
            (84, 112),
            0.35,
            FOLK,
            0,
            "rootfifth",
            32,
            ((25, "strum"),),
            73,
            ((24, "arp"),),
            energy=0.45,
            progressions=CLASSIC_PROG,
        ),
        Genre(
            "country",
            (96, 124),
            0.15,
            COUNTRY,
            0,
            "rootfifth",
            33,
            ((25, "strum"), (27, "arp")),
            110,
            ((24, "strum"), (22, "pad")),
            energy=0.6,
            progressions=CLASSIC_PROG,
        ),
        Genre(
            "ballad",
            (64, 80),
            0.45,
            BALLAD,
            0,
            "pedal",
            33,
            ((0, "arp"), (48, "pad")),
            0,
            ((0, "block"), (49, "pad")),
            energy=0.35,
            progressions=EPIC_PROG,
        ),
        Genre(
            "classical",
            (66, 100),
            0.4,
            None,
            0,
            "pedal",
            42,
            ((0, "alberti"), (48, "pad")),
            40,
            ((46, "arp"), (48, "pad")),
            energy=0.3,
            progressions=CLASSIC_PROG,
        ),
        Genre(
            "jpop",
            (128, 160),
            0.35,
            JPOP,
            0,
            "root8",
            33,
            ((0, "pulse8"), (48, "pad"), (27, "arp")),
            80,
            ((4, "arp"), (89, "pad"), (29, "power")),
            energy=0.85,
            progressions=POP_PROG,
        ),
        Genre(
            "reggae",
            (66, 90),
            0.35,
            ONE_DROP,
            0,
            "rootfifth",
            33,
            ((28, "stabs"), (16, "stabs")),
            16,
            ((27, "stabs"), (4, "stabs")),
            swing=0.1,
            energy=0.5,
            progressions=SOUL_PROG,
        ),
        Genre(
            "latin",
            (92, 118),
            0.45,
            DEMBOW,
            0,
            "sub",
            33,
            ((24, "arp"), (0, "comp")),
            73,
            ((24, "strum"), (12, "arp")),
            energy=0.7,
            progressions=POP_PROG,
        ),
        Genre(
            "ambient",
            (60, 80),
            0.5,
            None,
            0,
            "pedal",
            89,
            ((88, "pad"), (95, "pad")),
            88,
            ((91, "pad"), (10, "arp")),
            energy=0.2,
            progressions=EPIC_PROG,
        ),
    )
}
