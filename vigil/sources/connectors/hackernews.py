"""Hacker News through the Algolia search API (`search_by_date`), stories and/or comments.

`numericFilters=created_at_i>=…` keeps each run to items since the newest one collected; the
seen-ids window drops the ones sharing that second.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from vigil.lib.i18n import gettext_noop
from vigil.sources.connectors._common import (
    get_api_json,
    html_to_text,
    no_item_list,
    parse_datetime,
    to_int,
)
from vigil.sources.connectors.base import (
    Connector,
    ConnectorConfig,
    FetchResult,
    RawItemData,
    register,
)

__all__ = ["HackerNewsConnector"]


class HackerNewsConfig(ConnectorConfig):
    query: str = Field(
        min_length=1, description=gettext_noop("Search words"), title=gettext_noop("Query")
    )
    tags: str = Field(
        "(story,comment)",
        description=gettext_noop("Algolia tags filter: story, comment, or (story,comment)"),
        title=gettext_noop("Tags"),
    )
    hits_per_page: int = Field(
        100,
        ge=1,
        le=1000,
        description=gettext_noop("Items per page"),
        title=gettext_noop("Hits per page"),
    )
    max_pages: int = Field(
        1,
        ge=1,
        le=10,
        description=gettext_noop("Pages to read per run"),
        title=gettext_noop("Max pages"),
    )
    base_url: str = Field(
        "https://hn.algolia.com",
        description=gettext_noop("API base URL (change only for testing)"),
        title=gettext_noop("Base URL"),
    )


@register
class HackerNewsConnector(Connector[HackerNewsConfig]):
    kind = "hackernews"
    label = gettext_noop("Hacker News (Algolia search)")
    default_channel = "forum"
    Config = HackerNewsConfig

    async def fetch_raw(self, state: dict[str, Any]) -> FetchResult:
        config = self.config
        url = config.base_url.rstrip("/") + "/api/v1/search_by_date"
        params: dict[str, str | int] = {
            "query": config.query,
            "tags": config.tags,
            "hitsPerPage": config.hits_per_page,
        }
        newest = to_int(state.get("newest_created_at_i")) or 0
        if newest:
            params["numericFilters"] = f"created_at_i>={newest}"
        items: list[RawItemData] = []
        for page_no in range(config.max_pages):
            page = await get_api_json(
                self.http, url, "Hacker News search", params={**params, "page": page_no}
            )
            hits = page.get("hits") if isinstance(page, dict) else None
            if not isinstance(hits, list):
                raise no_item_list("Hacker News search", url, page, "hits")
            for hit in hits:
                if isinstance(hit, dict) and hit.get("objectID"):
                    items.append(_item(hit))
                    newest = max(newest, to_int(hit.get("created_at_i")) or 0)
            if page_no + 1 >= (to_int(page.get("nbPages")) or 0):
                break
        return FetchResult(items=items, state={"newest_created_at_i": newest} if newest else {})


def _item(hit: dict[str, Any]) -> RawItemData:
    object_id = str(hit["objectID"])
    tags = hit.get("_tags") or []
    is_comment = "comment" in tags or bool(hit.get("comment_text"))
    title = hit.get("title") or (f"Re: {hit['story_title']}" if hit.get("story_title") else "")
    text = html_to_text(hit.get("comment_text") or hit.get("story_text") or "")
    discussion = f"https://news.ycombinator.com/item?id={object_id}"
    return RawItemData(
        external_id=object_id,
        url=discussion if is_comment else (hit.get("url") or discussion),
        title=title,
        text=text,
        author=hit.get("author", ""),
        author_handle=hit.get("author", ""),
        published_at=parse_datetime(hit.get("created_at_i") or hit.get("created_at")),
        site="news.ycombinator.com",
        likes=to_int(hit.get("points")),
        comments=to_int(hit.get("num_comments")),
        raw=hit,
    )
