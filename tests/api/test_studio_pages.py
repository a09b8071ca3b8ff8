"""The studio's pages as HTTP sees them: GET / leads to /studio, the shell names its controls and loads
only its own scripts (a strict Content-Security-Policy), the static files are served, and every file of the
studio is package data (so an installed Tunesmith has them)."""

from __future__ import annotations

import fnmatch
import tomllib
from pathlib import Path

from tests.support.harness import ServiceHarness
from tunesmith import webstudio

ROOT = Path(__file__).parents[2]


def test_root_leads_to_the_studio_and_the_shell_is_strict(service: ServiceHarness) -> None:
    with service.client() as client:
        home = client.get("/", follow_redirects=False)
        assert home.status_code == 307 and home.headers["location"] == "/studio"
        page = client.get("/studio")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    policy = page.headers["content-security-policy"]
    assert "script-src 'self';" in policy and "frame-ancestors 'none'" in policy
    assert f"media-src 'self' {service.base_url};" in policy  # media URLs are the public URL's
    html = page.text
    for label in (
        '<label for="api-key">API key</label>',
        '<label for="description">Song description</label>',
    ):
        assert label in html
    assert '<button type="submit" id="create-button" class="primary">Create</button>' in html
    assert "http://" not in html.replace(service.base_url, "") and "https://" not in html  # no CDN
    assert "<script>" not in html and "style=" not in html  # nothing inline


def test_static_files_are_served_with_their_types(service: ServiceHarness) -> None:
    with service.client() as client:
        script = client.get("/studio/static/js/main.js")
        style = client.get("/studio/static/studio.css")
        missing = client.get("/studio/static/js/nope.js")
    assert script.status_code == 200 and "javascript" in script.headers["content-type"]
    assert 'from "./api.js"' in script.text
    assert style.status_code == 200 and style.headers["content-type"].startswith("text/css")
    assert missing.status_code == 404


def test_every_studio_file_is_package_data() -> None:
    globs = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    package = Path(webstudio.__file__).parent
    shipped = [
        p for p in package.rglob("*") if p.is_file() and p.suffix != ".py" and "__pycache__" not in p.parts
    ]
    assert shipped
    for path in shipped:
        relative = path.relative_to(package.parent).as_posix()
        assert any(fnmatch.fnmatch(relative, pattern) for pattern in globs["tunesmith"]), relative
