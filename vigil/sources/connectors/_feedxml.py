"""Fast path for well-formed RSS 2.0, RDF (RSS 1.0) and Atom feeds, parsed with lxml.

feedparser costs about a millisecond per entry, which caps collection at a few dozen feeds a
second; most feeds are well-formed, and lxml reads them some twenty times faster. Anything
unusual (not well-formed, unknown root) returns None and goes to feedparser, which recovers
what it can.
"""

from __future__ import annotations

import calendar
import email.utils
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import feedparser
import lxml.etree

from vigil.sources.connectors._common import html_to_text, parse_datetime

__all__ = ["FastEntry", "parse_well_formed"]

_ATOM = "http://www.w3.org/2005/Atom"
_RSS1 = "http://purl.org/rss/1.0/"
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_DC = "http://purl.org/dc/elements/1.1/"
_CONTENT = "http://purl.org/rss/1.0/modules/content/"
_SLASH = "http://purl.org/rss/1.0/modules/slash/"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_PARSER = lxml.etree.XMLParser(
    resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True
)

FastEntry = dict[
    str, Any
]  # keys: id, link, title, text, author, published, comments, source_url, lang


def parse_well_formed(content: bytes) -> tuple[list[FastEntry], str] | None:
    """Entries and feed language, or None when feedparser should handle this document."""
    try:
        root = lxml.etree.fromstring(content, _PARSER)
    except (lxml.etree.XMLSyntaxError, ValueError):
        return None
    if root is None:
        return None
    tag = root.tag if isinstance(root.tag, str) else ""
    if tag == "rss":
        channel = root.find("channel")
        if channel is None:
            return None
        lang = _text(channel.find("language")) or _text(channel.find(f"{{{_DC}}}language"))
        return [_rss_entry(item) for item in channel.iterfind("item")], lang
    if tag == f"{{{_RDF}}}RDF":
        channel = root.find(f"{{{_RSS1}}}channel")
        lang = _text(channel.find(f"{{{_DC}}}language")) if channel is not None else ""
        return [_rdf_entry(item) for item in root.iterfind(f"{{{_RSS1}}}item")], lang
    if tag == f"{{{_ATOM}}}feed":
        lang = root.get(_XML_LANG, "")
        return [_atom_entry(entry, lang) for entry in root.iterfind(f"{{{_ATOM}}}entry")], lang
    return None


def _text(element: Any) -> str:
    if element is None:
        return ""
    if len(element) == 0:
        return (element.text or "").strip()
    return "".join(element.itertext()).strip()


def _when(value: str) -> datetime | None:
    if not value:
        return None
    try:
        parsed = email.utils.parsedate_to_datetime(value)
        return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    except (TypeError, ValueError, IndexError):
        pass
    found = parse_datetime(value)
    if found is not None:
        return found
    fallback: Callable[[str], Any] | None = getattr(
        getattr(feedparser, "datetimes", None), "_parse_date", None
    )
    struct = fallback(value) if fallback else None
    return datetime.fromtimestamp(calendar.timegm(struct), UTC) if struct else None


def _int(value: str) -> int | None:
    return int(value) if value.strip().isdigit() else None


def _children(item: Any) -> dict[str, Any]:
    """First child per tag: one pass instead of a find() per field."""
    found: dict[str, Any] = {}
    for child in item:
        if isinstance(child.tag, str):
            found.setdefault(child.tag, child)
    return found


def _rss_entry(item: Any) -> FastEntry:
    fields = _children(item)

    def get(tag: str) -> str:
        return _text(fields.get(tag))

    guid = get("guid")
    link = get("link")
    if (
        not link
        and guid.startswith(("http://", "https://"))
        and fields["guid"].get("isPermaLink") != "false"
    ):
        link = guid
    source = fields.get("source")
    published = get("pubDate") or get(f"{{{_DC}}}date")
    return {
        "id": guid or link,
        "link": link,
        "title": html_to_text(get("title")),
        "text": html_to_text(get(f"{{{_CONTENT}}}encoded") or get("description")),
        "author": get(f"{{{_DC}}}creator") or _author_of(get("author")),
        "published": _when(published),
        "published_raw": published,
        "comments": _int(get(f"{{{_SLASH}}}comments")),
        "source_url": source.get("url", "") if source is not None else "",
        "source_title": _text(source),
        "lang": "",
    }


def _author_of(value: str) -> str:
    """RSS <author> is "email (Name)"; show the name."""
    if value.endswith(")") and "(" in value:
        return value[value.index("(") + 1 : -1].strip()
    return value


def _rdf_entry(item: Any) -> FastEntry:
    link = _text(item.find(f"{{{_RSS1}}}link"))
    body = _text(item.find(f"{{{_CONTENT}}}encoded")) or _text(item.find(f"{{{_RSS1}}}description"))
    published = _text(item.find(f"{{{_DC}}}date"))
    return {
        "id": item.get(f"{{{_RDF}}}about") or link,
        "link": link,
        "title": html_to_text(_text(item.find(f"{{{_RSS1}}}title"))),
        "text": html_to_text(body),
        "author": _text(item.find(f"{{{_DC}}}creator")),
        "published": _when(published),
        "published_raw": published,
        "comments": None,
        "source_url": "",
        "source_title": "",
        "lang": _text(item.find(f"{{{_DC}}}language")),
    }


def _atom_entry(entry: Any, feed_lang: str) -> FastEntry:
    links = entry.findall(f"{{{_ATOM}}}link")
    alternate = next(
        (x for x in links if x.get("rel", "alternate") == "alternate"), links[0] if links else None
    )
    body = entry.find(f"{{{_ATOM}}}content")
    if body is None:
        body = entry.find(f"{{{_ATOM}}}summary")
    author = entry.find(f"{{{_ATOM}}}author")
    published = _text(entry.find(f"{{{_ATOM}}}published")) or _text(
        entry.find(f"{{{_ATOM}}}updated")
    )
    return {
        "id": _text(entry.find(f"{{{_ATOM}}}id")),
        "link": alternate.get("href", "") if alternate is not None else "",
        "title": _atom_text(entry.find(f"{{{_ATOM}}}title")),
        "text": _atom_text(body),
        "author": _text(author.find(f"{{{_ATOM}}}name")) if author is not None else "",
        "published": _when(published),
        "published_raw": published,
        "comments": None,
        "source_url": "",
        "source_title": "",
        "lang": entry.get(_XML_LANG, "") or feed_lang,
    }


def _atom_text(element: Any) -> str:
    """Atom text constructs: text, html (escaped markup) or xhtml (inline markup)."""
    if element is None:
        return ""
    if element.get("type") == "xhtml":
        return html_to_text(lxml.etree.tostring(element, encoding="unicode", method="html"))
    return html_to_text(_text(element))
