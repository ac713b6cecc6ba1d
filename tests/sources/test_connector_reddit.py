"""Reddit search and subreddit listings replayed from a local server."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pytest_httpserver import HTTPServer

from tests.sources.fixtures import fetch, fixture_json
from vigil.sources.connectors import ConnectorError, validate_config


def test_search_in_a_subreddit(httpserver: HTTPServer) -> None:
    httpserver.expect_request(
        "/r/technology/search.json",
        query_string={
            "limit": "100",
            "raw_json": "1",
            "q": "acme",
            "sort": "new",
            "t": "all",
            "restrict_sr": "1",
        },
    ).respond_with_json(fixture_json("reddit_search.json"))
    result = fetch(
        "reddit",
        {"query": "acme", "subreddit": "r/technology", "base_url": httpserver.url_for("/")},
    )
    self_post, link_post, chinese = result.items
    assert self_post.external_id == "t3_1cgx3a1"
    assert (
        self_post.url
        == "https://www.reddit.com/r/technology/comments/1cgx3a1/acme_x5_battery_drain_after_update/"
    )
    assert self_post.text.startswith("My Acme X5 battery drains")
    assert self_post.author_handle == "u/battery_watcher"
    assert (self_post.likes, self_post.comments, self_post.shares) == (412, 87, 2)
    assert self_post.published_at == datetime(2024, 5, 1, 12, 10, tzinfo=UTC)
    assert link_post.text == "https://news.example.com/acme-recall?utm_source=reddit"
    assert chinese.title == "艾克美售后体验"


def test_subreddit_listing_and_seen_posts(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/r/technology/new.json").respond_with_json(
        fixture_json("reddit_search.json")
    )
    config = {"subreddit": "technology", "base_url": httpserver.url_for("/")}
    first = fetch("reddit", config)
    assert len(first.items) == 3
    assert fetch("reddit", config, first.state).items == []


def test_html_instead_of_json_is_a_clear_error(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/r/technology/new.json").respond_with_data(
        "<html><body>blocked</body></html>", content_type="text/html"
    )
    with pytest.raises(ConnectorError, match="Reddit did not return JSON.*HTML page"):
        fetch("reddit", {"subreddit": "technology", "base_url": httpserver.url_for("/")})


def test_rate_limit_is_transient(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/search.json").respond_with_json(
        {"message": "Too Many Requests", "error": 429}, status=429
    )
    with pytest.raises(ConnectorError, match="HTTP 429.*Too Many Requests") as caught:
        fetch("reddit", {"query": "acme", "base_url": httpserver.url_for("/")})
    assert not caught.value.permanent


def test_config_needs_a_target() -> None:
    with pytest.raises(ConnectorError, match="give a query, a subreddit, or both"):
        validate_config("reddit", {})
