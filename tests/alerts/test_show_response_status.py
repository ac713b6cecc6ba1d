"""An alert says when it must be answered: respond by, overdue, and where its escalation
ladder stands (next step, no step left, stopped) — on its page and in the inbox."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.alerts._support import burns_alert
from vigil.alerts.models import Alert, ResponseTarget
from vigil.alerts.services import acknowledge_alert, escalate_due, response_status

pytestmark = pytest.mark.django_db


def _facts(page: str) -> str:
    """The alert's facts list, where respond-by and escalation are said."""
    return page[page.index('<dl class="kv">') : page.index("</dl>")]


def test_a_rule_without_a_ladder_says_respond_by_not_escalates_at(client_for) -> None:
    # A trial's spike rule told nobody on call, yet its page said "Escalates at 09:04".
    responder = client_for("Responder")
    alert = burns_alert("III", recipients={"roles": ["Responder"]})
    status = response_status(alert)
    assert status.steps == 0 and status.next_escalation_at is None
    assert status.respond_by == alert.respond_by
    assert abs(alert.respond_by - (alert.created_at + dt.timedelta(hours=12))) < dt.timedelta(
        seconds=5
    )
    facts = _facts(responder.get(f"/alerts/{alert.pk}/").content.decode())
    assert "Respond by" in facts and "Escalates at" not in facts and "Escalation" not in facts
    assert "overdue" not in facts


def test_an_unacknowledged_alert_past_its_target_is_overdue_in_the_inbox_and_on_its_page(
    client_for, make_user
) -> None:
    ResponseTarget.objects.create(level="III", hours=0.05)
    responder = client_for("Responder")
    first, backup = make_user("Responder", "first"), make_user("Responder", "backup")
    alert = burns_alert("III", on_call=[first.pk, backup.pk])
    five_ago = timezone.now() - dt.timedelta(minutes=5)
    Alert.objects.filter(pk=alert.pk).update(
        created_at=five_ago, respond_by=five_ago + dt.timedelta(hours=0.05)
    )
    row = responder.get("/alerts/").content.decode().split(f'id="alert-{alert.pk}"')[1]
    assert ">overdue<" in row.split("</tr>")[0]
    facts = _facts(responder.get(f"/alerts/{alert.pk}/").content.decode())
    assert "overdue" in facts and "not yet, of 1 step" in facts and "next at" in facts


def test_the_page_says_when_the_ladder_is_used_up_or_stopped(client_for, make_user) -> None:
    responder = client_for("Responder")
    first, backup = make_user("Responder", "first"), make_user("Responder", "backup")
    alert = burns_alert("III", on_call=[first.pk, backup.pk])
    assert escalate_due(timezone.now() + dt.timedelta(hours=13)) == 1
    alert.refresh_from_db()
    facts = _facts(responder.get(f"/alerts/{alert.pk}/").content.decode())
    # After the last step the old page showed nothing at all about time.
    assert "step 1 of 1" in facts and "no step left" in facts and "Respond by" in facts
    acknowledge_alert(alert, actor=backup)
    facts = _facts(responder.get(f"/alerts/{alert.pk}/").content.decode())
    assert "Respond by" not in facts and "stopped" not in facts  # the last step was told


def test_acknowledging_before_the_last_step_says_the_ladder_stopped(client_for, make_user) -> None:
    responder = client_for("Responder")
    first, backup = make_user("Responder", "first"), make_user("Responder", "backup")
    alert = burns_alert("III", on_call=[first.pk, backup.pk])
    acknowledge_alert(alert, actor=first)
    alert.refresh_from_db()
    assert response_status(alert).next_escalation_at is None
    assert not response_status(alert, timezone.now() + dt.timedelta(days=1)).overdue
    facts = _facts(responder.get(f"/alerts/{alert.pk}/").content.decode())
    assert "not yet, of 1 step" in facts and "stopped" in facts and "Respond by" not in facts


def test_the_response_status_reads_in_chinese(client_for, make_user, zh_hans_catalogue) -> None:
    responder = client_for("Responder")
    first, backup = make_user("Responder", "first"), make_user("Responder", "backup")
    alert = burns_alert("III", on_call=[first.pk, backup.pk])
    responder.cookies["django_language"] = "zh-hans"
    facts = _facts(responder.get(f"/alerts/{alert.pk}/").content.decode())
    assert "响应期限" in facts and "下一步于" in facts  # plurals need the compiled catalogue
    assert "舆情数" in facts and "舆情信息" not in facts  # the count, as the inbox names it


def test_the_alert_page_and_delivery_log_say_in_which_zone_their_times_are(client_for) -> None:
    # A trial read "held for quiet hours until 10:30" for quiet hours set to end at 18:30
    # Asia/Shanghai: the time was right, in the reader's zone (UTC), but nothing said so.
    responder = client_for("Responder")
    alert = burns_alert("II", recipients={"roles": ["Responder"]})
    for path in (f"/alerts/{alert.pk}/", "/alerts/deliveries/"):
        assert "Times in UTC" in responder.get(path).content.decode()
    responder.user.profile.timezone = "Asia/Shanghai"
    responder.user.profile.save()
    assert "Times in Asia/Shanghai" in responder.get(f"/alerts/{alert.pk}/").content.decode()


def test_a_refused_response_target_is_said_in_the_readers_language(zh_hans_catalogue) -> None:
    # A Chinese rules page said "a response target is between 0.05 and 720 hours".
    from django.utils import translation

    from vigil.alerts.services import RuleError, set_response_target

    with translation.override("zh-hans"), pytest.raises(RuleError) as refused:
        set_response_target("II", 0.01)
    assert str(refused.value) == "响应时限须在 0.05 至 720 小时之间"


def test_a_changed_target_leaves_open_alerts_their_deadline_and_a_raise_brings_it_forward(
    client_for, make_user
) -> None:
    # A trial set level III to 0.05 h: an open alert turned "overdue" at once while its
    # messages and escalation still said 06:56. Open alerts keep the deadline they were given.
    from vigil.alerts.services import set_response_target

    first, backup = make_user("Responder", "first"), make_user("Responder", "backup")
    alert = burns_alert("III", on_call=[first.pk, backup.pk])
    given = alert.respond_by
    set_response_target("III", 0.05)
    alert.refresh_from_db()
    status = response_status(alert, timezone.now() + dt.timedelta(minutes=10))
    assert status.respond_by == given == alert.next_escalation_at and not status.overdue
