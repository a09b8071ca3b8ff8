"""The OpenAPI document at /docs lists every route, grouped by dialect, with request examples."""

from __future__ import annotations

import re

import pytest
from starlette.routing import Route

from tests.support.inprocess import InProcessService
from tunesmith.webstudio.routes import PAGES


@pytest.fixture(scope="module")
def service(fast_service: InProcessService) -> InProcessService:
    """What each request answers: the in-process service serves this module (tests.support.inprocess)."""
    return fast_service


# Pages for browsers, not API operations: the docs and the web studio.
DOCS_ROUTES = {"/openapi.json", "/docs", "/docs/oauth2-redirect", *PAGES}


def test_every_route_is_documented_under_a_dialect_tag(service: InProcessService) -> None:
    with service.client() as client:
        spec = client.get("/openapi.json").json()
        assert client.get("/docs").status_code == 200
    documented = {(path, method.upper()) for path, item in spec["paths"].items() for method in item}
    served = {
        (route.path.replace("{key:path}", "{key}"), method)
        for route in service.app.routes
        if isinstance(route, Route) and route.path not in DOCS_ROUTES and "test-only" not in route.path
        for method in (route.methods or set()) - {"HEAD"}
    }
    assert served - documented == set()
    for item in spec["paths"].values():
        for operation in item.values():
            assert operation.get("tags"), operation.get("operationId")
    tags = {tag for item in spec["paths"].values() for op in item.values() for tag in op["tags"]}
    assert {"kie.ai / sunoapi.org", "qhaigc", "SKU / zeakAi", "gcui suno-api"} <= tags


def test_submit_routes_carry_request_examples(service: InProcessService) -> None:
    with service.client() as client:
        spec = client.get("/openapi.json").json()
    schemas = spec["components"]["schemas"]
    for path in (
        "/api/v1/generate",
        "/suno/submit/music",
        "/v1/music/generations",
        "/api/custom_generate",
        "/v1/chat/completions",
        "/suno/task/submit/custom",
    ):
        body = spec["paths"][path]["post"]["requestBody"]["content"]["application/json"]
        ref = body["schema"].get("$ref", "")
        schema = schemas[ref.rsplit("/", 1)[-1]] if ref else body["schema"]
        assert schema.get("examples") or body.get("examples") or body.get("example"), path


def test_docs_page_loads_its_assets_from_this_server(service: InProcessService) -> None:
    """No CDN: every script, stylesheet and icon of /docs is a local path that this server answers."""
    with service.client() as client:
        page = client.get("/docs")
        assert page.status_code == 200
        assets = re.findall(r'(?:src|href)="([^"]+)"', page.text)
        assert len(assets) >= 3, assets
        for url in assets:
            assert url.startswith("/docs/assets/"), url
            served = client.get(url)
            assert served.status_code == 200 and len(served.content) > 100, url
        assert client.get("/redoc").status_code == 404  # ReDoc is not offered (it needs a CDN)
