"""The topic editor: live query check, preview before saving, saving; the API for the same."""

from __future__ import annotations

import pytest

from tests.factories import MentionFactory
from vigil.monitoring.models import MonitoringPlan, Topic
from vigil.monitoring.services import create_plan

pytestmark = pytest.mark.django_db


def test_live_check_shows_the_parsed_form_or_the_error_with_a_caret(client_for) -> None:
    analyst = client_for("Analyst")
    ok = analyst.post("/topics/check/", {"field": "query", "query": "明光 烫伤"}).content.decode()
    assert "✓" in ok and "明光 AND 烫伤" in ok
    bad = analyst.post("/topics/check/", {"field": "query", "query": "明光 AND"}).content.decode()
    assert "error at column" in bad and "^" in bad


def test_preview_then_save_a_topic(client_for) -> None:
    MentionFactory(title="明光电水壶烫伤", text="太危险了")
    analyst = client_for("Analyst")
    plan = create_plan(name="Brand")
    preview = analyst.post("/topics/preview/", {"query": "明光 AND 烫伤"}).content.decode()
    assert "1 mention in the last 7 days" in preview and "<mark>" in preview
    response = analyst.post(
        "/topics/new/",
        {
            "plan": plan.pk,
            "name": "Kettle safety",
            "kind": "product",
            "query": "明光 AND 烫伤",
            "exclude_query": "",
            "alert_level": "II",
            "is_active": "on",
            "channels": ["social", "forum"],
        },
    )
    topic = Topic.objects.get(name="Kettle safety")
    assert response.status_code == 302 and response["Location"] == f"/topics/{topic.pk}/"
    assert topic.channels == ["forum", "social"] and topic.alert_level == "II"
    detail = analyst.get(f"/topics/{topic.pk}/").content.decode()
    assert "Kettle safety" in detail and "v1" in detail and 'id="retro"' in detail
    listing = analyst.get("/topics/").content.decode()
    assert "Kettle safety" in listing and "Brand" in listing


def test_saving_a_bad_query_keeps_the_form_with_the_error(client_for) -> None:
    analyst = client_for("Analyst")
    plan = create_plan(name="Brand")
    page = analyst.post(
        "/topics/new/",
        {"plan": plan.pk, "name": "X", "kind": "brand", "query": '"unclosed', "alert_level": "III"},
    )
    assert page.status_code == 200 and "error at column" in page.content.decode()
    assert not Topic.objects.exists()


def test_viewer_reads_topics_but_cannot_change_them(client_for) -> None:
    viewer = client_for("Viewer")
    plan = create_plan(name="Brand")
    assert viewer.get("/topics/").status_code == 200
    assert viewer.get("/topics/new/").status_code == 403
    assert (
        viewer.post("/topics/new/", {"plan": plan.pk, "name": "x", "query": "x"}).status_code == 403
    )


def test_topics_through_the_api(client_for) -> None:
    analyst = client_for("Analyst")
    plan = analyst.post(
        "/api/plans", data={"name": "API plan", "scope": "test"}, content_type="application/json"
    ).json()
    created = analyst.post(
        "/api/topics",
        data={"plan_id": plan["id"], "name": "Brand", "query": "Lumina OR 明光", "retro_days": 0},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    topic_id = created.json()["id"]
    changed = analyst.patch(
        f"/api/topics/{topic_id}",
        data={"query": "Lumina OR 明光 OR 明光智能"},
        content_type="application/json",
    )
    assert changed.json()["version"] == 2
    versions = analyst.get(f"/api/topics/{topic_id}/versions").json()
    assert [v["version"] for v in versions] == [2, 1]
    refused = analyst.post(
        "/api/topics",
        data={"plan_id": plan["id"], "name": "Bad", "query": "a NEAR b"},
        content_type="application/json",
    )
    assert refused.status_code == 400 and "column" in refused.json()["error"]["message"]
    check = analyst.post(
        "/api/query/check", data={"query": "title:明光 -招聘"}, content_type="application/json"
    ).json()
    assert check["ok"] and check["parsed"]
    zh = analyst.post(
        "/api/query/check",
        data={"query": '明光 AND "召回'},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    ).json()
    assert zh["ok"] is False and zh["error"] == "第 8 列有误：引号没有闭合"
    assert MonitoringPlan.objects.get(name="API plan").topics.count() == 1
