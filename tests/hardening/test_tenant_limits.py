"""Per-task rate limits belong to the caller: another key polling my task id (or an id that does not exist)
spends its own budget and is told "not found"; my polls keep working. Over real HTTP."""

from __future__ import annotations

import uuid

from tests.support.harness import ServiceHarness
from tests.support.kie_client import custom_body

RECORD = "/api/v1/generate/record-info"


def test_a_foreign_key_cannot_starve_the_owners_polling(service: ServiceHarness) -> None:
    with service.client(service.new_key()) as owner, service.client(service.new_key()) as other:
        task_id = owner.post("/api/v1/generate", json=custom_body()).json()["data"]["taskId"]
        for _ in range(3):  # the owner's own budget is 3 polls a second
            # the other key polls the owner's id until its own window is full...
            codes = []
            while not codes or codes[-1] != 429:
                reply = other.get(RECORD, params={"taskId": task_id})
                codes.append(reply.status_code)
                assert len(codes) <= 10, codes
            assert set(codes[:-1]) <= {404}, codes
            assert other.get(RECORD, params={"taskId": task_id}).json()["code"] == 429
            # ...and the owner's next poll, at once, is still answered
            mine = owner.get(RECORD, params={"taskId": task_id})
            assert mine.status_code == 200, mine.text
            assert mine.json()["data"]["taskId"] == task_id


def test_an_unknown_id_costs_the_callers_own_budget(service: ServiceHarness) -> None:
    with service.client(service.new_key()) as client:
        missing = uuid.uuid4().hex
        codes = [client.get(RECORD, params={"taskId": missing}).status_code for _ in range(6)]
        assert codes[:3] == [404, 404, 404] and 429 in codes[3:], codes
