"""Messages held about one alert for one receiver go as one when they are released together:
the alert's message (or the newest growth notice), with its figures at sending time; the
other growth notices stay in the log, marked merged into it.

A zh trial's level-III rule held for quiet hours 22:00-08:00: at 08:00:04 the group mailbox got
the alert and two held "grew fourfold" notices from 07:41 and 07:51, all three reading 116
mentions. Another switched off a daily digest and a weekend hold: the alert's message stayed
at Monday 09:00 while its growth went out on Saturday 08:00."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from tests.alerts._support import make_topic, matched_mention
from vigil.alerts.conditions import Routing
from vigil.alerts.models import Alert, Delivery
from vigil.alerts.services import create_channel, create_rule, deliver_due
from vigil.alerts.services.evaluate import evaluate_new_mentions
from vigil.alerts.services.routing import next_digest_at

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
MONDAY = dt.datetime(2026, 11, 30, tzinfo=SHANGHAI)
SATURDAY = dt.datetime(2026, 11, 28, tzinfo=SHANGHAI)


def _rule(httpserver, level: str = "III", **routing: object) -> tuple:  # noqa: ANN001
    httpserver.expect_request("/hook").respond_with_data("ok")
    hook = create_channel(name="Team", kind="webhook", config={"url": httpserver.url_for("/hook")})
    topic = make_topic()
    rule = create_rule(
        name="Burns",
        kind="keyword",
        topic=topic,
        level=level,
        routing={
            "channels": [hook.pk],
            "timezone": "Asia/Shanghai",
            "quiet_start": "22:00",
            "quiet_end": "08:00",
            **routing,
        },
    )
    return rule, topic, hook


def _mentions(topic, n: int, at: dt.datetime) -> None:  # noqa: ANN001
    evaluate_new_mentions([matched_mention(topic, at=at) for _ in range(n)], now=at)


def _at(day: dt.datetime, hour: int, minute: int, second: int = 0) -> dt.datetime:
    return day.replace(hour=hour, minute=minute, second=second)


def test_the_held_alert_goes_alone_at_the_end_of_quiet_hours(httpserver, make_user) -> None:
    wang = make_user("Responder", "wang")
    _rule_, topic, hook = _rule(httpserver, recipients={"users": [wang.pk]})
    _mentions(topic, 5, _at(MONDAY, 7, 30))
    _mentions(topic, 15, _at(MONDAY, 7, 41))  # 20: four times 5, told again
    _mentions(topic, 60, _at(MONDAY, 7, 51))  # 80: four times 20, told again
    _mentions(topic, 36, _at(MONDAY, 7, 55))  # 116
    alert = Alert.objects.get()
    rows = Delivery.objects.filter(alert=alert, channel=hook)
    fired = rows.get(reason="fired")
    assert fired.held_reason == "quiet_hours" and fired.next_attempt_at == _at(MONDAY, 8, 0)
    # The growth notices are kept in the log, marked merged into the alert's message.
    merged = rows.filter(reason__startswith="grew:")
    assert sorted(merged.values_list("reason", "status", "merged_into")) == [
        ("grew:1", "merged", fired.pk),
        ("grew:2", "merged", fired.pk),
    ]
    assert merged.first().status_label == f"merged into message #{fired.pk}"
    # The bell is never held for quiet hours, but its growth notices are paced and merged
    # like the channels' (see test_pace_growth_notices): its unsent alert notice says all.
    bell = Delivery.objects.filter(alert=alert, channel__kind="in_app", recipient=wang)
    assert set(bell.values_list("reason", "status")) == {
        ("fired", "pending"),
        ("grew:1", "merged"),
        ("grew:2", "merged"),
    }

    assert deliver_due(_at(MONDAY, 8, 0, 4)).sent == 2  # the bell's one, and one message
    ((request, _response),) = httpserver.log
    body = request.get_json()
    assert body["event"] == "alert.fired" and body["alert"]["mention_count"] == 116


def test_growth_notices_held_after_the_alert_went_go_as_the_newest(httpserver) -> None:
    _rule_, topic, hook = _rule(httpserver)
    _mentions(topic, 5, _at(MONDAY, 21, 0))  # before quiet hours: goes at once
    assert deliver_due(_at(MONDAY, 21, 0, 5)).sent == 1
    tuesday = MONDAY + dt.timedelta(days=1)
    _mentions(topic, 15, _at(MONDAY, 23, 0))
    _mentions(topic, 60, _at(tuesday, 2, 0))
    rows = Delivery.objects.filter(channel=hook)
    first, second = rows.get(reason="grew:1"), rows.get(reason="grew:2")
    assert (first.status, first.merged_into_id) == ("merged", second.pk)
    assert second.status == "pending" and second.next_attempt_at == _at(tuesday, 8, 0)
    assert deliver_due(_at(tuesday, 8, 0, 1)).sent == 1
    assert len(httpserver.log) == 2
    assert httpserver.log[1][0].get_json()["event"] == "alert.grew"


def test_a_message_a_worker_is_sending_is_not_merged_into(httpserver) -> None:
    _rule_, topic, hook = _rule(httpserver)
    _mentions(topic, 5, _at(MONDAY, 7, 30))
    fired = Delivery.objects.get(channel=hook, reason="fired")
    # A worker holds it (its lease live): it may already have read the alert's figures.
    Delivery.objects.filter(pk=fired.pk).update(claimed_until=_at(MONDAY, 9, 0))
    _mentions(topic, 15, _at(MONDAY, 7, 41))
    grew = Delivery.objects.get(channel=hook, reason="grew:1")
    assert grew.status == "pending" and grew.merged_into_id is None


def test_switching_off_a_digest_and_weekend_hold_brings_the_alert_forward(httpserver) -> None:
    from vigil.alerts.services import update_rule

    rule, topic, hook = _rule(httpserver, "IV", mute_weekends=True, digest="daily")
    _mentions(topic, 5, _at(SATURDAY, 7, 20))
    fired = Delivery.objects.get(channel=hook, reason="fired")
    assert fired.digest and fired.next_attempt_at == _at(MONDAY, 9, 0)
    routing = {**rule.routing, "mute_weekends": False, "digest": ""}
    update_rule(rule, routing=routing, now=_at(SATURDAY, 7, 30))
    fired.refresh_from_db()
    # Out of the digest; quiet hours still hold it, until 08:00 today, not Monday.
    assert not fired.digest and fired.held_reason == "quiet_hours"
    assert fired.next_attempt_at == _at(SATURDAY, 8, 0)
    _mentions(topic, 15, _at(SATURDAY, 7, 41))
    grew = Delivery.objects.get(channel=hook, reason="grew:1")
    assert (grew.status, grew.merged_into_id) == ("merged", fired.pk)
    assert deliver_due(_at(SATURDAY, 8, 0, 1)).sent == 1
    ((request, _response),) = httpserver.log
    assert request.get_json()["event"] == "alert.fired"
    # Quiet hours gone too: what still waits goes at once.
    _mentions(topic, 60, _at(SATURDAY, 9, 0))  # grew:2 goes at 09:00, not held
    assert Delivery.objects.get(channel=hook, reason="grew:2").next_attempt_at == _at(
        SATURDAY, 9, 0
    )


def test_a_growth_never_goes_before_the_alert_it_is_about(httpserver) -> None:
    # Rows left by a version before merging: the growth due before the alert's own message.
    from vigil.alerts.services.held import merge_waiting_news

    _rule_, topic, hook = _rule(httpserver, "IV", digest="daily")
    _mentions(topic, 5, _at(SATURDAY, 10, 0))
    fired = Delivery.objects.get(channel=hook, reason="fired")
    early = Delivery.objects.create(
        alert=fired.alert,
        channel=hook,
        reason="grew:1",
        held_reason="quiet_hours",
        next_attempt_at=_at(SATURDAY, 11, 0),
    )
    assert merge_waiting_news(fired.alert_id, _at(SATURDAY, 10, 30)) == 1
    fired.refresh_from_db()
    early.refresh_from_db()
    assert early.status == "merged" and fired.next_attempt_at == _at(SATURDAY, 11, 0)


def test_a_daily_digest_made_hourly_waits_for_the_next_hour(httpserver) -> None:
    from vigil.alerts.services import update_rule

    rule, topic, hook = _rule(httpserver, "IV", digest="daily")
    tuesday = MONDAY + dt.timedelta(days=1)
    _mentions(topic, 5, _at(tuesday, 10, 10))
    fired = Delivery.objects.get(channel=hook, reason="fired")
    assert fired.next_attempt_at == _at(tuesday + dt.timedelta(days=1), 9, 0)
    update_rule(rule, routing={**rule.routing, "digest": "hourly"}, now=_at(tuesday, 10, 20))
    fired.refresh_from_db()
    assert fired.digest and fired.held_reason == "digest"
    assert fired.next_attempt_at == _at(tuesday, 11, 0)
    hourly = Routing(digest="hourly", timezone="Asia/Shanghai")
    assert fired.next_attempt_at == next_digest_at(hourly, _at(tuesday, 10, 20))
