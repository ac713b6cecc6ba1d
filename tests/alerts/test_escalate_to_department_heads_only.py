"""The rule form's "then escalate to the department heads" tells the heads of the rule's
departments, not every member again; the Rules page says it so ("heads of Public Relations").

A trial's rule told the Public Relations department first; its last step, read as "Public
Relations, department heads", told the liaison and the analyst of that department a second
time along with its head."""

from __future__ import annotations

import datetime as dt
import html

import pytest
from django.utils import timezone

from tests.alerts._support import make_topic, matched_mention
from vigil.accounts.models import Department
from vigil.alerts.models import Alert, AlertRule, Delivery
from vigil.alerts.services import escalate_due
from vigil.alerts.services.evaluate import evaluate_new_mentions

pytestmark = pytest.mark.django_db


def _told(alert: Alert, reason: str) -> list[str]:
    return sorted(
        Delivery.objects.filter(alert=alert, channel__kind="in_app", reason=reason).values_list(
            "recipient__username", flat=True
        )
    )


def _heads_form(topic, **fields: object) -> dict[str, object]:  # noqa: ANN001
    """The rule form of a keyword rule whose last step is "then the department heads"."""
    return {
        "name": "Burns",
        "kind": "keyword",
        "topic": topic.pk,
        "level": "II",
        "cooldown_minutes": 360,
        "timezone": "UTC",
        "is_active": "on",
        "escalate_to_heads": "on",
        **fields,
    }


def test_the_form_s_department_heads_step_tells_only_the_heads(client_for, make_user) -> None:
    pr = Department.objects.create(code="pr", name="Public Relations", name_zh="公共关系部")
    make_user("Department liaison", "liaison", department=pr)
    make_user("Analyst", "analyst", department=pr)
    head = make_user("Approver", "head", department=pr)
    pr.head = head
    pr.save()
    make_user("Responder", "kim")
    topic = make_topic()
    admin = client_for("Administrator")
    form = _heads_form(topic, departments=[pr.pk], on_call="kim")
    admin.post("/alerts/rules/new/", form)
    rules = admin.get("/alerts/rules/").content.decode()
    assert "heads of Public Relations" in rules
    assert "Public Relations, department heads" not in rules

    evaluate_new_mentions([matched_mention(topic)])
    alert = Alert.objects.get()
    assert _told(alert, "fired") == ["analyst", "head", "kim", "liaison"]
    assert escalate_due(timezone.now() + dt.timedelta(hours=6, minutes=1)) == 1
    assert _told(alert, "escalated:1") == ["head"]


def test_unticking_the_heads_drops_the_step_not_just_its_heads(client_for, make_user) -> None:
    pr = Department.objects.create(code="pr", name="Public Relations")
    make_user("Analyst", "analyst", department=pr)
    make_user("Responder", "kim")
    topic = make_topic()
    admin = client_for("Administrator")
    form = _heads_form(topic, departments=[pr.pk], on_call="kim")
    admin.post("/alerts/rules/new/", form)
    rule = AlertRule.objects.get()
    del form["escalate_to_heads"]
    admin.post(f"/alerts/rules/{rule.pk}/edit/", form)
    rule.refresh_from_db()
    # Before, the step stayed as {"departments": [pr]}: the whole department told again.
    assert rule.routing["escalation"] == []


def test_a_heads_step_with_no_head_set_is_warned_of_and_said_when_passed_over(
    client_for, make_user
) -> None:
    # A trial ticked the heads step where no department had a head: the rule saved silently,
    # the Rules page promised "→ department heads", and at the step the timeline said only
    # "no escalation step left".
    pr = Department.objects.create(code="pr", name="Public Relations")
    make_user("Responder", "kim")
    make_user("Responder", "lan")
    topic = make_topic()
    admin = client_for("Administrator")
    form = _heads_form(topic, on_call="kim, lan")
    page = admin.post("/alerts/rules/new/", form, follow=True).content.decode()
    assert "will tell nobody: no head is set" in html.unescape(page)
    evaluate_new_mentions([matched_mention(topic)])
    alert = Alert.objects.get()
    later = timezone.now() + dt.timedelta(hours=6, minutes=1)
    assert escalate_due(later) == 1  # step 1: lan
    assert escalate_due(later + dt.timedelta(hours=6, minutes=1)) == 0  # step 2: no head
    page = html.unescape(admin.get(f"/alerts/{alert.pk}/").content.decode())
    assert "(step 2 passed over: nobody active to tell)" in page

    # With a head set for the departments the rule names, the warning goes.
    pr.head = make_user("Approver", "head")
    pr.save()
    form["departments"] = [pr.pk]
    rule = AlertRule.objects.get()
    page = admin.post(f"/alerts/rules/{rule.pk}/edit/", form, follow=True).content.decode()
    assert "will tell nobody" not in html.unescape(page)
