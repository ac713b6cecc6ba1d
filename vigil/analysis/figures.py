"""Figures the analysis screens read: sentiment counts per topic, stories' last hour.

Counted by the database in one statement each (a screen over 40 topics and 200,000
mentions must not loop over rows in Python or ask once per topic).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from vigil.analysis.models import Story
from vigil.analysis.services import SENTIMENTS
from vigil.mentions.models import Mention
from vigil.mentions.services import effective_sentiment_is
from vigil.monitoring.models import Match


def _counts(row: dict[str, Any]) -> dict[str, int]:
    counts = {label: row[label] for label in SENTIMENTS}
    counts["unknown"] = row["total"] - sum(counts.values())
    return counts


def sentiment_breakdown(mentions: QuerySet[Mention]) -> dict[str, int]:
    """Counts per effective sentiment (corrections win; noise left out)."""
    figures = {label: Count("id", filter=effective_sentiment_is(label)) for label in SENTIMENTS}
    return _counts(mentions.exclude(relevance="noise").aggregate(total=Count("id"), **figures))


def sentiment_by_topic(topic_ids: Iterable[int], since: dt.datetime) -> dict[int, dict[str, int]]:
    """``sentiment_breakdown`` of each topic's mentions published since ``since``, in one
    grouped query; a topic without mentions has all counts 0."""
    ids = list(topic_ids)
    figures = {
        label: Count("id", filter=effective_sentiment_is(label, via="mention__"))
        for label in SENTIMENTS
    }
    rows = (
        Match.objects.filter(topic_id__in=ids, published_at__gte=since)
        .exclude(mention__relevance="noise")
        .order_by()
        .values("topic_id")
        .annotate(total=Count("id"), **figures)
    )
    found = {row["topic_id"]: _counts(row) for row in rows}
    empty = dict.fromkeys((*SENTIMENTS, "unknown"), 0)
    return {pk: found.get(pk, dict(empty)) for pk in ids}


def with_last_hour(stories: QuerySet[Story], now: dt.datetime | None = None) -> Any:
    """Stories with ``last_hour``: mentions published in the hour before ``now``, counted
    when read (the stored ``growth_per_hour`` is as of the story's last update).

    A correlated count per story row (a range of the story/published index), so only
    the stories a screen reads are counted, not every story joined to its mentions.
    """
    now = now or timezone.now()
    recent = (
        Mention.objects.filter(story=OuterRef("pk"), published_at__gt=now - dt.timedelta(hours=1))
        .order_by()
        .values("story")
        .annotate(n=Count("id"))
        .values("n")
    )
    return stories.annotate(
        last_hour=Coalesce(Subquery(recent, output_field=IntegerField()), Value(0))
    )
