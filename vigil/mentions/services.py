"""Finding mentions: the filters shared by the Mentions screen and the API."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from vigil.mentions.models import Mention


@dataclass
class MentionFilter:
    q: str | None = None
    channel: str | None = None
    lang: str | None = None
    site: str | None = None
    source: int | None = None
    since: dt.datetime | None = None
    until: dt.datetime | None = None


def filter_mentions(f: MentionFilter) -> QuerySet[Mention]:
    """Apply the filters; ``q`` is a plain substring until the query language is wired in."""
    mentions = Mention.objects.all()
    if f.q:
        mentions = mentions.filter(Q(title__icontains=f.q) | Q(text__icontains=f.q))
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
    return mentions.order_by("-published_at", "-id")
