"""The screens an alert link opens (from e-mail, DingTalk, WeCom, Feishu) on a 375 px phone:
nothing wider than the screen, the bell and the acknowledge button in reach, in both languages."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.alerts._support import make_topic, matched_mention
from vigil.alerts.models import Alert
from vigil.alerts.services import create_rule
from vigil.alerts.services.evaluate import evaluate_new_mentions
from vigil.alerts.services.lifecycle import assign_alert

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("VIGIL_SCREENSHOTS", "var/screenshots"))
ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
PHONE = {"width": 375, "height": 812}
TITLE = (
    "明光K2电水壶壶盖突然弹开，5岁男孩被开水烫伤，家长称客服推诿：“没收到过类似反馈”"
    " — Lumina K2 kettle lid reportedly blew open and scalded a kid"
)


@pytest.fixture
def phone(live_server, chromium_path):  # noqa: ANN001, ANN201
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # the ORM runs beside Playwright's loop
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=ARGS)
        context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
        page = context.new_page()
        page.base = live_server.url
        yield page
        browser.close()


def _assert_fits(page, screen: str) -> None:  # noqa: ANN001
    widths = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1] == PHONE["width"], f"{screen}: {widths[0]} px wide"


def _assert_tappable(locator, what: str) -> None:  # noqa: ANN001
    assert locator.is_visible(), f"{what} is not visible"
    box = locator.bounding_box()
    assert box["height"] >= 40 and box["width"] >= 40, f"{what} is {box} (under 40 px)"
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], f"{what} is off-screen"


# Every option of a filter's select, measured in the select's own font, must fit inside it
# (padding and the drop-down arrow included): a select narrower than its words cuts them off.
_CUT_OPTIONS = """
(selector) => Array.from(document.querySelectorAll(selector)).flatMap((select) => {
  const style = getComputedStyle(select);
  const probe = document.createElement("span");
  probe.style.cssText = "position:absolute;visibility:hidden;white-space:pre";
  probe.style.font = style.font;
  document.body.appendChild(probe);
  const cut = Array.from(select.options).filter((option) => {
    probe.textContent = option.text;
    const needed = probe.getBoundingClientRect().width + parseFloat(style.paddingLeft)
      + parseFloat(style.paddingRight) + ARROW;
    return needed > select.clientWidth;
  }).map((option) => `${select.name}: "${option.text}" in ${select.clientWidth} px`);
  probe.remove();
  return cut;
})
""".replace("ARROW", "20")


def _assert_filters_readable(page, screen: str) -> None:  # noqa: ANN001
    cut = page.evaluate(_CUT_OPTIONS, ".filters select")
    assert not cut, f"{screen}: filter options cut off: {cut}"


def test_responder_opens_the_alert_link_on_a_phone_in_both_languages(phone, make_user) -> None:  # noqa: ANN001
    responder = make_user("Responder", username="zhou")
    topic = make_topic()
    create_rule(name="Burns", kind="keyword", topic=topic, level="II", conditions={"query": "烫伤"})
    mentions = [matched_mention(topic, title=TITLE, lang="zh") for _ in range(3)]
    evaluate_new_mentions(mentions)
    alert = Alert.objects.get()
    lead = make_user("Responder", username="lead")
    assign_alert(alert, actor=lead, assignee=responder)  # a notification for the bell
    SHOTS.mkdir(parents=True, exist_ok=True)

    page = phone
    page.goto(page.base + f"/alerts/{alert.pk}/")  # the link in the message; asks to sign in
    _assert_fits(page, "login")
    page.fill("#id_username", "zhou")
    page.fill("#id_password", "correct-horse-battery-staple")
    page.click("button[type=submit]")
    page.wait_for_url(page.base + f"/alerts/{alert.pk}/")

    for lang, acknowledge in (("en", "Acknowledge"), ("zh", "确认")):
        if lang == "zh":
            # The language, like the profile and signing out, opens with the menu: the bar
            # is one row of brand, bell and ☰ (it took two, ~100 px, a trial).
            assert page.locator(".topbar").bounding_box()["height"] <= 64
            assert not page.locator(".langswitch select").is_visible()
            page.locator(".nav-toggle-label").tap()
            with page.expect_navigation():
                page.select_option(".langswitch select", "zh-hans")
        screens = {
            "alert": f"/alerts/{alert.pk}/",
            "inbox": "/alerts/",
            "mention": f"/mentions/{mentions[0].pk}/",
            "mentions": "/mentions/",  # filters, like the inbox's
            "notifications": "/alerts/notifications/",
            "dashboard": "/",
        }
        for screen, url in screens.items():
            page.goto(page.base + url)
            page.wait_for_selector("#vigil-bell")
            _assert_fits(page, f"{screen} ({lang})")
            _assert_tappable(page.locator("#vigil-bell"), f"the bell on {screen} ({lang})")
            if screen == "notifications":
                assert page.locator(".notifications li").count() >= 1
            _assert_filters_readable(page, f"{screen} ({lang})")
            if screen in ("alert", "inbox"):
                button = page.get_by_role("button", name=acknowledge, exact=True).first
                _assert_tappable(button, f"{acknowledge} on {screen}")
            if screen == "inbox":
                # A row reads level, state, when first, then the title: a trial's phone showed
                # the level below the summary, after the tick-box column shifted the layout.
                row = page.locator(f"#alert-{alert.pk}")
                level = row.locator(".level").bounding_box()
                title = row.locator(".alert-title").bounding_box()
                assert level["y"] + level["height"] <= title["y"] + 1, (level, title)
                # The bulk bar is one line until something is ticked (its greyed buttons, stuck
                # under the top bar, kept ~170 px of the screen, a trial); ticking brings them.
                bulk = page.locator("#bulk button").first
                assert not bulk.is_visible()
                row.locator("td.pick input").check()
                _assert_tappable(bulk, f"the bulk {acknowledge}")
                row.locator("td.pick input").uncheck()
            page.screenshot(path=str(SHOTS / f"phone-{screen}-{lang}.png"), full_page=True)

    # The main menu folds behind a button and opens on a tap.
    assert not page.locator(".mainnav").is_visible()
    _assert_tappable(page.locator(".nav-toggle-label"), "the menu button")
    page.locator(".nav-toggle-label").tap()
    assert page.get_by_role("link", name="预警", exact=True).is_visible()
    _assert_fits(page, "open menu")
    # …and from a keyboard: the folded menu's checkbox is in the tab order.
    page.locator(".nav-toggle-label").tap()
    assert not page.locator(".mainnav").is_visible()
    page.locator("#nav-toggle").focus()
    page.keyboard.press("Space")
    assert page.get_by_role("link", name="预警", exact=True).is_visible()

    # Acknowledging from the phone works.
    page.goto(page.base + f"/alerts/{alert.pk}/")
    with page.expect_navigation():
        page.get_by_role("button", name="确认", exact=True).tap()
    alert.refresh_from_db()
    assert alert.state == "acknowledged"
