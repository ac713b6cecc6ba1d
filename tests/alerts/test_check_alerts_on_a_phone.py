"""Alerts on a phone. An administrator checks the rules, the channels and the delivery log:
each row is a small card that fits the screen, the rule, the alert or the channel heading it,
and Send test is in reach without scrolling sideways (the tables used to scroll inside a
364 px box, twice as wide as the screen, with the alert's title three characters a line).
"New rule" and "New channel" keep room around their words. A responder reads the notices,
each time on one line."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.alerts._support import make_topic, matched_mention
from vigil.alerts.services import create_channel, create_rule, deliver_due
from vigil.alerts.services.evaluate import evaluate_new_mentions

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("VIGIL_SCREENSHOTS", "var/screenshots"))
ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(live_server, chromium_path):  # noqa: ANN001, ANN201
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=ARGS)
        page = browser.new_context(viewport=PHONE).new_page()
        page.base = live_server.url
        yield page
        browser.close()


def _sign_in(page, username: str) -> None:  # noqa: ANN001
    page.goto(page.base + "/")
    page.fill("#id_username", username)
    page.fill("#id_password", "correct-horse-battery-staple")
    page.click("button[type=submit]")
    page.wait_for_url(page.base + "/")


def _fits(page) -> bool:  # noqa: ANN001
    return page.evaluate(
        "() => [...document.querySelectorAll('table.grid')]"
        ".every(t => t.scrollWidth <= t.parentElement.clientWidth)"
        " && document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def _room(link) -> list[float]:  # noqa: ANN001
    """Pixels between the screen and a button, and between the button and its words, on the
    left and on the right."""
    return link.evaluate(
        """b => { const box = b.getBoundingClientRect(), words = document.createRange();
        words.selectNodeContents(b); const w = words.getBoundingClientRect();
        return [box.left, w.left - box.left, box.right - w.right,
                document.documentElement.clientWidth - box.right]; }"""
    )


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_rules_and_the_new_buttons_fit_a_phone(
    phone, make_user, language, zh_hans_catalogue
) -> None:  # noqa: ANN001
    # The rules were a seven-column table scrolling sideways in its box, the rule's name
    # one word a line; "New channel" ran edge to edge of its blue box.
    li = make_user("Administrator", username="li", language=language)
    wang = make_user("Responder", username="wang")
    topic = make_topic()
    rule = create_rule(
        name="Burns and scalds on the kettle lid",
        kind="keyword",
        conditions={"query": "烫伤"},
        topic=topic,
        level="II",
        routing={"recipients": {"users": [li.pk]}, "on_call": [wang.pk]},
    )
    create_rule(name="Spike", kind="spike", topic=topic)
    _sign_in(phone, "li")

    phone.goto(phone.base + "/alerts/rules/")
    phone.screenshot(path=str(SHOTS / f"alerts-rules-{language}-phone.png"), full_page=True)
    assert _fits(phone)
    card = phone.locator(f"#rule-{rule.pk}").bounding_box()
    name = phone.locator(f"#rule-{rule.pk} td.lead").bounding_box()
    assert name["width"] >= 0.9 * card["width"]
    buttons = {"rules": ("New rule", "新建规则"), "channels": ("New channel", "新建渠道")}
    for path, (english, chinese) in buttons.items():
        phone.goto(phone.base + f"/alerts/{path}/")
        button = phone.get_by_role("link", name=english if language == "en" else chinese)
        assert all(gap >= 8 for gap in _room(button)), (path, _room(button))


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_delivery_log_and_channels_fit_a_phone(
    phone, make_user, httpserver, language, zh_hans_catalogue
) -> None:  # noqa: ANN001
    make_user("Administrator", username="li", language=language)
    httpserver.expect_request("/hook").respond_with_data("overloaded", status=503)
    channel = create_channel(
        name="Ops webhook", kind="webhook", config={"url": httpserver.url_for("/hook")}
    )
    topic = make_topic()
    create_rule(name="Burns", kind="keyword", topic=topic, routing={"channels": [channel.pk]})
    evaluate_new_mentions([matched_mention(topic, title="明光水壶烫伤用户，客服不理人")])
    deliver_due()
    SHOTS.mkdir(parents=True, exist_ok=True)
    _sign_in(phone, "li")

    phone.goto(phone.base + "/alerts/deliveries/")
    phone.screenshot(path=str(SHOTS / f"alerts-deliveries-{language}-phone.png"), full_page=True)
    assert _fits(phone)
    title = phone.locator("table.deliveries tbody tr").first.locator("td.lead")
    card = phone.locator("table.deliveries tbody tr").first.bounding_box()
    assert title.bounding_box()["width"] >= 0.9 * card["width"]
    assert phone.locator("td .msg-error").first.is_visible()

    phone.goto(phone.base + "/alerts/channels/")
    phone.screenshot(path=str(SHOTS / f"alerts-channels-{language}-phone.png"), full_page=True)
    assert _fits(phone)
    row = phone.locator(f"#channel-{channel.pk}")
    button = row.get_by_role("button", name="Send test" if language == "en" else "发送测试")
    box = button.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    button.click()
    phone.wait_for_selector(f"#test-{channel.pk}:not(:empty)")
    # The result points at the row's Last error, which it updates (said once, not twice).
    assert "503" not in phone.locator(f"#test-{channel.pk}").inner_text()
    assert "503" in phone.locator(f"#last-error-{channel.pk}").inner_text()


def test_the_delivery_log_stays_a_table_on_a_desktop(phone, make_user) -> None:  # noqa: ANN001
    make_user("Administrator", username="li")
    channel = create_channel(name="Ops webhook", kind="webhook", config={"url": "https://x.test/h"})
    topic = make_topic()
    create_rule(name="Burns", kind="keyword", topic=topic, routing={"channels": [channel.pk]})
    evaluate_new_mentions([matched_mention(topic, title="明光水壶烫伤用户")])
    phone.set_viewport_size({"width": 1280, "height": 860})
    _sign_in(phone, "li")
    phone.goto(phone.base + "/alerts/deliveries/")
    assert phone.locator("table.deliveries thead").is_visible()


def test_a_notice_time_is_not_broken_over_two_lines_on_a_phone(
    phone, make_user, zh_hans_catalogue
) -> None:  # noqa: ANN001
    wang = make_user("Responder", username="wang", language="zh-hans")
    topic = make_topic()
    # Titles of every length, so that some line ends inside the time wherever it may wrap.
    for n in range(1, 13):
        create_rule(
            name="烫伤" * n,
            kind="keyword",
            conditions={"query": "烫伤"},
            topic=topic,
            level="III",
            routing={"recipients": {"users": [wang.pk]}},
        )
    evaluate_new_mentions([matched_mention(topic, title="明光水壶烫伤用户，客服不理人")])
    deliver_due()
    _sign_in(phone, "wang")
    phone.goto(phone.base + "/alerts/notifications/")
    phone.screenshot(path=str(SHOTS / "alerts-notifications-zh-phone.png"), full_page=True)
    times = phone.evaluate(
        "() => [...document.querySelectorAll('.notifications time')]"
        ".map(t => t.getClientRects().length)"
    )
    assert times and all(n == 1 for n in times), times


def test_a_responder_acknowledges_from_the_e_mail_link_without_signing_in(  # noqa: ANN001
    phone, make_user, zh_hans_catalogue
) -> None:
    from vigil.alerts.models import Alert
    from vigil.alerts.services.ack_links import ack_url_path

    li = make_user("Responder", "li", first_name="伟", last_name="李", language="zh-hans")
    topic = make_topic()
    create_rule(name="Burns", kind="keyword", topic=topic, level="II", routing={"on_call": [li.pk]})
    evaluate_new_mentions([matched_mention(topic, title="明光水壶烫伤用户")])
    alert = Alert.objects.get()
    phone.goto(phone.base + ack_url_path(alert, li))  # a real browser sends Origin with the POST
    phone.screenshot(path=str(SHOTS / "alerts-ack-link-zh.png"), full_page=True)
    phone.get_by_role("button", name="以 李伟 身份确认").click()
    phone.get_by_role("status").wait_for()
    assert "升级已停止" in phone.get_by_role("status").inner_text()
    alert.refresh_from_db()
    assert alert.state == "acknowledged" and alert.acknowledged_by == li
