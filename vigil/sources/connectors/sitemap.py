"""News sitemaps (`<news:news>`, the format publishers keep for search engines) and plain
sitemaps, including sitemap indexes and gzip-compressed files.

A news sitemap already gives title, publication date, publisher and language, so article pages
are fetched only when `fetch_detail` is on (for the full text), at most `max_items` per run.
"""

from __future__ import annotations

import asyncio
import zlib
from datetime import tzinfo
from typing import Any
from zoneinfo import ZoneInfo

import lxml.etree
from pydantic import Field, field_validator

from vigil.lib.http import FetchError
from vigil.lib.i18n import gettext_noop
from vigil.lib.urls import canonical_url, site_of
from vigil.sources.connectors._common import ChannelName, HttpUrlText, parse_datetime
from vigil.sources.connectors.base import (
    Connector,
    ConnectorConfig,
    ConnectorError,
    FetchResult,
    RawItemData,
    SeenIds,
    register,
)
from vigil.sources.connectors.web import _check_zone, fetch_article

__all__ = ["SitemapConnector", "parse_sitemap"]

_MAX_UNZIPPED = 50 * 1024 * 1024


class SitemapConfig(ConnectorConfig):
    url: HttpUrlText = Field(
        description=gettext_noop(
            "Sitemap or sitemap index URL, e.g. https://example.com/news-sitemap.xml"
        ),
        title=gettext_noop("URL"),
    )
    max_sitemaps: int = Field(
        3,
        ge=1,
        le=50,
        description=gettext_noop("For an index: how many of the newest sitemaps to read"),
        title=gettext_noop("Max sitemaps"),
    )
    news_only: bool = Field(
        False,
        description=gettext_noop("Only take entries that carry <news:news>"),
        title=gettext_noop("News only"),
    )
    fetch_detail: bool = Field(
        False,
        description=gettext_noop("Fetch each new article page for its full text"),
        title=gettext_noop("Fetch detail"),
    )
    max_items: int = Field(
        50,
        ge=1,
        le=500,
        description=gettext_noop("New article pages to fetch per run (with fetch_detail)"),
        title=gettext_noop("Max items"),
    )
    page_timezone: str = Field(
        "UTC",
        description=gettext_noop("Time zone for dates written without one"),
        title=gettext_noop("Page time zone"),
    )
    channel: ChannelName = Field(
        "",
        description=gettext_noop("Channel of the items (default: news)"),
        title=gettext_noop("Channel"),
    )

    @field_validator("page_timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        return _check_zone(value)


def _local(tag: Any) -> str:
    return lxml.etree.QName(tag).localname if isinstance(tag, str) else ""


def _child_text(element: Any, *path: str) -> str:
    """Text of the first descendant following local names in `path` (namespaces ignored)."""
    current = [element]
    for name in path:
        current = [c for node in current for c in node if _local(c.tag) == name]
        if not current:
            return ""
    return (current[0].text or "").strip()


def _xml_root(content: bytes, url: str, warnings: list[str]) -> Any:
    if content[:2] == b"\x1f\x8b":
        inflater = zlib.decompressobj(wbits=31)
        content = inflater.decompress(content, _MAX_UNZIPPED)
        if inflater.unconsumed_tail:
            raise ConnectorError(
                f"{url} unzips to more than 50 MB; refused",
                permanent=True,
                code="too_large",
                params={"host": site_of(url)},
            )
    strict = lxml.etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        return lxml.etree.fromstring(content, strict)
    except lxml.etree.XMLSyntaxError as exc:
        lenient = lxml.etree.XMLParser(resolve_entities=False, no_network=True, recover=True)
        root = lxml.etree.fromstring(content, lenient) if content.strip() else None
        if root is None or _local(root.tag) not in ("urlset", "sitemapindex"):
            head = content[:200].lstrip().lower()
            kind = (
                "an HTML page"
                if head.startswith((b"<!doctype html", b"<html"))
                else "malformed XML"
            )
            raise ConnectorError(
                f"{url} returned {kind}, not a sitemap ({exc})",
                code="bad_sitemap",
                params={"host": site_of(url)},
            ) from exc
        warnings.append(f"{url} is not well-formed XML ({exc}); recovered what could be read")
        return root


def parse_sitemap(
    content: bytes, url: str, zone: tzinfo, warnings: list[str]
) -> tuple[list[RawItemData], list[str]]:
    """Items of a urlset, or the child sitemap URLs of an index (newest first)."""
    root = _xml_root(content, url, warnings)
    kind = _local(root.tag)
    if kind == "sitemapindex":
        children = [
            (_child_text(s, "lastmod"), _child_text(s, "loc"))
            for s in root
            if _local(s.tag) == "sitemap"
        ]
        return [], _newest_first([c for c in children if c[1]], zone)
    if kind == "html":
        raise ConnectorError(
            f"{url} returned an HTML page, not a sitemap",
            permanent=True,
            code="bad_sitemap",
            params={"host": site_of(url)},
        )
    if kind != "urlset":
        raise ConnectorError(
            f"{url} is XML but not a sitemap (root element <{kind}>)",
            permanent=True,
            code="bad_sitemap",
            params={"host": site_of(url)},
        )
    items = []
    for entry in root:
        if _local(entry.tag) != "url":
            continue
        item = _item(entry, zone)
        if item is not None:
            items.append(item)
    return items, []


def _newest_first(children: list[tuple[str, str]], zone: tzinfo) -> list[str]:
    def key(child: tuple[str, str]) -> tuple[bool, float]:
        when = parse_datetime(child[0], zone)
        return (when is None, -when.timestamp() if when else 0.0)

    return [loc for _, loc in sorted(children, key=key)]


def _item(entry: Any, zone: tzinfo) -> RawItemData | None:
    loc = _child_text(entry, "loc")
    if not loc:
        return None
    news = next((c for c in entry if _local(c.tag) == "news"), None)
    raw: dict[str, Any] = {"loc": loc, "lastmod": _child_text(entry, "lastmod")}
    if news is None:
        return RawItemData(
            external_id=canonical_url(loc), url=loc, site=site_of(loc),
            published_at=parse_datetime(raw["lastmod"], zone), raw=raw,
        )  # fmt: skip
    raw.update(
        title=_child_text(news, "title"),
        publication_date=_child_text(news, "publication_date"),
        publication=_child_text(news, "publication", "name"),
        language=_child_text(news, "publication", "language"),
        keywords=_child_text(news, "keywords"),
    )
    return RawItemData(
        external_id=canonical_url(loc),
        url=loc,
        title=raw["title"],
        published_at=parse_datetime(raw["publication_date"], zone)
        or parse_datetime(raw["lastmod"], zone),
        site=site_of(loc),
        lang=raw["language"].split("-")[0].lower(),
        raw=raw | {"news": True},
    )


@register
class SitemapConnector(Connector[SitemapConfig]):
    kind = "sitemap"
    label = gettext_noop("News sitemap")
    default_channel = "news"
    Config = SitemapConfig

    async def fetch_raw(self, state: dict[str, Any]) -> FetchResult:
        config = self.config
        zone = ZoneInfo(config.page_timezone)
        warnings: list[str] = []
        resp = await self.http.get(
            config.url, etag=state.get("etag", ""), last_modified=state.get("last_modified", "")
        )
        if resp.not_modified:
            return FetchResult(items=[], state=state, not_modified=True)
        items, children = parse_sitemap(resp.content, config.url, zone, warnings)
        for child in children[: config.max_sitemaps]:
            try:
                child_resp = await self.http.get(child)
                found, _ = parse_sitemap(child_resp.content, child, zone, warnings)
            except (FetchError, ConnectorError) as exc:
                warnings.append(f"skipped sitemap {child}: {exc}")
                continue
            items.extend(found)
        if config.news_only:
            items = [item for item in items if item.raw.get("news")]
        for item in items:
            item.channel = config.channel
        if config.fetch_detail:
            items = await self._with_text(items, state, config, zone, warnings)
        return FetchResult(items=items, state=resp.validators(), warnings=warnings)

    async def _with_text(
        self,
        items: list[RawItemData],
        state: dict[str, Any],
        config: SitemapConfig,
        zone: tzinfo,
        warnings: list[str],
    ) -> list[RawItemData]:
        seen = SeenIds(state)
        fresh = [item for item in items if item.external_id not in seen]
        todo, later = fresh[: config.max_items], fresh[config.max_items :]
        if later:
            warnings.append(f"{len(later)} more new articles left for the next run")

        async def fill(item: RawItemData) -> RawItemData | None:
            try:
                article, warning = await fetch_article(self.http, item.url, zone)
            except FetchError as exc:
                if exc.permanent:
                    warnings.append(f"kept sitemap data only for {item.url}: {exc}")
                    return item
                warnings.append(f"will retry {item.url} next run: {exc}")
                return None
            if warning:
                warnings.append(warning)
            item.text = article.text
            item.title = item.title or article.title
            item.author = article.author
            item.published_at = item.published_at or article.published_at
            item.lang = item.lang or article.lang
            return item

        filled = await asyncio.gather(*(fill(item) for item in todo))
        return [item for item in filled if item is not None]
