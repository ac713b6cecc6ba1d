"""Routing and escalation: on-call ladder after the level's response target, ack stops it;
quiet hours and weekends hold deliveries (never level I); level IV digests."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.alerts._support import make_topic, matched_mention
from tests.factories import DepartmentFactory
from vigil.accounts.models import AuditEntry
from vigil.alerts.conditions import Routing
from vigil.alerts.models import Alert, Delivery, Notification, ResponseTarget
from vigil.alerts.services import (
    acknowledge_alert,
    close_alert,
    create_channel,
    create_rule,
    deliver_due,
    escalate_due,
)
from vigil.alerts.services.evaluate import evaluate_new_mentions
from vigil.alerts.services.routing import hold_until, next_digest_at

pytestmark = pytest.mark.django_db


def _alert(level: str = "II", **routing: object) -> Alert:
    topic = make_topic()
    create_rule(name="Rule", kind="keyword", topic=topic, level=level, routing=routing)
    evaluate_new_mentions([matched_mention(topic)])
    return Alert.objects.get()


def _told(alert: Alert) -> list[str]:
    return sorted(
        Delivery.objects.filter(alert=alert, channel__kind="in_app").values_list(
            "recipient__username", flat=True
        )
    )


def test_unacknowledged_alerts_climb_the_ladder_after_the_level_target(make_user) -> None:
    primary, backup = make_user("Responder", "primary"), make_user("Responder", "backup")
    head = make_user("Responder", "head")
    department = DepartmentFactory(head=head)
    alert = _alert(
        "II",
        on_call=[primary.pk, backup.pk],
        escalation=[{"departments": [department.pk], "department_heads": True}],
    )
    assert _told(alert) == ["primary"]
    assert escalate_due(timezone.now() + dt.timedelta(hours=5)) == 0  # level II: 6 h target
    later = timezone.now() + dt.timedelta(hours=6, minutes=1)
    assert escalate_due(later) == 1
    assert _told(alert) == ["backup", "primary"]
    alert.refresh_from_db()
    assert alert.escalation_step == 1 and alert.next_escalation_at > later
    assert escalate_due(alert.next_escalation_at) == 1
    assert _told(alert) == ["backup", "head", "primary"]
    assert escalate_due(later + dt.timedelta(days=2)) == 0  # the ladder is exhausted
    entry = AuditEntry.objects.filter(action="alert.escalated", object_id=str(alert.pk)).first()
    assert entry is not None and entry.actor is None
    deliver_due(now=later + dt.timedelta(days=3))
    notice = Notification.objects.get(user=head)
    assert notice.title.startswith("Escalated, unacknowledged: ") and notice.level == "II"
    assert "[II]" not in notice.title  # the bell shows the level as a badge
    from vigil.alerts.services.messages import message_for

    step_two = Delivery.objects.filter(alert=alert, reason="escalated:2").first()
    assert step_two is not None and "this is escalation step 2" in message_for(step_two).body


def test_response_targets_are_configurable_and_acknowledging_stops_escalation(make_user) -> None:
    ResponseTarget.objects.create(level="II", hours=1)
    primary, backup = make_user("Responder"), make_user("Responder")
    alert = _alert("II", on_call=[primary.pk, backup.pk])
    acknowledge_alert(alert, actor=primary)
    assert escalate_due(timezone.now() + dt.timedelta(hours=2)) == 0
    alert.refresh_from_db()
    assert alert.state == "acknowledged" and alert.acknowledged_by == primary
    assert alert.assigned_to == primary


def test_new_alert_escalation_uses_the_configured_target(make_user) -> None:
    ResponseTarget.objects.create(level="III", hours=0.5)
    _alert("III", on_call=[make_user("Responder").pk, make_user("Responder").pk])
    assert escalate_due(timezone.now() + dt.timedelta(minutes=31)) == 1


def test_quiet_hours_and_weekends_hold_deliveries_but_never_level_one() -> None:
    routing = Routing(
        quiet_start=dt.time(22, 0),
        quiet_end=dt.time(7, 0),
        mute_weekends=True,
        timezone="Asia/Shanghai",
    )
    friday_night = dt.datetime(2026, 3, 6, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    held, reason = hold_until(routing, "II", friday_night)
    assert reason == "quiet_hours"
    # Quiet until Saturday 07:00, then the weekend until Monday 00:00, then quiet hours
    # again until Monday 07:00 Shanghai time (23:00 UTC on Sunday).
    assert held == dt.datetime(2026, 3, 8, 23, 0, tzinfo=dt.UTC)
    assert hold_until(routing, "I", friday_night) == (None, "")
    tuesday_noon = dt.datetime(2026, 3, 3, 4, 0, tzinfo=dt.UTC)
    assert hold_until(routing, "III", tuesday_noon) == (None, "")


def test_a_muted_rule_holds_its_channel_deliveries_but_the_bell_still_rings(
    httpserver, make_user
) -> None:
    httpserver.expect_request("/hook").respond_with_data("ok")
    channel = create_channel(
        name="Hook", kind="webhook", config={"url": httpserver.url_for("/hook")}
    )
    user = make_user("Responder")
    now = timezone.now()
    start = (now - dt.timedelta(hours=1)).time().replace(microsecond=0)
    end = (now + dt.timedelta(hours=1)).time().replace(microsecond=0)
    alert = _alert(
        "III",
        channels=[channel.pk],
        recipients={"users": [user.pk]},
        quiet_start=start.isoformat(),
        quiet_end=end.isoformat(),
    )
    hook = Delivery.objects.get(alert=alert, channel=channel)
    assert hook.held_reason == "quiet_hours" and hook.next_attempt_at > now + dt.timedelta(
        minutes=50
    )
    deliver_due()
    assert not httpserver.log and Notification.objects.filter(user=user).exists()


def test_the_response_clock_waits_out_quiet_hours(make_user) -> None:
    # A trial's level-III alert climbed its whole ladder during quiet hours; when they ended
    # the team heard "fired", "step 1" and "step 2" within a second, already overdue.
    ResponseTarget.objects.create(level="III", hours=0.05)  # three minutes
    first, second, third = (make_user("Responder", n) for n in ("first", "second", "third"))
    now = timezone.now().replace(microsecond=0)
    end = now + dt.timedelta(hours=1)
    alert = _alert(
        "III",
        on_call=[first.pk, second.pk, third.pk],
        quiet_start=(now - dt.timedelta(hours=1)).time().isoformat(),
        quiet_end=end.time().isoformat(),
    )
    assert alert.respond_by == end + dt.timedelta(minutes=3) == alert.next_escalation_at
    assert escalate_due(now + dt.timedelta(minutes=30)) == 0
    assert escalate_due(end + dt.timedelta(minutes=3, seconds=1)) == 1  # one step, after them
    alert.refresh_from_db()
    assert alert.escalation_step == 1 and _told(alert) == ["first", "second"]
    # A level I alert is never muted, and neither is its clock.
    rule = alert.rule
    rule.level = "I"
    rule.save(update_fields=["level"])
    acknowledge_alert(alert, actor=first)
    close_alert(alert, actor=first)
    evaluate_new_mentions([matched_mention(alert.topic)])
    level_one = Alert.objects.exclude(pk=alert.pk).get()
    assert level_one.level == "I"
    assert level_one.respond_by < timezone.now() + dt.timedelta(hours=2, minutes=1)


def test_a_step_due_inside_quiet_hours_waits_for_them_to_end(make_user) -> None:
    ResponseTarget.objects.create(level="III", hours=0.05)
    first, second = make_user("Responder", "first"), make_user("Responder", "second")
    now = timezone.now().replace(microsecond=0)
    start, end = now + dt.timedelta(minutes=2), now + dt.timedelta(hours=1)
    alert = _alert(
        "III",
        on_call=[first.pk, second.pk],
        quiet_start=start.time().isoformat(),
        quiet_end=end.time().isoformat(),
    )
    assert alert.next_escalation_at <= now + dt.timedelta(minutes=3, seconds=5)  # not muted yet
    assert escalate_due(now + dt.timedelta(minutes=4)) == 0  # due, but quiet hours have begun
    alert.refresh_from_db()
    assert alert.next_escalation_at == end and alert.escalation_step == 0
    assert escalate_due(end + dt.timedelta(seconds=1)) == 1
    alert.refresh_from_db()
    assert alert.escalation_step == 1 and _told(alert) == ["first", "second"]


def test_level_four_digest_sends_one_message_for_many_alerts(httpserver) -> None:
    httpserver.expect_request("/hook").respond_with_data("ok")
    channel = create_channel(
        name="Hook", kind="webhook", config={"url": httpserver.url_for("/hook")}
    )
    kettle, fridge = make_topic("Kettle", "kettle"), make_topic("Fridge", "fridge")
    create_rule(
        name="Low",
        kind="keyword",
        plan=kettle.plan,
        level="IV",
        routing={"channels": [channel.pk], "digest": "hourly"},
    )
    evaluate_new_mentions([matched_mention(kettle), matched_mention(fridge)])
    rows = Delivery.objects.filter(channel=channel)
    assert rows.count() == 2 and all(r.digest for r in rows)
    due = rows.first().next_attempt_at
    assert due == next_digest_at(Routing(digest="hourly"), timezone.now())
    assert deliver_due().sent == 0
    assert deliver_due(now=due).sent == 2
    ((request, _),) = httpserver.log
    assert request.get_json()["event"] == "digest" and len(request.get_json()["alerts"]) == 2


def test_digests_are_for_level_four_only() -> None:
    from vigil.alerts.services import RuleError

    with pytest.raises(RuleError, match="level IV"):
        create_rule(
            name="x", kind="keyword", topic=make_topic(), level="II", routing={"digest": "daily"}
        )


def test_a_step_whose_person_was_deactivated_is_passed_over(make_user) -> None:
    from vigil.alerts.timeline import alert_timeline

    primary, gone, backup = (make_user("Responder", name) for name in ("primary", "gone", "backup"))
    alert = _alert("II", on_call=[primary.pk, gone.pk, backup.pk])
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    assert escalate_due(timezone.now() + dt.timedelta(hours=6, minutes=1)) == 1
    alert.refresh_from_db()
    # The backup is told at once instead of after a second response target told nobody.
    assert _told(alert) == ["backup", "primary"] and alert.escalation_step == 2
    assert alert.next_escalation_at is None
    texts = [e.text for e in alert_timeline(alert) if e.delivery is None]
    assert any("step 1 passed over: nobody active to tell" in t for t in texts)


def test_a_digest_is_not_sent_inside_quiet_hours_or_at_the_weekend() -> None:
    from vigil.alerts.services.routing import digest_due

    shanghai = dt.timezone(dt.timedelta(hours=8))
    quiet = Routing(
        digest="hourly",
        quiet_start=dt.time(22, 0),
        quiet_end=dt.time(7, 0),
        timezone="Asia/Shanghai",
    )
    tuesday_evening = dt.datetime(2026, 3, 3, 21, 30, tzinfo=shanghai)
    assert digest_due(quiet, tuesday_evening) == dt.datetime(2026, 3, 4, 7, 0, tzinfo=shanghai)
    assert digest_due(quiet, tuesday_evening - dt.timedelta(hours=2)) == dt.datetime(
        2026, 3, 3, 20, 0, tzinfo=shanghai
    )
    daily = Routing(digest="daily", mute_weekends=True, timezone="Asia/Shanghai")
    friday_noon = dt.datetime(2026, 3, 6, 12, 0, tzinfo=shanghai)
    assert digest_due(daily, friday_noon) == dt.datetime(2026, 3, 9, 9, 0, tzinfo=shanghai)


def _digest_rule(channel_pk: int, **routing: object) -> tuple:
    kettle, fridge = make_topic("Kettle", "kettle"), make_topic("Fridge", "fridge")
    create_rule(
        name="Low",
        kind="keyword",
        plan=kettle.plan,
        level="IV",
        routing={"channels": [channel_pk], "digest": "hourly", **routing},
    )
    return kettle, fridge


def test_a_digest_lists_each_alert_once_with_its_state_and_link(httpserver, make_user) -> None:
    from vigil.alerts.services import assign_alert

    httpserver.expect_request("/hook").respond_with_data("ok")
    channel = create_channel(
        name="Hook", kind="webhook", config={"url": httpserver.url_for("/hook")}
    )
    kettle, fridge = _digest_rule(channel.pk)
    evaluate_new_mentions([matched_mention(kettle), matched_mention(fridge)])
    first, second = Alert.objects.order_by("pk")
    boss, kim = make_user("Responder"), make_user("Responder")
    assign_alert(first, actor=boss, assignee=kim)  # its state shows in the digest
    acknowledge_alert(second, actor=boss)
    due = Delivery.objects.filter(channel=channel).first().next_attempt_at
    deliver_due(now=due)
    assert set(Delivery.objects.filter(channel=channel).values_list("status", flat=True)) == {
        "sent"
    }
    ((request, _),) = httpserver.log
    body = request.get_json()
    assert body["title"] == "Vigil digest: 2 level IV alerts"
    assert f"/alerts/{first.pk}/" in body["text"] and f"/alerts/{second.pk}/" in body["text"]
    assert f"(1 mention · acknowledged by {boss.username})" in body["text"]
    assert f"(1 mention · assigned to {kim.username})" in body["text"]
    assert "new)" not in body["text"]  # a fresh alert's state says nothing


def test_an_assignment_or_an_escalation_is_not_held_for_the_digest(make_user) -> None:
    # A trial's assignee heard of a level-IV task by e-mail only with the next daily digest.
    mail = create_channel(
        name="Mail",
        kind="apprise",
        config={"urls": ["mailto://vigil:pw@example.com"], "to_recipients": True},
    )
    kim, lee, park = (make_user("Responder", name) for name in ("kim", "lee", "park"))
    kettle, _fridge = _digest_rule(
        mail.pk, recipients={"users": [kim.pk]}, on_call=[lee.pk, park.pk]
    )
    evaluate_new_mentions([matched_mention(kettle)])
    alert = Alert.objects.get()
    fired = Delivery.objects.get(alert=alert, channel=mail, reason="fired", recipient=kim)
    assert fired.digest and fired.next_attempt_at > timezone.now() + dt.timedelta(seconds=1)
    from vigil.alerts.services import assign_alert

    now = timezone.now()
    assign_alert(alert, actor=lee, assignee=kim)
    assigned = Delivery.objects.get(alert=alert, channel=mail, reason=f"assigned:{kim.pk}")
    assert not assigned.digest and assigned.next_attempt_at <= timezone.now()
    escalate_due(now + dt.timedelta(hours=24, minutes=1))
    climbed = Delivery.objects.filter(alert=alert, channel=mail, reason__startswith="escalated:")
    assert climbed.exists() and not any(row.digest for row in climbed)


def test_notices_held_for_an_alert_closed_meanwhile_are_withdrawn(httpserver, make_user) -> None:
    from vigil.alerts.services import close_alert

    httpserver.expect_request("/hook").respond_with_data("ok")
    channel = create_channel(
        name="Hook", kind="webhook", config={"url": httpserver.url_for("/hook")}
    )
    kettle, fridge = _digest_rule(channel.pk)
    evaluate_new_mentions([matched_mention(kettle), matched_mention(fridge)])
    handled, still_open = Alert.objects.order_by("pk")
    close_alert(handled, actor=make_user("Responder"))
    # Withdrawn at once, not at the digest's time: a trial's log said "pending" for minutes.
    assert Delivery.objects.get(channel=channel, alert=handled).status == "withdrawn"
    due = Delivery.objects.filter(channel=channel).first().next_attempt_at
    deliver_due(now=due)

    by_alert = dict(Delivery.objects.filter(channel=channel).values_list("alert", "status"))
    assert by_alert == {handled.pk: "withdrawn", still_open.pk: "sent"}
    ((request, _),) = httpserver.log
    body = request.get_json()
    assert body["title"] == "Vigil digest: 1 level IV alert"
    assert f"/alerts/{handled.pk}/" not in body["text"]

    close_alert(still_open, actor=make_user("Responder"), false_alarm=True)
    evaluate_new_mentions([matched_mention(kettle, text="kettle again")])
    latest = Alert.objects.order_by("pk").last()
    close_alert(latest, actor=make_user("Responder"))
    deliver_due(now=due + dt.timedelta(hours=2))
    assert Delivery.objects.get(channel=channel, alert=latest).status == "withdrawn"
    assert len(httpserver.log) == 1  # nothing is sent when every alert of a digest is closed


def test_a_digest_survives_a_worker_that_died_while_sending_it(httpserver) -> None:
    from vigil.alerts.services.outbox import _claim_due, lease_length

    httpserver.expect_request("/hook").respond_with_data("ok")
    channel = create_channel(
        name="Hook", kind="webhook", config={"url": httpserver.url_for("/hook")}
    )
    kettle, fridge = _digest_rule(channel.pk)
    evaluate_new_mentions([matched_mention(kettle), matched_mention(fridge)])
    rows = Delivery.objects.filter(channel=channel)
    due = rows.first().next_attempt_at
    # A worker claims both rows at the boundary, then the process is killed.
    assert len(_claim_due(due)) == 2
    assert deliver_due(now=due + dt.timedelta(seconds=10)).sent == 0  # its lease holds
    assert deliver_due(now=due + lease_length() + dt.timedelta(seconds=1)).sent == 2
    assert len(httpserver.log) == 1 and len(httpserver.log[0][0].get_json()["alerts"]) == 2
