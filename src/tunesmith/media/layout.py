"""Where each kind of file lives in the media store.

- `pub/<token>/<file name>`: a delivered file (a song's MP3 and cover, a WAV/stems/MIDI/video result).
  Each has its own random token, so no URL leads to another file. Serving it still needs the database's
  record of the delivery (`Store.public_object`): the key alone opens nothing. With
  `TUNESMITH_MEDIA_PUBLIC_URL` a CDN or bucket serves `pub/` directly, so only that prefix may be public.
- `clips/<clip id>/<file name>`: a clip's private files (plan, word timings, MIDI, kept lossless audio).
- `tasks/<task id>/<file name>`: a task's private inputs (an uploaded recording an edit was made from).
- `streams/<clip id>/<attempt>/<n>.mp3`: the pieces of a live stream (media.streams), deleted after the clip
  completes.
Older data directories kept every file under `clips/<clip id>/` and `tasks/<task id>/`; their delivered
files stay where they are and keep their URLs (see media.migrate).
"""

from __future__ import annotations

import secrets

from tunesmith.media.store import check_key

PUBLIC = "pub/"
STREAMS = "streams/"


def new_token() -> str:
    """160 random bits as 40 hex digits: one per delivered file."""
    return secrets.token_hex(20)


def public_key(filename: str) -> str:
    """A fresh key for a delivered file named `filename` (its last path part is kept, e.g. `vocals.wav`)."""
    return check_key(f"{PUBLIC}{new_token()}/{filename.rsplit('/', 1)[-1]}")


def clip_key(clip_id: str, filename: str) -> str:
    return check_key(f"clips/{clip_id}/{filename}")


def task_key(task_id: str, filename: str) -> str:
    return check_key(f"tasks/{task_id}/{filename}")


def stream_prefix(clip_id: str, attempt: int) -> str:
    return f"{check_key(f'{STREAMS}{clip_id}/{max(0, attempt)}')}/"
