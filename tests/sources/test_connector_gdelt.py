"""GDELT DOC 2.0 ArtList replayed from a local server."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pytest_httpserver import HTTPServer

from tests.sources.fixtures import fetch, fixture_json
from vigil.sources.connectors import ConnectorError


def test_article_list(httpserver: HTTPServer) -> None:
    httpserver.expect_request(
        "/api/v2/doc/doc",
        query_string={
            "query": "acme",
            "mode": "ArtList",
            "format": "json",
            "maxrecords": "250",
            "sort": "DateDesc",
            "timespan": "1d",
        },
    ).respond_with_json(fixture_json("gdelt_artlist.json"))
    result = fetch("gdelt", {"query": "acme", "base_url": httpserver.url_for("/")})
    english, chinese = result.items
    assert english.title == "Acme Recalls 20,000 Chargers Over Fire Risk"
    assert english.published_at == datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    assert english.site == "example-news.com"
    assert (english.lang, chinese.lang) == ("en", "zh")
    assert result.state["newest_seendate"] == "2024-05-01T12:00:00+00:00"


def test_no_results_is_an_empty_object(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/api/v2/doc/doc").respond_with_json({})
    assert fetch("gdelt", {"query": "acme", "base_url": httpserver.url_for("/")}).items == []


def test_plain_text_refusal_is_quoted(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/api/v2/doc/doc").respond_with_data(
        "The specified phrase is too short.", content_type="text/html"
    )
    with pytest.raises(
        ConnectorError, match="GDELT refused the query: The specified phrase is too short."
    ) as caught:
        fetch("gdelt", {"query": "ab", "base_url": httpserver.url_for("/")})
    assert caught.value.permanent
