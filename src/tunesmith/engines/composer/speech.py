"""espeak-ng through ctypes: speech audio plus the sample position of every word and phoneme.

The singer needs to know where each phoneme lies in the spoken audio so it can stretch vowels and place
consonants on the beat; the command-line tool gives no positions, the library's event callback does.
espeak-ng keeps global state, so calls are serialised with a lock and the library is initialised once.
"""

from __future__ import annotations

import ctypes
import threading
import zlib
from dataclasses import dataclass

import numpy as np

SAMPLE_RATE = 22050
_AUDIO_OUTPUT_SYNCHRONOUS = 2
_INITIALIZE_PHONEME_EVENTS = 0x0001
_EVENT_LIST_TERMINATED = 0
_EVENT_WORD = 1
_EVENT_PHONEME = 7
_POS_CHARACTER = 1
_CHARS_UTF8 = 1


class _EventId(ctypes.Union):
    _fields_ = [("number", ctypes.c_int), ("name", ctypes.c_char_p), ("string", ctypes.c_char * 8)]


class _Event(ctypes.Structure):
    _fields_ = [
        ("type", ctypes.c_int),
        ("unique_identifier", ctypes.c_uint),
        ("text_position", ctypes.c_int),
        ("length", ctypes.c_int),
        ("audio_position", ctypes.c_int),
        ("sample", ctypes.c_int),
        ("user_data", ctypes.c_void_p),
        ("id", _EventId),
    ]


_CALLBACK = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.POINTER(_Event)
)


@dataclass(frozen=True)
class Phoneme:
    name: str  # espeak mnemonic without stress marks, e.g. "aI", "t", "uo51"
    start: int  # sample position in the utterance
    end: int


@dataclass(frozen=True)
class SpokenWord:
    text_pos: int  # 0-based character offset of the word in the input text
    length: int
    phonemes: tuple[Phoneme, ...]


@dataclass(frozen=True)
class Utterance:
    audio: np.ndarray  # float32 mono at SAMPLE_RATE
    words: tuple[SpokenWord, ...]


class _Espeak:
    def __init__(self) -> None:
        self.lib = ctypes.CDLL("libespeak-ng.so.1")
        self.lib.espeak_Initialize.restype = ctypes.c_int
        rate = self.lib.espeak_Initialize(_AUDIO_OUTPUT_SYNCHRONOUS, 200, None, _INITIALIZE_PHONEME_EVENTS)
        if rate <= 0:
            raise RuntimeError("espeak-ng failed to initialise")
        self.lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        self.lib.espeak_Synth.argtypes = [
            ctypes.c_void_p,
            ctypes.c_size_t,
            ctypes.c_uint,
            ctypes.c_int,
            ctypes.c_uint,
            ctypes.c_uint,
            ctypes.POINTER(ctypes.c_uint),
            ctypes.c_void_p,
        ]
        self.lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
        self._chunks: list[np.ndarray] = []
        self._events: list[tuple[int, int, int, int, str]] = []
        self._cb = _CALLBACK(self._on_audio)
        self.lib.espeak_SetSynthCallback(self._cb)
        self.voice = ""
        self.lock = threading.Lock()
        self.libc = ctypes.CDLL(
            None
        )  # espeak-ng draws its pitch jitter from libc rand(): seed it per utterance

    def _on_audio(self, wav, count, events) -> int:  # noqa: ANN001 - ctypes callback
        if count > 0 and wav:
            self._chunks.append(np.ctypeslib.as_array(wav, shape=(count,)).astype(np.float32) / 32768.0)
        i = 0
        while events[i].type != _EVENT_LIST_TERMINATED:
            ev = events[i]
            if ev.type in (_EVENT_WORD, _EVENT_PHONEME):
                name = ev.id.string.decode("utf-8", "replace") if ev.type == _EVENT_PHONEME else ""
                self._events.append((ev.type, ev.sample, ev.text_position, ev.length, name))
            i += 1
        return 0

    def speak(self, text: str, voice: str, rate: int) -> Utterance:
        with self.lock:
            if voice != self.voice:
                if self.lib.espeak_SetVoiceByName(voice.encode()) != 0:
                    raise ValueError(f"espeak-ng has no voice {voice!r}")
                self.voice = voice
            self.lib.espeak_SetParameter(1, rate, 0)  # espeakRATE, words per minute
            self._chunks, self._events = [], []
            data = text.encode("utf-8") + b"\0"
            buf = ctypes.create_string_buffer(data)
            self.libc.srand(ctypes.c_uint(zlib.crc32(data)))
            self.lib.espeak_Synth(buf, len(data), 0, _POS_CHARACTER, 0, _CHARS_UTF8, None, None)
            audio = np.concatenate(self._chunks) if self._chunks else np.zeros(0, np.float32)
            events = list(self._events)
        return Utterance(audio=audio, words=_group_words(events, len(audio), text))


def _group_words(
    events: list[tuple[int, int, int, int, str]], total: int, text: str
) -> tuple[SpokenWord, ...]:
    """Attach each phoneme event to the word event before it; a phoneme ends where the next one starts."""
    words: list[tuple[int, int, list[tuple[str, int]]]] = []
    boundaries = [ev[1] for ev in events if ev[0] == _EVENT_PHONEME] + [total]
    for kind, sample, pos, length, name in events:
        if kind == _EVENT_WORD:
            words.append((_char_offset(text, pos), length, []))
        elif words:
            words[-1][2].append((name, sample))
    out: list[SpokenWord] = []
    starts = sorted(set(boundaries))
    for pos, length, phons in words:
        items: list[Phoneme] = []
        for name, sample in phons:
            later = [b for b in starts if b > sample]
            end = later[0] if later else total
            clean = name.replace("'", "").replace(",", "").strip()
            if clean and clean not in ("_", "_:", "_!", "_^_", "||"):
                items.append(Phoneme(clean, sample, min(end, total)))
        out.append(SpokenWord(pos, length, tuple(items)))
    return tuple(out)


def _char_offset(text: str, pos: int) -> int:
    """espeak reports 1-based positions (in characters with espeakCHARS_UTF8)."""
    return max(0, pos - 1)


_ENGINE: _Espeak | None = None
_ENGINE_LOCK = threading.Lock()


def speak(text: str, voice: str, rate: int = 150) -> Utterance:
    """Synthesize `text` with espeak-ng voice `voice` (e.g. "en-us+f3", "cmn-latn-pinyin")."""
    global _ENGINE
    with _ENGINE_LOCK:
        if _ENGINE is None:
            _ENGINE = _Espeak()
    return _ENGINE.speak(text, voice, rate)
