"""Prometheus metrics (prometheus-client), served at GET /metrics.

Two kinds: what this API process saw (requests by dialect, route and status, and their latency), counted as
requests finish; and what the whole service holds (tasks by state and engine, the queue and the age of its
oldest task, callback outcomes, credits charged and refunded, render speed, worker heartbeats), read from the
shared database when Prometheus scrapes, so any API process reports the same service-wide figures.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator
from time import perf_counter
from typing import Any

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily
from prometheus_client.registry import Collector
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tunesmith.store.base import Store

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 120.0)


class ServiceCollector(Collector):
    """Service-wide figures from the store, at scrape time."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def collect(self) -> Iterator[Any]:
        stats = self.store.service_stats()
        tasks = GaugeMetricFamily("tunesmith_tasks", "Tasks by state and engine.", labels=["state", "engine"])
        for (state, engine), count in sorted(stats.tasks.items()):
            tasks.add_metric([state, engine], count)
        yield tasks
        yield GaugeMetricFamily("tunesmith_queue_depth", "Tasks waiting for a worker.", value=stats.queued)
        yield GaugeMetricFamily(
            "tunesmith_queue_oldest_age_seconds",
            "How long the oldest queued task has waited (0 when none waits).",
            value=stats.oldest_queued_age_s,
        )
        callbacks = GaugeMetricFamily(
            "tunesmith_callbacks",
            "Callback deliveries by outcome (pending, delivered, failed, refused).",
            labels=["status"],
        )
        for status, count in sorted(stats.callbacks.items()):
            callbacks.add_metric([status], count)
        yield callbacks
        yield CounterMetricFamily(
            "tunesmith_credits_charged", "Credits charged for tasks.", stats.credits_charged
        )
        yield CounterMetricFamily("tunesmith_credits_refunded", "Credits refunded.", stats.credits_refunded)
        ratio = stats.render_seconds / stats.audio_seconds if stats.audio_seconds else 0.0
        yield GaugeMetricFamily(
            "tunesmith_render_seconds_per_audio_second",
            "Wall seconds spent per second of audio made, over the last 200 finished tasks.",
            value=ratio,
        )
        beats = GaugeMetricFamily(
            "tunesmith_worker_heartbeat_age_seconds",
            "Seconds since each worker's last heartbeat.",
            labels=["worker"],
        )
        for worker, age in sorted(stats.heartbeats.items()):
            beats.add_metric([worker], age)
        yield beats


class RelayCollector(Collector):
    """The relay's channels as its workers last reported them (engines.relay.gauges): open tasks, breaker
    state, submits, failures, polls, files copied; nothing when no relay worker reports."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def collect(self) -> Iterator[Any]:
        from tunesmith.engines.relay.gauges import relay_families

        for family in relay_families(self.store):
            if not family.samples:
                continue
            kind = CounterMetricFamily if family.type == "counter" else GaugeMetricFamily
            metric = kind(family.name, family.help, labels=list(family.labels))
            for labels, value in family.samples:
                metric.add_metric(list(labels), value)
            yield metric


class HttpCollector(Collector):
    """Requests and latency counted in plain dicts on the event loop (no lock, no label validation: about a
    microsecond a request, where prometheus-client's labelled Counter and Histogram cost several), turned into
    Prometheus families at scrape time from a copy."""

    def __init__(self) -> None:
        self.counts: dict[tuple[str, str, int], int] = {}
        # (dialect, route) -> one count per bucket of LATENCY_BUCKETS, one for +Inf, then the sum of seconds
        self.latency: dict[tuple[str, str], list[float]] = {}

    def observe(self, dialect: str, route: str, status: int, seconds: float) -> None:
        key = (dialect, route, status)
        self.counts[key] = self.counts.get(key, 0) + 1
        cells = self.latency.get((dialect, route))
        if cells is None:
            cells = self.latency[(dialect, route)] = [0.0] * (len(LATENCY_BUCKETS) + 2)
        cells[bisect_left(LATENCY_BUCKETS, seconds)] += 1
        cells[-1] += seconds

    def collect(self) -> Iterator[Any]:
        counts = dict(self.counts)  # one C-level copy each: safe while the event loop keeps counting
        latency = {key: list(cells) for key, cells in dict(self.latency).items()}
        requests = CounterMetricFamily(
            "tunesmith_http_requests",
            "HTTP requests by dialect, route and status.",
            labels=["dialect", "route", "status"],
        )
        for (dialect, route, status), count in sorted(counts.items()):
            requests.add_metric([dialect, route, str(status)], count)
        yield requests
        histogram = HistogramMetricFamily(
            "tunesmith_http_request_duration_seconds",
            "Time to answer an HTTP request, by dialect and route.",
            labels=["dialect", "route"],
        )
        for (dialect, route), cells in sorted(latency.items()):
            cumulative, buckets = 0.0, []
            for bound, hits in zip((*map(str, LATENCY_BUCKETS), "+Inf"), cells[:-1], strict=True):
                cumulative += hits
                buckets.append((bound, cumulative))
            histogram.add_metric([dialect, route], buckets, cells[-1])
        yield histogram


class Metrics:
    """One registry per app: the HTTP figures this process counts and the service collector."""

    def __init__(self, store: Store) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.http = HttpCollector()
        self.observe = self.http.observe
        self.registry.register(self.http)
        self.registry.register(ServiceCollector(store))
        self.registry.register(RelayCollector(store))

    def render(self) -> bytes:
        return generate_latest(self.registry)


def route_label(scope: Scope) -> str:
    """The route's path template (`/suno/fetch/{task_id}`), so ids never become labels; "unmatched" for
    requests that matched no route."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) else "unmatched"


async def measured(
    metrics: Metrics, dialect: str, app: ASGIApp, scope: Scope, receive: Receive, send: Send
) -> None:
    """Run `app` for one HTTP request and count it (a request that raises counts as 500)."""
    status = 500
    started = perf_counter()

    async def sending(message: Message) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        await send(message)

    try:
        await app(scope, receive, sending)
    finally:
        metrics.observe(dialect, route_label(scope), status, perf_counter() - started)
