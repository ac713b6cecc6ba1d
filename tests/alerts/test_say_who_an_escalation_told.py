"""An escalation message names who its step told, so a team mailbox or chat that hears
"escalation step 2" knows who holds the alert now.

A trial's PR team mailbox got "this is escalation step 1" twice and could not tell that the
steps had gone to oncall2, then oncall3."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.alerts._support import make_topic, matched_mention
from tests.factories import DepartmentFactory
from vigil.alerts.models import Alert, Delivery
from vigil.alerts.services import create_channel, create_rule, escalate_due
from vigil.alerts.services.evaluate import evaluate_new_mentions
from vigil.alerts.services.messages import message_for

pytestmark = pytest.mark.django_db


def test_each_escalation_message_names_the_people_its_step_told(make_user) -> None:
    hook = create_channel(name="Team", kind="webhook", config={"url": "http://127.0.0.1:1/"})
    primary, backup = make_user("Responder", "primary"), make_user("Responder", "backup")
    head = make_user("Responder", "head")
    department = DepartmentFactory(head=head)
    topic = make_topic()
    create_rule(
        name="Burns",
        kind="keyword",
        topic=topic,
        level="II",
        routing={
            "on_call": [primary.pk, backup.pk],
            "escalation": [{"departments": [department.pk], "department_heads": True}],
            "channels": [hook.pk],
        },
    )
    evaluate_new_mentions([matched_mention(topic)])
    alert = Alert.objects.get()
    fired = Delivery.objects.get(alert=alert, channel=hook, reason="fired")
    assert "Told at this step" not in message_for(fired).body

    assert escalate_due(timezone.now() + dt.timedelta(hours=6, minutes=1)) == 1
    step_one = Delivery.objects.get(alert=alert, channel=hook, reason="escalated:1")
    lines = message_for(step_one).body.splitlines()
    assert lines[0].endswith("this is escalation step 1.")
    assert lines[1] == "Told at this step: backup"
    # And who let it pass before (a zh trial's step-1 e-mail named only its own reader).
    assert lines[2] == "Told before, not acknowledged: primary"

    alert.refresh_from_db()
    assert escalate_due(alert.next_escalation_at) == 1
    step_two = Delivery.objects.get(alert=alert, channel=hook, reason="escalated:2")
    said = message_for(step_two).body.splitlines()
    assert "Told at this step: head" in said
    assert "Told before, not acknowledged: primary, backup" in said
    # In Chinese the names are listed with 、 (a trial read "admin, Zhou Ming").
    head.profile.language = "zh-hans"
    head.profile.save(update_fields=["language"])
    bell = Delivery.objects.get(alert=alert, channel__kind="in_app", recipient=head)
    assert "此前已通知、尚未确认：primary、backup" in message_for(bell).body


def test_a_whole_role_told_before_is_named_by_its_first_few_and_a_count(make_user) -> None:
    for n in range(10):
        make_user("Responder", f"r{n:02d}")
    backup = make_user("Analyst", "backup")
    topic = make_topic()
    create_rule(
        name="Burns",
        kind="keyword",
        topic=topic,
        level="II",
        routing={"recipients": {"roles": ["Responder"]}, "escalation": [{"users": [backup.pk]}]},
    )
    evaluate_new_mentions([matched_mention(topic)])
    alert = Alert.objects.get()
    assert escalate_due(timezone.now() + dt.timedelta(hours=6, minutes=1)) == 1
    step = Delivery.objects.get(alert=alert, channel__kind="in_app", reason="escalated:1")
    (line,) = [x for x in message_for(step).body.splitlines() if x.startswith("Told before")]
    assert line == "Told before, not acknowledged: " + ", ".join(
        [f"r{n:02d}" for n in range(8)] + ["and 2 more"]
    )
