"""Scheduled kicks of the pipeline (thin: the work is in services)."""

from __future__ import annotations

from vigil.pipeline.embedded import stopping
from vigil.pipeline.runner import task
from vigil.pipeline.services import process_pending


@task("pipeline.process_pending", every=2)
def process_pending_task(batch_size: int | None = None) -> dict[str, int]:
    report = process_pending(batch_size, should_stop=stopping)
    return report.__dict__
