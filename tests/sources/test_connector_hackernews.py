"""Hacker News Algolia search replayed from a local server."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pytest_httpserver import HTTPServer

from tests.sources.fixtures import fetch, fixture_json
from vigil.sources.connectors import ConnectorError


def test_stories_and_comments(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/api/v1/search_by_date").respond_with_json(
        fixture_json("hn_search.json")
    )
    result = fetch("hackernews", {"query": "acme", "base_url": httpserver.url_for("/")})
    story, comment, ask = result.items
    assert story.url == "https://blog.example.org/acme-x5-bricks"
    assert (story.likes, story.comments) == (188, 57)
    assert story.published_at == datetime(2024, 5, 1, 12, 0, 5, tzinfo=UTC)
    assert comment.title == "Re: Acme X5 firmware bricks devices"
    assert comment.url == "https://news.ycombinator.com/item?id=40212999"
    assert comment.text == "Same here — mine died after the OTA update.\nSupport was useless."
    assert ask.url == "https://news.ycombinator.com/item?id=40210001"
    assert result.state["newest_created_at_i"] == 1714566600


def test_numeric_filter_on_next_run(httpserver: HTTPServer) -> None:
    httpserver.expect_request(
        "/api/v1/search_by_date",
        query_string={
            "query": "acme",
            "tags": "story",
            "hitsPerPage": "100",
            "numericFilters": "created_at_i>=1714566600",
            "page": "0",
        },
    ).respond_with_json({"hits": [], "nbPages": 0})
    result = fetch(
        "hackernews",
        {"query": "acme", "tags": "story", "base_url": httpserver.url_for("/")},
        {"newest_created_at_i": 1714566600},
    )
    assert result.items == []


def test_server_error(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/api/v1/search_by_date").respond_with_data("oops", status=502)
    with pytest.raises(ConnectorError, match="HTTP 502") as caught:
        fetch("hackernews", {"query": "acme", "base_url": httpserver.url_for("/")})
    assert not caught.value.permanent
