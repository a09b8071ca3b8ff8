"""The studio with the real composer (no test double): a short custom song is made from the browser, plays,
and its karaoke lights each of its lines at the composer's own word timings. Slow: it renders a
real song."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from tests.support.browser import OfflinePage
from tests.support.harness import ServiceHarness, composer_settings
from tests.support.studio_pages import DESKTOP, scan

pytestmark = pytest.mark.slow

LINES = ("Harbour lights are calling me home", "Sing me back along the coast")


@pytest.fixture(scope="module")
def composer_studio(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServiceHarness]:
    with ServiceHarness(composer_settings(tmp_path_factory.mktemp("studio-composer"))) as harness:
        yield harness


def test_a_composer_song_sings_its_lines_in_the_karaoke(
    composer_studio: ServiceHarness, offline_page: OfflinePage
) -> None:
    page = offline_page.page
    page.set_viewport_size(DESKTOP)
    key = composer_studio.new_key(credits=100)
    page.goto(f"{composer_studio.base_url}/")
    page.get_by_label("API key").fill(key)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Custom").check()
    page.get_by_label("Model").select_option("V5_5")
    page.get_by_label("Title").fill("Harbour Lights")
    page.get_by_label("Style").fill("folk pop, acoustic guitar, 100 bpm, female vocals")
    page.get_by_role("textbox", name="Lyrics", exact=True).fill(f"[Verse]\n{LINES[0]}\n[Chorus]\n{LINES[1]}")
    page.get_by_label("Length (seconds)").fill("20")
    page.get_by_role("button", name="Create", exact=True).click()
    song = page.locator("#songs > li").first
    expect(song).to_have_attribute("data-status", "SUCCESS", timeout=420_000)
    task_id = song.get_attribute("data-task")

    song.get_by_role("link").first.click()
    expect(page.locator("#karaoke li")).to_have_text(list(LINES))
    page.locator("#song-takes").get_by_role("button", name="Play").first.click()
    page.wait_for_function(
        "() => (a => a.src.includes('/media/') && a.readyState >= 2)(document.getElementById('audio'))"
    )
    with composer_studio.client(key) as client:
        record = client.get("/api/v1/generate/record-info", params={"taskId": task_id}).json()["data"]
        clip = record["response"]["sunoData"][0]
        words = client.post(
            "/api/v1/generate/get-timestamped-lyrics", json={"taskId": task_id, "audioId": clip["id"]}
        ).json()["data"]["alignedWords"]
    # where the composer starts singing each line: the word that begins it, in order (both lines are sung)
    sung, at = [], 0
    for line in LINES:
        first = line.split()[0].lower()
        found = next(
            (i for i in range(at, len(words)) if words[i]["word"].strip(" ,").lower() == first), None
        )
        assert found is not None, (line, words)
        sung.append((line, words[found]["startS"]))
        at = found + len(line.split())
    for line, start in sung:
        page.evaluate(
            "at => { const a = document.getElementById('audio'); a.pause(); a.currentTime = at; }",
            start + 0.05,
        )
        expect(page.locator('#karaoke li[aria-current="true"]')).to_have_text(line)
    if sung[0][1] > 1:  # before the singing starts, no line is lit
        page.evaluate("at => { document.getElementById('audio').currentTime = at; }", sung[0][1] / 2)
        expect(page.locator('#karaoke li[aria-current="true"]')).to_have_count(0)
    scan(page, "composer song page")
    offline_page.assert_clean()
