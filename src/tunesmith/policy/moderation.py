"""An external moderation service: any OpenAI-compatible `POST /moderations` endpoint (OpenAI's own, or a
self-hosted classifier behind the same contract).

Request: `{"input": [text, ...], "model": <model, when configured>}` with `Authorization: Bearer <key>` when a
key is set. Answer: `{"results": [{"flagged": bool, "categories": {name: bool}}, ...]}`, one result per input,
in order. Anything else (a connection error, a timeout, a non-2xx status, an answer of another shape) is
ModerationUnavailable: the policy lets the text through then, unless the operator set fail_closed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import httpx

MAX_ANSWER_BYTES = 1_000_000


class ModerationUnavailable(Exception):
    """The moderation service could not give a verdict; the message says why (never the key)."""


@dataclass(frozen=True)
class Verdict:
    """One input's verdict: flagged, and the categories that flagged it (for the operator)."""

    flagged: bool
    categories: tuple[str, ...] = ()


def endpoint(url: str) -> str:
    """The moderations endpoint for a configured URL: the URL itself when it ends in /moderations, else
    the URL with /moderations appended (a base such as http://host:8080/v1)."""
    url = url.strip().rstrip("/")
    return url if url.endswith("/moderations") else url + "/moderations"


class ModerationClient:
    def __init__(self, url: str, *, key: str = "", model: str = "", timeout: float = 5.0) -> None:
        self.url = endpoint(url)
        self.key = key
        self.model = model
        self.timeout = timeout
        self._client = httpx.Client(timeout=timeout, follow_redirects=False)

    def close(self) -> None:
        self._client.close()

    def check(self, texts: Sequence[str]) -> list[Verdict]:
        """The service's verdict on each text, in order (ModerationUnavailable when it gives none)."""
        if not texts:
            return []
        body: dict[str, Any] = {"input": list(texts)}
        if self.model:
            body["model"] = self.model
        headers = {"Authorization": f"Bearer {self.key}"} if self.key else {}
        try:
            response = self._client.post(self.url, json=body, headers=headers)
        except httpx.TimeoutException:
            raise ModerationUnavailable(f"no answer from {self.url} within {self.timeout:g} s") from None
        except httpx.HTTPError as exc:
            raise ModerationUnavailable(f"{self.url} cannot be reached ({type(exc).__name__})") from None
        if not response.is_success:
            raise ModerationUnavailable(f"{self.url} answered HTTP {response.status_code}")
        if len(response.content) > MAX_ANSWER_BYTES:
            raise ModerationUnavailable(f"{self.url} answered more than {MAX_ANSWER_BYTES} bytes")
        return _verdicts(response, len(texts), self.url)


def _verdicts(response: httpx.Response, count: int, url: str) -> list[Verdict]:
    try:
        results = response.json()["results"]
        verdicts = [
            Verdict(
                flagged=bool(r["flagged"]),
                categories=tuple(
                    sorted(name for name, on in (r.get("categories") or {}).items() if on is True)
                ),
            )
            for r in results
        ]
    except (ValueError, KeyError, TypeError, AttributeError):
        raise ModerationUnavailable(f"{url} answered something other than moderation results") from None
    if len(verdicts) != count:
        raise ModerationUnavailable(f"{url} answered {len(verdicts)} results for {count} inputs")
    return verdicts
