"""Lyrics from an OpenAI-compatible chat model, against a test double of such a server on loopback."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from tests.support.chat_server import (
    RAIN,
    SNOW,
    CannedReply,
    ChatServerForTests,
    completion,
    dead_url,
    songs_json,
)
from tunesmith.engines.composer.songwriter import WrittenSong
from tunesmith.engines.composer.songwriter.chat_model import (
    MAX_LYRICS,
    MAX_TAGS,
    MAX_TITLE,
    SYSTEM,
    ChatLyricsWriter,
    ChatModelError,
    ChatModelUnavailable,
)


@pytest.fixture
def two_songs() -> Iterator[ChatServerForTests]:
    reply = completion(
        songs_json(
            {"title": "First Snow", "tags": "mandopop, tender, piano, 80 bpm, female vocals", "lyrics": SNOW},
            {"title": "Rain Song", "style": "indie folk, acoustic guitar", "lyrics": RAIN},
        )
    )
    with ChatServerForTests(reply) as server:
        yield server


def test_fenced_json_gives_the_variants_as_sent(two_songs: ChatServerForTests) -> None:
    writer = ChatLyricsWriter(two_songs.url, "test-model", "sk-test", timeout=10)
    songs = writer.write_variants("a song about the first snow in Beijing", 2, seed=7)
    assert [s.title for s in songs] == ["First Snow", "Rain Song"]
    assert [s.lyrics for s in songs] == [SNOW, RAIN]
    assert songs[0].tags == "mandopop, tender, piano, 80 bpm, female vocals"
    assert songs[1].tags == "indie folk, acoustic guitar"  # "style" is read as the tags
    assert all(isinstance(s, WrittenSong) and s.language == "en" for s in songs)
    assert "[Verse]" in songs[0].lyrics and "[Chorus]" in songs[0].lyrics and "[Bridge]" in songs[1].lyrics
    assert len(two_songs.requests) == 1


def test_the_request_carries_model_key_and_prompt(two_songs: ChatServerForTests) -> None:
    writer = ChatLyricsWriter(two_songs.url + "/", "test-model", "sk-test", timeout=10)
    writer.write_variants("a song about the first snow in Beijing", 2, seed=7)
    request = two_songs.requests[0]
    assert request["path"] == "/v1/chat/completions"
    assert request["headers"]["Authorization"] == "Bearer sk-test"
    body = request["json"]
    assert body["model"] == "test-model" and body["stream"] is False and body["seed"] == 7
    system, user = body["messages"]
    assert system == {"role": "system", "content": SYSTEM}
    assert "[Verse]" in system["content"] and "[Chorus]" in system["content"] and "JSON" in system["content"]
    assert user["role"] == "user" and "a song about the first snow in Beijing" in user["content"]
    assert "2 different songs" in user["content"]


def test_no_key_no_authorization_header(two_songs: ChatServerForTests) -> None:
    ChatLyricsWriter(two_songs.url, "test-model").write_variants("snow", 2)
    assert "Authorization" not in two_songs.requests[0]["headers"]
    assert "seed" not in two_songs.requests[0]["json"]


def test_plain_json_and_looser_shapes() -> None:
    plain = completion(songs_json({"title": "Rain Song", "tags": "folk", "lyrics": RAIN}, fenced=False))
    with ChatServerForTests(plain) as server:
        song = ChatLyricsWriter(server.url, "m").write_variants("rain", 1)[0]
    assert (song.title, song.lyrics, song.tags) == ("Rain Song", RAIN, "folk")
    # a bare song object after the model's reasoning, lyrics as a list of lines, markdown section headings
    loose = completion(
        '<think>{"not": "this"}</think>Sure: {"title": "\\"Neon\\"", "style": ["synthwave", "dark"], '
        '"lyrics": ["**Verse 1:**", "City lights are burning", "", "", "## Chorus", "Neon in my veins"]}'
    )
    with ChatServerForTests(loose) as server:
        song = ChatLyricsWriter(server.url, "m").write_song("a synthwave song", style_hint="")
    assert song.title == "Neon" and song.tags == "synthwave, dark"
    assert song.lyrics == "[Verse 1]\nCity lights are burning\n\n[Chorus]\nNeon in my veins"


def test_garbage_raises() -> None:
    with ChatServerForTests(completion("I'm sorry, I can't write songs today.")) as server:
        writer = ChatLyricsWriter(server.url, "m", timeout=10)
        with pytest.raises(ChatModelError, match="JSON"):
            writer.write_variants("snow", 2)
        assert 1 < len(server.requests) <= 3  # asked again, but not forever
        with pytest.raises(ChatModelError):
            writer.write_song("snow")
    html = CannedReply(body="<html>not an API</html>")
    with ChatServerForTests(html) as server, pytest.raises(ChatModelError, match="not a chat completion"):
        ChatLyricsWriter(server.url, "m").write_song("snow")


def test_invalid_content_raises() -> None:
    cases = [
        {"title": "Empty", "tags": "pop", "lyrics": ""},
        {"title": "Only Tags", "tags": "pop", "lyrics": "[Verse]\n\n[Chorus]\n(instrumental)\n***"},
        {"title": 12, "tags": {"no": "dict"}, "lyrics": RAIN},
    ]
    for song in cases:
        with ChatServerForTests(completion(songs_json(song))) as server, pytest.raises(ChatModelError):
            ChatLyricsWriter(server.url, "m").write_song("rain")


def test_server_error_raises_without_asking_again() -> None:
    with ChatServerForTests(CannedReply(status=500, body='{"error": "model not loaded"}')) as server:
        with pytest.raises(ChatModelUnavailable, match="HTTP 500.*model not loaded"):
            ChatLyricsWriter(server.url, "m").write_variants("snow", 2)
        assert len(server.requests) == 1


def test_slow_server_times_out() -> None:
    slow = completion(songs_json({"title": "Late", "tags": "pop", "lyrics": RAIN}))
    slow.delay = 3.0
    with ChatServerForTests(slow) as server:
        start = time.monotonic()
        with pytest.raises(ChatModelUnavailable, match="did not answer within 0.5 s"):
            ChatLyricsWriter(server.url, "m", timeout=0.5).write_variants("snow", 2)
        assert time.monotonic() - start < 2.5


def test_dead_server_raises() -> None:
    with pytest.raises(ChatModelUnavailable, match="could not reach"):
        ChatLyricsWriter(dead_url(), "m", timeout=5).write_song("snow")


def test_a_missing_variant_is_asked_for_again() -> None:
    first = completion(
        songs_json({"title": "Rain Song", "tags": "folk", "lyrics": RAIN}, {"title": "Bad", "lyrics": ""})
    )
    second = completion(songs_json({"title": "Rain Song", "tags": "pop", "lyrics": SNOW}))
    with ChatServerForTests(first, second) as server:
        songs = ChatLyricsWriter(server.url, "m").write_variants("rain", 2, seed=3)
        assert [s.lyrics for s in songs] == [RAIN, SNOW]
        assert songs[1].title == "Rain Song 2"  # a repeated title is numbered
        follow_up = server.requests[1]["json"]
        assert "Write 1 song" in follow_up["messages"][1]["content"]
        assert "Rain Song" in follow_up["messages"][1]["content"]  # titles to avoid
        assert follow_up["seed"] == 4


def test_lengths_are_capped() -> None:
    verse = "\n".join(f"line number {i} of a very long song that goes on" for i in range(200))
    long = {"title": "Word " * 40, "tags": ", ".join(f"tag{i}" for i in range(100)), "lyrics": verse}
    with ChatServerForTests(completion(songs_json(long))) as server:
        song = ChatLyricsWriter(server.url, "m").write_song("a long song", style_hint="rock, loud")
    assert 0 < len(song.title) <= MAX_TITLE and not song.title.endswith(" ")
    assert len(song.tags) <= MAX_TAGS and song.tags.startswith("rock, loud, tag0")
    assert len(song.lyrics) <= MAX_LYRICS and song.lyrics.startswith("[Verse]\nline number 0")
    assert song.lyrics.endswith("goes on")  # cut at a line, not inside one


def test_write_song_style_hint_instrumental_and_language() -> None:
    zh = "[主歌]\n雪落在屋顶上\n灯笼在夜里发光\n\n[Chorus]\n北京 今夜抱紧我"
    reply = completion(songs_json({"title": "初雪", "tags": "mandopop, female vocals", "lyrics": zh}))
    with ChatServerForTests(reply) as server:
        writer = ChatLyricsWriter(server.url, "m")
        song = writer.write_song("一首关于北京初雪的歌", style_hint="Mandopop, piano", seed=1)
        assert (song.title, song.language) == ("初雪", "zh")
        assert song.tags == "Mandopop, piano, female vocals"  # the client's style first, each tag once
        assert "雪落在屋顶上" in song.lyrics
        assert "Mandopop, piano" in server.requests[0]["json"]["messages"][1]["content"]
        inst = writer.write_song("a calm piano track", instrumental=True)
        assert inst.lyrics == "" and inst.title == "初雪" and inst.tags.endswith("instrumental")
        assert "instrumental" in server.requests[1]["json"]["messages"][1]["content"]


def test_from_options() -> None:
    assert ChatLyricsWriter.from_options({}) is None
    assert ChatLyricsWriter.from_options({"lyrics_model": {"url": ""}}) is None
    writer = ChatLyricsWriter.from_options(
        {"lyrics_model": {"url": "http://127.0.0.1:11434/v1", "model": "llama3", "key": "sk-x", "timeout": 5}}
    )
    assert writer is not None
    assert writer.endpoint == "http://127.0.0.1:11434/v1/chat/completions"
    assert writer.source == "chat-model:llama3" and writer.timeout == 5.0
    assert "sk-x" not in repr(writer)
