"""A receiver hears "grown fourfold" at most once per 15 minutes after any earlier message
about the same alert; growth notices waiting out the interval go as one, with the alert's
figures when it goes.

An operations trial in scale mode: ten simultaneous pushes of 5 items sent each channel
"fired" and "[II] Grown fourfold" 0.4 s apart; 1,000 items pushed after an alert fired sent
"fired" (10 mentions), then growth notices at 50, 250 and 1,050, four messages per channel
within 55 s."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.utils import translation

from tests.alerts._support import SmtpStub, make_topic, matched_mention
from vigil.alerts.models import Alert, Delivery, Notification
from vigil.alerts.services import create_channel, create_rule, deliver_due, update_rule
from vigil.alerts.services.evaluate import evaluate_new_mentions
from vigil.alerts.services.pacing import GROWTH_PACING
from vigil.alerts.timeline import held_note

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
T0 = dt.datetime(2026, 12, 1, 10, 0, tzinfo=SHANGHAI)  # a Tuesday morning


def _seconds(n: float) -> dt.datetime:
    return T0 + dt.timedelta(seconds=n)


@pytest.fixture
def smtp():  # noqa: ANN201
    with SmtpStub() as stub:
        yield stub


@pytest.fixture
def setup(httpserver, smtp, make_user):  # noqa: ANN001, ANN201
    """A keyword rule telling a webhook, a group mailbox and one responder's bell."""
    httpserver.expect_request("/hook").respond_with_data("ok")

    def make(level: str = "II", **routing: object) -> tuple:
        wang = make_user("Responder", "wang")
        hook = create_channel(
            name="Team", kind="webhook", config={"url": httpserver.url_for("/hook")}
        )
        url = f"mailto://127.0.0.1:{smtp.port}/?from=v@example.com&to=pr@example.com"
        mail = create_channel(name="PR mailbox", kind="apprise", config={"urls": [url]})
        topic = make_topic()
        rule = create_rule(
            name="Burns",
            kind="keyword",
            topic=topic,
            level=level,
            routing={
                "channels": [hook.pk, mail.pk],
                "recipients": {"users": [wang.pk]},
                "timezone": "Asia/Shanghai",
                **routing,
            },
        )
        return rule, topic, wang

    return make


def _push(topic, n: int, at: dt.datetime, **fields: object) -> None:  # noqa: ANN001
    evaluate_new_mentions([matched_mention(topic, at=at, **fields) for _ in range(n)], now=at)


def _hook_events(httpserver) -> list[tuple[str, int]]:  # noqa: ANN001
    bodies = [request.get_json() for request, _response in httpserver.log]
    return [(b["event"], b["alert"]["mention_count"]) for b in bodies]


def test_simultaneous_batches_reach_each_channel_once(setup, httpserver, smtp) -> None:
    _rule, topic, wang = setup()
    for i in range(10):  # ten pushes of 5 within half a second; 20 mentions is fourfold
        _push(topic, 5, _seconds(i * 0.05))
    alert = Alert.objects.get()
    assert alert.mention_count == 50
    grew = Delivery.objects.filter(alert=alert, reason="grew:1")
    # The alert's own messages had not gone yet: the growth is merged into them.
    assert set(grew.values_list("status", flat=True)) == {"merged"}

    deliver_due(_seconds(1))
    assert _hook_events(httpserver) == [("alert.fired", 50)]  # said as it stands when sent
    assert len(smtp.messages) == 1 and "50" in smtp.messages[0]["data"]
    assert Notification.objects.filter(user=wang).count() == 1


def test_a_growth_after_the_alert_went_waits_out_the_interval(setup, httpserver) -> None:
    _rule, topic, _wang = setup()
    _push(topic, 5, _seconds(0))
    deliver_due(_seconds(0.2))  # a worker sent the alert before the other pushes landed
    for i in range(1, 10):
        _push(topic, 5, _seconds(0.2 + i * 0.05))
    row = Delivery.objects.get(reason="grew:1", channel__kind="webhook")
    assert row.held_reason == "paced" and row.next_attempt_at > _seconds(0.2) + GROWTH_PACING
    deliver_due(_seconds(60))
    assert _hook_events(httpserver) == [("alert.fired", 5)]
    deliver_due(row.next_attempt_at)
    assert _hook_events(httpserver) == [("alert.fired", 5), ("alert.grew", 50)]


def test_a_burst_within_a_minute_is_one_growth_message_fifteen_minutes_on(
    setup, httpserver, smtp
) -> None:
    _rule, topic, wang = setup(level="I")  # level I is not exempt from pacing
    _push(topic, 10, _seconds(0))
    deliver_due(_seconds(1))
    _push(topic, 40, _seconds(15))  # 50
    _push(topic, 200, _seconds(30))  # 250
    _push(topic, 800, _seconds(55))  # 1,050
    rows = Delivery.objects.filter(channel__kind="webhook").exclude(reason="fired")
    assert sorted(rows.values_list("reason", "status")) == [
        ("grew:1", "merged"),
        ("grew:2", "merged"),
        ("grew:3", "pending"),
    ]
    waiting = rows.get(status="pending")
    assert waiting.held_reason == "paced"
    assert held_note(waiting).startswith(" (held to space out messages until ")
    with translation.override("zh-hans"):
        assert held_note(waiting).startswith("（与上一条消息间隔过短，暂缓至 ")

    deliver_due(_seconds(14 * 60))
    assert len(httpserver.log) == 1 and len(smtp.messages) == 1
    assert Notification.objects.filter(user=wang).count() == 1  # the bell is paced too
    deliver_due(_seconds(15 * 60 + 2))
    assert _hook_events(httpserver) == [("alert.fired", 10), ("alert.grew", 1050)]
    assert len(smtp.messages) == 2 and "1050" in smtp.messages[1]["data"].replace(",", "")
    assert Notification.objects.filter(user=wang).count() == 2
    sent = Delivery.objects.get(channel__kind="webhook", reason="grew:3")
    assert held_note(sent).startswith(" (held to space out messages; sent ")


def test_a_growth_after_the_interval_goes_at_once(setup) -> None:
    _rule, topic, _wang = setup()
    _push(topic, 5, _seconds(0))
    deliver_due(_seconds(1))
    later = _seconds(16 * 60)
    _push(topic, 15, later)
    row = Delivery.objects.get(reason="grew:1", channel__kind="webhook")
    assert (row.status, row.held_reason, row.next_attempt_at) == ("pending", "", later)


def test_a_level_raise_is_not_paced(setup, httpserver) -> None:
    rule, topic, _wang = setup()
    rule.raise_at_impact = 80
    rule.save(update_fields=["raise_at_impact"])
    _push(topic, 5, _seconds(0))
    deliver_due(_seconds(1))
    _push(topic, 1, _seconds(30), impact=90.0)
    row = Delivery.objects.get(reason="raised:I", channel__kind="webhook")
    assert (row.held_reason, row.next_attempt_at) == ("", _seconds(30))
    deliver_due(_seconds(31))
    assert [event for event, _count in _hook_events(httpserver)] == ["alert.fired", "alert.raised"]


def test_a_growth_waiting_when_the_level_is_raised_goes_with_the_raise(setup, httpserver) -> None:
    # A re-trial heard of a growth six minutes after the raise told everyone, against the
    # 15 minutes of pacing: the growth was timed from the first message only.
    rule, topic, _wang = setup()
    rule.raise_at_impact = 80
    rule.save(update_fields=["raise_at_impact"])
    _push(topic, 5, _seconds(0))
    deliver_due(_seconds(1))
    _push(topic, 15, _seconds(20))  # fourfold: paced to 15 minutes after the first message
    assert Delivery.objects.get(reason="grew:1", channel__kind="webhook").held_reason == "paced"
    _push(topic, 1, _seconds(40), impact=90.0)  # raised to level I: goes at once
    growth = Delivery.objects.get(reason="grew:1", channel__kind="webhook")
    raised = Delivery.objects.get(reason="raised:I", channel__kind="webhook")
    assert (growth.status, growth.merged_into_id) == ("merged", raised.pk)
    deliver_due(_seconds(41))
    deliver_due(_seconds(20 * 60))
    assert _hook_events(httpserver) == [("alert.fired", 5), ("alert.raised", 21)]


def test_a_paced_growth_is_re_timed_when_quiet_hours_change(setup) -> None:
    rule, topic, _wang = setup(level="III")
    evening = T0.replace(hour=21, minute=50)
    _push(topic, 5, evening)
    deliver_due(evening + dt.timedelta(seconds=1))
    _push(topic, 15, evening + dt.timedelta(minutes=5))
    row = Delivery.objects.get(reason="grew:1", channel__kind="webhook")
    paced = evening + dt.timedelta(seconds=1) + GROWTH_PACING
    assert row.held_reason == "paced" and abs(row.next_attempt_at - paced).total_seconds() < 1

    # Quiet hours from 22:00: the paced time falls in them, so it waits for their end.
    quiet = {**rule.routing, "quiet_start": "22:00", "quiet_end": "08:00"}
    update_rule(rule, routing=quiet, now=evening + dt.timedelta(minutes=6))
    row.refresh_from_db()
    morning = (evening + dt.timedelta(days=1)).replace(hour=8, minute=0)
    assert (row.held_reason, row.next_attempt_at) == ("quiet_hours", morning)

    # Lifted again: back to the paced time, not at once (four minutes after the alert).
    plain = {**quiet, "quiet_start": None, "quiet_end": None}
    update_rule(rule, routing=plain, now=evening + dt.timedelta(minutes=7))
    row.refresh_from_db()
    assert row.held_reason == "paced" and abs(row.next_attempt_at - paced).total_seconds() < 1
