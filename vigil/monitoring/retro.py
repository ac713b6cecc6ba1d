"""Retro search: match one topic against the stored mentions of the last N days.

Runs in chunks ordered by mention id, saving progress (and the resume point) after
each chunk, so the UI shows a progress bar and a crash resumes where it stopped.
A newer version of the topic supersedes a running search of an older one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from vigil.mentions.models import Mention
from vigil.monitoring.models import Match, RetroSearch
from vigil.monitoring.services import match_rows, topic_percolator
from vigil.pipeline.bulk import insert_ignoring_conflicts

CHUNK = 1000
LEASE = dt.timedelta(minutes=5)


def run_retro_search(
    search_id: int, should_stop: Callable[[], bool] = lambda: False
) -> RetroSearch | None:
    # Claim with a lease: a queued search, or a running one whose worker stopped renewing.
    now = timezone.now()
    claimed = (
        RetroSearch.objects.filter(pk=search_id)
        .filter(
            Q(status=RetroSearch.Status.QUEUED)
            | Q(status=RetroSearch.Status.RUNNING, lease_until__lt=now)
            | Q(status=RetroSearch.Status.RUNNING, lease_until__isnull=True)
        )
        .update(status=RetroSearch.Status.RUNNING, lease_until=now + LEASE)
    )
    if not claimed:
        return None
    search = RetroSearch.objects.select_related("topic").get(pk=search_id)
    topic = search.topic
    if topic.version != search.topic_version or not topic.is_active:
        search.status, search.error = RetroSearch.Status.DONE, "superseded by a newer version"
        search.finished_at = timezone.now()
        search.save(update_fields=["status", "error", "finished_at"])
        return search
    since = timezone.now() - dt.timedelta(days=search.days)
    mentions = Mention.objects.filter(published_at__gte=since)
    if not search.total:
        search.total = mentions.count()
        search.save(update_fields=["total"])
    percolator = topic_percolator([topic])
    try:
        while not should_stop():
            chunk = list(mentions.filter(pk__gt=search.last_mention_id).order_by("pk")[:CHUNK])
            if not chunk:
                break
            rows = match_rows(chunk, percolator, Match.Via.RETRO, lambda _topic_id: topic.version)
            with transaction.atomic():
                insert_ignoring_conflicts(Match, rows)
                search.processed += len(chunk)
                search.matched += len(rows)
                search.last_mention_id = chunk[-1].pk
                search.lease_until = timezone.now() + LEASE
                search.save(
                    update_fields=["processed", "matched", "last_mention_id", "lease_until"]
                )
        else:
            # Stopping: release the lease; the next start resumes from last_mention_id.
            RetroSearch.objects.filter(pk=search.pk).update(lease_until=None)
            return search
    except Exception as exc:
        search.status, search.error = RetroSearch.Status.FAILED, f"{type(exc).__name__}: {exc}"
        search.save(update_fields=["status", "error"])
        raise
    search.status, search.finished_at = RetroSearch.Status.DONE, timezone.now()
    search.processed = max(search.processed, search.total)
    search.save(update_fields=["status", "finished_at", "processed"])
    return search


def unfinished_searches() -> list[int]:
    """Searches nobody is running: queued, or running with an expired (or released) lease."""
    now = timezone.now()
    return list(
        RetroSearch.objects.filter(
            Q(status=RetroSearch.Status.QUEUED)
            | Q(status=RetroSearch.Status.RUNNING, lease_until__lt=now)
            | Q(status=RetroSearch.Status.RUNNING, lease_until__isnull=True)
        ).values_list("pk", flat=True)
    )
