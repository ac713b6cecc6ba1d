"""A message held by quiet hours or a weekend says so when it finally goes, with the time it
was held from in the reader's zone and language.

A trial's level-III notice went out twelve minutes after its alert, at the end of the quiet
hours, already reading "Overdue" and saying nothing of why it came late."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.alerts._support import make_topic, matched_mention
from vigil.alerts.models import Alert, Delivery
from vigil.alerts.services import create_channel, create_rule
from vigil.alerts.services.evaluate import evaluate_new_mentions
from vigil.alerts.services.messages import message_for

pytestmark = pytest.mark.django_db

#: The new words' Chinese, until the catalogue is rebuilt (`make messages`).
CHINESE = {
    "Held for quiet hours since {time} ({zone})": "因免打扰时段暂缓，自 {time}（{zone}）起",
    "Held for the weekend since {time} ({zone})": "因周末暂缓，自 {time}（{zone}）起",
}


@pytest.fixture
def chinese_words():  # noqa: ANN201
    from unittest import mock

    from django.utils import translation

    with translation.override("zh-hans"):
        catalog = translation.trans_real.translation("zh-hans")._catalog._catalogs[0]
    with mock.patch.dict(catalog, CHINESE):
        yield


def _held_alert(make_user, level: str) -> tuple[Alert, Delivery, Delivery]:  # noqa: ANN001
    channel = create_channel(
        name="Mail",
        kind="apprise",
        config={"urls": ["mailto://127.0.0.1:1?from=v@example.com"], "to_recipients": True},
    )
    wang = make_user(
        "Responder",
        "wang",
        email="wang@example.com",
        language="zh-hans",
        timezone_name="Asia/Shanghai",
    )
    kim = make_user("Responder", "kim", email="kim@example.com", language="en")
    now = timezone.now()
    topic = make_topic()
    create_rule(
        name="Burns",
        kind="keyword",
        topic=topic,
        level=level,
        routing={
            "recipients": {"users": [wang.pk, kim.pk]},
            "channels": [channel.pk],
            "timezone": "UTC",
            "quiet_start": (now - dt.timedelta(hours=1)).time().strftime("%H:%M"),
            "quiet_end": (now + dt.timedelta(hours=1)).time().strftime("%H:%M"),
        },
    )
    evaluate_new_mentions([matched_mention(topic)])
    alert = Alert.objects.get()
    rows = Delivery.objects.filter(alert=alert, channel=channel)
    return alert, rows.get(recipient=kim), rows.get(recipient=wang)


def test_a_message_held_for_quiet_hours_says_since_when(make_user, chinese_words) -> None:
    alert, to_kim, to_wang = _held_alert(make_user, "III")
    assert to_kim.held_reason == "quiet_hours"
    queued = to_kim.created_at
    english = message_for(to_kim).body
    assert f"Held for quiet hours since {queued:%Y-%m-%d %H:%M} (UTC)" in english
    shanghai = queued.astimezone(dt.timezone(dt.timedelta(hours=8)))
    chinese = message_for(to_wang).body
    assert "Held for" not in chinese
    assert f"因免打扰时段暂缓，自 {shanghai:%Y-%m-%d %H:%M}（Asia/Shanghai）起" in chinese


def test_a_message_sent_at_once_says_nothing_of_holding(make_user) -> None:
    _alert, to_kim, _to_wang = _held_alert(make_user, "I")  # level I is never held
    assert to_kim.held_reason == ""
    assert "Held for" not in message_for(to_kim).body


def test_held_messages_follow_quiet_hours_edited_after_they_were_queued(make_user) -> None:
    # A trial shortened a rule's quiet hours: the next news of the alert ("grown fourfold")
    # went at once, while the alert's own messages still waited for the old end.
    from vigil.alerts.services import update_rule

    alert, to_kim, to_wang = _held_alert(make_user, "III")
    rule = alert.rule
    now = timezone.now()
    later = (now + dt.timedelta(minutes=20)).time().strftime("%H:%M")
    update_rule(rule, routing={**rule.routing, "quiet_end": later})
    to_kim.refresh_from_db()
    assert to_kim.held_reason == "quiet_hours"
    assert to_kim.next_attempt_at < now + dt.timedelta(minutes=21)
    # Quiet hours taken away: they go now, still saying how long they were held.
    update_rule(rule, routing={**rule.routing, "quiet_start": None, "quiet_end": None})
    to_wang.refresh_from_db()
    assert to_wang.next_attempt_at <= timezone.now() and to_wang.held_reason == "quiet_hours"
    # The bell's rows were never held and are not touched.
    bell = Delivery.objects.filter(alert=alert, channel__kind="in_app")
    assert bell.exists() and not bell.exclude(held_reason="").exists()
