"""YouTube Data API v3 search (`search.list`, videos ordered by date).

Needs an API key from the user's Google Cloud project; without one the source says so. Each run
asks for videos published after the newest one collected. A search costs 100 quota units of the
default 10,000 a day, so keep the interval at 15 minutes or more.
"""

from __future__ import annotations

import html
from datetime import UTC, datetime
from typing import Any

from pydantic import Field

from vigil.lib.i18n import gettext_noop
from vigil.sources.connectors._common import get_api_json, no_item_list, parse_datetime, secret
from vigil.sources.connectors.base import (
    Connector,
    ConnectorConfig,
    ConnectorError,
    FetchResult,
    RawItemData,
    register,
)

__all__ = ["YouTubeConnector"]


class YouTubeConfig(ConnectorConfig):
    query: str = Field(
        min_length=1, description=gettext_noop("Search words"), title=gettext_noop("Query")
    )
    api_key: str = secret(
        gettext_noop("YouTube Data API v3 key (required)"), title=gettext_noop("API key")
    )
    max_results: int = Field(
        50,
        ge=1,
        le=50,
        description=gettext_noop("Videos per request"),
        title=gettext_noop("Max results"),
    )
    region_code: str = Field(
        "",
        description=gettext_noop("Two-letter region, e.g. US, CN, HK"),
        title=gettext_noop("Region code"),
    )
    relevance_language: str = Field(
        "",
        description=gettext_noop("Prefer videos in this language, e.g. en, zh-Hans"),
        title=gettext_noop("Relevance language"),
    )
    base_url: str = Field(
        "https://www.googleapis.com",
        description=gettext_noop("API base URL (change only for testing)"),
        title=gettext_noop("Base URL"),
    )


@register
class YouTubeConnector(Connector[YouTubeConfig]):
    kind = "youtube"
    label = gettext_noop("YouTube (Data API search)")
    default_channel = "video"
    Config = YouTubeConfig

    async def fetch_raw(self, state: dict[str, Any]) -> FetchResult:
        config = self.config
        if not config.api_key:
            raise ConnectorError(
                "YouTube needs an API key: enable YouTube Data API v3 in a Google Cloud project and set api_key",
                permanent=True,
                code="needs_key",
                params={"service": "YouTube", "field": gettext_noop("API key")},
            )
        params: dict[str, str | int] = {
            "part": "snippet", "type": "video", "order": "date", "q": config.query,
            "maxResults": config.max_results, "key": config.api_key,
        }  # fmt: skip
        if config.region_code:
            params["regionCode"] = config.region_code
        if config.relevance_language:
            params["relevanceLanguage"] = config.relevance_language
        since = parse_datetime(state.get("published_after"))
        if since is not None:
            params["publishedAfter"] = since.strftime("%Y-%m-%dT%H:%M:%SZ")
        url = config.base_url.rstrip("/") + "/youtube/v3/search"
        data = await get_api_json(self.http, url, "YouTube", params=params)
        if not isinstance(data, dict) or not isinstance(data.get("items"), list):
            raise no_item_list("YouTube", url, data, "an item list")
        items = [
            _item(entry) for entry in data["items"] if isinstance(entry, dict) and _video_id(entry)
        ]
        now = datetime.now(UTC)
        dates = [
            i.published_at for i in items if i.published_at is not None and i.published_at <= now
        ]
        newest = max([*dates, *([since] if since else [])], default=None)
        return FetchResult(
            items=items, state={"published_after": newest.isoformat()} if newest else {}
        )


def _video_id(entry: dict[str, Any]) -> str:
    ident = entry.get("id")
    return str(ident.get("videoId", "")) if isinstance(ident, dict) else ""


def _item(entry: dict[str, Any]) -> RawItemData:
    video_id = _video_id(entry)
    snippet = entry.get("snippet") or {}
    return RawItemData(
        external_id=video_id,
        url=f"https://www.youtube.com/watch?v={video_id}",
        title=html.unescape(snippet.get("title", "")),
        text=html.unescape(snippet.get("description", "")),
        author=snippet.get("channelTitle", ""),
        author_handle=snippet.get("channelId", ""),
        published_at=parse_datetime(snippet.get("publishedAt") or snippet.get("publishTime")),
        site="youtube.com",
        raw=entry,
    )
