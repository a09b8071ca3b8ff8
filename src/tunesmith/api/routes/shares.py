"""Native routes for share links: the owner of a finished song makes a public page for one clip
(`/studio/share/{token}`), lists its live links and revokes them. Everything here needs the owner's key; the
page itself needs none."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from tunesmith.api.deps import ApiKeyDep, ServicesDep
from tunesmith.api.errors import JsonResponse, dialect_route
from tunesmith.dialects.native import NativeDialect
from tunesmith.domain.models import Share
from tunesmith.services import Services

router = APIRouter(prefix="/tunesmith/v1", tags=["tunesmith"], route_class=dialect_route(NativeDialect()))


class ShareRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    taskId: str = Field(min_length=1, max_length=64, description="The music task the clip belongs to.")
    audioId: str = Field(min_length=1, max_length=64, description="The finished clip to share.")


def share_url(services: Services, token: str) -> str:
    return f"{services.settings.effective_public_url.rstrip('/')}/studio/share/{token}"


def _render(services: Services, share: Share) -> dict:
    return {
        "token": share.token,
        "url": share_url(services, share.token),
        "taskId": share.task_id,
        "audioId": share.clip_id,
        "createdAt": share.created_at.isoformat(),
        "revoked": share.revoked_at is not None,
    }


@router.post("/shares", summary="Make (or get) the public link of one finished clip")
async def create_share(body: ShareRequest, key: ApiKeyDep, services: ServicesDep) -> JsonResponse:
    share = await run_in_threadpool(services.shares.share, key, body.taskId, body.audioId)
    return JsonResponse(_render(services, share))


@router.get("/shares", summary="The key's live share links (of one clip, with audioId)")
async def list_shares(
    key: ApiKeyDep,
    services: ServicesDep,
    audioId: Annotated[str | None, Query(max_length=64, description="Only this clip's link.")] = None,
) -> JsonResponse:
    found = await run_in_threadpool(services.shares.live, key, audioId)
    return JsonResponse({"shares": [_render(services, share) for share in found]})


@router.delete("/shares/{token}", summary="Revoke a share link: its page answers 404 from now on")
async def revoke_share(token: str, key: ApiKeyDep, services: ServicesDep) -> JsonResponse:
    share = await run_in_threadpool(services.shares.revoke, key, token)
    return JsonResponse(_render(services, share))
