"""People are named one way everywhere: the alert page, the inbox, the rules list, the rule
editor, a topic's history and the messages about an alert all say "Li Wei" where the profile
has a name, and the username only where it has none."""

from __future__ import annotations

import pytest

from tests.alerts._support import burns_alert, make_topic
from vigil.accounts.people import person_name
from vigil.alerts.models import AlertRule
from vigil.alerts.services.lifecycle import acknowledge_alert
from vigil.alerts.services.messages import where_it_stands
from vigil.monitoring.services import update_topic

pytestmark = pytest.mark.django_db


def test_full_name_where_set_username_otherwise(make_user) -> None:
    named = make_user("Responder", username="liwei", first_name="Wei", last_name="Li")
    bare = make_user("Responder", username="zhao")
    assert person_name(named) == "Wei Li"
    assert person_name(bare) == "zhao"
    assert person_name(None) == ""
    chinese = make_user("Responder", username="lw", first_name="伟", last_name="李")
    assert person_name(chinese) == "李伟"  # family name first, no space


def test_alert_page_inbox_and_message_name_the_same_person(client_for, make_user) -> None:
    boss = make_user("Responder", username="liwei", first_name="Wei", last_name="Li")
    viewer = client_for("Responder")
    alert = burns_alert()
    acknowledge_alert(alert, actor=boss)
    alert.assigned_to = boss
    alert.save(update_fields=["assigned_to"])
    page = viewer.get(f"/alerts/{alert.pk}/").content.decode()
    head, timeline = page.split('class="timeline"', 1)
    assert "Acknowledged by Wei Li" in head and "Assigned to</dt><dd>Wei Li" in head
    assert "<strong>Wei Li</strong>" in timeline and "<strong>liwei</strong>" not in timeline
    inbox = viewer.get("/alerts/").content.decode()
    assert "→ Wei Li" in inbox
    assert ">Wei Li</option>" in inbox and ">liwei</option>" not in inbox
    alert.refresh_from_db()
    assert "Wei Li" in where_it_stands(alert)


def test_rules_and_the_rule_editor_name_people(client_for, make_user) -> None:
    admin = client_for("Administrator")
    boss = make_user("Responder", username="liwei", first_name="Wei", last_name="Li")
    burns_alert(recipients={"users": [boss.pk]})
    rule = AlertRule.objects.get()
    assert "Wei Li" in admin.get("/alerts/rules/").content.decode()
    editor = admin.get(f"/alerts/rules/{rule.pk}/edit/").content.decode()
    assert f'value="{boss.pk}"' in editor
    option = editor[editor.index(f'value="{boss.pk}"') :]
    assert option[: option.index("</label>")].strip().endswith("Wei Li · liwei")


def test_topic_history_names_who_changed_the_query(client_for, make_user) -> None:
    analyst = make_user("Analyst", username="chen", first_name="Jing", last_name="Chen")
    topic = make_topic()
    update_topic(topic, actor=analyst, query="Lumina OR 明光 OR 明光智能")
    page = client_for("Viewer").get(f"/topics/{topic.pk}/").content.decode()
    assert "Jing Chen" in page


def test_the_timeline_says_to_whom_an_alert_was_assigned(client_for, make_user) -> None:
    # The verification trial's timeline read "Hua Yu assigned" and no more.
    from vigil.alerts.services.lifecycle import assign_alert

    boss = make_user("Responder", username="liwei", first_name="Wei", last_name="Li")
    reader = client_for("Responder")
    alert = burns_alert()
    assign_alert(alert, actor=reader.user, assignee=boss)
    assign_alert(alert, actor=reader.user, assignee=None)
    page = reader.get(f"/alerts/{alert.pk}/").content.decode()
    timeline = page[page.index('class="timeline"') :]
    assert "assigned it to Wei Li" in timeline and "unassigned it" in timeline
