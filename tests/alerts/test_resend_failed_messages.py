"""A channel's failed messages about open alerts can be sent again, from the channel list or
the API, each with fresh attempts.

An integrator's receiver was down longer than the six attempts (about 16 minutes): those
alerts never reached the incident system, and nothing could send them again."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.alerts._support import make_topic, matched_mention
from vigil.accounts.models import AuditEntry
from vigil.alerts.models import Alert, Delivery
from vigil.alerts.services import close_alert, create_channel, create_rule, deliver_due
from vigil.alerts.services.evaluate import evaluate_new_mentions

pytestmark = pytest.mark.django_db


def _failed_webhook(httpserver, titles: list[str]):  # type: ignore[no-untyped-def]
    httpserver.expect_request("/hook").respond_with_data("down", status=503)
    channel = create_channel(
        name="Ops", kind="webhook", config={"url": httpserver.url_for("/hook")}
    )
    topic = make_topic()
    for title in titles:  # one rule and one alert each
        create_rule(
            name=title,
            kind="keyword",
            topic=topic,
            conditions={"query": title},
            routing={"channels": [channel.pk]},
        )
        evaluate_new_mentions([matched_mention(topic, title=title)])
    now = timezone.now()
    # A failing channel tries one message at a time: six attempts each, one after another.
    for _ in range(60):
        if not Delivery.objects.filter(channel=channel, status="pending").exists():
            break
        deliver_due(now=now)
        now += dt.timedelta(minutes=10)
    rows = Delivery.objects.filter(channel=channel)
    assert rows.exists() and set(rows.values_list("status", flat=True)) == {"failed"}
    return channel, now


def test_the_channel_list_sends_failed_messages_of_open_alerts_again(
    httpserver, client_for
) -> None:
    channel, now = _failed_webhook(httpserver, ["烫伤", "爆炸"])
    admin = client_for("Administrator")
    closed = Alert.objects.filter(title__contains="爆炸").first()
    close_alert(closed, actor=admin.user)
    open_rows = Delivery.objects.filter(channel=channel).exclude(alert=closed).count()

    page = admin.get("/alerts/channels/").content.decode()
    label = f"Send {open_rows} failed message" + ("s" if open_rows > 1 else "") + " again"
    assert label in page  # the closed alert's messages are not counted
    done = admin.post(f"/alerts/channels/{channel.pk}/resend-failed/", follow=True)
    assert f"{open_rows} message" in done.content.decode()
    waiting = Delivery.objects.filter(channel=channel, status="pending")
    assert waiting.count() == open_rows and {d.attempts for d in waiting} == {0}
    assert Delivery.objects.filter(alert=closed, status="failed").exists()
    entry = AuditEntry.objects.get(action="channel.resent_failed")
    assert entry.after == {"resent": open_rows} and entry.actor == admin.user

    httpserver.clear()
    httpserver.expect_request("/hook").respond_with_data("ok")
    deliver_due(now=timezone.now() + dt.timedelta(seconds=1))
    assert Delivery.objects.filter(channel=channel, status="sent").count() == open_rows
    assert "failed message" not in admin.get("/alerts/channels/").content.decode()


def test_the_api_sends_them_again_and_readers_cannot(httpserver, client_for) -> None:
    channel, _now = _failed_webhook(httpserver, ["烫伤"])
    failed = Delivery.objects.filter(channel=channel, status="failed").count()
    viewer = client_for("Viewer")
    refused = viewer.post(f"/api/alerts/channels/{channel.pk}/resend-failed")
    assert refused.status_code == 403
    admin = client_for("Administrator")
    answer = admin.post(f"/api/alerts/channels/{channel.pk}/resend-failed")
    assert answer.status_code == 200 and answer.json() == {"resent": failed}
    again = admin.post(f"/api/alerts/channels/{channel.pk}/resend-failed")
    assert again.json() == {"resent": 0}  # nothing failed is left
    assert AuditEntry.objects.filter(action="channel.resent_failed").count() == 1
    assert admin.post("/api/alerts/channels/99999/resend-failed").status_code == 404
