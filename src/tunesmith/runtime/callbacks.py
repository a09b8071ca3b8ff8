"""Delivers queued callbacks (webhooks) to client URLs: guarded, signed, retried, in stage order.

Each queued :class:`CallbackDelivery` is POSTed as JSON, unchanged on every attempt (receivers dedupe by task
id and ``callbackType``). A 2xx answer delivers it; anything else (another status, a redirect, a timeout, a
refused connection, a name that does not resolve) is logged as an attempt and retried after the next backoff
delay, at most ``1 + max_retries`` attempts in all, after which it is ``failed``. A URL the guard refuses is
``refused`` at once, without a request and without retries.

Server-side request forgery. The URL was checked at submit time, but DNS may have changed since (DNS
rebinding), so before each attempt the host is resolved again and every address checked
(:mod:`tunesmith.net.urlguard`); the request is then *pinned* to a checked address: the URL's host is replaced
by that IP, the ``Host`` header keeps the name and, for https, the TLS SNI and certificate check use the name
(httpcore's ``sni_hostname`` extension; :mod:`tunesmith.net.pinned`). So no second lookup happens between
check and connect, and the rebinding window is closed. Redirects are not followed, environment proxies are
ignored (``trust_env=False``) and connections are not reused (a pooled TLS connection to one IP must not carry
another name's request).

Remaining limits: the timeout bounds each network operation (connect, each write, each read), not the whole
exchange, so a receiver that trickles its response headers can hold one sender longer than ``timeout_s``; the
response body is never read.

Order: a task's stages are queued in order (text → first → complete) and the Store's claim never hands out a
stage while an earlier stage of the same task is still pending (part of the Store contract).
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx

from tunesmith import __version__, logs
from tunesmith.domain.models import CallbackDelivery
from tunesmith.net.pinned import pin, pinned_client
from tunesmith.net.urlguard import CallbackUrlRefused, HostNotResolved, Resolver, parse_url, resolve_and_check
from tunesmith.runtime.signing import sign
from tunesmith.settings import Settings
from tunesmith.store.base import Store

log = logging.getLogger(__name__)

USER_AGENT = f"Tunesmith/{__version__}"
FINAL_STATUSES = frozenset({"delivered", "failed", "refused"})
MAX_ADDRESSES = 3  # addresses of one name tried per attempt when connecting fails


@dataclass(frozen=True)
class Outcome:
    """What one attempt came to: delivered, refused, or a failure worth retrying."""

    status: str  # delivered | refused | retry
    status_code: int | None = None
    error: str | None = None


class CallbackSender:
    """Posts due callback deliveries from the Store; one instance per thread."""

    def __init__(
        self,
        store: Store,
        *,
        worker_id: str,
        allow: Sequence[str] = (),
        secret_for: Callable[[str], str | None] = lambda task_id: None,
        timeout_s: float = 15.0,
        max_retries: int = 3,
        backoff_s: Sequence[float] = (5, 30, 120),
        transport: httpx.BaseTransport | None = None,
        batch_size: int = 20,
        resolver: Resolver | None = None,
        lease_seconds: float = 30.0,
    ) -> None:
        self.store = store
        self.worker_id = worker_id
        self.allow = tuple(allow)
        self.secret_for = secret_for
        self.timeout_s = timeout_s
        self.max_retries = max(0, max_retries)
        self.backoff_s = tuple(backoff_s)
        self.batch_size = batch_size
        self.resolver = resolver
        # A claim lasts one lease, renewed every third of it while the attempt runs (an attempt over every
        # address may take MAX_ADDRESSES * 3 * timeout_s): a sender that dies holds it at most this long.
        self.lease_seconds = lease_seconds
        self._transport = transport
        self._client: httpx.Client | None = None

    # ── lifecycle ─────────────────────────────────────────────────────────────────────────────────────────
    @property
    def client(self) -> httpx.Client:
        if self._client is None:
            self._client = pinned_client(
                self.timeout_s, transport=self._transport, headers={"User-Agent": USER_AGENT}
            )
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def __enter__(self) -> CallbackSender:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def run(self, stop: threading.Event, interval_s: float = 0.5) -> None:
        """Deliver until `stop` is set; an error in one pass is logged and the loop goes on."""
        try:
            while not stop.is_set():
                try:
                    sent = self.deliver_due()
                except Exception:
                    log.exception("callback pass failed")
                    sent = 0
                if sent == 0:
                    stop.wait(interval_s)
        finally:
            self.close()

    # ── one pass ──────────────────────────────────────────────────────────────────────────────────────────
    def deliver_due(self, now: datetime | None = None) -> int:
        """Claim due deliveries one at a time (a short lease each) and attempt them; returns how many were
        attempted. `now` fixes the clock for claiming and scheduling (tests)."""
        attempted = 0
        for _ in range(self.batch_size):
            claimed = self.store.claim_due_callbacks(self.worker_id, now or _utcnow(), 1, self.lease_seconds)
            if not claimed:
                break
            delivery = claimed[0]
            try:
                with LeaseKeeper(self.store, delivery.id, self.worker_id, self.lease_seconds):
                    outcome = self.attempt(delivery)
            except Exception as exc:  # a bug here must not wedge the queue: count it as a failed attempt
                log.exception("callback %s crashed", delivery.id)
                outcome = Outcome("retry", error=f"internal error: {exc!r}")
            self._record(delivery, outcome, now)
            attempted += 1
        return attempted

    def _record(self, delivery: CallbackDelivery, outcome: Outcome, now: datetime | None) -> None:
        attempt_no = delivery.attempts + 1
        status, next_at = outcome.status, None
        if status == "retry":
            if attempt_no > self.max_retries:
                status = "failed"
            else:
                status = "pending"
                next_at = (now or _utcnow()) + timedelta(seconds=self._delay(attempt_no))
        log.info(
            "callback %s (%s, %s) attempt %d: %s %s",
            delivery.id,
            delivery.task_id,
            delivery.stage,
            attempt_no,
            status,
            outcome.error or outcome.status_code or "",
        )
        self.store.record_callback_attempt(
            delivery.id,
            status=status,
            status_code=outcome.status_code,
            error=outcome.error,
            next_attempt_at=next_at,
        )

    def _delay(self, attempt_no: int) -> float:
        """The wait after failed attempt `attempt_no` (1-based); the last delay repeats."""
        if not self.backoff_s:
            return 0.0
        return float(self.backoff_s[min(attempt_no, len(self.backoff_s)) - 1])

    # ── one attempt ───────────────────────────────────────────────────────────────────────────────────────
    def attempt(self, delivery: CallbackDelivery) -> Outcome:
        """Check the URL again, then POST the stored payload to a checked address."""
        try:
            target = parse_url(delivery.url)
            addresses = resolve_and_check(delivery.url, self.allow, resolver=self.resolver)
        except CallbackUrlRefused as exc:
            return Outcome("refused", error=exc.message)
        except HostNotResolved as exc:
            return Outcome("retry", error=exc.message)

        headers = {"Content-Type": "application/json"}
        secret = self.secret_for(delivery.task_id)
        if secret:
            headers.update(sign(delivery.task_id, secret))
        body = json.dumps(delivery.payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")

        error = "no address to connect to"
        for address in addresses[:MAX_ADDRESSES]:
            pinned = pin(target, address)  # the Host header and TLS name stay the URL's
            try:
                with self.client.stream(
                    "POST",
                    pinned.url,
                    content=body,
                    headers={**headers, **pinned.headers},
                    extensions=pinned.extensions,
                ) as response:
                    code = response.status_code
            except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
                error = f"cannot connect to {address}: {_describe(exc)}"
                continue  # the next address of the name may answer
            except httpx.TimeoutException as exc:
                return Outcome("retry", error=f"timed out after {self.timeout_s:g}s: {_describe(exc)}")
            except httpx.HTTPError as exc:
                return Outcome("retry", error=_describe(exc))
            if 200 <= code < 300:
                return Outcome("delivered", status_code=code)
            if 300 <= code < 400:
                return Outcome("retry", status_code=code, error=f"HTTP {code}: redirects are not followed")
            return Outcome("retry", status_code=code, error=f"HTTP {code}")
        return Outcome("retry", error=error)


class LeaseKeeper:
    """Renews the lease on one claimed delivery every third of the lease while its attempt runs, so a slow
    receiver keeps the claim but a sender that crashes gives it up within one lease."""

    def __init__(self, store: Store, delivery_id: int, worker_id: str, lease_seconds: float) -> None:
        self.store, self.delivery_id, self.worker_id = store, delivery_id, worker_id
        self.every = max(0.05, lease_seconds / 3)
        self.lease_seconds = lease_seconds
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"callback-lease-{delivery_id}", daemon=True)

    def __enter__(self) -> LeaseKeeper:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            try:
                if not self.store.renew_callback_lease(self.delivery_id, self.worker_id, self.lease_seconds):
                    log.warning("callback %s: lease lost while sending", self.delivery_id)
                    return
            except Exception:  # noqa: BLE001 - the next renewal tries again; the lease still has 2/3 left
                log.exception("callback %s: renewing the lease failed", self.delivery_id)


def _describe(exc: Exception) -> str:
    text = str(exc) or type(exc).__name__
    return text if len(text) <= 300 else text[:297] + "..."


def _utcnow() -> datetime:
    return datetime.now(UTC)


def callback_sender(store: Store, settings: Settings, worker_id: str) -> CallbackSender:
    """The sender a worker runs, configured from settings: a key's own webhook secret signs its task's
    callbacks, the configured one every other."""

    def secret_for(task_id: str) -> str | None:
        task = store.get_task(task_id)
        if task is not None:
            key = store.get_key(task.key_id)
            if key is not None and key.webhook_secret:
                logs.add_secrets([key.webhook_secret])  # never logged, whoever logs the delivery
                return key.webhook_secret
        return settings.webhook_secret

    return CallbackSender(
        store,
        worker_id=worker_id,
        allow=settings.callback_allow,
        secret_for=secret_for,
        timeout_s=settings.callback_timeout_seconds,
        max_retries=settings.callback_max_retries,
        backoff_s=settings.callback_backoff_seconds,
        lease_seconds=settings.lease_seconds,
    )
