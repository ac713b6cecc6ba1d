"""The main screens in a real browser (Debian's chromium driven by Playwright)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.factories import MentionFactory, SourceFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("VIGIL_SCREENSHOTS", "var/screenshots"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def page(live_server, chromium_path):  # noqa: ANN001, ANN201
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # the ORM runs beside Playwright's loop
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 860})
        page = context.new_page()
        page.base = live_server.url
        yield page
        browser.close()


def _sign_in(page, username: str) -> None:  # noqa: ANN001
    page.goto(page.base + "/")
    page.fill("#id_username", username)
    page.fill("#id_password", "correct-horse-battery-staple")
    page.click("button[type=submit]")
    page.wait_for_url(page.base + "/")


def test_analyst_signs_in_and_sees_mentions_arrive_in_both_languages(page, make_user) -> None:
    make_user("Analyst", username="lin", first_name="Lin", last_name="Wei")
    source = SourceFactory(name="Demo scenario")
    MentionFactory(source=source, channel="news", title="Lumina opens a new plant in Suzhou")
    MentionFactory(
        source=source, channel="social", title="", text="明光电水壶用起来很顺手，推荐！", lang="zh"
    )
    SHOTS.mkdir(parents=True, exist_ok=True)

    _sign_in(page, "lin")
    assert page.locator("h1").first.inner_text() == "Dashboard"
    assert page.get_by_text("Lumina opens a new plant in Suzhou").is_visible()
    page.wait_for_function("document.querySelector('#volume-chart .main-svg') !== null")
    page.screenshot(path=str(SHOTS / "dashboard-en.png"), full_page=True)

    # A mention arriving later shows up without reloading (htmx polls every 10 s).
    MentionFactory(source=source, channel="forum", title="Kettle lid broke after a week")
    page.get_by_text("Kettle lid broke after a week").wait_for(timeout=15000)

    with page.expect_navigation():
        page.select_option(".langswitch select", "zh-hans")
    assert page.locator("h1").first.inner_text() == "仪表盘"
    page.wait_for_function("document.querySelectorAll('#volume-chart .xtick').length > 0")
    ticks = page.eval_on_selector_all("#volume-chart .xtick", "els => els.map(e => e.textContent)")
    months = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
    assert not any(m in t for t in ticks for m in months), ticks  # dates as 11-26 14:00
    assert page.get_by_role("link", name="舆情信息", exact=True).is_visible()
    page.screenshot(path=str(SHOTS / "dashboard-zh.png"), full_page=True)

    page.get_by_role("link", name="舆情信息", exact=True).click()
    page.wait_for_url("**/mentions/")
    assert page.get_by_text("明光电水壶用起来很顺手").is_visible()
    page.screenshot(path=str(SHOTS / "mentions-zh.png"), full_page=True)


def test_login_page_and_sources_screen(page, make_user) -> None:
    page.goto(page.base + "/")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "login.png"))
    make_user("Administrator", username="root")
    SourceFactory(name="Broken feed", consecutive_failures=3, last_error="HTTP 500 from the server")
    _sign_in(page, "root")
    page.get_by_role("link", name="Sources").click()
    assert page.get_by_text("failing (3×)").is_visible()
    page.screenshot(path=str(SHOTS / "sources-en.png"), full_page=True)
    page.get_by_role("link", name="Audit log").click()
    assert page.locator("h1").inner_text() == "Audit log"


def test_an_empty_dashboard_charts_the_last_72_hours(page, make_user) -> None:
    make_user("Analyst", username="new")
    _sign_in(page, "new")
    page.wait_for_function("document.querySelectorAll('#volume-chart .xtick').length > 0")
    ticks = page.eval_on_selector_all("#volume-chart .xtick", "els => els.map(e => e.textContent)")
    assert not any("2000" in t for t in ticks), ticks  # not Plotly's default empty axis
