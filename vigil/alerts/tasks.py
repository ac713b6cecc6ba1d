"""Scheduled kicks of the alerts app (thin: the work is in services).

Sending waits on receivers outside Vigil, so in scale mode it has a Celery queue of its own
(``deliveries``): dead or slow channels then hold only the workers that consume it, never the
ones collecting and analysing.
"""

from __future__ import annotations

from vigil.alerts.services.lifecycle import escalate_due
from vigil.alerts.services.outbox import deliver_due
from vigil.alerts.services.spikes import close_buckets
from vigil.pipeline.runner import task

DELIVERY_QUEUE = "deliveries"


@task("alerts.deliver", every=5, queue=DELIVERY_QUEUE)
def deliver_task() -> dict[str, int]:
    return deliver_due().__dict__


@task("alerts.close_buckets", every=60)
def close_buckets_task() -> int:
    return close_buckets()


@task("alerts.escalate", every=60)
def escalate_task() -> int:
    return escalate_due()
