"""Finding mentions: the filters and the query-language search shared by screen and API."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from django.db.models import F, Q, QuerySet

from vigil.mentions.models import Mention
from vigil.mentions.search import SearchHit, SearchResult, search_mentions
from vigil.monitoring.models import Match
from vigil.monitoring.query import MatchResult

# Largest id or page a database integer column holds; bigger numbers from a URL match nothing
# instead of overflowing the driver.
MAX_INT = 2**63 - 1
ORDERS = ("newest", "oldest", "impact")
RELEVANCES = ("relevant", "noise", "any")


@dataclass
class MentionFilter:
    q: str | None = None  # the monitoring query language
    topic: int | None = None
    channel: str | None = None
    lang: str | None = None
    site: str | None = None
    source: int | None = None
    since: dt.datetime | None = None
    until: dt.datetime | None = None
    sentiment: str | None = None  # positive | neutral | negative | unknown (corrections win)
    # "" hides noise; "relevant" (confirmed), "noise" (only noise) or "any" (everything)
    relevance: str | None = None
    order: str = "newest"  # newest | oldest | impact


@dataclass
class MentionPage:
    result: SearchResult
    page: int
    pages: int


def parse_int(value: str | None) -> int | None:
    """A positive whole number from a URL parameter, or None for anything else."""
    value = (value or "").strip()
    if not value.isascii() or not value.isdigit():
        return None
    number = int(value)
    return number if 0 < number <= MAX_INT else None


def parse_day(value: str | None, tz: dt.tzinfo, *, end: bool = False) -> dt.datetime | None:
    """The start of the day ``YYYY-MM-DD`` in ``tz`` (of the next day when ``end``), or None."""
    try:
        day = dt.date.fromisoformat((value or "").strip())
    except ValueError:
        return None
    if end:
        if day == dt.date.max:
            return None
        day += dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time.min, tzinfo=tz)


def mention_filter_from(params: Mapping[str, str], tz: dt.tzinfo) -> MentionFilter:
    """The screen's filters from its query string; days are the viewer's local days."""
    order = params.get("order") or "newest"
    relevance = params.get("relevance") or None
    return MentionFilter(
        q=params.get("q") or None,
        topic=parse_int(params.get("topic")),
        channel=params.get("channel") or None,
        lang=params.get("lang") or None,
        site=(params.get("site") or "").strip().lower() or None,
        source=parse_int(params.get("source")),
        since=parse_day(params.get("since"), tz),
        until=parse_day(params.get("until"), tz, end=True),
        sentiment=params.get("sentiment") or None,
        relevance=relevance if relevance in RELEVANCES else None,
        order=order if order in ORDERS else "newest",
    )


def effective_sentiment_is(label: str, via: str = "") -> Q:
    """Mentions whose shown sentiment is ``label``: the analyst's correction wins.

    ``via`` reaches the mention from another model (``"mention__"`` from a match).
    """
    corrected, model = f"{via}sentiment_corrected", f"{via}sentiment"
    if label == "unknown":
        return Q(**{corrected: "", f"{model}__in": ["", "unknown"]})
    return Q(**{corrected: label}) | Q(**{corrected: "", model: label})


def ordering(order: str) -> list[object]:
    """The ``order_by`` of a sort choice; the newest first breaks ties."""
    if order == "oldest":
        return ["published_at", "id"]
    if order == "impact":
        return [F("impact").desc(nulls_last=True), "-published_at", "-id"]
    return ["-published_at", "-id"]


def filter_mentions(f: MentionFilter) -> QuerySet[Mention]:
    """Every filter but ``q``, in the filter's order (newest first by default)."""
    mentions = Mention.objects.all()
    if f.topic:
        mentions = mentions.filter(matches__topic_id=f.topic)
    if f.channel:
        mentions = mentions.filter(channel=f.channel)
    if f.lang:
        mentions = mentions.filter(lang=f.lang)
    if f.site:
        mentions = mentions.filter(Q(site=f.site) | Q(site__endswith="." + f.site))
    if f.source:
        mentions = mentions.filter(source_id=f.source)
    if f.since:
        mentions = mentions.filter(published_at__gte=f.since)
    if f.until:
        mentions = mentions.filter(published_at__lt=f.until)
    if f.sentiment:
        mentions = mentions.filter(effective_sentiment_is(f.sentiment))
    if f.relevance == "noise":
        mentions = mentions.filter(relevance="noise")
    elif f.relevance == "relevant":
        mentions = mentions.filter(relevance="relevant")
    elif f.relevance != "any":
        mentions = mentions.exclude(relevance="noise")
    return mentions.order_by(*ordering(f.order))


def find_mentions(f: MentionFilter, *, offset: int = 0, limit: int = 25) -> SearchResult:
    """A page of mentions for the filters; ``q`` is evaluated with the query language."""
    mentions = filter_mentions(f).select_related("source")
    if f.q and f.q.strip():
        return search_mentions(f.q, mentions, offset=offset, limit=limit)
    if offset:
        # Skip to a deep page on ids alone (an index scan), then read the page's rows.
        ids = list(mentions.values_list("pk", flat=True)[offset : offset + limit])
        rows = Mention.objects.select_related("source").in_bulk(ids)
        page = [rows[pk] for pk in ids if pk in rows]
    else:
        page = list(mentions[:limit])
    return SearchResult(hits=[SearchHit(m, MatchResult()) for m in page], count=mentions.count())


def mention_page(f: MentionFilter, page: int | None, size: int) -> MentionPage:
    """Page ``page`` of the results; a page past the end shows the last one instead."""
    wanted = min(page or 1, MAX_INT // size)
    result = find_mentions(f, offset=(wanted - 1) * size, limit=size)
    pages = max(1, -(-result.count // size))
    if wanted > pages and result.count and result.exact:
        wanted = pages
        result = find_mentions(f, offset=(wanted - 1) * size, limit=size)
    return MentionPage(result=result, page=wanted, pages=pages)


EXPORT_LIMIT = 5000
EXPORT_COLUMNS = [
    "id",
    "published",
    "channel",
    "site",
    "author",
    "title",
    "text",
    "url",
    "language",
    "sentiment",
    "relevance",
    "impact",
    "topics",
]


def export_rows(f: MentionFilter, tz: dt.tzinfo, limit: int = EXPORT_LIMIT) -> list[list[str]]:
    """The filtered mentions as spreadsheet rows (header first), in the filter's order,
    with times in ``tz``; at most ``limit`` rows, so one export cannot stall the server."""
    result = find_mentions(f, offset=0, limit=limit)
    ids = [hit.mention.pk for hit in result.hits]
    topics: dict[int, list[str]] = {pk: [] for pk in ids}
    matches = (
        Match.objects.filter(mention_id__in=ids).select_related("topic").order_by("topic__name")
    )
    for match in matches:
        topics[match.mention_id].append(match.topic.name)
    rows = [list(EXPORT_COLUMNS)]
    for hit in result.hits:
        m = hit.mention
        rows.append(
            [
                str(m.pk),
                m.published_at.astimezone(tz).strftime("%Y-%m-%d %H:%M"),
                m.channel,
                m.site,
                m.author,
                m.title,
                m.text,
                m.url,
                m.lang,
                m.effective_sentiment,
                m.relevance,
                "" if m.impact is None else f"{m.impact:.1f}",
                "; ".join(topics.get(m.pk, [])),
            ]
        )
    return [[_inert(cell) for cell in row] for row in rows]


def _inert(cell: str) -> str:
    """Public text that a spreadsheet would run as a formula is kept as text."""
    return "'" + cell if cell[:1] in ("=", "+", "-", "@", "\t", "\r") else cell
