"""Builds the service's parts from settings, once per process: store, media, URLs, engines, use cases."""

from __future__ import annotations

from dataclasses import dataclass

from tunesmith.engines.registry import EngineRegistry
from tunesmith.media import MediaStore, open_media_store
from tunesmith.media.urls import PublicUrls
from tunesmith.policy.check import ContentPolicy
from tunesmith.policy.config import build_policy
from tunesmith.service.keys import KeyService
from tunesmith.service.tasks import TaskService
from tunesmith.settings import Settings
from tunesmith.store import migrate
from tunesmith.store.base import Store
from tunesmith.store.sql import SqlStore


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
    return Services(
        settings=settings,
        store=store,
        media=open_media_store(
            settings.media_url, default_dir=settings.media_dir, s3_endpoint_url=settings.s3_endpoint_url
        ),
        urls=PublicUrls(settings.effective_public_url, settings.media_public_url),
        registry=registry,
        keys=keys,
        tasks=TaskService(store, registry, settings, policy),
        policy=policy,
    )
