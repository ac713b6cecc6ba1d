"""Spike alerts after they fire: a story that grows fourfold inside its episode is told
again, and a false alarm ends the quiet period (once its burst is over)."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.utils import translation

from tests.alerts._support import SPIKE_NOW, make_topic, matched_mention, spike_history
from vigil.alerts.models import Alert, Notification
from vigil.alerts.services import close_alert, create_rule, deliver_due
from vigil.alerts.services.evaluate import evaluate_new_mentions
from vigil.alerts.services.spikes import BUCKET, bucket_floor, close_buckets
from vigil.alerts.timeline import alert_timeline

pytestmark = pytest.mark.django_db


#: The growth's Chinese, until the catalogue is rebuilt (`make messages`).
ZH_GROWTH = {
    " (volume now fourfold)": "（声量已增至 4 倍）",
    "volume grew fourfold": "声量增至 4 倍",
    "volume grew fourfold: people are told again": "声量增至 4 倍，再次通知",
}


def _zh_catalog() -> dict:
    return translation.trans_real.translation("zh-hans")._catalog._catalogs[0]


def test_a_story_that_grows_fourfold_inside_its_episode_is_told_again(  # noqa: ANN001
    make_user, zh_hans_catalogue
) -> None:
    # A trial's alert went from "22 in 15 min, 4.3x" to "150 in 5 min, 60x" with no message:
    # the re-fire only rewrote the open alert. Its first step hears of it once, although the
    # early peek and the bucket's close both judge the burst.
    topic = make_topic()
    spike_history(topic)
    wang = make_user("Responder", email="wang@example.com", language="en")
    rule = create_rule(
        name="Spike", kind="spike", topic=topic, routing={"recipients": {"users": [wang.pk]}}
    )
    start = bucket_floor(SPIKE_NOW)
    close_buckets(start)
    for i, size in enumerate([12, 12, 12, 2, 2]):
        at = start + BUCKET * i + dt.timedelta(seconds=20)
        for second in range(size):
            matched_mention(topic, at=at + dt.timedelta(seconds=second))
        close_buckets(at + BUCKET + dt.timedelta(minutes=1))
    alert = Alert.objects.get()
    assert list(alert.deliveries.values_list("reason", flat=True)) == ["fired"]
    deliver_due(alert.deliveries.get().next_attempt_at)  # the bell rings for the alert
    window = dt.timedelta(seconds=alert.data["window_seconds"])
    fired_bucket = dt.datetime.fromisoformat(alert.data["bucket"])
    assert alert.first_seen == fired_bucket + BUCKET - window  # where its mentions start
    moment = start + BUCKET * 5 + dt.timedelta(minutes=2)
    burst = [matched_mention(topic, at=moment - dt.timedelta(seconds=s % 100)) for s in range(150)]
    evaluate_new_mentions(burst, now=moment)  # the peek: fires at once
    close_buckets(start + BUCKET * 6 + dt.timedelta(minutes=1))  # the close: the same burst
    alert = Alert.objects.get(rule=rule)
    assert sorted(alert.deliveries.values_list("reason", flat=True)) == ["fired", "grew:1"]
    deliver_due(moment + dt.timedelta(minutes=16))  # paced: 15 minutes after the alert's bell
    bell = Notification.objects.filter(user=wang).order_by("pk").last()
    # The growth after the title: a zh trial's bell read 「声量增至 4 倍：声量激增：…」.
    assert bell is not None and bell.display_title == f"{alert.display_title} (volume now fourfold)"
    with translation.override("zh-hans"), mock.patch.dict(_zh_catalog(), ZH_GROWTH):
        said = bell.display_title
        assert said.startswith("声量激增：") and said.endswith("（声量已增至 4 倍）")
        assert said.count("：") == 1
        texts = [e.text for e in alert_timeline(alert)]
        # Said without a tense: the notices under it may still be held.
        assert "声量增至 4 倍，再次通知" in texts and "声量增至 4 倍" in texts
        assert not any("事件" in text or "已再次" in text for text in texts)
    assert "150 mentions in 5 min" in alert.summary


def _spike_rule_with_buckets(topic):  # noqa: ANN001, ANN202
    """A spike rule on ``topic`` (with its history) and a way to fill bucket N with M
    mentions and close it, from the start of the current bucket."""
    spike_history(topic)
    rule = create_rule(name="Spike", kind="spike", topic=topic)
    start = bucket_floor(SPIKE_NOW)
    close_buckets(start)

    def bucket(index: int, size: int) -> None:
        at = start + BUCKET * index + dt.timedelta(seconds=20)
        for second in range(size):
            matched_mention(topic, at=at + dt.timedelta(seconds=second))
        close_buckets(at + BUCKET + dt.timedelta(minutes=1))

    return rule, bucket


def test_a_spike_closed_as_a_false_alarm_lets_its_topic_alert_again_at_once(make_user) -> None:  # noqa: ANN001
    # After an alert the topic stays quiet for 24 hours unless the volume reaches four times
    # the rate that fired. After a false alarm that only blinded it to a real rise.
    wang = make_user("Responder")
    rule, bucket = _spike_rule_with_buckets(make_topic())

    def burst(index: int) -> None:
        bucket(index, 40)

    burst(0)
    first = Alert.objects.get(rule=rule)
    close_alert(first, actor=wang, false_alarm=True)
    burst(24)  # two hours later, the same size: inside the quiet period
    assert Alert.objects.filter(rule=rule).count() == 2
    second = Alert.objects.exclude(pk=first.pk).get()
    close_alert(second, actor=wang)  # handled: a real story, the quiet period holds
    burst(48)
    assert Alert.objects.filter(rule=rule).count() == 2


def test_a_false_alarm_during_its_burst_is_not_alerted_again_until_the_burst_is_over(
    make_user,
) -> None:  # noqa: ANN001
    # A zh trial closed a spike as a false alarm while the burst went on; the next bucket
    # opened a new alert, "112 negative mentions in 15 min", the dismissed ones among them.
    wang = make_user("Responder")
    rule, bucket = _spike_rule_with_buckets(make_topic())
    bucket(0, 40)
    first = Alert.objects.get(rule=rule)
    close_alert(first, actor=wang, false_alarm=True)
    for index in range(1, 4):  # the same burst runs on
        bucket(index, 40)
    assert Alert.objects.filter(rule=rule).count() == 1
    for index in range(4, 10):  # calm again
        bucket(index, 2)
    bucket(10, 40)  # a new burst: alerted at once, as after any false alarm
    assert Alert.objects.filter(rule=rule).count() == 2
