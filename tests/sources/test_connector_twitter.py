"""X/Twitter v2 recent search replayed from a local server."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pytest_httpserver import HTTPServer

from tests.sources.fixtures import fetch, fixture_json
from vigil.sources.connectors import ConnectorError


def test_recent_search_with_authors(httpserver: HTTPServer) -> None:
    httpserver.expect_request(
        "/2/tweets/search/recent", headers={"Authorization": "Bearer T0KEN"}
    ).respond_with_json(fixture_json("twitter_recent.json"))
    result = fetch(
        "twitter", {"query": "acme", "bearer_token": "T0KEN", "base_url": httpserver.url_for("/")}
    )
    erin, wang = result.items
    assert erin.url == "https://x.com/erinreviews/status/1785676543210987654"
    assert erin.author == "Erin Reviews"
    assert erin.author_handle == "@erinreviews"
    assert erin.author_followers == 48210
    assert (erin.likes, erin.shares, erin.comments, erin.views) == (140, 28, 7, 15600)
    assert erin.published_at == datetime(2024, 5, 1, 12, 15, tzinfo=UTC)
    assert wang.lang == "zh"
    assert result.state["since_id"] == "1785676543210987654"


def test_since_id_on_next_run(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/2/tweets/search/recent").respond_with_json(
        {"meta": {"result_count": 0}}
    )
    result = fetch(
        "twitter",
        {"query": "acme", "bearer_token": "t", "base_url": httpserver.url_for("/")},
        {"since_id": "1785676543210987654"},
    )
    assert result.items == []
    assert httpserver.log[0][0].args["since_id"] == "1785676543210987654"
    assert result.state["since_id"] == "1785676543210987654"


def test_missing_token_is_a_permanent_error() -> None:
    with pytest.raises(ConnectorError, match="needs a bearer token") as caught:
        fetch("twitter", {"query": "acme"})
    assert caught.value.permanent


def test_rejected_token_explains(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/2/tweets/search/recent").respond_with_json(
        {"title": "Unauthorized", "type": "about:blank", "status": 401, "detail": "Unauthorized"},
        status=401,
    )
    with pytest.raises(ConnectorError, match="token was rejected") as caught:
        fetch(
            "twitter", {"query": "acme", "bearer_token": "bad", "base_url": httpserver.url_for("/")}
        )
    assert caught.value.permanent
