"""kie.ai-compatible webhook signatures, so receivers written for kie.ai can verify Tunesmith callbacks.

The scheme (https://docs.kie.ai/common-api/webhook-verification): ``X-Webhook-Timestamp`` carries Unix seconds
and ``X-Webhook-Signature`` is ``base64(HMAC-SHA256(key=secret, msg=f"{task_id}.{timestamp}"))``. The task id
is the body's ``data.task_id``. It signs the task and the time, not the body: it proves the sender and bounds
replays, and is what existing receivers check.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from collections.abc import Mapping

TIMESTAMP_HEADER = "X-Webhook-Timestamp"
SIGNATURE_HEADER = "X-Webhook-Signature"


def signature(task_id: str, secret: str, timestamp: int) -> str:
    """The base64 HMAC-SHA256 of ``f"{task_id}.{timestamp}"`` keyed with `secret`."""
    digest = hmac.new(secret.encode(), f"{task_id}.{timestamp}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def sign(task_id: str, secret: str, timestamp: int | None = None) -> dict[str, str]:
    """The two headers that sign a callback for `task_id` (timestamp: now unless given)."""
    ts = int(time.time()) if timestamp is None else int(timestamp)
    return {TIMESTAMP_HEADER: str(ts), SIGNATURE_HEADER: signature(task_id, secret, ts)}


def _header(headers: Mapping[str, str], name: str) -> str | None:
    """Case-insensitive lookup: plain dicts are not, while HTTP header names are."""
    value = headers.get(name)
    if value is not None:
        return value
    lowered = name.lower()
    return next((v for k, v in headers.items() if k.lower() == lowered), None)


def verify(
    task_id: str,
    headers: Mapping[str, str],
    secret: str,
    tolerance_s: float = 300,
    *,
    now: float | None = None,
) -> bool:
    """True when `headers` carry a valid signature for `task_id` made within `tolerance_s` of now."""
    ts_text, given = _header(headers, TIMESTAMP_HEADER), _header(headers, SIGNATURE_HEADER)
    if not ts_text or not given:
        return False
    try:
        ts = int(ts_text.strip())
    except ValueError:
        return False
    current = time.time() if now is None else now
    if abs(current - ts) > tolerance_s:
        return False
    expected = signature(task_id, secret, ts)
    return hmac.compare_digest(expected.encode("ascii"), given.strip().encode("ascii", "replace"))
