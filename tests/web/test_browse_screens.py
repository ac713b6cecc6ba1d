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


def test_login_page_and_sources_screen(page, make_user, zh_hans_catalogue) -> None:  # noqa: ANN001
    page.goto(page.base + "/")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "login.png"))
    make_user("Administrator", username="root")
    # Stored before failures had codes: shown as it was.
    SourceFactory(name="Broken feed", consecutive_failures=3, last_error="HTTP 500 from the server")
    timed_out = SourceFactory(
        name="Slow feed",
        consecutive_failures=1,
        last_error="timed out fetching https://news.example.cn/feed.xml (ReadTimeout)",
        last_error_code="timeout",
        last_error_params={"host": "news.example.cn"},
    )
    _sign_in(page, "root")
    # An administrator's top bar (every item, the admin site's too) is one line at 1280 px:
    # the English items wrapped "Admin site" onto a second row.
    bar_height = "document.querySelector('.topbar').getBoundingClientRect().height"
    assert page.evaluate(bar_height) < 60
    page.get_by_role("link", name="Sources").click()
    assert page.get_by_text("failing (3×)").is_visible()
    assert page.get_by_text("news.example.cn did not answer in time (timeout)").is_visible()
    page.screenshot(path=str(SHOTS / "sources-en.png"), full_page=True)

    with page.expect_navigation():
        page.select_option(".langswitch select", "zh-hans")
    assert page.get_by_text("news.example.cn 未能及时响应（超时）").is_visible()
    assert page.evaluate(bar_height) < 60
    assert page.get_by_text("HTTP 500 from the server").is_visible()
    page.screenshot(path=str(SHOTS / "sources-zh.png"), full_page=True)
    page.goto(page.base + f"/sources/{timed_out.pk}/")
    page.get_by_text("技术细节").click()  # the raw text, for administrators
    assert page.get_by_text("(ReadTimeout)").is_visible()
    page.screenshot(path=str(SHOTS / "source-error-zh.png"), full_page=True)
    page.get_by_role("link", name="审计日志").click()
    assert page.locator("h1").inner_text() == "审计日志"


def test_an_empty_dashboard_charts_the_last_72_hours(page, make_user) -> None:
    make_user("Analyst", username="new")
    _sign_in(page, "new")
    page.wait_for_function("document.querySelectorAll('#volume-chart .xtick').length > 0")
    ticks = page.eval_on_selector_all("#volume-chart .xtick", "els => els.map(e => e.textContent)")
    assert not any("2000" in t for t in ticks), ticks  # not Plotly's default empty axis


def test_analyst_sees_whether_a_topic_is_getting_worse_in_both_languages(
    page, make_user, zh_hans_catalogue
) -> None:  # noqa: ANN001
    import datetime as dt

    from django.utils import timezone

    from vigil.monitoring.models import Match
    from vigil.monitoring.services import create_plan, create_topic

    make_user("Analyst", username="lin")
    topic = create_topic(create_plan(name="Lumina"), name="K2 kettle", query="k2", retro_days=0)
    now = timezone.now()
    for day in range(7):
        # Negative mentions grow through the week, positive ones stay few.
        for i in range(2 + day * 2):
            sentiment = "negative" if i >= 2 else ("positive" if i == 0 else "neutral")
            when = now - dt.timedelta(days=6 - day, minutes=i)
            mention = MentionFactory(published_at=when, sentiment=sentiment)
            Match.objects.create(mention=mention, topic=topic, published_at=when)
    SHOTS.mkdir(parents=True, exist_ok=True)

    _sign_in(page, "lin")
    page.goto(page.base + f"/analysis/?topic={topic.pk}")
    page.wait_for_function("document.querySelectorAll('#sentiment-over-time .bars path').length")
    assert page.get_by_role("heading", name="Sentiment over time — K2 kettle").is_visible()
    legend = page.eval_on_selector_all(
        "#sentiment-over-time .legendtext", "els => els.map(e => e.textContent)"
    )
    assert sorted(legend) == ["Negative", "Negative share", "Neutral", "Positive"]
    page.locator("#sentiment-over-time").scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "sentiment-over-time-en.png"), full_page=True)

    with page.expect_navigation():
        page.select_option(".langswitch select", "zh-hans")
    page.wait_for_function("document.querySelectorAll('#sentiment-over-time .xtick').length")
    assert page.get_by_role("heading", name="情感走势——K2 kettle").is_visible()
    ticks = page.eval_on_selector_all(
        "#sentiment-over-time .xtick", "els => els.map(e => e.textContent)"
    )
    months = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
    assert not any(m in t for t in ticks for m in months), ticks
    legend = page.eval_on_selector_all(
        "#sentiment-over-time .legendtext", "els => els.map(e => e.textContent)"
    )
    assert set(legend) == {"正面", "中性", "负面", "负面占比"}
    page.screenshot(path=str(SHOTS / "sentiment-over-time-zh.png"), full_page=True)

    # A day is drawn per hour; the topic's own page charts its week too.
    page.goto(page.base + f"/analysis/?topic={topic.pk}&period=1d")
    page.wait_for_function("document.querySelectorAll('#sentiment-over-time .xtick').length")
    page.screenshot(path=str(SHOTS / "sentiment-over-time-hourly-zh.png"), full_page=True)
    page.goto(page.base + f"/topics/{topic.pk}/")
    page.wait_for_function("document.querySelectorAll('#sentiment-over-time .bars path').length")
    page.screenshot(path=str(SHOTS / "topic-sentiment-zh.png"), full_page=True)
