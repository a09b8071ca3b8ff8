"""Time rules for edits of an existing song, the same whoever asks: a point to continue from lies strictly
inside the song; a replaced section lasts at least 10 s and at most half the song (kie's rules); a kept span
lasts at least a second. Only the field names in the messages differ between dialects, so callers pass them.
"""

from __future__ import annotations

from tunesmith.domain.errors import InvalidRequest
from tunesmith.domain.models import Clip
from tunesmith.domain.states import ClipState

MIN_INFILL_SECONDS = 10.0
MAX_INFILL_FRACTION = 0.5
# A crop shorter than this is not a song any dialect could play back usefully.
MIN_CROP_SECONDS = 1.0


def finished(clip: Clip, field: str) -> float:
    """The clip's duration; a clip still rendering (or failed) cannot be edited yet."""
    if clip.state is not ClipState.COMPLETE or not clip.duration:
        raise InvalidRequest(f"The audio {clip.id} is not finished yet", field=field)
    return float(clip.duration)


def check_continue_at(clip: Clip, at: float | None, *, field: str, clip_field: str) -> None:
    """`at` must lie strictly inside the song (None means "from the end")."""
    duration = finished(clip, clip_field)
    if at is None:
        return
    if not 0 < at < duration:
        raise InvalidRequest(
            f"{field} must be greater than 0 and less than the clip's duration "
            f"({duration:.2f} s); got {at:g}",
            field=field,
        )


def check_infill(clip: Clip, start: float, end: float, *, fields: tuple[str, str], clip_field: str) -> None:
    """A replaced span: inside the song, at least 10 s, at most half the song."""
    duration = finished(clip, clip_field)
    _inside(duration, start, end, fields)
    length = end - start
    if length < MIN_INFILL_SECONDS - 1e-9:
        raise InvalidRequest(
            f"The section {fields[0]}..{fields[1]} must last at least "
            f"{MIN_INFILL_SECONDS:g} s; got {length:.2f} s",
            field=fields[1],
        )
    if length > duration * MAX_INFILL_FRACTION + 1e-9:
        most = duration * MAX_INFILL_FRACTION
        raise InvalidRequest(
            f"The section {fields[0]}..{fields[1]} may last at most half the song "
            f"({most:.2f} s of {duration:.2f} s); got {length:.2f} s",
            field=fields[1],
        )


def check_crop(clip: Clip, start: float, end: float, *, fields: tuple[str, str], clip_field: str) -> None:
    """A kept span: inside the song and at least MIN_CROP_SECONDS long."""
    duration = finished(clip, clip_field)
    _inside(duration, start, end, fields)
    if end - start < MIN_CROP_SECONDS:
        raise InvalidRequest(
            f"The kept span {fields[0]}..{fields[1]} must last at least "
            f"{MIN_CROP_SECONDS:g} s; got {end - start:.2f} s",
            field=fields[1],
        )


def _inside(duration: float, start: float, end: float, fields: tuple[str, str]) -> None:
    if start < 0:
        raise InvalidRequest(f"{fields[0]} must be 0 or more; got {start:g}", field=fields[0])
    if end <= start:
        raise InvalidRequest(
            f"{fields[1]} ({end:g}) must be greater than {fields[0]} ({start:g})", field=fields[1]
        )
    if end > duration + 1e-9:
        raise InvalidRequest(
            f"{fields[1]} ({end:g}) is past the end of the clip ({duration:.2f} s)", field=fields[1]
        )
