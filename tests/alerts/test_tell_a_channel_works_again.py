"""A channel flagged to administrators as failing tells them, on its next success, that it
works again: on the bell, in each administrator's language, once.

A trial mended a refused webhook and sent a test that passed; the administrators' bell still
held only the unread "failed 3 times in a row", with nothing to say it was over."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone, translation

from tests.alerts._support import make_topic, matched_mention
from vigil.accounts.models import SystemNotice
from vigil.accounts.notices import said_again
from vigil.alerts.models import Channel, Notification
from vigil.alerts.services import create_channel, create_rule, deliver_due, send_test
from vigil.alerts.services.evaluate import evaluate_new_mentions
from vigil.alerts.services.outcomes import CHANNEL_FLAG_AFTER

pytestmark = pytest.mark.django_db


def test_a_failing_channel_that_works_again_says_so_to_administrators(
    httpserver, make_user
) -> None:
    admin = make_user("Administrator", "root")
    make_user("Responder", "kim")
    httpserver.expect_request("/hook").respond_with_data("down", status=503)
    channel = create_channel(
        name="Ops", kind="webhook", config={"url": httpserver.url_for("/hook")}
    )
    topic = make_topic()
    create_rule(name="Any", kind="keyword", topic=topic, routing={"channels": [channel.pk]})
    evaluate_new_mentions([matched_mention(topic)])
    now = timezone.now()
    for _ in range(CHANNEL_FLAG_AFTER):
        deliver_due(now=now)
        now += dt.timedelta(minutes=10)
    assert SystemNotice.objects.filter(code="channel.failing", resolved_at=None).exists()
    assert not Notification.objects.filter(code="channel.recovered").exists()

    httpserver.clear()
    httpserver.expect_request("/hook").respond_with_data("ok")
    assert send_test(Channel.objects.get(pk=channel.pk), actor=admin).status == "sent"
    (told,) = Notification.objects.filter(code="channel.recovered")
    assert told.user == admin and told.title == "Channel “Ops” works again"
    assert told.url == "/alerts/channels/"
    assert not SystemNotice.objects.filter(code="channel.failing", resolved_at=None).exists()

    # Once: further successes have nothing to clear.
    send_test(Channel.objects.get(pk=channel.pk), actor=admin)
    assert Notification.objects.filter(code="channel.recovered").count() == 1
    with translation.override("en"):
        assert said_again("channel.recovered", told.params, "") == "Channel “Ops” works again"


def test_mending_a_channel_sends_its_waiting_messages_now(httpserver, make_user) -> None:
    # A trial corrected a refused webhook's address; its message sat out the backoff anyway.
    from vigil.alerts.models import Delivery
    from vigil.alerts.services import update_channel

    admin = make_user("Administrator", "root")
    httpserver.expect_request("/good").respond_with_data("ok")
    channel = create_channel(name="Ops", kind="webhook", config={"url": httpserver.url_for("/bad")})
    topic = make_topic()
    create_rule(name="Any", kind="keyword", topic=topic, routing={"channels": [channel.pk]})
    evaluate_new_mentions([matched_mention(topic)])
    deliver_due()
    row = Delivery.objects.get(channel=channel)
    assert row.status == "pending" and row.next_attempt_at > timezone.now()  # backing off

    update_channel(channel, actor=admin, name="Ops (renamed)")
    row.refresh_from_db()
    assert row.next_attempt_at > timezone.now()  # a new name mends nothing
    update_channel(channel, actor=admin, config={"url": httpserver.url_for("/good")})
    row.refresh_from_db()
    assert row.next_attempt_at <= timezone.now()
    assert deliver_due().sent >= 1
    row.refresh_from_db()
    assert row.status == "sent"
