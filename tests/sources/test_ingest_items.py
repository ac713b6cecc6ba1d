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


def test_signed_push_needs_a_fresh_correct_signature(client, push_source) -> None:
    body = json.dumps(_batch(GOOD)).encode()
    now = str(int(time.time()))

    def post(timestamp: str, signature: str):  # noqa: ANN202
        return client.post(
            "/api/ingest",
            data=body,
            content_type="application/json",
            HTTP_X_VIGIL_TIMESTAMP=timestamp,
            HTTP_X_VIGIL_SIGNATURE=signature,
        )

    assert post(now, signature_for(SECRET, now, body)).status_code == 200
    assert post(now, signature_for("wrong", now, body)).status_code == 401
    stale = str(int(time.time()) - 3600)
    assert post(stale, signature_for(SECRET, stale, body)).status_code == 401
    assert post(now, "").status_code == 401


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
