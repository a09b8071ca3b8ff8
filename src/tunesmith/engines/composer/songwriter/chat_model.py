"""Lyrics from an operator-configured, OpenAI-compatible chat model (Ollama, llama.cpp, vLLM, ...).

The offline songwriter stays the fallback: every failure here (connection, timeout, a non-2xx answer, an
answer that is not the JSON asked for, lyrics with nothing to sing) raises ChatModelError, which the callers
catch.

The contract with the model: one `POST {url}/chat/completions` (non-streaming) with a system prompt (SYSTEM,
below) and a user message naming the idea and how many songs to write; the answer's
`choices[0].message.content` must hold JSON, bare or in a ```json fence:

    {"songs": [{"title": "...", "tags": "genre, mood, instruments, tempo, voice", "lyrics": "[Verse]\\n..."}]}

A bare list of songs or a single song object are accepted too, as are `style` for `tags` and a list of lines
for `lyrics`. Titles are cut to 80 characters, tags to 200 and lyrics to 3000 (at a line break): what every
dialect accepts for a song.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import httpx
from pydantic import AliasChoices, BaseModel, ConfigDict, Field, ValidationError, field_validator

from .song import WrittenSong

MAX_TITLE = 80
MAX_TAGS = 200
MAX_LYRICS = 3000
MAX_RESPONSE_BYTES = 1_000_000

SYSTEM = """You are a songwriter. Write original song lyrics for the user's idea.
Rules for the lyrics:
- Mark every section with a tag on its own line: [Verse], [Pre-Chorus], [Chorus], [Bridge] or [Outro] \
(numbered verses such as [Verse 2] are fine), with a blank line between sections.
- Under the tags write only the words to be sung: no chords, no stage directions, no notes, no markdown.
- At most 40 sung lines, short enough to sing in one breath each.
- Write in the language of the user's idea unless the user asks for another.
"title" is a short song title (at most 80 characters). "tags" are comma-separated music style tags: \
genre, mood, instruments, tempo and voice, e.g. "dance pop, upbeat, synth bass, 120 bpm, female vocals" \
(at most 200 characters).
Answer with JSON only, no other text, in exactly this shape:
{"songs": [{"title": "...", "tags": "...", "lyrics": "[Verse]\\n...\\n\\n[Chorus]\\n..."}]}"""

_THINK = re.compile(r"<think>.*?</think>", re.DOTALL | re.IGNORECASE)
_FENCE = re.compile(r"```[a-zA-Z]*\s*\n?(.*?)```", re.DOTALL)
_SECTION_WORDS = (
    r"intro|verse|pre-?chorus|chorus|post-?chorus|hook|refrain|bridge|outro|interlude|instrumental|break"
)
# "[Verse 1]", "**[Chorus]**", "## Bridge", "Verse 2:" -> a tag line
_BRACKET_TAG = re.compile(r"^[\s*_#]*\[\s*([^\[\]]{1,40}?)\s*\][\s*_:]*$")
_BARE_TAG = re.compile(rf"^[\s*_#]*((?:{_SECTION_WORDS})(?:\s*\d+)?)\s*:?[\s*_]*$", re.IGNORECASE)


class ChatModelError(Exception):
    """The chat model could not write usable lyrics; the message says why."""


class ChatModelUnavailable(ChatModelError):
    """The model's server could not be reached, failed (non-2xx) or ran out of time: asking again in the
    same task cannot help."""


class _Song(BaseModel):
    """One song as the model answered it, before cleaning."""

    model_config = ConfigDict(extra="ignore")

    title: str = ""
    tags: str = Field("", validation_alias=AliasChoices("tags", "style", "styles"))
    lyrics: str = Field("", validation_alias=AliasChoices("lyrics", "text", "lyric"))

    @field_validator("title", "tags", "lyrics", mode="before")
    @classmethod
    def _text(cls, value: Any, info: Any) -> Any:
        if value is None:
            return ""
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return ("\n" if info.field_name == "lyrics" else ", ").join(value)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        return value


class ChatLyricsWriter:
    """Writes lyrics with a chat model; `source` names it for logs and results ("chat-model:<model>")."""

    def __init__(self, url: str, model: str, key: str = "", timeout: float = 60.0) -> None:
        url = url.strip().rstrip("/")
        if not url:
            raise ValueError("the lyrics model needs a URL")
        self.endpoint = url if url.endswith("/chat/completions") else f"{url}/chat/completions"
        self.model = model.strip()
        self.key = key
        self.timeout = max(0.1, float(timeout))

    @classmethod
    def from_options(cls, options: Mapping[str, Any] | None) -> ChatLyricsWriter | None:
        """The writer configured in an EngineJob's options (`options["lyrics_model"]`), or None."""
        conf = (options or {}).get("lyrics_model")
        if not isinstance(conf, Mapping) or not str(conf.get("url") or "").strip():
            return None
        return cls(
            str(conf["url"]),
            str(conf.get("model") or ""),
            str(conf.get("key") or ""),
            float(conf.get("timeout") or 60.0),
        )

    @property
    def source(self) -> str:
        return f"chat-model:{self.model or 'default'}"

    def __repr__(self) -> str:  # never the key
        return f"ChatLyricsWriter({self.endpoint!r}, model={self.model!r}, timeout={self.timeout:g})"

    # ── what the callers use ──────────────────────────────────────────────────────────────────────────
    def write_variants(
        self, prompt: str, count: int = 2, language_hint: str | None = None, *, seed: int | None = None
    ) -> list[WrittenSong]:
        """`count` (1–4) different lyric sheets for a one-line idea, each with its own title; raises
        ChatModelError unless the model wrote that many usable ones within the timeout."""
        count = max(1, min(4, count))
        idea = prompt.strip()
        if not idea:
            raise ChatModelError("the lyrics prompt is empty")
        deadline = time.monotonic() + self.timeout
        songs: list[WrittenSong] = []
        problems: list[str] = []
        ask = count
        for attempt in range(count + 1):  # one request for all, then one per song still missing
            user = _user_message(idea, ask, language_hint=language_hint, avoid=[s.title for s in songs])
            try:
                answer = self._complete(user, deadline, None if seed is None else seed + attempt)
                for item in _songs_in(answer):
                    if len(songs) < count:
                        _add_distinct(songs, item)
            except ChatModelUnavailable:
                raise
            except ChatModelError as exc:  # an answer we could not use: ask again while there is time
                problems.append(str(exc))
            if len(songs) >= count:
                return songs
            ask = 1
        why = f" ({problems[-1]})" if problems else ""
        raise ChatModelError(f"the model wrote {len(songs)} usable lyric sheets of {count}{why}")

    def write_song(
        self, description: str, instrumental: bool = False, style_hint: str = "", *, seed: int | None = None
    ) -> WrittenSong:
        """A title, style tags and lyrics for a song description (description mode), like the songwriter's
        write_song: the client's style hint comes first in the tags; an instrumental has no lyrics."""
        from .brief import read_brief
        from .language import detect_language
        from .textutil import clean

        idea = description.strip()
        hint = style_hint.strip()
        if not idea and not hint:
            raise ChatModelError("the song description is empty")
        instrumental = instrumental or read_brief(clean(idea), clean(hint)).instrumental
        user = _user_message(idea or hint, 1, style_hint=hint, instrumental=instrumental)
        deadline = time.monotonic() + self.timeout
        song: _Song | None = None
        problem = ""
        for item in _songs_in(self._complete(user, deadline, seed)):
            try:
                song = _clean_song(item, instrumental=instrumental)
                break
            except ChatModelError as exc:
                problem = str(exc)
        if song is None:
            raise ChatModelError(problem or "the lyrics model wrote no usable song")
        tags = _merge_tags(hint, song.tags, instrumental=instrumental)
        if not tags:
            raise ChatModelError("the model gave no style tags")
        language = detect_language(song.lyrics or idea) if (song.lyrics or idea).strip() else "en"
        return WrittenSong(title=song.title, tags=tags, lyrics=song.lyrics, language=language)

    # ── the request ───────────────────────────────────────────────────────────────────────────────────
    def _complete(self, user: str, deadline: float, seed: int | None) -> Any:
        """POST one chat completion; the JSON the answer's content holds."""
        body: dict[str, Any] = {
            "model": self.model,
            "messages": [{"role": "system", "content": SYSTEM}, {"role": "user", "content": user}],
            "stream": False,
        }
        if seed is not None:
            body["seed"] = int(seed) % 2**31
        headers = {"Accept": "application/json"}
        if self.key:
            headers["Authorization"] = f"Bearer {self.key}"
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise ChatModelUnavailable(f"the lyrics model did not answer within {self.timeout:g} s")
        try:
            with (
                httpx.Client(timeout=httpx.Timeout(remaining)) as client,
                client.stream("POST", self.endpoint, json=body, headers=headers) as reply,
            ):
                raw = bytearray()
                for chunk in reply.iter_bytes():
                    raw += chunk
                    if len(raw) > MAX_RESPONSE_BYTES:
                        raise ChatModelError(f"the lyrics model's answer is over {MAX_RESPONSE_BYTES} bytes")
                    if time.monotonic() > deadline:
                        raise httpx.ReadTimeout("deadline")
                status = reply.status_code
        except httpx.TimeoutException as exc:
            raise ChatModelUnavailable(f"the lyrics model did not answer within {self.timeout:g} s") from exc
        except httpx.HTTPError as exc:
            raise ChatModelUnavailable(f"could not reach the lyrics model at {self.endpoint}: {exc}") from exc
        text = raw.decode("utf-8", "replace")
        if not 200 <= status < 300:
            raise ChatModelUnavailable(f"the lyrics model answered HTTP {status}: {_snippet(text)}")
        try:
            content = json.loads(text)["choices"][0]["message"]["content"]
        except (ValueError, KeyError, IndexError, TypeError) as exc:
            raise ChatModelError(f"not a chat completion: {_snippet(text)}") from exc
        if isinstance(content, list):  # content parts
            content = "".join(p.get("text", "") for p in content if isinstance(p, dict))
        if not isinstance(content, str) or not content.strip():
            raise ChatModelError("the lyrics model answered with no content")
        return _json_in(content)


# ── the prompt ────────────────────────────────────────────────────────────────────────────────────────
def _user_message(
    idea: str,
    count: int,
    *,
    language_hint: str | None = None,
    style_hint: str = "",
    instrumental: bool = False,
    avoid: list[str] | None = None,
) -> str:
    songs = "1 song" if count == 1 else f"{count} different songs (different titles and lyrics)"
    lines = [f"Write {songs} for this idea: {idea}"]
    if style_hint:
        lines.append(f"Musical style to use (put it first in the tags): {style_hint}")
    if language_hint:
        lines.append(f"Write the lyrics in this language: {language_hint}")
    if instrumental:
        lines.append('This is an instrumental: leave "lyrics" empty and give only a title and the tags.')
    if avoid:
        lines.append("Do not reuse these titles: " + "; ".join(avoid))
    lines.append(f'Answer with JSON only: {{"songs": [...]}} with exactly {count} item{"s" * (count != 1)}.')
    return "\n".join(lines)


# ── reading the answer ────────────────────────────────────────────────────────────────────────────────
def _snippet(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text[:limit] + ("…" if len(text) > limit else "")


def _json_in(content: str) -> Any:
    """The JSON value in a model's answer: in a ``` fence, the whole text, or the first object or list."""
    text = _THINK.sub("", content).strip()
    candidates = [m.group(1).strip() for m in _FENCE.finditer(text)] + [text]
    for candidate in candidates:
        try:
            return json.loads(candidate)
        except ValueError:
            pass
    decoder = json.JSONDecoder()
    for match in re.finditer(r"[{\[]", text):
        try:
            value, _ = decoder.raw_decode(text, match.start())
        except ValueError:
            continue
        if isinstance(value, dict | list) and value:
            return value
    raise ChatModelError(f"the lyrics model did not answer with JSON: {_snippet(content)}")


def _songs_in(answer: Any) -> list[_Song]:
    """The song objects of an answer; raises ChatModelError when there are none."""
    items: Any = answer
    if isinstance(answer, dict):
        for key in ("songs", "variants", "results", "lyrics"):
            value = answer.get(key)
            if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
                items = value
                break
        else:
            items = [answer]
    if not isinstance(items, list):
        raise ChatModelError("the lyrics model's JSON holds no songs")
    songs = []
    for item in items:
        if not isinstance(item, dict):
            continue
        try:
            songs.append(_Song.model_validate(item))
        except ValidationError:
            continue
    if not songs:
        raise ChatModelError(f"the lyrics model's JSON holds no songs: {_snippet(json.dumps(answer))}")
    return songs


def _add_distinct(songs: list[WrittenSong], item: _Song) -> None:
    """Add a usable, new lyric sheet; a repeated title gets a number."""
    from .language import detect_language

    try:
        song = _clean_song(item, instrumental=False)
    except ChatModelError:
        return
    if any(song.lyrics == s.lyrics for s in songs):
        return
    title = song.title
    if any(title.lower() == s.title.lower() for s in songs):
        title = f"{title[: MAX_TITLE - 3].rstrip()} {len(songs) + 1}"
    tags = _merge_tags("", song.tags, instrumental=False)
    language = detect_language(song.lyrics)
    songs.append(WrittenSong(title=title, tags=tags, lyrics=song.lyrics, language=language))


def _clean_song(item: _Song, *, instrumental: bool) -> _Song:
    """Tidy a song's fields and check they can be sung; raises ChatModelError."""
    lyrics = "" if instrumental else clean_lyrics(item.lyrics)
    if not instrumental and not lyrics:
        raise ChatModelError("the lyrics model wrote no singable lyrics")
    title = _clean_title(item.title)
    if not title and lyrics:
        title = _clean_title(next(line for line in _sung_lines(lyrics)))
    if not title:
        raise ChatModelError("the lyrics model gave no title")
    return _Song(title=title, tags=item.tags, lyrics=lyrics)


def _clean_title(title: str) -> str:
    title = " ".join(title.split()).strip(" \"'“”‘’*_#`")
    if len(title) > MAX_TITLE:
        cut = title[:MAX_TITLE]
        title = cut.rsplit(" ", 1)[0] if " " in cut[MAX_TITLE // 2 :] else cut
    return title.strip(" ,;:-")


def _merge_tags(hint: str, tags: str, *, instrumental: bool) -> str:
    """The hint's tags, then the model's, each once (case-insensitively), within MAX_TAGS characters."""
    out: list[str] = []
    seen: set[str] = set()
    extra = ["instrumental"] if instrumental else []
    for tag in [*re.split(r"[,;\n]", hint), *re.split(r"[,;\n]", tags), *extra]:
        tag = " ".join(tag.split()).strip(" #*\"'.")
        if not tag or tag.lower() in seen or len(tag) > MAX_TAGS:
            continue
        if len(", ".join([*out, tag])) > MAX_TAGS:
            continue
        seen.add(tag.lower())
        out.append(tag)
    return ", ".join(out)


def _sung_lines(lyrics: str) -> list[str]:
    from tunesmith.engines.composer.lyrics import parse_lyrics, tokens

    return [line for sec in parse_lyrics(lyrics) for line in sec.lines if tokens(line)]


def clean_lyrics(text: str) -> str:
    """Lyrics with [Section] tag lines ("Verse 2:" and "**[Chorus]**" become "[Verse 2]" and "[Chorus]"),
    no markdown fences, at most one blank line in a row and at most MAX_LYRICS characters (cut at a line);
    "" when nothing in them can be sung."""
    lines: list[str] = []
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = raw.strip()
        if line.startswith("```"):
            continue
        tag = _BRACKET_TAG.match(line) or _BARE_TAG.match(line)
        if tag:
            label = " ".join(tag.group(1).split())
            line = f"[{label[:1].upper()}{label[1:]}]"
            if lines and lines[-1]:
                lines.append("")
        if not line and (not lines or not lines[-1]):
            continue
        lines.append(line)
    while lines and not lines[-1]:
        lines.pop()
    if lines and not lines[0].startswith("["):
        lines.insert(0, "[Verse]")
    kept: list[str] = []
    size = 0
    for line in lines:
        if size + len(line) + 1 > MAX_LYRICS:
            break
        kept.append(line)
        size += len(line) + 1
    while kept and (not kept[-1] or _BRACKET_TAG.match(kept[-1])):  # no empty section at the end
        kept.pop()
    lyrics = "\n".join(kept)
    return lyrics if _sung_lines(lyrics) else ""


Answer = TypeVar("Answer")
log = logging.getLogger(__name__)


def ask_model(
    options: Mapping[str, Any] | None,
    ask: Callable[[ChatLyricsWriter], Answer],
    *,
    what: str,
    context: str = "",
) -> tuple[Answer, str] | None:
    """`ask` the operator's chat model (`options["lyrics_model"]`): its answer and the model's name; None
    without a model, or when it failed (logged), so that the offline songwriter writes `what` instead and a
    dead model never fails a task. `context` prefixes the log lines (e.g. the task)."""
    try:
        writer = ChatLyricsWriter.from_options(options)
        if writer is None:
            return None
        answer = ask(writer)
    except ChatModelError as exc:
        log.warning("%s%s; the songwriter writes %s instead", context, exc, what)
        return None
    except Exception:  # noqa: BLE001 - a misconfigured model or a fault in its client must not fail the task
        log.exception("%sthe lyrics model failed; the songwriter writes %s instead", context, what)
        return None
    log.info("%s%s by %s", context, what, writer.source)
    return answer, writer.source
