"""Generic JSON API: for vendor data feeds that no dedicated kind covers.

The user gives a URL template, where the item list sits (`items_path`, a dotted path or simple
JSONPath such as ``$.data[*]``) and where each field sits inside one item (`fields`). The
template may use ``{since}`` (ISO time of the newest item collected), ``{since_ts}`` (the same
in epoch seconds) and ``{cursor}`` (from `next_cursor_path` of the previous page or run).
"""

from __future__ import annotations

import string
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from pydantic import Field, field_validator, model_validator

from vigil.lib.i18n import Problem, gettext_noop
from vigil.lib.urls import site_of
from vigil.sources.connectors._common import (
    ChannelName,
    get_api_json,
    html_to_text,
    parse_datetime,
    secret,
    select_all,
    select_one,
    to_int,
)
from vigil.sources.connectors.base import (
    CHANNELS,
    Connector,
    ConnectorConfig,
    FetchResult,
    RawItemData,
    register,
)
from vigil.sources.connectors.web import _check_zone

__all__ = ["JsonApiConnector"]

_TEXT_FIELDS = ("url", "title", "text", "author", "author_handle", "channel", "site", "lang")
_COUNT_FIELDS = ("author_followers", "likes", "shares", "comments", "views")
FIELD_NAMES = frozenset({"id", "published_at", *_TEXT_FIELDS, *_COUNT_FIELDS})
_PLACEHOLDERS = frozenset({"since", "since_ts", "cursor"})


class JsonApiConfig(ConnectorConfig):
    url: str = Field(
        description=gettext_noop(
            "URL template, e.g. https://api.example.com/posts?after={since}&cursor={cursor}"
        ),
        title=gettext_noop("URL"),
    )
    items_path: str = Field(
        "$",
        description=gettext_noop("Where the item list is, e.g. $.data[*] or data.items"),
        title=gettext_noop("Items path"),
    )
    fields: dict[str, str] = Field(
        description=gettext_noop(
            "Item field -> path inside one item, e.g. {'id': 'id', 'title': 'headline', 'published_at': 'meta.time'}"
        ),
        title=gettext_noop("Fields"),
    )
    next_cursor_path: str = Field(
        "",
        description=gettext_noop(
            "Path to the next page's cursor in the response (empty: no paging)"
        ),
        title=gettext_noop("Next cursor path"),
    )
    max_pages: int = Field(
        1,
        ge=1,
        le=20,
        description=gettext_noop("Pages to read per run when paging"),
        title=gettext_noop("Max pages"),
    )
    headers: dict[str, str] = Field(
        default_factory=dict,
        description=gettext_noop("Extra request headers"),
        title=gettext_noop("Headers"),
    )
    auth_header: str = secret(
        gettext_noop("Value of the Authorization header, e.g. 'Bearer abc…'"),
        title=gettext_noop("Auth header"),
    )
    initial_since: str = Field(
        "",
        description=gettext_noop("{since} on the first run (ISO time); empty: blank"),
        title=gettext_noop("Initial since"),
    )
    page_timezone: str = Field(
        "UTC",
        description=gettext_noop("Time zone for dates written without one"),
        title=gettext_noop("Page time zone"),
    )
    channel: ChannelName = Field(
        "",
        description=gettext_noop("Channel of the items (default: other)"),
        title=gettext_noop("Channel"),
    )

    @field_validator("fields")
    @classmethod
    def _fields(cls, value: dict[str, str]) -> dict[str, str]:
        unknown = sorted(set(value) - FIELD_NAMES)
        if unknown:
            raise Problem(
                gettext_noop("unknown item fields %(unknown)s; known: %(known)s"),
                unknown=", ".join(unknown),
                known=", ".join(sorted(FIELD_NAMES)),
            )
        if "id" not in value and "url" not in value:
            raise Problem(gettext_noop("map at least 'id' (or 'url') so items have a stable id"))
        for path in value.values():
            select_all({}, path)  # raises ValueError on an unreadable path
        return value

    @field_validator("page_timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        return _check_zone(value)

    @model_validator(mode="after")
    def _template(self) -> JsonApiConfig:
        if not self.url.startswith(("http://", "https://")):
            raise Problem(gettext_noop("url must be an absolute http:// or https:// URL"))
        names = {name for _, name, _, _ in string.Formatter().parse(self.url) if name is not None}
        if names - _PLACEHOLDERS:
            raise Problem(
                gettext_noop(
                    "url uses unknown placeholders %(names)s; allowed: {since}, {since_ts}, "
                    "{cursor}"
                ),
                names=str(sorted(names - _PLACEHOLDERS)),
            )
        select_all({}, self.items_path)
        if self.next_cursor_path:
            select_all({}, self.next_cursor_path)
        return self


@register
class JsonApiConnector(Connector[JsonApiConfig]):
    kind = "jsonapi"
    label = gettext_noop("JSON API (URL template + field mapping)")
    default_channel = "other"
    Config = JsonApiConfig

    async def fetch_raw(self, state: dict[str, Any]) -> FetchResult:
        config = self.config
        zone = ZoneInfo(config.page_timezone)
        since = parse_datetime(state.get("since") or config.initial_since or None, zone)
        cursor = str(state.get("cursor", ""))
        headers = dict(config.headers)
        if config.auth_header:
            headers["Authorization"] = config.auth_header
        items: list[RawItemData] = []
        warnings: list[str] = []
        for _ in range(config.max_pages):
            url = config.url.format(
                since=quote(since.isoformat().replace("+00:00", "Z")) if since else "",
                since_ts=int(since.timestamp()) if since else "",
                cursor=quote(cursor),
            )
            data = await get_api_json(self.http, url, "JSON API", headers=headers)
            nodes = select_all(data, config.items_path)
            if len(nodes) == 1 and isinstance(nodes[0], list):
                nodes = nodes[0]
            if not nodes and not items:
                warnings.append(f"items_path {config.items_path!r} matched nothing in the response")
            bad = sum(1 for node in nodes if not isinstance(node, dict))
            if bad:
                warnings.append(f"{bad} entries at items_path were not JSON objects; skipped")
            items.extend(self._item(node, zone) for node in nodes if isinstance(node, dict))
            next_cursor = (
                select_one(data, config.next_cursor_path) if config.next_cursor_path else None
            )
            if next_cursor in (None, "") or not nodes:
                break
            cursor = str(next_cursor)
        now = datetime.now(UTC)
        dates = [
            i.published_at for i in items if i.published_at is not None and i.published_at <= now
        ]
        newest = max([*dates, *([since] if since else [])], default=None)
        new_state: dict[str, Any] = {"cursor": cursor} if cursor else {}
        if newest:
            new_state["since"] = newest.isoformat()
        return FetchResult(items=items, state=new_state, warnings=warnings)

    def _item(self, node: dict[str, Any], zone: ZoneInfo) -> RawItemData:
        config = self.config
        values = {name: select_one(node, path) for name, path in config.fields.items()}
        item = RawItemData(external_id=str(values.get("id") or values.get("url") or ""), raw=node)
        for name in _TEXT_FIELDS:
            value = values.get(name)
            if value is not None:
                text = value if isinstance(value, str) else str(value)
                setattr(
                    item, name, html_to_text(text) if name in ("title", "text") else text.strip()
                )
        for name in _COUNT_FIELDS:
            setattr(item, name, to_int(values.get(name)))
        item.published_at = parse_datetime(values.get("published_at"), zone)
        if item.channel not in CHANNELS:
            item.channel = ""
        item.channel = item.channel or config.channel
        item.site = item.site or site_of(item.url)
        return item
