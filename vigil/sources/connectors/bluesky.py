"""Bluesky post search (`app.bsky.feed.searchPosts` on an AppView).

Posts are requested newest first (`sort=latest`) with `since` set to the newest post already
collected, and paged by `cursor` up to `max_pages`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import Field

from vigil.lib.i18n import gettext_noop
from vigil.sources.connectors._common import (
    get_api_json,
    no_item_list,
    parse_datetime,
    secret,
    to_int,
)
from vigil.sources.connectors.base import (
    Connector,
    ConnectorConfig,
    FetchResult,
    RawItemData,
    register,
)

__all__ = ["BlueskyConnector", "post_url"]


class BlueskyConfig(ConnectorConfig):
    query: str = Field(
        min_length=1,
        description=gettext_noop("Search words (Lucene-like syntax of searchPosts)"),
        title=gettext_noop("Query"),
    )
    lang: str = Field(
        "",
        description=gettext_noop("Only posts in this language, e.g. en, zh"),
        title=gettext_noop("Language"),
    )
    limit: int = Field(
        100, ge=1, le=100, description=gettext_noop("Posts per page"), title=gettext_noop("Limit")
    )
    max_pages: int = Field(
        1,
        ge=1,
        le=10,
        description=gettext_noop("Pages to read per run"),
        title=gettext_noop("Max pages"),
    )
    access_token: str = secret(
        gettext_noop("Access JWT, when the AppView requires authentication for search"),
        title=gettext_noop("Access token"),
    )
    base_url: str = Field(
        "https://public.api.bsky.app",
        description=gettext_noop("AppView base URL"),
        title=gettext_noop("Base URL"),
    )


def post_url(uri: str, handle: str) -> str:
    """Web address of a post from its at:// URI (at://did/app.bsky.feed.post/rkey)."""
    parts = uri.removeprefix("at://").split("/")
    if len(parts) == 3 and parts[1] == "app.bsky.feed.post":
        return f"https://bsky.app/profile/{handle or parts[0]}/post/{parts[2]}"
    return ""


@register
class BlueskyConnector(Connector[BlueskyConfig]):
    kind = "bluesky"
    label = gettext_noop("Bluesky (post search)")
    default_channel = "social"
    Config = BlueskyConfig

    async def fetch_raw(self, state: dict[str, Any]) -> FetchResult:
        config = self.config
        url = config.base_url.rstrip("/") + "/xrpc/app.bsky.feed.searchPosts"
        headers = {"Authorization": f"Bearer {config.access_token}"} if config.access_token else {}
        params: dict[str, str | int] = {"q": config.query, "sort": "latest", "limit": config.limit}
        if config.lang:
            params["lang"] = config.lang
        since = str(state.get("since", ""))
        if since:
            params["since"] = since
        items: list[RawItemData] = []
        cursor = ""
        for _ in range(config.max_pages):
            page = await get_api_json(
                self.http,
                url,
                "Bluesky",
                params={**params, **({"cursor": cursor} if cursor else {})},
                headers=headers,
            )
            posts = page.get("posts") if isinstance(page, dict) else None
            if not isinstance(posts, list):
                raise no_item_list("Bluesky", url, page, "a post list")
            items.extend(_item(p) for p in posts if isinstance(p, dict) and p.get("uri"))
            cursor = str(page.get("cursor") or "")
            if not cursor or not posts:
                break
        dates = [i.published_at for i in items if i.published_at is not None]
        newest = max(dates, default=None)
        previous = parse_datetime(since) if since else None
        if newest is not None and previous is not None:
            newest = max(newest, previous)
        newest = (
            min(newest, datetime.now(UTC)) if newest else previous
        )  # a future-dated post must not stall `since`
        return FetchResult(
            items=items,
            state={"since": newest.isoformat().replace("+00:00", "Z")} if newest else {},
        )


def _item(post: dict[str, Any]) -> RawItemData:
    author = post.get("author") or {}
    record = post.get("record") or {}
    langs = record.get("langs") or []
    handle = author.get("handle", "")
    return RawItemData(
        external_id=post["uri"],
        url=post_url(post["uri"], handle),
        text=record.get("text", ""),
        author=author.get("displayName") or handle,
        author_handle=f"@{handle}" if handle else "",
        published_at=parse_datetime(record.get("createdAt") or post.get("indexedAt")),
        site="bsky.app",
        lang=str(langs[0]).split("-")[0] if langs else "",
        likes=to_int(post.get("likeCount")),
        shares=(to_int(post.get("repostCount")) or 0) + (to_int(post.get("quoteCount")) or 0)
        if post.get("repostCount") is not None
        else None,
        comments=to_int(post.get("replyCount")),
        raw=post,
    )
