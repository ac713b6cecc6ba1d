"""The connector registry: kinds, config validation, and a new kind plugged in."""

from __future__ import annotations

import asyncio
from typing import Any, ClassVar

import pytest
from pydantic import BaseModel

from tests.sources.fixtures import make_client
from vigil.sources.connectors import (
    Connector,
    ConnectorConfig,
    ConnectorError,
    FetchResult,
    RawItemData,
    build_connector,
    connector_kinds,
    get_connector_class,
    register,
    validate_config,
)


def test_every_kind_is_registered_with_a_documented_config() -> None:
    kinds = connector_kinds()  # other apps (and this file) may add kinds of their own
    built_in = [
        "bluesky",
        "gdelt",
        "hackernews",
        "jsonapi",
        "mastodon",
        "reddit",
        "rss",
        "rsshub",
        "sitemap",
        "twitter",
        "web",
        "youtube",
    ]
    assert set(built_in) <= set(kinds)
    assert kinds == sorted(kinds)
    for kind in built_in:
        cls = get_connector_class(kind)
        schema = cls.Config.model_json_schema()
        assert all(prop.get("description") for prop in schema["properties"].values()), kind
        assert cls.label and cls.default_channel


def test_unknown_kind_and_bad_config() -> None:
    with pytest.raises(ConnectorError, match="unknown source kind 'fax'; known kinds: bluesky"):
        get_connector_class("fax")
    with pytest.raises(ConnectorError, match="invalid web config: url: .*absolute http") as caught:
        validate_config("web", {"url": "bbs.example.cn"})
    assert caught.value.permanent
    with pytest.raises(ConnectorError, match="urll: Extra inputs are not permitted"):
        validate_config("rss", {"urll": "https://a.example/feed"})


def test_secret_fields_are_marked_for_the_form() -> None:
    schema = get_connector_class("twitter").Config.model_json_schema()
    assert schema["properties"]["bearer_token"]["secret"] is True


class EchoConfig(ConnectorConfig):
    count: int = 2


@register
class EchoConnector(Connector[EchoConfig]):
    """A kind defined in a test: the five-step recipe in docs/adding-a-connector.md."""

    kind: ClassVar[str] = "echo_test"
    label: ClassVar[str] = "Echo (test)"
    default_channel: ClassVar[str] = "other"
    Config: ClassVar[type[BaseModel]] = EchoConfig

    async def fetch_raw(self, state: dict[str, Any]) -> FetchResult:
        runs = int(state.get("runs", 0)) + 1
        items = [
            RawItemData(external_id=f"e{n}", title=f"echo {n}", raw={"n": n})
            for n in range(self.config.count + runs)
        ]
        return FetchResult(items=items, state={"runs": runs})


def test_a_new_kind_gets_dedup_and_state_for_free() -> None:
    async def go() -> tuple[FetchResult, FetchResult]:
        async with make_client() as http:
            connector = build_connector("echo_test", {"count": 2}, http)
            first = await connector.fetch({})
            return first, await connector.fetch(first.state)

    first, second = asyncio.run(go())
    assert [i.external_id for i in first.items] == ["e0", "e1", "e2"]
    assert [i.external_id for i in second.items] == ["e3"]
    assert second.state["runs"] == 2
    assert "echo_test" in connector_kinds()


def test_register_refuses_a_clash() -> None:
    class Other(Connector[EchoConfig]):
        kind: ClassVar[str] = "rss"
        label: ClassVar[str] = "clash"
        Config: ClassVar[type[BaseModel]] = EchoConfig

        async def fetch_raw(self, state: dict[str, Any]) -> FetchResult:
            return FetchResult(items=[], state={})

    with pytest.raises(TypeError, match="already registered"):
        register(Other)


def test_a_rule_across_fields_reads_on_its_own() -> None:
    with pytest.raises(ConnectorError) as caught:
        validate_config("rss", {})
    assert str(caught.value) == (
        "invalid rss config: give exactly one of url, google_news_query or bing_news_query"
    )
