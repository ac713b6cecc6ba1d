"""RSS/Atom/RDF feeds, news search feeds and RSSHub routes against a local server."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pytest_httpserver import HTTPServer

from tests.sources.fixtures import fetch, fixture_bytes
from vigil.sources.connectors import ConnectorError, validate_config
from vigil.sources.connectors.rss import bing_news_search_url, google_news_search_url


def serve(
    httpserver: HTTPServer, body: bytes, content_type: str = "application/rss+xml", **headers: str
) -> str:
    httpserver.expect_request("/feed").respond_with_data(
        body, content_type=content_type, headers=headers
    )
    return httpserver.url_for("/feed")


def test_rss2_items_are_read_with_dates_authors_and_text(httpserver: HTTPServer) -> None:
    result = fetch("rss", {"url": serve(httpserver, fixture_bytes("rss_en.xml"))})
    first, second = result.items
    assert first.external_id == "news.example.com-2024-0501-acme-recall"
    assert first.title == "Acme recalls 20,000 chargers over fire risk"
    assert (
        first.text
        == "Acme Corp said on Wednesday it would recall 20,000 chargers.\nCustomers can ask for a refund."
    )
    assert first.author == "Jane Reporter"
    assert first.published_at == datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    assert first.comments == 14
    assert first.lang == "en"
    assert first.site == "news.example.com"
    assert second.published_at == datetime(2024, 5, 1, 8, 15, tzinfo=UTC)
    assert second.author == "Markets Desk"
    assert result.warnings == []


def test_atom_entries_and_undated_entries(httpserver: HTTPServer) -> None:
    result = fetch(
        "rss", {"url": serve(httpserver, fixture_bytes("atom_en.xml"), "application/atom+xml")}
    )
    dated, undated = result.items
    assert dated.title == "Why the X5 overheats"
    assert dated.url == "https://blog.example.org/2024/x5-overheats"
    assert dated.published_at == datetime(2024, 5, 1, 8, 0, tzinfo=UTC)
    assert dated.author == "Sam Blogger"
    assert undated.published_at is None
    assert "1 item had no date; fetched time used" in result.warnings


def test_rdf_feed_in_chinese(httpserver: HTTPServer) -> None:
    result = fetch(
        "rss", {"url": serve(httpserver, fixture_bytes("rdf_zh.xml"), "application/rdf+xml")}
    )
    assert [i.title for i in result.items] == ["艾克美召回两万个充电器", "网友热议艾克美售后"]
    assert result.items[0].published_at == datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    assert result.items[0].lang == "zh"
    assert result.items[0].author == "李记者"


def test_gbk_feed_declared_honestly(httpserver: HTTPServer) -> None:
    result = fetch("rss", {"url": serve(httpserver, fixture_bytes("rss_zh_gbk.xml"), "text/xml")})
    assert [i.title for i in result.items] == ["艾克美X5发烫怎么办", "售后维修经历分享"]
    assert result.items[0].text == "用了两天就发烫，客服说等补丁。"


@pytest.mark.parametrize("content_type", ["text/xml; charset=utf-8", "application/octet-stream"])
def test_gbk_feed_with_wrong_or_missing_charset(httpserver: HTTPServer, content_type: str) -> None:
    lying = fixture_bytes("rss_zh_gbk.xml").replace(b'encoding="gbk"', b'encoding="utf-8"')
    result = fetch("rss", {"url": serve(httpserver, lying, content_type)})
    assert [i.title for i in result.items] == ["艾克美X5发烫怎么办", "售后维修经历分享"]
    assert any("declares utf-8 but is gb18030" in w for w in result.warnings)


def test_conditional_get_and_seen_ids(httpserver: HTTPServer) -> None:
    url = serve(httpserver, fixture_bytes("rss_en.xml"), ETag='"abc"')
    first = fetch("rss", {"url": url})
    assert first.state["etag"] == '"abc"'
    httpserver.clear()
    httpserver.expect_request("/feed", headers={"If-None-Match": '"abc"'}).respond_with_data(
        "", status=304
    )
    second = fetch("rss", {"url": url}, first.state)
    assert second.not_modified and second.items == []
    assert second.state["seen_ids"] == first.state["seen_ids"]
    httpserver.clear()
    serve(
        httpserver, fixture_bytes("rss_en.xml")
    )  # a server without validators: seen ids do the work
    third = fetch("rss", {"url": url}, first.state)
    assert third.items == []


def test_only_new_items_are_yielded(httpserver: HTTPServer) -> None:
    feed = fixture_bytes("rss_en.xml")
    url = serve(httpserver, feed)
    first = fetch("rss", {"url": url})
    httpserver.clear()
    extra = b"<item><title>Acme CEO apologises</title><link>https://news.example.com/apology</link><pubDate>Wed, 01 May 2024 13:00:00 GMT</pubDate></item>"
    serve(httpserver, feed.replace(b"<item>", extra + b"<item>", 1))
    second = fetch("rss", {"url": url}, first.state)
    assert [i.title for i in second.items] == ["Acme CEO apologises"]


def test_truncated_feed_keeps_complete_items(httpserver: HTTPServer) -> None:
    feed = fixture_bytes("rss_en.xml")
    broken = feed[: feed.index(b"<item>", feed.index(b"<item>") + 1) + 40]
    result = fetch("rss", {"url": serve(httpserver, broken)})
    assert [i.title for i in result.items][0] == "Acme recalls 20,000 chargers over fire risk"
    assert any("not well-formed" in w for w in result.warnings)


def test_garbage_is_a_clear_error(httpserver: HTTPServer) -> None:
    with pytest.raises(ConnectorError, match="not a readable feed|not an RSS"):
        fetch("rss", {"url": serve(httpserver, b"\x00\x01 this is <<< not xml", "application/xml")})


def test_html_page_instead_of_feed_points_to_the_feed(httpserver: HTTPServer) -> None:
    page = b'<!DOCTYPE html><html><head><link rel="alternate" type="application/rss+xml" href="https://news.example.com/rss.xml"></head><body>News</body></html>'
    with pytest.raises(
        ConnectorError,
        match="HTML page, not a feed; the page links to a feed at https://news.example.com/rss.xml",
    ) as caught:
        fetch("rss", {"url": serve(httpserver, page, "text/html")})
    assert caught.value.permanent


def test_ten_thousand_items_all_arrive_and_are_remembered(httpserver: HTTPServer) -> None:
    items = "".join(
        f"<item><title>Item {n}</title><link>https://ex.com/{n}</link><guid>id-{n}</guid>"
        f"<pubDate>Wed, 01 May 2024 12:00:00 GMT</pubDate></item>"
        for n in range(10_000)
    )
    url = serve(
        httpserver,
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>big</title>{items}</channel></rss>'.encode(),
    )
    first = fetch("rss", {"url": url})
    assert len(first.items) == 10_000
    assert len({i.external_id for i in first.items}) == 10_000
    assert fetch("rss", {"url": url}, first.state).items == []


def test_duplicate_ids_and_future_dates(httpserver: HTTPServer) -> None:
    feed = b"""<rss version="2.0"><channel><title>t</title>
    <item><guid>same</guid><title>first copy</title><pubDate>Wed, 01 May 2024 12:00:00 GMT</pubDate></item>
    <item><guid>same</guid><title>second copy</title><pubDate>Wed, 01 May 2024 12:00:00 GMT</pubDate></item>
    <item><guid>later</guid><title>from the future</title><pubDate>Sat, 01 May 2100 12:00:00 GMT</pubDate></item>
    </channel></rss>"""
    before = datetime.now(UTC)
    result = fetch("rss", {"url": serve(httpserver, feed)})
    assert [i.title for i in result.items] == ["first copy", "from the future"]
    future = result.items[1].published_at
    assert future is not None and before <= future <= datetime.now(UTC)
    assert (
        "1 item repeated an id already in this response; kept the first of each" in result.warnings
    )
    assert "1 item dated in the future; fetched time used" in result.warnings


@pytest.mark.parametrize(("status", "permanent"), [(404, True), (403, True), (500, False)])
def test_http_errors_become_connector_errors(
    httpserver: HTTPServer, status: int, permanent: bool
) -> None:
    httpserver.expect_request("/feed").respond_with_data("nope", status=status)
    with pytest.raises(ConnectorError, match=f"HTTP {status}") as caught:
        fetch("rss", {"url": httpserver.url_for("/feed")})
    assert caught.value.permanent is permanent


def test_news_search_feed_urls() -> None:
    assert google_news_search_url("艾克美 召回", lang="zh-CN", country="CN") == (
        "https://news.google.com/rss/search?q=%E8%89%BE%E5%85%8B%E7%BE%8E+%E5%8F%AC%E5%9B%9E&hl=zh-CN&gl=CN&ceid=CN%3Azh-Hans"
    )
    assert (
        bing_news_search_url("acme recall")
        == "https://www.bing.com/news/search?q=acme+recall&format=rss&mkt=en-US"
    )
    config = validate_config("rss", {"google_news_query": "acme"})
    assert config.feed_url().startswith("https://news.google.com/rss/search?q=acme")  # type: ignore[attr-defined]
    with pytest.raises(
        ConnectorError, match="exactly one of url, google_news_query or bing_news_query"
    ):
        validate_config("rss", {"url": "https://a.example/feed", "bing_news_query": "acme"})


def test_rsshub_route_with_access_key(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/weibo/user/1195230310", query_string="key=k3y").respond_with_data(
        fixture_bytes("rss_zh_gbk.xml"), content_type="application/xml"
    )
    result = fetch(
        "rsshub",
        {
            "base_url": httpserver.url_for("/"),
            "route": "weibo/user/1195230310",
            "access_key": "k3y",
        },
    )
    assert len(result.items) == 2
    assert result.items[0].author == "张三"
