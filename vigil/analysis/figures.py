"""Figures the analysis screens read: sentiment counts per topic and over time, stories'
last hour.

Counted by the database in one statement each (a screen over 40 topics and 200,000
mentions must not loop over rows in Python or ask once per topic).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, TruncDay, TruncHour
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


# Ranges up to this many days are drawn per hour; longer ones per day.
HOURLY_UP_TO_DAYS = 2


def _bucket_starts(days: int, now: dt.datetime, hourly: bool) -> list[dt.datetime]:
    """The starts of the buckets covering the last ``days`` in the reader's zone: whole
    local hours (the current one last) or whole local days (today last)."""
    zone = timezone.get_current_timezone()
    local = timezone.localtime(now, zone)
    if not hourly:
        today = local.date()
        dates = [today - dt.timedelta(days=n) for n in range(days - 1, -1, -1)]
        return [dt.datetime.combine(d, dt.time(), tzinfo=zone) for d in dates]
    hour = local.replace(minute=0, second=0, microsecond=0).astimezone(dt.UTC)
    instants = [hour - dt.timedelta(hours=n) for n in range(24 * days - 1, -1, -1)]
    # Stepped in UTC, then named by local wall time: a repeated autumn hour appears once.
    seen: dict[dt.datetime, dt.datetime] = {}
    for moment in instants:
        wall = timezone.localtime(moment, zone)
        seen.setdefault(wall.replace(tzinfo=None), wall)
    return list(seen.values())


def sentiment_over_time(topic_id: int, days: int, now: dt.datetime | None = None) -> dict[str, Any]:
    """A topic's mentions per effective sentiment and per hour (ranges up to two days) or
    day, cut at the reader's local hours and midnights, zero-filled, in one grouped query.

    Corrections win and noise is left out, as in ``sentiment_by_topic``. Buckets are
    labelled with local wall-clock text, which Plotly draws as written.
    """
    now = now or timezone.now()
    hourly = days <= HOURLY_UP_TO_DAYS
    starts = _bucket_starts(days, now, hourly)
    zone = timezone.get_current_timezone()
    trunc = TruncHour if hourly else TruncDay
    figures = {
        label: Count("id", filter=effective_sentiment_is(label, via="mention__"))
        for label in SENTIMENTS
    }
    rows = (
        Match.objects.filter(topic_id=topic_id, published_at__gte=starts[0], published_at__lte=now)
        .exclude(mention__relevance="noise")
        .annotate(bucket=trunc("published_at", tzinfo=zone))
        .order_by()
        .values("bucket")
        .annotate(total=Count("id"), **figures)
    )
    index = {start.replace(tzinfo=None): i for i, start in enumerate(starts)}
    series = {label: [0] * len(starts) for label in (*SENTIMENTS, "unknown")}
    for row in rows:
        # Compared as local wall time: the database answers the bucket in the reader's zone.
        at = index.get(timezone.localtime(row["bucket"], zone).replace(tzinfo=None))
        if at is None:
            continue
        for label, count in _counts(row).items():
            series[label][at] += count
    return {
        "unit": "hour" if hourly else "day",
        "buckets": [start.strftime("%Y-%m-%dT%H:%M:%S") for start in starts],
        "series": series,
    }


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
