"""“What would have fired in the last 7 days”: a rule replayed over stored matches.

The same hit tests and the same spike detector as the live path, with the rule's
episode window, so the editor shows how noisy a rule would be before it is saved.
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from vigil.alerts import signals
from vigil.alerts.services.evaluate import Hit, authority_hit, keyword_hit, story_hit, subject_of
from vigil.alerts.services.spikes import (
    BUCKET,
    LEARN_HISTORY,
    audience_offset,
    bucket_counts,
    bucket_floor,
    learned_detector,
    spike_summary,
)
from vigil.alerts.texts import news_prefix, say_summary
from vigil.monitoring.models import Match, Topic

SCAN_LIMIT = 20_000


@dataclass
class PreviewFire:
    at: dt.datetime
    subject: str  # "topic:12" | "story:7", as the live alert's key
    mentions: int
    text: str
    label: str = ""  # what the alert would be about, in words: the topic's name, a story
    grew: bool = False  # a spike re-fire on growth: the open alert is told again, not a new one


@dataclass
class Preview:
    fires: list[PreviewFire] = field(default_factory=list)
    scanned: int = 0
    #: Of those, the mentions the rule's own test accepted (its words, an author's reach, a
    #: story's growth); None for rules that judge volumes. "25 matches replayed" read the
    #: same for a word with no hit at all (a zh trial).
    accepted: int | None = None
    truncated: bool = False
    error: str = ""

    @property
    def new_alerts(self) -> int:
        """Alerts that would have been raised; growth of an open story is not a new one."""
        return sum(1 for fire in self.fires if not fire.grew)

    @property
    def growths(self) -> int:
        return len(self.fires) - self.new_alerts


def _episodes(rule: Any, hits: list[Hit], window: dt.timedelta) -> list[PreviewFire]:
    open_: dict[str, PreviewFire] = {}
    last: dict[str, dt.datetime] = {}
    fires: list[PreviewFire] = []
    for hit in hits:
        subject, story = subject_of(hit, by_story=getattr(rule, "kind", "") == "story_growth")
        at = hit.match.published_at
        if subject in open_ and at - last[subject] <= window:
            open_[subject].mentions += 1
        else:
            label = hit.match.topic.name
            if story is not None and subject.startswith("story:"):
                label = _("story {id} in {topic}").format(id=story, topic=label)
            fire = PreviewFire(
                at=at, subject=subject, mentions=1, text=hit.mention.headline[:140], label=label
            )
            open_[subject] = fire
            fires.append(fire)
        last[subject] = at
    return fires


def preview_rule(
    *,
    kind: str,
    topic_ids: list[int],
    conditions: dict[str, Any],
    cooldown_minutes: int = 360,
    days: int = 7,
    now: dt.datetime | None = None,
    time_zone: str | None = None,
) -> Preview:
    """Replay an (unsaved) rule over the last ``days`` of matches of its topics; a spike
    rule's days follow ``time_zone`` (the installation's if None), as the saved rule's will."""
    now = now or timezone.now()
    since = now - dt.timedelta(days=days)
    rule = SimpleNamespace(conditions=conditions)
    window = dt.timedelta(minutes=cooldown_minutes)
    if kind == "spike":
        return _preview_spike(topic_ids, conditions, since, now, time_zone)
    matches = (
        Match.objects.filter(topic_id__in=topic_ids, published_at__gte=since, published_at__lte=now)
        .select_related("mention", "mention__story", "topic")
        .order_by("published_at")
    )
    preview = Preview()
    hits: list[Hit] = []
    for match in matches.iterator(chunk_size=2000):
        preview.scanned += 1
        if preview.scanned > SCAN_LIMIT:
            preview.truncated = True
            break
        hits.append(Hit(match=match, mention=match.mention))
    if kind == "negative_share":
        preview.fires = _negative_share(hits, conditions, window)
        return preview
    test = {"keyword": keyword_hit, "authority": authority_hit, "story_growth": story_hit}.get(kind)
    if test is None:
        preview.error = f"unknown rule kind {kind!r}"
        return preview
    accepted = [h for h in hits if test(rule, h)]  # type: ignore[arg-type]
    preview.accepted = len(accepted)
    preview.fires = _episodes(rule, accepted, window)
    return preview


def _negative_share(
    hits: list[Hit], cond: dict[str, Any], cooldown: dt.timedelta
) -> list[PreviewFire]:
    span = dt.timedelta(minutes=cond["window_minutes"])
    windows: dict[int, deque[tuple[dt.datetime, bool]]] = {}
    last_fired: dict[int, dt.datetime] = {}
    fires: list[PreviewFire] = []
    for hit in hits:
        verdict = signals.is_negative(hit.mention, hit.match)
        if verdict is None:
            continue
        topic_id = hit.match.topic_id
        at = hit.match.published_at
        window = windows.setdefault(topic_id, deque())
        window.append((at, verdict))
        while window and window[0][0] < at - span:
            window.popleft()
        negative = sum(1 for _t, v in window if v)
        if (
            len(window) < cond["min_mentions"]
            or 100 * negative / len(window) < cond["threshold_percent"]
        ):
            continue
        if topic_id in last_fired and at - last_fired[topic_id] <= cooldown:
            continue
        last_fired[topic_id] = at
        fires.append(
            PreviewFire(
                at=at,
                subject=f"topic:{topic_id}",
                mentions=len(window),
                # The words of the live alert's summary, so the preview reads the same.
                text=say_summary(
                    "negative_share",
                    {
                        "negative": negative,
                        "analysed": len(window),
                        "minutes": cond["window_minutes"],
                        "threshold": cond["threshold_percent"],
                    },
                ),
                label=hit.match.topic.name,
            )
        )
    return fires


def _preview_spike(
    topic_ids: list[int],
    cond: dict[str, Any],
    since: dt.datetime,
    now: dt.datetime,
    time_zone: str | None,
) -> Preview:
    """The live detector replayed: it first learns the weeks before ``since`` as a saved
    rule would learn them, so the preview does not list what a cold baseline would fire."""
    preview = Preview()
    names = dict(Topic.objects.filter(pk__in=topic_ids).values_list("pk", "name"))
    start, end = bucket_floor(since), bucket_floor(now)
    negative_only = bool(cond.get("negative_only"))
    for topic_id in topic_ids:
        detector = learned_detector(
            cond.get("sensitivity", "medium"),
            audience_offset(time_zone, now),
            topic_id,
            start - LEARN_HISTORY,
            start - BUCKET,
            negative_only,
        )
        counts = bucket_counts(topic_id, start, end, negative_only)
        preview.scanned += sum(counts.values())
        if not counts:
            continue
        # A topic whose first matches fall inside the week starts there, as a new rule would.
        bucket = start if detector.buckets_seen else min(counts)
        while bucket < end:
            signal = detector.observe(bucket, counts.get(bucket, 0))
            if signal is not None:
                # The window's mentions as the live alert counts them (spikes._fire).
                counted = sum(
                    counts.get(bucket - BUCKET * back, 0)
                    for back in range(int(signal.window_seconds // BUCKET.total_seconds()))
                )
                preview.fires.append(
                    PreviewFire(
                        at=bucket + BUCKET,
                        subject=f"topic:{topic_id}",
                        mentions=counted,
                        # A re-fire on growth is told as such by the live rule.
                        text=(news_prefix("grew") if signal.grew else "")
                        + spike_summary(signal, counted, negative_only),
                        label=names.get(topic_id, str(topic_id)),
                        grew=signal.grew,
                    )
                )
            bucket += BUCKET
    preview.fires.sort(key=lambda f: f.at)
    return preview
