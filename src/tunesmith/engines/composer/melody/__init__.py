"""The sung melody: a tune written for each song and take (see writer.py), and how melodies are measured."""

from tunesmith.engines.composer.melody.register import Register, harmony_line, register_for
from tunesmith.engines.composer.melody.stress import syllable_stress
from tunesmith.engines.composer.melody.writer import MelodyWriter

__all__ = ["MelodyWriter", "Register", "harmony_line", "register_for", "syllable_stress"]
