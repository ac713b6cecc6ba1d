"""Saving a rule names the people of its on-call order who may not acknowledge an alert.

A trial put three Analysts on call: each escalation step told the next of them, in the app
and by e-mail, and none had an Acknowledge button, so nobody told could stop the climb."""

from __future__ import annotations

import pytest

from tests.alerts._support import make_topic
from vigil.alerts.conditions import routing_of
from vigil.alerts.services.routing import on_call_who_cannot_acknowledge

pytestmark = pytest.mark.django_db


def _form(topic_pk: int, on_call: str) -> dict[str, object]:
    return {
        "name": "Burns",
        "kind": "keyword",
        "topic": topic_pk,
        "level": "III",
        "cooldown_minutes": 360,
        "timezone": "UTC",
        "is_active": "on",
        "on_call": on_call,
    }


def test_saving_a_rule_names_on_call_people_who_cannot_acknowledge(client_for, make_user) -> None:
    make_user("Responder", "kim")
    make_user("Analyst", "lee")
    make_user("Viewer", "wang")
    make_user("Administrator", "root")
    admin = client_for("Administrator")
    topic = make_topic()
    page = admin.post("/alerts/rules/new/", _form(topic.pk, "kim wang lee root"), follow=True)
    text = page.content.decode()
    assert "Rule saved." in text
    # In the order they are told, and only those who cannot acknowledge.
    assert "On call but not allowed to acknowledge alerts: wang, lee." in text
    assert "msg-warning" in text

    quiet = admin.post("/alerts/rules/new/", _form(topic.pk, "kim root"), follow=True)
    assert "not allowed to acknowledge" not in quiet.content.decode()


def test_the_check_reads_each_person_s_permission_not_their_role_name(make_user) -> None:
    kim = make_user("Responder", "kim")
    lee = make_user("Analyst", "lee")
    liaison = make_user("Department liaison", "zhao")
    routing = routing_of({"on_call": [liaison.pk, kim.pk, lee.pk]})
    assert [u.username for u in on_call_who_cannot_acknowledge(routing)] == ["zhao", "lee"]
    lee.is_superuser = True
    lee.save()
    assert [u.username for u in on_call_who_cannot_acknowledge(routing)] == ["zhao"]
