"""upload-cover on the composer: a recording's melody and harmony re-arranged and re-sung in a new style.

Input (filled by the runtime, as for upload-extend): `job.source` = the upload as a 44.1 kHz stereo WAV.

The rule:
- The recording is read (ops/recording.py): tempo, bar grid, key, chords per bar and the melody as a pitch
  track. The cover keeps its tempo, bar grid, key and chords (ops/over_recording.py) and plays them with the
  instruments, genre and voice of `request.style` (default "pop").
- Words: `request.lyrics` (custom mode). The composer cannot transcribe the recording's words, so without
  lyrics (description mode) the songwriter writes new ones from `request.description` (plan.json's
  `lyrics_rule` says "new"); an instrumental cover gives the melody to the lead instrument.
- Melody: the words are sung on the recording's own melody notes (`sing_on_melody`), so the cover sings its
  tune (rhythm and contour) whatever the melody writer's seed would have laid out. Of the melody track's notes
  (the voiced ones, melody_track.py), only the stretches (notes with rests under STRETCH_GAP_S) where a
  singer's vibrato is heard on some note are kept when there are such stretches: a lead instrument's intro or
  solo is melody too, but not the tune the voice sang. They are grouped into phrases (a rest of a beat or more
  ends one), without the single notes the track took from another part between two sung ones (more than 7
  semitones below or above both neighbours: the bass under a held note) and, when the recording has a singer,
  without the held notes (0.3 s or more) that have no singer's vibrato (an instrument's: the bass, or a lead
  between verses). The sung lines take them in order: each syllable, one per note, takes a note's onset,
  length and pitch; after a line, the few notes left of its phrase stay unsung and the next line starts at the
  next phrase. Pitches move by whole octaves into the new voice's range (one shift for the whole song, so the
  contour keeps its shape; single notes still outside the range move by an octave; a leap of more than 8
  semitones from the note before is read as the tracker's octave error and folded back). Lines move to the
  sections they now fall in. A recording whose track has no notes keeps the writer's rhythm, each note taking
  the recording's pitch at its time (`follow_melody`). The cover is only as right as the melody track: where
  it reads the bass instead of a low voice in the same register, the cover sings the bass line
  (bench/cover_contour_bench.py measures it).
- Length: the recording's whole bars; words that do not fit are left out (noted in plan.json), as are lines
  left when the recording's phrases run out.
- Two takes, each with its own seed (different instruments where the genre allows).
The cover is a new performance: its stems, MIDI and word timings are the cover's own; nothing of the
recording's sound is in it (a mixed recording cannot be separated into parts).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, cast

import numpy as np

from tunesmith.engines.base import EngineError, EngineJob, ProgressSink, SongText
from tunesmith.engines.composer import artifacts, mastering
from tunesmith.engines.composer.ops import timeline
from tunesmith.engines.composer.ops.add_part import read_checked
from tunesmith.engines.composer.ops.clipio import write_clip
from tunesmith.engines.composer.ops.continuation import placed_midi, render_stems, speak_lines
from tunesmith.engines.composer.ops.melody_track import MelodyNote
from tunesmith.engines.composer.ops.over_recording import grid_start, place, plans_over, style_over
from tunesmith.engines.composer.ops.recording import Reading
from tunesmith.engines.composer.plan import Line, Note, SongPlan
from tunesmith.engines.composer.style import Style
from tunesmith.engines.composer.syllables import SpokenLine

SR = 44100
DEFAULT_LEAD = 80  # GM square lead, when an instrumental cover's style has no lead instrument


def octave_shift(pitches: list[float], low: int, high: int) -> int:
    """The whole-octave shift that puts the median of `pitches` nearest the middle of [low, high]."""
    if not pitches:
        return 0
    mid, med = (low + high) / 2.0, float(np.median(pitches))
    return int(12 * round((mid - med) / 12.0))


# (first beat, last beat) of a plan note -> the source melody's pitch there (fractional MIDI), or None
PitchAt = Callable[[float, float], "float | None"]


def recording_pitch(reading: Reading, t0: float, bpm: float) -> PitchAt:
    """The recording's melody at a plan's beats, when the plan's bar 0 is the recording's time t0."""
    spb = 60.0 / bpm
    return lambda a, b: reading.melody.pitch_at(t0 + a * spb, t0 + b * spb)


def follow_melody(plan: SongPlan, reading: Reading, t0: float, pitch_at: PitchAt | None = None) -> int:
    """Re-pitch the plan's sung notes to the recording's melody (see the module docstring); how many moved.
    `pitch_at` reads the melody at plan beats (default: the recording's, from its time t0 on)."""
    pitch_at = pitch_at or recording_pitch(reading, t0, plan.style.bpm)
    sung = [(ln, i) for ln in plan.lines if ln.sung for i in range(len(ln.notes))]
    found: dict[tuple[int, int], float] = {}
    for ln, i in sung:
        n = ln.notes[i]
        p = pitch_at(n.start, n.start + n.dur)
        if p is not None:
            found[(id(ln), i)] = p
    low, high = plan.vocal_range
    shift = octave_shift(list(found.values()), low, high)
    moved, prev = 0, None
    for ln, i in sung:
        p = found.get((id(ln), i))
        if p is None:
            continue
        q = int(round(p)) + shift
        if prev is not None:  # a leap of more than a sixth is more likely the tracker's octave error
            q += 12 * round((prev - q) / 12.0) if abs(q - prev) > 8 else 0
        while q < low - 2:
            q += 12
        while q > high + 2:
            q -= 12
        ln.notes[i] = replace(ln.notes[i], pitch=q)
        moved, prev = moved + 1, q
    for ln in plan.lines:
        if ln.sung:
            ln.harmony = None  # a second voice written for the old notes would clash
    return moved


MIN_NOTE_S = 0.08  # shorter melody-track notes are the tracker's fragments, not sung notes
PHRASE_GAP_BEATS = 1.0
MIN_SUNG_BEATS = 0.2
LEFTOVER_NOTES = 4
INTRUSION = 7
HELD_S = 0.3  # melody_track.VIBRATO_MIN_S: from this long a sung note shows its vibrato


def melody_phrases(reading: Reading, t0: float, bpm: float, total_beats: float) -> list[list[Note]]:
    """The recording's melody notes in plan beats (bar 0 at time t0), grouped into phrases (a rest of
    PHRASE_GAP_BEATS ends one), each without the notes the track took from another part for a moment
    (`without_intrusions`). Each note's pitch is the median of the track over it."""
    spb = 60.0 / bpm
    phrases: list[list[Note]] = []
    end = -1e9
    for m in sung_stretches(reading.melody.notes):
        start, dur = (m.start_s - t0) / spb, (m.end_s - m.start_s) / spb
        if m.end_s - m.start_s < MIN_NOTE_S or start < 0 or start >= total_beats:
            continue
        if reading.vocals and m.end_s - m.start_s >= HELD_S and not m.vibrato:
            continue  # a held note without a singer's vibrato, in a sung recording: an instrument's
        p = reading.melody.pitch_at(m.start_s, m.end_s)
        note = Note(int(round(p)) if p is not None else m.pitch, start, min(dur, total_beats - start))
        if not phrases or start - end >= PHRASE_GAP_BEATS:
            phrases.append([])
        phrases[-1].append(note)
        end = start + dur
    return [clean for ph in phrases if (clean := without_intrusions(ph))]


STRETCH_GAP_S = 0.5


def sung_stretches(notes: list[MelodyNote]) -> list[MelodyNote]:
    """The notes of the stretches (runs of notes with rests under STRETCH_GAP_S) where a singer's vibrato is
    heard on at least one note; all the notes when none has one."""
    runs: list[list[MelodyNote]] = []
    for m in notes:
        if not runs or m.start_s - runs[-1][-1].end_s >= STRETCH_GAP_S:
            runs.append([])
        runs[-1].append(m)
    sung = [m for run in runs if any(n.vibrato for n in run) for m in run]
    return sung or list(notes)


def without_intrusions(notes: list[Note]) -> list[Note]:
    """The phrase without the notes the track took from another part for a moment: a note more than
    INTRUSION semitones below (or above) both its neighbours is the bass (or a fill) between sung notes."""
    out = list(notes)
    changed = True
    while changed and len(out) >= 3:
        changed = False
        for i in range(1, len(out) - 1):
            a, p, b = out[i - 1].pitch, out[i].pitch, out[i + 1].pitch
            if p < min(a, b) - INTRUSION or p > max(a, b) + INTRUSION:
                del out[i]
                changed = True
                break
    return out


def sing_on_melody(plan: SongPlan, reading: Reading, t0: float) -> int:
    """Sing the plan's lines on the recording's melody notes (see the module docstring); how many notes
    were placed. 0 when the recording has no melody notes (the caller then follows the pitch only)."""
    total = plan.total_bars * plan.bar_beats
    phrases = melody_phrases(reading, t0, plan.style.bpm, total)
    flat = [n for ph in phrases for n in ph]
    if not flat:
        return 0
    starts = [sum(len(ph) for ph in phrases[:k]) for k in range(len(phrases))]
    low, high = plan.vocal_range
    shift = octave_shift([float(n.pitch) for n in flat], low, high)
    pos, placed, dropped, prev_q = 0, 0, 0, None
    last: Line | None = None
    for ln in plan.lines:
        if not ln.sung:
            continue
        if ln.doubled and last is not None and len(ln.notes) == len(last.notes):
            pairs = zip(ln.notes, last.notes, strict=True)
            ln.notes = [replace(n, pitch=o.pitch, start=o.start, dur=o.dur) for n, o in pairs]
            ln.harmony = None
            continue
        if pos + len(ln.notes) > len(flat):
            ln.notes, ln.spoken, ln.harmony = [], None, None  # no tune left to sing it on
            dropped += 1
            continue
        out = []
        for i, n in enumerate(ln.notes):
            src = flat[pos + i]
            nxt = flat[pos + i + 1].start if pos + i + 1 < len(flat) else total
            dur = max(MIN_SUNG_BEATS, min(src.dur, nxt - src.start, total - src.start))
            q = src.pitch + shift
            if prev_q is not None and abs(q - prev_q) > 8:  # more likely the tracker's octave error
                q += 12 * round((prev_q - q) / 12.0)
            while q < low - 2:
                q += 12
            while q > high + 2:
                q -= 12
            out.append(replace(n, pitch=q, start=src.start, dur=dur))
            prev_q = q
        ln.notes, ln.harmony, last = out, None, ln
        placed += len(out)
        pos += len(out)
        nxt = next((k for k in starts if k >= pos), len(flat))
        pos = nxt if nxt - pos <= LEFTOVER_NOTES else pos  # a phrase's few last notes stay unsung
    _regroup(plan)
    if dropped:
        plan.notes.append(f"{dropped} line(s) left out: the recording's melody ran out")
    return placed


def _regroup(plan: SongPlan) -> None:
    """Each line in the section its first note now falls in (word timings are clamped to their section)."""
    for sec in plan.sections:
        sec.lines = []
    for i, ln in enumerate(plan.lines):
        if ln.notes:
            bar = int(ln.notes[0].start // plan.bar_beats)
            ln.section = next(
                (k for k, s in enumerate(plan.sections) if s.start_bar <= bar < s.start_bar + s.bars),
                len(plan.sections) - 1,
            )
        plan.sections[ln.section].lines.append(i)


def melody_lead(plan: SongPlan, reading: Reading, t0: float) -> None:
    """An instrumental cover: the recording's melody notes, played by the lead instrument from bar 0."""
    spb = 60.0 / plan.style.bpm
    notes = [
        Note(
            m.pitch + octave_shift([x.pitch for x in reading.melody.notes], 60, 84),
            (m.start_s - t0) / spb,
            (m.end_s - m.start_s) / spb,
            84,
        )
        for m in reading.melody.notes
        if m.start_s >= t0 and (m.start_s - t0) / spb < plan.total_bars * plan.bar_beats
    ]
    if notes:
        plan.sections[0].lines.append(len(plan.lines))
        plan.lines.append(Line(0, "", (), notes))


@dataclass(frozen=True)
class SungOver:
    """What a song re-made over a recording (upload-cover, mashup) says and how it sounds: its words, the
    style it is played in and where its bar grid starts."""

    title: str
    tags: str
    lyrics: str
    language: str
    style: Style
    t0: float
    spoken: dict[str, SpokenLine] | None
    rule: str  # plan.json's lyrics_rule: "request", "new" (the songwriter's) or "instrumental"

    @property
    def text(self) -> tuple[str, str, str]:
        return self.title, self.tags, self.lyrics

    def plans(self, job: EngineJob, reading: Reading) -> list[SongPlan]:
        """One plan per take over `reading`'s chords and bar grid."""
        return plans_over(
            job,
            reading,
            self.style,
            lyrics=self.lyrics,
            title=self.title,
            language=self.language,
            spoken=self.spoken,
        )


def sung_over(job: EngineJob, sink: ProgressSink, grid: Reading) -> SungOver:
    """The words (the request's, or the songwriter's in description mode) and the style of a song re-made on
    `grid`'s tempo, key and chords; the text is reported as soon as it is known."""
    from tunesmith.engines.composer.engine import _song_text

    req = job.request
    title, tags, lyrics, language = _song_text(req, job.seed, job.options)
    tags = tags.strip() or req.style.strip() or "pop"
    instrumental = req.instrumental or not lyrics.strip()
    lyrics = "" if instrumental else lyrics
    sink.text(SongText(title=title, tags=tags, lyrics=lyrics))
    sink.progress(0.1)
    style = style_over(replace(req, style=tags), grid, job.seed, instrumental=instrumental)
    if instrumental and style.lead is None:
        style = replace(style, lead=DEFAULT_LEAD)
    return SungOver(
        title=title,
        tags=tags,
        lyrics=lyrics,
        language=language,
        style=style,
        t0=grid_start(grid),
        spoken=speak_lines(lyrics, style, language) if lyrics else None,
        rule="instrumental" if instrumental else ("request" if req.custom_mode else "new"),
    )


def run_upload_cover(job: EngineJob, sink: ProgressSink) -> None:
    upload, reading = read_checked(job)
    if not reading.melody.notes:
        raise EngineError("no melody was found in the uploaded audio to cover", retryable=False)
    song = sung_over(job, sink, reading)
    t0 = song.t0
    plans = song.plans(job, reading)
    for plan in plans:
        if song.lyrics:
            placed = sing_on_melody(plan, reading, t0)
            if placed:
                plan.notes.append(f"{placed} sung notes on the recording's melody notes")
            else:
                plan.notes.append(
                    f"{follow_melody(plan, reading, t0)} sung notes follow the recording's pitch"
                )
        else:
            melody_lead(plan, reading, t0)
    n = len(upload)
    history = [
        {
            "op": "upload_cover",
            "source_clip_id": job.source.clip_id if job.source else None,
            "upload_duration_s": round(n / SR, 3),
            "grid_start_s": round(t0, 4),
            "reading": reading.to_json(),
        }
    ]
    render_takes(job, sink, plans, song.style, n=n, t0=t0, history=history, rule=song.rule, text=song.text)


def render_takes(
    job: EngineJob,
    sink: ProgressSink,
    plans: list[SongPlan],
    style: Style,
    *,
    n: int,
    t0: float,
    history: list[dict[str, Any]],
    rule: str,
    text: tuple[str, str, str],
    rebuildable: bool = True,
) -> None:
    """Render each take's plan (bar 0 at clip time t0, n samples long), master it and write its clip, its
    cover drawn for `style`; `text` is (title, tags, lyrics). `rebuildable` False: the runtime keeps the
    lossless files (no rebuild)."""
    from tunesmith.engines.composer import pool

    title, tags, lyrics = text
    executor = pool.get_pool()
    sung = [pool.submit_vocals(p, executor) if lyrics else {} for p in plans]
    for k, (slot, plan) in enumerate(zip(job.clips, plans, strict=True)):
        stems, lead = render_stems(plan, sung[k])
        placed = {name: place(s, t0, n) for name, s in stems.items()}
        mix, gain = mastering.master(cast("np.ndarray", sum(placed.values())))
        piece = (0.0, n / SR, t0)
        pj = plan.to_json()
        pj.update(
            sections=timeline.sections(pj["sections"], piece),
            grid_offset_s=round(t0, 6),
            master_gain=gain,
            history=history,
            lyrics_rule=rule,
        )
        res = write_clip(
            slot.workdir,
            mix=mix,
            stems=placed,
            lead=place(lead, t0, n) if lead is not None else None,
            plan=pj,
            words=timeline.words(artifacts.word_timings(plan), piece),
            midi=placed_midi(plan, piece),
            style=style,
            title=title,
            tags=tags,
            lyrics=lyrics,
        )
        sink.progress(0.1 + 0.9 * (k + 1) / len(job.clips))
        sink.complete(slot.index, res if rebuildable else replace(res, rebuildable=False))
