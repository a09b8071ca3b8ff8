"""Lyrics from an OpenAI-compatible chat model, against a test double of such a server on loopback."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

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

SNOW = "[Verse]\nFirst snow on the hutong roofs\nLanterns glow in white\n\n[Chorus]\nBeijing, hold me tonight"
RAIN = "[Verse]\nRain on the window pane\nI hear your name\n\n[Bridge]\nAnd the night comes down"


@dataclass
class CannedReply:
    """One answer of the test double: an HTTP status, a body, and how long to wait before sending it."""

    status: int = 200
    body: str = ""
    delay: float = 0.0


def completion(content: str, model: str = "test-model") -> CannedReply:
    """An OpenAI chat completion whose message says `content`."""
    return CannedReply(
        body=json.dumps(
            {
                "id": "chatcmpl-test",
                "object": "chat.completion",
                "model": model,
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": content},
                        "finish_reason": "stop",
                    }
                ],
            }
        )
    )


def songs_json(*songs: dict[str, Any], fenced: bool = True) -> str:
    text = json.dumps({"songs": list(songs)}, ensure_ascii=False, indent=2)
    return f"Here are your songs!\n```json\n{text}\n```\nEnjoy." if fenced else text


class ChatServerForTests:
    """A test double of an OpenAI-compatible chat server (Ollama, vLLM...) on 127.0.0.1: answers
    `POST /v1/chat/completions` with the canned replies in order (the last one repeats) and records every
    request (path, headers, JSON body)."""

    def __init__(self, *replies: CannedReply) -> None:
        self.replies = list(replies) or [CannedReply(status=500, body="no reply set")]
        self.requests: list[dict[str, Any]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                server.requests.append(
                    {"path": self.path, "headers": dict(self.headers), "json": json.loads(raw or b"null")}
                )
                reply = server.replies[min(len(server.requests), len(server.replies)) - 1]
                if reply.delay:
                    time.sleep(reply.delay)
                data = reply.body.encode()
                try:
                    self.send_response(reply.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:
                    pass  # the client gave up (timeout tests)

            def log_message(self, *args: Any) -> None:
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._httpd.block_on_close = False
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,), daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/v1"

    def options(self, *, model: str = "test-model", key: str = "", timeout: float = 10.0) -> dict[str, Any]:
        """EngineJob.options pointing at this server."""
        return {"lyrics_model": {"url": self.url, "model": model, "key": key, "timeout": timeout}}

    def __enter__(self) -> ChatServerForTests:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


def dead_url() -> str:
    """A loopback URL nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"


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
