"""Engines turn a SongRequest into audio. Each sits behind the small interface in `base`."""
