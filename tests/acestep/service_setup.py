"""The acestep engine behind a whole service, for the service and failure tests: settings that map V5/V5_5
to it (with a checkpoint) and a kie custom-mode body for it."""

from __future__ import annotations

from pathlib import Path

from tests.acestep.jobs import LYRICS
from tests.support.harness import settings_for_tests
from tunesmith.domain.operations import MODEL_NAMES

ACESTEP_MODELS = {"V5": "acestep", "V5_5": "acestep"}


def acestep_settings(data_dir: Path, checkpoint: Path, **more: object):  # type: ignore[no-untyped-def]
    """Settings of a service whose V5/V5_5 run on the acestep engine with `checkpoint`, the rest on tones."""
    models = {m: "tests.support.tone_engine:ToneEngineForTests" for m in MODEL_NAMES} | ACESTEP_MODELS
    return settings_for_tests(
        data_dir,
        models=models,
        acestep_checkpoint=str(checkpoint),
        acestep_max_seconds=20,
        upload_allow=["127.0.0.1"],
        lease_seconds=30.0,
        query_limit_per_task=10,  # kie's record-info and qhaigc's task route polled side by side
        **more,
    )


def acestep_body(**more: object) -> dict:
    """A kie custom-mode generate body for a 10 s V5_5 song (`more` overrides its fields)."""
    body = {
        "customMode": True,
        "instrumental": False,
        "model": "V5_5",
        "title": "Morning Light",
        "style": "synth pop, 100 bpm, A minor",
        "prompt": LYRICS,
        "duration": 10,
    }
    return body | more
