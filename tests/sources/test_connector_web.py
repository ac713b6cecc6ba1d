"""Forum/list-page scraping against a local site with GBK pages that claim to be UTF-8."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from pytest_httpserver import HTTPServer

from tests.sources.fixtures import fetch, fixture_bytes
from vigil.sources.connectors import ConnectorError, validate_config

THREAD = re.compile(r"/thread-\d+-1-1\.html")


def forum(
    httpserver: HTTPServer, robots: str = "User-agent: *\nDisallow: /admin\n"
) -> dict[str, object]:
    httpserver.expect_request("/robots.txt").respond_with_data(robots)
    httpserver.expect_request("/forum-12-1.html").respond_with_data(
        fixture_bytes("forum_list_gbk.html"), content_type="text/html; charset=utf-8"
    )
    httpserver.expect_request("/forum-12-2.html").respond_with_data(
        fixture_bytes("forum_list_gbk_p2.html"), content_type="text/html"
    )
    httpserver.expect_request(THREAD).respond_with_data(
        fixture_bytes("forum_thread_gbk.html"), content_type="text/html; charset=utf-8"
    )
    return {
        "url": httpserver.url_for("/forum-12-1.html"),
        "link_selector": "td.title a",
        "next_selector": "a.nxt",
        "max_pages": 2,
    }


def test_list_pages_and_thread_text_in_gbk(httpserver: HTTPServer) -> None:
    result = fetch("web", forum(httpserver))
    ids = [i.external_id for i in result.items]
    assert len(ids) == 4
    assert ids[0] == httpserver.url_for("/thread-3001-1-1.html")  # tracking "from" dropped
    first = result.items[0]
    assert first.title == "艾克美X5充电器起火，求助"
    assert "冒烟起火" in first.text
    assert "Copyright" not in first.text
    assert first.published_at == datetime(2024, 5, 1, 13, 30, tzinfo=UTC)
    assert first.raw["list_title"] == "艾克美X5充电器起火，求助"
    assert any("declares utf-8 but is gb18030" in w for w in result.warnings)


def test_seen_links_are_not_fetched_again(httpserver: HTTPServer) -> None:
    config = forum(httpserver)
    first = fetch("web", {**config, "max_items": 3})
    assert len(first.items) == 3
    assert "1 more new links left for the next run" in first.warnings
    threads_before = sum(1 for req, _ in httpserver.log if THREAD.fullmatch(req.path))
    second = fetch("web", config, first.state)
    assert [i.external_id for i in second.items] == [httpserver.url_for("/thread-3004-1-1.html")]
    threads_after = sum(1 for req, _ in httpserver.log if THREAD.fullmatch(req.path))
    assert threads_after - threads_before == 1


def test_robots_txt_disallowing_the_board_stops_the_source(httpserver: HTTPServer) -> None:
    config = forum(httpserver, robots="User-agent: *\nDisallow: /\n")
    with pytest.raises(ConnectorError, match="robots.txt .* disallows") as caught:
        fetch("web", config)
    assert caught.value.permanent
    assert not any(req.path.startswith("/forum") for req, _ in httpserver.log)


def test_missing_and_failing_thread_pages(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/robots.txt").respond_with_data("")
    httpserver.expect_request("/board").respond_with_data(
        '<html><body><a class="t" href="/gone">Gone thread</a><a class="t" href="/busy">Busy thread</a></body></html>',
        content_type="text/html",
    )
    httpserver.expect_request("/gone").respond_with_data("", status=404)
    httpserver.expect_request("/busy").respond_with_data("", status=503)
    result = fetch("web", {"url": httpserver.url_for("/board"), "link_selector": "a.t"})
    assert [i.title for i in result.items] == ["Gone thread"]
    assert any(w.startswith("kept list title only") and "HTTP 404" in w for w in result.warnings)
    assert any(w.startswith("will retry") and "HTTP 503" in w for w in result.warnings)


def test_selector_matching_nothing_is_reported(httpserver: HTTPServer) -> None:
    config = forum(httpserver)
    with pytest.raises(ConnectorError, match="matched no item links"):
        fetch("web", {**config, "link_selector": "div.no-such-thing a"})


def test_bad_selector_is_refused_when_saving() -> None:
    with pytest.raises(ConnectorError, match="link_selector: .*not a valid CSS selector"):
        validate_config("web", {"url": "https://bbs.example.cn/", "link_selector": "td..title a"})
