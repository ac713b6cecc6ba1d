"""Bluesky searchPosts replayed from a local server."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pytest_httpserver import HTTPServer

from tests.sources.fixtures import fetch, fixture_json
from vigil.sources.connectors import ConnectorError


def test_search_posts(httpserver: HTTPServer) -> None:
    httpserver.expect_request(
        "/xrpc/app.bsky.feed.searchPosts",
        query_string={"q": "acme", "sort": "latest", "limit": "100"},
    ).respond_with_json(fixture_json("bluesky_search.json"))
    result = fetch("bluesky", {"query": "acme", "base_url": httpserver.url_for("/")})
    carol, dave = result.items
    assert (
        carol.external_id
        == "at://did:plc:z72i7hdynmk6r22z27h6tvur/app.bsky.feed.post/3kreqb3yfaz2a"
    )
    assert carol.url == "https://bsky.app/profile/carol.bsky.social/post/3kreqb3yfaz2a"
    assert carol.author == "Carol"
    assert carol.author_handle == "@carol.bsky.social"
    assert (carol.likes, carol.shares, carol.comments) == (41, 10, 3)
    assert carol.published_at == datetime(2024, 5, 1, 12, 20, 31, 123000, tzinfo=UTC)
    assert dave.author == "dave.example.com"
    assert dave.lang == "zh"
    assert result.state["since"] == "2024-05-01T12:20:31.123000Z"


def test_since_is_sent_on_the_next_run(httpserver: HTTPServer) -> None:
    httpserver.expect_request(
        "/xrpc/app.bsky.feed.searchPosts",
        query_string={
            "q": "acme",
            "sort": "latest",
            "limit": "100",
            "since": "2024-05-01T12:20:31Z",
        },
    ).respond_with_json({"posts": []})
    result = fetch(
        "bluesky",
        {"query": "acme", "base_url": httpserver.url_for("/")},
        {"since": "2024-05-01T12:20:31Z"},
    )
    assert result.items == []
    assert result.state["since"] == "2024-05-01T12:20:31Z"


def test_forbidden_search_says_so(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/xrpc/app.bsky.feed.searchPosts").respond_with_json(
        {"error": "Forbidden", "message": "search requires authentication"}, status=403
    )
    with pytest.raises(ConnectorError, match="access denied.*search requires authentication"):
        fetch("bluesky", {"query": "acme", "base_url": httpserver.url_for("/")})
