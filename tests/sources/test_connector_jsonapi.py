"""The generic JSON API connector against a local vendor-like feed."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pytest_httpserver import HTTPServer

from tests.sources.fixtures import fetch, fixture_json
from vigil.sources.connectors import ConnectorError, validate_config

FIELDS = {
    "id": "post_id",
    "url": "link",
    "title": "headline",
    "text": "body",
    "author": "user.name",
    "author_followers": "$.user.fans",
    "likes": "stats.like",
    "shares": "stats.repost",
    "comments": "stats.reply",
    "published_at": "ts",
    "channel": "kind",
}


def config(httpserver: HTTPServer, **extra: object) -> dict[str, object]:
    return {
        "url": httpserver.url_for("/v1/posts") + "?since={since}&cursor={cursor}",
        "items_path": "$.data.items[*]",
        "fields": FIELDS,
        "page_timezone": "Asia/Shanghai",
        **extra,
    }


def test_items_are_mapped_by_paths(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/v1/posts").respond_with_json(fixture_json("jsonapi_vendor.json"))
    result = fetch("jsonapi", config(httpserver, next_cursor_path="data.next"))
    weibo, forum = result.items
    assert weibo.external_id == "9001"
    assert weibo.text == "官方称将在下周一开始退款。"
    assert (weibo.author_followers, weibo.likes, weibo.shares, weibo.comments) == (
        125000,
        1200,
        310,
        45,
    )
    assert weibo.published_at == datetime(2024, 5, 1, 11, 0, tzinfo=UTC)
    assert weibo.channel == "social"
    assert weibo.site == "weibo.example.com"
    assert forum.published_at == datetime(2024, 5, 1, 12, 0, tzinfo=UTC)  # 20:00 in Shanghai
    assert "1 entries at items_path were not JSON objects; skipped" in result.warnings
    assert result.state["cursor"] == "abc123"
    assert result.state["since"] == "2024-05-01T12:00:00+00:00"


def test_cursor_paging_and_placeholders(httpserver: HTTPServer) -> None:
    page1 = {"data": {"items": [{"post_id": 1, "headline": "one"}], "next": "p2"}}
    page2 = {"data": {"items": [{"post_id": 2, "headline": "two"}], "next": None}}
    httpserver.expect_ordered_request("/v1/posts", query_string="since=&cursor=").respond_with_json(
        page1
    )
    httpserver.expect_ordered_request(
        "/v1/posts", query_string="since=&cursor=p2"
    ).respond_with_json(page2)
    result = fetch(
        "jsonapi",
        config(
            httpserver,
            next_cursor_path="data.next",
            max_pages=3,
            fields={"id": "post_id", "title": "headline"},
        ),
    )
    assert [i.title for i in result.items] == ["one", "two"]
    assert result.state == {"cursor": "p2", "seen_ids": result.state["seen_ids"]}


def test_malformed_json_and_wrong_path(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/v1/bad").respond_with_data(
        '{"data": [', content_type="application/json"
    )
    httpserver.expect_request("/v1/other").respond_with_json({"results": []})
    with pytest.raises(ConnectorError, match="JSON API did not return JSON"):
        fetch("jsonapi", {"url": httpserver.url_for("/v1/bad"), "fields": {"id": "id"}})
    result = fetch(
        "jsonapi",
        {
            "url": httpserver.url_for("/v1/other"),
            "items_path": "data.items",
            "fields": {"id": "id"},
        },
    )
    assert result.items == []
    assert "items_path 'data.items' matched nothing in the response" in result.warnings


def test_config_is_checked() -> None:
    with pytest.raises(ConnectorError, match="unknown item fields colour"):
        validate_config(
            "jsonapi", {"url": "https://api.example.com/x", "fields": {"id": "id", "colour": "c"}}
        )
    with pytest.raises(ConnectorError, match="unknown placeholders"):
        validate_config(
            "jsonapi", {"url": "https://api.example.com/x?{page}", "fields": {"id": "id"}}
        )
    with pytest.raises(ConnectorError, match="map at least 'id'"):
        validate_config("jsonapi", {"url": "https://api.example.com/x", "fields": {"title": "t"}})
