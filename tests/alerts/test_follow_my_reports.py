"""A liaison follows the warnings she reported by hand: the inbox lists hers ("Reported: by
me", with the other filters; ``reported_by=me`` in the API), and the bell tells her, in her
language, who acknowledged, assigned or closed one, or that it escalated (a zh trial's
reporter could not see what became of her report). What she did herself is not news to her."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from vigil.alerts.models import Alert, Notification
from vigil.alerts.services import (
    acknowledge_alert,
    assign_alert,
    close_alert,
    escalate_due,
    give_feedback,
    report_warning,
)

pytestmark = pytest.mark.django_db


def _signed_in(user) -> Client:  # noqa: ANN001
    client = Client()
    client.force_login(user)
    return client


def _report(reporter, title: str = "门店投诉", **fields) -> Alert:  # noqa: ANN001, ANN003
    alert, _new = report_warning(actor=reporter, title=title, text="顾客闹事", **fields)
    return alert


def _bell(user) -> list[str]:  # noqa: ANN001
    return [n.title for n in Notification.objects.filter(user=user).order_by("id")]


def test_the_inbox_lists_my_reports_with_the_other_filters(make_user) -> None:
    wang = make_user("Department liaison", "wang")
    mine_open, mine_closed = _report(wang, "甲", level="II"), _report(wang, "乙")
    others = _report(make_user("Department liaison"), "丙")
    close_alert(mine_closed, actor=make_user("Responder"))
    inbox = _signed_in(wang)
    page = inbox.get("/alerts/?reported_by=me").content.decode()
    assert '<option value="me" selected>by me</option>' in page
    assert f"#{mine_open.pk}<" in page and f"#{mine_closed.pk}<" not in page  # still open only
    assert f"#{others.pk}<" not in page
    everything = inbox.get("/alerts/?reported_by=me&state=all").content.decode()
    assert f"#{mine_closed.pk}<" in everything and f"#{others.pk}<" not in everything
    level_ii = inbox.get("/alerts/?reported_by=me&state=all&level=II").content.decode()
    assert f"#{mine_open.pk}<" in level_ii and f"#{mine_closed.pk}<" not in level_ii
    assert "reported_by=me" in everything  # kept by the pages' links and the news poll
    zh = inbox.get("/alerts/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "我上报的" in zh
    viewer = _signed_in(make_user("Viewer")).get("/alerts/").content.decode()
    assert 'name="reported_by"' not in viewer  # who cannot report has no reports to follow


def test_the_api_lists_my_reports(make_user) -> None:
    wang = make_user("Department liaison", "wang")
    mine = _report(wang)
    _report(make_user("Department liaison"))
    api = _signed_in(wang)
    listing = api.get("/api/alerts?reported_by=me&state=all").json()
    assert [a["id"] for a in listing["items"]] == [mine.pk]
    wrong = api.get("/api/alerts?reported_by=wang")
    assert wrong.status_code == 400 and "me" in wrong.json()["error"]["message"]


def test_the_reporter_hears_who_acknowledged_assigned_and_closed_in_her_language(
    make_user,
) -> None:
    wang = make_user("Department liaison", "wang", language="zh-hans")
    zhang = make_user("Responder", "zhang", first_name="兰", last_name="张")
    li = make_user("Responder", "li", first_name="伟", last_name="李")
    alert = _report(wang)
    acknowledge_alert(alert, actor=zhang)
    assign_alert(alert, actor=zhang, assignee=li)
    close_alert(alert, actor=li)
    give_feedback(alert, actor=li, feedback=Alert.Feedback.FALSE_ALARM)  # judged again
    assert _bell(wang) == [
        "张兰 已确认您上报的“门店投诉”。",
        "张兰 已将您上报的“门店投诉”指派给 李伟。",
        "李伟 已处置您上报的“门店投诉”，预警已关闭。",
        "李伟 已将您上报的“门店投诉”判为误报，预警已关闭。",
    ]
    notice = Notification.objects.filter(user=wang).first()
    assert notice.alert_id == alert.pk and notice.url == f"/alerts/{alert.pk}/"
    # Said again in the language of whoever reads it later (she switched to English).
    from django.utils import translation

    with translation.override("en"):
        assert notice.display_title == "李伟 closed your report “门店投诉” as a false alarm."


def test_the_reporter_hears_of_an_escalation_and_of_being_given_her_own_report(
    make_user,
) -> None:
    wang = make_user("Responder", "wang")
    zhang = make_user("Responder", "zhang")
    alert = _report(wang, level="II")
    assert escalate_due(alert.respond_by + dt.timedelta(seconds=1)) == 1
    assign_alert(alert, actor=zhang, assignee=wang)
    assert [t for t in _bell(wang) if "report" in t] == [
        "Your report “门店投诉” was escalated: nobody acknowledged it in time, so more people "
        "were told.",
        "zhang assigned your report “门店投诉” to you.",
    ]


def test_what_the_reporter_did_herself_and_rule_alerts_tell_her_nothing(make_user) -> None:
    from tests.alerts._support import burns_alert

    fired = burns_alert()
    wang = make_user("Responder", "wang")
    alert = _report(wang)
    acknowledge_alert(alert, actor=wang)
    close_alert(alert, actor=wang, false_alarm=True)
    acknowledge_alert(fired, actor=wang)
    assert not Notification.objects.filter(user=wang, code="report.progress").exists()


def test_the_alert_page_tells_the_reporter_she_will_hear_how_it_goes(make_user) -> None:
    wang = make_user("Department liaison", "wang", first_name="Fang", last_name="Wang")
    alert = _report(wang)
    mine = _signed_in(wang).get(f"/alerts/{alert.pk}/").content.decode()
    assert "You reported this warning: you will be told in the bell" in mine
    zh = _signed_in(wang).get(f"/alerts/{alert.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "上报人：Fang Wang" in zh.content.decode()
    other = _signed_in(make_user("Responder")).get(f"/alerts/{alert.pk}/").content.decode()
    assert "You reported this warning" not in other and "reported by Fang Wang" in other
