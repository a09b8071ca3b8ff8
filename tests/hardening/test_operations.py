"""Operator endpoints over real HTTP: /healthz, /readyz (database, media store, worker heartbeats) and
/metrics in Prometheus format (request counts and latency per dialect/route/status, service-wide task,
queue, callback, credit and heartbeat figures), with its optional access control."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families

from tests.support.harness import ServiceHarness, settings_for_tests, wait_for
from tests.support.kie_client import custom_body, poll_until_done
from tunesmith import __version__


def samples(text: str) -> dict[str, list[tuple[dict[str, str], float]]]:
    found: dict[str, list[tuple[dict[str, str], float]]] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found.setdefault(sample.name, []).append((sample.labels, sample.value))
    return found


def value(found: dict, name: str, **labels: str) -> float:
    return sum(v for got, v in found.get(name, []) if all(got.get(k) == x for k, x in labels.items()))


def test_healthz_and_readyz_with_a_running_worker(service: ServiceHarness) -> None:
    with service.client() as client:
        health = client.get("/healthz")
        assert health.status_code == 200 and health.json() == {"status": "ok", "version": __version__}

        def ready() -> dict | None:
            reply = client.get("/readyz")
            return reply.json() if reply.status_code == 200 else None

        body = wait_for(ready, timeout=15)
        assert body["status"] == "ready"
        assert body["checks"]["database"] == {"ok": True} and body["checks"]["media"] == {"ok": True}
        assert body["checks"]["workers"]["ok"] and body["checks"]["workers"]["recent"] >= 1


def test_readyz_is_503_when_workers_are_expected_but_none_beats(tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings = settings_for_tests(tmp_path, expect_workers=True)
    with ServiceHarness(settings, with_worker=False) as service, service.client() as client:
        reply = client.get("/readyz")
        assert reply.status_code == 503, reply.text
        body = reply.json()
        assert body["status"] == "not ready" and body["checks"]["database"]["ok"]
        assert body["checks"]["workers"] == {"ok": False, "expected": True, "recent": 0}


def test_metrics_count_requests_and_report_the_service(service: ServiceHarness) -> None:
    token = service.new_key()
    with service.client(token) as client:
        task_id = client.post("/api/v1/generate", json=custom_body()).json()["data"]["taskId"]
        poll_until_done(client, task_id)
        client.get("/suno/fetch/" + task_id)
        client.get("/api/v1/nope")
        reply = client.get("/metrics")
    assert reply.status_code == 200 and reply.headers["content-type"].startswith("text/plain")
    found = samples(reply.text)
    requests = "tunesmith_http_requests_total"
    assert value(found, requests, dialect="kie", route="/api/v1/generate", status="200") >= 1
    assert value(found, requests, dialect="kie", route="/api/v1/generate/record-info", status="200") >= 1
    assert value(found, requests, dialect="newapi", route="/suno/fetch/{task_id}", status="200") >= 1
    assert value(found, requests, dialect="kie", route="unmatched", status="404") >= 1
    assert not any(task_id in str(labels) for labels, _ in found[requests])  # ids never become labels
    latency = "tunesmith_http_request_duration_seconds_count"
    assert value(found, latency, dialect="kie", route="/api/v1/generate") >= 1
    assert value(found, "tunesmith_tasks", state="SUCCESS") >= 1
    assert "tunesmith_queue_depth" in found and "tunesmith_queue_oldest_age_seconds" in found
    assert value(found, "tunesmith_credits_charged_total") >= service.settings.cost_of("generate")
    assert "tunesmith_credits_refunded_total" in found
    assert value(found, "tunesmith_render_seconds_per_audio_second") > 0
    assert found["tunesmith_worker_heartbeat_age_seconds"], found.keys()


def test_metrics_can_be_restricted_to_a_token_or_addresses(tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings = settings_for_tests(
        tmp_path / "a", metrics_token="metrics-s3cret", metrics_allow=["10.0.0.0/8"]
    )
    with ServiceHarness(settings, with_worker=False) as service, service.client() as client:
        assert client.get("/metrics").status_code == 403
        assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 403
        ok = client.get("/metrics", headers={"Authorization": "Bearer metrics-s3cret"})
        assert ok.status_code == 200 and "tunesmith_http_requests_total" in ok.text
    settings = settings_for_tests(tmp_path / "b", metrics_allow=["127.0.0.0/8"])
    with ServiceHarness(settings, with_worker=False) as service, service.client() as client:
        assert client.get("/metrics").status_code == 200
