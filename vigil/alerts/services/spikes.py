"""Spike rules: a ``SpikeDetector`` per (rule, topic), fed 5-minute counts of matches.

Buckets are judged in order once closed (plus a short grace for late arrivals) by the
``alerts.close_buckets`` task and by the pipeline stage; the detector's state lives in
the rule's ``RuleSubject`` row, so a restart resumes exactly. A new rule first learns
from up to four weeks of stored matches (no alerts from history): four of each weekday,
so the weekly rhythm, learnt from whole days after a first week, applies from the start.
The detector's days follow the rule's time zone (its standard offset), so a Chinese
audience's Monday starts at Beijing midnight, not at 08:00.

For speed the stage also looks at the bucket still filling, on a throw-away copy of
the detector: counts only grow, so if the partial count is already a spike the closed
bucket will be one too, and the alert goes out minutes earlier. Nothing from the
future is used; the copy is discarded and the real state only learns closed buckets.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from vigil.alerts import signals
from vigil.alerts.detectors import SpikeDetector, SpikeSignal
from vigil.alerts.models import Alert, AlertRule, RuleSubject
from vigil.alerts.services.firing import (
    Firing,
    fire_alert,
    follow_alert,
    in_installation_language,
)
from vigil.alerts.texts import say_summary, spike_params
from vigil.monitoring.models import Match, Topic

BUCKET = dt.timedelta(seconds=300)
GRACE = dt.timedelta(seconds=30)
LEARN_HISTORY = dt.timedelta(days=28)  # what a new rule learns from: four of each weekday
HISTORY = dt.timedelta(days=7)  # the first week of judging, when history may still arrive
LATE_HISTORY = dt.timedelta(hours=1)  # matches this much older than judging are history
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def bucket_floor(moment: dt.datetime) -> dt.datetime:
    seconds = (moment - _EPOCH).total_seconds()
    return _EPOCH + dt.timedelta(seconds=seconds - seconds % BUCKET.total_seconds())


def _counted(
    topic_id: int, start: dt.datetime, end: dt.datetime, negative_only: bool, field: str
) -> Iterator[Any]:
    """``field`` of each of the topic's matches published in [start, end) that a rule counts.

    Plain values, not model objects: a new rule reads four weeks of a topic. A negative-only
    rule's label is chosen as signals.sentiment_of does: toward the topic, the analyst's
    correction, the model's.
    """
    matches = Match.objects.filter(topic_id=topic_id, published_at__gte=start, published_at__lt=end)
    if not negative_only:
        yield from matches.values_list(field, flat=True).iterator(chunk_size=5000)
        return
    rows = matches.values_list(
        field, "sentiment", "mention__sentiment_corrected", "mention__sentiment"
    )
    for value, on_topic, corrected, model in rows.iterator(chunk_size=5000):
        if signals.is_negative_label(on_topic or corrected or model):
            yield value


def bucket_counts(
    topic_id: int, start: dt.datetime, end: dt.datetime, negative_only: bool = False
) -> Counter[dt.datetime]:
    """Matches of a topic per 5-minute bucket (by publication time) in [start, end)."""
    published = _counted(topic_id, start, end, negative_only, "published_at")
    return Counter(bucket_floor(moment) for moment in published)


def audience_offset(zone_name: str | None, now: dt.datetime) -> int:
    """Seconds east of UTC of the zone's standard time (the installation's zone if none).

    Standard, not summer, time: the detector's days stay put all year instead of
    shifting, and relearning, twice a year; in summer its midnight is an hour early.
    """
    try:
        zone = zoneinfo.ZoneInfo(zone_name or settings.TIME_ZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo("UTC")
    local = now.astimezone(zone)
    offset = (local.utcoffset() or dt.timedelta(0)) - (local.dst() or dt.timedelta(0))
    return int(offset.total_seconds())


def _rule_offset(rule: AlertRule, now: dt.datetime) -> int:
    return audience_offset((rule.routing or {}).get("timezone"), now)


def learned_detector(
    sensitivity: str,
    utc_offset: int,
    topic_id: int,
    since: dt.datetime,
    until: dt.datetime,
    negative_only: bool,
) -> SpikeDetector:
    """A new detector taught the topic's stored matches from ``since`` up to the bucket
    ``until`` (inclusive), without alerting: a new rule should not page about last week."""
    detector = SpikeDetector(
        sensitivity=sensitivity,  # type: ignore[arg-type]
        bucket_seconds=300,
        utc_offset_seconds=utc_offset,
    )
    counts = bucket_counts(topic_id, bucket_floor(since), until + BUCKET, negative_only)
    if counts:
        bucket = min(counts)
        while bucket <= until:
            detector.observe(bucket, counts.get(bucket, 0))
            bucket += BUCKET
    return detector


def _only_silence_so_far(detector: SpikeDetector) -> bool:
    """Under a day of buckets, all empty: history may still be arriving. After a whole quiet
    day the zeros are the topic's real baseline, and history is not read again every minute."""
    return not detector.has_seen_activity and detector.buckets_seen < int(
        dt.timedelta(days=1) / BUCKET
    )


def _last_closed(now: dt.datetime) -> dt.datetime:
    """Start of the newest bucket that closed at least GRACE ago."""
    return bucket_floor(now - GRACE) - BUCKET


def spike_summary(signal: SpikeSignal, counted: int, negative_only: bool = False) -> str:
    """The detector's explanation in the active language: what was seen against what was usual."""
    return say_summary("spike", _spike_params(signal, counted, negative_only))


def _spike_params(signal: SpikeSignal, counted: int, negative_only: bool = False) -> dict[str, Any]:
    """Said with the mentions the window really holds (``counted``), not the detector's
    ``observed``: windows past five minutes count a burst bucket after a dip only up to its
    cap, and a trial's alert read "22 negative mentions in 15 min" above "26 mentions"."""
    return spike_params(
        counted,
        signal.expected,
        signal.p_value,
        int(signal.window_seconds),
        negative_only=negative_only,
        weekly=signal.weekly,
    )


def _mention_ids(
    topic_id: int, start: dt.datetime, end: dt.datetime, negative_only: bool
) -> list[int]:
    """The topic's matched mentions published in [start, end) that a rule counts."""
    return list(_counted(topic_id, start, end, negative_only, "mention_id"))


def _latest(topic_id: int, mention_ids: list[int], fallback: dt.datetime) -> dt.datetime:
    """When the newest of these mentions was published: an alert's "last seen" is a mention's
    time, not the end of the five minutes it fell in (a trial read 18:55 for one of 18:51)."""
    latest = (
        Match.objects.filter(topic_id=topic_id, mention_id__in=mention_ids)
        .order_by("-published_at")
        .values_list("published_at", flat=True)
        .first()
    )
    return latest or fallback


def _follow(rule: AlertRule, topic_id: int, bucket: dt.datetime, now: dt.datetime) -> Alert | None:
    """A closed bucket of a story still running after its alert: its mentions join the
    alert (nobody is told again), so the count reads 188 as the story grows, not the 37
    of the window that fired."""
    mention_ids = _mention_ids(
        topic_id, bucket, bucket + BUCKET, bool(rule.conditions.get("negative_only"))
    )
    if not mention_ids:
        return None
    seen = _latest(topic_id, mention_ids, bucket + BUCKET)
    return follow_alert(rule, f"topic:{topic_id}", mention_ids, seen=seen, now=now)


def _fire(
    rule: AlertRule, topic_id: int, signal: SpikeSignal, bucket: dt.datetime, now: dt.datetime
) -> Alert:
    topic = Topic.objects.get(pk=topic_id)
    window_start = bucket + BUCKET - dt.timedelta(seconds=signal.window_seconds)
    # Every mention of the window that fired, so that the alert's count agrees with its
    # explanation ("60 mentions in 5 min" above "60 mentions", not 50).
    negative_only = bool(rule.conditions.get("negative_only"))
    mention_ids = _mention_ids(topic_id, window_start, bucket + BUCKET, negative_only)
    # Growth is told once per bucket: the early peek and the close judge the same one.
    told = RuleSubject.objects.filter(
        rule=rule, subject=f"topic:{topic_id}", alert__data__bucket=bucket.isoformat()
    ).exists()
    counted = len(set(mention_ids))
    return fire_alert(
        Firing(
            rule=rule,
            subject=f"topic:{topic_id}",
            title_code="spike",
            # A negative-only rule's title says so (texts.say_title).
            title_params=(
                {"topic": topic.name, "negative_only": True}
                if negative_only
                else {"topic": topic.name}
            ),
            summary_code="spike",
            summary_params=_spike_params(signal, counted, negative_only),
            topic_id=topic_id,
            mention_ids=mention_ids,
            data={
                "observed": counted,
                "expected": round(signal.expected, 2),
                "p_value": signal.p_value,
                "score": round(signal.score, 2),
                "severity": round(signal.severity, 3),
                "window_seconds": signal.window_seconds,
                "bucket": bucket.isoformat(),
            },
            seen_at=min(now, _latest(topic_id, mention_ids, bucket + BUCKET)),
            # First seen when the window that fired begins, not when it fired: its
            # mentions (linked above) start there.
            first_at=window_start,
            grew=signal.grew and not told,
        ),
        now=now,
    )


@in_installation_language
@transaction.atomic
def advance(
    rule: AlertRule, topic_id: int, now: dt.datetime | None = None, *, early: bool = False
) -> list[Alert]:
    """Judge every closed bucket not judged yet; with ``early``, peek at the open ones."""
    now = now or timezone.now()
    negative_only = bool(rule.conditions.get("negative_only"))
    row, _created = RuleSubject.objects.get_or_create(rule=rule, subject=f"topic:{topic_id}")
    last_closed = _last_closed(now)
    fired: list[Alert] = []
    detector = SpikeDetector.from_state(row.detector_state) if row.detector_state else None
    judged_at = timezone.now()  # wall clock, as the matches' matched_at
    if row.last_bucket is None or detector is None or _only_silence_so_far(detector):
        # Learn from history, without firing: a new rule should not page about last week.
        # A detector that has only seen empty buckets starts again from history too: the
        # topic's older matches may have been stored since (a retro search, a demo's
        # history, a backfill), and a baseline of zeros would wait a day to warm up.
        detector = _learn_history(rule, topic_id, now, last_closed, negative_only)
        if row.last_bucket is None:
            row.judging_since = last_closed + BUCKET
    else:
        if detector.config.utc_offset_seconds != _rule_offset(rule, now) or (
            _history_arrived_late(row, topic_id, detector)
        ):
            # The rule's time zone changed (its days start at another midnight), or a
            # backfill stored in batches: the first batch made the detector warm, and
            # the later ones landed in buckets already judged. Learn the whole history
            # again, up to where judging stopped, so the baseline is not a fraction of it.
            detector = _learn_history(rule, topic_id, now, row.last_bucket, negative_only)
        start = max(row.last_bucket + BUCKET, bucket_floor(now - HISTORY))
        counts = bucket_counts(topic_id, start, last_closed + BUCKET, negative_only)
        bucket = start
        while bucket <= last_closed:
            signal = detector.observe(bucket, counts.get(bucket, 0))
            if signal is not None:
                fired.append(_fire(rule, topic_id, signal, bucket, now))
            elif detector.story_running:
                _follow(rule, topic_id, bucket, now)
            bucket += BUCKET
    row.detector_state = detector.to_state()
    row.last_bucket = last_closed
    row.judged_at = judged_at
    row.save(update_fields=["detector_state", "last_bucket", "judged_at", "judging_since"])
    if early and not fired:
        fired.extend(_peek(rule, topic_id, detector, last_closed, now, negative_only))
    return fired


def _learn_history(
    rule: AlertRule, topic_id: int, now: dt.datetime, until: dt.datetime, negative_only: bool
) -> SpikeDetector:
    """A new detector taught the topic's stored matches of the last four weeks."""
    return learned_detector(
        rule.conditions.get("sensitivity", "medium"),
        _rule_offset(rule, now),
        topic_id,
        now - LEARN_HISTORY,
        until,
        negative_only,
    )


def _history_arrived_late(row: RuleSubject, topic_id: int, detector: SpikeDetector) -> bool:
    """Matches stored since the last judging for buckets of the week before it (more than an
    hour before), in the rule's first week of judging: history still arriving.

    Later, such stragglers are a feed's usual lateness and cost too much to relearn for. The
    week is counted from the first bucket judged, not in buckets the detector has seen: a
    backfill stored oldest day first makes it "see" the whole week of buckets at once.
    """
    if row.judged_at is None or row.last_bucket is None:
        return False
    # Rows judged before judging_since was kept count the detector's buckets, as then.
    since = row.judging_since or row.last_bucket + BUCKET - BUCKET * detector.buckets_seen
    if row.last_bucket + BUCKET - since >= HISTORY:
        return False
    # Bounded below by a week, not the four weeks a new rule learns: the index on (topic,
    # published_at) keeps this every-minute check to a week of the topic. A backfill whose
    # older weeks land last is learnt again only once it reaches the last week.
    return Match.objects.filter(
        topic_id=topic_id,
        matched_at__gt=row.judged_at,
        published_at__gte=bucket_floor(row.last_bucket - HISTORY),
        published_at__lt=row.last_bucket - LATE_HISTORY,
    ).exists()


def _peek(
    rule: AlertRule,
    topic_id: int,
    detector: SpikeDetector,
    last_closed: dt.datetime,
    now: dt.datetime,
    negative_only: bool,
) -> list[Alert]:
    copy = SpikeDetector.from_state(detector.to_state())
    start = last_closed + BUCKET
    counts = bucket_counts(topic_id, start, now + dt.timedelta(seconds=1), negative_only)
    bucket = start
    while bucket <= now:
        signal = copy.observe(bucket, counts.get(bucket, 0))
        if signal is not None:
            return [_fire(rule, topic_id, signal, bucket, now)]
        bucket += BUCKET
    return []


def end_quiet_period(alert: Alert) -> bool:
    """After a spike alert is closed as a false alarm, its topic may alert again at once.

    The detector stays quiet for 24 hours after an alert unless the volume reaches four
    times the rate that fired; after a false alarm that only blinds the topic to a real
    rise. Only the rule's latest alert on the topic counts. (A judging of the same rule in
    the same instant may keep the quiet period: the next alert then needs 4x, as before.)
    """
    rule = alert.rule
    if rule is None or rule.kind != AlertRule.Kind.SPIKE or alert.topic_id is None:
        return False
    row = RuleSubject.objects.filter(
        rule=rule, subject=f"topic:{alert.topic_id}", alert=alert
    ).first()
    if row is None or not row.detector_state:
        return False
    detector = SpikeDetector.from_state(row.detector_state)
    detector.end_quiet_period()
    row.detector_state = detector.to_state()
    row.save(update_fields=["detector_state"])
    return True


def close_buckets(now: dt.datetime | None = None) -> int:
    """The every-minute task: judge closed buckets of every active spike rule and topic."""
    now = now or timezone.now()
    fired = 0
    for rule in AlertRule.objects.filter(is_active=True, kind=AlertRule.Kind.SPIKE):
        for topic_id in rule.topic_ids():
            fired += len(advance(rule, topic_id, now))
    return fired


@dataclass(frozen=True)
class Warmup:
    """Where a spike rule stands before it may alert: waiting for a topic's first mention
    (``ready_at`` None), or learning the baseline until ``ready_at``."""

    ready_at: dt.datetime | None


def warmups(rule_ids: Iterable[int]) -> dict[int, Warmup]:
    """Spike rules that cannot alert yet on any of their topics, for the rules page: a new
    user who tries a spike rule on a new topic should read that it is learning, and until
    when, not guess. A rule seen by the every-minute task on none of its topics yet (saved
    under a minute ago) is left out."""
    pending: dict[int, list[dt.datetime | None]] = {}
    ready: set[int] = set()
    rows = RuleSubject.objects.filter(
        rule_id__in=list(rule_ids), rule__kind=AlertRule.Kind.SPIKE, subject__startswith="topic:"
    ).exclude(last_bucket=None)
    for rule_id, state, last_bucket in rows.values_list("rule_id", "detector_state", "last_bucket"):
        detector = SpikeDetector.from_state(state) if state else None
        if detector is None or not detector.has_seen_activity:
            pending.setdefault(rule_id, []).append(None)
            continue
        left = detector.buckets_until_warm
        if left > 0:
            pending.setdefault(rule_id, []).append(last_bucket + BUCKET * (left + 1))
        else:
            ready.add(rule_id)
    result: dict[int, Warmup] = {}
    for rule_id, times in pending.items():
        if rule_id in ready:
            continue
        learning = [t for t in times if t is not None]
        result[rule_id] = Warmup(ready_at=max(learning) if learning else None)
    return result
