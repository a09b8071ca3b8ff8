"""The web studio in a real Chromium (outside network blocked), against the real service over HTTP.

One musician's session, in the order the issue gives it: sign in → create by description → the library
shows the song's states in order → Play while it streams (the <audio> element's currentTime advances) → the
karaoke line follows playback → download the MP3 (it decodes) and order stems (they appear) → extend from
30 s (the new task completes) → a failed task shows its reason → sign out. Every page is scanned with
axe-core for missing labels, the page must log no console error, and screenshots at desktop and phone widths
are saved as artifacts (in $TUNESMITH_TEST_ARTIFACTS, by default build/test-artifacts).

The service runs the tone test double (tests/support/tone_engine.py): the `test:` words in a description
slow its stages down, so the streaming window is wide enough to press Play in, and make the song 36 s long."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import soundfile as sf
from playwright.sync_api import Page, expect

from tests.support.browser import OfflinePage, is_local
from tests.support.harness import ServiceHarness, settings_for_tests
from tests.support.studio_pages import DESKTOP, PHONE, scan, shoot

# Records every data-status each library row takes, in order (rows are re-filled, never re-created).
RECORD_STATES = """() => {
  window.seenStates = {};
  const note = (li) => {
    if (!li.dataset || !li.dataset.task) return;
    const seen = (window.seenStates[li.dataset.task] ||= []);
    if (seen[seen.length - 1] !== li.dataset.status) seen.push(li.dataset.status);
  };
  new MutationObserver((changes) => {
    for (const change of changes) {
      if (change.type === "attributes") note(change.target);
      for (const node of change.addedNodes || []) if (node.nodeType === 1) note(node);
    }
  }).observe(document.getElementById("songs"), { subtree: true, childList: true, attributes: true,
    attributeFilter: ["data-status"] });
}"""


@pytest.fixture(scope="module")
def studio_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServiceHarness]:
    with ServiceHarness(settings_for_tests(tmp_path_factory.mktemp("studio"), workers=2)) as harness:
        yield harness


def row(page: Page, task_id: str):  # type: ignore[no-untyped-def]
    return page.locator(f'#songs li[data-task="{task_id}"]')


def newest_task(page: Page, kind: str | None = None) -> str:
    rows = page.locator("#songs > li")
    if kind:
        rows = rows.filter(has=page.locator(".kind", has_text=kind))
    expect(rows.first).to_be_visible()
    return rows.first.get_attribute("data-task") or ""


def decoded_seconds(content: bytes) -> float:
    samples, rate = sf.read(io.BytesIO(content))
    return len(samples) / rate


def visit_shared_song(page: Page, url: str) -> None:
    """Someone without a key opens the link: the song's page plays, names its controls, says nothing wrong."""
    browser = page.context.browser
    assert browser is not None
    context = browser.new_context()
    context.route("**/*", lambda route: route.continue_() if is_local(route.request.url) else route.abort())
    visitor = context.new_page()
    errors: list[str] = []
    visitor.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    visitor.on("pageerror", lambda error: errors.append(str(error)))
    visitor.set_viewport_size(PHONE)
    visitor.goto(url)
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Test Tone")
    expect(visitor.locator("ol.karaoke li")).to_have_text(["la la la"])
    visitor.get_by_role("button", name="Play").click()
    visitor.wait_for_function("() => document.getElementById('shared-audio').currentTime > 0.5")
    scan(visitor, "shared song")
    shoot(visitor, "shared-phone")
    context.close()
    assert errors == []


def test_a_musician_makes_hears_edits_and_downloads_a_song(
    studio_service: ServiceHarness, offline_page: OfflinePage
) -> None:
    page = offline_page.page
    page.set_viewport_size(DESKTOP)
    key = studio_service.new_key(credits=1000)

    # GET / in a browser leads to the studio, which asks for a key
    page.goto(f"{studio_service.base_url}/")
    assert page.url.endswith("/studio")
    expect(page.get_by_label("API key")).to_be_visible()
    scan(page, "sign-in")
    shoot(page, "signin-desktop")

    page.get_by_label("API key").fill(key)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#account-name")).to_have_text("test")
    expect(page.locator("#account-credits")).to_have_text("1000 credits")
    assert page.evaluate("localStorage.getItem('tunesmith.apiKey')") == key
    page.evaluate(RECORD_STATES)

    # create by description; the library shows it at once, then its states in order
    page.get_by_label("Song description").fill("a calm piano song about the sea test:slow=3 test:seconds=36")
    page.get_by_role("button", name="Create", exact=True).click()
    task_id = newest_task(page)
    song = row(page, task_id)
    expect(song).to_have_attribute("data-status", "FIRST_SUCCESS", timeout=20_000)
    expect(song.locator(".state")).to_have_text("Streaming")
    # the first take streams: Play it now, through the <audio> element, and hear time pass
    song.get_by_role("button", name="Play").first.click()
    assert "/stream/" in page.evaluate("document.getElementById('audio').src")
    page.wait_for_function("() => document.getElementById('audio').currentTime > 0.5", timeout=15_000)
    assert page.evaluate("window.seenStates")[task_id][-1] == "FIRST_SUCCESS"  # still streaming when heard
    expect(song).to_have_attribute("data-status", "SUCCESS", timeout=30_000)
    states = page.evaluate("window.seenStates")[task_id]
    assert states == ["PENDING", "TEXT_SUCCESS", "FIRST_SUCCESS", "SUCCESS"]
    expect(song.locator("button.play")).to_have_count(2)  # both takes playable; the one playing reads Pause
    expect(song.get_by_role("button", name="Pause")).to_have_count(1)
    expect(page.locator("#account-credits")).not_to_have_text("1000 credits")
    scan(page, "library")
    shoot(page, "library-desktop")
    song.get_by_role("button", name="Pause").click()
    assert page.evaluate("document.getElementById('audio').paused")

    # the song page: karaoke follows playback of the finished take
    song.get_by_role("link").first.click()
    expect(page.locator("#song-status")).to_have_text("Done")
    takes = page.locator("#song-takes")
    takes.get_by_role("button", name="Play").first.click()
    page.wait_for_function(
        "() => (a => a.src.includes('/media/') && a.readyState >= 2)(document.getElementById('audio'))"
    )
    karaoke_line = page.locator("#karaoke li", has_text="la la la")
    expect(karaoke_line).to_be_visible()
    page.evaluate("document.getElementById('audio').currentTime = 1")  # before the first word (3.6 s)
    expect(page.locator('#karaoke li[aria-current="true"]')).to_have_count(0)
    page.locator("#waveform").click(position={"x": 200, "y": 20})  # seek by clicking the waveform
    expect(karaoke_line).to_have_attribute("aria-current", "true")
    at = page.evaluate("document.getElementById('audio').currentTime")
    assert at > 3.6, at
    page.wait_for_function("at => document.getElementById('audio').currentTime > at", arg=at + 0.5)

    # downloads: the MP3 decodes to the song's length; ordered stems appear and decode too
    with page.expect_download() as download:
        page.locator("#downloads").get_by_role("link", name="MP3").click()
    mp3 = Path(download.value.path()).read_bytes()
    assert abs(decoded_seconds(mp3) - 36) < 0.2
    page.get_by_role("button", name="Order Stems").click()
    stems = page.locator('#downloads li[data-kind="stems"]')
    expect(stems).to_have_attribute("data-ready", "true", timeout=30_000)
    names = stems.get_by_role("link").all_inner_texts()
    assert set(names) == {"Vocals stem", "Drums stem", "Bass stem", "Other stem"}, names
    vocals = stems.get_by_role("link", name="Vocals stem").get_attribute("href") or ""
    assert abs(decoded_seconds(httpx.get(vocals).content) - 36) < 0.2
    scan(page, "song page")
    shoot(page, "song-desktop")
    page.set_viewport_size(PHONE)
    shoot(page, "song-phone")
    shoot(page, "song-phone-downloads", at="#downloads-title")
    page.set_viewport_size(DESKTOP)

    # share link: a public page anyone opens with no key; once revoked it is gone
    page.get_by_role("button", name="Make share link").click()
    share_url = page.get_by_label("Share link").input_value()
    assert "/studio/share/" in share_url
    visit_shared_song(page, share_url)
    page.get_by_role("button", name="Revoke share link").click()
    expect(page.get_by_role("button", name="Make share link")).to_be_visible()
    assert httpx.get(share_url).status_code == 404

    # replace a section chosen by dragging across the waveform (5.4 s to 18.9 s of 36 s)
    waveform = page.locator("#waveform")
    box = waveform.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] * 0.15, box["y"] + 20)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.525, box["y"] + 20, steps=5)
    page.mouse.up()
    start = float(page.get_by_label("Replace from (seconds)").input_value())
    end = float(page.get_by_label("Replace to (seconds)").input_value())
    assert abs(start - 5.4) < 0.3 and abs(end - 18.9) < 0.3, (start, end)
    page.get_by_label("Lyrics of the new section").fill("New words in the middle")
    page.get_by_role("button", name="Replace section").click()
    expect(page.locator("#actions .action").nth(1).get_by_role("status")).to_contain_text(
        "Replacement submitted"
    )

    # extend from 30 s: a new task that completes, with the rest of the song sung again, longer (6 + 4 s)
    page.get_by_label("Continue from (seconds)").fill("30")
    page.get_by_role("button", name="Extend", exact=True).click()
    extend_note = page.locator("#actions .action").first.get_by_role("status")
    expect(extend_note).to_contain_text("Extension submitted")
    page.get_by_role("link", name="← Library").click()
    extension = row(page, newest_task(page, "Extension"))
    expect(extension).to_have_attribute("data-status", "SUCCESS", timeout=30_000)
    expect(extension.locator(".row-takes li").first).to_contain_text("0:10")
    replaced = row(page, newest_task(page, "Replaced section"))
    expect(replaced).to_have_attribute("data-status", "SUCCESS", timeout=30_000)
    expect(replaced.locator(".row-takes li").first).to_contain_text("0:36")

    # search by title or style
    page.get_by_label("Search songs").fill("no such song")
    expect(page.locator("#songs > li:visible")).to_have_count(0)
    page.get_by_label("Search songs").fill("test tone")
    expect(page.locator("#songs > li:visible")).to_have_count(3)
    page.get_by_label("Search songs").fill("")

    # a failed task says why
    page.get_by_label("Custom").check()
    page.get_by_label("Title").fill("Broken Record")
    page.get_by_label("Style").fill("test:fail")
    page.get_by_role("textbox", name="Lyrics", exact=True).fill("[Verse]\nThis one will not work")
    page.get_by_role("button", name="Create", exact=True).click()
    failed = page.locator("#songs > li", has_text="Broken Record")
    expect(failed.locator(".state")).to_have_text("Failed: the test engine was asked to fail", timeout=20_000)
    expect(failed.get_by_role("button", name="Play")).to_have_count(0)
    scan(page, "library with a failure")
    shoot(page, "library-failed-desktop")
    page.set_viewport_size(PHONE)
    shoot(page, "library-phone", at="#library")

    # sign out: the key leaves the browser
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_label("API key")).to_be_visible()
    assert page.evaluate("localStorage.getItem('tunesmith.apiKey')") is None
    offline_page.assert_clean()


def test_custom_mode_writes_lyrics_makes_a_persona_and_sings_with_it(
    studio_service: ServiceHarness, offline_page: OfflinePage
) -> None:
    page = offline_page.page
    page.set_viewport_size(DESKTOP)
    key = studio_service.new_key(credits=1000)
    page.goto(f"{studio_service.base_url}/studio")
    page.get_by_label("API key").fill(key)
    page.get_by_label("API key").press("Enter")  # the keyboard signs in too
    expect(page.locator("#account-credits")).to_have_text("1000 credits")

    page.get_by_label("Custom").check()
    expect(page.get_by_label("Song description")).to_be_hidden()
    lyrics = page.get_by_role("textbox", name="Lyrics", exact=True)
    page.get_by_role("button", name="[Chorus]").click()
    assert lyrics.input_value() == "[Chorus]\n"
    lyrics.fill("")
    page.get_by_label("Lyrics idea").fill("walking home in the rain")
    page.get_by_role("button", name="Write lyrics for me").click()
    expect(page.locator("#lyrics-status")).to_have_text("Lyrics written.", timeout=30_000)
    written = lyrics.input_value()
    assert "[Verse" in written and "[Chorus" in written and len(written.splitlines()) >= 6, written
    assert page.get_by_label("Title").input_value()  # the lyrics came with a title
    page.get_by_label("Style").fill("pop test:seconds=12")
    page.get_by_role("button", name="Create", exact=True).click()
    song = row(page, newest_task(page))
    expect(song).to_have_attribute("data-status", "SUCCESS", timeout=30_000)
    first_line = next(line for line in written.splitlines() if line.strip() and not line.startswith("["))

    # the song page: its lyrics are the written ones; the waveform seeks from the keyboard
    song.get_by_role("link").first.click()
    expect(page.locator("#karaoke li").first).to_have_text(first_line.strip())
    page.locator("#song-takes").get_by_role("button", name="Play").first.click()
    page.wait_for_function(
        "() => (a => a.src.includes('/media/') && a.readyState >= 2)(document.getElementById('audio'))"
    )
    page.locator("#audio").evaluate("audio => audio.pause()")
    page.locator("#waveform").focus()
    page.keyboard.press("Home")
    page.keyboard.press("ArrowRight")
    assert abs(page.evaluate("document.getElementById('audio').currentTime") - 5) < 0.1
    page.keyboard.press("End")
    assert page.evaluate("document.getElementById('audio').currentTime") > 11

    # make a persona of this take's voice, then sing a new song with it
    page.get_by_label("Persona name").fill("Rainy Alto")
    page.get_by_label("Voice description").fill("a warm, low voice")
    page.get_by_role("button", name="Make persona").click()
    expect(page.locator("#actions .action").nth(2).get_by_role("status")).to_contain_text("Persona")
    page.get_by_role("link", name="← Library").click()
    page.get_by_label("Persona", exact=True).select_option(label="Rainy Alto")
    page.get_by_label("Title").fill("Second Voice")
    page.get_by_role("button", name="Create", exact=True).click()
    second = page.locator("#songs > li", has_text="Second Voice")
    expect(second).to_have_attribute("data-status", "SUCCESS", timeout=30_000)
    task_id = second.get_attribute("data-task")
    with studio_service.client(key) as client:
        record = client.get("/api/v1/generate/record-info", params={"taskId": task_id}).json()["data"]
    personas = page.evaluate("JSON.parse(localStorage.getItem('tunesmith.personas'))")
    assert [p["name"] for p in personas] == ["Rainy Alto"]
    assert json.loads(record["param"])["personaId"] == personas[0]["id"]
    scan(page, "custom mode")
    shoot(page, "custom-desktop")
    offline_page.assert_clean()
