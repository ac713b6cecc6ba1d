"""POST /api/ingest: token or HMAC signature, idempotent on ids, bad items reported."""

from __future__ import annotations

import json
import time

import pytest

from vigil.accounts.services import issue_api_token
from vigil.mentions.models import Mention
from vigil.sources.intake import signature_for
from vigil.sources.models import RawItem
from vigil.sources.services import create_source

pytestmark = pytest.mark.django_db(transaction=True)

SECRET = "s3cret-signing-key"  # noqa: S105


@pytest.fixture
def push_source():  # noqa: ANN201
    return create_source(name="Vendor push", kind="push", config={"signing_secret": SECRET})


def _batch(*items: dict) -> dict:
    return {"source": "Vendor push", "items": list(items)}


GOOD = {
    "id": "v-1",
    "url": "https://forum.example.cn/t/1",
    "title": "明光电水壶烫伤",
    "text": "用了三天就漏电，还烫伤了手。",
    "published_at": "2026-11-20T08:00:00+08:00",
}


def test_token_push_stores_items_and_reports_bad_ones(client, make_user, push_source) -> None:
    token = issue_api_token(make_user("Analyst")).raw
    body = _batch(
        GOOD,
        {"id": "v-2", "title": ""},
        {"id": "v-3", "text": "Second good one, long enough.", "published_at": "not a date"},
        {"id": "v-4", "text": "Lumina kettle recall expands to Europe", "likes": 3},
    )
    response = client.post(
        "/api/ingest",
        data=json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 200, response.content
    result = response.json()
    assert (result["received"], result["new"]) == (4, 2)
    assert [e["line"] for e in result["errors"]] == [2, 3]
    assert "not a date" in result["errors"][1]["message"]
    # Processed after commit: the mentions are there.
    assert Mention.objects.filter(source=push_source).count() == 2


def test_pushing_the_same_ids_again_adds_nothing(client, make_user, push_source) -> None:
    token = issue_api_token(make_user("Analyst")).raw
    for _ in range(2):
        response = client.post(
            "/api/ingest",
            data=json.dumps(_batch(GOOD)),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
    assert response.json()["new"] == 0 and response.json()["duplicates"] == 1
    assert RawItem.objects.filter(source=push_source).count() == 1


def _signed_post(client, body: bytes, timestamp: str, signature: str, **headers: str):  # noqa: ANN001, ANN202
    if timestamp:
        headers["HTTP_X_VIGIL_TIMESTAMP"] = timestamp
    if signature:
        headers["HTTP_X_VIGIL_SIGNATURE"] = signature
    return client.post("/api/ingest", data=body, content_type="application/json", **headers)


def test_signed_push_needs_a_fresh_correct_signature(client, push_source) -> None:
    body = json.dumps(_batch(GOOD)).encode()
    now = str(int(time.time()))
    assert _signed_post(client, body, now, signature_for(SECRET, now, body)).status_code == 200
    assert RawItem.objects.filter(source=push_source).count() == 1


def _refusal(response) -> tuple[str, str]:  # noqa: ANN001
    assert response.status_code == 401, response.content
    error = response.json()["error"]
    assert set(error) == {"code", "message", "details"}
    return error["code"], error["message"]


@pytest.mark.parametrize(
    ("case", "code", "says"),
    [
        ("wrong secret", "bad_signature", "does not match this source's secret"),
        ("an hour old", "expired_signature", "too old (more than 5 minutes)"),
        ("an hour ahead", "future_timestamp", "in the future"),
        ("not a number", "bad_timestamp", "Unix seconds"),
        ("not sha256=hex", "malformed_signature", "64 hexadecimal digits"),
        ("no signature header", "missing_signature_header", "Send both X-Vigil-Timestamp"),
    ],
)
def test_a_refused_signature_says_what_is_wrong(
    client, push_source, case: str, code: str, says: str
) -> None:
    body = json.dumps(_batch(GOOD)).encode()
    now = int(time.time())
    timestamp = {
        "an hour old": str(now - 3600),
        "an hour ahead": str(now + 3600),
        "not a number": "yesterday",
    }.get(case, str(now))
    secret = "wrong-secret" if case == "wrong secret" else SECRET
    signature = {
        "not sha256=hex": "md5=abc",
        "no signature header": "",
    }.get(case, signature_for(secret, timestamp, body))
    got_code, message = _refusal(_signed_post(client, body, timestamp, signature))
    assert (got_code, says in message) == (code, True), message
    assert not RawItem.objects.exists()


def test_a_signed_push_to_a_source_that_cannot_take_it_is_refused_alike(
    client, push_source
) -> None:
    """Unknown name, not a push source, push source without a secret: one answer, so an
    unsigned caller cannot learn which source names exist."""
    create_source(name="A feed", kind="rss", config={"url": "https://example.com/feed.xml"})
    create_source(name="Token only", kind="push", config={})
    now = str(int(time.time()))
    answers = set()
    for name in ["Nope", "A feed", "Token only"]:
        body = json.dumps({"source": name, "items": [GOOD]}).encode()
        answers.add(_refusal(_signed_post(client, body, now, signature_for(SECRET, now, body))))
    assert len(answers) == 1
    code, message = answers.pop()
    assert code == "unknown_source" and "API token" in message


def test_an_unauthenticated_push_is_told_both_ways_in(client, push_source) -> None:
    body = json.dumps(_batch(GOOD)).encode()
    code, message = _refusal(_signed_post(client, body, "", ""))
    assert code == "unauthenticated"
    assert "Authorization: Bearer" in message and "X-Vigil-Signature" in message


def test_signature_errors_are_translated(client, push_source) -> None:
    body = json.dumps(_batch(GOOD)).encode()
    now = str(int(time.time()))
    response = _signed_post(
        client, body, now, signature_for("wrong", now, body), HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    code, message = _refusal(response)
    assert code == "bad_signature" and "签名" in message


def test_push_errors_are_said_in_the_request_language(client, make_user, push_source) -> None:
    """Codes and field names stay English for programs; messages follow Accept-Language."""
    token = issue_api_token(make_user("Analyst")).raw
    zh = {"HTTP_AUTHORIZATION": f"Bearer {token}", "HTTP_ACCEPT_LANGUAGE": "zh-CN,zh;q=0.9"}
    unknown = client.post(
        "/api/ingest",
        data=json.dumps({"source": "Nope", "items": []}),
        content_type="application/json",
        **zh,
    )
    error = unknown.json()["error"]
    assert unknown.status_code == 404 and error["code"] == "not_found"
    assert error["message"] == "没有名为“Nope”的信息源"
    batch = client.post(
        "/api/ingest",
        data=json.dumps(_batch(GOOD, {"id": "v-2", "title": ""})),
        content_type="application/json",
        **zh,
    )
    assert batch.status_code == 200
    assert batch.json()["errors"] == [{"line": 2, "message": "该行没有标题、正文或链接"}]
    english = client.post(
        "/api/ingest",
        data=json.dumps(_batch({"id": "v-3"})),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert english.json()["errors"][0]["message"] == "row has no title, text or url"


def test_viewer_token_is_refused_and_other_kinds_cannot_be_pushed(
    client, make_user, push_source
) -> None:
    viewer = issue_api_token(make_user("Viewer")).raw
    response = client.post(
        "/api/ingest",
        data=json.dumps(_batch(GOOD)),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {viewer}",
    )
    assert response.status_code == 403
    create_source(name="A feed", kind="rss", config={"url": "https://example.com/feed.xml"})
    analyst = issue_api_token(make_user("Analyst")).raw
    response = client.post(
        "/api/ingest",
        data=json.dumps({"source": "A feed", "items": [GOOD]}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {analyst}",
    )
    assert (
        response.status_code == 400 and "not a push source" in response.json()["error"]["message"]
    )


def test_malformed_bodies_get_clear_errors(client, make_user, push_source) -> None:
    token = issue_api_token(make_user("Analyst")).raw
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    bad_json = client.post("/api/ingest", data="{nope", content_type="application/json", **auth)
    assert bad_json.status_code == 400 and "not valid JSON" in bad_json.json()["error"]["message"]
    no_list = client.post(
        "/api/ingest",
        data=json.dumps({"source": "Vendor push", "items": 5}),
        content_type="application/json",
        **auth,
    )
    assert no_list.status_code == 400
    missing = client.post(
        "/api/ingest",
        data=json.dumps({"source": "Nope", "items": []}),
        content_type="application/json",
        **auth,
    )
    assert missing.status_code == 404


def test_the_openapi_spec_describes_the_pushed_body(client) -> None:
    spec = client.get("/api/openapi.json").json()
    body = spec["paths"]["/api/ingest"]["post"]["requestBody"]
    schema = body["content"]["application/json"]["schema"]
    assert body["required"] and schema["required"] == ["source", "items"]
    assert schema["properties"]["items"]["maxItems"] == 1000
    item = schema["properties"]["items"]["items"]["properties"]
    assert item["channel"]["enum"] == ["news", "social", "forum", "blog", "video", "other"]
    assert {"id", "url", "title", "text", "published_at", "likes"} <= set(item)


def test_each_accepted_batch_is_audited_once_with_its_sender_and_counts(
    client, make_user, push_source
) -> None:
    from vigil.accounts.models import AuditEntry

    analyst = make_user("Analyst", username="kim")
    issued = issue_api_token(analyst, name="vendor crawler")
    body = _batch(GOOD, {"id": "v-2", "title": ""}, {"id": "v-3", "text": "Another good post."})
    headers = {"HTTP_AUTHORIZATION": f"Bearer {issued.raw}"}
    for _ in range(2):  # the second time both good items are duplicates
        client.post(
            "/api/ingest", data=json.dumps(body), content_type="application/json", **headers
        )
    pushed = list(AuditEntry.objects.filter(action="source.pushed").order_by("id"))
    assert len(pushed) == 2  # one per batch, not one per item
    first, again = pushed
    assert first.actor == analyst and first.object_id == str(push_source.pk)
    assert first.after == {
        "token": str(issued.token),  # "vendor crawler (vgl_…)"
        "received": 3,
        "new": 2,
        "duplicates": 0,
        "refused": 1,
    }
    assert (again.after["new"], again.after["duplicates"], again.after["refused"]) == (0, 2, 1)

    signed = json.dumps(_batch({**GOOD, "id": "v-9"})).encode()
    now = str(int(time.time()))
    assert _signed_post(client, signed, now, signature_for(SECRET, now, signed)).status_code == 200
    entry = AuditEntry.objects.filter(action="source.pushed").latest("id")
    assert entry.actor is None and entry.actor_label == "system"
    assert entry.after == {"signed": True, "received": 1, "new": 1, "duplicates": 0, "refused": 0}

    # A batch refused whole (too many items, a paused source) stores nothing and audits nothing.
    too_many = {"source": "Vendor push", "items": [GOOD] * 1001}
    refused = client.post(
        "/api/ingest", data=json.dumps(too_many), content_type="application/json", **headers
    )
    assert refused.status_code == 400
    assert AuditEntry.objects.filter(action="source.pushed").count() == 3

    # The audit log says it in the reader's words.
    admin = make_user("Administrator")
    client.force_login(admin)
    log = client.get("/accounts/audit/", {"object_type": "sources.source"}).content.decode()
    assert "pushed a batch of items" in log and "items refused" in log and "vendor crawler" in log


def test_a_count_too_big_to_store_is_refused_at_the_door(client, make_user, push_source) -> None:
    # A trial pushed "likes": 1e30: answered "new", then failed in the pipeline unseen.
    token = issue_api_token(make_user("Analyst")).raw
    body = _batch(GOOD, {"id": "big", "text": "A long enough text about Lumina.", "likes": 1e30})
    response = client.post(
        "/api/ingest",
        data=json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    result = response.json()
    assert (result["new"], [e["line"] for e in result["errors"]]) == (1, [2])
    assert "is too large to be a count" in result["errors"][0]["message"]
    negative = {"id": "neg", "text": "A long enough text about Lumina.", "shares": -5}
    response = client.post(
        "/api/ingest",
        data=json.dumps(_batch(negative)),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert "is negative: a count is 0 or more" in response.json()["errors"][0]["message"]


def test_a_body_over_the_limit_answers_a_json_413(client, make_user, push_source, settings) -> None:
    # Django's default 2.5 MB answered 1,000 forum posts (3.2 MB) with an HTML 400 page.
    token = issue_api_token(make_user("Analyst")).raw
    posts = [{**GOOD, "id": f"p{i}", "text": "很长的帖子。" * 550} for i in range(1000)]
    body = json.dumps(_batch(*posts))
    assert len(body.encode()) > 10 * 1024 * 1024 > 2.5 * 1024 * 1024
    response = client.post(
        "/api/ingest",
        data=body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 200, response.content[:300]
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = settings.MAX_REQUEST_BYTES = 1024 * 1024
    response = client.post(
        "/api/ingest",
        data=body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 413
    error = response.json()["error"]
    assert error["code"] == "too_large" and "1 MB" in error["message"]
