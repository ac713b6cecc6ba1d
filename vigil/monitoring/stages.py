"""The pipeline's match stage: every new mention against every active topic at once.

The percolator is built once per process and rebuilt only when the topics change (a
cheap fingerprint of the topic and plan tables is checked per batch), so a change made
in the UI takes effect on the next batch without stopping the pipeline.
"""

from __future__ import annotations

import threading
from typing import Any

from django.db.models import Count, Max

from vigil.monitoring.models import Match, MonitoringPlan, Topic
from vigil.monitoring.query import Percolator
from vigil.monitoring.query.names import names_in_queries
from vigil.monitoring.services import active_topics, match_rows, topic_percolator
from vigil.pipeline.batch import Batch
from vigil.pipeline.bulk import insert_ignoring_conflicts

_lock = threading.Lock()
_cached: tuple[Any, Percolator, dict[int, int]] | None = None


def _fingerprint() -> tuple[Any, ...]:
    topics = Topic.objects.aggregate(n=Count("id"), latest=Max("updated_at"))
    plans = MonitoringPlan.objects.aggregate(n=Count("id"), latest=Max("updated_at"))
    return (topics["n"], topics["latest"], plans["n"], plans["latest"])


def teach_segmenter(topics: list[Topic]) -> None:
    """Brand and product names from the plans go into jieba's user dictionary, so keywords
    and entities keep "明光电水壶" whole instead of cutting it into pieces."""
    from vigil.analysis.keywords import add_terms

    add_terms(names_in_queries(topic.query for topic in topics))


def current_percolator() -> tuple[Percolator, dict[int, int]]:
    """The percolator of the active topics and each topic's version, rebuilt on change."""
    global _cached
    fingerprint = _fingerprint()
    with _lock:
        if _cached is None or _cached[0] != fingerprint:
            topics = list(active_topics())
            _cached = (fingerprint, topic_percolator(topics), {t.pk: t.version for t in topics})
            teach_segmenter(topics)
        return _cached[1], _cached[2]


def match(batch: Batch) -> None:
    """Store a Match for every (new mention, topic) pair that matches."""
    mentions = batch.new_mentions()
    if not mentions:
        return
    percolator, versions = current_percolator()
    if not len(percolator):
        return
    rows = match_rows(
        mentions, percolator, Match.Via.LIVE, lambda topic_id: versions.get(topic_id, 1)
    )
    insert_ignoring_conflicts(Match, rows)


match.name = "match"  # type: ignore[attr-defined]
