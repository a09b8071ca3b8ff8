"""The composition root: builds every part of the service from settings, once per process.

Store, media, URLs, engines, the content policy and the use cases (keys, tasks with their rate limiters,
personas, song operations) in build_services(); the worker, with its callback sender and the same policy, in
build_worker(). The CLI and the tests build through these two, so every collaborator is made in one place.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tunesmith.engines.registry import EngineRegistry
from tunesmith.media import MediaStore, open_media_store
from tunesmith.media.urls import PublicUrls
from tunesmith.policy.check import ContentPolicy
from tunesmith.policy.config import build_policy
from tunesmith.service.keys import KeyService
from tunesmith.service.personas import PersonaService
from tunesmith.service.shares import ShareService
from tunesmith.service.song_ops import SongOps
from tunesmith.service.tasks import TaskService, query_limiter_for, submit_limiter_for
from tunesmith.settings import Settings
from tunesmith.store import migrate
from tunesmith.store.base import Store
from tunesmith.store.sql import SqlStore

if TYPE_CHECKING:
    from tunesmith.runtime.executor import EngineProcess
    from tunesmith.runtime.worker import Worker


@dataclass
class Services:
    settings: Settings
    store: Store
    media: MediaStore
    urls: PublicUrls
    registry: EngineRegistry
    keys: KeyService
    tasks: TaskService
    policy: ContentPolicy
    personas: PersonaService
    song_ops: SongOps
    shares: ShareService

    def close(self) -> None:
        self.store.close()
        self.media.close()
        self.policy.close()


def build_services(settings: Settings, *, run_migrations: bool = True) -> Services:
    policy = build_policy(settings)  # first: a mistake in its settings is one line before anything starts
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    url = settings.effective_database_url
    if run_migrations:
        migrate.upgrade(url)
    store = SqlStore(url)
    registry = EngineRegistry(
        settings.models, default=settings.default_engine, options=settings.registry_options()
    )
    keys = KeyService(store)
    keys.register_static(settings.api_keys)
    media = open_media_store(
        settings.media_url, default_dir=settings.media_dir, s3_endpoint_url=settings.s3_endpoint_url
    )
    tasks = TaskService(
        store,
        registry,
        settings,
        policy,
        submit_limiter=submit_limiter_for(settings),
        query_limiter=query_limiter_for(settings),
    )
    return Services(
        settings=settings,
        store=store,
        media=media,
        urls=PublicUrls(settings.effective_public_url, settings.media_public_url),
        registry=registry,
        keys=keys,
        tasks=tasks,
        policy=policy,
        personas=PersonaService(store, tasks, media),
        song_ops=SongOps(tasks, store, media),
        shares=ShareService(store, tasks, settings.media_retention_days),
    )


def build_worker(
    services: Services,
    settings: Settings | None = None,
    *,
    engines: Sequence[str] | None = None,
    worker_id: str | None = None,
    deliver_callbacks: bool = True,
    slot_factory: Callable[[str], EngineProcess] | None = None,
) -> Worker:
    """A worker over `services` (with `settings` when they differ, e.g. fewer slots), with its callback
    sender. Imported when asked for: an API-only process never loads the runtime. `slot_factory`: see
    Worker (tests only)."""
    from tunesmith.runtime.callbacks import callback_sender
    from tunesmith.runtime.executor import EngineProcess
    from tunesmith.runtime.worker import Worker, new_worker_id

    settings = settings or services.settings
    worker_id = worker_id or new_worker_id()
    sender = callback_sender(services.store, settings, worker_id) if deliver_callbacks else None
    worker = Worker(
        services.store,
        services.media,
        services.urls,
        settings,
        engines=engines,
        worker_id=worker_id,
        deliver_callbacks=deliver_callbacks,
        callbacks=sender,
        policy=services.policy,
        slot_factory=slot_factory or EngineProcess,
    )
    services.tasks.on_queued.append(worker.wake)  # a task submitted in this process starts at once
    return worker
