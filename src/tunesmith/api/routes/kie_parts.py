"""kie.ai / sunoapi.org routes that make a song from uploaded recordings: add-instrumental, add-vocals and
mashup (two recordings).

Like upload-extend, the worker fetches `uploadUrl` (the safe fetcher: public addresses unless allow-listed,
size, duration and time caps) before the engine runs; a URL that cannot be fetched or decoded fails the task
with errorCode 451 and refunds it once. The result is read through the music record-info
(`GET /api/v1/generate/record-info`; operationType upload_cover, kie's enum has no other word for
them, and type ADD_INSTRUMENTAL / ADD_VOCALS / MASHUP). Like routes.kie_ops this
module claims no prefix of its own: routes.kie owns `/api/v1`.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from tunesmith.api.deps import ApiKeyDep, ServicesDep
from tunesmith.api.errors import JsonResponse, dialect_route
from tunesmith.api.routes.kie import DIALECT, raw_body
from tunesmith.dialects.kie import render_submit
from tunesmith.dialects.kie.add_parts import (
    KieAddInstrumentalRequest,
    KieAddVocalsRequest,
    add_instrumental_request,
    add_vocals_request,
)
from tunesmith.dialects.kie.uploads import KieMashupRequest, mashup_request
from tunesmith.domain.models import ApiKey, Task
from tunesmith.services import Services

TAG = "kie.ai / sunoapi.org"
PREFIXES: tuple[str, ...] = ()

router = APIRouter(prefix="/api/v1", tags=[TAG], route_class=dialect_route(DIALECT))


def _submit(services: Services, key: ApiKey, body: Any, raw: str) -> Task:
    if isinstance(body, KieMashupRequest):
        song = mashup_request(body)
    elif isinstance(body, KieAddVocalsRequest):
        song = add_vocals_request(body)
    else:
        song = add_instrumental_request(body)
    return services.tasks.submit(
        key, song, dialect=DIALECT.name, raw_request=raw, callback_url=body.callBackUrl
    )


async def _submitted(services: Services, key: ApiKey, body: Any, request: Request) -> JsonResponse:
    task = await run_in_threadpool(_submit, services, key, body, await raw_body(request))
    return JsonResponse(render_submit(task.id))


@router.post(
    "/generate/add-instrumental",
    summary="A new backing (in tags) for an uploaded vocal, the vocal kept sample-exact: two clips",
    description="The backing follows the recording's tempo, bar grid, key and the chords its melody implies. "
    "Poll /api/v1/generate/record-info (type ADD_INSTRUMENTAL).",
)
async def generate_add_instrumental(
    body: KieAddInstrumentalRequest, request: Request, key: ApiKeyDep, services: ServicesDep
) -> JsonResponse:
    return await _submitted(services, key, body, request)


@router.post(
    "/generate/add-vocals",
    summary="A new vocal singing prompt over an uploaded instrumental, kept sample-exact: two clips",
    description="The vocal is sung on the recording's chords, in its key and bar grid, in style's voice. "
    "Poll /api/v1/generate/record-info (type ADD_VOCALS).",
)
async def generate_add_vocals(
    body: KieAddVocalsRequest, request: Request, key: ApiKeyDep, services: ServicesDep
) -> JsonResponse:
    return await _submitted(services, key, body, request)


@router.post(
    "/generate/mashup",
    summary="Two recordings (uploadUrlList, exactly two) combined into one song in style: two clips",
    description="The melody of the first recording (sung with prompt, or played by the lead when "
    "instrumental) over the tempo, bar grid, key and chords of the second, in style, as long as the "
    "second. Each URL is fetched like uploadUrl; one that cannot be fetched or read fails the task with "
    "errorCode 451 and refunds it. Poll /api/v1/generate/record-info (type MASHUP).",
)
async def generate_mashup(
    body: KieMashupRequest, request: Request, key: ApiKeyDep, services: ServicesDep
) -> JsonResponse:
    return await _submitted(services, key, body, request)
