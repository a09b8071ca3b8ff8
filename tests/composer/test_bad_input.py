"""Whatever a client sends, the engine renders a proper take or refuses in `check` with InvalidRequest."""

from __future__ import annotations

import json

import pytest
from checks import assert_take
from tests.support.composer_jobs import make_job
from tests.support.sink import RecordingSinkForTests

from tunesmith.domain.errors import InvalidRequest
from tunesmith.domain.operations import SongRequest
from tunesmith.engines.composer.lyrics import clean_line, parse_lyrics, tokens

LONG = " ".join(["running through the endless night until the morning light"] * 6)
CUSTOM = {
    "emoji": "[Verse]\nI love you 😀🎉 so much 💖\n🔥🔥🔥\nwe dance 🕺 all night\n",
    "html": "[Verse]\n<b>Hello</b> world <script>alert(1)</script>\n<i>sing</i> along &amp; on\n",
    "long-line": f"[Verse]\n{LONG}\n",
    "unknown-tags": (
        "[Spoken Word x2]\nhere we go again\n[Foo Bar]\nnothing else to say\n[Chorus]\nla la la\n"
    ),
    "russian": "[Verse]\nЯ иду по пустой улице\nгород спит под моими ногами\n",
}


def _words(lyrics: str) -> list[str]:
    return [w for sec in parse_lyrics(lyrics) for line in sec.lines for w in tokens(clean_line(line))]


@pytest.fixture(scope="module")
def renders(engine, tmp_path_factory):
    """Every odd request, rendered once as a single take."""
    requests = {
        name: SongRequest(custom_mode=True, lyrics=text, style="pop, female vocals", title=name)
        for name, text in CUSTOM.items()
    }
    requests["negative-style"] = SongRequest(
        custom_mode=True,
        lyrics=CUSTOM["emoji"],
        style="no drums, no guitar, without bass, not sad",
        title="n",
    )
    requests["instrumental-30s"] = SongRequest(
        custom_mode=True, instrumental=True, style="lofi, chill", title="Calm", duration=30.0
    )
    requests["describe-en"] = SongRequest(
        custom_mode=False, description="a happy song about summer at the sea"
    )
    requests["describe-zh"] = SongRequest(custom_mode=False, description="一首关于夏天和大海的快乐的歌")
    out = {}
    for name, req in requests.items():
        engine.check(req)
        sink = RecordingSinkForTests()
        job = make_job(tmp_path_factory.mktemp(name), req, seed=3, clips=1)
        engine.run(job, sink)
        text = next(v for _, k, v in sink.events if k == "text")
        out[name] = (job.clips[0].workdir, sink.clips[0], text)
    return out


@pytest.mark.parametrize("name", [*CUSTOM, "negative-style", "describe-en", "describe-zh"])
def test_sung_take_is_complete(renders, name):
    wd, res, text = renders[name]
    assert_take(wd, res, vocals=True)
    words = json.loads((wd / "words.json").read_text(encoding="utf-8"))
    assert [w["word"] for w in words] == _words(text.lyrics)
    assert words, "something must be sung"


def test_markup_and_emoji_are_not_sung(renders):
    sung = {
        w["word"]
        for name in ("emoji", "html")
        for w in json.loads((renders[name][0] / "words.json").read_text())
    }
    assert {"Hello", "world", "sing", "love"} <= sung
    assert not any(ch in "".join(sung) for ch in "<>😀🎉💖🔥🕺&")
    assert not {"script", "alert", "b", "i", "amp"} & sung


def test_long_line_is_split_into_phrases(renders):
    wd, res, _ = renders["long-line"]
    plan = json.loads((wd / "plan.json").read_text())
    lines = [ln for s in plan["sections"] for ln in s["lines"]]
    assert len(lines) >= 6 and all(len(ln.split()) <= 9 for ln in lines)


def test_unknown_tags_become_verses(renders):
    plan = json.loads((renders["unknown-tags"][0] / "plan.json").read_text())
    kinds = {s["label"]: s["kind"] for s in plan["sections"]}
    assert kinds["Spoken Word x2"] == "verse" and kinds["Foo Bar"] == "verse" and kinds["Chorus"] == "chorus"


def test_untuned_language_uses_closest_voice_and_says_so(renders):
    plan = json.loads((renders["russian"][0] / "plan.json").read_text())
    assert plan["language"] == "ru" and plan["espeak_voice"].startswith("ru")
    assert any("closest espeak-ng voice" in n for n in plan["notes"])


def test_negative_style_removes_what_it_names(renders):
    plan = json.loads((renders["negative-style"][0] / "plan.json").read_text())
    assert plan["instruments"]["drums"] is None
    assert plan["instruments"]["bass"] is None


def test_instrumental_follows_duration(renders):
    wd, res, text = renders["instrumental-30s"]
    plan = assert_take(wd, res, vocals=False)
    assert text.lyrics == "" and abs(res.duration - 30.0) <= 6.0
    assert not json.loads((wd / "words.json").read_text())
    assert "instrumental" in plan["notes"]


def test_description_mode_writes_in_its_language(renders):
    assert renders["describe-zh"][2].lyrics and any(
        "\u4e00" <= ch <= "\u9fff" for ch in renders["describe-zh"][2].lyrics
    )
    assert json.loads((renders["describe-zh"][0] / "plan.json").read_text())["language"] == "zh"
    assert json.loads((renders["describe-en"][0] / "plan.json").read_text())["language"] == "en"


@pytest.mark.parametrize("lyrics", ["", "   ", "\n\n\t \n", "\u3000\u00a0"])
def test_empty_lyrics_refused_in_custom_mode(engine, lyrics):
    with pytest.raises(InvalidRequest) as err:
        engine.check(SongRequest(custom_mode=True, lyrics=lyrics, style="pop"))
    assert err.value.field == "lyrics"
