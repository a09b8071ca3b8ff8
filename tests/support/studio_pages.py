"""What the studio's browser tests share: the axe-core scan for missing names and labels, and screenshots
saved as test artifacts (in $TUNESMITH_TEST_ARTIFACTS, by default build/test-artifacts) at desktop and phone
widths."""

from __future__ import annotations

import os
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

ARTIFACTS = Path(
    os.environ.get("TUNESMITH_TEST_ARTIFACTS") or Path(__file__).parents[2] / "build/test-artifacts"
)
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
# axe-core rules about names and labels: a control, image, link or page without one fails the scan.
NAME_RULES = {
    "label",
    "button-name",
    "link-name",
    "image-alt",
    "select-name",
    "input-button-name",
    "aria-input-field-name",
    "aria-command-name",
    "aria-toggle-field-name",
    "document-title",
    "html-has-lang",
    "label-title-only",
    "form-field-multiple-labels",
}


def scan(page: Page, where: str) -> None:
    """axe-core over the whole page: no control, image or link may lack its accessible name."""
    results = Axe().run(page)
    missing = [
        (v["id"], [node["target"] for node in v["nodes"]])
        for v in results.response["violations"]
        if v["id"] in NAME_RULES
    ]
    assert missing == [], f"{where}: {missing}"


def shoot(page: Page, name: str, at: str | None = None) -> Path:
    """What the musician sees: the viewport, scrolled to the top or to `at`."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"studio-{name}.png"
    if at:
        page.locator(at).evaluate("element => element.scrollIntoView({block: 'start'})")
    else:
        page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(path))
    assert path.stat().st_size > 10_000
    return path
