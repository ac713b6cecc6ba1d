"""The rule editor on screen: the 7-day preview, routing mistakes said at their fields, the
whole escalation ladder kept and shown, and rules that would tell nobody or watch a topic and
a plan at once."""

from __future__ import annotations

import pytest

from tests.alerts._support import make_topic, matched_mention
from vigil.accounts.models import AuditEntry
from vigil.alerts.models import AlertRule
from vigil.alerts.services import create_rule

pytestmark = pytest.mark.django_db


def test_the_rule_editor_previews_the_last_seven_days_then_saves(client_for) -> None:
    topic = make_topic()
    for text in ("明光水壶烫伤", "又一例烫伤", "明光新品"):
        matched_mention(topic, title=text)
    responder = client_for("Responder")
    form = {
        "name": "Burns",
        "kind": "keyword",
        "topic": topic.pk,
        "query": "烫伤",
        "level": "II",
        "cooldown_minutes": 360,
        "timezone": "Asia/Shanghai",
        "is_active": "on",
        "on_call": responder.user.username,
    }
    preview = responder.post("/alerts/rules/preview/", form).content.decode()
    assert "1 alert would have fired in the last 7 days" in preview and "2 mentions" in preview
    bad = responder.post("/alerts/rules/preview/", {**form, "query": "烫伤 AND ("}).content.decode()
    assert "query" in bad and "msg-error" in bad
    share = {**form, "kind": "negative_share", "threshold_percent": "500"}
    refused = responder.post("/alerts/rules/new/", share, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert refused.status_code == 200 and not AlertRule.objects.exists()
    page = refused.content.decode()
    row = page[page.index('id="id_threshold_percent"') :]
    assert "errorlist" in row[: row.index("</div>")]  # said at the field, not as raw pydantic
    response = responder.post("/alerts/rules/new/", form)
    assert response.status_code == 302
    rule = AlertRule.objects.get()
    assert rule.conditions == {"query": "烫伤"} and rule.routing["on_call"] == [responder.user.pk]
    assert AuditEntry.objects.filter(action="alertrule.created", object_id=str(rule.pk)).exists()
    edit = responder.get(f"/alerts/rules/{rule.pk}/edit/").content.decode()
    assert 'value="烫伤"' in edit and "Burns" in edit


def _field_errors(page: str, field_id: str) -> str:
    """The text of the form row that holds ``field_id``, errors included."""
    row = page[page.index(f'id="{field_id}"') :]
    ends = [row.find(mark) for mark in ('<div class="form-row', "</form>")]
    return row[: min(end for end in ends if end >= 0)]


def test_the_rule_editor_refuses_a_bad_on_call_order_and_routing_at_their_fields(
    client_for, make_user
) -> None:
    topic = make_topic()
    responder = client_for("Administrator")
    make_user("Responder", "kim")
    gone = make_user("Responder", "gone")
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    form = {
        "name": "Burns",
        "kind": "keyword",
        "topic": topic.pk,
        "level": "III",
        "cooldown_minutes": 360,
        "timezone": "Asia/Shanghai",
        "on_call": "kim gone kim",
        "digest": "daily",
        "quiet_start": "22:00",
    }
    page = responder.post("/alerts/rules/new/", form).content.decode()
    assert not AlertRule.objects.exists()
    on_call = _field_errors(page, "id_on_call")
    assert "Deactivated user(s) cannot be on call: gone" in on_call
    assert "Named more than once: kim" in on_call
    assert "level IV rules only" in _field_errors(page, "id_digest")
    assert "both the start and the end" in _field_errors(page, "id_quiet_end")
    assert 'id="rule-errors"' not in page  # nothing left for the top of the form
    # The zone is chosen from a list, so a typo cannot reach the service.
    assert '<select name="timezone"' in page
    odd = {**form, "on_call": "kim", "digest": "", "quiet_end": "22:00"}
    page = responder.post("/alerts/rules/new/", odd).content.decode()
    assert "hold nothing" in _field_errors(page, "id_quiet_end")
    fixed = {**form, "on_call": "kim", "level": "IV", "quiet_end": "07:00"}
    assert responder.post("/alerts/rules/new/", fixed).status_code == 302


def test_saving_a_rule_says_who_personal_e_mail_cannot_reach(client_for, make_user) -> None:
    from vigil.alerts.services import create_channel

    channel = create_channel(
        name="E-mail",
        kind="apprise",
        config={"urls": ["mailto://127.0.0.1:1?from=v@example.com"], "to_recipients": True},
    )
    make_user("Responder", "kim", email="kim@example.com")
    make_user("Responder", "nomail")
    admin = client_for("Administrator")
    form = {
        "name": "Burns",
        "kind": "keyword",
        "topic": make_topic().pk,
        "level": "III",
        "cooldown_minutes": 360,
        "timezone": "UTC",
        "on_call": "kim nomail",
        "channels": [channel.pk],
    }
    page = admin.post("/alerts/rules/new/", form, follow=True).content.decode()
    assert "No e-mail address on the profile of: nomail." in page and "msg-warning" in page
    quiet = admin.post("/alerts/rules/new/", {**form, "name": "B", "on_call": "kim"}, follow=True)
    assert "No e-mail address" not in quiet.content.decode()
    # Without a personal e-mail channel there is nothing to warn of: the bell needs no
    # address (a zh trial was warned of admin's missing e-mail on a webhook-only rule).
    bell_only = admin.post("/alerts/rules/new/", {**form, "name": "C", "channels": []}, follow=True)
    assert "No e-mail address" not in bell_only.content.decode()


def _burns_with_a_ladder(make_user) -> AlertRule:  # noqa: ANN001
    """A keyword rule with kim on call and an API-set step "then the Administrators"."""
    kim = make_user("Responder", "kim")
    return create_rule(
        name="Burns",
        kind="keyword",
        topic=make_topic(),
        conditions={"query": "烫伤"},
        routing={"on_call": [kim.pk], "escalation": [{"roles": ["Administrator"]}]},
    )


def _rule_form(rule: AlertRule, **fields: str) -> dict[str, object]:
    """What the rule editor posts for ``rule`` (a keyword rule on its topic), plus ``fields``."""
    return {
        "name": rule.name,
        "kind": "keyword",
        "topic": rule.topic_id,
        "query": "烫伤",
        "level": "III",
        "cooldown_minutes": 360,
        "timezone": "UTC",
        "is_active": "on",
        **fields,
    }


def test_saving_a_rule_from_the_form_keeps_the_escalation_steps_set_through_the_api(
    client_for, make_user
) -> None:
    # A trial set a ladder "then the Administrators" through the API, opened the rule in the
    # editor, saved it unchanged, and the step was gone: the form rebuilt the whole ladder.
    admin = client_for("Administrator")
    rule = _burns_with_a_ladder(make_user)
    form = _rule_form(rule, on_call="kim")
    assert admin.post(f"/alerts/rules/{rule.pk}/edit/", form).status_code == 302
    rule.refresh_from_db()
    assert [s["roles"] for s in rule.routing["escalation"]] == [["Administrator"]]
    admin.post(f"/alerts/rules/{rule.pk}/edit/", {**form, "escalate_to_heads": "on"})
    rule.refresh_from_db()
    ladder = rule.routing["escalation"]
    assert [s["roles"] for s in ladder] == [["Administrator"], []] and ladder[1]["department_heads"]
    admin.post(f"/alerts/rules/{rule.pk}/edit/", form)  # untick: only the heads step goes
    rule.refresh_from_db()
    assert [s["roles"] for s in rule.routing["escalation"]] == [["Administrator"]]


def test_the_rule_editor_shows_the_whole_ladder_and_warns_of_a_rule_that_tells_nobody(
    client_for, make_user
) -> None:
    # A trial could not see the API-set steps in the editor, and saved a rule with nobody and
    # no channel in silence: its alerts told no one.
    admin = client_for("Administrator")
    rule = _burns_with_a_ladder(make_user)
    page = admin.get(f"/alerts/rules/{rule.pk}/edit/").content.decode()
    assert "If nobody acknowledges, it climbs: then → Administrator." in page
    form = _rule_form(rule)
    answer = admin.post(f"/alerts/rules/{rule.pk}/edit/", form, follow=True).content.decode()
    assert "This rule tells nobody" in answer
    answer = admin.post(
        f"/alerts/rules/{rule.pk}/edit/", {**form, "on_call": "kim"}, follow=True
    ).content.decode()
    assert "Rule saved." in answer and "This rule tells nobody" not in answer


def test_a_rule_made_on_the_form_is_not_said_to_have_steps_set_through_the_api(
    client_for, make_user
) -> None:
    # A trial's form-made rule read "Steps after the on-call list … were set through the API".
    make_user("Responder", "kim")
    make_user("Responder", "lan")
    admin = client_for("Administrator")
    topic = make_topic()
    admin.post(
        "/alerts/rules/new/",
        {
            "name": "Burns",
            "kind": "keyword",
            "topic": topic.pk,
            "level": "II",
            "cooldown_minutes": 360,
            "timezone": "UTC",
            "is_active": "on",
            "on_call": "kim, lan",
            "escalate_to_heads": "on",
        },
    )
    rule = AlertRule.objects.get()
    page = admin.get(f"/alerts/rules/{rule.pk}/edit/").content.decode()
    assert "set through the API" not in page


def test_a_rule_on_a_topic_and_a_plan_at_once_is_refused_at_the_plan(client_for) -> None:
    # A zh trial chose both; the plan was dropped in silence.
    from vigil.monitoring.models import MonitoringPlan

    admin = client_for("Administrator")
    unsaved = AlertRule(name="Both", topic=make_topic())
    form = _rule_form(unsaved, plan=str(MonitoringPlan.objects.get().pk))
    page = admin.post("/alerts/rules/new/", form).content.decode()
    plan_row = page[page.index('id="id_plan"') :]
    assert plan_row.index("not both") < plan_row.index("</div>")
    assert not AlertRule.objects.exists()
