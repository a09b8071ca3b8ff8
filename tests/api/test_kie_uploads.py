"""kie's upload-cover / upload-extend: bodies checked like kie's and translated to the upload operations; an
operation the model's engine cannot do is refused in kie's envelope with nothing charged (the test double
here does neither; the composer does both). The fetch is tested in
tests/runtime/test_upload_fetch.py, the whole flow with the composer in test_upload_extend_flow.py."""

from __future__ import annotations

import pytest

from tests.support.inprocess import InProcessService
from tunesmith.dialects.kie.uploads import (
    KieUploadCoverRequest,
    KieUploadExtendRequest,
    upload_cover_request,
    upload_extend_request,
)
from tunesmith.domain.operations import OperationKind
from tunesmith.engines.composer.engine import ComposerEngine


@pytest.fixture(scope="module")
def service(fast_service: InProcessService) -> InProcessService:
    """What each request answers: the in-process service serves this module (tests.support.inprocess)."""
    return fast_service


COVER = {
    "uploadUrl": "https://files.example.com/song.mp3",
    "customMode": True,
    "instrumental": False,
    "model": "V4_5",
    "prompt": "[Verse]\nla la",
    "style": "jazz",
    "title": "Covered",
    "callBackUrl": "https://client.example.com/cb",
}
EXTEND = {
    "uploadUrl": "https://files.example.com/song.mp3",
    "defaultParamFlag": True,
    "model": "V4_5",
    "prompt": "[Chorus]\nmore",
    "style": "rock",
    "title": "Longer",
    "continueAt": 42.5,
    "callBackUrl": "https://client.example.com/cb",
}


def test_bodies_translate_to_the_upload_operations() -> None:
    cover = upload_cover_request(KieUploadCoverRequest.model_validate(COVER))
    assert cover.kind is OperationKind.UPLOAD_COVER
    assert cover.extra["upload_url"] == COVER["uploadUrl"]
    assert (cover.lyrics, cover.style, cover.title) == ("[Verse]\nla la", "jazz", "Covered")
    extend = upload_extend_request(KieUploadExtendRequest.model_validate(EXTEND | {"instrumental": True}))
    assert extend.kind is OperationKind.UPLOAD_EXTEND
    assert extend.continue_at == 42.5 and extend.lyrics == "" and extend.instrumental
    assert extend.extra == {"upload_url": EXTEND["uploadUrl"], "default_params": True}
    inherit = upload_extend_request(
        KieUploadExtendRequest.model_validate(EXTEND | {"defaultParamFlag": False})
    )
    assert (inherit.lyrics, inherit.style, inherit.continue_at, inherit.instrumental) == ("", "", None, True)


def test_the_composer_continues_and_covers_recordings() -> None:
    assert ComposerEngine().supports(OperationKind.UPLOAD_EXTEND)
    assert ComposerEngine().supports(OperationKind.UPLOAD_COVER)


@pytest.mark.parametrize(("path", "body"), [("upload-cover", COVER), ("upload-extend", EXTEND)])
def test_unsupported_is_refused_in_kie_envelope_and_nothing_charged(
    service: InProcessService, path: str, body: dict
) -> None:
    with service.client(service.new_key(credits=100)) as client:
        reply = client.post(f"/api/v1/generate/{path}", json=body)
        assert reply.status_code == 422, reply.text
        answer = reply.json()
        assert answer["code"] == 422 and answer["data"] is None
        assert "upload_" in answer["msg"] and "not supported" in answer["msg"]
        assert client.get("/api/v1/generate/credit").json()["data"] == 100
        anonymous = service.client()
        assert anonymous.post(f"/api/v1/generate/{path}", json=body).json()["code"] == 401
        anonymous.close()


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"uploadUrl": "file:///etc/passwd"}, "uploadUrl"),
        ({"uploadUrl": "ftp://files.example.com/a.mp3"}, "uploadUrl"),
        ({"uploadUrl": "https://x.example.com/" + "a" * 3000}, "2048"),
        ({"uploadUrl": None}, "uploadUrl"),
        ({"model": "V9"}, "model"),
    ],
)
def test_bad_upload_bodies_are_422_naming_the_field(
    service: InProcessService, change: dict, words: str
) -> None:
    with service.client(service.new_key()) as client:
        for path, body in (("upload-cover", COVER), ("upload-extend", EXTEND)):
            sent = {k: v for k, v in (body | change).items() if v is not None}
            reply = client.post(f"/api/v1/generate/{path}", json=sent)
            assert reply.status_code == 422 and words in reply.json()["msg"], (path, reply.text)
