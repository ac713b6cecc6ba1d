"""Web pages and forums: a list page, CSS selectors for item links and the next page, and the
full text of each new item's page extracted by trafilatura.

Scraping honours robots.txt (checked by the HTTP client) and fetches only links not seen
before, at most `max_items` per run; the rest wait for the next run rather than being lost.
Pages that lie about their charset (GBK served as "UTF-8" is common) are decoded by detection.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import lxml.etree
import lxml.html
import trafilatura
from cssselect import SelectorError
from pydantic import Field, field_validator

from vigil.lib.http import FetchError, HttpClient, Response
from vigil.lib.i18n import Problem, gettext_noop
from vigil.lib.urls import canonical_url, site_of
from vigil.sources.connectors._charset import decode_bytes
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

__all__ = ["Article", "WebConnector", "extract_article", "fetch_article"]

_DATE_PARAMS = {"outputformat": "%Y-%m-%dT%H:%M:%S%z", "original_date": True}


def _check_zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise Problem(
            gettext_noop("unknown time zone %(zone)s; use a name like Asia/Shanghai or UTC"),
            zone=repr(value),
        ) from exc
    return value


class WebConfig(ConnectorConfig):
    url: HttpUrlText = Field(
        description=gettext_noop("List page URL (forum board, news section)"),
        title=gettext_noop("URL"),
    )
    link_selector: str = Field(
        "a",
        description=gettext_noop("CSS selector for item links, e.g. 'td.title a' or 'h2 > a'"),
        title=gettext_noop("Link selector"),
    )
    next_selector: str = Field(
        "",
        description=gettext_noop("CSS selector for the next-page link (empty: list page only)"),
        title=gettext_noop("Next selector"),
    )
    max_pages: int = Field(
        1,
        ge=1,
        le=20,
        description=gettext_noop("List pages to walk per run"),
        title=gettext_noop("Max pages"),
    )
    max_items: int = Field(
        30,
        ge=1,
        le=200,
        description=gettext_noop("New item pages to fetch per run"),
        title=gettext_noop("Max items"),
    )
    link_pattern: str = Field(
        "",
        description=gettext_noop("Only follow links whose URL matches this regular expression"),
        title=gettext_noop("Link pattern"),
    )
    same_site: bool = Field(
        True,
        description=gettext_noop("Only follow links on the list page's site"),
        title=gettext_noop("Same site"),
    )
    fetch_detail: bool = Field(
        True,
        description=gettext_noop("Fetch each item's page for its full text"),
        title=gettext_noop("Fetch detail"),
    )
    page_timezone: str = Field(
        "UTC",
        description=gettext_noop("Time zone of dates written on the pages, e.g. Asia/Shanghai"),
        title=gettext_noop("Page time zone"),
    )
    channel: ChannelName = Field(
        "",
        description=gettext_noop("Channel of the items (default: forum)"),
        title=gettext_noop("Channel"),
    )

    @field_validator("link_selector", "next_selector")
    @classmethod
    def _css(cls, value: str) -> str:
        if value:
            try:
                lxml.html.fromstring("<p></p>").cssselect(value)
            except SelectorError as exc:
                raise Problem(
                    gettext_noop("not a valid CSS selector: %(error)s"), error=str(exc)
                ) from exc
        return value

    @field_validator("link_pattern")
    @classmethod
    def _regex(cls, value: str) -> str:
        try:
            re.compile(value)
        except re.error as exc:
            raise Problem(
                gettext_noop("not a valid regular expression: %(error)s"), error=str(exc)
            ) from exc
        return value

    @field_validator("page_timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        return _check_zone(value)


@dataclass
class Article:
    url: str
    title: str
    text: str
    author: str
    published_at: datetime | None
    site_name: str
    lang: str


def extract_article(html: str, url: str, zone: tzinfo = UTC) -> Article:
    """Main text and metadata of an article page (empty fields when extraction fails)."""
    doc = trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_comments=False,
        date_extraction_params=_DATE_PARAMS,
    )
    if doc is None or isinstance(doc, dict):
        return Article(url, "", "", "", None, "", "")
    return Article(
        url=url,
        title=doc.title or "",
        text=doc.text or "",
        author=doc.author or "",
        published_at=parse_datetime(doc.date, zone) if doc.date else None,
        site_name=doc.sitename or "",
        lang=(doc.language or "").split("-")[0],
    )


async def fetch_article(http: HttpClient, url: str, zone: tzinfo = UTC) -> tuple[Article, str]:
    """Fetch (robots.txt honoured) and extract one page; returns the article and a warning
    ("" when none) about a wrong charset declaration."""
    resp = await http.get(
        url,
        check_robots=True,
        headers={"Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5"},
    )
    decoded = decode_bytes(resp.content, resp.headers.get("content-type"))
    warning = ""
    if decoded.mismatch:
        warning = f"{url} declares {decoded.declared} but is {decoded.encoding}; decoded as {decoded.encoding}"
    return extract_article(decoded.text, resp.url, zone), warning


@dataclass
class _Link:
    url: str  # as found on the page, fetched as is
    key: str  # canonical form, the item's external id
    title: str


@register
class WebConnector(Connector[WebConfig]):
    kind = "web"
    label = gettext_noop("Web page or forum (list page + selectors)")
    default_channel = "forum"
    Config = WebConfig

    async def fetch_raw(self, state: dict[str, Any]) -> FetchResult:
        config = self.config
        zone = ZoneInfo(config.page_timezone)
        warnings: list[str] = []
        links = await self._list_links(config, warnings)
        seen = SeenIds(state)
        fresh = [link for link in links if link.key not in seen]
        todo = fresh[: config.max_items]
        if len(fresh) > len(todo):
            warnings.append(f"{len(fresh) - len(todo)} more new links left for the next run")
        if config.fetch_detail:
            results = await asyncio.gather(*(self._detail(link, zone) for link in todo))
        else:
            results = [(self._item(link, None), "") for link in todo]
        items = [item for item, _ in results if item is not None]
        warnings.extend(dict.fromkeys(w for _, w in results if w))
        return FetchResult(items=items, state={}, warnings=warnings)

    async def _list_links(self, config: WebConfig, warnings: list[str]) -> list[_Link]:
        links: dict[str, _Link] = {}
        page_url: str | None = config.url
        visited: set[str] = set()
        pattern = re.compile(config.link_pattern) if config.link_pattern else None
        home = site_of(config.url)
        while page_url and len(visited) < config.max_pages and page_url not in visited:
            visited.add(page_url)
            try:
                resp = await self.http.get(page_url, check_robots=True)
            except FetchError as exc:
                if len(visited) == 1:
                    raise
                warnings.append(f"stopped at list page {len(visited)}: {exc}")
                break
            doc = _parse_page(resp, warnings)
            for element in doc.cssselect(config.link_selector):
                link = _link_of(element)
                if link is None or (config.same_site and site_of(link.url) != home):
                    continue
                if pattern is not None and not pattern.search(link.url):
                    continue
                links.setdefault(link.key, link)
            page_url = _next_page(doc, config.next_selector)
        if not links:
            raise ConnectorError(
                f"the link selector {config.link_selector!r} matched no item links on {config.url}; "
                "the site's layout may have changed",
                code="no_links",
                params={"host": site_of(config.url), "selector": config.link_selector},
            )
        return list(links.values())

    async def _detail(self, link: _Link, zone: tzinfo) -> tuple[RawItemData | None, str]:
        try:
            article, warning = await fetch_article(self.http, link.url, zone)
        except FetchError as exc:
            if exc.permanent:  # keep what the list page told us; the page will not come back
                return self._item(link, None), f"kept list title only for {link.url}: {exc}"
            return None, f"will retry {link.url} next run: {exc}"
        return self._item(link, article), warning

    def _item(self, link: _Link, article: Article | None) -> RawItemData:
        channel = getattr(self.config, "channel", "")
        if article is None:
            return RawItemData(
                external_id=link.key,
                url=link.url,
                title=link.title,
                channel=channel,
                site=site_of(link.url),
            )
        return RawItemData(
            external_id=link.key,
            url=link.url,
            title=article.title or link.title,
            text=article.text,
            author=article.author,
            published_at=article.published_at,
            channel=channel,
            site=site_of(link.url),
            lang=article.lang,
            raw={"list_title": link.title, "site_name": article.site_name},
        )


def _parse_page(resp: Response, warnings: list[str]) -> Any:
    decoded = decode_bytes(resp.content, resp.headers.get("content-type"))
    if decoded.mismatch:
        warnings.append(
            f"{resp.url} declares {decoded.declared} but is {decoded.encoding}; decoded as {decoded.encoding}"
        )
    try:
        doc = lxml.html.document_fromstring(decoded.text or "<html></html>", base_url=resp.url)
    except (lxml.etree.ParserError, ValueError) as exc:
        raise ConnectorError(
            f"{resp.url} is not a readable HTML page: {exc}",
            code="bad_page",
            params={"host": site_of(resp.url)},
        ) from exc
    doc.make_links_absolute(resp.url, resolve_base_href=True, handle_failures="discard")
    return doc


def _link_of(element: Any) -> _Link | None:
    anchor = element if element.tag == "a" else next(iter(element.iterfind(".//a[@href]")), None)
    if anchor is None:
        return None
    href = (anchor.get("href") or "").strip()
    if urlsplit(href).scheme not in ("http", "https"):
        return None
    title = " ".join((anchor.text_content() or "").split())
    return _Link(url=href, key=canonical_url(href), title=title)


def _next_page(doc: Any, selector: str) -> str | None:
    if not selector:
        return None
    for element in doc.cssselect(selector):
        link = _link_of(element)
        if link is not None:
            return link.url
    return None
