"""The inbox acts on many alerts at once: tick, then Acknowledge, Handled or False alarm.

Each alert goes through its own service (audited, escalation stopped); one whose state does
not allow the action is skipped and named, the rest still go through."""

from __future__ import annotations

import pytest

from tests.alerts._support import make_topic, matched_mention
from vigil.accounts.models import AuditEntry
from vigil.alerts.models import Alert
from vigil.alerts.services import close_alert, create_rule
from vigil.alerts.services.bulk import MAX_BULK, act_on_alerts
from vigil.alerts.services.evaluate import evaluate_new_mentions
from vigil.alerts.services.firing import AlertError

pytestmark = pytest.mark.django_db


def _three_alerts() -> list[Alert]:
    for name in ("Kettle", "Fridge", "Heater"):
        topic = make_topic(name, name.lower())
        create_rule(name=f"{name} words", kind="keyword", topic=topic, level="II")
        evaluate_new_mentions([matched_mention(topic, text=f"{name.lower()} burns")])
    return list(Alert.objects.order_by("pk"))


def test_ticked_alerts_are_acknowledged_each_on_its_own_and_the_closed_one_is_skipped(
    client_for,
) -> None:
    kettle, fridge, heater = _three_alerts()
    browser = client_for("Responder")
    close_alert(heater, actor=browser.user)
    back = "/alerts/?state=all&level=II"
    answer = browser.post(
        "/alerts/bulk/",
        {"ids": [kettle.pk, fridge.pk, heater.pk], "action": "ack", "next": back},
        follow=True,
    )
    assert answer.redirect_chain[-1][0] == back  # the same filtered page
    page = answer.content.decode()
    assert "2 alerts acknowledged." in page
    # One line per reason, naming the alerts by number (the inbox shows #12 on each row).
    assert (
        f"Skipped #{heater.pk}: only a new alert can be acknowledged (this one is handled)" in page
    )
    # In Chinese, the numbers then why, not brackets in brackets (a zh trial).
    again = browser.post(
        "/alerts/bulk/",
        {"ids": [kettle.pk, fridge.pk], "action": "ack", "next": back},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    ).content.decode()
    assert f"已跳过 #{kettle.pk}、#{fridge.pk}：只有新预警才能确认（此预警状态为" in again
    for alert in (kettle, fridge):
        alert.refresh_from_db()
        assert alert.state == "acknowledged" and alert.acknowledged_by == browser.user
        assert alert.next_escalation_at is None
    acknowledged = AuditEntry.objects.filter(action="alert.acknowledged")
    assert sorted(int(e.object_id) for e in acknowledged) == [kettle.pk, fridge.pk]


def test_a_false_alarm_for_the_ticked_closes_them_all(client_for) -> None:
    alerts = _three_alerts()
    browser = client_for("Responder")
    browser.post("/alerts/bulk/", {"ids": [a.pk for a in alerts], "action": "false_alarm"})
    assert set(Alert.objects.values_list("state", "feedback")) == {("false_alarm", "false_alarm")}


def test_nothing_ticked_an_unknown_action_or_a_foreign_next_changes_nothing(client_for) -> None:
    (kettle, *_rest) = _three_alerts()
    browser = client_for("Responder")
    none = browser.post("/alerts/bulk/", {"action": "ack"}, follow=True)
    assert "Tick the alerts to act on first." in none.content.decode()
    odd = browser.post(
        "/alerts/bulk/",
        {"ids": [kettle.pk], "action": "delete", "next": "https://evil.example.com/"},
    )
    assert odd["Location"] == "/alerts/"
    kettle.refresh_from_db()
    assert kettle.state == "new"
    with pytest.raises(AlertError):
        act_on_alerts(list(range(MAX_BULK + 1)), "ack", actor=browser.user)


def test_readers_cannot_act_on_many(client_for) -> None:
    (kettle, *_rest) = _three_alerts()
    viewer = client_for("Viewer")
    assert viewer.post("/alerts/bulk/", {"ids": [kettle.pk], "action": "ack"}).status_code == 403
    assert 'form="bulk"' not in viewer.get("/alerts/").content.decode()
    kettle.refresh_from_db()
    assert kettle.state == "new"


def test_the_api_acts_on_many_and_lists_what_it_skipped(client_for) -> None:
    kettle, fridge, heater = _three_alerts()
    responder = client_for("Responder")
    close_alert(heater, actor=responder.user)
    answer = responder.post(
        "/api/alerts/bulk",
        {"ids": [kettle.pk, fridge.pk, heater.pk, 9999, kettle.pk], "action": "handle"},
        content_type="application/json",
    )
    assert answer.status_code == 200
    body = answer.json()
    assert body["done"] == [kettle.pk, fridge.pk]  # kettle given twice is handled once
    assert [s["id"] for s in body["skipped"]] == [heater.pk, 9999]
    assert "already closed" in body["skipped"][0]["reason"]
    assert body["skipped"][1]["reason"] == "no such alert"
    refused = responder.post(
        "/api/alerts/bulk",
        {"ids": [kettle.pk], "action": "delete"},
        content_type="application/json",
    )
    assert refused.status_code == 422  # as every body the schema refuses
    assert refused.json()["error"]["details"][0]["loc"][-1] == "action"
    assert "'ack', 'handle' or 'false_alarm'" in refused.json()["error"]["message"]
    empty = responder.post(
        "/api/alerts/bulk", {"ids": [], "action": "ack"}, content_type="application/json"
    )
    assert "ids: must not be empty" in empty.json()["error"]["message"]
    reader = client_for("Viewer").post(
        "/api/alerts/bulk", {"ids": [kettle.pk], "action": "ack"}, content_type="application/json"
    )
    assert reader.status_code == 403
    # Who may, not only the permission's code.
    said = reader.json()["error"]["message"]
    assert "only Administrator and Responder may" in said and "alerts.change_alert" in said
