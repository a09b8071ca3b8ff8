"""Share links over HTTP: the owner of a finished clip makes a public page for it, which anyone can open with
no key, shows that clip only (escaped), and answers 404 once revoked; nobody else can make or revoke one."""

from __future__ import annotations

import httpx

from tests.support.harness import ServiceHarness, wait_for
from tests.support.kie_client import finished

TITLE = 'Sea <script>alert("x")</script> & Sky'


def finished_song(client: httpx.Client, **extra: object) -> tuple[str, list[dict]]:
    body = {"customMode": True, "instrumental": False, "model": "V4_5", "title": TITLE, "style": "folk"}
    body |= {"prompt": "[Verse]\nWaves on the shore\n[Chorus]\nSing it once more"} | extra
    data = finished(client, body)
    return data["taskId"], data["response"]["sunoData"]


def test_share_page_shows_the_clip_to_anyone_until_revoked(service: ServiceHarness) -> None:
    key = service.new_key()
    with service.client(key) as owner, service.client() as anyone:
        task_id, clips = finished_song(owner)
        made = owner.post("/tunesmith/v1/shares", json={"taskId": task_id, "audioId": clips[0]["id"]})
        assert made.status_code == 200, made.text
        link = made.json()
        assert link["url"] == f"{service.base_url}/studio/share/{link['token']}" and len(link["token"]) == 32
        again = owner.post("/tunesmith/v1/shares", json={"taskId": task_id, "audioId": clips[0]["id"]})
        assert again.json()["token"] == link["token"]
        listed = owner.get("/tunesmith/v1/shares", params={"audioId": clips[0]["id"]}).json()["shares"]
        assert [s["token"] for s in listed] == [link["token"]]

        page = anyone.get(link["url"])
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        text = page.text
        assert (
            "Sea &lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; Sky" in text
            or "&lt;script&gt;" in text
        )
        assert "<script>alert" not in text
        assert "<li>Waves on the shore</li>" in text and "[Verse]" not in text
        assert clips[0]["audioUrl"] in text and clips[1]["audioUrl"] not in text  # that take only
        assert anyone.get(clips[0]["audioUrl"]).status_code == 200

        revoked = owner.delete(f"/tunesmith/v1/shares/{link['token']}")
        assert revoked.status_code == 200 and revoked.json()["revoked"] is True
        gone = anyone.get(link["url"])
        assert gone.status_code == 404 and "not shared" in gone.text and TITLE not in gone.text
        assert owner.get("/tunesmith/v1/shares").json()["shares"] == []
        assert anyone.get(f"{service.base_url}/studio/share/{'0' * 32}").status_code == 404


def test_only_the_owner_shares_and_revokes_and_only_finished_clips(service: ServiceHarness) -> None:
    with service.client(service.new_key()) as owner, service.client(service.new_key()) as stranger:
        task_id, clips = finished_song(owner)
        body = {"taskId": task_id, "audioId": clips[0]["id"]}
        refused = stranger.post("/tunesmith/v1/shares", json=body)
        assert refused.status_code == 404 and refused.json()["error"]["code"] == "NotFound"
        token = owner.post("/tunesmith/v1/shares", json=body).json()["token"]
        assert stranger.delete(f"/tunesmith/v1/shares/{token}").status_code == 404
        assert stranger.get("/tunesmith/v1/shares").json()["shares"] == []
        with service.client() as anyone:
            assert anyone.get(f"/studio/share/{token}").status_code == 200  # still shared

        slow = owner.post(
            "/api/v1/generate",
            json={"customMode": False, "instrumental": True, "model": "V4_5", "prompt": "x test:slow=3"},
        ).json()["data"]["taskId"]
        other_task = owner.post("/tunesmith/v1/shares", json={"taskId": slow, "audioId": clips[0]["id"]})
        assert other_task.status_code == 404  # that clip is not part of that task

        def rendering() -> list[dict] | None:
            data = owner.get("/api/v1/generate/record-info", params={"taskId": slow}).json()["data"]
            return (
                data
                and data["response"]["sunoData"]
                and data["status"] != "SUCCESS"
                and data["response"]["sunoData"]
            )

        clip = wait_for(rendering, timeout=10, interval=0.4)[0]
        unfinished = owner.post("/tunesmith/v1/shares", json={"taskId": slow, "audioId": clip["id"]})
        assert unfinished.status_code == 422 and "not finished" in unfinished.json()["error"]["message"]
        missing = owner.post("/tunesmith/v1/shares", json={"taskId": task_id})
        assert missing.status_code == 422 and missing.json()["error"]["field"] == "audioId"
