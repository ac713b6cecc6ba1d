"""Dashboard figures: counts and hourly volume per channel, and whether background work runs."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, QuerySet
from django.db.models.functions import TruncHour
from django.utils import timezone

from vigil.alerts.models import Alert, Channel
from vigil.alerts.services.listing import filter_alerts
from vigil.analysis.services import local_time_text
from vigil.mentions.models import Mention
from vigil.mentions.services import effective_sentiment_is
from vigil.pipeline import heartbeats
from vigil.sources.models import RawItem, Source


@dataclass
class DashboardFigures:
    mentions_total: int
    mentions_24h: int
    mentions_1h: int
    sources_total: int
    sources_failing: int
    sources_paused: int
    pending_items: int
    negative_24h: int = 0
    judged_24h: int = 0
    # Early warning at a glance (a trial's dashboard said nothing of a failing channel
    # nor of alerts waiting past their response target).
    alerts_open: int = 0
    alerts_overdue: int = 0
    channels_failing: int = 0

    @property
    def negative_share_24h(self) -> int | None:
        return round(100 * self.negative_24h / self.judged_24h) if self.judged_24h else None


def dashboard_figures(now: dt.datetime | None = None) -> DashboardFigures:
    now = now or timezone.now()
    sources = Source.objects.all()
    day = Mention.objects.filter(published_at__gte=now - dt.timedelta(hours=24)).exclude(
        relevance="noise"
    )
    judged = day.exclude(effective_sentiment_is("unknown"))
    negative = day.filter(effective_sentiment_is("negative"))
    return DashboardFigures(
        negative_24h=negative.count(),
        judged_24h=judged.count(),
        mentions_total=Mention.objects.count(),
        mentions_24h=Mention.objects.filter(published_at__gte=now - dt.timedelta(hours=24)).count(),
        mentions_1h=Mention.objects.filter(published_at__gte=now - dt.timedelta(hours=1)).count(),
        sources_total=sources.count(),
        sources_failing=sources.filter(is_active=True, consecutive_failures__gt=0).count(),
        sources_paused=sources.filter(is_active=False).count(),
        pending_items=RawItem.objects.filter(status=RawItem.Status.PENDING).count(),
        # As the inbox's "open" and "overdue" filters count them, which the tile opens.
        alerts_open=filter_alerts(Alert.objects.all(), state="open").count(),
        alerts_overdue=filter_alerts(Alert.objects.all(), state="overdue").count(),
        channels_failing=failing_channels().count(),
    )


def failing_channels() -> QuerySet[Channel]:
    """Active channels whose last send failed (the in-app bell does not fail): the dashboard's
    tile and ``/api/health`` count the same ones."""
    return Channel.objects.filter(is_active=True, consecutive_failures__gt=0).exclude(kind="in_app")


@dataclass(frozen=True)
class BackgroundStall:
    minutes: int | None  # since the last scheduled run; None when none was ever recorded


def background_stall() -> BackgroundStall | None:
    """Background work looks stopped: the scheduler's tick is stale, so the scheduler, every
    worker or the broker is down (beat sends the tick through the broker, a worker records
    it). One indexed read, cheap enough for the dashboard's 10-second poll, where health's
    worker check asks every worker over the broker and may wait a second."""
    age = heartbeats.seconds_since(heartbeats.SCHEDULER)
    if age is not None and age <= heartbeats.SCHEDULER_STALE_AFTER:
        return None
    return BackgroundStall(minutes=None if age is None else int(age // 60))


def hourly_volume(hours: int = 72, now: dt.datetime | None = None) -> dict[str, object]:
    """Mentions per hour and channel over the last ``hours``, zero-filled (UTC buckets,
    labelled with their start in the current time zone)."""
    now = now or timezone.now()
    end = now.replace(minute=0, second=0, microsecond=0) + dt.timedelta(hours=1)
    start = end - dt.timedelta(hours=hours)
    rows = (
        Mention.objects.filter(published_at__gte=start, published_at__lt=end)
        .annotate(hour=TruncHour("published_at", tzinfo=dt.UTC))
        .values("hour", "channel")
        .annotate(n=Count("id"))
    )
    buckets = [start + dt.timedelta(hours=i) for i in range(hours)]
    index = {b: i for i, b in enumerate(buckets)}
    series: dict[str, list[int]] = {}
    for row in rows:
        hour = row["hour"]
        if hour is None or hour not in index:
            continue
        series.setdefault(row["channel"], [0] * hours)[index[hour]] += row["n"]
    # Wall-clock hours in the reader's zone: the chart draws them as written.
    return {"hours": [local_time_text(b) for b in buckets], "series": series}
