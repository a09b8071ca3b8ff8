"""FastAPI dependencies shared by the routers: the process's services and the caller's API key."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Request

from tunesmith.domain.models import ApiKey
from tunesmith.services import Services


def get_services(request: Request) -> Services:
    return request.app.state.services


def get_api_key(request: Request, authorization: Annotated[str | None, Header()] = None) -> ApiKey:
    return request.app.state.services.keys.authenticate(authorization)


ServicesDep = Annotated[Services, Depends(get_services)]
ApiKeyDep = Annotated[ApiKey, Depends(get_api_key)]
