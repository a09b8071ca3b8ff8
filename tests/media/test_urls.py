"""Media URLs: through the API by default; delivered files at a CDN/bucket address when one is set."""

from __future__ import annotations

from tunesmith.media.urls import PublicUrls


def test_delivered_files_link_to_the_api_or_to_the_cdn() -> None:
    api = PublicUrls("https://music.example.com/")
    assert api.media("pub/abc/audio.mp3") == "https://music.example.com/media/pub/abc/audio.mp3"
    assert api.media(None) == "" and api.media("") == ""
    assert api.stream("clip-1") == "https://music.example.com/stream/clip-1"
    cdn = PublicUrls("https://music.example.com", "https://cdn.example.com/tunesmith/")
    assert cdn.media("pub/abc/audio.mp3") == "https://cdn.example.com/tunesmith/pub/abc/audio.mp3"
    # files an older version kept elsewhere are not under the public prefix: the API still serves them
    assert cdn.media("clips/c/audio.mp3") == "https://music.example.com/media/clips/c/audio.mp3"
    assert cdn.stream("clip-1") == "https://music.example.com/stream/clip-1"
