"""Run pending raw items through the ordered stages of ``settings.PIPELINE_STAGES``.

A batch is claimed and processed inside one transaction: either every entry of the
batch ends ``done``/``failed`` with its mention stored, or (crash, Ctrl-C, error) the
transaction rolls back and the items stay ``pending`` for the next run. Unique
constraints on ``Mention.item_key`` and ``RawItem`` make a second run harmless.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.db import connection, transaction
from django.utils.module_loading import import_string

from vigil.pipeline.batch import Batch, Entry
from vigil.pipeline.bulk import update_rows
from vigil.sources.models import RawItem

log = logging.getLogger(__name__)


@dataclass
class ProcessReport:
    claimed: int = 0
    new_mentions: int = 0
    duplicates: int = 0
    failed: int = 0

    def add(self, other: ProcessReport) -> None:
        self.claimed += other.claimed
        self.new_mentions += other.new_mentions
        self.duplicates += other.duplicates
        self.failed += other.failed


@cache
def pipeline_stages() -> list[Callable[[Batch], None]]:
    """The stage callables, in order, from ``settings.PIPELINE_STAGES``."""
    return [import_string(path) for path in settings.PIPELINE_STAGES]


def process_pending(
    batch_size: int | None = None,
    *,
    max_batches: int = 50,
    should_stop: Callable[[], bool] = lambda: False,
) -> ProcessReport:
    """Process pending raw items, batch after batch, until none is left."""
    size = batch_size or settings.PIPELINE_BATCH_SIZE
    total = ProcessReport()
    for _ in range(max_batches):
        if should_stop():
            break
        report = process_one_batch(size)
        total.add(report)
        if report.claimed < size:
            break
    return total


def process_one_batch(size: int) -> ProcessReport:
    try:
        return _process_batch(size)
    except Exception:
        # One poisoned item must not block the queue: redo the batch one item at a
        # time so the bad ones are marked failed and the good ones go through.
        log.exception("pipeline batch failed; retrying its items one by one")
        report = ProcessReport()
        ids = list(
            RawItem.objects.filter(status=RawItem.Status.PENDING)
            .order_by("id")
            .values_list("id", flat=True)[:size]
        )
        for raw_id in ids:
            try:
                report.add(_process_batch(1, only_id=raw_id))
            except Exception as exc:  # noqa: BLE001
                RawItem.objects.filter(pk=raw_id, status=RawItem.Status.PENDING).update(
                    status=RawItem.Status.FAILED, error=f"pipeline error: {exc}"[:2000]
                )
                report.failed += 1
        return report


def _process_batch(size: int, only_id: int | None = None) -> ProcessReport:
    batch: Batch | None = None
    try:
        with transaction.atomic():
            pending = RawItem.objects.select_related("source").filter(status=RawItem.Status.PENDING)
            if only_id is not None:
                pending = pending.filter(pk=only_id)
            if connection.features.has_select_for_update_skip_locked:
                # PostgreSQL: concurrent Celery workers take disjoint batches. SQLite's
                # IMMEDIATE transactions already serialise writers.
                pending = pending.select_for_update(skip_locked=True, of=("self",))
            raw_items = list(pending.order_by("id")[:size])
            if not raw_items:
                return ProcessReport()
            batch = Batch(entries=[Entry(raw=raw) for raw in raw_items])
            for stage in pipeline_stages():
                stage(batch)
            return _finish(batch)
    except BaseException:
        # Rolled back (a stage failed, or the commit did): stages put back what they keep
        # outside the database.
        if batch is not None:
            batch.rolled_back()
        raise


def _finish(batch: Batch) -> ProcessReport:
    report = ProcessReport(claimed=len(batch.entries))
    done: list[RawItem] = []
    for entry in batch.entries:
        raw = entry.raw
        if entry.error or entry.mention is None:
            raw.status = RawItem.Status.FAILED
            raw.error = (entry.error or "no mention produced")[:2000]
            report.failed += 1
        else:
            raw.status = RawItem.Status.DONE
            raw.error = ""
            raw.mention = entry.mention
            if entry.is_new:
                report.new_mentions += 1
            else:
                report.duplicates += 1
        done.append(raw)
    update_rows(
        RawItem,
        [
            {"id": r.pk, "status": r.status, "error": r.error, "mention_id": r.mention_id}
            for r in done
        ],
        ["status", "error", "mention"],
    )
    return report
