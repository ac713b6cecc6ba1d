"""Mastodon: a hashtag timeline or a status search on one instance (REST API v1/v2).

`since_id` (tags) and `min_id` (search) keep each run to statuses newer than the last one seen.
Full-text status search needs an access token on most instances; tag timelines are public.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlsplit

from pydantic import Field, model_validator

from vigil.lib.i18n import Problem, gettext_noop
from vigil.lib.urls import site_of
from vigil.sources.connectors._common import (
    get_api_json,
    html_to_text,
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

__all__ = ["MastodonConnector"]


class MastodonConfig(ConnectorConfig):
    base_url: str = Field(
        "https://mastodon.social",
        description=gettext_noop("Instance URL, e.g. https://mastodon.social"),
        title=gettext_noop("Base URL"),
    )
    tag: str = Field(
        "", description=gettext_noop("Hashtag to follow, without #"), title=gettext_noop("Tag")
    )
    query: str = Field(
        "",
        description=gettext_noop(
            "Search words (status search; most instances need an access token)"
        ),
        title=gettext_noop("Query"),
    )
    access_token: str = secret(
        gettext_noop("Access token (needed for status search on most instances)"),
        title=gettext_noop("Access token"),
    )
    limit: int = Field(
        40,
        ge=1,
        le=40,
        description=gettext_noop("Statuses per request"),
        title=gettext_noop("Limit"),
    )

    @model_validator(mode="after")
    def _target(self) -> MastodonConfig:
        if not self.base_url.startswith(("http://", "https://")):
            raise Problem(gettext_noop("base_url must be an absolute http:// or https:// URL"))
        self.tag = self.tag.lstrip("#").strip()
        if bool(self.tag) == bool(self.query):
            raise Problem(gettext_noop("give either a tag or a query"))
        return self


@register
class MastodonConnector(Connector[MastodonConfig]):
    kind = "mastodon"
    label = gettext_noop("Mastodon (hashtag or search on an instance)")
    default_channel = "social"
    Config = MastodonConfig

    async def fetch_raw(self, state: dict[str, Any]) -> FetchResult:
        config = self.config
        base = config.base_url.rstrip("/")
        headers = {"Authorization": f"Bearer {config.access_token}"} if config.access_token else {}
        params: dict[str, str | int] = {"limit": config.limit}
        newest = str(state.get("newest_id", ""))
        if config.tag:
            url = f"{base}/api/v1/timelines/tag/{quote(config.tag)}"
            if newest:
                params["since_id"] = newest
        else:
            url = f"{base}/api/v2/search"
            params.update(q=config.query, type="statuses", resolve="false")
            if newest:
                params["min_id"] = newest
        data = await get_api_json(self.http, url, "Mastodon", params=params, headers=headers)
        statuses = data.get("statuses") if isinstance(data, dict) else data
        if not isinstance(statuses, list):
            raise no_item_list("Mastodon", url, data, "a status list")
        instance = urlsplit(base).hostname or ""
        items = [_item(s, instance) for s in statuses if isinstance(s, dict) and s.get("id")]
        ids = [
            int(s["id"]) for s in statuses if isinstance(s, dict) and str(s.get("id", "")).isdigit()
        ]
        if newest.isdigit():
            ids.append(int(newest))
        return FetchResult(items=items, state={"newest_id": str(max(ids))} if ids else {})


def _item(status: dict[str, Any], instance: str) -> RawItemData:
    shown = status.get("reblog") or status
    account = shown.get("account") or {}
    acct = account.get("acct", "")
    if acct and "@" not in acct:
        acct = f"{acct}@{instance}"
    text = html_to_text(shown.get("content", ""))
    if shown.get("spoiler_text"):
        text = f"{shown['spoiler_text']}\n{text}"
    url = shown.get("url") or shown.get("uri") or ""
    return RawItemData(
        external_id=str(shown.get("uri") or shown.get("id")),
        url=url,
        text=text,
        author=account.get("display_name") or account.get("username", ""),
        author_handle=f"@{acct}" if acct else "",
        author_followers=to_int(account.get("followers_count")),
        published_at=parse_datetime(shown.get("created_at")),
        site=site_of(url) or instance,
        lang=(shown.get("language") or "").split("-")[0],
        likes=to_int(shown.get("favourites_count")),
        shares=to_int(shown.get("reblogs_count")),
        comments=to_int(shown.get("replies_count")),
        raw=status,
    )
