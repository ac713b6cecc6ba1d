"""The alert screens in a real browser: inbox with inline acknowledge (htmx), rule editor
switching condition fields by kind and previewing, channels, the 警 flag from the mentions list,
in English and Chinese."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.alerts._support import make_topic, matched_mention
from vigil.alerts.models import Alert, AlertRule, Channel, Delivery
from vigil.alerts.services import create_channel, create_rule, deliver_due
from vigil.alerts.services.evaluate import evaluate_new_mentions

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("VIGIL_SCREENSHOTS", "var/screenshots"))
ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]


@pytest.fixture
def page(live_server, chromium_path):  # noqa: ANN001, ANN201
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=ARGS)
        page = browser.new_context(viewport={"width": 1280, "height": 860}).new_page()
        page.base = live_server.url
        yield page
        browser.close()


def _sign_in(page, username: str) -> None:  # noqa: ANN001
    page.goto(page.base + "/")
    page.fill("#id_username", username)
    page.fill("#id_password", "correct-horse-battery-staple")
    page.click("button[type=submit]")
    page.wait_for_url(page.base + "/")


def test_responder_works_the_inbox_and_edits_a_rule(page, make_user) -> None:  # noqa: ANN001
    make_user("Responder", username="wang")
    topic = make_topic()
    create_channel(
        name="Ops webhook", kind="webhook", config={"url": "https://hooks.example.com/vigil"}
    )
    create_rule(name="Burns", kind="keyword", topic=topic, level="II", conditions={"query": "烫伤"})
    evaluate_new_mentions([matched_mention(topic, title="明光水壶烫伤用户") for _ in range(3)])
    alert = Alert.objects.get()
    SHOTS.mkdir(parents=True, exist_ok=True)

    _sign_in(page, "wang")
    page.goto(page.base + "/alerts/")
    row = page.locator(f"#alert-{alert.pk}")
    assert "明光水壶烫伤用户" in row.inner_text() or "Kettle" in row.inner_text()
    page.screenshot(path=str(SHOTS / "alerts-inbox-en.png"), full_page=True)
    row.get_by_role("button", name="Acknowledge").click()
    page.wait_for_function(
        f"document.querySelector('#alert-{alert.pk} .state').textContent.includes('acknowledged')"
    )
    alert.refresh_from_db()
    assert alert.state == "acknowledged"

    page.goto(page.base + f"/alerts/{alert.pk}/")
    assert page.locator(".timeline li", has_text="acknowledged").is_visible()
    page.screenshot(path=str(SHOTS / "alerts-detail-en.png"), full_page=True)

    page.goto(page.base + "/alerts/rules/new/")
    assert (
        page.locator("#id_query").is_visible() and not page.locator("#id_sensitivity").is_visible()
    )
    assert not page.locator("#spike-quiet").is_visible()
    page.select_option("#id_kind", "spike")
    assert (
        page.locator("#id_sensitivity").is_visible() and not page.locator("#id_query").is_visible()
    )
    assert "stays quiet for 24 hours" in page.locator("#spike-quiet").inner_text()
    page.select_option("#id_kind", "keyword")
    page.fill("#id_name", "Burns 2")
    page.select_option("#id_topic", str(topic.pk))
    page.fill("#id_query", "烫伤 OR")  # checked as it is typed, as on the topic form
    page.locator("#check-query .msg-error").wait_for()
    assert "^" in page.locator("#check-query").inner_text()
    page.fill("#id_query", "烫伤")
    page.locator("#check-query .ok").wait_for()
    page.get_by_role("button", name="What would have fired in the last 7 days?").click()
    page.wait_for_selector("#preview-result")
    assert "1 alert would have fired" in page.locator("#preview-result").inner_text()
    page.screenshot(path=str(SHOTS / "alerts-rule-editor-en.png"), full_page=True)

    with page.expect_navigation():
        page.select_option(".langswitch select", "zh-hans")
    page.goto(page.base + "/alerts/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    page.screenshot(path=str(SHOTS / "alerts-inbox-zh.png"), full_page=True)
    page.goto(page.base + "/alerts/channels/")
    assert page.get_by_text("Ops webhook").is_visible()
    page.screenshot(path=str(SHOTS / "alerts-channels-zh.png"), full_page=True)
    page.goto(page.base + "/alerts/channels/new/")
    # A new channel starts as e-mail through an SMTP server: its fields, not an Apprise URL.
    assert page.locator("#id_smtp_host").is_visible() and page.locator("#id_mail_to").is_visible()
    assert not page.locator("#id_urls").is_visible() and not page.locator("#id_secret").is_visible()
    assert page.locator("#id_to_recipients").is_visible()
    page.screenshot(path=str(SHOTS / "alerts-channel-email-zh.png"), full_page=True)
    page.select_option("#id_kind", "apprise")
    assert page.locator("#id_urls").is_visible() and not page.locator("#id_smtp_host").is_visible()
    assert page.locator("#id_to_recipients").is_visible()
    page.select_option("#id_kind", "webhook")
    assert page.locator("#id_secret").is_visible() and not page.locator("#id_urls").is_visible()
    assert not page.locator("#id_to_recipients").is_visible()

    # The delivery log in Chinese: a status or a reason is one word and never breaks
    # over two lines ("已发/送", "升级第 1/步" in a narrow column).
    Alert.objects.filter(pk=alert.pk).update(
        title="明光水壶漏电了，差点触电，质量太差，非常危险" * 3, title_code=""
    )
    Delivery.objects.create(
        alert=alert,
        channel=Channel.objects.get(name="Ops webhook"),
        reason="escalated:1",
        status="sent",
        attempts=1,
        next_attempt_at=alert.first_seen,
        sent_at=alert.first_seen,
    )
    page.set_viewport_size({"width": 1024, "height": 860})
    page.goto(page.base + "/alerts/deliveries/")
    page.screenshot(path=str(SHOTS / "alerts-deliveries-zh.png"), full_page=True)
    lines = page.evaluate(
        "() => [...document.querySelectorAll('table.grid tbody td')].map(td => "
        "[...td.querySelectorAll('.dstatus, .nowrap')].map(e => e.getClientRects().length))"
    )
    assert any(lines) and all(n == 1 for cell in lines for n in cell), lines


def test_a_rule_tells_people_ticked_in_a_long_list_found_by_name(page, make_user) -> None:  # noqa: ANN001
    make_user("Administrator", username="boss")
    people = [make_user("Responder", first_name=f"Person {i:02d}") for i in range(12)]
    zhou = make_user("Responder", first_name="明", last_name="周")
    topic = make_topic()
    _sign_in(page, "boss")
    page.goto(page.base + "/alerts/rules/new/")
    find = page.get_by_placeholder("Find a person")
    assert find.is_visible()  # fourteen people: the list gets a filter box
    page.get_by_label("Person 03").check()
    find.fill("周")
    assert page.get_by_label("周明").is_visible()
    # What does not match is hidden, but a ticked person stays in view.
    assert page.get_by_label("Person 03").is_visible()
    assert not page.get_by_label("Person 04").is_visible()
    page.get_by_label("周明").check()
    page.get_by_label("Analyst").check()
    page.fill("#id_name", "Burns for two")
    page.select_option("#id_topic", str(topic.pk))
    page.fill("#id_query", "烫伤")
    with page.expect_navigation():
        page.get_by_role("button", name="Save rule").click()
    rule = AlertRule.objects.get(name="Burns for two")
    assert sorted(rule.routing["recipients"]["users"]) == sorted([people[3].pk, zhou.pk])
    assert rule.routing["recipients"]["roles"] == ["Analyst"]
    # Editing it again: the two ticked people come first in the list.
    page.goto(page.base + f"/alerts/rules/{rule.pk}/edit/")
    first_two = page.locator("#id_users > div").all_inner_texts()[:2]
    assert sorted(t.split(" · ")[0].strip() for t in first_two) == sorted(["Person 03", "周明"])
    page.get_by_placeholder("Find a person").fill("nobody-like-this")
    assert page.get_by_text("No one by that name or user name.").is_visible()


def test_a_chinese_reader_of_an_english_installation_reads_titles_and_errors_in_chinese(
    page, make_user, httpserver, settings, zh_hans_catalogue
) -> None:  # noqa: ANN001
    settings.LANGUAGE_CODE = "en"
    make_user("Administrator", username="li", language="zh-hans")
    httpserver.expect_request("/hook").respond_with_data("overloaded", status=503)
    channel = create_channel(
        name="Ops webhook", kind="webhook", config={"url": httpserver.url_for("/hook")}
    )
    topic = make_topic()
    create_rule(name="Any", kind="keyword", topic=topic, routing={"channels": [channel.pk]})
    evaluate_new_mentions([matched_mention(topic, title="明光水壶烫伤")])
    deliver_due()
    alert = Alert.objects.get()
    assert alert.title == "Kettle: new mention (Any)"

    _sign_in(page, "li")
    page.goto(page.base + "/alerts/")
    assert page.locator(f"#alert-{alert.pk} .alert-title").inner_text() == "Kettle：新舆情（Any）"
    page.goto(page.base + "/alerts/deliveries/")
    error = page.locator("td .msg-error").first
    assert error.inner_text() == "localhost 服务器出错（HTTP 503）"
    assert not page.get_by_text("HTTP 503: overloaded").is_visible()  # folded away
    page.get_by_text("技术细节").first.click()
    assert page.get_by_text("HTTP 503: overloaded").first.is_visible()
    page.set_viewport_size({"width": 390, "height": 860})
    page.goto(page.base + f"/alerts/{alert.pk}/")
    assert page.locator("h1").inner_text().endswith("Kettle：新舆情（Any）")
    assert page.locator(".timeline .msg-error").first.is_visible()
    page.screenshot(path=str(SHOTS / "alerts-detail-zh-phone.png"), full_page=True)


def test_an_analyst_flags_a_mention_from_the_list_and_a_responder_sees_who(page, make_user) -> None:  # noqa: ANN001
    make_user("Analyst", username="lin")
    make_user("Responder", username="wang")
    mention = matched_mention(make_topic(), title="明光水壶盖子弹开")
    _sign_in(page, "lin")
    page.goto(page.base + "/mentions/")
    row = page.locator(".mention", has_text="明光水壶盖子弹开")
    row.get_by_role("button", name="Flag as warning").click()
    row.locator(".flagged").wait_for()
    assert "the responders have been told" in row.locator(".flagged").inner_text()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "mentions-flagged-en.png"), full_page=True)
    alert = Alert.objects.get(origin="flag")
    assert alert.reported_by.username == "lin" and alert.links_to_mentions.get().mention == mention
    page.reload()
    assert page.locator(".mention", has_text="明光水壶盖子弹开").locator(".flagged").is_visible()


def test_an_analyst_flags_with_a_level_and_a_note_from_the_mentions_page(page, make_user) -> None:  # noqa: ANN001
    make_user("Analyst", username="lin", language="zh-hans")
    mention = matched_mention(make_topic(), title="明光水壶盖子弹开")
    _sign_in(page, "lin")
    page.goto(page.base + f"/mentions/{mention.pk}/")
    assert not page.locator(".flag-full").is_visible()  # folded until asked for
    page.locator(".flag-details summary").click()
    page.select_option(".flag-full select[name=level]", "II")
    page.fill(".flag-full textarea[name=note]", "母婴博主转发，评论区在问召回")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "mention-flag-form-zh.png"), full_page=True)
    page.locator(".flag-full button[type=submit]").click()
    page.locator(".flagged").wait_for()
    assert "已通知处置人员" in page.locator(".flagged").inner_text()
    alert = Alert.objects.get(origin="flag")
    assert alert.level == "II" and alert.summary == "母婴博主转发，评论区在问召回"


def test_a_responder_ticks_the_page_and_dismisses_it_in_one_go(page, make_user) -> None:  # noqa: ANN001
    make_user("Responder", username="wang")
    for word in ("toaster", "fridge", "heater"):
        other = make_topic(word.title(), word)
        create_rule(name=f"{word} rule", kind="keyword", topic=other, level="IV")
        evaluate_new_mentions([matched_mention(other, text=f"{word} ad")])
    _sign_in(page, "wang")
    page.goto(page.base + "/alerts/")
    bulk = page.locator("#bulk")
    assert bulk.get_by_role("button", name="False alarm").is_disabled()
    page.get_by_label("All on this page").check()
    assert "With the 3 ticked:" in bulk.inner_text()
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    bulk.get_by_role("button", name="False alarm").click()  # closing many asks first
    assert asked and "3 ticked alerts as false alarms" in asked[0]
    assert set(Alert.objects.values_list("state", flat=True)) == {"new"}
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        bulk.get_by_role("button", name="False alarm").click()
    assert "3 alerts closed as false alarms." in page.locator(".messages").inner_text()
    assert set(Alert.objects.values_list("state", flat=True)) == {"false_alarm"}
    page.goto(page.base + "/alerts/?state=all")
    assert page.locator('input[name="ids"]').count() == 0  # closed: nothing to act on


def test_an_on_call_order_is_built_as_a_list_not_typed(page, make_user) -> None:  # noqa: ANN001
    # A trial's lead typed names into a line and read back user names; the order is now a
    # numbered list: choose people to add them, move them with the arrows, remove them.
    make_user("Administrator", username="boss")
    li = make_user("Responder", username="liwei", first_name="伟", last_name="李")
    chen = make_user("Responder", username="oncall2", first_name="Jing", last_name="Chen")
    kim = make_user("Responder", username="kim")
    gone = make_user("Responder", username="gone")
    make_user("Viewer", username="viewer")
    topic = make_topic()
    rule = create_rule(
        name="Burns", kind="keyword", topic=topic, routing={"on_call": [li.pk, gone.pk]}
    )
    gone.is_active = False
    gone.save()
    _sign_in(page, "boss")
    page.goto(page.base + f"/alerts/rules/{rule.pk}/edit/")
    order = page.locator("#on-call-order li")
    assert not page.locator("#id_on_call").is_visible()  # the list stands in for the line
    assert "李伟 · liwei" in order.nth(0).inner_text()
    assert "deactivated" in order.nth(1).inner_text()  # a saved order that names them
    page.get_by_role("button", name="Remove gone from the order").click()
    adding = page.get_by_label("On-call order (first is told first)")
    adding.select_option(label="Jing Chen · oncall2")
    page.get_by_role("button", name="Add to the order").click()
    # Arrowing through the list adds nobody (a trial's did, one person per key); Enter adds.
    adding.select_option(value="")
    adding.focus()
    page.keyboard.press("ArrowDown")
    assert order.count() == 2
    adding.select_option(label="kim")
    page.keyboard.press("Enter")
    assert order.count() == 3
    # Whoever is on the list is not offered again, nor is the deactivated person.
    offered = page.locator("#on-call-add option").all_inner_texts()
    assert "kim" not in offered and "gone" not in offered and "boss" in offered
    assert "viewer (cannot acknowledge)" in offered  # said before saving, not after
    page.get_by_role("button", name="Move kim up").click()
    assert [order.nth(i).locator(".on-call-step").inner_text() for i in range(3)] == [
        "1.",
        "2.",
        "3.",
    ]
    names = [order.nth(i).locator(".on-call-name").inner_text() for i in range(3)]
    assert names == ["李伟 · liwei", "kim", "Jing Chen · oncall2"]
    assert page.get_by_role("button", name="Move 李伟 · liwei up").is_disabled()
    with page.expect_navigation():
        page.get_by_role("button", name="Save rule").click()
    rule.refresh_from_db()
    assert rule.routing["on_call"] == [li.pk, kim.pk, chen.pk]


@pytest.mark.parametrize("width", [1280, 390])
def test_the_bulk_bar_stays_clickable_below_the_top_bar(page, make_user, width) -> None:  # noqa: ANN001
    # A trial ticked two alerts and scrolled: the bar stuck at the very top, under the sticky
    # top bar, where a click landed on the menu's "Analysis" link.
    make_user("Responder", username="wang")
    for word in ("toaster", "fridge", "heater", "kettle", "mixer", "fan"):
        other = make_topic(word.title(), word)
        create_rule(name=f"{word} rule", kind="keyword", topic=other, level="IV")
        evaluate_new_mentions([matched_mention(other, text=f"{word} ad")])
    page.set_viewport_size({"width": width, "height": 420})
    _sign_in(page, "wang")
    page.goto(page.base + "/alerts/")
    page.locator('input[name="ids"]').first.check()
    page.mouse.wheel(0, 2000)
    page.wait_for_timeout(200)
    button = page.locator("#bulk").get_by_role("button", name="Acknowledge")
    box = button.bounding_box()
    hit = page.evaluate(
        "([x, y]) => document.elementFromPoint(x, y).closest('#bulk') !== null",
        [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2],
    )
    assert page.evaluate("window.scrollY") > 0 and hit
