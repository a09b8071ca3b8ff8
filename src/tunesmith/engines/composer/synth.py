"""FluidSynth rendering of the backing, one stereo output per stem, rendered in time order chunk by chunk.

One synth with three audio groups (MIDI channel % 3 picks the group) renders drums, bass and other in a
single pass, so the stems sum exactly to the backing. FluidSynth's own reverb and chorus are off (the mixer
adds reverb) and output is float, so a render depends only on its events: same plan, same samples.
The SoundFont is loaded once per process.
"""

from __future__ import annotations

import ctypes
import os
import threading

import numpy as np

from tunesmith.engines.composer.arrange import STEMS, Track

SR = 44100
SOUNDFONTS = ("/usr/share/sounds/sf2/FluidR3_GM.sf2", "/usr/share/sounds/sf2/TimGM6mb.sf2")
_lock = threading.Lock()
_synth = None


_SETTINGS = {
    "synth.audio-groups": 3,
    "synth.audio-channels": 3,
    "synth.reverb.active": 0,
    "synth.chorus.active": 0,
    "synth.polyphony": 512,
    "synth.cpu-cores": 1,
}


class _SoundFont:
    """Owns the loaded SoundFont; every render gets a fresh synth sharing it (a used synth keeps DSP state
    that changes the first notes of the next render, which would break same-seed-same-audio)."""

    def __init__(self, path: str) -> None:
        from tunesmith.engines.midi_library import load_pretty_midi

        load_pretty_midi()  # imports fluidsynth without its CI line on stdout
        import fluidsynth

        self.fs = fluidsynth
        lib = fluidsynth._fl
        lib.fluid_set_log_function.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p]
        for level in (2, 3, 4):  # warnings/info/debug: a fresh synth warns about every empty channel
            lib.fluid_set_log_function(level, None, None)
        self.owner = fluidsynth.Synth(gain=0.5, samplerate=float(SR), channels=16, **_SETTINGS)
        self.sfid = self.owner.sfload(path)
        if self.sfid < 0:
            raise RuntimeError(f"cannot load SoundFont {path}")
        lib.fluid_synth_get_sfont_by_id.argtypes = [ctypes.c_void_p, ctypes.c_int]
        lib.fluid_synth_get_sfont_by_id.restype = ctypes.c_void_p
        lib.fluid_synth_add_sfont.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
        lib.fluid_synth_remove_sfont.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
        self.lib = lib
        self.sfont = lib.fluid_synth_get_sfont_by_id(self.owner.synth, self.sfid)
        self.process = lib.fluid_synth_process
        self.process.argtypes = [
            ctypes.c_void_p,
            ctypes.c_int,
            ctypes.c_int,
            ctypes.c_void_p,
            ctypes.c_int,
            ctypes.c_void_p,  # float *out[nout], filled by numpy (see _Synth.render_into)
        ]
        self.process.restype = ctypes.c_int


class _Synth:
    """A fresh synth for one render, playing the shared SoundFont."""

    def __init__(self, font: _SoundFont) -> None:
        self.font = font
        self.s = font.fs.Synth(gain=0.5, samplerate=float(SR), channels=16, **_SETTINGS)
        self.sfid = font.lib.fluid_synth_add_sfont(self.s.synth, font.sfont)
        if self.sfid < 0:
            raise RuntimeError("cannot share the SoundFont with a new synth")

    def close(self) -> None:
        self.font.lib.fluid_synth_remove_sfont(self.s.synth, self.font.sfont)
        self.s.delete()

    def render_into(self, out: np.ndarray, a: int, b: int) -> None:
        """Add samples a..b of the six outputs (L/R of each audio group) to `out[:, a:b]` ((6, n) float32, C
        order; fluid_synth_process mixes into its buffers). The channel pointers are computed by numpy, once
        per 8192 samples: the backing is rendered in thousands of short runs between note events."""
        ptrs = out.ctypes.data + np.arange(6, dtype=np.uintp) * np.uintp(out.strides[0])
        done = a
        while done < b:
            k = min(8192, b - done)
            at = ptrs + np.uintp(done * 4)
            if self.font.process(self.s.synth, k, 0, None, 6, at.ctypes.data) != 0:
                raise RuntimeError("fluid_synth_process failed")
            done += k

    def render(self, n: int) -> np.ndarray:
        """(6, n) float32: L/R of each audio group."""
        out = np.zeros((6, n), dtype=np.float32)
        self.render_into(out, 0, n)
        return out


def load() -> _SoundFont:
    """The process-wide SoundFont (loading it takes ~0.3 s, so it happens once)."""
    global _synth
    with _lock:
        if _synth is None:
            path = next((p for p in SOUNDFONTS if os.path.exists(p)), None)
            if path is None:
                raise RuntimeError("no General MIDI SoundFont found (install fluid-soundfont-gm)")
            _synth = _SoundFont(path)
        return _synth


class BackingRenderer:
    """Renders the backing of one take in time order; call `render_until(t)` repeatedly."""

    def __init__(self, tracks: list[Track]) -> None:
        self.synth = _Synth(load())
        try:
            s = self.synth.s
            events: list[tuple[int, int, int, int, int]] = []  # sample, order, channel, key, velocity
            for tr in tracks:
                if tr.is_drum:
                    s.program_select(tr.channel, self.synth.sfid, 128, tr.program)
                else:
                    s.program_select(tr.channel, self.synth.sfid, 0, tr.program)
                s.cc(tr.channel, 7, tr.volume)
                s.cc(tr.channel, 10, tr.pan)
                for pitch, start, end, vel in tr.notes:
                    a, b = int(round(start * SR)), int(round(end * SR))
                    events.append((a, 1, tr.channel, pitch, vel))
                    events.append((max(b, a + 64), 0, tr.channel, pitch, 0))
                for at, program in tr.changes:  # before any note at the same sample (order -1)
                    events.append((int(round(at * SR)), -1, tr.channel, program, 0))
        except BaseException:
            self.synth.close()
            raise
        events.sort()
        self.events = events
        self.pos = 0
        self.idx = 0

    def render_block(self, t: float) -> np.ndarray:
        """(6, n) float32 from the current position up to `t` seconds: L/R of each stem in `STEMS` order."""
        target = int(round(t * SR))
        start = self.pos
        out = np.zeros((6, max(0, target - start)), np.float32)
        s, synth, events = self.synth.s, self.synth, self.events
        while self.pos < target:
            nxt = events[self.idx][0] if self.idx < len(events) else target
            if nxt <= self.pos:
                _, order, ch, key, vel = events[self.idx]
                if order < 0:
                    s.program_select(ch, synth.sfid, 0, key)
                elif vel:
                    s.noteon(ch, key, vel)
                else:
                    s.noteoff(ch, key)
                self.idx += 1
                continue
            end = min(nxt, target)
            synth.render_into(out, self.pos - start, end - start)
            self.pos = end
        return out

    def render_until(self, t: float) -> dict[str, np.ndarray]:
        """Stems (name -> (n, 2) float32) from the current position up to `t` seconds."""
        block = self.render_block(t)
        return {name: block[2 * i : 2 * i + 2].T.copy() for i, name in enumerate(STEMS)}

    def close(self) -> None:
        if self.synth is not None:
            self.synth.close()
            self.synth = None  # type: ignore[assignment]
