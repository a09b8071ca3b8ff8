"""The policy object on its own: which texts each part judges, stripping artist names, and a list edited
while the service runs."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from tests.support.harness import ServiceHarness, settings_for_tests
from tunesmith.domain.errors import ContentRefused
from tunesmith.domain.operations import SongRequest
from tunesmith.policy.check import ContentPolicy, Finding, tidy
from tunesmith.policy.requests import review_request, review_written
from tunesmith.policy.terms import watch_list


def _policy(tmp_path: Path, *, words: str = "", artists: str = "", action: str = "refuse") -> ContentPolicy:
    (tmp_path / "words.txt").write_text(words, encoding="utf-8")
    (tmp_path / "artists.txt").write_text(artists, encoding="utf-8")
    return ContentPolicy(
        blocklist=watch_list(tmp_path / "words.txt"),
        artists=watch_list(tmp_path / "artists.txt", by_sound=False),
        artist_action=action,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize(
    ("style", "left"),
    [
        ("pop, in the style of Taylor Swift, upbeat", "pop, upbeat"),
        ("sounds like Drake with trap hats", "with trap hats"),
        ("lofi, Drake-style drums", "lofi, drums"),
        ("synthwave inspired by DRAKE", "synthwave"),
        ("a la Drake; mellow", "mellow"),
        ("drakes and ducks", "drakes and ducks"),  # not the name: left alone
    ],
)
def test_stripping_takes_the_name_and_the_words_asking_for_its_sound(
    tmp_path: Path, style: str, left: str
) -> None:
    policy = _policy(tmp_path, artists="Taylor Swift\nDrake\n", action="strip")
    stripped, removed = policy.strip_artists(style, "style")
    assert stripped == left
    assert bool(removed) == (left != style)


def test_a_negative_style_may_name_an_artist_but_not_a_term(tmp_path: Path) -> None:
    policy = _policy(tmp_path, words="[style]\ngrimbly\n", artists="Drake\n")
    fine = SongRequest(style="pop", negative_style="no Drake please")
    assert review_request(policy, fine, who="test") == fine
    with pytest.raises(ContentRefused) as refused:
        review_request(policy, SongRequest(style="pop", negative_style="grimbly"), who="test")
    assert refused.value.field == "negative_style"
    with pytest.raises(ContentRefused, match="The style contains a protected artist name"):
        review_request(policy, SongRequest(style="Drake vibes"), who="test")


def test_only_what_an_engine_wrote_is_reviewed_after_submit(tmp_path: Path) -> None:
    policy = _policy(tmp_path, words="snarkle\n")
    asked = SongRequest(lyrics="[Verse]\nla", title="Snarkle")  # (as if the list changed after submit)
    assert review_written(policy, asked, title="Snarkle", tags="pop", lyrics="[Verse]\nla") is None
    found = review_written(policy, asked, title="Snarkle", tags="pop", lyrics="[Verse]\nsnarkle!")
    assert found == Finding("lyrics", "blocklist", "snarkle")


def test_messages_name_the_field_never_the_term() -> None:
    finding = Finding("lyrics", "blocklist", "snarkle")
    assert (
        finding.public_message()
        == "The lyrics contain a term this service does not allow; change it and try again"
    )
    assert "snarkle" in finding.operator_line()
    assert Finding("title", "artist", "Drake").public_message().startswith("The title contains a protected")


def test_tidy_leaves_a_clean_style_list() -> None:
    assert tidy(" pop,, , upbeat ;  piano -") == "pop, upbeat, piano"


def test_an_edited_list_applies_without_a_restart(tmp_path: Path) -> None:
    words = tmp_path / "words.txt"
    words.write_text("snarkle\n", encoding="utf-8")
    with ServiceHarness(settings_for_tests(tmp_path, blocklist_file=words), with_worker=False) as service:
        body = {"customMode": True, "instrumental": False, "model": "V4_5", "style": "pop", "title": "Hi"}
        with service.client(service.new_key()) as client:
            first = client.post("/api/v1/generate", json={**body, "prompt": "[Verse]\nblorp"})
            assert first.status_code == 200, first.text
            stamp = words.stat().st_mtime_ns + 2_000_000_000
            words.write_text("snarkle\nblorp\n", encoding="utf-8")
            os.utime(words, ns=(stamp, stamp))
            time.sleep(1.1)  # lists are looked at again at most once a second
            second = client.post("/api/v1/generate", json={**body, "prompt": "[Verse]\nblorp"})
            assert second.status_code == 400 and second.json()["code"] == 400, second.text
