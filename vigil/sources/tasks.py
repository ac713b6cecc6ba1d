"""Scheduled collection (thin: the work is in services)."""

from __future__ import annotations

from vigil.pipeline.runner import task
from vigil.sources.services import collect_due


@task("sources.collect_due", every=5)
def collect_due_task() -> list[str]:
    return [report.line() for report in collect_due()]
