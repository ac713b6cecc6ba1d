"""Mastodon tag timelines and status search replayed from a local server."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pytest_httpserver import HTTPServer

from tests.sources.fixtures import fetch, fixture_json
from vigil.sources.connectors import ConnectorError, validate_config


def test_tag_timeline(httpserver: HTTPServer) -> None:
    httpserver.expect_request(
        "/api/v1/timelines/tag/acme", query_string="limit=40"
    ).respond_with_json(fixture_json("mastodon_tag.json"))
    result = fetch("mastodon", {"base_url": httpserver.url_for("/"), "tag": "#acme"})
    local, remote = result.items
    assert local.external_id == "https://mastodon.social/users/alice/statuses/112364850392001234"
    assert local.text == "The #acme X5 keeps rebooting.\nSupport says wait for a patch."
    assert local.author_handle == "@alice@localhost"  # a local account gets the instance's host
    assert (local.likes, local.shares, local.comments, local.author_followers) == (30, 12, 4, 1520)
    assert local.published_at == datetime(2024, 5, 1, 12, 10, tzinfo=UTC)
    assert local.lang == "en"
    assert remote.text.startswith("product rant\n艾克美")
    assert remote.author == "bob"
    assert remote.author_handle == "@bob@fosstodon.org"
    assert remote.lang == "zh"
    assert result.state["newest_id"] == "112364850392001234"


def test_since_id_is_sent_on_the_next_run(httpserver: HTTPServer) -> None:
    httpserver.expect_request(
        "/api/v1/timelines/tag/acme", query_string="limit=40&since_id=112364850392001234"
    ).respond_with_json([])
    result = fetch(
        "mastodon",
        {"base_url": httpserver.url_for("/"), "tag": "acme"},
        {"newest_id": "112364850392001234"},
    )
    assert result.items == []
    assert result.state["newest_id"] == "112364850392001234"


def test_search_uses_token_and_v2_shape(httpserver: HTTPServer) -> None:
    httpserver.expect_request(
        "/api/v2/search", headers={"Authorization": "Bearer tok"}
    ).respond_with_json(
        {"accounts": [], "hashtags": [], "statuses": fixture_json("mastodon_tag.json")[:1]}
    )
    result = fetch(
        "mastodon",
        {"base_url": httpserver.url_for("/"), "query": "acme recall", "access_token": "tok"},
    )
    assert len(result.items) == 1


def test_unauthorised_search_explains_itself(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/api/v2/search").respond_with_json(
        {"error": "The access token is invalid"}, status=401
    )
    with pytest.raises(ConnectorError, match="rejected.*The access token is invalid") as caught:
        fetch("mastodon", {"base_url": httpserver.url_for("/"), "query": "acme"})
    assert caught.value.permanent


def test_malformed_json(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/api/v1/timelines/tag/acme").respond_with_data(
        '[{"id": "1", ', content_type="application/json"
    )
    with pytest.raises(ConnectorError, match="Mastodon did not return JSON"):
        fetch("mastodon", {"base_url": httpserver.url_for("/"), "tag": "acme"})


def test_tag_or_query_required() -> None:
    with pytest.raises(ConnectorError, match="either a tag or a query"):
        validate_config("mastodon", {"base_url": "https://mastodon.social"})
