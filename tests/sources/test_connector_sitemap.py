"""News sitemaps (plain, index, gzip) against a local server."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime

import pytest
from pytest_httpserver import HTTPServer

from tests.sources.fixtures import fetch, fixture_bytes
from vigil.sources.connectors import ConnectorError


def test_news_sitemap_entries(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/news-sitemap.xml").respond_with_data(
        fixture_bytes("news_sitemap.xml"), content_type="application/xml"
    )
    result = fetch("sitemap", {"url": httpserver.url_for("/news-sitemap.xml")})
    recall, chinese, about = result.items
    assert recall.title == "Acme recalls 20,000 chargers"
    assert recall.published_at == datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    assert recall.lang == "en"
    assert recall.raw["publication"] == "Example News"
    assert chinese.title == "艾克美回应召回"
    assert chinese.published_at == datetime(2024, 5, 1, 12, 30, tzinfo=UTC)
    assert chinese.lang == "zh"
    assert about.title == ""
    news_only = fetch(
        "sitemap", {"url": httpserver.url_for("/news-sitemap.xml"), "news_only": True}
    )
    assert len(news_only.items) == 2


def test_index_with_gzipped_child_and_full_text(httpserver: HTTPServer) -> None:
    index = f"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>{httpserver.url_for("/old.xml")}</loc><lastmod>2020-01-01</lastmod></sitemap>
  <sitemap><loc>{httpserver.url_for("/news.xml.gz")}</loc><lastmod>2024-05-01T12:00:00Z</lastmod></sitemap>
</sitemapindex>"""
    news = fixture_bytes("news_sitemap.xml").replace(
        b"https://news.example.com", httpserver.url_for("").rstrip("/").encode()
    )
    httpserver.expect_request("/index.xml").respond_with_data(index, content_type="application/xml")
    httpserver.expect_request("/news.xml.gz").respond_with_data(
        gzip.compress(news), content_type="application/x-gzip"
    )
    httpserver.expect_request("/robots.txt").respond_with_data("")
    article = (
        "<html><head><title>Acme</title></head><body><article><h1>Acme recalls</h1><p>"
        + "Acme said the chargers can overheat. " * 20
        + "</p></article></body></html>"
    )
    httpserver.expect_request("/business/2024/05/01/acme-recall").respond_with_data(
        article, content_type="text/html"
    )
    httpserver.expect_request("/china/2024/05/01/aikemei").respond_with_data("", status=404)
    result = fetch(
        "sitemap",
        {
            "url": httpserver.url_for("/index.xml"),
            "max_sitemaps": 1,
            "news_only": True,
            "fetch_detail": True,
        },
    )
    assert [i.title for i in result.items] == ["Acme recalls 20,000 chargers", "艾克美回应召回"]
    assert "chargers can overheat" in result.items[0].text
    assert any("kept sitemap data only" in w for w in result.warnings)
    assert not any(req.path == "/old.xml" for req, _ in httpserver.log)


def test_malformed_and_html_sitemaps(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/html.xml").respond_with_data(
        "<!DOCTYPE html><html><body>Not here</body></html>", content_type="text/html"
    )
    httpserver.expect_request("/broken.xml").respond_with_data(
        b"<urlset><url><loc>https://a.example/1</loc></url><url><loc>",
        content_type="application/xml",
    )
    with pytest.raises(ConnectorError, match="returned an HTML page, not a sitemap"):
        fetch("sitemap", {"url": httpserver.url_for("/html.xml")})
    result = fetch("sitemap", {"url": httpserver.url_for("/broken.xml")})
    assert [i.url for i in result.items] == ["https://a.example/1"]
    assert any("not well-formed XML" in w for w in result.warnings)
