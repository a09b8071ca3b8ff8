"""The synchronous helpers: timestamped lyrics and style boost, plus the cheap-import promise."""

from __future__ import annotations

import json
import subprocess
import sys

from tunesmith.engines.base import SourceClip
from tunesmith.engines.studio.sync import aligned_words, boost_style


def test_aligned_words_from_wav_and_mp3(tone_song: SourceClip) -> None:
    words = json.loads(tone_song.artifacts["timings"].read_text(encoding="utf-8"))
    for audio in (tone_song.wav, tone_song.audio):
        data = aligned_words(tone_song.artifacts["timings"], audio)
        assert data["hootCer"] == 0.0 and data["isStreamed"] is False
        assert [w["word"] for w in data["alignedWords"]] == [w["word"] for w in words]
        first = data["alignedWords"][0]
        assert first == {
            "word": words[0]["word"],
            "success": True,
            "startS": words[0]["start_s"],
            "endS": words[0]["end_s"],
            "palign": 0,
        }
        wave = data["waveformData"]
        assert 190 <= len(wave) <= 210 and min(wave) >= 0 and max(wave) == 1.0


def test_aligned_words_of_an_instrumental(tone_instrumental: SourceClip) -> None:
    data = aligned_words(tone_instrumental.artifacts["timings"], tone_instrumental.wav)
    assert data["alignedWords"] == [] and data["waveformData"]
    assert aligned_words(None, None)["alignedWords"] == []


def test_boost_style_expands_and_is_deterministic() -> None:
    boosted = boost_style("Pop, Mysterious")
    assert boosted == boost_style("Pop, Mysterious")
    assert boosted != boost_style("Pop, Mysterious", seed=1)
    lowered = boosted.lower()
    assert (
        lowered.startswith("pop") and "mysterious" in lowered and "bpm" in lowered and "minor key" in lowered
    )
    assert len(boosted) > 3 * len("Pop, Mysterious")
    chinese = boost_style("古风 女声 伤感").lower()
    assert "chinese traditional" in chinese and "female vocals" in chinese and "guzheng" in chinese
    assert "trap" in boost_style("trap").lower() and "hip-hop" not in boost_style("trap").lower()


def test_api_side_imports_stay_light() -> None:
    code = (
        "import sys, tunesmith.engines.studio.engine, tunesmith.engines.studio.sync;"
        "print(any(m in sys.modules for m in ('numpy', 'PIL', 'pretty_midi', 'soundfile')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
