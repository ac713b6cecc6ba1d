"""The alert screens and API: inbox filters, inline actions with htmx, detail timeline, the
bell, flags, reports, and who may do what (the rules page and channels:
test_see_rules_and_channels_on_screen.py)."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest

from tests.alerts._support import burns_alert, make_topic, matched_mention
from vigil.alerts.models import Alert, Notification
from vigil.alerts.services import create_rule, deliver_due, report_warning

pytestmark = pytest.mark.django_db


def test_inbox_filters_and_inline_acknowledge(client_for) -> None:
    responder = client_for("Responder")
    alert = burns_alert(recipients={"roles": ["Responder"]})
    page = responder.get("/alerts/").content.decode()
    assert "明光水壶烫伤" in page or "Burns" in page
    assert f'id="alert-{alert.pk}"' in page
    assert f'id="alert-{alert.pk}"' not in responder.get("/alerts/?level=I").content.decode()
    row = responder.post(
        f"/alerts/{alert.pk}/act/", {"action": "ack"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert row.startswith(f'<tr id="alert-{alert.pk}"') and "acknowledged" in row
    alert.refresh_from_db()
    assert alert.state == "acknowledged" and alert.acknowledged_by == responder.user
    again = responder.post(
        f"/alerts/{alert.pk}/act/", {"action": "ack"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "only a new alert can be acknowledged" in again
    responder.post(f"/alerts/{alert.pk}/act/", {"action": "false_alarm"})
    alert.refresh_from_db()
    assert alert.state == "false_alarm" and alert.feedback == "false_alarm"
    detail = responder.get(f"/alerts/{alert.pk}/").content.decode()
    timeline = detail[detail.index('class="timeline"') :]
    # One time order, in words rather than codes, deliveries among the events.
    assert "alert.acknowledged" not in timeline and "· fired ·" not in timeline
    fired, told = timeline.index("fired"), timeline.index("alert fired")
    acked, closed = timeline.index("acknowledged"), timeline.index("marked a false alarm")
    assert fired < told < acked < closed


def test_a_responder_lists_the_alerts_assigned_to_them_or_to_nobody(client_for, make_user) -> None:
    from vigil.alerts.services import assign_alert
    from vigil.alerts.services.evaluate import evaluate_new_mentions

    responder = client_for("Responder")
    topic = make_topic()
    for name in ("Mine", "Theirs", "Free"):
        create_rule(name=name, kind="keyword", topic=topic, conditions={"query": "烫伤"})
    evaluate_new_mentions([matched_mention(topic, title="明光水壶烫伤")])
    mine, theirs, free = (Alert.objects.get(rule__name=n) for n in ("Mine", "Theirs", "Free"))
    other = make_user("Responder", "other")
    assign_alert(mine, actor=responder.user, assignee=responder.user)
    assign_alert(theirs, actor=responder.user, assignee=other)

    def shown(query: str) -> set[int]:
        page = responder.get(f"/alerts/?{query}").content.decode()
        return {a.pk for a in (mine, theirs, free) if f'id="alert-{a.pk}"' in page}

    assert shown("") == {mine.pk, theirs.pk, free.pk}
    assert shown("assigned=me") == {mine.pk}
    assert shown("assigned=none") == {free.pk}
    assert shown("assigned=bogus") == {mine.pk, theirs.pk, free.pk}
    assert '<option value="me" selected>' in responder.get("/alerts/?assigned=me").content.decode()
    api = responder.get("/api/alerts?assigned=me").json()["items"]
    assert [a["id"] for a in api] == [mine.pk]
    assert [a["id"] for a in responder.get("/api/alerts?assigned=none").json()["items"]] == [
        free.pk
    ]
    assert responder.get("/api/alerts?assigned=bogus").status_code == 400


def test_the_assign_menu_preselects_nobody_until_someone_is_assigned(client_for) -> None:
    responder = client_for("Responder")
    alert = burns_alert()
    page = responder.get(f"/alerts/{alert.pk}/").content.decode()
    menu = page[
        page.index('name="assignee"') : page.index("</select>", page.index('name="assignee"'))
    ]
    assert '<option value="" selected>— nobody —</option>' in menu
    assert menu.count("selected") == 1
    responder.post(f"/alerts/{alert.pk}/act/", {"action": "assign", "assignee": ""})
    alert.refresh_from_db()
    assert alert.assigned_to is None  # saving the menu untouched assigns nobody
    responder.post(f"/alerts/{alert.pk}/act/", {"action": "assign", "assignee": responder.user.pk})
    page = responder.get(f"/alerts/{alert.pk}/").content.decode()
    assert f'<option value="{responder.user.pk}" selected>' in page


def test_only_people_who_may_act_on_alerts_can_be_given_one(client_for, make_user) -> None:
    # A trial's Assign menu offered a Viewer, who can only read alerts.
    responder = client_for("Responder")
    viewer = make_user("Viewer", username="only-reads")
    alert = burns_alert()
    page = responder.get(f"/alerts/{alert.pk}/").content.decode()
    assert f"{responder.user.username}</option>" in page and "only-reads" not in page
    responder.post(f"/alerts/{alert.pk}/act/", {"action": "assign", "assignee": viewer.pk})
    alert.refresh_from_db()
    assert alert.assigned_to is None


def test_the_timeline_says_until_when_a_notice_is_held_and_when_it_went(
    client_for, httpserver, zh_hans_catalogue
) -> None:
    import datetime as dt

    from django.utils import timezone

    from vigil.alerts.models import Delivery
    from vigil.alerts.services import create_channel

    httpserver.expect_request("/hook").respond_with_data("ok")
    hook = create_channel(name="Hook", kind="webhook", config={"url": httpserver.url_for("/hook")})
    now = timezone.now()
    alert = burns_alert(
        "III",
        channels=[hook.pk],
        quiet_start=(now - dt.timedelta(hours=1)).strftime("%H:%M"),
        quiet_end=(now + dt.timedelta(hours=2)).strftime("%H:%M"),
    )
    held = Delivery.objects.get(alert=alert, channel=hook)
    responder = client_for("Responder")
    page = responder.get(f"/alerts/{alert.pk}/").content.decode()
    until = timezone.localtime(held.next_attempt_at).strftime("%Y-%m-%d %H:%M")
    assert f"(held for quiet hours until {until})" in page
    # In Chinese with Chinese brackets (a trial read "待发送 (免打扰时段暂缓 至 …)").
    chinese = responder.get(f"/alerts/{alert.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content
    assert f"待发送</span>（免打扰时段暂缓至 {until}）" in chinese.decode()  # no space before （
    deliver_due(now=held.next_attempt_at)
    held.refresh_from_db()
    page = responder.get(f"/alerts/{alert.pk}/").content.decode()
    sent = timezone.localtime(held.sent_at).strftime("%Y-%m-%d %H:%M")
    assert f"(held for quiet hours; sent {sent})" in page


def test_viewers_see_but_cannot_change_and_outsiders_are_sent_to_sign_in(
    client, client_for
) -> None:
    alert = burns_alert()
    viewer = client_for("Viewer")
    assert viewer.get("/alerts/").status_code == 200
    assert "Acknowledge" not in viewer.get("/alerts/").content.decode()
    assert viewer.post(f"/alerts/{alert.pk}/act/", {"action": "ack"}).status_code == 403
    assert viewer.get("/alerts/rules/new/").status_code == 403
    assert viewer.get("/alerts/report/").status_code == 403
    alert.refresh_from_db()
    assert alert.state == "new"
    response = client.get("/alerts/")
    assert response.status_code == 302 and "login" in response["Location"]
    assert client.get("/api/alerts").status_code == 401
    assert (
        viewer.post(f"/api/alerts/{alert.pk}/ack", {}, content_type="application/json").status_code
        == 403
    )


def test_readers_get_no_empty_actions_column_but_a_word_on_who_acts(client_for) -> None:
    """An analyst or viewer used to see an "Actions" header over empty cells."""
    alert = burns_alert()
    analyst = client_for("Analyst").get("/alerts/").content.decode()
    assert "<th>Actions</th>" not in analyst and 'class="row-actions"' not in analyst
    # Closing as handled, not closing: her 误报 closes an alert (a zh trial).
    said = "acknowledging, assigning and closing them as handled are for responders"
    assert said in analyst
    page = client_for("Analyst").get(f"/alerts/{alert.pk}/").content.decode()
    assert "closing it as handled are for responders and administrators" in page
    responder = client_for("Responder").get("/alerts/").content.decode()
    assert "<th>Actions</th>" in responder and 'class="row-actions"' in responder
    assert said not in responder


def test_the_bell_counts_unread_notifications(client_for) -> None:
    responder = client_for("Responder")
    alert = burns_alert(recipients={"users": [responder.user.pk]})
    deliver_due()
    bell = responder.get("/alerts/bell/").content.decode()
    assert 'class="bell-count">1<' in bell and 'hx-trigger="every 15s"' in bell
    # The notifications page marks what is unread in words, not by weight alone (a trial).
    notices = responder.get("/alerts/notifications/").content.decode()
    assert '<span class="badge badge-new">unread</span>' in notices
    # Numbered as the inbox numbers alerts: two rules' notices read alike (a trial).
    assert f'<span class="muted small alert-no">#{alert.pk}</span>' in notices
    responder.get(f"/alerts/{alert.pk}/")  # opening the alert reads its notice
    assert "bell-count" not in responder.get("/alerts/bell/").content.decode()
    assert Notification.objects.get().read_at is not None
    assert ">unread</span>" not in responder.get("/alerts/notifications/").content.decode()


def test_working_roles_flag_a_mention_and_a_liaison_can_report(client_for) -> None:
    topic = make_topic()
    mention = matched_mention(topic, title="可疑帖子")
    assert client_for("Viewer").post(f"/alerts/flag/{mention.pk}/").status_code == 403
    liaison = client_for("Department liaison")
    liaison.post(f"/alerts/flag/{mention.pk}/")
    liaison.post(f"/alerts/flag/{mention.pk}/")  # twice: still one warning
    flagged = Alert.objects.get()
    assert flagged.origin == "flag" and flagged.topic == topic
    assert flagged.reported_by == liaison.user
    response = liaison.post(
        "/alerts/report/",
        {
            "title": "门店投诉",
            "text": "顾客在门店闹事",
            "links": "https://weibo.example/1",
            "level": "II",
        },
    )
    assert response.status_code == 302
    report = Alert.objects.get(origin="report")
    assert report.links == ["https://weibo.example/1"] and report.level == "II"


def test_the_delivery_log_and_channels_read_in_chinese(client_for) -> None:
    responder = client_for("Responder")
    burns_alert(recipients={"roles": ["Responder"]})
    responder.cookies["django_language"] = "zh-hans"
    log = responder.get("/alerts/deliveries/").content.decode()
    assert "站内通知" in log and "预警触发" in log
    assert "In-app" not in log and ">fired<" not in log
    channels = responder.get("/alerts/channels/").content.decode()
    assert "站内通知" in channels and "正常" in channels and "in-app bell" not in channels


def _state_line(page: str) -> str:
    """The alert page's State row, as read."""
    found = re.search(r"<dt>(?:State|状态)</dt><dd>(.*?)</dd>", page, re.S)
    assert found is not None
    return html.unescape(re.sub(r"<[^>]+>", "", found.group(1)))


def test_the_alert_page_says_its_state_once(client_for, make_user, zh_hans_catalogue) -> None:
    # A trial's alert page read "acknowledged · acknowledged by wang at …".
    wang, li = make_user("Responder", username="wang"), make_user("Responder", username="li")
    at = dt.datetime(2026, 11, 27, 8, 0, tzinfo=dt.UTC)
    later = at + dt.timedelta(hours=1)

    def alert(key: str, **state: object) -> Alert:
        return Alert.objects.create(
            key=key,
            origin="rule",
            title="Kettle: Burns",
            level="III",
            first_seen=at,
            last_seen=at,
            **state,
        )

    acked = alert("a", state="acknowledged", acknowledged_by=wang, acknowledged_at=at)
    handled = alert(
        "h",
        state="handled",
        acknowledged_by=wang,
        acknowledged_at=at,
        closed_by=li,
        closed_at=later,
    )
    # Closed without an acknowledgement: closing it acknowledged it at the same moment.
    dismissed = alert(
        "f",
        state="false_alarm",
        acknowledged_by=li,
        acknowledged_at=later,
        closed_by=li,
        closed_at=later,
    )
    reader = client_for("Responder")
    said = {
        (a.pk, language): _state_line(
            reader.get(f"/alerts/{a.pk}/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
        )
        for a in (acked, handled, dismissed)
        for language in ("en", "zh-hans")
    }
    assert said[acked.pk, "en"] == "Acknowledged by wang at 2026-11-27 08:00"
    assert said[acked.pk, "zh-hans"] == "已由 wang 于 2026-11-27 08:00 确认"
    assert said[handled.pk, "en"] == (
        "handled · acknowledged by wang at 2026-11-27 08:00 · closed by li at 2026-11-27 09:00"
    )
    assert said[handled.pk, "zh-hans"] == (
        "已处置 · 由 wang 于 2026-11-27 08:00 确认 · 由 li 于 2026-11-27 09:00 关闭"
    )
    assert said[dismissed.pk, "en"] == "false alarm · closed by li at 2026-11-27 09:00"
    assert said[dismissed.pk, "zh-hans"] == "误报 · 由 li 于 2026-11-27 09:00 关闭"


def test_an_inbox_row_does_not_repeat_what_its_title_says(client_for) -> None:
    # A zh trial's row read "Kettle: Burns" then "#2 · Keyword · Burns · Kettle".
    alert = burns_alert()
    page = client_for("Responder").get("/alerts/").content.decode()
    row = page[page.index(f'id="alert-{alert.pk}"') :].split("</tr>")[0]
    meta = row[row.index('class="alert-no"') :].split("</div>")[0]
    assert alert.rule.name in alert.display_title and alert.rule.name not in meta
    assert alert.topic.name not in meta and alert.rule.get_kind_display() in meta


def test_the_alert_page_says_what_its_buttons_did(client_for, make_user, zh_hans_catalogue) -> None:
    # A zh trial pressed 确认, 指派, 已处置 and 误报 and saw no sign any of them took.
    alert = burns_alert()
    responder = client_for("Responder")
    li = make_user("Responder", "li", first_name="伟", last_name="李")
    act = f"/alerts/{alert.pk}/act/"

    def said(data: dict[str, object], **headers: str) -> str:
        return responder.post(act, data, follow=True, **headers).content.decode()

    # （不指派） on an alert nobody had: not 「已取消指派」 (a zh trial).
    assert "Nothing changed: choose the person to assign it to." in said(
        {"action": "assign", "assignee": ""}
    )
    assert "Acknowledged." in said({"action": "ack"})
    assert "已指派给 李伟。" in said(
        {"action": "assign", "assignee": li.pk}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert "Nobody is assigned to it now." in said({"action": "assign", "assignee": ""})
    assert "Closed as handled." in said({"action": "handle"})
    assert "Closed as a false alarm." in said({"action": "false_alarm"})
    report, _new = report_warning(actor=li, title="门店投诉", text="顾客闹事")
    zh = responder.post(
        f"/alerts/{report.pk}/act/",
        {"action": "false_alarm"},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    ).content.decode()
    assert "已标为误报，预警已关闭。" in zh
    refused = said({"action": "ack"})  # closed: the refusal, and no "Acknowledged."
    assert "only a new alert can be acknowledged" in refused and "Acknowledged." not in refused


def test_the_timeline_says_judgements_and_assignments_as_pairs(
    make_user, zh_hans_catalogue
) -> None:
    # A zh trial read 「提交了反馈：有用」 beside 「标记为误报」, and 「将其指派给 李伟」.
    from django.utils import translation

    from vigil.alerts.services import assign_alert, give_feedback
    from vigil.alerts.timeline import alert_timeline

    alert = burns_alert()
    responder = make_user("Responder", "zhang")
    li = make_user("Responder", "li", first_name="伟", last_name="李")
    alert = assign_alert(alert, actor=responder, assignee=li)
    alert = give_feedback(alert, actor=responder, feedback=Alert.Feedback.USEFUL)
    with translation.override("zh-hans"):
        texts = [e.text for e in alert_timeline(alert) if e.delivery is None]
    assert "指派给 李伟" in texts and "标为有用" in texts
    from vigil.accounts.audit import action_label

    with translation.override("zh-hans"):
        assert action_label("alert.false_alarm") == "标为误报"
