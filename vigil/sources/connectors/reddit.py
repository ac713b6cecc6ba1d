"""Reddit search and subreddit listings through the public JSON listings (`.json` endpoints).

Listings are read newest first and paged with `after` until a page holds only posts seen
before; Reddit asks for a descriptive User-Agent, which the shared client sends.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field, model_validator

from vigil.lib.i18n import Problem, gettext_noop
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
    SeenIds,
    register,
)

__all__ = ["RedditConnector"]


class RedditConfig(ConnectorConfig):
    query: str = Field(
        "",
        description=gettext_noop(
            "Search words (Reddit search syntax); empty: the subreddit's newest posts"
        ),
        title=gettext_noop("Query"),
    )
    subreddit: str = Field(
        "",
        description=gettext_noop(
            "Subreddit name without r/, e.g. technology; empty: all of Reddit"
        ),
        title=gettext_noop("Subreddit"),
    )
    sort: str = Field(
        "new",
        pattern="^(new|relevance|hot|top|comments)$",
        description=gettext_noop("Search order"),
        title=gettext_noop("Sort"),
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
    base_url: str = Field(
        "https://www.reddit.com",
        description=gettext_noop("API base URL (change only for testing)"),
        title=gettext_noop("Base URL"),
    )

    @model_validator(mode="after")
    def _target(self) -> RedditConfig:
        self.subreddit = self.subreddit.removeprefix("/").removeprefix("r/").strip("/")
        if not self.query and not self.subreddit:
            raise Problem(gettext_noop("give a query, a subreddit, or both"))
        return self


@register
class RedditConnector(Connector[RedditConfig]):
    kind = "reddit"
    label = gettext_noop("Reddit (search or subreddit)")
    default_channel = "forum"
    Config = RedditConfig

    def _endpoint(self) -> tuple[str, dict[str, str | int]]:
        config = self.config
        base = config.base_url.rstrip("/")
        params: dict[str, str | int] = {"limit": config.limit, "raw_json": 1}
        if config.query:
            params.update(q=config.query, sort=config.sort, t="all")
            if config.subreddit:
                params["restrict_sr"] = 1
                return f"{base}/r/{config.subreddit}/search.json", params
            return f"{base}/search.json", params
        return f"{base}/r/{config.subreddit}/new.json", params

    async def fetch_raw(self, state: dict[str, Any]) -> FetchResult:
        url, params = self._endpoint()
        seen = SeenIds(state)
        items: list[RawItemData] = []
        after = ""
        for _ in range(self.config.max_pages):
            page = await get_api_json(
                self.http, url, "Reddit", params={**params, **({"after": after} if after else {})}
            )
            listing = page.get("data") if isinstance(page, dict) else None
            if not isinstance(listing, dict) or not isinstance(listing.get("children"), list):
                raise no_item_list("Reddit", url, page, "a listing")
            children = [c.get("data") for c in listing["children"] if isinstance(c, dict)]
            found = [
                item
                for item in (_item(d) for d in children if isinstance(d, dict))
                if item is not None
            ]
            items.extend(found)
            after = listing.get("after") or ""
            if not after or all(item.external_id in seen for item in found):
                break
        return FetchResult(items=items, state={})


def _item(post: dict[str, Any]) -> RawItemData | None:
    name = post.get("name") or (f"t3_{post['id']}" if post.get("id") else "")
    if not name:
        return None
    permalink = post.get("permalink", "")
    text = post.get("selftext") or ""
    if not text and post.get("selftext_html"):
        text = html_to_text(post["selftext_html"])
    link = post.get("url_overridden_by_dest") or post.get("url") or ""
    if link and permalink and link.endswith(permalink):
        link = ""
    if link and not text:
        text = link
    return RawItemData(
        external_id=name,
        url=f"https://www.reddit.com{permalink}" if permalink.startswith("/") else permalink,
        title=post.get("title", ""),
        text=text,
        author=post.get("author", ""),
        author_handle=f"u/{post['author']}" if post.get("author") else "",
        published_at=parse_datetime(post.get("created_utc")),
        site="reddit.com",
        likes=to_int(post.get("score")),
        comments=to_int(post.get("num_comments")),
        shares=to_int(post.get("num_crossposts")),
        raw=post,
    )
