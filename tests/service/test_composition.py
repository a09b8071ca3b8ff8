"""build_services() and build_worker() make every collaborator: what the app and the worker use is what
they built, configured from settings."""

from __future__ import annotations

from pathlib import Path

from tests.support.harness import TONE_ENGINE, settings_for_tests
from tunesmith.runtime.callbacks import CallbackSender
from tunesmith.runtime.worker import Worker
from tunesmith.service.limits import SlidingWindowLimiter
from tunesmith.services import build_services, build_worker


def test_services_share_one_store_media_and_task_service(tmp_path: Path) -> None:
    services = build_services(settings_for_tests(tmp_path, submit_limit=7, query_limit_per_task=3))
    try:
        assert services.personas.store is services.store and services.personas.tasks is services.tasks
        assert services.personas.media is services.media
        ops = services.song_ops
        assert (ops.tasks, ops.store, ops.media) == (services.tasks, services.store, services.media)
        submit, query = services.tasks.submit_limiter, services.tasks.query_limiter
        assert isinstance(submit, SlidingWindowLimiter) and isinstance(query, SlidingWindowLimiter)
        assert (submit.limit, query.limit, query.window) == (7, 3, 1.0)
    finally:
        services.close()


def test_the_worker_gets_its_callback_sender_from_settings(tmp_path: Path) -> None:
    settings = settings_for_tests(tmp_path, callback_timeout_seconds=4.0, callback_max_retries=2)
    services = build_services(settings)
    try:
        worker = build_worker(services, engines=[TONE_ENGINE], worker_id="w-composed")
        assert isinstance(worker, Worker)
        assert worker.store is services.store and worker.media is services.media
        sender = worker._callbacks
        assert isinstance(sender, CallbackSender)
        assert (sender.worker_id, sender.store, sender.timeout_s, sender.max_retries) == (
            "w-composed",
            services.store,
            4.0,
            2,
        )
        assert sender.allow == ("127.0.0.1", "localhost") and sender.backoff_s == (0.2, 0.4, 0.8)
        quiet = build_worker(services, engines=[TONE_ENGINE], deliver_callbacks=False)
        assert quiet._callbacks is None and not quiet.deliver_callbacks
    finally:
        services.close()
