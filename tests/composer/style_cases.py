"""Style strings as people write them for Suno, with what a listener expects to hear; shared by the style
tests (tests/composer/test_style_vocab.py) and the hit-rate bench (bench/style_bench.py).

Each case: the text, the mode ("custom": the style field; "description": a one-line idea for the songwriter),
and the expectations: tempo (BPM, when the text gives one), meter (beats per bar in the MIDI time signature,
6 = 6/8), voice ("female", "male", "duet", "choir", None = instrumental, "any"), the instruments that must be
played (names of PROGRAMS below) and the things that must not be ("drums", "bass", "guitar", "piano").

PROGRAMS says, independently of the composer's own tables, which General MIDI programs (or GM drum notes, for
percussion) sound like each instrument.
"""

from __future__ import annotations

from dataclasses import dataclass, field

GUITARS = set(range(24, 32))
PROGRAMS: dict[str, set[int]] = {
    "guitar": GUITARS,
    "acoustic guitar": {24, 25},
    "nylon guitar": {24},
    "steel guitar": {25},
    "electric guitar": {26, 27, 28, 29, 30},
    "distorted guitar": {29, 30},
    "muted guitar": {28},
    "slide guitar": {25, 26, 27},
    "piano": {0, 1, 2, 3},
    "electric piano": {4, 5},
    "organ": {16, 17, 18, 19, 20},
    "harpsichord": {6},
    "vibraphone": {11},
    "marimba": {12},
    "xylophone": {13},
    "bells": {9, 10, 14},
    "music box": {10},
    "accordion": {21, 23},
    "harmonica": {22},
    "banjo": {105},
    "sitar": {104},
    "koto": {107},
    "guzheng": {107},
    "erhu": {40, 110},
    "pipa": {105, 106},
    "kalimba": {108},
    "bagpipes": {109},
    "fiddle": {40, 110},
    "violin": {40, 110},
    "cello": {42},
    "strings": {48, 49, 50, 51},
    "harp": {46},
    "timpani": {47},
    "choir": {52, 53, 54},
    "trumpet": {56, 59},
    "muted trumpet": {59},
    "trombone": {57},
    "french horn": {60},
    "tuba": {58},
    "brass": {56, 57, 58, 59, 60, 61, 62, 63},
    "saxophone": {64, 65, 66, 67},
    "clarinet": {71},
    "oboe": {68},
    "flute": {72, 73, 74, 75, 77},
    "bamboo flute": {73, 77},
    "pan flute": {75},
    "tin whistle": {78},
    "ocarina": {79},
    "ukulele": {24},
    "mandolin": {25, 105},
    "steel drums": {114},
    "synth": set(range(80, 104)),
    "synth lead": set(range(80, 88)),
    "synth pad": set(range(88, 96)),
    "bass": set(range(32, 40)),
    "slap bass": {36, 37},
    "upright bass": {32},
    "fretless bass": {35},
    "synth bass": {38, 39},
    "808": {38},
}
KITS = {"808 kit": {25}, "brushes": {40}, "drums": set(range(0, 57))}
PERCUSSION = {  # GM drum notes
    "congas": {62, 63, 64},
    "bongos": {60, 61},
    "tambourine": {54},
    "shaker": {69, 70, 82},
    "cowbell": {56},
    "handclaps": {39},
    "castanets": {85},
}
BASS_NAMES = {"bass", "slap bass", "upright bass", "fretless bass", "synth bass", "808", "tuba"}


@dataclass(frozen=True)
class Case:
    text: str
    bpm: float | None = None
    meter: int = 4
    voice: str | None = "any"
    play: tuple[str, ...] = ()
    absent: tuple[str, ...] = ()
    mode: str = "custom"
    negative: str = ""
    extra: dict[str, object] = field(default_factory=dict)


def C(text: str, **kw: object) -> Case:
    return Case(text, **kw)  # type: ignore[arg-type]


CUSTOM: tuple[Case, ...] = (
    C("pop, upbeat, female vocals, 120 bpm", bpm=120, voice="female"),
    C("reggae, laid-back, male vocals", voice="male", play=("organ",)),
    C("gospel, choir, piano, uplifting", voice="choir", play=("piano", "choir", "organ")),
    C("synthwave, 80s, retro synths, driving, 110 BPM", bpm=110, play=("synth",)),
    C("drum and bass, 174 bpm, female vocals, energetic", bpm=174, voice="female"),
    C("celtic folk, fiddle, tin whistle, bodhran", play=("fiddle", "tin whistle")),
    C("reggaeton, latin, male vocals, 95 bpm", bpm=95, voice="male"),
    C("afrobeats, groovy, congas, male vocals", voice="male", play=("congas",)),
    C("chinese traditional, guzheng, erhu, female vocals", voice="female", play=("guzheng", "erhu")),
    C("sea shanty, group vocals, accordion, 6/8", meter=6, voice="choir", play=("accordion",)),
    C("soft piano, instrumental", voice=None, play=("piano",)),
    C(
        "indie folk, fingerpicked acoustic guitar, harmonica, male vocals",
        voice="male",
        play=("acoustic guitar", "harmonica"),
    ),
    C("bluegrass, banjo, fiddle, upright bass, 150 bpm", bpm=150, play=("banjo", "fiddle", "upright bass")),
    C(
        "country, pedal steel, acoustic guitar, female vocals",
        voice="female",
        play=("slide guitar", "acoustic guitar"),
    ),
    C("pop, saxophone, piano", play=("saxophone", "piano")),
    C("rock, distorted guitars, male vocals, 140 bpm", bpm=140, voice="male", play=("distorted guitar",)),
    C("bossa nova, nylon guitar, soft female vocals", voice="female", play=("nylon guitar",)),
    C("jazz, muted trumpet, upright bass, brushes", play=("muted trumpet", "upright bass", "brushes")),
    C("funk, slap bass, brass section, clavinet, 105 bpm", bpm=105, play=("slap bass", "brass")),
    C("hawaiian, ukulele, slide guitar, relaxing", play=("ukulele", "slide guitar")),
    C(
        "lofi hip hop, rhodes, vinyl crackle, instrumental, 80 bpm",
        bpm=80,
        voice=None,
        play=("electric piano",),
    ),
    C("trap, 808s, dark, male rap, 140 bpm", bpm=140, voice="male", play=("808",)),
    C("classical, string quartet, harpsichord, instrumental", voice=None, play=("strings", "harpsichord")),
    C("waltz, strings, piano, female vocals", meter=3, voice="female", play=("strings", "piano")),
    C("folk ballad in 3/4, acoustic guitar, male vocals", meter=3, voice="male", play=("acoustic guitar",)),
    C("6/8 ballad, piano, cello, female vocals", meter=6, voice="female", play=("piano", "cello")),
    C("BPM: 128, techno, instrumental", bpm=128, voice=None),
    C("house music, tempo 124, female vocals, piano chords", bpm=124, voice="female", play=("piano",)),
    C("hip hop, 92 beats per minute, male vocals, boom bap", bpm=92, voice="male"),
    C("ambient, synth pads, 70 BPM, no drums", bpm=70, voice="any", play=("synth pad",), absent=("drums",)),
    C("rock, no drums, acoustic", absent=("drums",)),
    C("pop ballad without guitar, piano, female vocals", voice="female", play=("piano",), absent=("guitar",)),
    C("metal, heavy, no female vocals", voice="male", play=("distorted guitar",)),
    C("r&b, smooth, no male vocals", voice="female"),
    C("edm, festival, no vocals", voice=None),
    C("acoustic, duet, love song", voice="duet", play=("acoustic guitar",)),
    C("country duet, male and female vocals, fiddle", voice="duet", play=("fiddle",)),
    C("musical theatre, duet, piano, strings", voice="duet", play=("piano", "strings")),
    C(
        "epic orchestral, choir, timpani, french horn",
        voice="choir",
        play=("choir", "timpani", "french horn"),
    ),
    C("gregorian chant, choir, church organ", voice="choir", play=("organ",)),
    C(
        "jazz, saxophone and piano trio, 120 bpm, instrumental",
        bpm=120,
        voice=None,
        play=("saxophone", "piano"),
    ),
    C(
        "smooth jazz, tenor sax, fretless bass, electric piano",
        play=("saxophone", "fretless bass", "electric piano"),
    ),
    C(
        "blues, harmonica, slide guitar, male vocals, shuffle",
        voice="male",
        play=("harmonica", "slide guitar"),
    ),
    C(
        "mariachi, trumpets, nylon guitar, violin, male vocals",
        voice="male",
        play=("trumpet", "nylon guitar", "violin"),
    ),
    C("flamenco, spanish guitar, castanets, handclaps", play=("nylon guitar", "castanets", "handclaps")),
    C("tango, bandoneon, violin, piano", play=("accordion", "violin", "piano")),
    C("k-pop, female vocals, synth, 125 bpm", bpm=125, voice="female", play=("synth",)),
    C("j-pop, anime opening, electric guitar, 170 bpm", bpm=170, play=("electric guitar",)),
    C("city pop, rhodes, slap bass, female vocals", voice="female", play=("electric piano", "slap bass")),
    C("dubstep, wobble bass, 140 bpm, instrumental", bpm=140, voice=None, play=("synth bass",)),
    C("trance, 138 bpm, supersaw, female vocals", bpm=138, voice="female", play=("synth lead",)),
    C("chiptune, 8-bit, video game music, instrumental", voice=None, play=("synth lead",)),
    C("dream pop, reverb guitars, female vocals, 90 bpm", bpm=90, voice="female", play=("guitar",)),
    C("grunge, distorted guitar, male vocals, angry", voice="male", play=("distorted guitar",)),
    C("punk rock, fast, 180 bpm, male vocals", bpm=180, voice="male"),
    C("emo, male vocals, overdriven guitars", voice="male", play=("distorted guitar",)),
    C("neo soul, rhodes, female vocals, 75 bpm", bpm=75, voice="female", play=("electric piano",)),
    C("motown, tambourine, horns, female vocals", voice="female", play=("tambourine", "brass")),
    C("disco, strings, funky guitar, 118 bpm", bpm=118, play=("strings", "muted guitar")),
    C("calypso, steel drums, happy", play=("steel drums",)),
    C("salsa, congas, piano, trumpets, male vocals", voice="male", play=("congas", "piano", "trumpet")),
    C("samba, shaker, nylon guitar, 100 bpm", bpm=100, play=("shaker", "nylon guitar")),
    C("indian, sitar, tabla, meditative, instrumental", voice=None, play=("sitar",)),
    C("japanese, koto, shakuhachi, calm", play=("koto", "bamboo flute")),
    C("scottish, bagpipes, drums, march", play=("bagpipes",)),
    C("children's song, xylophone, ukulele, happy", play=("xylophone", "ukulele")),
    C("lullaby, music box, soft female vocals", meter=3, voice="female", play=("music box",)),
    C("christmas, sleigh bells, bells, choir", voice="choir", play=("bells",)),
    C("polka, accordion, tuba, 120 bpm", bpm=120, play=("accordion", "tuba")),
    C("klezmer, clarinet, accordion, violin", play=("clarinet", "accordion", "violin")),
    C("baroque, harpsichord, oboe, strings", play=("harpsichord", "oboe", "strings")),
    C("film score, strings, piano, french horn, 72 bpm", bpm=72, play=("strings", "piano", "french horn")),
    C("new age, pan flute, harp, synth pad", play=("pan flute", "harp", "synth pad")),
    C("medieval, recorder, dulcimer, lute", play=("flute",)),
    C("tropical house, marimba, pan flute, 105 bpm", bpm=105, play=("marimba", "pan flute")),
    C("kalimba, lofi, chill beats", play=("kalimba",)),
    C("ocarina, fantasy, calm, instrumental", voice=None, play=("ocarina",)),
    C("phonk, cowbell, 808, 145 bpm", bpm=145, play=("cowbell", "808")),
    C("garage rock, hammond organ, fuzz guitar", play=("organ", "distorted guitar")),
    C("psychedelic rock, sitar, organ", play=("sitar", "organ")),
    C(
        "power ballad, piano, electric guitar solo, male vocals",
        voice="male",
        play=("piano", "electric guitar"),
    ),
    C("female vocals, acoustic guitar, mandolin, folk", voice="female", play=("acoustic guitar", "mandolin")),
    C("tempo: 96, soul, female vocals, organ", bpm=96, voice="female", play=("organ",)),
    C("100-110 bpm, indie pop, male vocals", bpm=105, voice="male"),
    C("♩ = 84, piano ballad, female vocals", bpm=84, voice="female", play=("piano",)),
    C("90bpm lofi, piano, no vocals", bpm=90, voice=None, play=("piano",)),
    C("pop punk, 170bpm, no drums, male vocals", bpm=170, voice="male", absent=("drums",)),
    C("folk, without guitar, banjo, female vocals", voice="female", play=("banjo",), absent=("guitar",)),
    C("jazz, no piano, vibraphone, upright bass", play=("vibraphone", "upright bass"), absent=("piano",)),
    C("electronic, no bass, synths, female vocals", voice="female", play=("synth",), absent=("bass",)),
    C("hip hop beat, drumless, piano, male vocals", voice="male", play=("piano",), absent=("drums",)),
    C("a cappella, choir", voice="choir", absent=("drums", "bass", "guitar")),
    C("rock", negative="drums, guitar", absent=("drums", "guitar")),
    C("pop, female vocals", negative="female vocals", voice="male"),
    C("cinematic, epic, in D minor, 80 bpm, instrumental", bpm=80, voice=None, extra={"key": "D minor"}),
    C("ballad in E flat major, piano, male vocals", voice="male", play=("piano",), extra={"key": "Eb major"}),
    C("key of A minor, acoustic folk, female vocals", voice="female", extra={"key": "A minor"}),
    C("12/8 blues, slow, organ, male vocals", voice="male", play=("organ",)),
    C("instrumental, guitar, soft", voice=None, play=("guitar",)),
    C("duet, r&b, 85 bpm", bpm=85, voice="duet"),
    C("male and female vocals, pop rock, 128 bpm", bpm=128, voice="duet"),
    C("choir, orchestral, no drums", voice="choir", absent=("drums",)),
)

DESCRIPTION: tuple[Case, ...] = (
    C("a sad song about leaving home, no female vocals", mode="description", voice="male"),
    C("an upbeat summer pop song with no drums", mode="description", absent=("drums",)),
    C("a folk song without guitar about my grandfather", mode="description", absent=("guitar",)),
    C("a love song duet between two old friends", mode="description", voice="duet"),
    C("a gospel song with a choir about hope", mode="description", voice="choir"),
    C("an instrumental synthwave track for night drives", mode="description", voice=None),
    C("a reggae song about the beach, male vocals", mode="description", voice="male"),
    C("a sea shanty about a whale hunt", mode="description", play=("accordion",)),
    C("a country song with banjo and harmonica", mode="description", play=("banjo", "harmonica")),
    C("a jazz song with saxophone, 120 bpm", mode="description", bpm=120, play=("saxophone",)),
    C("a song about rain in 3/4 time", mode="description", meter=3),
    C("a rock anthem at 140 bpm with no bass", mode="description", bpm=140, absent=("bass",)),
    C("an afrobeats song about Lagos with congas", mode="description", play=("congas",)),
    C("a chinese traditional song with guzheng about the moon", mode="description", play=("guzheng",)),
    C(
        "a lullaby for my daughter, female voice, no vocals from men",
        mode="description",
        meter=3,
        voice="female",
    ),
    C("a song about coffee, no vocals", mode="description", voice=None),
    C(
        "a hip hop track about the city, male rapper, 90 beats per minute",
        mode="description",
        bpm=90,
        voice="male",
    ),
    C("a celtic song with fiddle and tin whistle", mode="description", play=("fiddle", "tin whistle")),
)
