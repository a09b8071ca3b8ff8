"""Tenant isolation, walked route by route: a second key sends every route of every dialect (found in the
OpenAPI document) the first key's task, clip, persona and derived-task ids, in every field that takes one.
Each answer must be a refusal that reveals nothing of the owner's songs, the second key must have made and
paid for nothing, and the owner's polling, balance and files must be exactly as before."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from tests.support.harness import ServiceHarness, settings_for_tests
from tests.support.kie_client import make_song, poll

OWNER_TITLE = "Owner Only Qzxv"
OWNER_LYRICS = "[Verse]\nOwner lyric quokka zephyr\n[Chorus]\nOwner chorus quokka"

TASK_FIELDS = {"taskId", "task_id", "lyrics_id"}
CLIP_FIELDS = {"audioId", "audio_id", "clip_id", "continue_clip_id", "cover_clip_id", "song_id"}
PERSONA_FIELDS = {"personaId", "persona_id"}
EITHER_FIELDS = {"ids", "id"}  # a task or a clip (or a persona, for gcui's /api/persona)
ID_FIELDS = TASK_FIELDS | CLIP_FIELDS | PERSONA_FIELDS | EITHER_FIELDS
# Capability URLs (the media a client was handed) and operator endpoints: not per key by design.
NOT_PER_KEY = ("/media/", "/stream/", "/healthz", "/readyz", "/metrics", "/docs", "/openapi", "/studio")


@dataclass
class Owner:
    token: str
    task_id: str
    clip_ids: list[str]
    wav_task: str
    lyrics_task: str
    persona_id: str
    audio_url: str
    audio: bytes
    balance: int
    record: dict


def balance(client: httpx.Client) -> int:
    return client.get("/api/v1/generate/credit").json()["data"]


@pytest.fixture(scope="module")
def isolated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServiceHarness]:
    # generous limits: the walk sends hundreds of requests from one key
    settings = settings_for_tests(
        tmp_path_factory.mktemp("iso"), workers=2, submit_limit=10_000, query_limit_per_task=10_000
    )
    with ServiceHarness(settings) as service:
        yield service


@pytest.fixture(scope="module")
def owner(isolated: ServiceHarness) -> Owner:
    token = isolated.new_key(credits=1000)
    song = make_song(isolated, token, title=OWNER_TITLE, prompt=OWNER_LYRICS)
    clip = song.clips[0]["id"]
    with isolated.client(token) as client:
        wav = client.post("/api/v1/wav/generate", json={"taskId": song.task_id, "audioId": clip}).json()
        wav_task = wav["data"]["taskId"]
        poll(client, "/api/v1/wav/record-info", wav_task, lambda d: d["successFlag"] != "PENDING")
        lyrics_task = client.post(
            "/api/v1/lyrics", json={"prompt": "owner idea", "callBackUrl": "https://example.com/cb"}
        ).json()["data"]["taskId"]
        poll(client, "/api/v1/lyrics/record-info", lyrics_task, lambda d: d["status"] != "PENDING")
        persona = client.post(
            "/api/v1/generate/generate-persona",
            json={
                "taskId": song.task_id,
                "audioId": clip,
                "name": "Owner Voice",
                "description": "owner",
                "vocalStart": 0,
                "vocalEnd": 10,
            },
        ).json()["data"]["personaId"]
        record = client.get("/api/v1/generate/record-info", params={"taskId": song.task_id}).json()["data"]
        audio_url = record["response"]["sunoData"][0]["audioUrl"]
        audio = client.get(audio_url).content
        return Owner(
            token,
            song.task_id,
            [c["id"] for c in song.clips],
            wav_task,
            lyrics_task,
            persona,
            audio_url,
            audio,
            balance(client),
            record,
        )


def routes(service: ServiceHarness) -> list[tuple[str, str, dict]]:
    with service.client() as client:
        schema = client.get("/openapi.json").json()
    found = []
    for path, item in sorted(schema["paths"].items()):
        if path.startswith(NOT_PER_KEY):
            continue
        for method, op in item.items():
            if method in ("get", "post"):
                found.append((method, path, {"op": op, "schema": schema}))
    return found


def candidates(owner: Owner, field: str) -> list[str]:
    tasks = [owner.task_id, owner.wav_task, owner.lyrics_task]
    if field in TASK_FIELDS:
        return tasks
    if field in CLIP_FIELDS:
        return owner.clip_ids[:1]
    if field in PERSONA_FIELDS:
        return [owner.persona_id]
    if field in EITHER_FIELDS:
        return [*tasks, owner.clip_ids[0], owner.persona_id]
    return []


def body_example(op: dict, schema: dict) -> dict[str, Any]:
    ref = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
    component = schema["components"]["schemas"].get(ref.get("$ref", "").rsplit("/", 1)[-1], {})
    examples = component.get("examples") or [{}]
    body = copy.deepcopy(examples[0])
    for name in component.get("properties", {}):
        if name in ID_FIELDS:
            body.setdefault(name, None)  # every id field the route takes, documented example or not
    return {k: v for k, v in body.items() if v is not None or k in ID_FIELDS}


def requests_for(method: str, path: str, info: dict, owner: Owner) -> list[dict[str, Any]]:
    """Every request the stranger sends this route: each id-taking parameter or field set to each of the
    owner's ids of the kind it takes (the rest of the body from the route's documented example)."""
    op = info["op"]
    params = [p for p in op.get("parameters", []) if p["name"] != "authorization"]
    out: list[dict[str, Any]] = []
    for p in params:
        for value in candidates(owner, p["name"]):
            if p["in"] == "path":
                out.append({"url": path.replace("{" + p["name"] + "}", value)})
            elif p["in"] == "query":
                out.append({"url": path, "params": {p["name"]: value}})
    if method == "post":
        body = body_example(op, info["schema"])
        fields = [f for f in body if candidates(owner, f)]
        if fields:
            for pick in range(3):  # the music task, the derived task, the lyrics task in task fields
                filled = dict(body)
                for f in fields:
                    values = candidates(owner, f)
                    filled[f] = (
                        [values[min(pick, len(values) - 1)]]
                        if f == "ids"
                        else values[min(pick, len(values) - 1)]
                    )
                out.append({"url": path, "json": filled})
    elif not out and "{" not in path:
        out.append({"url": path})  # a listing (library, personas, credits): must not show the owner's work
    return out


def test_a_second_key_reaches_nothing_of_the_first_keys(isolated: ServiceHarness, owner: Owner) -> None:
    stranger_token = isolated.new_key(credits=1000)
    secrets = [OWNER_TITLE, "quokka zephyr", "Owner Voice", owner.audio_url]
    tried = 0
    with isolated.client(stranger_token) as stranger:
        for method, path, info in routes(isolated):
            for request in requests_for(method, path, info, owner):
                reply = stranger.request(method.upper(), request.pop("url"), **request)
                tried += 1
                assert reply.status_code < 500, (method, path, request, reply.status_code, reply.text[:300])
                for secret in secrets:
                    assert secret not in reply.text, (method, path, request, reply.text[:300])
        assert balance(stranger) == 1000
    stranger_key = isolated.services.keys.authenticate(f"Bearer {stranger_token}")
    assert isolated.services.store.key_task_counts(stranger_key.id) == {}  # made nothing
    assert tried >= 80, tried
    # the owner: same balance, same task as before, polling works, files the same bytes
    with isolated.client(owner.token) as client:
        assert balance(client) == owner.balance
        for _ in range(3):
            reply = client.get("/api/v1/generate/record-info", params={"taskId": owner.task_id})
            assert reply.status_code == 200 and reply.json()["data"] == owner.record
        assert client.get(owner.audio_url).content == owner.audio
        persona = client.get("/api/persona", params={"id": owner.persona_id})
        assert persona.status_code == 200 and "Owner Voice" in persona.text
        # the probe can see a leak: the same GET requests from the owner show the owner's song
        shown = 0
        for method, path, info in routes(isolated):
            for request in requests_for(method, path, info, owner) if method == "get" else []:
                shown += OWNER_TITLE in client.get(request.pop("url"), **request).text
        assert shown >= 8, shown
