"""Scheduled kicks of the pipeline (thin: the work is in services)."""

from __future__ import annotations

from vigil.pipeline import heartbeats
from vigil.pipeline.embedded import stopping
from vigil.pipeline.runner import task
from vigil.pipeline.services import process_pending


@task("pipeline.process_pending", every=2)
def process_pending_task(batch_size: int | None = None) -> dict[str, int]:
    report = process_pending(batch_size, should_stop=stopping)
    return report.__dict__


@task("pipeline.scheduler_tick", every=heartbeats.SCHEDULER_TICK)
def scheduler_tick() -> None:
    """Only the scheduler sends this: its heartbeat tells health that scheduled work
    (retries, escalation, collection) is being sent, not just work that a commit kicks."""
    heartbeats.beat(heartbeats.SCHEDULER)
