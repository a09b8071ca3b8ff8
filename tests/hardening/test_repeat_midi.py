"""A MIDI export is one file per clip: asking again (from the music task or from a separation of the same
clip) answers with the live task and charges nothing; once that task has failed, a new one is made."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from tests.support.harness import ServiceHarness
from tests.support.kie_client import balance, make_song, poll


def test_repeat_midi_exports_answer_the_live_task_and_charge_once(service: ServiceHarness) -> None:
    song = make_song(service, service.new_key(credits=1000))
    clip = song.clips[0]
    with service.client(song.token) as client:
        before = balance(client)
        body = {"taskId": song.task_id, "audioId": clip["id"]}
        ids = [client.post("/api/v1/midi/generate", json=body).json()["data"]["taskId"] for _ in range(5)]
        assert len(set(ids)) == 1, ids
        assert balance(client) == before - service.settings.cost_of("midi")
        data = poll(client, "/api/v1/midi/record-info", ids[0], lambda d: d["successFlag"] != 0)["data"]
        assert data["successFlag"] == 1 and data["midiData"]["instruments"], data
        again = client.post("/api/v1/midi/generate", json=body).json()
        assert again["code"] == 200 and again["data"]["taskId"] == ids[0]
        # the second clip of the song is another file: charged once more
        other = client.post("/api/v1/midi/generate", json={**body, "audioId": song.clips[1]["id"]}).json()
        assert other["data"]["taskId"] != ids[0]
        assert balance(client) == before - 2 * service.settings.cost_of("midi")
    # another key cannot reach the first key's MIDI through the same clip id
    with service.client(service.new_key(credits=10)) as stranger:
        reply = stranger.post("/api/v1/midi/generate", json=body)
        assert reply.json()["code"] == 404 and balance(stranger) == 10


def test_simultaneous_first_midi_requests_make_one_task(service: ServiceHarness) -> None:
    song = make_song(service, service.new_key(credits=1000))
    body = {"taskId": song.task_id, "audioId": song.clips[0]["id"]}
    with service.client(song.token) as client:
        before = balance(client)

        def ask(_: int) -> str:
            return client.post("/api/v1/midi/generate", json=body).json()["data"]["taskId"]

        with ThreadPoolExecutor(8) as pool:
            ids = list(pool.map(ask, range(8)))
        assert len(set(ids)) == 1, ids
        assert balance(client) == before - service.settings.cost_of("midi")
