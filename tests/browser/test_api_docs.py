"""/docs works in a real browser with no internet: Swagger UI's assets come from Tunesmith itself."""

from __future__ import annotations

from tests.support.browser import OfflinePage
from tests.support.harness import ServiceHarness

DIALECT_GROUPS = (
    "kie.ai / sunoapi.org",
    "new-api / GoAmz (Suno task API)",
    "OpenAI chat (songs)",
    "qhaigc",
    "SKU / zeakAi",
    "gcui suno-api",
)


def test_swagger_ui_shows_dialect_groups_and_a_request_example_offline(
    service: ServiceHarness, offline_page: OfflinePage
) -> None:
    page = offline_page.page
    page.goto(f"{service.base_url}/docs")
    offline_page.wait_for(".opblock-tag-section")
    groups = page.locator(".opblock-tag").all_inner_texts()
    for group in DIALECT_GROUPS:
        assert any(text.strip().startswith(group) for text in groups), (group, groups)

    generate = page.locator(".opblock-post").filter(has=page.locator('[data-path="/api/v1/generate"]'))
    generate.locator(".opblock-summary").click()
    example = generate.locator(".body-param__example, .model-example .highlight-code").first
    example.wait_for(timeout=10_000)
    text = example.inner_text()
    assert '"customMode": true' in text and "Walking Home" in text, text
    offline_page.assert_clean()
