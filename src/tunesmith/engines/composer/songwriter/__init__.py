"""The composer's songwriter: titles, style tags and rhymed lyrics from a one-line idea, offline.

write_song("a groovy dance song about writing a face-melting guitar solo", seed=1)
write_lyrics_variants("一首关于春天的歌", count=2)
"""

from __future__ import annotations

from .song import WrittenSong, write_lyrics_variants, write_song

__all__ = ["WrittenSong", "write_lyrics_variants", "write_song"]
