"""Finding mentions: the filters and the query-language search shared by screen and API."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from vigil.mentions.models import Mention
from vigil.mentions.search import SearchHit, SearchResult, search_mentions
from vigil.monitoring.query import MatchResult


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
    include_noise: bool = False


def effective_sentiment_is(label: str) -> Q:
    """Mentions whose shown sentiment is ``label``: the analyst's correction wins."""
    if label == "unknown":
        return Q(sentiment_corrected="", sentiment__in=["", "unknown"])
    return Q(sentiment_corrected=label) | Q(sentiment_corrected="", sentiment=label)


def filter_mentions(f: MentionFilter) -> QuerySet[Mention]:
    """Every filter but ``q``, newest first."""
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
    if not f.include_noise:
        mentions = mentions.exclude(relevance="noise")
    return mentions.order_by("-published_at", "-id")


def find_mentions(f: MentionFilter, *, offset: int = 0, limit: int = 25) -> SearchResult:
    """A page of mentions for the filters; ``q`` is evaluated with the query language."""
    mentions = filter_mentions(f).select_related("source")
    if f.q and f.q.strip():
        return search_mentions(f.q, mentions, offset=offset, limit=limit)
    page = list(mentions[offset : offset + limit])
    return SearchResult(hits=[SearchHit(m, MatchResult()) for m in page], count=mentions.count())
