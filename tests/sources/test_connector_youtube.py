"""YouTube Data API search replayed from a local server."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pytest_httpserver import HTTPServer

from tests.sources.fixtures import fetch, fixture_json
from vigil.sources.connectors import ConnectorError


def test_search_list(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/youtube/v3/search").respond_with_json(
        fixture_json("youtube_search.json")
    )
    result = fetch(
        "youtube", {"query": "acme", "api_key": "K", "base_url": httpserver.url_for("/")}
    )
    assert [i.external_id for i in result.items] == [
        "dQw4w9WgXcQ",
        "aB3dE5fG7hI",
    ]  # the channel result is skipped
    video = result.items[0]
    assert video.title == "Acme X5 teardown: why it overheats & what's next"
    assert video.url == "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
    assert video.author == "Gadget Lab"
    assert video.published_at == datetime(2024, 5, 1, 10, 0, tzinfo=UTC)
    assert httpserver.log[0][0].args["key"] == "K"
    assert result.state["published_after"] == "2024-05-01T10:00:00+00:00"


def test_missing_key_is_a_permanent_error() -> None:
    with pytest.raises(ConnectorError, match="needs an API key") as caught:
        fetch("youtube", {"query": "acme"})
    assert caught.value.permanent


def test_quota_error_is_quoted_without_the_key(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/youtube/v3/search").respond_with_json(
        {
            "error": {
                "code": 403,
                "message": "The request cannot be completed because you have exceeded your quota.",
                "errors": [{"reason": "quotaExceeded"}],
            }
        },
        status=403,
    )
    with pytest.raises(ConnectorError, match="exceeded your quota") as caught:
        fetch(
            "youtube",
            {"query": "acme", "api_key": "SECRETKEY", "base_url": httpserver.url_for("/")},
        )
    assert "SECRETKEY" not in str(caught.value)
