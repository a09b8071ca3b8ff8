"""Style boost (kie `/api/v1/style/generate`): a short style like "Pop, Mysterious" becomes a rich one that
names genre, mood, tempo, key, instrumentation, vocals and production, the way Suno's boosted styles read.

It reads the songwriter's own style vocabulary (genres with their tempo ranges and default moods, mood
words, instruments, voice words, in English and Chinese), so a boosted style steers the composer the same
way the words in it would. Choices (tempo inside the genre's range, which instruments and production words)
come from a hash of the content and the seed: deterministic, yet different seeds give different boosts.
"""

from __future__ import annotations

import hashlib
import random
import re

# Per genre tag: instruments typical of it (the first ones most typical) and production words.
INSTRUMENTATION: dict[str, tuple[str, ...]] = {
    "pop": (
        "glossy synth chords",
        "punchy drums",
        "plucky electric piano",
        "warm bass",
        "bright acoustic guitar",
    ),
    "j-pop": ("sparkling synth leads", "driving drums", "busy bass guitar", "bright piano", "string stabs"),
    "k-pop": ("crisp trap hats", "big synth bass", "layered synth stabs", "vocal chops", "punchy claps"),
    "c-pop": ("soft piano", "lush strings", "clean electric guitar", "gentle drums", "warm bass"),
    "lo-fi": (
        "dusty Rhodes chords",
        "vinyl crackle",
        "lazy boom-bap drums",
        "muted bass",
        "soft jazz guitar",
    ),
    "hip hop": ("hard-hitting boom-bap drums", "deep 808 bass", "sampled soul keys", "vinyl scratches"),
    "r&b": ("smooth Rhodes", "snappy snares", "round sub bass", "silky pads", "finger snaps"),
    "edm": (
        "supersaw leads",
        "four-on-the-floor kick",
        "sidechained pads",
        "rising white-noise sweeps",
        "sub bass",
    ),
    "house": (
        "four-on-the-floor kick",
        "offbeat hi-hats",
        "piano stabs",
        "rolling bassline",
        "filtered chords",
    ),
    "techno": ("pounding kick", "hypnotic synth sequence", "metallic percussion", "rumbling bass"),
    "trap": ("booming 808s", "rapid hi-hat rolls", "dark bells", "hard snares", "eerie pads"),
    "drum and bass": ("fast breakbeats", "rolling reese bass", "atmospheric pads", "chopped amen breaks"),
    "synthwave": ("analog synth arpeggios", "gated reverb drums", "retro bass synth", "lush pads"),
    "disco": ("four-on-the-floor drums", "funky octave bass", "string section", "wah guitar", "brass hits"),
    "funk": ("slap bass", "tight funky drums", "chicken-scratch guitar", "horn section", "clavinet"),
    "dance": ("punchy kick", "bouncy synth bass", "euphoric synth chords", "claps", "risers"),
    "metal": ("down-tuned distorted guitars", "double-kick drums", "heavy bass", "shredding solos"),
    "punk": ("fast power chords", "driving drums", "overdriven bass", "gang vocals"),
    "rock": ("crunchy electric guitars", "live drums", "driving bass guitar", "Hammond organ"),
    "indie": ("jangly guitars", "loose live drums", "melodic bass", "warm synth pads", "tambourine"),
    "jazz": ("upright bass", "brushed drums", "jazz piano", "muted trumpet", "tenor saxophone"),
    "blues": ("slide guitar", "shuffling drums", "walking bass", "harmonica", "honky-tonk piano"),
    "soul": ("vintage organ", "tight drums", "warm bass guitar", "horn section", "gospel piano"),
    "gospel": ("church organ", "choir", "grand piano", "handclaps", "warm bass"),
    "reggae": ("offbeat skank guitar", "one-drop drums", "deep dub bass", "organ bubble"),
    "latin": ("congas", "nylon guitar", "timbales", "brass section", "dembow groove"),
    "country": ("twangy telecaster", "pedal steel", "fiddle", "banjo", "brushed drums"),
    "folk": ("fingerpicked acoustic guitar", "mandolin", "soft hand percussion", "upright bass", "harmonica"),
    "ballad": ("grand piano", "sweeping strings", "soft drums", "warm bass", "acoustic guitar"),
    "classical": ("string orchestra", "grand piano", "woodwinds", "french horns", "timpani"),
    "cinematic": ("epic orchestra", "taiko drums", "soaring strings", "brass swells", "choir"),
    "ambient": ("evolving pads", "granular textures", "soft piano", "distant drones", "field recordings"),
    "chinese traditional": ("guzheng", "erhu", "bamboo flute", "pipa", "soft frame drums"),
}
PRODUCTION: dict[str, tuple[str, ...]] = {
    "electronic": ("sidechain compression", "wide stereo image", "crisp modern mix", "big drops", "polished"),
    "acoustic": ("intimate room sound", "warm analog mix", "natural dynamics", "organic feel"),
    "band": ("live-band energy", "tight arrangement", "punchy mix", "warm tape saturation"),
    "urban": ("hard-hitting low end", "crisp vocal mix", "modern mix", "tight groove"),
    "orchestral": ("lush hall reverb", "dynamic swells", "cinematic mix", "wide soundstage"),
    "pop": ("radio-ready mix", "polished production", "catchy hooks", "wide stereo image", "bright mix"),
}
FAMILY: dict[str, str] = {
    **dict.fromkeys(("edm", "house", "techno", "drum and bass", "synthwave", "dance", "trap"), "electronic"),
    **dict.fromkeys(("folk", "country", "ballad", "blues", "chinese traditional", "jazz"), "acoustic"),
    **dict.fromkeys(
        ("rock", "metal", "punk", "indie", "funk", "disco", "soul", "gospel", "reggae", "latin"), "band"
    ),
    **dict.fromkeys(("hip hop", "r&b", "lo-fi"), "urban"),
    **dict.fromkeys(("classical", "cinematic", "ambient"), "orchestral"),
}
MINOR_MOODS = ("sad", "dark")


def boost(content: str, seed: int = 0) -> str:
    from tunesmith.engines.composer.songwriter import styles

    text = " ".join(content.lower().split())
    rng = random.Random(int.from_bytes(hashlib.sha256(f"{text}|{seed}".encode()).digest()[:8], "big"))
    genres, rest = [], text
    for genre in styles.GENRES:  # longest names first; a matched name is blanked so "j-pop" is not also "pop"
        hit = next((word for word in genre.words if _has(rest, word)), None)
        if hit is not None:
            genres.append(genre)
            rest = rest.replace(hit, " ")
    if not genres:
        genres = [next(g for g in styles.GENRES if g.tag == "pop")]
    main = genres[0]
    moods = [mood for mood, words in styles.MOODS.items() if any(_has(text, w) for w in words)] or [main.mood]
    mood_words = []
    for mood in moods[:2]:
        english = [w for w in styles.MOODS[mood] if w.isascii()]
        said = [w for w in english if _has(text, w)]
        mood_words += (said[:1] or english[:1]) + [
            rng.choice([w for w in english if w not in said] or english)
        ]
    named = [name for name, words in styles.INSTRUMENTS.items() if any(_has(text, w) for w in words)]
    typical = list(INSTRUMENTATION.get(main.tag, INSTRUMENTATION["pop"]))
    picks = typical[:2] + rng.sample(typical[2:], k=min(2, len(typical) - 2))
    instruments = named + [p for p in picks if not any(n in p for n in named)]
    bpm = rng.randint(*main.bpm)
    key = "minor key" if moods[0] in MINOR_MOODS else "major key"
    if any(_has(text, w) for w in styles.INSTRUMENTAL_WORDS):
        voice = "instrumental, no vocals"
    elif any(_has(text, w) for w in styles.FEMALE_WORDS):
        voice = rng.choice(("airy female vocals", "soaring female vocals", "breathy female vocals"))
    elif any(_has(text, w) for w in styles.MALE_WORDS):
        voice = rng.choice(("warm male vocals", "husky male vocals", "smooth male vocals"))
    else:
        voice = rng.choice(("expressive lead vocals", "emotive lead vocals", "layered vocal harmonies"))
    production = rng.sample(PRODUCTION[FAMILY.get(main.tag, "pop")], k=2)
    genre_names = ", ".join(_title(g.tag) for g in genres[:3])
    mood_text = " and ".join(dict.fromkeys(mood_words))  # each word once, first mention first
    parts = [
        genre_names,
        f"{mood_text} mood",
        f"{bpm} BPM",
        key,
        ", ".join(instruments[:5]),
        voice,
        ", ".join(production),
    ]
    return ", ".join(parts)


def _has(text: str, word: str) -> bool:
    """Whole-word match for Latin words ("rap" is not in "trap"), substring match for CJK."""
    if not word.isascii():
        return word in text
    return re.search(rf"(?<![a-z]){re.escape(word)}(?![a-z])", text) is not None


def _title(tag: str) -> str:
    return "R&B" if tag == "r&b" else ("EDM" if tag == "edm" else tag.title().replace("Hip Hop", "Hip-Hop"))
