"""A liaison's report by hand: the form says each level's response target, names every bad link
under Links, and offers "not specified" for the topic (found in a trial: only the first of
three bad links was named, above the form, and the topic read "---------"). A second submit of
the same report is the first one; a link without its scheme is taken when it reads as one."""

from __future__ import annotations

import html

import pytest

from vigil.alerts.models import Alert

pytestmark = pytest.mark.django_db


def test_the_report_form_names_every_bad_link_under_links(client_for) -> None:
    liaison = client_for("Department liaison")
    form = liaison.get("/alerts/report/").content.decode()
    assert '<option value="I">I · red · respond within 2 h</option>' in form
    assert "— not specified —" in form and "---------" not in form
    links = "https://weibo.example/1\nwww.example.com/a\njavascript:alert(1)\nhttps://\nnot a link"
    page = liaison.post(
        "/alerts/report/", {"title": "门店投诉", "text": "顾客闹事", "links": links, "level": "II"}
    ).content.decode()
    said = html.unescape(page)
    # One per line: "not a link" is one bad line (a trial saw “not”, “a”, “link”).
    assert (
        "not web links: “javascript:alert(1)”, “https://”, “not a link” "
        "(links start with http:// or https://)" in said
    )
    links_row = said[said.index('id="id_links"') :]
    assert links_row.index("not web links") < links_row.index("</div>")  # at the field
    assert not Alert.objects.exists()


def test_a_report_sends_its_links_and_no_count_of_mentions(client_for) -> None:
    # A trial's report went out as "Level II · 0 mentions", without the links it gave.
    from vigil.alerts.models import Delivery
    from vigil.alerts.services.messages import message_for

    responder = client_for("Responder")
    client_for("Department liaison").post(
        "/alerts/report/",
        {
            "title": "门店投诉",
            "text": "顾客闹事",
            "links": "https://weibo.example/1",
            "level": "II",
        },
    )
    notice = Delivery.objects.get(recipient=responder.user)
    message = message_for(notice)
    assert "Level II\n" in message.body and "0 mentions" not in message.body
    assert "Links:\n- https://weibo.example/1" in message.body
    assert message.payload["alert"]["links"] == ["https://weibo.example/1"]
    # Logged as a person's report, not as a rule firing (a zh re-trial read 预警触发).
    log = client_for("Administrator").get("/alerts/deliveries/").content.decode()
    assert "warning reported" in log and "alert fired" not in log


def test_an_unacknowledged_report_reminds_responders_when_its_target_passes(
    client_for, make_user
) -> None:
    # A trial's report went past its deadline and nobody was told.
    import datetime as dt

    from vigil.alerts.models import Delivery
    from vigil.alerts.services import escalate_due

    kim = make_user("Responder", "kim")
    liaison = client_for("Department liaison")
    liaison.post("/alerts/report/", {"title": "门店投诉", "text": "顾客闹事", "level": "II"})
    alert = Alert.objects.get(origin="report")
    assert escalate_due(alert.respond_by - dt.timedelta(minutes=1)) == 0
    assert escalate_due(alert.respond_by + dt.timedelta(seconds=1)) == 1
    reminded = Delivery.objects.filter(alert=alert, reason="escalated:1", channel__kind="in_app")
    assert kim.pk in set(reminded.values_list("recipient_id", flat=True))
    alert.refresh_from_db()
    assert alert.next_escalation_at is None  # once, not every target after


def test_links_without_their_scheme_are_taken_as_https(client_for) -> None:
    # A zh trial's “www.12315.cn/complaint/123” was refused as «不是网页链接», with no hint.
    liaison = client_for("Department liaison")
    links = "www.12315.cn/complaint/123\nmp.weixin.qq.com/s/AbC?x=1\nhttp://weibo.example/2"
    liaison.post(
        "/alerts/report/", {"title": "投诉", "text": "顾客", "links": links, "level": "II"}
    )
    assert Alert.objects.get().links == [
        "https://www.12315.cn/complaint/123",
        "https://mp.weixin.qq.com/s/AbC?x=1",
        "http://weibo.example/2",
    ]


def test_a_bad_link_is_refused_in_chinese_with_how_links_start(client_for) -> None:
    liaison = client_for("Department liaison")
    page = liaison.post(
        "/alerts/report/",
        {"title": "投诉", "text": "顾客", "links": "12315投诉", "level": "II"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    ).content.decode()
    assert "不是网页链接：“12315投诉”（链接须以 http:// 或 https:// 开头）" in html.unescape(page)


def test_sending_the_same_report_twice_makes_one_alert_and_tells_once(client_for) -> None:
    # A zh trial's double click made two alerts, each telling everyone again.
    from vigil.alerts.models import Delivery

    client_for("Responder")
    liaison = client_for("Department liaison")
    report = {"title": "门店投诉", "text": "顾客闹事", "level": "II"}
    first = liaison.post("/alerts/report/", report)
    told = Delivery.objects.count()
    second = liaison.post("/alerts/report/", report, follow=True)
    alert = Alert.objects.get()
    assert first["Location"] == f"/alerts/{alert.pk}/"
    assert second.redirect_chain[-1][0] == f"/alerts/{alert.pk}/"
    said = "You reported this already a moment ago: here it is, and nobody is told twice."
    assert said in second.content.decode()
    assert Delivery.objects.count() == told
    # Another title, or the same by someone else, is a report of its own.
    liaison.post("/alerts/report/", {**report, "title": "门店投诉（续）"})
    client_for("Department liaison").post("/alerts/report/", report)
    assert Alert.objects.count() == 3


def test_the_same_report_after_the_window_or_once_closed_is_a_new_one(make_user) -> None:
    import datetime as dt

    from vigil.alerts.services import close_alert, report_warning
    from vigil.alerts.services.reports import REPEAT_WINDOW, already_reported

    wang = make_user("Department liaison", "wang")
    alert, new = report_warning(actor=wang, title="门店投诉", text="顾客闹事")
    again, new_again = report_warning(actor=wang, title=" 门店投诉 ", text="顾客闹事\n")
    assert new and not new_again and again.pk == alert.pk
    Alert.objects.filter(pk=alert.pk).update(
        created_at=alert.created_at - REPEAT_WINDOW + dt.timedelta(minutes=2)
    )
    alert.refresh_from_db()
    assert already_reported(alert) == (
        "You reported this already 8\xa0minutes ago: here it is, and nobody is told twice."
    )
    Alert.objects.filter(pk=alert.pk).update(created_at=alert.created_at - dt.timedelta(minutes=3))
    later, new_later = report_warning(actor=wang, title="门店投诉", text="顾客闹事")
    assert new_later and later.pk != alert.pk
    close_alert(later, actor=make_user("Responder"), false_alarm=True)
    _, reported_again = report_warning(actor=wang, title="门店投诉", text="顾客闹事")
    assert reported_again  # a report dismissed as a false alarm may be made again


def test_the_api_answers_a_repeated_report_with_the_first(client_for) -> None:
    liaison = client_for("Department liaison")
    body = {"title": "门店投诉", "text": "顾客闹事", "links": ["www.12315.cn/c/1"]}
    first = liaison.post("/api/alerts/report", body, content_type="application/json")
    second = liaison.post("/api/alerts/report", body, content_type="application/json")
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    assert first.json()["links"] == ["https://www.12315.cn/c/1"]


def test_a_title_too_long_says_how_long_it_is(client_for) -> None:
    liaison = client_for("Department liaison")
    report = {"title": "长" * 10000, "text": "顾客闹事", "level": "II"}
    page = liaison.post("/alerts/report/", report).content.decode()
    assert "At most 300 characters (this one has 10000)" in page
    zh = liaison.post("/alerts/report/", report, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "最多 300 字（当前 10000 字）" in zh


def test_the_form_sends_once_and_speaks_plain_chinese(client_for, zh_hans_catalogue) -> None:
    liaison = client_for("Department liaison")
    form = liaison.get("/alerts/report/").content.decode()
    assert "data-submit-once" in form and "alerts/submit_once.js" in form
    assert "When someone acknowledges, assigns or closes it" in form
    zh = liaison.get("/alerts/report/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    # Sentences joined without a space after 。, and said in order (a zh trial).
    assert "。 " not in zh and "或预警升级时，您会在站内通知（铃铛）中收到消息。" in zh
    assert "— 不指定 —" in zh and "（尚未设置默认渠道）" in zh and "没有渠道被设为" not in zh


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_double_click_on_a_phone_reports_once_and_a_long_link_fits(
    live_server, chromium_path, make_user
) -> None:
    # A zh trial's double click made two alerts, and a 250-character WeChat link made the
    # alert's page 1823 px wide on a phone.
    import os
    import re

    from playwright.sync_api import sync_playwright

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    make_user("Department liaison", "wang")
    link = "https://mp.weixin.qq.com/s?__biz=" + "MzA5" * 55
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=["--no-sandbox"])
        page = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
        page.goto(live_server.url + "/")
        page.fill("#id_username", "wang")
        page.fill("#id_password", "correct-horse-battery-staple")
        page.click("button[type=submit]")
        page.wait_for_url(live_server.url + "/")
        page.goto(live_server.url + "/alerts/report/")
        page.fill("#id_title", "门店投诉")
        page.fill("#id_text", "顾客闹事")
        page.fill("#id_links", link)
        page.dblclick("form[data-submit-once] button[type=submit]")
        page.wait_for_url(re.compile(r"/alerts/\d+/$"))
        page.wait_for_load_state()
        wide = page.evaluate(
            "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
        )
        browser.close()
    assert Alert.objects.count() == 1
    assert wide
