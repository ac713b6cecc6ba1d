"""The rule form's on-call order takes people by the name the screens show, not only by user name.

A trial's PR lead typed "Chen Jing, oncall2": the people list just above the field, and the
inbox's assign menu, name her Chen Jing, and nothing on the form says her user name
(responder). The form answered "Unknown user(s): Chen, Jing", splitting her name in two."""

from __future__ import annotations

import re

import pytest

from tests.alerts._support import make_topic
from vigil.alerts.models import AlertRule

pytestmark = pytest.mark.django_db


def _form(topic_pk: int, on_call: str) -> dict[str, object]:
    return {
        "name": "Burns",
        "kind": "keyword",
        "topic": topic_pk,
        "level": "II",
        "cooldown_minutes": 360,
        "timezone": "UTC",
        "is_active": "on",
        "on_call": on_call,
    }


def _on_call_errors(page: str) -> str:
    """The on-call field's row, up to the next field's."""
    row = page[page.index('id="id_on_call"') :]
    return row[: row.index('id="id_escalate_to_heads"')]


def test_the_on_call_order_takes_names_as_the_people_list_shows_them(client_for, make_user) -> None:
    chen = make_user("Responder", "responder", first_name="Jing", last_name="Chen")
    li = make_user("Responder", "liwei", first_name="伟", last_name="李")
    kim = make_user("Responder", "kim")
    admin = client_for("Administrator")
    topic = make_topic()
    form = admin.get("/alerts/rules/new/").content.decode()
    # How the list names her, with the user name the on-call order also takes.
    assert re.search(r">\s*(Jing Chen|Chen Jing) · responder</label>", form)
    assert re.search(r">\s*kim</label>", form)  # no name: the user name once

    saved = admin.post("/alerts/rules/new/", _form(topic.pk, "jing chen， 李伟、kim"))
    assert saved.status_code == 302
    rule = AlertRule.objects.get()
    assert rule.routing["on_call"] == [chen.pk, li.pk, kim.pk]
    # The editor shows the order back as the lists name people, separated so that it reads
    # again; a name two people share is shown as the user name.
    edit = admin.get(f"/alerts/rules/{rule.pk}/edit/").content.decode()
    assert 'value="Jing Chen, 李伟, kim"' in edit
    again = admin.post(f"/alerts/rules/{rule.pk}/edit/", _form(topic.pk, "Jing Chen, 李伟, kim"))
    assert again.status_code == 302
    rule.refresh_from_db()
    assert rule.routing["on_call"] == [chen.pk, li.pk, kim.pk]


def test_user_names_separated_by_spaces_still_work(client_for, make_user) -> None:
    kim = make_user("Responder", "kim")
    lee = make_user("Responder", "lee")
    admin = client_for("Administrator")
    saved = admin.post("/alerts/rules/new/", _form(make_topic().pk, "kim lee"))
    assert saved.status_code == 302
    assert AlertRule.objects.get().routing["on_call"] == [kim.pk, lee.pk]


def test_an_unknown_name_is_said_whole_with_what_to_type(client_for, make_user) -> None:
    make_user("Responder", "responder", first_name="Jing", last_name="Chen")
    make_user("Responder", "kim")
    admin = client_for("Administrator")
    topic = make_topic()
    page = admin.post("/alerts/rules/new/", _form(topic.pk, "Chen Ming, kim")).content
    errors = _on_call_errors(page.decode())
    assert "Unknown person or user name: Chen Ming" in errors
    assert "Chen, Ming" not in errors and "a name as the lists above show it" in errors
    assert not AlertRule.objects.exists()
    zh = admin.post(
        "/alerts/rules/new/",
        _form(topic.pk, "Chen Ming, kim"),
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    ).content.decode()
    assert "未知的人员或用户名：Chen Ming" in _on_call_errors(zh)


def test_one_person_named_twice_by_name_and_user_name_is_refused(client_for, make_user) -> None:
    make_user("Responder", "responder", first_name="Jing", last_name="Chen")
    admin = client_for("Administrator")
    page = admin.post("/alerts/rules/new/", _form(make_topic().pk, "responder, Jing Chen"))
    assert "Named more than once" in _on_call_errors(page.content.decode())
    assert not AlertRule.objects.exists()


def test_two_people_of_one_name_need_their_user_names(client_for, make_user) -> None:
    make_user("Responder", "wang1", first_name="Fang", last_name="Wang")
    make_user("Responder", "wang2", first_name="Fang", last_name="Wang")
    admin = client_for("Administrator")
    page = admin.post("/alerts/rules/new/", _form(make_topic().pk, "Fang Wang"))
    assert "Unknown person or user name: Fang Wang" in _on_call_errors(page.content.decode())


def test_a_name_two_people_share_reads_back_as_user_names(client_for, make_user) -> None:
    one = make_user("Responder", "wang1", first_name="Fang", last_name="Wang")
    two = make_user("Responder", "wang2", first_name="Fang", last_name="Wang")
    admin = client_for("Administrator")
    topic = make_topic()
    assert admin.post("/alerts/rules/new/", _form(topic.pk, "wang2, wang1")).status_code == 302
    rule = AlertRule.objects.get()
    assert rule.routing["on_call"] == [two.pk, one.pk]
    edit = admin.get(f"/alerts/rules/{rule.pk}/edit/").content.decode()
    assert 'value="wang2, wang1"' in edit
