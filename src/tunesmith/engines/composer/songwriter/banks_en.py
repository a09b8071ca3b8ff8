"""English word banks and line templates.

A template is a line with slots; its last slot is the rhyme word and names a word class, so any word of the
class fits the grammar: {N} a scene noun after "the", {M} a noun after "my"/"your", {A} an adjective,
{V} a bare verb, {T} a when (tonight), {D} a where to (away).
A leading "^" keeps a template for bright moods (happy, energetic), "~" for soft ones (sad, calm, ...).
Inner slots: {t} the topic as sung ("the guitar solo"), {hook} the title as sung, {is} is/are for the
topic, {act} the client's activity ("writing"); {adj} {img} {verb} {ving} come from the mood.
"""

from __future__ import annotations

END_WORDS: dict[str, tuple[str, ...]] = {
    "N": (
        "night", "light", "rain", "fire", "sky", "sea", "street", "dark", "sun", "moon", "dawn", "storm",
        "wind", "crowd", "road", "shore", "tide", "flame", "glow", "haze", "breeze", "snow", "air", "heat",
        "sound", "ground", "beat", "floor", "town", "dream", "stream", "smoke", "show", "cold", "waves",
        "lights", "skies", "stars", "spark", "dust", "blue", "bay", "day", "hills", "past", "end", "start",
        "deep", "glare", "rush", "noise", "spring", "stage", "maze", "coast",
    ),
    "M": (
        "heart", "soul", "mind", "eyes", "dreams", "veins", "chest", "head", "smile", "arms", "hands",
        "bones", "face", "skin", "voice", "world", "room", "name",
    ),
    "A": (
        "alive", "free", "high", "wild", "bright", "young", "strong", "right", "new", "near", "whole",
        "true", "clear", "slow", "low", "far", "real", "loud", "proud", "fine", "gone", "awake", "undone",
        "unknown", "alone", "divine", "sublime", "blind", "cold", "bold", "sweet", "complete", "brave",
    ),
    "V": (
        "shine", "glow", "fly", "burn", "rise", "fall", "dance", "sing", "stay", "go", "run", "play",
        "break", "wait", "breathe", "roar", "ring", "sway", "glide", "fade", "cry", "hide", "smile", "try",
        "fight", "ride", "climb", "grow", "flow", "dream", "scream", "stand", "move", "groove", "win",
        "begin", "spin", "start", "sail", "heal", "feel", "know", "roam", "call", "shout", "bloom", "soar",
        "stray", "shake",
    ),
    # T: when; D: where to
    "T": (
        "tonight", "again", "forever", "today", "right now", "for good", "once more", "all along",
        "till the end", "for a while", "every day", "all the way", "every time",
    ),
    "D": (
        "away", "around", "inside", "apart", "along", "outside", "home", "back home", "up high", "down low",
        "so far",
    ),
}

# Mood colour for the inner slots: adjectives before a noun, image nouns, verbs as (bare, -ing).
MOOD_WORDS: dict[str, dict[str, tuple]] = {
    "happy": {
        "adj": ("golden", "sunny", "shining", "electric", "dizzy", "glowing", "sparkling", "brand new"),
        "img": ("heartbeat", "sunlight", "rhythm", "melody", "spotlight", "moment", "feeling", "summer"),
        "verb": (
            ("dance", "dancing"), ("shine", "shining"), ("move", "moving"), ("sing", "singing"),
            ("spin", "spinning"), ("jump", "jumping"), ("laugh", "laughing"),
        ),
    },
    "sad": {
        "adj": ("fading", "broken", "silent", "empty", "lonely", "faded", "distant", "heavy"),
        "img": ("shadow", "memory", "echo", "candle", "photograph", "letter", "teardrop", "heartache"),
        "verb": (
            ("cry", "crying"), ("fade", "fading"), ("fall", "falling"), ("wait", "waiting"),
            ("drift", "drifting"), ("wander", "wandering"),
        ),
    },
    "calm": {
        "adj": ("gentle", "quiet", "silver", "easy", "drifting", "velvet", "hazy", "sleepy"),
        "img": ("river", "feather", "candle", "moonlight", "whisper", "lantern", "morning", "ocean"),
        "verb": (
            ("drift", "drifting"), ("breathe", "breathing"), ("float", "floating"), ("rest", "resting"),
            ("sway", "swaying"), ("glide", "gliding"),
        ),
    },
    "energetic": {
        "adj": ("electric", "burning", "wild", "roaring", "blazing", "restless", "fearless", "neon"),
        "img": ("thunder", "engine", "heartbeat", "rhythm", "lightning", "spotlight", "rocket", "anthem"),
        "verb": (
            ("run", "running"), ("burn", "burning"), ("roar", "roaring"), ("rise", "rising"),
            ("fight", "fighting"), ("race", "racing"), ("jump", "jumping"),
        ),
    },
    "romantic": {
        "adj": ("tender", "velvet", "warm", "sweet", "secret", "midnight", "rosy", "gentle"),
        "img": ("whisper", "heartbeat", "candle", "rose", "moonlight", "promise", "kiss", "melody"),
        "verb": (
            ("sway", "swaying"), ("dance", "dancing"), ("fall", "falling"), ("glow", "glowing"),
            ("melt", "melting"), ("dream", "dreaming"),
        ),
    },
    "dark": {
        "adj": ("midnight", "hollow", "crimson", "restless", "smoky", "silent", "shadowed", "cold"),
        "img": ("shadow", "echo", "ember", "siren", "mirror", "raven", "storm cloud", "secret"),
        "verb": (
            ("burn", "burning"), ("fall", "falling"), ("run", "running"), ("hide", "hiding"),
            ("wander", "wandering"), ("howl", "howling"),
        ),
    },
    "nostalgic": {
        "adj": ("faded", "golden", "dusty", "old", "yellowed", "summer", "sepia", "distant"),
        "img": ("photograph", "memory", "radio", "postcard", "letter", "echo", "record", "childhood"),
        "verb": (
            ("remember", "remembering"), ("wander", "wandering"), ("drift", "drifting"),
            ("dream", "dreaming"), ("wait", "waiting"), ("smile", "smiling"),
        ),
    },
}

TEMPLATES: dict[str, tuple[str, ...]] = {
    # scene setting and story
    "verse": (
        "I hear {t} calling through the {N}", "{t} {is} ringing in the {N}", "I found {t} out in the {N}",
        "Walking through the {adj} {N}", "There's a {adj} {img} in the {N}", "We were {ving} under the {N}",
        "Nothing ever felt so {A}", "{t} got me feeling {A}", "I keep on {ving} till I {V}",
        "Watch the {adj} {img} {V}", "{t} {is} teaching me to {V}", "Hold on to {t} and {V}",
        "Every {img} is {ving} {T}", "{act} {t} {T}", "I was {act} {t} {T}",
        "Got {t} running through my {M}", "Feel {t} beating in my {M}", "The {img} is {ving} like the {N}",
        "Under {adj} skies we {V}", "You and me and {t} {T}", "Somewhere in the {adj} {N}",
        "I can see it in your {M}", "Take me higher, take me {D}", "Dreaming of {t} {T}",
        "All I want is {t} {T}", "Lost inside the {adj} {N}", "Follow me into the {N}",
        "Every little {img} feels {A}", "I wrote {t} on my {M}", "{t} and a {adj} {img} {T}",
        "I carry {t} in my {M}", "With {t} I feel {A}",
    ),
    "pre": (
        "And I can feel it coming {T}", "Something's rising in my {M}", "Hold your breath and let it {V}",
        "Here it comes, we're ready to {V}", "Can you feel it in the {N}", "Every heartbeat pulls me {D}",
        "~Say my name and let it {V}",
        "One more second and we {V}", "Now the {img} is {ving} {D}",
    ),
    "chorus": (
        "^Turn it up and let it {V}", "Sing it out into the {N}", "^We were born to {V}",
        "^Hands up high and watch us {V}", "{t} {is} all we need {T}", "Give me {t} and let me {V}",
        "{t} {is} burning in my {M}", "^Light it up, we're {A}", "{ving} like we're {A}",
        "Take my hand, we'll {V}", "^Nothing's gonna stop us {T}", "Every {img} is {A}",
        "~Hold me close until the {N}", "~I will wait for you {T}", "~Stay with me and let it {V}",
        "~I still hear you in the {N}", "~Every tear is turning {A}", "~Close your eyes and {V}",
    ),
    "hook": (
        "^{hook}, light up the {N}", "Oh, {hook}, take me {D}", "~Oh, {hook}, I miss you {T}",
        "~{hook}, I'm holding on {T}", "~{hook}, don't fade {D}", "{hook}, we're {ving} {T}",
        "{hook}, you make me feel {A}", "{hook}, carry me {D}", "Oh, {hook}, never let me {V}",
        "Sing {hook} to the {N}", "{hook} in the {adj} {N}", "Oh, {hook}, don't let it {V}",
    ),
    "bridge": (
        "If I lose my way in the {N}", "Maybe all we need is the {N}", "I was never meant to {V}",
        "Even when the {img} is {A}", "Even if the {img} won't {V}", "Slowly, slowly, I {V}",
        "Take my hand and we will {V}", "Every {img} has led me {D}", "When the {adj} {img} is {A}",
        "So I'll hold on to the {N}", "And I'll be {ving} {T}", "All the words I never said {T}",
    ),
    "outro": (
        "{hook}, {T}", "Still I hear {t} {T}", "Let it ring, let it {V}", "And we drift into the {N}",
        "{hook}, stay with me {T}", "Just {t} and the {N}", "Fading out into the {N}", "{hook}, never {V}",
    ),
}

TITLE_FORMS: tuple[str, ...] = (
    "{topic}", "{adj} {topic}", "{topic} Tonight", "Chasing {topic}", "{mod} {topic}", "{topic} Forever",
    "Me and {topic}",
)
