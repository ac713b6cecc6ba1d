"""X (Twitter) API v2 recent search, with authors expanded from `includes.users`.

Needs a bearer token from the user's X developer account; without one the source says so and
is marked as needing configuration. `since_id` keeps each run to posts newer than the last.
"""

from __future__ import annotations

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
    ConnectorError,
    FetchResult,
    RawItemData,
    register,
)

__all__ = ["TwitterConnector"]

_TWEET_FIELDS = "created_at,public_metrics,lang,author_id,conversation_id,entities"
_USER_FIELDS = "username,name,public_metrics,verified"


class TwitterConfig(ConnectorConfig):
    query: str = Field(
        min_length=1,
        description=gettext_noop("Search query in X syntax, e.g. huawei -is:retweet lang:en"),
        title=gettext_noop("Query"),
    )
    bearer_token: str = secret(
        gettext_noop("Bearer token of your X API app (required)"),
        title=gettext_noop("Bearer token"),
    )
    max_results: int = Field(
        100,
        ge=10,
        le=100,
        description=gettext_noop("Posts per request (10–100)"),
        title=gettext_noop("Max results"),
    )
    max_pages: int = Field(
        1,
        ge=1,
        le=10,
        description=gettext_noop("Pages to read per run"),
        title=gettext_noop("Max pages"),
    )
    base_url: str = Field(
        "https://api.x.com",
        description=gettext_noop("API base URL (change only for testing)"),
        title=gettext_noop("Base URL"),
    )


@register
class TwitterConnector(Connector[TwitterConfig]):
    kind = "twitter"
    label = gettext_noop("X / Twitter (API v2 recent search)")
    default_channel = "social"
    Config = TwitterConfig

    async def fetch_raw(self, state: dict[str, Any]) -> FetchResult:
        config = self.config
        if not config.bearer_token:
            raise ConnectorError(
                "X/Twitter needs a bearer token: create an app at developer.x.com and set bearer_token",
                permanent=True,
                code="needs_key",
                params={"service": "X/Twitter", "field": gettext_noop("Bearer token")},
            )
        params: dict[str, str | int] = {
            "query": config.query, "max_results": config.max_results, "tweet.fields": _TWEET_FIELDS,
            "expansions": "author_id", "user.fields": _USER_FIELDS,
        }  # fmt: skip
        since_id = str(state.get("since_id", ""))
        if since_id:
            params["since_id"] = since_id
        headers = {"Authorization": f"Bearer {config.bearer_token}"}
        url = config.base_url.rstrip("/") + "/2/tweets/search/recent"
        items: list[RawItemData] = []
        newest = since_id
        token = ""
        for _ in range(config.max_pages):
            page_params = {**params, **({"next_token": token} if token else {})}
            page = await get_api_json(
                self.http, url, "X/Twitter", params=page_params, headers=headers
            )
            if not isinstance(page, dict):
                raise no_item_list("X/Twitter", url, page, "a page of posts")
            if "data" not in page and page.get("errors") and not page.get("meta"):
                detail = str(page["errors"][0].get("message", page["errors"][0]))
                raise ConnectorError(
                    f"X/Twitter: {detail}",
                    code="service_refused",
                    params={"service": "X/Twitter", "detail": detail[:300]},
                )
            users = {
                u.get("id"): u
                for u in (page.get("includes") or {}).get("users", [])
                if isinstance(u, dict)
            }
            for tweet in page.get("data") or []:
                if isinstance(tweet, dict) and tweet.get("id"):
                    items.append(_item(tweet, users.get(tweet.get("author_id"), {})))
            meta = page.get("meta") or {}
            if meta.get("newest_id") and (not newest or int(meta["newest_id"]) > int(newest)):
                newest = str(meta["newest_id"])
            token = str(meta.get("next_token") or "")
            if not token:
                break
        return FetchResult(items=items, state={"since_id": newest} if newest else {})


def _item(tweet: dict[str, Any], user: dict[str, Any]) -> RawItemData:
    metrics = tweet.get("public_metrics") or {}
    username = user.get("username", "")
    shares = to_int(metrics.get("retweet_count"))
    if shares is not None:
        shares += to_int(metrics.get("quote_count")) or 0
    return RawItemData(
        external_id=str(tweet["id"]),
        url=f"https://x.com/{username or 'i/web'}/status/{tweet['id']}",
        text=tweet.get("text", ""),
        author=user.get("name", "") or username,
        author_handle=f"@{username}" if username else "",
        author_followers=to_int((user.get("public_metrics") or {}).get("followers_count")),
        published_at=parse_datetime(tweet.get("created_at")),
        site="x.com",
        lang="" if tweet.get("lang") in (None, "und", "zxx", "qme", "qht") else str(tweet["lang"]),
        likes=to_int(metrics.get("like_count")),
        shares=shares,
        comments=to_int(metrics.get("reply_count")),
        views=to_int(metrics.get("impression_count")),
        raw={"tweet": tweet, "user": user},
    )
