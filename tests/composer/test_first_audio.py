"""What stands before a song's first playable audio: speaking the words in fresh processes, and the stream's
first piece (how soon it is written, and that it is the final song's start)."""

from __future__ import annotations

import subprocess
import sys

from tunesmith.engines.composer.syllables import english_counts

TEXTS = ["I walk along the empty street", "Flibberjab sang 21 times", "don't stop, the night is young"]


def _speak_fresh(counts: dict[str, int] | None) -> tuple[str, bool]:
    """Speak TEXTS in a fresh process, as a speaker does (espeak-ng carries state between utterances):
    (syllables and audio digest, whether the CMU dictionary was loaded)."""
    code = (
        "import hashlib, sys\n"
        "from tunesmith.engines.composer.compose import speak_all\n"
        f"spoken = speak_all({TEXTS!r}, 'en', 'en-us+f3', {counts!r})\n"
        "print(repr([(s.syllables, hashlib.sha1(s.audio.tobytes()).hexdigest()) for s in spoken.values()]))\n"
        "print('pronouncing' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    spoken, loaded = out.splitlines()
    return spoken, loaded == "True"


def test_counts_give_the_dictionarys_syllables() -> None:
    counts = english_counts(TEXTS)
    assert (counts["walk"], counts["along"], counts["empty"], counts["don't"]) == (1, 2, 2, 1)
    assert counts["21"] == 2  # a number: a syllable per digit, as without counts
    assert counts["Flibberjab"] == 3  # not in the dictionary: its vowel groups


def test_a_speaker_with_counts_speaks_alike_without_the_dictionary() -> None:
    """A fresh speaker process is started for every request: loading the CMU dictionary there took ~0.5 s
    before any audio could be made. With the counts handed over it is never loaded, and the words are cut
    into the same syllables."""
    plain, loaded = _speak_fresh(None)
    assert loaded
    handed, loaded = _speak_fresh(english_counts(TEXTS))
    assert not loaded
    assert handed == plain
    assert "Syllable(" in handed
