"""Topic editor and analyst corrections in a real browser, in English and Chinese."""

from __future__ import annotations

import pytest

from tests.factories import MentionFactory
from tests.web.test_browse_screens import SHOTS, _sign_in, page  # noqa: F401 - the fixture
from vigil.monitoring.models import Topic
from vigil.monitoring.services import create_plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_analyst_writes_a_topic_with_live_check_and_preview(page, make_user) -> None:  # noqa: F811
    make_user("Analyst", username="lin")
    plan = create_plan(name="Lumina · 明光")
    MentionFactory(title="明光电水壶烫伤孩子", text="壶盖自己弹开，开水洒了一地。")
    MentionFactory(title="Lumina kettle scalds a child", text="The lid popped open.")
    SHOTS.mkdir(parents=True, exist_ok=True)
    _sign_in(page, "lin")
    page.goto(page.base + f"/topics/new/?plan={plan.pk}")
    page.fill("#id_name", "Kettle safety")
    page.fill("#id_query", "明光 AND (烫伤 OR")
    page.locator("#check-query .msg-error").wait_for()
    assert "error at column" in page.locator("#check-query").inner_text()
    page.fill("#id_query", "(明光 OR Lumina) AND (烫伤 OR scald*)")
    page.locator("#check-query .ok").wait_for()
    page.get_by_role("button", name="Preview last 7 days").click()
    page.locator("#preview-result h2").wait_for()
    assert page.locator("#preview-result h2").inner_text().startswith("2 mentions")
    assert page.locator("#preview-result mark").count() >= 2
    page.screenshot(path=str(SHOTS / "topic-editor-en.png"), full_page=True)
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/topics/*/")
    page.locator("#retro .progress-label").wait_for()
    topic = Topic.objects.get(name="Kettle safety")
    assert page.url.endswith(f"/topics/{topic.pk}/")
    page.screenshot(path=str(SHOTS / "topic-detail-en.png"), full_page=True)


def test_analyst_corrects_a_sentiment_and_the_page_shows_it(page, make_user) -> None:  # noqa: F811
    make_user("Analyst", username="lin")
    mention = MentionFactory(
        title="明光发布新款净化器",
        text="售价1999元",
        sentiment="negative",
        sentiment_score=-0.4,
        sentiment_confidence=0.6,
        sentiment_path="fast",
    )
    _sign_in(page, "lin")
    with page.expect_navigation():
        page.select_option(".langswitch select", "zh-hans")
    page.goto(page.base + f"/mentions/{mention.pk}/")
    page.locator("#analysis-panel form").first.locator("select").select_option("neutral")
    page.locator("#analysis-panel form").first.locator("button").click()
    page.get_by_text("已由分析员校正").wait_for()
    page.screenshot(path=str(SHOTS / "mention-corrected-zh.png"), full_page=True)
    mention.refresh_from_db()
    assert mention.sentiment_corrected == "neutral" and mention.effective_sentiment == "neutral"


def test_long_chinese_titles_and_links_stay_inside_the_page(page, make_user) -> None:  # noqa: F811
    make_user("Analyst", username="lin")
    title = (
        "【重磅】明光智能家居电水壶再曝烫伤事件消费者集体维权要求全面召回涉事批次产品并公开检测报告"
        * 2
    )
    mention = MentionFactory(
        title=title,
        text="消费者投诉：" + "明光电水壶质量问题严重，" * 20,
        url="https://news.example.com/" + "a" * 300,
        canonical_url="https://news.example.com/" + "a" * 300,
    )
    _sign_in(page, "lin")
    with page.expect_navigation():
        page.select_option(".langswitch select", "zh-hans")
    page.set_viewport_size({"width": 1366, "height": 900})
    for path in (f"/mentions/{mention.pk}/", "/mentions/?q=重磅&order=impact"):
        page.goto(page.base + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 1366, (path, width)
    page.screenshot(path=str(SHOTS / "mention-long-title-zh.png"), full_page=True)
