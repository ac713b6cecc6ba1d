"""RSS 2.0 / Atom / RDF feeds, Google News and Bing News search feeds, and RSSHub routes.

Feeds are fetched by our HTTP client (conditional GET, size cap, private-address guard) and
parsed from bytes by feedparser, which copes with most malformed feeds; what it cannot recover
becomes a clear error. RSSHub is the documented way to reach Weibo, Zhihu, Bilibili, Douyin and
WeChat accounts as feeds, so it is a kind of its own taking a base URL and a route.
"""

from __future__ import annotations

import codecs
import re
import time
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote_plus, urlencode

import feedparser
from pydantic import Field, model_validator

from vigil.lib.http import Response
from vigil.lib.i18n import Problem, gettext_noop
from vigil.lib.urls import site_of
from vigil.sources.connectors._charset import decode_bytes
from vigil.sources.connectors._common import ChannelName, html_to_text, secret
from vigil.sources.connectors._feedxml import parse_well_formed
from vigil.sources.connectors.base import (
    ConfigT,
    Connector,
    ConnectorConfig,
    ConnectorError,
    FetchResult,
    RawItemData,
    register,
)

__all__ = [
    "RssConnector",
    "RssHubConnector",
    "bing_news_search_url",
    "google_news_search_url",
    "parse_feed",
]

_ACCEPT = "application/rss+xml, application/atom+xml, application/rdf+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
_ALTERNATE = re.compile(
    rb"""<link[^>]+type=["']application/(?:rss|atom)\+xml["'][^>]*>""", re.IGNORECASE
)
_XML_ENCODING = re.compile(rb"""(<\?xml[^>]*encoding\s*=\s*["'])[^"']*""")
_HREF = re.compile(rb"""href=["']([^"']+)["']""", re.IGNORECASE)


def google_news_search_url(query: str, *, lang: str = "en-US", country: str = "US") -> str:
    """Google News search feed, e.g. ``google_news_search_url("华为", lang="zh-CN", country="CN")``."""
    edition = "zh-Hans" if lang.lower() == "zh-cn" else lang.split("-")[0]
    params = {"q": query, "hl": lang, "gl": country, "ceid": f"{country}:{edition}"}
    return "https://news.google.com/rss/search?" + urlencode(params, quote_via=quote_plus)


def bing_news_search_url(query: str, *, market: str = "en-US") -> str:
    """Bing News search as RSS, e.g. ``bing_news_search_url("Huawei", market="zh-CN")``."""
    params = {"q": query, "format": "rss", "mkt": market}
    return "https://www.bing.com/news/search?" + urlencode(params, quote_via=quote_plus)


class RssConfig(ConnectorConfig):
    url: str = Field(
        "",
        description=gettext_noop(
            "Feed URL (RSS 2.0, Atom or RDF). Leave empty for a news search below."
        ),
        title=gettext_noop("URL"),
    )
    google_news_query: str = Field(
        "",
        description=gettext_noop("Search Google News for these words instead of a feed URL"),
        title=gettext_noop("Google News query"),
    )
    bing_news_query: str = Field(
        "",
        description=gettext_noop("Search Bing News for these words instead of a feed URL"),
        title=gettext_noop("Bing News query"),
    )
    news_lang: str = Field(
        "en-US",
        description=gettext_noop("Language/market of the news search, e.g. en-US, zh-CN"),
        title=gettext_noop("News language"),
    )
    news_country: str = Field(
        "US",
        description=gettext_noop("Country edition of Google News, e.g. US, CN, HK"),
        title=gettext_noop("News country"),
    )
    channel: ChannelName = Field(
        "",
        description=gettext_noop("Channel of the items (default: news)"),
        title=gettext_noop("Channel"),
    )

    @model_validator(mode="after")
    def _one_target(self) -> RssConfig:
        given = [bool(self.url), bool(self.google_news_query), bool(self.bing_news_query)]
        if sum(given) != 1:
            raise Problem(
                gettext_noop("give exactly one of url, google_news_query or bing_news_query")
            )
        if self.url and not self.url.startswith(("http://", "https://")):
            raise Problem(gettext_noop("url must be an absolute http:// or https:// URL"))
        return self

    def feed_url(self) -> str:
        if self.google_news_query:
            return google_news_search_url(
                self.google_news_query, lang=self.news_lang, country=self.news_country
            )
        if self.bing_news_query:
            return bing_news_search_url(self.bing_news_query, market=self.news_lang)
        return self.url


class FeedConnector(Connector[ConfigT]):
    """Shared fetch for everything that ends in a feed URL."""

    def feed_url(self) -> str:
        raise NotImplementedError

    async def fetch_raw(self, state: dict[str, Any]) -> FetchResult:
        url = self.feed_url()
        if state.get("feed_url") != url:  # config changed: validators belong to the old URL
            state = {"feed_url": url}
        resp = await self.http.get(
            url,
            headers={"Accept": _ACCEPT},
            etag=state.get("etag", ""),
            last_modified=state.get("last_modified", ""),
        )
        if resp.not_modified:
            return FetchResult(items=[], state=state, not_modified=True)
        channel = getattr(self.config, "channel", "") or ""
        items, warnings = parse_feed(resp, channel=channel)
        state = {"feed_url": url, **resp.validators()}
        return FetchResult(items=items, state=state, warnings=warnings)


@register
class RssConnector(FeedConnector[RssConfig]):
    kind = "rss"
    label = gettext_noop("RSS / Atom feed or news search")
    default_channel = "news"
    Config = RssConfig

    def feed_url(self) -> str:
        return self.config.feed_url()


class RssHubConfig(ConnectorConfig):
    base_url: str = Field(
        "https://rsshub.app",
        description=gettext_noop("RSSHub instance (self-hosted recommended)"),
        title=gettext_noop("Base URL"),
    )
    route: str = Field(
        description=gettext_noop(
            "RSSHub route, e.g. /weibo/user/1195230310, /zhihu/hot, /bilibili/user/video/2267573"
        ),
        title=gettext_noop("Route"),
    )
    access_key: str = secret(
        gettext_noop("RSSHub ACCESS_KEY, when the instance requires one"),
        title=gettext_noop("Access key"),
    )
    channel: ChannelName = Field(
        "",
        description=gettext_noop("Channel of the items (default: social)"),
        title=gettext_noop("Channel"),
    )

    @model_validator(mode="after")
    def _check(self) -> RssHubConfig:
        if not self.base_url.startswith(("http://", "https://")):
            raise Problem(gettext_noop("base_url must be an absolute http:// or https:// URL"))
        if not self.route.startswith("/"):
            self.route = "/" + self.route
        return self


@register
class RssHubConnector(FeedConnector[RssHubConfig]):
    kind = "rsshub"
    label = gettext_noop("RSSHub route (Weibo, Zhihu, Bilibili, Douyin, WeChat …)")
    default_channel = "social"
    Config = RssHubConfig

    def feed_url(self) -> str:
        url = self.config.base_url.rstrip("/") + self.config.route
        if self.config.access_key:
            url += ("&" if "?" in url else "?") + urlencode({"key": self.config.access_key})
        return url


def parse_feed(resp: Response, *, channel: str = "") -> tuple[list[RawItemData], list[str]]:
    """Items of a feed response, plus warnings. Raises `ConnectorError` when nothing usable."""
    warnings: list[str] = []
    body = _utf8_body(resp, warnings)
    fast = parse_well_formed(body)
    if fast is not None:
        entries, feed_lang = fast
        return [_item(e, _lang(feed_lang), channel) for e in entries], warnings
    parsed = feedparser.parse(
        body,
        response_headers={"content-type": "application/xml; charset=utf-8"},
        sanitize_html=False,
        resolve_relative_uris=False,
    )
    if not parsed.entries:
        _refuse_empty(parsed, resp)
        return [], warnings
    if parsed.bozo:
        warnings.append(
            f"feed is not well-formed ({_reason(parsed)}); {len(parsed.entries)} items recovered"
        )
    feed_lang = _lang(parsed.feed.get("language", ""))
    return [_item(_from_feedparser(e), feed_lang, channel) for e in parsed.entries], warnings


def _utf8_body(resp: Response, warnings: list[str]) -> bytes:
    """The feed as UTF-8 bytes with a matching XML declaration, whatever it was served as."""
    decoded = decode_bytes(resp.content, resp.headers.get("content-type"))
    if decoded.mismatch:
        warnings.append(
            f"feed declares {decoded.declared} but is {decoded.encoding}; decoded as {decoded.encoding}"
        )
    if decoded.encoding in ("utf-8", "utf_8") and not resp.content.startswith(codecs.BOM_UTF8):
        body = resp.content
    else:
        body = decoded.text.lstrip("\ufeff").encode("utf-8")
    return _XML_ENCODING.sub(rb"\1utf-8", body[:300], count=1) + body[300:]


def _refuse_empty(parsed: Any, resp: Response) -> None:
    head = resp.content[:2048].lstrip().lower()
    if resp.content_type == "text/html" or head.startswith((b"<!doctype html", b"<html")):
        hint = feed = ""
        link = _ALTERNATE.search(resp.content[:65536])
        if link:
            href = _HREF.search(link.group(0))
            if href:
                feed = href.group(1).decode("utf-8", "replace")
                hint = f"; the page links to a feed at {feed}"
        raise ConnectorError(
            f"{resp.url} returned an HTML page, not a feed{hint}",
            permanent=True,
            code="html_not_feed",
            params={"host": site_of(resp.url), "feed": feed},
        )
    if parsed.bozo:
        raise ConnectorError(
            f"{resp.url} is not a readable feed: {_reason(parsed)}",
            code="bad_feed",
            params={"host": site_of(resp.url)},
        )
    if not parsed.get("version"):
        raise ConnectorError(
            f"{resp.url} is not an RSS, Atom or RDF feed",
            permanent=True,
            code="bad_feed",
            params={"host": site_of(resp.url)},
        )


def _reason(parsed: Any) -> str:
    exc = parsed.get("bozo_exception")
    return f"{type(exc).__name__}: {exc}" if exc else "unknown problem"


def _lang(code: str) -> str:
    return code.strip().lower().replace("_", "-").split("-")[0] if code else ""


def _from_feedparser(entry: Any) -> dict[str, Any]:
    """A feedparser entry in the shape of the fast path's entries."""
    content = entry.get("content") or []
    source = entry.get("source") or {}
    published = None
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if isinstance(value, time.struct_time):
            published = datetime(*value[:6], tzinfo=UTC)
            break
    return {
        "id": entry.get("id") or entry.get("link") or "",
        "link": entry.get("link", "") or "",
        "title": html_to_text(entry.get("title", "")),
        "text": html_to_text(content[0].get("value", "") if content else entry.get("summary", "")),
        "author": entry.get("author", "") or "",
        "published": published,
        "published_raw": entry.get("published") or entry.get("updated") or "",
        "comments": _count(entry.get("slash_comments")),
        "source_url": source.get("href", ""),
        "source_title": source.get("title", ""),
        "lang": entry.get("language", "") or "",
    }


def _item(entry: dict[str, Any], feed_lang: str, channel: str) -> RawItemData:
    link = entry["link"]
    site = site_of(entry["source_url"]) if entry["source_url"] else site_of(link)
    raw = {k: v for k, v in entry.items() if k != "published"}
    return RawItemData(
        external_id=entry["id"].strip() or link,
        url=link,
        title=entry["title"],
        text=entry["text"],
        author=entry["author"] or entry["source_title"],
        published_at=entry["published"],
        channel=channel,
        site=site,
        lang=_lang(entry["lang"]) or feed_lang,
        comments=entry["comments"],
        raw=raw,
    )


def _count(value: Any) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None
